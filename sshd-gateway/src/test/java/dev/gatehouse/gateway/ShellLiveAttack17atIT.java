package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.GatewayFixture.field;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attack pass 17at, live through the gateway at the terminal level: the real OpenSSH client in
 * tmux, the gateway, a real OpenSSH sshd on loopback and the account's login bash (Debian's
 * skeleton dotfiles), as ShellPromptSshIT and ShellPromptAttack17mIT. Two {@code ssh} targets on
 * the same host: {@code ssh-strict} in {@code mode: allow-list} with docs/policy.md's own list
 * ({@code [ls, cat, less, grep, tail, journalctl, "systemctl status"]}), {@code ssh-default} under
 * the deny-list default ({@code default-shell} of ShellGuardIT).
 *
 * <p><b>A TAB is a control character the client may choose as a special character, and a TAB is
 * the one control character a guarded line may hold.</b> Pass 17m showed that the client's pty
 * modes reach the host's terminal and edit every judged line there ({@code stty erase Q}); the fix,
 * {@code sshtarget.GuardedPtyModes.of}, keeps a client's special character only when it "is a
 * control character other than line ends, which no line the gateway types holds": the test is
 * {@code v >= 1 && v < 0x20 && v != '\n' && v != '\r'}, so 9 (TAB) is kept. But
 * {@code shell.GuardedShell.unsendable} lets {@code '\t'} through ({@code c < 0x20 && c != '\t' &&
 * c != '\n'}), and the line editor puts a literal TAB in the line with Ctrl-V TAB (JLine's
 * quoted-insert; a bracketed paste does the same). So a person runs {@code stty erase ^I} (or
 * {@code kill}, {@code werase}, {@code quit}, {@code susp}) in their own terminal and then {@code ssh
 * -t user@gw ssh-strict}: OpenSSH sends VERASE=9 in the pty request, the gateway passes it on,
 * sshd sets the host's terminal so, the integration saves those settings ({@code stty -g}) and the
 * hook puts them back at every prompt. Then:
 * <ul>
 *   <li>{@code ls;#<TAB>touch W} (typed {@code ls;#}, Ctrl-V, TAB, {@code touch W}) is judged
 *       {@code ls} and a comment: allowed, commands {@code [ls]}, in allow-list mode and under
 *       the deny-list default alike. The host's terminal (erase = TAB) erases the {@code #} and
 *       hands bash {@code ls;touch W}.</li>
 *   <li>{@code ls #<TAB>touch W} with kill = TAB: everything before the TAB is killed, bash reads
 *       {@code touch W}. werase = TAB erases the word {@code ls;#} the same way.</li>
 *   <li>quit = TAB or susp = TAB (ISIG stays on; NOFLSH comes from the client too): the signal
 *       character flushes the terminal's input queue up to it (bash, interactive, ignores SIGQUIT
 *       and SIGTSTP at its prompt), and bash reads the rest, {@code touch W}.</li>
 * </ul>
 * The guard never notices: bash's C marker comes for the line the gateway sent, and the audit
 * line of the judged text names only {@code ls}. Only {@code ssh} targets: a {@code command}
 * target's pty is the gateway's own and takes no client modes (the same keys there: {@code ls} ran,
 * nothing else; tried live).
 *
 * <p>The witness is {@code touch} of a file in the host's /tmp (sshd on loopback, so the test
 * sees the same /tmp), and the session itself lists /tmp afterwards through a judged command whose
 * output holds text the typed lines do not ({@code grep -n} prefixes the line number).
 *
 * <p>Each test asserts the secure outcome (the witness never exists) and fails on the current code.
 *
 * <p><b>Tried and already refused (or not a bypass)</b>: on the {@code ssh} target, a TAB as a
 * character that only removes itself (eof, lnext, rprnt, stop/start with ixon) inside a here-document
 * delimiter ({@code cat <<EOF}, {@code EO<TAB>F}, {@code touch W}, {@code EOF}: bash did not end the
 * here-document early, no witness); intr = TAB ({@code ls #<TAB>touch W}: bash read {@code touch W} as
 * a command after the SIGINT, its C marker came for no line the gateway sent, and the gateway ended
 * the session, "the shell started a command the guard did not see"; the witness was not created in
 * that run, though the C marker is printed before the command runs, so this is a race the guard
 * won once, not a guarantee). On a {@code command} target in allow-list mode: the same TAB lines
 * with {@code stty erase ^I}/{@code kill ^I} in the client (the gateway's own pty ignores them: not a
 * bypass); a bracketed paste ({@code ESC[200~ls\ntouch W\n ESC[201~}) is one multi-line line, judged
 * whole ("touch is not in allowCommands"); {@code Ctrl-X *} left no expansion; {@code Ctrl-X Ctrl-E}
 * (JLine's edit-and-execute) writes the buffer to {@code jline-execute-*.tmp} in the gateway host's
 * java.io.tmpdir, then fails to load {@code org.jline.builtins.Nano} (jline-builtins is not on the
 * classpath) and prints the Java stack trace (gateway classes and line numbers:
 * GuardedShell.run:678, CommandSession.runPrompt, RecordedSession) to the user's terminal; the temp
 * file is deleted and nothing is run, so not a bypass, but an information leak and a gateway-side
 * file write worth unbinding ({@code ^X^E} and {@code ESC v}-style editor widgets). Not tried for
 * lack of time: terminal answerbacks while a listed program runs, Ctrl-Z/fg job-control timing,
 * SSH env requests on ssh targets.
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellLiveAttack17atIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String PROMPT = SshdProcess.TARGET_USER + "@[^:\\n]*:~\\$ ?";

  @TempDir static Path dir;
  static SshdProcess sshd;
  static GatewayFixture gw;

  static final String POLICIES = ShellLiveTargets.POLICIES;

  @BeforeAll
  static void start() throws Exception {
    sshd = SshdProcess.prepare(dir.resolve("sshd"));
    String host = "    type: ssh\n    ssh: { host: 127.0.0.1, port: " + sshd.port() + ", user: "
        + SshdProcess.TARGET_USER + ", hostKey: \"" + sshd.hostKeyLine() + "\" }\n    allow: { groups: [dev] }\n";
    String targets = "targets:\n"
        + "  - name: ssh-strict\n" + host + "    policy: docs-allow-list\n"
        + "  - name: ssh-default\n" + host + "    policy: default-shell\n"
        + POLICIES;
    gw = GatewayFixture.start(dir, "", targets);
    sshd.start(gw.gateway().certificateAuthority().targetCaPublicKeyLine());
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (gw != null) {
        gw.close();
      }
    } finally {
      if (sshd != null) {
        sshd.close();
      }
    }
  }

  /** The OpenSSH client started from a terminal whose settings {@code stty} changed first: it sends them. */
  private static Tmux guardedWith(Path tmp, SshClientKey key, String target, String stty) throws Exception {
    List<String> argv = new ArrayList<>(List.of("sh", "-c", "stty " + stty + " && exec \"$@\"", "sh"));
    argv.addAll(gw.sshArgv(key, target, List.of("-t")));
    Tmux t = Tmux.start(tmp, 200, 30, argv);
    t.awaitScreen("^" + PROMPT + "$", WAIT);
    return t;
  }

  /**
   * The client's terminal has a special character set to TAB ({@code stty X ^I}); the line typed
   * at the guarded prompt holds a literal TAB (Ctrl-V TAB) where {@code TAB} stands in the
   * template. The guard judges a comment after {@code ls}; the host's terminal hands bash
   * {@code touch W}.
   */
  @ParameterizedTest(name = "{0}: client `stty {1}`, typed: {2}")
  @CsvSource(delimiter = '|', textBlock = """
      ssh-strict  | erase ^I  | ls;#TABtouch WITNESS
      ssh-strict  | kill ^I   | ls #TABtouch WITNESS
      ssh-strict  | werase ^I | ls;#TABtouch WITNESS
      ssh-strict  | quit ^I   | ls #TABtouch WITNESS
      ssh-strict  | susp ^I   | ls #TABtouch WITNESS
      ssh-default | erase ^I  | ls;#TABtouch WITNESS
      ssh-default | kill ^I   | ls #TABtouch WITNESS
      """)
  void aTabChosenAsTheClientsSpecialCharacterEditsAJudgedLineIntoAnother(String target, String stty, String template,
      @TempDir Path tmp) throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("tab17at"), List.of("dev"));
    String name = "gh-attack17at-" + UUID.randomUUID();
    Path w = Path.of("/tmp", name);
    String line = template.replace("WITNESS", w.toString());
    String report = "";
    try (Tmux t = guardedWith(tmp, key, target, stty)) {
      String[] parts = line.split("TAB", -1);
      for (int i = 0; i < parts.length; i++) {
        if (i > 0) {
          t.run("send-keys", "-t", "gh", "C-v"); // JLine's quoted-insert: the next key goes into the line as it is
          t.run("send-keys", "-t", "gh", "Tab");
        }
        t.run("send-keys", "-t", "gh", "-l", parts[i]);
      }
      t.run("send-keys", "-t", "gh", "Enter");
      Thread.sleep(1500); // pacing: the line runs, the next prompt comes
      t.awaitScreen("^" + PROMPT + "$", WAIT);
      // The session itself reports: grep -n prefixes the line number, which the typed line lacks.
      t.type("ls -1 /tmp | grep -n " + name);
      Thread.sleep(1500);
      report = t.screen();
    } finally {
      boolean ran = Files.exists(w) || report.contains(":" + name);
      Files.deleteIfExists(w);
      String judged = line.replace("TAB", "\t");
      String commands = gw.auditLines().stream()
          .filter(n -> judged.equals(n.path("statement").asText(null)))
          .map(n -> n.path("code").asText() + " " + n.path("commands")).findFirst().orElse("(no audit line)");
      assertThat(ran).as("the guard judged `%s` (audit: %s) and allowed it; the host's terminal, set by the client"
          + " (stty %s, sent in the pty request and kept by GuardedPtyModes because TAB is a control character),"
          + " edited the judged line and bash ran `touch %s`, which the guard never judged; screen:%n%s",
          judged, commands, stty, w, report).isFalse();
    }
  }
}
