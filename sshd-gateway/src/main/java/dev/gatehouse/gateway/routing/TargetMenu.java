package dev.gatehouse.gateway.routing;

import dev.gatehouse.gateway.GatewayServices;
import dev.gatehouse.gateway.auth.AuthenticatedUser;
import dev.gatehouse.gateway.config.TargetConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelDataReceiver;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/**
 * An interactive login to a name that is no target: lists the targets this person may use and
 * starts the one they pick (by number or name). The terminal is raw on the client side, so the
 * menu echoes and edits the line itself.
 */
final class TargetMenu implements Command, ChannelDataReceiver {
  private static final int MAX_LINE = 128;
  private final GatewayServices services;
  private final AuthenticatedUser user;
  private final TargetRouter router;
  private final StringBuilder line = new StringBuilder();
  private OutputStream out;
  private OutputStream err;
  private ExitCallback exit;
  private ChannelSession channel;
  private Environment env;
  private List<TargetConfig> choices;
  private volatile boolean done;
  private volatile Command chosen;

  TargetMenu(GatewayServices services, AuthenticatedUser user, TargetRouter router) {
    this.services = services;
    this.user = user;
    this.router = router;
  }

  @Override
  public void start(ChannelSession channel, Environment env) throws IOException {
    this.channel = channel;
    this.env = env;
    choices = TargetRouter.usable(services, user);
    String name = channel.getSession().getUsername();
    StringBuilder sb = new StringBuilder();
    sb.append("gatehouse: no target named '").append(name).append("'.\r\n");
    if (choices.isEmpty()) {
      sb.append("There are no targets you may use, ").append(user.identity()).append(".\r\n");
      write(sb.toString());
      done = true;
      exit.onExit(Refusal.REFUSED, "no usable targets");
      return;
    }
    sb.append("Targets you may use, ").append(user.identity()).append(":\r\n");
    for (int i = 0; i < choices.size(); i++) {
      TargetConfig t = choices.get(i);
      sb.append(String.format("  %2d) %-20s %s%n", i + 1, t.name(), t.type().label()).replace("\n", "\r\n"));
    }
    sb.append("Pick a number or name (q to quit): ");
    write(sb.toString());
    channel.setDataReceiver(this);
  }

  @Override
  public int data(ChannelSession ch, byte[] buf, int start, int len) throws IOException {
    for (int i = start; i < start + len && !done; i++) {
      int c = buf[i] & 0xff;
      if (c == '\r' || c == '\n') {
        write("\r\n");
        choose(line.toString().trim());
        line.setLength(0);
        if (chosen != null && i + 1 < start + len) {
          // Typed ahead or pasted after the pick ("1\nls\n" in one packet): the rest belongs to
          // the session just started. Its receiver accounts for the window of the bytes it got.
          ChannelDataReceiver next = ((GatewayChannel) channel).dataReceiver();
          if (next != null && next != this) {
            return (i + 1 - start) + next.data(ch, buf, i + 1, start + len - (i + 1));
          }
        }
      } else if (c == 0x7f || c == 0x08) {
        if (line.length() > 0) {
          line.setLength(line.length() - 1);
          write("\b \b");
        }
      } else if (c == 0x03 || c == 0x04) {
        quit();
      } else if (c >= 0x20 && c < 0x7f && line.length() < MAX_LINE) {
        line.append((char) c);
        write(String.valueOf((char) c));
      }
    }
    return len;
  }

  private void choose(String answer) throws IOException {
    if (answer.equals("q") || answer.equals("quit")) {
      quit();
      return;
    }
    TargetConfig picked = null;
    try {
      int n = Integer.parseInt(answer);
      if (n >= 1 && n <= choices.size()) {
        picked = choices.get(n - 1);
      }
    } catch (NumberFormatException e) {
      picked = choices.stream().filter(t -> t.name().equals(answer)).findFirst().orElse(null);
    }
    if (picked == null) {
      write("gatehouse: '" + answer + "' is not one of the targets above. Pick again: ");
      return;
    }
    done = true;
    Command next = router.open(services, picked, user, null);
    next.setOutputStream(out);
    next.setErrorStream(err);
    next.setExitCallback(exit);
    chosen = next;
    next.start(channel, env);
  }

  private void quit() throws IOException {
    done = true;
    write("\r\n");
    exit.onExit(Refusal.UNKNOWN_TARGET, "no target picked");
  }

  private void write(String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Override
  public void close() {
    // Client EOF before a choice: nothing to clean up.
  }

  @Override
  public void destroy(ChannelSession channel) throws Exception {
    // MINA destroys the command it created (this menu); pass it on to the session picked.
    Command c = chosen;
    if (c != null) {
      c.destroy(channel);
    }
  }

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
