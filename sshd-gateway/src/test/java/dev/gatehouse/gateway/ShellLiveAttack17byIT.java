package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17by, live through the gateway (real OpenSSH client, the gateway, a real sshd's host
 * and bash; {@link ShellLiveTargets}): the two-part integration (c56481d3, 73b2c429, 25ab4710), the
 * altered-marker rule and the wall-to-prompt deadline.
 *
 * <p><b>Finding F1 (the gateway shows and records the setup token; screen mode)</b> ({@code
 * aLateFirstPartPrintsTheSetupTokenIntoTheScreenModesRecording}: FAILS). An {@code ssh} target under
 * {@code onGuardLost: screen} whose bash takes more than 20 s to its first prompt (here the account's
 * {@code ~/.bashrc} ends with {@code sleep 24}; a slow host does the same, as docs/security-model.md
 * says of "a host slow to answer"). The gateway goes on in screen mode (GH3021W, "no guarded prompt
 * within 20 s"), but the first part it typed as the channel opened is still waiting in the host's
 * terminal. bash reads it once the startup file is done: the clean-up line and the settle line run
 * (two of bash's own prompts show, no judgement: the gateway's own text) and the settle line prints
 * {@code ESC ] 133 ; S ; <token> BEL}. {@code ScreenShell} removes no OSC 133 marker (only
 * {@code GuardedShell} feeds {@code PromptMarkers}), so the marker with the session's 32-digit token
 * reaches the client and the session's recording (both seen: {@code ]133;S;a8483e01…} in the
 * transcript and in the recording file). The token is dead by then (S is taken only while
 * STARTING), but the docs say the markers are removed from the screen and the recording, and
 * {@code ShellScreenSshIT} asserts that nothing of the integration shows in screen mode.
 *
 * <p><b>Finding F2 (the hook's nonces on screen and in the recording; screen mode with a live hook
 * whose wall eats the judged lines)</b> ({@code
 * aHookInstalledAfterTheFirstPromptsDeadlineShowsItsNoncesInScreenMode}: FAILS). The same target,
 * {@code ~/.bashrc} ending with {@code sleep 15; trap 'sleep 0.35' DEBUG}: the integration leaves a
 * startup file's {@code DEBUG} trap in place, so each simple command of the first part and of the
 * hook's installation waits 0.35 s. The S comes before the 20 s (the second part is typed), the
 * hook's first D and A after it, when the gateway is already in screen mode, which passes them on:
 * {@code ]133;D;0;<wall>} and {@code ]133;A;<wall>;<next>;<$BASHOPTS>;himBs;;} (both 128-digit
 * nonces) on the client's screen and in the recording. The hook's wall then waits (120 s, echo
 * off) for a nonce the gateway never types: the screen-mode line typed next ({@code echo
 * screen-17by}, judged and allowed from the screen) is thrown away by the wall and never runs, and no
 * prompt comes back (promptless, session open until the hook's {@code read -t 120} ends bash).
 * With a slow host instead of the trap the same can happen by itself (S just before the 20 s).
 * Fix for both: have {@code ScreenShell} drop OSC 133 sequences as {@code GuardedShell} does (feed
 * {@link dev.gatehouse.gateway.shell.GuardedShell}'s {@code PromptMarkers} in front of the screen
 * model, markers ignored, broken ones dropped); and/or on going to screen mode stop the
 * integration from landing late: on an {@code ssh} target end the session instead of going on when
 * the first part was typed but its S never came (the text is still queued in the host's terminal
 * and runs at some later point), or once the S came but no A (the hook may be installed at any
 * moment). Also consider resetting a startup file's {@code DEBUG} trap in the clean-up line
 * ({@code trap - DEBUG RETURN ERR}, with {@code set +T}) so it cannot stretch the integration.
 *
 * <p><b>Tried and refused</b>:
 * <ul>
 *   <li>A line the gateway's {@code Incomplete} takes as whole but bash reads on for (no C, no A:
 *       SENT has no deadline, so this would leave the session promptless): "ls ${HOME" (the
 *       brace left open), {@code cat <<-EOF} ended by a space-indented {@code EOF}, {@code cat
 *       <<EOF} ended by {@code " EOF"} (bash reads on in all three, checked with bash 5.2.15): the
 *       judge refuses each before sending (unclassified: "does not parse", "a here-document that
 *       bash ends at another line than the reading"); kept as {@code
 *       linesBashReadsOnAreRefusedBeforeTheyAreSent}. SENT still has no deadline of its own: on an
 *       {@code ssh} target a second reader of the terminal that takes the judged line leaves it
 *       there (the documented limit of readers on a host).</li>
 *   <li>Ctrl-Z typed raw while the hook runs its command substitutions (the uuid reads) to stop one
 *       and hang bash inside the hook with the gateway in RUNNING: the children of a command
 *       substitution ignore SIGTSTP (checked in a pty: 60 Ctrl-Z during a {@code PROMPT_COMMAND}
 *       with {@code $(sleep 0.5)} stopped nothing); the hook's {@code stty} child, if stopped, fails
 *       its {@code || __gh_lost terminal-settings} (X, fail closed).</li>
 *   <li>Markers (read): every sequence that starts {@code ESC ] 133 ;} and does not end as one
 *       ends the session; the hook's markers start with ESC, so a program's unterminated marker
 *       cannot swallow them without the "broken" path; an unknown kind ({@code Z}) with a CAN inside
 *       is dropped through its BEL from the client and the recording alike (the recording stays
 *       what the user got). C1 {@code 0x9d} is not taken as a marker (the hook only prints 7-bit).</li>
 *   <li>Startup files that read part 1 and forge S/A, a readonly {@code __gh_prompt}, readonly
 *       {@code POSIXLY_CORRECT}: the documented limit (startup files are the account's), not
 *       re-filed.</li>
 *   <li>Special characters changed by a background job between the hook's {@code stty} and bash's
 *       read: the documented limit, not re-filed; the flags the hook does not force (icrnl, ixon,
 *       isig, iexten, echo, iutf8) act on no byte of a judged line (no CR, no control
 *       characters).</li>
 * </ul>
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellLiveAttack17byIT extends ShellLiveClass {
  private static final Duration WAIT = Duration.ofSeconds(60);

  /**
   * Lines the gateway's {@code Incomplete} takes as whole and bash reads on for (a brace of a
   * parameter expansion left open, a here-document's end word indented): refused by the judge,
   * never sent (else SENT would wait with no deadline).
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"web-default|ls ${HOME", "ssh-default|ls ${HOME", "web-default|cat <<-EOF\n  EOF",
      "web-default|cat <<EOF\n EOF", "web-strict|cat <<-EOF\n  EOF"})
  void linesBashReadsOnAreRefusedBeforeTheyAreSent(String c) throws Exception {
    String target = c.substring(0, c.indexOf('|'));
    String line = c.substring(c.indexOf('|') + 1);
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("open17by-" + target), List.of("dev"));
    boolean answered;
    boolean alive;
    String seen;
    try (InteractiveProcess ssh = gw.interactive(key, target)) {
      ssh.await("$ ", WAIT);
      Thread.sleep(500);
      int at = ssh.length();
      for (String l : line.split("\n")) {
        ssh.send(l + "\r");
        Thread.sleep(700);
      }
      Thread.sleep(3000);
      String first = ssh.transcript().substring(at);
      if (first.contains("blocked by rule") || first.contains("review") || first.contains("approv")) {
        System.out.println("17by open " + target + ": refused: " + ShellLiveTargets.clean(first, 500));
        return;
      }
      Thread.sleep(25_000);
      answered = ShellLiveAttack17bxIT.promptOrEnded(ssh);
      alive = ssh.isAlive();
      seen = ssh.transcript().substring(at);
    }
    System.out.println("17by open " + target + ": answered=" + answered + " alive=" + alive);
    assertThat(answered || !alive).as("%s: %s was judged and sent; bash reads on for the rest of ${…} (PS2 is empty),"
        + " no C and no A come, the gateway waits in SENT with no deadline and holds every key: 28 s later a probe"
        + " gets no answer and the session is open; transcript:%n%s", target, line, ShellLiveTargets.clean(seen, 3000)).isTrue();
  }

  /**
   * An {@code ssh} target under {@code onGuardLost: screen} whose account's {@code ~/.bashrc} takes
   * longer than {@link dev.gatehouse.gateway.shell.GuardedShell}'s 20 s to the first prompt (here a
   * {@code sleep 24}, only for this test's sshd): the gateway goes on in screen mode, and the
   * integration's first part, typed as the channel opened, still waits in the host's terminal. bash
   * reads it once the startup file is done and prints {@code ESC ] 133 ; S ; <token> BEL}, which
   * {@code ScreenShell} passes on as output: the session's setup token reaches the client and the
   * recording (screen mode removes no marker).
   */
  @Test
  void aLateFirstPartPrintsTheSetupTokenIntoTheScreenModesRecording(@TempDir Path tmp) throws Exception {
    String seen = lateIntegration(tmp, "sleep 24", "echo screen-17by", "133;S;([0-9a-f]{32})",
        "the integration's setup token (S marker)");
    // The late first part alone changes nothing the screen mode needs: its lines run and it goes on.
    assertThat(seen.split("screen-17by", -1).length - 1).as("the line's echo and its output; transcript:%n%s",
        ShellLiveTargets.clean(seen, 3000)).isGreaterThanOrEqualTo(2);
  }

  /**
   * The same with the first part read just before the 20 s and the second part's commands slowed
   * by a {@code DEBUG} trap the startup file set (which the integration leaves in place): the S comes
   * while starting, the hook is installed, and its first D and A come after the gateway went to
   * screen mode, which passes them on: the hook's nonces (the wall's and the next) on the client's
   * screen and in the recording.
   */
  @Test
  void aHookInstalledAfterTheFirstPromptsDeadlineShowsItsNoncesInScreenMode(@TempDir Path tmp) throws Exception {
    // A startup file can no longer hold the hook back between the S and its first A: the first part
    // clears its traps and empties its prompts before anything else (a slow host still can, which
    // no test can time). So the hook-shaped marker comes from a line typed in screen mode (after a
    // late first part, as above): a D/A/P/B/C with a 128-hex field is the hook's, and ends the
    // session; neither it nor its digits reach the screen or the recording.
    String seen = lateIntegration(tmp, System.getProperty("att17by.rc", "sleep 24"),
        "printf '\\033]133;A;%0128d;%0128d;x\\007' 0 0", "133;A;([0-9a-f]{128});[0-9a-f]{128}",
        "the hook's A marker with its nonces");
    assertThat(seen).as("the hook came up in screen mode: the session ends; transcript:%n%s",
        ShellLiveTargets.clean(seen, 3000)).contains("integration came up after the session went on in screen mode");
  }

  private String lateIntegration(Path tmp, String rcLine, String typed, String leak, String what) throws Exception {
    SshdProcess sshd = SshdProcess.prepare(tmp.resolve("sshd"));
    GatewayFixture own = null;
    Path rc = Path.of("/home", SshdProcess.TARGET_USER, ".bashrc");
    byte[] before = StartupFilePlant.takeAndRead(rc);
    try {
      String policies = ShellLiveTargets.POLICIES.replaceFirst(
          "default-shell:\n(\\s+)type: shell\n", "default-shell:\n$1type: shell\n$1onGuardLost: screen\n");
      assertThat(policies).contains("onGuardLost: screen");
      String targets = "targets:\n  - name: ssh-screen\n    type: ssh\n    ssh: { host: 127.0.0.1, port: " + sshd.port()
          + ", user: " + SshdProcess.TARGET_USER + ", hostKey: \"" + sshd.hostKeyLine() + "\" }\n    allow: { groups: [dev] }\n"
          + "    policy: default-shell\n" + policies;
      Files.createDirectories(tmp.resolve("gw"));
      own = GatewayFixture.start(tmp.resolve("gw"), "", targets);
      sshd.start(own.gateway().certificateAuthority().targetCaPublicKeyLine(), "AcceptEnv LANG LC_*");
      String planted = "\ncase ${SSH_CONNECTION-} in *\" " + sshd.port() + "\") " + rcLine + ";; esac\n";
      Files.write(rc, concatBytes(before, planted.getBytes(StandardCharsets.UTF_8)));
      SshClientKey key = own.sign(GatewayFixture.uniqueIdentity("late17by"), List.of("dev"));
      String seen;
      try (InteractiveProcess ssh = own.interactive(key, "ssh-screen")) {
        ssh.await("judged from the screen", WAIT);
        Thread.sleep(9000);
        try {
          ssh.send(typed + "\r");
        } catch (java.io.IOException ended) {
          // the session already ended (the hook came up late): nothing to type into
        }
        Thread.sleep(3000);
        seen = ssh.transcript();
      }
      Thread.sleep(1000);
      String recorded = own.recordingsOf(key);
      Matcher shown = Pattern.compile(leak).matcher(seen);
      Matcher inRecording = Pattern.compile(leak).matcher(recorded);
      boolean onScreen = shown.find();
      boolean recordedToken = inRecording.find();
      System.out.println("17by late " + rcLine + ": on screen=" + onScreen + " recorded=" + recordedToken);
      assertThat(onScreen || recordedToken).as("%s reached the client (%s) or the"
          + " recording (%s) in screen mode; transcript:%n%s", what, onScreen, recordedToken, ShellLiveTargets.clean(seen, 3000))
          .isFalse();
      return seen;
    } finally {
      StartupFilePlant.putBack(rc, before);
      if (own != null) {
        own.close();
      }
      sshd.close();
    }
  }

  private static byte[] concatBytes(byte[] a, byte[] b) {
    byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
