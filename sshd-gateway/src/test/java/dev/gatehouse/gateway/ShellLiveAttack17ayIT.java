package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attack pass 17ay, live through the gateway: the real OpenSSH client, the gateway, bash in the
 * sandbox of {@code command} targets and a real OpenSSH sshd on loopback behind {@code ssh}
 * targets. {@code web-strict}/{@code ssh-strict} are in {@code mode: allow-list} with
 * docs/policy.md's own list ({@code [ls, cat, less, grep, tail, journalctl, "systemctl status"]},
 * {@code block: [recursive-delete-root]}); {@code web-default}/{@code ssh-default} under the
 * deny-list default (as 17ax).
 *
 * <p><b>1. The wall's nonce is readable from bash's own memory with listed programs.</b> The hook
 * keeps the next wall's nonce in {@code __gh_m}, and {@code HookTamper.reads} refuses any line
 * naming a {@code __gh_} variable because "a line that prints it lets raw type-ahead end the wall
 * early". But bash's heap holds the value, and a child of bash (same uid; no Yama on this kernel,
 * so classic ptrace rules: same uid and dumpable is enough) may read {@code /proc/<bash>/mem}:
 * {@code cat /proc/self/stat} (bash's pid is cat's parent), {@code grep heap /proc/PID/maps}, then
 * {@code tail -c +HEAP /proc/PID/mem | grep -ao '[0-9a-f]\{128\}'} prints it (one candidate: the
 * nonce itself; typed back raw while {@code cat} runs, the gateway itself recognises it and closes
 * the session "nonce-typed"). In the sandbox of a {@code command} target (pid 2) and on an
 * {@code ssh} target alike, all allowed in allow-list mode (commands {@code [tail, grep]}).
 *
 * <p><b>2. With it, a forged A marker moves the gateway's expected nonce, and a raw line then runs
 * unjudged (allow-list, {@code command} and {@code ssh} targets).</b> {@code GuardedShell.hookPrompt}
 * takes any A whose wall part equals the expected nonce as the hook's; {@code PromptMarkers} finds
 * markers anywhere in bash's output; grep prints a missing file's name unquoted in its error
 * message. Steps (each typed line is judged and allowed, commands only {@code tail}/{@code grep}):
 * <ol>
 *   <li>{@code grep x $'\e]133;A;'"$(tail -c +HEAP /proc/PID/mem | grep -ao '[0-9a-f]\{128\}' |
 *       grep -v 0000000000 | grep -m1 .)"$';F1\a\e]133;P\a\e]133;B\a'} (F1 = 127 zeros and a 1): grep's
 *       "File name too long" message carries {@code A;<expected>;F1}, P and B; the gateway replies the
 *       real nonce (which the hook's wall then reads, so bash goes on normally), is at its prompt,
 *       and now expects F1; the hook's real A (its wall nonce no longer the expected one) is
 *       ignored from here on, and {@code typesNonce} watches raw input for F1, not for bash's
 *       nonce;</li>
 *   <li>{@code <scan>; grep -m1 go; grep x $'\e]133;A;F1;F2\a\e]133;P\a\e]133;B\a'; grep -rq zzqq
 *       /usr/share}: the scan prints bash's real next nonce N; while {@code grep -m1 go} runs, input
 *       is raw: {@code go⏎N⏎touch W; ls -1 /tmp | grep -n W⏎} in one chunk ({@code grep -m1} reads
 *       only the line {@code go} from the canonical terminal, the rest waits in the terminal's
 *       queue); the forged A (F1, expected) puts the gateway at its prompt again while the slow
 *       grep runs;</li>
 *   <li>a judged line ({@code ls /}) is typed: the gateway sends it and waits for its C. The list
 *       ends; the hook's wall reads {@code N} (ends with its nonce: wall over), bash reads
 *       {@code touch W; ls -1 /tmp | grep -n W} and prints C, which the gateway takes for
 *       {@code ls /}. {@code touch} runs, never judged; the session itself prints the witness.</li>
 * </ol>
 * Without the last judged line bash's C arrives while the gateway is at its prompt and the session
 * is closed "unjudged-command", but the C is printed before the command runs: on the ssh target
 * the witness was already in the host's /tmp when the gateway closed the session (seen live in
 * an earlier run of this test). The same steps work under the deny-list default (every step is
 * allowed there too): {@code web-default} and {@code ssh-default} in the same test, live.
 *
 * <p>Causes: (a) the nonce lives in the memory of a process the user's commands may read
 * ({@code /proc/<bash>/mem}, same uid, no Yama); the judge's guard is textual ({@code __gh_} in the
 * line) and the sandbox mounts a /proc where bash is visible and readable; (b) the hook's markers
 * travel in the same terminal output stream as every command's output, so once the nonce is known
 * any allowed program that prints a chosen string (grep's unquoted file name) forges the hook's A,
 * and {@code GuardedShell.marker('A')} then resynchronises on the forger's nonce while bash's real
 * wall nonce is no longer what {@code typesNonce} watches. Fix directions: keep the nonce out of
 * reach (refuse {@code /proc/<n>/mem}, {@code /proc/self/..}, {@code map_files} in the judge; in
 * the sandbox mount /proc with {@code hidepid=2} or run bash non-dumpable / under another uid than
 * the commands), and do not trust an A marker coming from the terminal while a command runs
 * (carry the hook's markers on a descriptor commands cannot write, or accept an A only right after
 * the hook's D for the running command and never from output that follows a C without a D).
 *
 * <p>Each of those tests asserts the secure outcome (the line is not taken as the guard's nonce;
 * the witness never exists) and fails on the current code: 6 failing tests
 * ({@code theWallsNonceCanBeReadFromBashsMemory} ×2, {@code aForgedPromptMarkerLetsRawTypeAheadPastTheWall} ×4).
 *
 * <p><b>Tried and already refused (or not a bypass)</b> (held, kept as passing tests): Ctrl-Z
 * (VSUSP typed raw) of {@code less}, {@code tail -f}, {@code cat}, {@code grep x} reading the
 * terminal, at the allow-list prompt of both target kinds: the guarded prompt came back, the
 * next line {@code touch W} was judged and refused, {@code fg} and {@code %1} are not listed
 * (refused); the {@code touch W} typed raw into the program before Ctrl-Z never ran (witness
 * absent). Exec requests with a CR ({@code ls /\rtouch W}, also after {@code #}), a VT,
 * or a backslash-newline before {@code touch W}: refused (not listed) or read the same by bash.
 * Not tried for lack of time: {@code -N -L/-R/-D} forwards, ControlMaster second channels,
 * window-size changes mid-line, TERM values, Ctrl-R history and bracketed paste with ESC.
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellLiveAttack17ayIT extends ShellLiveClass {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static String typeLine(InteractiveProcess ssh, String line) throws Exception {
    return ShellLiveTargets.typeLine(ssh, line);
  }

  private static String witness() {
    return ShellLiveTargets.witness("17ay");
  }

  private static void attempt(String target, String how, String id, List<String> lines, String what) throws Exception {
    ShellLiveTargets.attempt(gw, "17ay", target, how, id, lines, what);
  }

  /** The guarded bash's memory closed to the session's programs, and its read refused by the judge: nothing to attack. */
  private static long[] bashHeap(InteractiveProcess ssh, String target) throws Exception {
    long pid = ShellLiveTargets.guardedShellWithMemoryClosed(ssh);
    String read = typeLine(ssh, "tail -c +4096 /proc/" + pid + "/mem | grep -ao '[0-9a-f]\\{128\\}'");
    assertThat(read).as("reading bash's memory on %s", target).contains("blocked by rule guard-tamper");
    return null;
  }

  /**
   * The hook keeps the next wall's nonce in {@code __gh_m}, and the judge refuses any line naming
   * it ({@code HookTamper.reads}: "a line that prints it lets raw type-ahead end the wall early").
   * bash's own memory holds it as well: {@code tail -c +HEAP /proc/PID/mem | grep -ao
   * '[0-9a-f]\{128\}'} (all listed programs, no variable named) prints it, and then the nonce
   * typed raw while {@code cat} runs is what the gateway itself recognises as the guard's nonce
   * ({@code GuardedShell.typesNonce}: the session is closed "nonce-typed"). Secure outcome: a
   * listed command cannot print the nonce (no raw line the gateway takes for its nonce).
   */
  @ParameterizedTest(name = "{0}: the wall's nonce read from bash's memory by listed programs")
  @CsvSource(textBlock = """
      web-strict
      ssh-strict
      """)
  void theWallsNonceCanBeReadFromBashsMemory(String target) throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("mem-" + target), List.of("dev"));
    try (InteractiveProcess ssh = gw.interactive(key, target)) {
      ssh.await("$ ", WAIT);
      Thread.sleep(500);
      long[] b = bashHeap(ssh, target);
      if (b == null) {
        return;
      }
      int at = ssh.length();
      ssh.send("tail -c +" + b[1] + " /proc/" + b[0] + "/mem | grep -ao '[0-9a-f]\\{128\\}'; cat\r");
      Thread.sleep(3000);
      String out = ssh.transcript().substring(at);
      Set<String> seen = new LinkedHashSet<>();
      Matcher m = Pattern.compile("(?<![0-9a-f])[0-9a-f]{128}(?![0-9a-f])").matcher(out);
      while (m.find()) {
        seen.add(m.group());
      }
      for (String n : seen) {
        ssh.send(n + "\r");
        Thread.sleep(300);
      }
      Thread.sleep(1500);
      String t = ssh.transcript();
      assertThat(t).as("%s: listed programs printed %d candidates from bash's heap; typed back raw, the gateway took"
          + " one for the guard's own nonce; transcript:%n%s", target, seen.size(), out)
          .doesNotContain("carries the guard's nonce");
    }
  }

  /**
   * The full bypass: the nonce read from bash's memory inside a command substitution forges the
   * hook's A marker (grep's error message prints its file name unquoted), which moves the
   * gateway's expected nonce to one the attacker chose; raw type-ahead carrying bash's real nonce
   * then passes {@code typesNonce} and ends the hook's wall, and the line after it runs unjudged.
   */
  @ParameterizedTest(name = "{0}: forged A marker with the nonce from bash's memory, then the real nonce typed raw")
  @CsvSource(textBlock = """
      web-strict
      ssh-strict
      web-default
      ssh-default
      """)
  void aForgedPromptMarkerLetsRawTypeAheadPastTheWall(String target) throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("forge-" + target), List.of("dev"));
    String name = witness();
    String f1 = "0".repeat(127) + "1";
    String f2 = "0".repeat(127) + "2";
    String seen;
    try (InteractiveProcess ssh = gw.interactive(key, target)) {
      ssh.await("$ ", WAIT);
      Thread.sleep(500);
      long[] b = bashHeap(ssh, target);
      if (b == null) {
        return;
      }
      String scan = "tail -c +" + b[1] + " /proc/" + b[0] + "/mem | grep -ao '[0-9a-f]\\{128\\}' | grep -v 0000000000";
      int at = ssh.length();
      // 1: the gateway takes grep's error message for the hook's prompt and now expects f1; the
      // same scan again shows what the first one put in the marker (bash's current nonce).
      String one = typeLine(ssh, "grep x $'\\e]133;A;'\"$(" + scan + " | grep -m1 .)\"$';" + f1
          + "\\a\\e]133;P\\a\\e]133;B\\a'; " + scan);
      Set<String> old = ShellLiveTargets.hexWords(one);
      Thread.sleep(1000);
      // 2: bash's real next nonce is printed; grep -m1 waits for a line; then the forged A for f1.
      int at2 = ssh.length();
      ssh.send(scan + "; grep -m1 go; grep x $'\\e]133;A;" + f1 + ";" + f2 + "\\a\\e]133;P\\a\\e]133;B\\a'; grep -rq zzqqxxyyzz /usr/share\r");
      Thread.sleep(2500);
      String out = ssh.transcript().substring(at2);
      String real = null;
      for (String c : ShellLiveTargets.hexWords(out)) {
        if (!old.contains(c) && !c.equals(f1) && !c.equals(f2)) {
          real = c;
        }
      }
      if (real == null) {
        // The secure outcome since the fix: reading bash's memory is refused, so there is no nonce
        // to forge a marker with or to end the wall early.
        assertThat(ssh.transcript().substring(at)).as("the scan of bash's memory is refused")
            .contains("blocked by rule guard-tamper");
        return;
      }
      ssh.send("go\r" + real + "\rtouch /tmp/" + name + "; ls -1 /tmp | grep -n " + name + "\r");
      Thread.sleep(500);
      if (ssh.isAlive()) {
        ssh.send("ls /\r"); // a judged line: the gateway is SENT when bash starts the unjudged one
      }
      Thread.sleep(3000);
      seen = ssh.transcript().substring(at);
    }
    boolean ran = seen.contains(":" + name) || Files.exists(Path.of("/tmp", name));
    Files.deleteIfExists(Path.of("/tmp", name));
    String audit = String.join("; ", gw.auditLines().stream()
        .filter(n -> n.path("statement").asText("").contains(name))
        .map(n -> n.path("code").asText() + " " + n.path("verdict").asText() + " " + n.path("statement").asText())
        .toList());
    assertThat(ran).as("%s: `touch` typed raw after bash's own nonce ran, never judged (audit naming it: %s); transcript:%n%s",
        target, audit.isEmpty() ? "(none)" : audit, seen).isFalse();
  }

  /**
   * Job control at the allow-list prompt: Ctrl-Z (VSUSP, passed raw while the listed program runs)
   * stops it; bash's hook comes back (D, A), the gateway is at its prompt again and the next line is
   * judged ({@code touch} refused); {@code fg}/{@code %1} are not listed. Held.
   */
  @ParameterizedTest(name = "{0}: `{1}`, Ctrl-Z, then `touch W`, `fg`, `%1`")
  @CsvSource(delimiter = '|', textBlock = """
      web-strict | less /etc/passwd
      web-strict | tail -f /etc/passwd
      web-strict | cat
      web-strict | grep x
      ssh-strict | less /etc/passwd
      ssh-strict | cat
      """)
  void ctrlZOfAListedProgramLeavesTheNextLineJudged(String target, String program) throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("susp-" + target), List.of("dev"));
    String name = witness();
    String check = "ls -1 /tmp | grep -n " + name;
    String seen;
    try (InteractiveProcess ssh = gw.interactive(key, target)) {
      ssh.await("$ ", WAIT);
      Thread.sleep(500);
      int at = ssh.length();
      ssh.send(program + "\r");
      Thread.sleep(1500);
      ssh.send("touch /tmp/" + name + "\r"); // raw to the program (or its line), then
      Thread.sleep(300);
      ssh.send("\u001a"); // Ctrl-Z
      Thread.sleep(1500);
      ssh.send("touch /tmp/" + name + "\r");
      Thread.sleep(1000);
      ssh.send("fg\r");
      Thread.sleep(1000);
      ssh.send("%1\r");
      Thread.sleep(1000);
      ssh.send("touch /tmp/" + name + "\r");
      Thread.sleep(800);
      ssh.send("\u001a");
      Thread.sleep(1000);
      ssh.send(check + "\r");
      Thread.sleep(1500);
      seen = ssh.transcript().substring(at);
    }
    boolean ran = seen.contains(":" + name) || Files.exists(Path.of("/tmp", name));
    Files.deleteIfExists(Path.of("/tmp", name));
    assertThat(ran).as("%s: %s, Ctrl-Z, touch ran; transcript:%n%s", target, program, seen).isFalse();
  }

  /** Exec requests with CR, a NUL-free newline and word joining: judged as bash reads them. Held. */
  @ParameterizedTest(name = "{0}: exec `{1}`")
  @CsvSource(delimiter = '|', textBlock = """
      web-strict | ls /<CR>touch W
      web-strict | ls / #<CR>touch W
      web-strict | ls /<VT>touch W
      ssh-strict | ls /<CR>touch W
      web-strict | ls / \\<NL>touch W
      """)
  void execRequestsWithControlBytes(String target, String line) throws Exception {
    attempt(target, "exec", "ctl", List.of(line.replace("<CR>", "\r").replace("<VT>", "\u000b").replace("<NL>", "\n")), "a control byte split the judged text from what bash ran");
  }
}
