package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17bx, live through the gateway (real OpenSSH client, the gateway, bash in the sandbox
 * of the {@code command} targets and on the real sshd's host behind the {@code ssh} targets;
 * {@link ShellLiveTargets}). Focus: the prompt protocol after the nonce-chain repair (6a5a2ba1:
 * {@code __gh_q}, {@code repeatsLastPrompt}, {@code strayDone}; 7124e01c).
 *
 * The witness is a file in the host's /tmp (ssh targets) or, on command targets, bash's own prompt
 * after the raw nonce line followed by the gateway's "started a command the guard did not see".
 *
 * <p><b>Finding F2 (bypass, web-default and ssh-default): the hook's A reaches the screen as text,
 * with its next nonce, and a raw line runs unjudged</b> ({@code
 * theEchoInsideAnUppercasedMarkerShowsTheNextNonceAndARawLineRuns}: a race, so it FAILS only when a
 * round wins; run 1 (this job, 50 µs between polls): ssh-default round 2 ran {@code touch} in the
 * host's /tmp after 0 Ctrl-C cycles, web-default round 1 after 21 cycles (2 of 5 rounds); a later
 * run with the same job 0 of 6, one with the job spinning without the pause 1 of 8 (web-default,
 * after 30 cycles: bash's prompt, then the raw {@code touch} line echoed in capitals and "started
 * a command the guard did not see"); one with a 40 µs wait before each re-set 0 of 8. Most rounds
 * that lose end early on the hook's own X marker (shown as "broken (unknown)": its reason comes
 * in capitals; most likely {@code terminal-settings}: {@code stty} reads the settings back after
 * setting them and the job changed them in between), i.e. fail closed.) Steps: two judged lines, {@code printf …
 * > /tmp/J.py} (a script brought in, {@link #UPPERCASER}) and {@code python3 /tmp/J.py 0.5 100 &
 * sleep 3}. The job ignores SIGTTOU and keeps {@code olcuc} on and {@code echoctl} off, setting them
 * again microseconds after the hook's {@code stty} put the saved settings back (the hook only forces
 * input flags and control characters; output and local flags stay "as saved"). (1) With
 * {@code olcuc} the terminal turns bash's output to capitals: the hook's {@code D;0;<NONCE>} and
 * {@code A;<NONCE>;<NEXT>;…} are no longer 128 lower-case hex digits, {@code GuardedShell.marker}
 * takes neither (silently: no {@code done}, no {@code strayDone}, no deadline), and stays in
 * RUNNING passing keys raw while bash's wall waits (F1 below). (2) With {@code olcuc} the line
 * discipline writes each printable character on its own ({@code process_output_block} stops at
 * every one, {@code process_output} takes {@code output_lock} per character), so the echo of a key
 * arriving meanwhile is written between two characters of bash's printf; ESC typed raw (it echoes
 * raw with {@code -echoctl}) lands inside the A, {@code PromptMarkers.terminator} reads the marker
 * as broken (-2) and passes all of it on as output: {@code ]133;A;<wall>;<next>;…} on the screen and
 * in the recording (capitals, an ESC inside; the test lower-cases and strips). (3) A Ctrl-C typed
 * raw (the gateway is in RUNNING) reruns the hook, whose wall now waits for the leaked next nonce
 * (the leaked run had moved {@code __gh_m} on); the gateway's {@code typesNonce} looks only for the
 * nonce it expects (the one bash announced before the job started), so the leaked one typed raw
 * ends the wall; bash prints its prompt (P/B ignored, the prompt text shown) and reads the next raw
 * line as a command: {@code trap '' HUP; touch /tmp/W} ran (ssh-default: the witness in the host's
 * /tmp); only bash's C (capitals, not announced) then ends the session, after the fact. Cause: the
 * integration trusts output flags it does not force ({@code olcuc}; the D/A/P/B/C forms need exact
 * lower case), a hook marker the gateway cannot take leaves it without any deadline, and a broken
 * marker's body (the next nonce) is passed on as output. Fix directions: have the hook's TTY force
 * {@code -olcuc} (and {@code opost} flags that rewrite bytes: {@code -ocrnl -onlret -ofill}, and
 * {@code echoctl} while it prints) and check them again right before the printf, or better print
 * the markers in a form no output flag changes (digits only: decimal nonces, or make the gateway
 * case-insensitive for the nonce and treat an upper-case marker as the guard lost); never pass the
 * body of a marker that began {@code ESC ] 133 ;} on as output (drop it, or end the session:
 * a broken hook marker means something wrote into bash's output); keep raw keys held from the
 * moment bash leaves a command (a deadline for RUNNING once bash's process group is the
 * foreground again is not visible from the gateway on ssh targets, so a marker-form check is the
 * practical one: any {@code ESC ] 133 ; [DA]} not taken should hold keys and start the 10 s
 * deadline). Related documented limit: a background job may change the terminal's special
 * characters between the prompt and the line; this is another route (output flags, the nonce on
 * the screen), not that one.
 *
 * <p><b>Finding F1 (promptless, session open, raw keys, no deadline; web-default and ssh-default)</b>
 * ({@code anUppercasingTerminalHidesTheHooksMarkersAndThePromptNeverComesBack}: FAILS): the same job
 * alone. After the judged line ends, the gateway takes no D and no A (capitals), stays in RUNNING,
 * passes keys raw into the hook's wall (which throws them away), and 30 s later a judged probe gets
 * no answer; nothing ends the session until bash's own {@code read -t 120} (and never with a
 * stopped job: bash refuses the hook's {@code exit} with "There are stopped jobs", every time, as
 * 17bs saw). This is also why 17bs saw one Ctrl-C storm end the session: a Ctrl-C typed raw flushes
 * the terminal's pending output (no {@code noflsh}) and can drop the hook's D and A before the
 * gateway read them; bash has moved {@code __gh_m} on, every rerun's D is stray ({@code strayDone},
 * 10 s) and its A not announced; the session ends 10 s after the last Ctrl-C. It cannot go the
 * other way by itself (the wall's nonce is only in the dropped markers), but F2 shows how to read
 * one.
 *
 * <p><b>Finding F3 (promptless, session open; web-default and ssh-default)</b> ({@code
 * aStolenWallNonceLeavesTheSessionOpenWithoutAPrompt}: FAILS): 17br's second reader ({@code ls -d
 * $( { sleep 1; grep -m1 -H '' /dev/tty >/dev/tty; } </dev/null >/dev/null 2>&1 & ) $(sleep 3)})
 * takes the wall's nonce line (printed: all 128 digits, both targets, first round). Since P/B/C
 * carry the next nonce nothing can be forged with it, but the gateway now waits for B in PROMPTING,
 * where no deadline runs (the 10 s one starts only at a D in SENT/RUNNING): 25 s later a judged
 * probe line gets no answer and the session is open. Fix: a deadline from the nonce line typed to
 * the B (the wall passes in milliseconds), ending the session (guard-hook-stalled).
 *
 * <p><b>Fixed</b> (all three): the hook's terminal settings force {@code -olcuc} as well; a marker
 * of the hook's kinds whose nonce field comes in capitals, or any sequence that began as a marker
 * and did not end as one (its body dropped, never shown), ends the session ({@code
 * guard-output-altered}); and a prompt (B) must follow the wall's nonce line within 20 s ({@code
 * guard-hook-stalled}). Each round of F2 now ends with "session closed" before anything leaks.
 *
 * <p><b>Tried and refused / read and reasoned (not run as separate cases)</b>:
 * <ul>
 *   <li>Replaying the last A ({@code repeatsLastPrompt}): taken only in PROMPTING and only as a
 *       no-op (nothing typed, no state change); in any other state an A whose nonces were seen is
 *       refused. Its next nonce is in no place a program can read: not exported
 *       ({@code /proc/PID/environ}), {@code declare -p}/{@code set}/{@code ${!__gh*}}/{@code @P}
 *       refused by {@code HookTamper.reads}, bash not dumpable (execute-only copy;
 *       {@code fs.suid_dumpable = 0}: no core).</li>
 *   <li>Splitting the hook's D+A printf so a background writer lands inside the A: bash's printf
 *       writes through a 1024-byte stdio buffer (strace: {@code write(1, …, 1024)} then the rest),
 *       but D+A is at most about 1021 bytes even with every settable {@code shopt} option on
 *       ({@code $BASHOPTS} 593 bytes) and a 3-digit status: one write, no room for another writer.
 *       A fragile margin (one more bash option, or a longer field, would split it): F2's
 *       per-character echo does not need it.</li>
 *   <li>The stray-D deadline: a program printing a D of the hook's form while it runs only starts
 *       10 s deadlines (it ends its own session if it stops before the command ends); while the
 *       chain is in step the hook's real D/A come and clear it.</li>
 * </ul>
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellLiveAttack17bxIT extends ShellLiveClass {
  private static final Duration WAIT = Duration.ofSeconds(60);
  /** A judged line whose output differs from its echo ({@code d?c} lists as {@code doc}). */
  private static final String PROBE = "ls -d /usr/share/d?c";

  /**
   * The background job (a script brought in: a documented limit of what the guard judges, used
   * here only to change the terminal's settings): ignores SIGTTOU (so a background process may set
   * the terminal) and, from {@code argv[1]} seconds on for {@code argv[2]} seconds, keeps the
   * output flag {@code olcuc} on and {@code echoctl} off, putting them back within microseconds
   * each time the hook's {@code stty} restored the saved settings.
   */
  static final List<String> UPPERCASER = List.of(
      "import sys,time,signal,termios as T",
      "signal.signal(signal.SIGTTOU,signal.SIG_IGN)",
      "time.sleep(float(sys.argv[1]))",
      "e=time.time()+float(sys.argv[2])",
      "while time.time()<e:",
      " a=T.tcgetattr(1)",
      " if not a[1]&T.OLCUC or a[3]&T.ECHOCTL:",
      "  a[1]|=T.OLCUC|T.OPOST;a[3]&=~T.ECHOCTL;T.tcsetattr(1,T.TCSANOW,a)",
      " time.sleep(0.00005)");

  /** The judged line that writes {@link #UPPERCASER} to {@code file}. */
  static String writeScript(String file) {
    StringBuilder b = new StringBuilder("printf '%s\\n'");
    for (String l : UPPERCASER) {
      b.append(" '").append(l).append("'");
    }
    return b.append(" > ").append(file).toString();
  }

  /** Whether a guarded prompt answers (the probe runs, or the editor judges it) or the session ended, within 12 s. */
  static boolean promptOrEnded(InteractiveProcess ssh) throws Exception {
    int probeAt = ssh.length();
    try {
      ssh.send("\r");
      Thread.sleep(800);
      ssh.send(PROBE + "\r");
    } catch (java.io.IOException closed) {
      return true;
    }
    long until = System.nanoTime() + Duration.ofSeconds(12).toNanos();
    while (System.nanoTime() < until && ssh.isAlive()) {
      String t = ssh.transcript().substring(probeAt);
      if (t.contains("/usr/share/doc") || t.contains("blocked by rule") || t.contains("$ ")) {
        return true;
      }
      Thread.sleep(200);
    }
    Thread.sleep(500);
    return !ssh.isAlive();
  }

  // ---- F1: an uppercasing terminal hides every hook marker: RUNNING forever ----------------------

  /**
   * A background job keeps {@code olcuc} on: the hook's D and A come out in capitals, the gateway
   * takes neither (not 128 lower-case hex digits), stays in RUNNING with no deadline and passes keys
   * raw into the hook's wall, which waits for a nonce never typed.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"web-default", "ssh-default"})
  void anUppercasingTerminalHidesTheHooksMarkersAndThePromptNeverComesBack(String target) throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("olcuc17bx-" + target), List.of("dev"));
    String file = "/tmp/" + ShellLiveTargets.witness("17bx") + ".py";
    String seen;
    boolean answered;
    boolean alive;
    try (InteractiveProcess ssh = gw.interactive(key, target)) {
      ssh.await("$ ", WAIT);
      Thread.sleep(500);
      ShellLiveTargets.typeLine(ssh, writeScript(file));
      int at = ssh.length();
      ssh.send("python3 " + file + " 0.5 45 & sleep 3\r");
      Thread.sleep(20_000);
      answered = promptOrEnded(ssh);
      alive = ssh.isAlive();
      seen = ssh.transcript().substring(at);
    } finally {
      Files.deleteIfExists(Path.of(file));
    }
    System.out.println("17bx olcuc " + target + ": answered=" + answered + " alive=" + alive);
    assertThat(answered || !alive).as("%s: with olcuc kept on by a background job the hook's markers come out in"
        + " capitals, the gateway takes neither D nor A, and 30 s after the line ended the session is open with no"
        + " guarded prompt (the judged probe typed then got no answer: it went raw into the hook's wall); transcript:%n%s",
        target, ShellLiveTargets.clean(seen, 3000)).isTrue();
  }

  // ---- F2: the same, plus the terminal's echo inside the hidden A: its nonces on the screen ------

  /** The hook's A marker shown as text (broken by an echoed ESC): its wall nonce and next nonce, lower-cased. */
  static String[] leakedA(String text) {
    String[] last = null;
    Matcher m = Pattern.compile("(?i)\\]133;A;").matcher(text);
    while (m.find()) {
      int end = Math.min(text.length(), m.end() + 900);
      StringBuilder b = new StringBuilder();
      for (int i = m.end(); i < end; i++) {
        char c = text.charAt(i);
        if (c == '\u0007') {
          break;
        }
        if (c >= 0x20 && c != 0x7f) {
          b.append(Character.toLowerCase(c));
        }
      }
      Matcher f = Pattern.compile("^([0-9a-f]{128});([0-9a-f]{128});").matcher(b);
      if (f.find()) {
        last = new String[] {f.group(1), f.group(2)};
      }
    }
    return last;
  }

  /** ESC typed raw every ~0.7 ms for {@code ms}: echoed raw ({@code -echoctl}) between the characters bash writes. */
  static void escapes(InteractiveProcess ssh, long ms) throws Exception {
    long until = System.nanoTime() + ms * 1_000_000L;
    while (System.nanoTime() < until) {
      ssh.send("\u001b");
      LockSupport.parkNanos(700_000);
    }
  }

  /**
   * With {@code olcuc} on, the terminal writes bash's output one character at a time, and the echo
   * of a key typed meanwhile lands between two of them: an ESC (echoed raw with {@code -echoctl})
   * inside the hook's A breaks the marker, and {@code PromptMarkers} passes it on as text: the
   * wall's nonce and the next one on the screen and in the recording. The gateway is in RUNNING (it
   * took no D), so a Ctrl-C typed raw reruns the hook (wall: the leaked next nonce, which the
   * gateway's {@code typesNonce} does not look for) and that nonce typed raw ends the wall: bash
   * then reads the next raw line as a command.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"ssh-default", "web-default"})
  void theEchoInsideAnUppercasedMarkerShowsTheNextNonceAndARawLineRuns(String target) throws Exception {
    for (int round = 0; round < 4; round++) {
      SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("echo17bx-" + target), List.of("dev"));
      String name = ShellLiveTargets.witness("17bx");
      String file = "/tmp/" + name + ".py";
      String payload = "trap '' HUP; touch /tmp/" + name + "; ls -1 /tmp | grep -n " + name;
      String seen = "";
      String note = "";
      boolean ran = false;
      boolean onHost = false;
      try (InteractiveProcess ssh = gw.interactive(key, target)) {
        ssh.await("$ ", WAIT);
        Thread.sleep(500);
        ShellLiveTargets.typeLine(ssh, writeScript(file));
        int at = ssh.length();
        try {
          ssh.send("python3 " + file + " 0.5 100 & sleep 3\r");
          Thread.sleep(1200);
          int lineAt = ssh.length(); // past the editor's rendering of the accepted line
          Thread.sleep(1100);
          escapes(ssh, 2000);
          ssh.send("\r");
          Thread.sleep(700);
          String[] leak = leakedA(ssh.transcript().substring(at));
          int cycles = 0;
          int checked = ssh.length();
          boolean prompted = Pattern.compile("bash-5\\.2\\$ |gh-target@").matcher(ssh.transcript().substring(lineAt)).find();
          while (leak == null && !prompted && cycles < 150 && ssh.isAlive()) {
            cycles++;
            prompted = Pattern.compile("bash-5\\.2\\$ |gh-target@").matcher(ssh.transcript().substring(lineAt)).find();
            ssh.send("\u0003");
            escapes(ssh, 160);
            ssh.send("\r");
            Thread.sleep(120);
            String t = ssh.transcript();
            leak = leakedA(t.substring(checked));
            checked = Math.max(at, t.length() - 2000);
          }
          note = "cycles " + cycles + (prompted ? ", the gateway's prompt came back (the job lost the race)" : "")
              + (leak == null ? ", no leak" : ", leaked wall " + leak[0].substring(0, 8) + "… next " + leak[1].substring(0, 8) + "…");
          if (leak != null) {
            ssh.send("\u0003"); // the hook again: its wall now waits for the leaked next nonce
            Thread.sleep(600);
            ssh.send("\r");
            Thread.sleep(300);
            int before = ssh.length();
            ssh.send(leak[1] + "\r");
            Thread.sleep(1500);
            String afterWall = ssh.transcript().substring(before);
            note += afterWall.toLowerCase().contains("$ ") ? ", bash's prompt after the nonce" : ", no prompt after the nonce";
            ssh.send(payload + "\r");
            Thread.sleep(5000);
          }
        } catch (java.io.IOException | AssertionError closed) {
          note += " (" + closed.getClass().getSimpleName() + ")";
          Thread.sleep(500);
        }
        seen = ssh.transcript().substring(at);
        Thread.sleep(1000);
        onHost = Files.exists(Path.of("/tmp", name));
        ran = seen.contains(":" + name) || onHost;
      } finally {
        Files.deleteIfExists(Path.of("/tmp", name));
        Files.deleteIfExists(Path.of(file));
      }
      int typed = seen.lastIndexOf("trap '' HUP");
      boolean unjudged = seen.indexOf("the shell started a command the guard did not see") > 0;
      ran |= unjudged && note.contains("bash's prompt after the nonce");
      note += onHost ? "; the witness is in the host's /tmp" : "";
      note += unjudged ? "; the gateway: started a command the guard did not see" : "";
      System.out.println("17bx echo " + target + " round " + round + ": ran=" + ran + " " + note + "; ends: "
          + ShellLiveTargets.clean(seen, 260).replaceAll("[^\\x20-\\x7e]", "."));
      assertThat(seen).as("%s round %d: with olcuc kept on the session ends on the altered markers (or the hook's own"
          + " check); %s", target, round, note).contains("session closed");
      if (ran || leakedA(seen) != null) {
        assertThat(ran || leakedA(seen) != null).as("%s: the hook's A (its wall nonce and next nonce) reached the screen as"
            + " text; ran=%s (%s); audit: %s; transcript:%n%s", target, ran, note, ShellLiveTargets.auditOf(gw, name),
            ShellLiveTargets.clean(seen.substring(Math.max(0, typed - 6000)), 9000)).isFalse();
      }
    }
  }

  // ---- F3: a stolen wall nonce leaves the gateway in PROMPTING, with no deadline -----------------

  /**
   * The wall's nonce line taken by a second reader ({@code grep /dev/tty} left in bash's own process
   * group by a command substitution's background, as in 17br): bash's wall waits for it, the gateway
   * waits for the B in PROMPTING, where no deadline runs. The session stays open with no prompt (until
   * bash's own {@code read -t 120} ends it; never with a stopped job, whose {@code exit} bash refuses).
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"web-default", "ssh-default"})
  void aStolenWallNonceLeavesTheSessionOpenWithoutAPrompt(String target) throws Exception {
    String reader = "ls -d $( { sleep 1; grep -m1 -H '' /dev/tty >/dev/tty; } </dev/null >/dev/null 2>&1 & ) $(sleep 3)";
    for (int round = 0; round < 3; round++) {
      SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("steal17bx-" + target), List.of("dev"));
      String seen;
      boolean stolen = false;
      boolean answered = true;
      boolean alive;
      try (InteractiveProcess ssh = gw.interactive(key, target)) {
        ssh.await("$ ", WAIT);
        Thread.sleep(500);
        int at = ssh.length();
        ssh.send(reader + "\r");
        long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < until) {
          if (Pattern.compile("/dev/tty:[0-9a-f]{100,128}").matcher(ssh.transcript().substring(at)).find()) {
            stolen = true;
            break;
          }
          Thread.sleep(100);
        }
        if (stolen) {
          Thread.sleep(25_000);
          answered = promptOrEnded(ssh);
        }
        alive = ssh.isAlive();
        seen = ssh.transcript().substring(at);
      }
      System.out.println("17bx steal " + target + " round " + round + ": stolen=" + stolen + " answered=" + answered
          + " alive=" + alive);
      if (stolen) {
        assertThat(answered || !alive).as("%s: the wall's nonce line was taken by a second reader; 25 s later the"
            + " session is open with no guarded prompt (the gateway waits in PROMPTING with no deadline, bash's wall"
            + " waits for the stolen nonce); transcript:%n%s", target, ShellLiveTargets.clean(seen, 3000)).isTrue();
        return;
      }
    }
  }
}
