package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17br, live through the gateway (real OpenSSH client, the gateway, bash in the sandbox
 * of the {@code command} targets and on the real sshd's host behind the {@code ssh} targets;
 * {@link ShellLiveTargets}). Focus: the OSC 133 markers (forged by a program's output or a
 * background job), type-ahead while a command runs and at the hook's wall, Ctrl-C racing the hook,
 * the hook's secret. The witness is a file in the session's /tmp (the host's /tmp on ssh
 * targets), listed by the session itself ({@code ls -1 /tmp | grep -n NAME}).
 *
 * <p><b>Finding (cause: the wall's nonce travels through the terminal, where a second reader can
 * take it, and the P/B/C markers carry no secret): a line typed raw runs unjudged (ssh-strict: the
 * witness made in the host's /tmp by {@code touch}, not in the allow-list)</b>. One judged line
 * (allow: {@code [grep…, ls]} on the allow-list, {@code [sleep, printf, grep, ls]} under the
 * deny-list), then keys:
 * <ol>
 *   <li>{@code { DELAY; ls <$'/GH\x42\e]133;P\a$ \e]133;B\a'; DELAY; ls <$'/GH\x43\e]133;C\a'; } &
 *       ls -d $( { DELAY; grep -m1 -H '' /dev/tty >/dev/tty; } </dev/null >/dev/null 2>&1 & ) $(DELAY)}
 *       (under the deny-list {@code sleep} and {@code printf '%s\e]133;B\a'}). The reader is the
 *       background child of a command substitution: no job, it stays in bash's own process group
 *       and reads the terminal freely whenever bash is at its prompt (on a command target it opens
 *       /dev/tty while the line runs, when the terminal is not exclusive). The line waits in a
 *       command substitution too, so the reader waits on the terminal when the hook's wall
 *       starts.</li>
 *   <li>The hook prints D and A; the gateway sends the nonce line ({@code GuardedShell.marker},
 *       case A) into the terminal, and grep takes it (in every run here the whole 128 digits; the
 *       wall reads one byte at a time, so at worst it keeps a byte or two of it: 16 or 256
 *       guesses) and prints it. The wall waits on; the gateway waits for B in PROMPTING.</li>
 *   <li>The background job's redirection error prints P, {@code $ }, B: B is taken in PROMPTING
 *       (no nonce is asked of P, B or C), the gateway shows its prompt. A judged line ({@code ls})
 *       is sent: the wall reads it and waits on (it does not end in the nonce); SENT.</li>
 *   <li>The job's second error prints C: SENT becomes RUNNING, keys go to the terminal raw. Raw:
 *       the stolen nonce, a new line, the payload line. {@code typesNonce} looks only for the
 *       nonce the last A announced as next, not the one the wall still waits for. The wall takes
 *       the nonce line, prints bash's prompt, and bash reads the payload as a command: its C comes
 *       in RUNNING and the gateway ends the session ("the shell started a command the guard did not
 *       see"), after the fact: the payload ran ({@code trap '' HUP; touch W}).</li>
 * </ol>
 * On the command targets (web-*) the same steps reach bash's prompt after the stolen nonce and the
 * gateway's "started a command the guard did not see"; the witness there is in the sandbox's
 * /tmp, which ends with the session, so those cases take that report after bash's prompt as the
 * proof. Cause, in short: {@code BashIntegration.HOOK}'s wall ("lines until one ends with the
 * nonce") and {@code GuardedShell} rely on the nonce line reaching only bash, yet it is typed into
 * a terminal any process of bash's group can read; and only A is authenticated, so a program's
 * output moves the gateway from PROMPTING to AT_PROMPT (B) and from SENT to RUNNING (C) while the
 * wall waits. Fix directions: make B (and C) carry the wall's nonce (or a value derived from it
 * that only the hook prints after its wall passed) and leave PROMPTING only on it; refuse raw keys
 * holding the nonce of a wall not yet passed, not only the next one; at each prompt have the hook
 * refuse (guard lost) when another process of the session holds the terminal open for reading,
 * not only when a judged text is sent; judge a terminal read in an asynchronous context
 * ({@code $( … & )}, background) as guard-tamper.
 *
 * <p>Failing: {@code aSecondReaderStealsTheWallsNonce} ×4 ({@code ssh-strict} witness on the host;
 * {@code ssh-default}: witness on the host by python3 -c, interpreter-inline, a review; the command
 * targets as above; two runs, each case in its first session). Passing
 * (regression tests of the attempts that were refused): the other methods.
 *
 * <p><b>Tried and already refused (or not a bypass)</b>:
 * <ul>
 *   <li>Type-ahead typed raw while a command runs (also with a Ctrl-C racing the hook's start):
 *       the wall drains every line before the nonce line; a Ctrl-C during the hook aborts it and
 *       bash runs {@code PROMPT_COMMAND} again (a new wall, the announced nonce), so the wall is
 *       never skipped.</li>
 *   <li>Forged D, A, P, B from a program's output (bash's own redirection error prints the file
 *       name raw): an A with a nonce not announced is ignored; a D without the prompt's nonce
 *       is ignored too (it held the keys for the next prompt's editor, where they were judged,
 *       before the hook's D carried the nonce).</li>
 *   <li>A background job forging C while comment-only lines (no real C) are sent: the keys that
 *       then go raw land before the next nonce line and are drained; a C at the prompt ends the
 *       session.</li>
 *   <li>The hook's secret from bash's memory of variables: {@code __gh_m} by name (any text holding
 *       {@code __gh_}), by {@code ${!x}}, by arithmetic evaluation of a name held in a variable
 *       ({@code $(( y ))}, {@code [[ y -eq 0 ]]}, subscripts, substring offsets, {@code test -v
 *       'z[y]'}, {@code printf -v}/{@code read}/{@code unset}/{@code declare}/{@code wait -p} of
 *       {@code 'z[y]'}, {@code z=([y]=1)}): unclassified ("does not set to a plain number");
 *       {@code declare/typeset/local -i} refused ({@code export -i}, {@code readonly -i} are
 *       invalid options in bash). Not needed here: the nonce is read off the terminal.</li>
 *   <li>PS1 (expanded by the hook with {@code @P}) built from a variable ({@code d=\$;
 *       PS1="${d}(touch W) "}), also by {@code read}, {@code for}, {@code getopts}, {@code wait -p},
 *       {@code ${PS1:=…}}: guard-tamper, always a block at the prompt.</li>
 *   <li>Lines bash would go on reading (an open {@code if}, a brace group, a trailing {@code |} or
 *       {@code &&}): unclassified, so refused; a pasted multi-command text: PS0's read eats its
 *       second line and the wall drains the rest (as in 17bm).</li>
 *   <li>TIOCSTI on ssh targets ({@code dev.tty.legacy_tiocsti = 1} on this host): a documented
 *       limit, not re-filed.</li>
 * </ul>
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellLiveAttack17brIT extends ShellLiveClass {
  private static final Duration WAIT = Duration.ofSeconds(60);
  /** A judged allow-list line that runs a few seconds and reads nothing of the terminal. */
  private static final String SLOW = "grep -rqs zzqqxxyy17br /usr/share/man /usr/share/doc";

  /** The forged hook output: D, an A with a nonce of our own, P, a prompt, B (bash's redirection error prints it raw). */
  static String forgedPromptLine() {
    String hex = "0123456789abcdef".repeat(8);
    String other = "fedcba9876543210".repeat(8);
    return "ls <$'/\\e]133;D;0\\a\\e]133;A;" + hex + ";" + other + ";checkwinsize;himB;;\\a\\e]133;P\\a$ \\e]133;B\\a'";
  }

  /**
   * Types the judged {@code lines} at the prompt, then {@code line} and, {@code afterMs} later while
   * it runs, {@code raw} (raw keys: W is the witness) {@code times} times every {@code everyMs};
   * then waits, lists the witness if the session still lives; asserts it was never made.
   */
  static void race(String target, List<String> lines, String line, long afterMs, String raw, int times, long everyMs,
      String what) throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("r17br-" + target), List.of("dev"));
    String name = ShellLiveTargets.witness("17br");
    String payload = raw.replace("W", "/tmp/" + name).replace("NAME", name);
    String seen = "";
    boolean ran = false;
    try (InteractiveProcess ssh = gw.interactive(key, target)) {
      ssh.await("$ ", WAIT);
      Thread.sleep(500);
      for (String l : lines) {
        ShellLiveTargets.typeLine(ssh, l.replace("W", "/tmp/" + name));
      }
      int at = ssh.length();
      try {
        ssh.send(line + "\r");
        Thread.sleep(afterMs);
        for (int i = 0; i < times; i++) {
          ssh.send(payload);
          Thread.sleep(everyMs);
        }
        Thread.sleep(12000);
        ssh.send("\r");
        Thread.sleep(1500);
        ssh.send("ls -1 /tmp | grep -n " + name + "\r");
        Thread.sleep(3000);
      } catch (java.io.IOException closed) {
        Thread.sleep(500);
      }
      seen = ssh.transcript().substring(at);
      ran = seen.contains(":" + name) || Files.exists(Path.of("/tmp", name));
    } finally {
      Files.deleteIfExists(Path.of("/tmp", name));
    }
    assertThat(ran).as("%s: raw keys ran as a command unjudged (%s); audit: %s; transcript:%n%s", target, what,
        ShellLiveTargets.auditOf(gw, name), ShellLiveTargets.clean(seen, 4000)).isFalse();
  }

  /** A line typed raw while a judged command runs (type-ahead): the hook's wall drains it at the next prompt. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"ssh-strict", "web-strict"})
  void typeAheadWhileACommandRunsIsDrained(String target) throws Exception {
    race(target, List.of(), SLOW, 300, "touch W; ls -1 /tmp | grep -n NAME\r", 1, 0,
        "type-ahead during a running command");
  }

  /** Ctrl-C and a line, raw, over and over while a command runs and its hook starts: the hook runs again, its wall drains. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"ssh-strict", "web-strict"})
  void ctrlCRacingTheHookDoesNotSkipTheWall(String target) throws Exception {
    race(target, List.of(), SLOW, 200, "\u0003touch W; ls -1 /tmp | grep -n NAME\r", 60, 40,
        "Ctrl-C then a line, racing the hook's wall");
  }

  /** A program's output (bash's own redirection error) forges D, A, P, B; a line typed right behind it stays held, then judged. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"ssh-strict", "web-strict"})
  void forgedPromptMarkersOpenNoRawPath(String target) throws Exception {
    race(target, List.of(), forgedPromptLine() + "; " + SLOW, 150, "touch W; ls -1 /tmp | grep -n NAME\r", 20, 100,
        "forged D/A/P/B from a redirection error, then keys");
  }

  /**
   * A background job forges C markers (bash's redirection error, after a delay) while comment-only
   * lines (no real C: bash runs no command) are sent, with a line typed right behind each.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"ssh-strict", "web-strict"})
  void backgroundForgedCommandStartOpensNoRawPath(String target) throws Exception {
    String bg = "{ grep -rqs zzqqxxyy17br /usr/share/man; ls <$'/\\e]133;C\\a'; ls <$'/\\e]133;C\\a'; } &";
    race(target, List.of(), bg, 100, "#\rtouch W; ls -1 /tmp | grep -n NAME\r", 50, 80,
        "forged C from a background job while comment lines are sent");
  }

  /** The user's PS1, expanded by the hook ({@code ${__gh_ps1@P}}), built from a variable: a command substitution in it. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"ssh-strict", "web-strict", "ssh-default", "web-default"})
  void aPromptBuiltFromAVariableRunsNothingUnjudged(String target) throws Exception {
    String payload = target.endsWith("strict") ? "touch W" : "python3 -c \"open('W','w')\"";
    ShellLiveTargets.attempt(gw, "17br", target, "prompt", "ps1", List.of("d=\\$", "PS1=\"${d}(" + payload + ") \"", "ls"),
        "PS1 set to `$(payload)` through a variable; the hook expands PS1 with @P");
  }

  /**
   * The wall's nonce read by a second reader: a {@code grep /dev/tty} left in bash's own process
   * group (the background of a command substitution) takes the nonce line the gateway sends at the
   * next prompt (all of it, or all but the byte(s) the wall's one-byte reads took first) and prints
   * it. A background job then forges P, a prompt and B (the gateway goes to its prompt while the
   * hook's wall still waits), a judged line is sent (the wall reads it and waits on), and the job
   * forges C (the gateway passes keys raw). Raw: the stolen nonce (each possible first byte) and
   * a line; the wall takes the nonce line and bash reads the next one as a command, never judged.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"ssh-default", "ssh-strict", "web-default", "web-strict"})
  void aSecondReaderStealsTheWallsNonce(String target) throws Exception {
    boolean strict = target.endsWith("strict");
    // One line: the marker job (background: P, a prompt and B after a while, C later), and the
    // reader, left in bash's own process group by a command substitution's background; the line
    // waits (in a command substitution too: bash's group keeps the terminal) until the reader waits
    // on the terminal, so the reader takes this line's own wall nonce, and no later line is sent
    // while it holds the terminal.
    String d = "grep -rqs zzqqxxyy17br /usr/share/doc";
    String dd = "grep -rqs zzqqxxyy17br /usr/share/doc /usr/share/man /usr/share/locale";
    String markers = strict
        ? "{ " + dd + "; " + dd + "; " + dd + "; ls <$'/GH\\x42\\e]133;P\\a$ \\e]133;B\\a'; " + dd + "; " + dd + "; "
            + dd + "; ls <$'/GH\\x43\\e]133;C\\a'; } &"
        : "{ sleep 7; printf '%s\\e]133;P\\a$ \\e]133;B\\a' GH''B; sleep 5; printf '%s\\e]133;C\\a' GH''C; } &";
    String reader = "ls -d $( { " + (strict ? d : "sleep 1") + "; grep -m1 -H '' /dev/tty >/dev/tty; } </dev/null >/dev/null 2>&1 & ) $("
        + (strict ? dd + "; " + dd : "sleep 3") + ")";
    AssertionError last = null;
    for (int round = 0; round < 3; round++) {
      SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("steal17br-" + target), List.of("dev"));
      String name = ShellLiveTargets.witness("17br");
      // trap: the gateway ends the session on the line's C marker (after the fact); the host's
      // bash and the payload then get SIGHUP.
      String payload = "trap '' HUP; " + (strict ? "touch /tmp/" + name : "python3 -c \"open('/tmp/" + name + "','w')\"")
          + "; ls -1 /tmp | grep -n " + name;
      String seen = "";
      String note = "";
      boolean ran = false;
      boolean onHost = false;
      try (InteractiveProcess ssh = gw.interactive(key, target)) {
        ssh.await("$ ", WAIT);
        Thread.sleep(500);
        int at = ssh.length();
        try {
          ssh.send(markers + " " + reader + "\r");
          java.util.regex.Matcher m = null;
          long until = System.nanoTime() + Duration.ofSeconds(strict ? 40 : 15).toNanos();
          while (System.nanoTime() < until) {
            m = java.util.regex.Pattern.compile("/dev/tty:([0-9a-f]{1,128})\r?\n").matcher(ssh.transcript().substring(at));
            if (m.find()) {
              break;
            }
            m = null;
            Thread.sleep(100);
          }
          if (m == null) {
            note = "the reader took no nonce";
          } else {
            String stolen = m.group(1);
            int from = at + m.end();
            ssh.await("GHB", from, Duration.ofSeconds(strict ? 60 : 20));
            Thread.sleep(400);
            int beforeLine = ssh.length();
            ssh.send("ls\r"); // judged; the wall reads it
            ssh.await("GHC", beforeLine, Duration.ofSeconds(strict ? 90 : 20));
            Thread.sleep(400);
            int missing = 128 - stolen.length();
            StringBuilder raw = new StringBuilder();
            int n = missing == 0 ? 1 : missing == 1 ? 16 : missing == 2 ? 256 : 0;
            for (int i = 0; i < n; i++) {
              String prefix = missing == 0 ? "" : String.format("%0" + missing + "x", i);
              raw.append(prefix).append(stolen).append('\n').append(payload).append("\n\n");
            }
            note = "stole " + stolen.length() + " digits; " + n + " guesses";
            if (n > 0) {
              ssh.send(raw.toString());
            }
            Thread.sleep(8000);
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
      }
      note += onHost ? "; the witness is in the host's /tmp" : "";
      // On a command target the witness is in the sandbox's /tmp, gone with the session, and the
      // gateway shows nothing of bash's once it ended the session: there the proof is bash's own
      // prompt, printed only after the hook's wall took a line ending in its nonce (in the raw
      // keys), then the gateway's own report that bash started a command it never judged.
      int forgedC = seen.indexOf("GHC");
      int unjudged = seen.indexOf("the shell started a command the guard did not see");
      ran |= forgedC >= 0 && unjudged > forgedC && seen.substring(forgedC, unjudged).contains("$ ");
      System.out.println("17br steal " + target + " round " + round + ": ran=" + ran + " " + note);
      if (ran) {
        assertThat(ran).as("%s: a second reader took the wall's nonce, forged B and C opened the raw path, and bash"
            + " ran a raw line unjudged (%s); audit: %s; transcript:%n%s", target, note, ShellLiveTargets.auditOf(gw, name),
            ShellLiveTargets.clean(seen, 3000)).isFalse();
      }
      last = new AssertionError(note + "\n" + ShellLiveTargets.clean(seen, 1500));
    }
    System.out.println("17br steal " + target + ": no run; last: " + last.getMessage());
  }
}
