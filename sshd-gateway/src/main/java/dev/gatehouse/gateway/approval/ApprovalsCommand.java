package dev.gatehouse.gateway.approval;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.gateway.GatewayServices;
import dev.gatehouse.gateway.auth.AuthenticatedUser;
import dev.gatehouse.recorder.VisibleText;
import dev.gatehouse.gateway.auth.OwnBindings;
import dev.gatehouse.recorder.approval.ApprovalRefused;
import dev.gatehouse.recorder.approval.ApprovalRequest;
import dev.gatehouse.recorder.approval.ApprovalState;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/**
 * The reserved SSH user {@code approvals}: approvers act with their own certificate.
 *
 * <pre>
 *  ssh approvals@gw list [--all] [--format json]   pending requests they may decide, and their own
 *  ssh approvals@gw 'show 7F3A [--format json]'    one of those whole, however long (a list cuts a very long one)
 *  ssh approvals@gw 'approve 7F3A [comment]'       exit 0, or 77 with "gatehouse: refused (slug): …"
 *  ssh approvals@gw 'deny 7F3A [comment]'
 *  ssh approvals@gw bindings [--format json]       the caller's own key bindings (device login)
 *  ssh approvals@gw 'unbind SHA256:… [reason]'     end one of them ({@link OwnBindings})
 * </pre>
 *
 * An interactive login prints the list and this usage. Not a recorded session: each decision is an
 * audit line ({@code GH3003I}, refusals {@code GH3005W}).
 */
public final class ApprovalsCommand implements Command {
  static final int EXIT_MALFORMED = 65;
  static final int EXIT_REFUSED = 77;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String USAGE = "usage: ssh approvals@gatehouse 'list [--all] [--format json]' | "
      + "'show ID [--format json]' | 'approve ID [comment]' | 'deny ID [comment]' | 'bindings [--format json]' | "
      + "'unbind KEY [reason]'";

  private final GatewayServices services;
  private final AuthenticatedUser user;
  private final String command;
  private OutputStream out;
  private OutputStream err;
  private ExitCallback exit;
  private boolean pty;

  public ApprovalsCommand(GatewayServices services, AuthenticatedUser user, String command) {
    this.services = services;
    this.user = user;
    this.command = command;
  }

  @Override
  public void start(ChannelSession channel, Environment env) {
    pty = env.getEnv().containsKey(Environment.ENV_TERM) && command == null;
    // The store may wait on a lock: not on MINA's threads.
    services.pumps().execute(() -> {
      int code;
      try {
        code = run();
      } catch (IOException | RuntimeException e) {
        say(err, "gatehouse: approvals unavailable: " + e.getMessage());
        code = 1;
      }
      exit.onExit(code);
    });
  }

  private int run() throws IOException {
    ApprovalDesk desk = services.approvals();
    if (command == null) {
      say(out, ApprovalText.table(visible(false), Instant.now()) + USAGE);
      return 0;
    }
    String text = command.strip();
    String[] words = text.split("\\s+", 3);
    String verb = words[0];
    switch (verb) {
      case "list" -> {
        boolean all = text.contains("--all");
        List<ApprovalRequest> rs = visible(all);
        if (text.contains("--format json")) {
          say(out, VisibleText.json(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(ApprovalJson.of(rs))));
        } else {
          say(out, ApprovalText.table(rs, Instant.now()).stripTrailing());
        }
        return 0;
      }
      case "show" -> {
        if (words.length < 2 || words[1].startsWith("--")) {
          say(err, "gatehouse: show needs a request id; " + USAGE);
          return EXIT_MALFORMED;
        }
        ApprovalRequest r = desk.find(words[1]).filter(this::maySee).orElse(null);
        if (r == null) {
          // The same answer for a request that does not exist and one this person may not see.
          say(err, "gatehouse: refused (not-found): no approval request " + VisibleText.inline(words[1]) + " for you");
          return EXIT_REFUSED;
        }
        if (text.contains("--format json")) {
          say(out, VisibleText.json(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(ApprovalJson.of(r))));
        } else {
          say(out, ApprovalText.whole(r, Instant.now()).stripTrailing());
        }
        return 0;
      }
      case "approve", "deny" -> {
        if (words.length < 2) {
          say(err, "gatehouse: " + verb + " needs a request id; " + USAGE);
          return EXIT_MALFORMED;
        }
        String comment = words.length > 2 ? words[2] : null;
        try {
          ApprovalRequest r = desk.decide(words[1], user.identity(), user.groups(), verb.equals("approve"), comment, "ssh");
          say(out, "request " + r.id() + " is " + r.state().wireName()
              + (r.state() == ApprovalState.PENDING ? " (" + r.approvers().size() + " of " + r.approversNeeded()
                  + " approvals)" : ""));
          return 0;
        } catch (ApprovalRefused e) {
          say(err, "gatehouse: refused (" + e.slug() + "): " + e.getMessage());
          return EXIT_REFUSED;
        }
      }
      case "bindings" -> {
        return show(new OwnBindings(services.ledger(), services.audit()).list(user, text.contains("--format json")));
      }
      case "unbind" -> {
        if (words.length < 2) {
          say(err, "gatehouse: unbind needs a key fingerprint (SHA256:...); " + USAGE);
          return EXIT_MALFORMED;
        }
        return show(new OwnBindings(services.ledger(), services.audit())
            .unbind(user, words[1], words.length > 2 ? words[2] : null));
      }
      default -> {
        say(err, "gatehouse: unknown approvals command '" + verb + "'; " + USAGE);
        return EXIT_MALFORMED;
      }
    }
  }

  private int show(OwnBindings.Outcome o) {
    if (!o.out().isEmpty()) {
      say(out, o.out().stripTrailing());
    }
    if (!o.err().isEmpty()) {
      say(err, o.err().stripTrailing());
    }
    return o.exitCode();
  }

  /** Requests this person may decide (in an approver group), and their own. */
  private List<ApprovalRequest> visible(boolean all) throws IOException {
    EnumSet<ApprovalState> states = all ? EnumSet.noneOf(ApprovalState.class) : EnumSet.of(ApprovalState.PENDING);
    return services.approvals().list(states, 200).stream().filter(this::maySee).toList();
  }

  /** A request is shown to its requester and to the members of its approver groups. */
  private boolean maySee(ApprovalRequest r) {
    return r.requester().equals(user.identity()) || r.approverGroups().stream().anyMatch(user.groups()::contains);
  }

  /**
   * Everything this command prints passes here: text from requesters and approvers is already
   * made visible where it is formatted; this is the second wall, for anything that was not.
   */
  private void say(OutputStream to, String text) {
    try {
      String nl = pty ? "\r\n" : "\n";
      to.write((VisibleText.lines(text).replace("\n", nl) + nl).getBytes(StandardCharsets.UTF_8));
      to.flush();
    } catch (IOException e) {
      // client gone
    }
  }

  @Override
  public void destroy(ChannelSession channel) {}

  @Override
  public void setInputStream(InputStream in) {}

  @Override
  public void setOutputStream(OutputStream out) {
    this.out = out;
  }

  @Override
  public void setErrorStream(OutputStream err) {
    this.err = err;
  }

  @Override
  public void setExitCallback(ExitCallback callback) {
    this.exit = callback;
  }
}
