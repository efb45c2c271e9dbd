package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Attack pass 17bb, live through the gateway: the real OpenSSH client ({@code ssh -tt} on a pipe,
 * and in a tmux terminal for window changes), the gateway, bash in the sandbox of {@code command}
 * targets and a real OpenSSH sshd on loopback behind {@code ssh} targets ({@link
 * ShellLiveTargets#fourTargets}): {@code web-strict}/{@code ssh-strict} in {@code mode: allow-list}
 * with docs/policy.md's own list, {@code web-default}/{@code ssh-default} under the deny-list
 * default. The payload is {@code touch W} on an allow-list target (not listed: refused) and
 * {@code sh -c 'touch W'} under the deny-list default (judged allow there, GH3000I: a witness
 * counts only when no audit line judged and allowed it); the witness W is a file in the
 * session's /tmp, checked by the session itself ({@code ls -1 /tmp | grep -n NAME}) after two
 * Ctrl-C, and on the host's /tmp for the ssh targets.
 *
 * <p><b>Guard bypass: none found.</b> No attempt of this pass got a line run that the guard did
 * not judge; those tests assert the secure outcome and pass on the current code.
 *
 * <p><b>Finding (not a bypass; availability and audit): a Ctrl-C or Ctrl-Z typed at the guarded
 * prompt leaves the prompt thread interrupted.</b> JLine's {@code LineReaderImpl.readLine}
 * installs, for its duration, an INT handler that interrupts the thread reading the line
 * ({@code gh-prompt-<session>}, {@code GuardedShell.run}); {@code GuardedShell} installs its own INT
 * handler only for held reviews and never clears the thread's interrupt status. With Ctrl-C and a
 * line in one chunk ({@code ^Cls /⏎}) the line is still read, judged and sent ({@code ls /} ran),
 * then {@code awaitPrompt}'s {@code lock.wait} throws InterruptedException and returns false:
 * {@code run()} returns, the editor is closed and the session never shows a prompt again (seen
 * live: no prompt for 60 s, session left hanging until the gateway stopped). When the interrupted
 * thread instead reaches an audit write ({@code session.judged}/{@code refused} for the next line),
 * {@code AuditLog}'s {@code FileChannel.lock()} throws {@code FileLockInterruptionException}, which
 * closes the gateway's audit channel for good: every later audit write fails with {@code
 * ClosedChannelException}, every later login to the gateway is refused ("audit log write failed
 * for auth-failed"), and the session's own end line is lost. Seen twice live in this pass's first
 * runs on the shared gateway ({@code web-strict}: after a session whose typing held Ctrl-C/Ctrl-Z at
 * the prompt, the log shows {@code [gh-prompt-…] audit log write failed for statement-blocked:
 * FileLockInterruptionException}, then ClosedChannelException for all), not reproduced on demand.
 * Causes: {@code GuardedShell.run} (sshd-gateway/…/shell/GuardedShell.java) does not clear
 * {@code Thread.interrupted()} after {@code readLine} returns or throws; {@code awaitPrompt} treats
 * an interrupt as the session's end; {@code recorder/…/AuditLog.java} writes through an
 * interruptible {@code FileChannel} from session threads. Fix directions: clear the interrupt
 * status after each {@code readLine} (and in the INT path), ignore it in {@code awaitPrompt} unless
 * the session ended, and do the audit's file I/O on a thread no one interrupts (or reopen the
 * channel on {@code ClosedByInterruptException}). Failing test: {@code
 * ctrlKeysAtThePromptLeaveTheAuditLogWorking[1]} (ten rounds of Ctrl-C then a line in one chunk:
 * some {@code ls /} runs, then the prompt never comes back; failed in both runs). Passing: its
 * Ctrl-C-alone and Ctrl-Z variants (the race did not hit there) and the other tests of the class.
 * The Ctrl-C/Ctrl-Z-with-a-line sequences were taken out of the shared-gateway tests: the audit
 * closure they can cause breaks every later login of the run.
 *
 * <p><b>Tried and already refused (or not a bypass)</b> (passing tests):
 * <ul>
 *   <li>Line editor (JLine, {@code terminal/LineEditor.java}, {@code GuardedShell.run}): Ctrl-R
 *       reverse search then Enter or Ctrl-O (accept-and-next): the recalled {@code touch W} is
 *       judged again and refused; Alt-. (yank-last-arg), Ctrl-U/Ctrl-K then Ctrl-Y, undo
 *       (Ctrl-_ and Ctrl-X Ctrl-U): the line JLine returns is the line judged and the line sent
 *       ({@code GuardedShell.handle}/{@code send} write exactly {@code line + "\n"}); Ctrl-X Ctrl-E:
 *       the widget is replaced by one that fails (bell, line unchanged, then judged and refused);
 *       Tab: no completer, a bell, the tab stays text; Ctrl-V Ctrl-J: a newline in the line, both
 *       physical lines judged (refused); Ctrl-V Ctrl-M and Ctrl-V ESC: {@code unsendable} refuses
 *       the control character ("not-text"); an open quote or a here-document ({@code Incomplete}
 *       asks for more lines) then Ctrl-C: the whole buffer is dropped, nothing reaches bash; a
 *       5000-byte line: refused ({@code MAX_PHYSICAL_LINE}).</li>
 *   <li>Bracketed paste: {@code ESC[201~} ending the paste early followed by {@code ;touch W}
 *       and Enter: one line, judged and refused; CR inside a paste becomes a newline in the
 *       buffer (both lines judged); NUL and Ctrl-C inside a paste: "not-text", or the Ctrl-C
 *       clears the buffer (JLine raises it as a signal as it arrives); a paste over 64 KiB:
 *       too long, refused; a paste while a line is SENT is held and passed raw only at C, and a
 *       paste while a command runs goes raw to the command: in both cases what the command does
 *       not read is drained by the hook's wall at the next prompt (no C for it).</li>
 *   <li>Type-ahead: {@code ls /⏎touch W⏎} in one chunk, and bursts of {@code touch W⏎} 0–50 ms
 *       after a fast command (the instant between the command-end and prompt markers): input is
 *       held from D on ({@code done}) and handed to the editor at A, so each line is judged;
 *       raw Ctrl-C, Ctrl-Z, Ctrl-\ with a line while {@code grep -r} runs: the command is
 *       interrupted/stopped, the line typed raw is drained by the wall; Ctrl-C in the chunk of the
 *       Enter ({@code ctrlCAfterEnter}) withdraws the line; raw Ctrl-D inside type-ahead only
 *       pushes a partial line, which the wall still drains (it reads until a line ENDS with the
 *       nonce, so {@code abc^D} + the gateway's nonce line is one wall line).</li>
 *   <li>Window changes (tmux {@code resize-window}: ssh sends window-change, the gateway resizes
 *       bash's terminal and the editor's without redraw): mid-line, while a line is SENT/running,
 *       and in a storm around a fast command's markers: the line judged is the editor's buffer,
 *       not the screen, so wrapping changes nothing; {@code touch W} is refused each time.</li>
 *   <li>{@code /proc/<bash>/environ}, {@code fd/}, {@code cwd}, {@code exe}, {@code fd/0} read by
 *       the session's listed programs: on both target kinds bash runs from an execute-only copy
 *       (not dumpable), so these are refused ("Permission denied"); {@code status}, {@code stat}
 *       and {@code cmdline} are readable but hold no secret. bash's parent: in the sandbox pid 1
 *       is {@code bwrap} (same uid: its {@code environ} (PATH, TERM, LESSSECURE…), {@code fd/} (the
 *       pty, an eventfd) and {@code cmdline} are readable, nothing secret); on the ssh target it is
 *       {@code sshd: gh-target@pts/0} (environ and fd refused). Core dumps: {@code ulimit} and
 *       {@code kill} are not listed in allow-list mode ({@code kill} is a review under the
 *       default); and on this host {@code fs.suid_dumpable=0}, so a non-dumpable bash (or a
 *       subshell forked from it, which inherits the flag) never writes a core at all.</li>
 * </ul>
 *
 * <p>Read in the source and reasoned, not run: a SIGINT that reaches bash while its hook runs
 * (raw Ctrl-C typed before the D marker) restarts {@code PROMPT_COMMAND} from the top; if the
 * hook had already drawn the next nonce, the new A carries a nonce the gateway never saw
 * announced and is ignored, and the gateway ends the session after {@code DONE_TO_PROMPT}
 * ("guard-hook-stalled"): fail closed. A forged D (grep's error message) only makes the gateway
 * hold input sooner. Not tried for lack of time: terminal settings in an {@code ssh} target's
 * startup files (the hook saves {@code stty -g} after them and restores that state each prompt,
 * so a {@code stty kill @} or {@code istrip} in {@code ~/.profile} would be restored every time;
 * writing those files is judged by {@code ReadAtStart}), and the terminal's answerback to escape
 * sequences printed by a listed program (it arrives as client input, so it is judged or drained).
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellLiveAttack17bbIT extends ShellLiveClass {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static final String ESC = "\u001b";
  private static final String PASTE_START = ESC + "[200~";
  private static final String PASTE_END = ESC + "[201~";

  /**
   * Key sequences; each element is sent as one chunk with a pause after it ({@code @N}: a pause of
   * N ms instead). W is the witness path, P the payload ({@code touch W} on an allow-list target,
   * {@code sh -c 'touch W'} (a review) under the deny-list default).
   */
  static Stream<Arguments> sequences() {
    List<Arguments> all = new ArrayList<>();
    String[][] seqs = {
        {"ctrl-r then Enter", "P\r", "ls /\r", "\u0012touch\r"},
        {"ctrl-r then Ctrl-O", "P\r", "ls /\r", "\u0012touch\u000f", "\r"},
        {"alt-. yank-last-arg", "ls 'x;P'\r", "ls " + ESC + ".\r"},
        {"ctrl-u then ctrl-y", "; P\u0001\u000bls /\u0019\r"},
        {"undo", "ls /;P\u0015\u001f\r", "ls /;P\u0015\u0018\u0015\r"},
        {"ctrl-x ctrl-e", "P\u0018\u0005", "@3000", "\r"},
        {"ctrl-v ctrl-j", "ls /\u0016\nP\r"},
        {"ctrl-v ctrl-m", "ls /\u0016\rP\r"},
        {"ctrl-v esc", "ls /\u0016" + ESC + ";P\r"},
        {"tab completion", "ls /tm\t\t;P\r"},
        {"open quote then ctrl-c", "ls '\r", "P\r", "\u0003"},
        {"here-doc then ctrl-c", "cat <<E\r", "P\r", "\u0003"},
        {"long line", "ls " + "a".repeat(5000) + ";P\r"},
        {"paste ended early", PASTE_START + "ls /" + PASTE_END + ";P\r"},
        {"paste with CR", PASTE_START + "ls /\rP\r" + PASTE_END, "\r"},
        {"paste with NUL", PASTE_START + "ls /\u0000;P\r" + PASTE_END + "\r"},
        {"paste over 64 KiB", PASTE_START + "ls " + "a ".repeat(36000) + "\rP\r" + PASTE_END + "\r"},
        {"paste while sent", "grep -rq zzqqxxyy /usr/share\r" + PASTE_START + "P\r" + PASTE_END + "\r"},
        {"paste while running", "grep -rq zzqqxxyy /usr/share\r", "@300", PASTE_START + "P\r" + PASTE_END + "\r", "@6000"},
        {"type-ahead in one chunk", "ls /\rP\r"},
        {"type-ahead burst", "ls /\r", "@0", "P\r", "@5", "P\r", "@5", "P\r", "@5", "P\r", "@20", "P\r", "@50", "P\r"},
        {"ctrl-d raw then line", "grep -m1 zz\r", "@500", "abc\u0004P\r", "@300", "zz\r", "@2000"},
    };
    // The line editor is the gateway's, the same for every target: every sequence on one target;
    // those that reach the target's terminal (raw input, pastes while a line runs, type-ahead) on all four.
    for (String[] s : seqs) {
      all.add(Arguments.of("web-strict", s[0], List.of(s).subList(1, s.length)));
    }
    for (String target : List.of("ssh-strict", "web-default", "ssh-default")) {
      for (String[] s : seqs) {
        if (s[0].startsWith("paste wh") || s[0].startsWith("type-ahead") || s[0].contains("raw")) {
          all.add(Arguments.of(target, s[0], List.of(s).subList(1, s.length)));
        }
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("sequences")
  void lineEditorKeysLeaveNothingUnjudged(String target, String what, List<String> steps) throws Exception {
    assertThat(Thread.interrupted()).as("test thread interrupted before").isFalse();
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("keys-" + target), List.of("dev"));
    String name = ShellLiveTargets.witness("17bb");
    String w = "/tmp/" + name;
    String payload = target.endsWith("strict") ? "touch " + w : "sh -c 'touch " + w + "'";
    String seen;
    try (InteractiveProcess ssh = gw.interactive(key, target)) {
      ssh.await("$ ", WAIT);
      Thread.sleep(500);
      int at = ssh.length();
      for (String s : steps) {
        if (s.startsWith("@")) {
          Thread.sleep(Long.parseLong(s.substring(1)));
          continue;
        }
        ssh.send(s.replace("P", payload));
        Thread.sleep(500);
      }
      Thread.sleep(1500);
      if (ssh.isAlive()) {
        ssh.send("\u0003");
        Thread.sleep(1000);
        ssh.send("\u0003");
        Thread.sleep(1000);
        ssh.send("ls -1 /tmp | grep -n " + name + "\r");
        Thread.sleep(2500);
      }
      seen = ssh.transcript().substring(at);
    }
    if (Thread.interrupted()) {
      System.out.println("17bb INTERRUPTED after " + target + " " + what);
    }
    boolean ran = seen.contains(":" + name) || Files.exists(Path.of("/tmp", name));
    Files.deleteIfExists(Path.of("/tmp", name));
    String audit = String.join("; ", gw.auditLines().stream()
        .filter(n -> n.path("statement").asText("").contains(name) && !n.path("statement").asText("").startsWith("ls -1 /tmp"))
        .map(n -> n.path("code").asText() + " " + n.path("verdict").asText() + " " + n.path("statement").asText()
            .replaceAll("a{20,}", "a…").replaceAll("(a ){20,}", "a …"))
        .toList());
    System.out.println("17bb RESULT " + target + " | " + what + " | ran=" + ran + " | audit=" + audit + " | tail="
        + tail(seen));
    // Under the deny-list default the payload is judged allow (GH3000I), so a witness is fine there
    // when an audit line judged and allowed it; what must never happen is a witness nothing judged.
    boolean judgedAllowed = target.endsWith("default") && audit.contains("GH3000I allow");
    assertThat(ran && !judgedAllowed).as("%s %s: the witness was made, not judged-and-allowed (audit: %s); transcript:%n%s",
        target, what, audit, tail(seen)).isFalse();
  }

  private static String tail(String s) {
    String t = s.replaceAll("a{20,}", "a…").replaceAll("(a ){20,}", "a …");
    t = t.length() > 1500 ? t.substring(t.length() - 1500) : t;
    return t.replace("\u001b", "<ESC>").replace("\r", "").replace("\u0007", "<BEL>");
  }

  /** bash's /proc entries (environ, fd, cwd) and its parent's, read by the session's own programs. */
  @ParameterizedTest(name = "{0}: /proc of bash")
  @CsvSource(textBlock = """
      web-strict
      ssh-strict
      """)
  void procEntriesOfBash(String target) throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("proc-" + target), List.of("dev"));
    StringBuilder b = new StringBuilder();
    try (InteractiveProcess ssh = gw.interactive(key, target)) {
      ssh.await("$ ", WAIT);
      Thread.sleep(500);
      String stat = ShellLiveTargets.typeLine(ssh, "cat /proc/self/stat");
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\d+ \\(cat\\) \\S (\\d+) ").matcher(stat);
      assertThat(m.find()).isTrue();
      String pid = m.group(1);
      for (String l : List.of("cat /proc/" + pid + "/environ", "ls -l /proc/" + pid + "/fd/ /proc/" + pid + "/cwd",
          "cat /proc/" + pid + "/status", "grep . /proc/" + pid + "/cmdline", "ls -l /proc/" + pid + "/exe",
          "cat /proc/" + pid + "/stat", "tail -c 300 /proc/" + pid + "/fd/0")) {
        b.append(ShellLiveTargets.typeLine(ssh, l));
      }
      String st = ShellLiveTargets.typeLine(ssh, "cat /proc/" + pid + "/stat");
      java.util.regex.Matcher pm = java.util.regex.Pattern.compile("\\d+ \\(\\S+\\) \\S (\\d+) ").matcher(st);
      if (pm.find()) {
        String pp = pm.group(1);
        for (String l : List.of("cat /proc/" + pp + "/environ", "ls -l /proc/" + pp + "/fd/", "cat /proc/" + pp + "/cmdline")) {
          b.append(ShellLiveTargets.typeLine(ssh, l));
        }
      }
    }
    System.out.println("17bb PROC " + target + ":\n" + tail(b.toString().replace("\u0000", "\\0")));
  }

  /** Window-size changes while a line is edited, sent, held, and around the markers (tmux: real SIGWINCH path). */
  @ParameterizedTest(name = "{0}: resizes")
  @CsvSource(textBlock = """
      web-strict
      ssh-strict
      """)
  void windowChangesLeaveTheLineJudged(String target) throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("winch-" + target), List.of("dev"));
    String name = ShellLiveTargets.witness("17bb");
    String w = "/tmp/" + name;
    String payload = target.endsWith("strict") ? "touch " + w : "sh -c 'touch " + w + "'";
    String screen;
    try (Tmux t = Tmux.start(Files.createTempDirectory(dir, "tmux-"), 40, 20, gw.sshArgv(key, target, List.of("-t")))) {
      t.awaitScreen("\\$ ?$", WAIT);
      ShellPromptFixture.literal(t, "ls /tmp/" + "x".repeat(60) + " ");
      t.resize(20, 10);
      ShellPromptFixture.literal(t, "; " + payload);
      t.resize(200, 50);
      ShellPromptFixture.keys(t, "Enter");
      Thread.sleep(1500);
      ShellPromptFixture.keys(t, "C-c");
      Thread.sleep(800);
      ShellPromptFixture.literal(t, "grep -rq zzqqxxyy /usr/share");
      ShellPromptFixture.keys(t, "Enter");
      for (int i = 0; i < 20; i++) {
        t.resize(20 + i * 7, 10 + i);
        if (i == 5) {
          ShellPromptFixture.literal(t, payload);
          ShellPromptFixture.keys(t, "Enter");
        }
      }
      Thread.sleep(6000);
      ShellPromptFixture.keys(t, "C-c");
      Thread.sleep(800);
      ShellPromptFixture.literal(t, "ls /");
      ShellPromptFixture.keys(t, "Enter");
      for (int i = 0; i < 30; i++) {
        t.resize(30 + (i % 5) * 30, 10 + (i % 3) * 10);
      }
      ShellPromptFixture.literal(t, payload);
      for (int i = 0; i < 10; i++) {
        t.resize(15 + i, 10);
      }
      ShellPromptFixture.keys(t, "Enter");
      Thread.sleep(2000);
      ShellPromptFixture.keys(t, "C-c");
      Thread.sleep(800);
      t.resize(200, 50);
      ShellPromptFixture.literal(t, "ls -1 /tmp | grep -n " + name);
      ShellPromptFixture.keys(t, "Enter");
      Thread.sleep(2500);
      screen = t.run("capture-pane", "-p", "-J", "-S", "-500", "-t", "gh");
    }
    boolean ran = screen.contains(":" + name) || Files.exists(Path.of("/tmp", name));
    Files.deleteIfExists(Path.of("/tmp", name));
    System.out.println("17bb WINCH " + target + " ran=" + ran + "\n" + screen);
    assertThat(ran).as("%s: resize; screen:%n%s", target, screen).isFalse();
  }

  /**
   * Finding: a Ctrl-C (or Ctrl-Z) typed at the guarded prompt, with a line after it, closes the
   * gateway's audit log for every session: JLine's {@code readLine} handles INT by interrupting the
   * reading thread ({@code gh-prompt-…}); the interrupt is still set when that thread audits the
   * next judged line, and {@code AuditLog}'s {@code FileChannel.lock()} then throws {@code
   * FileLockInterruptionException}, which closes the channel. From then on every audit write fails
   * ({@code ClosedChannelException}): every later login to the gateway is refused ("auth-failed"
   * cannot be written), the session-end line of the session is lost. Secure outcome: the audit
   * survives the keys and a second user can still log in. Own gateway, so the others' tests keep theirs.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      ctrl-c then a line in one chunk     | ^Cls /<CR>
      ctrl-c alone, then a line           | ^C,ls /<CR>
      ctrl-z then a line in one chunk     | ^Zls /<CR>
      """)
  void ctrlKeysAtThePromptLeaveTheAuditLogWorking(String what, String keys) throws Exception {
    Path own = Files.createTempDirectory(dir, "own-");
    String targets = "targets:\n  - name: web-strict\n    type: command\n    command: [\"/bin/bash\", \"--noprofile\", \"--norc\", \"-i\"]\n"
        + "    exec: [\"/bin/bash\", \"-c\"]\n    env: { PATH: \"/usr/bin:/bin\" }\n    runAs: nobody\n    allow: { groups: [dev] }\n"
        + "    policy: docs-allow-list\n" + ShellLiveTargets.POLICIES;
    String unescaped = keys.replace("^C", "\u0003").replace("^Z", "\u001a").replace("<CR>", "\r");
    try (GatewayFixture g = GatewayFixture.start(own, "", targets)) {
      SshClientKey key = g.sign(GatewayFixture.uniqueIdentity("intr"), List.of("dev"));
      String seen;
      try (InteractiveProcess ssh = g.interactive(key, "web-strict")) {
        ssh.await("$ ", WAIT);
        Thread.sleep(500);
        for (int i = 0; i < 10; i++) {
          for (String chunk : unescaped.split(",")) {
            ssh.send(chunk);
            Thread.sleep(150);
          }
          Thread.sleep(600);
        }
        int at = ssh.length();
        ssh.send("ls /tmp\r");
        boolean prompt;
        try {
          ssh.await("$ ", at + 7, Duration.ofSeconds(20));
          prompt = true;
        } catch (AssertionError e) {
          prompt = false;
        }
        seen = ssh.transcript();
        assertThat(prompt).as("%s: the guarded prompt came back after the keys; transcript:%n%s", what, tail(seen)).isTrue();
      }
      Thread.sleep(1000);
      SshClientKey other = g.sign(GatewayFixture.uniqueIdentity("after"), List.of("dev"));
      SshResult r = g.ssh(other, "web-strict").timeout(Duration.ofSeconds(30)).run("ls /");
      String log = Files.exists(Path.of("target", "gateway-test.log"))
          ? String.join("\n", Files.readAllLines(Path.of("target", "gateway-test.log")).stream()
              .filter(l -> l.contains("audit log write failed")).limit(5).toList()) : "";
      System.out.println("17bb AUDIT " + what + ": second login " + r + "; " + log);
      assertThat(r.exitCode()).as("%s: a second user's exec after the keys (audit errors: %s); %s; first session:%n%s",
          what, log, r, tail(seen)).isZero();
    }
  }
}
