package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attack pass 17ca, live (real OpenSSH client in tmux or a pty, the gateway, a real sshd, dash and
 * bash): screen mode's marker removal (a9f5e0c6) and the late integration.
 *
 * <p><b>F1 (a blocked line runs unjudged in screen mode; regression of 17s's OSC fix)</b> ({@code
 * aLineTypedIntoAnOpenOsc133MarkerRunsUnjudged}: FAILS). dash host, {@code onGuardLost: screen}.
 * The allowed line {@code printf '\033]133;Z;'} leaves an OSC 133 sequence open. ScreenShell now
 * feeds the shell's output through PromptMarkers first, which holds everything from {@code ESC ] 133 ;}
 * on while it waits for a terminator (up to 2048 bytes): dash's next prompt and the echo of the next
 * typed line ({@code ssh -V 2>/dev/null; touch /tmp/att17ca-…}, blocked by no-ssh-hop) never reach
 * the ScreenModel (or the client). Before a9f5e0c6 the ScreenModel saw the open string and
 * {@code notWhole()} refused the line ("inside an unfinished control string", 17s's {@code
 * aLineTypedIntoAnOpenOscStringIsRefusedAndTheRefusalIsShown}); now it saw nothing, the row is
 * empty, and Enter goes through as a password line: the witness file is created on the host. Fix:
 * ScreenShell must refuse (screen-incomplete) while its PromptMarkers holds bytes (expose
 * {@code holding()}), or feed the held prefix to the ScreenModel as an open string; a held non-hook
 * marker could also be released as text/ended at Enter instead of swallowing the echo.
 *
 * <p><b>F2 (setup token on the client's screen in screen mode)</b> ({@code
 * aLateFirstPartsRedisplayShowsTheSetupTokenInScreenMode}: FAILS). ssh target, screen mode, the
 * account's {@code ~/.bashrc} ends with {@code set -x; sleep 24}: the gateway goes to screen mode at
 * 20 s; the late first part then runs traced, and bash's xtrace prints {@code + builtin printf
 * '\e]133;S;%s\a' <token>} as plain text (not a marker, so a9f5e0c6's removal misses it); seen:
 * token on the client's screen and in the session's recording. {@code set -v}
 * should do the same (the line as read; not run). A startup file's doing (documented: startup files may "read the
 * integration's lines"), and the token is dead by then, but docs/security-model.md now says the late
 * first part's output never reaches the screen. Fix: when the first part was typed and no S came, end
 * the session instead of going on in screen mode on an ssh target; or have ScreenShell mask the
 * session's token (and nonces) wherever they occur in text; start line one with
 * {@code { builtin set +xv; } 2>/dev/null} (helps -x, not -v).
 *
 * <p><b>F3 (a startup file's code still runs around every judged line; guarded mode)</b> ({@code
 * aStartupFilesPromptCommandArrayAndChldTrapRunAroundJudgedLines}: FAILS). {@code ~/.bashrc}:
 * {@code PROMPT_COMMAND=([1]='…'); trap '…' CHLD}. The hook's {@code PROMPT_COMMAND='__gh_prompt …'}
 * sets element 0 only (bash 5.2.15), {@code readonly PROMPT_COMMAND} then protects element 1, which
 * runs after the hook at every prompt; the CHLD trap runs as each child exits (the hook's own
 * command substitutions and each judged command): both ran 7 times over 3 judged lines in a session
 * that stayed guarded. Within what docs/security-model.md admits for startup files (run anything, trap),
 * but it defeats a9f5e0c6's stated clearing of traps. Fix: line one also {@code builtin trap - CHLD
 * …} (every signal, or {@code trap -p} checked), {@code builtin unset PROMPT_COMMAND} before assigning it
 * (and PS0/PS4), and the hook checks {@code ${#PROMPT_COMMAND[@]} == 1}.
 *
 * <p><b>F4 (the hook's wall nonce on screen and in the recording; guarded mode)</b> ({@code
 * aStartupFilesPs4ShowsTheHooksNonceInGuardedMode}: FAILS). {@code ~/.bashrc}: {@code PS4='+${__gh_m-} '};
 * then the judged, allowed line {@code set -x}. bash traces the {@code PROMPT_COMMAND} call before the
 * hook's {@code set +xv}, and PS4 is expanded with the live {@code $__gh_m} (the nonce this prompt's
 * wall waits for): {@code ++<128 hex> __gh_prompt 0 '' himxBs} at every prompt, on the client's screen
 * and in the recording. With {@code PS4='$(printf %s "$__gh_m" >/tmp/f)'} a background job could read
 * each nonce and forge the hook's markers. Startup-file bound (typed PS4 is guard-tamper), so inside
 * the admitted limit, but the nonces are the guard's secret. Fix: the second part sets
 * {@code PS4='+ '} read-only (as PS0), or the hook is called with xtrace off ({@code PROMPT_COMMAND}
 * starting with a {@code { set +x; } 2>/dev/null} and $- captured before).
 *
 * <p><b>Tried and refused</b>:
 * <ul>
 *   <li>A typed PS4 (also via {@code ${!v}}) is guard-tamper; a typed {@code set -x} traces no nonce
 *       ({@code typedPs4IsRefusedAndXtraceAloneShowsNoNonce}, passes).</li>
 *   <li>{@code set -x} in {@code ~/.bashrc} on a guarded (not late) session: the session ends at start
 *       ("the shell started a command the guard did not see"), nothing shown.</li>
 *   <li>The late first part without xtrace ({@code sleep 24}): readline does not redraw the typed-ahead
 *       lines; only bash's prompts show, the S marker is removed (no token).</li>
 *   <li>Read: the screen model and the client get the same marker-stripped stream, so a dropped
 *       complete marker draws nothing different on either side; the hand-over (drainHeld) passes
 *       GuardedShell's held prefix into ScreenShell's own PromptMarkers, so a marker split there is
 *       rejoined; a broken or over-long marker ends the session before any rest is shown
 *       ({@code ended} checked in {@code shown}).</li>
 * </ul>
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellLiveAttack17caIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String PROMPT = "\\$ ?";
  private static final String SH_USER = "gh-target-sh";
  private static final String POLICIES = ShellGuardIT.POLICIES.replaceFirst(
      "default-shell:\n(\\s+)type: shell\n", "default-shell:\n$1type: shell\n$1onGuardLost: screen\n");

  @TempDir static Path dir;
  static SshdProcess sshd;
  static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    assertThat(POLICIES).contains("onGuardLost: screen");
    sshd = SshdProcess.prepare(dir.resolve("sshd"));
    SshdProcess.ensureUser(SH_USER, "/bin/sh");
    String targets = "targets:\n"
        + "  - name: dash-host\n    type: ssh\n    ssh: { host: 127.0.0.1, port: " + sshd.port() + ", user: "
        + SH_USER + ", hostKey: \"" + sshd.hostKeyLine() + "\" }\n    allow: { groups: [dev] }\n"
        + "    policy: default-shell\n    approvers: { groups: [ops-leads], min: 1 }\n"
        + POLICIES;
    gw = GatewayFixture.start(dir, "", targets);
    sshd.start(gw.gateway().certificateAuthority().targetCaPublicKeyLine());
  }

  @AfterAll
  static void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
    if (sshd != null) {
      sshd.close();
    }
  }

  private static Path witness() {
    return Path.of("/tmp", "att17ca-" + UUID.randomUUID().toString().substring(0, 8));
  }

  /**
   * F1: an OSC 133 sequence left open ({@code printf '\033]133;Z;'}, a judged and allowed line)
   * is held by ScreenShell's PromptMarkers waiting for its terminator, so neither the screen model
   * nor the user's terminal gets the prompt or the echo that follows; the screen model is not
   * "inside an unfinished control string" (it never saw the string), the row shows nothing new, and
   * Enter goes to the shell as an empty line (a password): the blocked line runs unjudged.
   * (17s's {@code aLineTypedIntoAnOpenOscStringIsRefusedAndTheRefusalIsShown} with OSC 2.)
   */
  @Test
  void aLineTypedIntoAnOpenOsc133MarkerRunsUnjudged(@TempDir Path tmp) throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("osc133"), List.of("dev"));
    Path witness = witness();
    try (Tmux t = Tmux.start(tmp, 120, 30, gw.sshArgv(key, "dash-host", List.of("-t")))) {
      t.awaitScreen("source: screen\\)$", WAIT);
      t.awaitScreen("^" + PROMPT + "$", WAIT);
      t.type("printf '\\033]133;Z;'");
      Thread.sleep(1500);
      t.type("ssh -V 2>/dev/null; touch " + witness);
      Thread.sleep(4000);
      System.out.println("17ca osc133 screen:\n" + t.screen());
    }
    System.out.println("17ca osc133 witness exists=" + Files.exists(witness));
    assertThat(witness).as("the blocked line (ssh …; touch) typed into an open OSC 133 marker ran on the host unjudged")
        .doesNotExist();
  }

  /**
   * F2: the late first part (an {@code ssh} target under {@code onGuardLost: screen} whose
   * {@code ~/.bashrc} takes longer than 20 s) is read by bash's readline after screen mode began, and
   * readline draws the line it reads after its prompt: {@code ... builtin printf '\e]133;S;%s\a'
   * <token>} in plain text, the setup token included, on the client's screen and in the recording.
   * Only the marker the line prints is removed now, not the line's own redisplay.
   */
  @Test
  void aLateFirstPartsRedisplayShowsTheSetupTokenInScreenMode(@TempDir Path tmp) throws Exception {
    String[] seen = lateIntegration(tmp, System.getProperty("att17ca.rc", "set -x; sleep 24"), true);
    String token = tokenIn(seen[0]);
    String recorded = tokenIn(seen[1]);
    System.out.println("17ca late token on screen=" + token + " recorded=" + recorded + "\n"
        + seen[0].replace("\u001b", "<ESC>").replace("\u0007", "<BEL>"));
    assertThat(token == null && recorded == null).as("the setup token (the first part's literal %s) reached the"
        + " client (%s) or the recording (%s); transcript:%n%s", "printf '\\e]133;S;%s\\a' <token>", token, recorded,
        ShellLiveTargets.clean(seen[0], 4000)).isTrue();
  }

  /** The 32 hex digits after the first part's {@code %s\a' } in {@code s} (readline's redisplay may break the line). */
  static String tokenIn(String s) {
    String flat = s.replaceAll("\u001b\\[[0-9;?]*[A-Za-z]", "").replaceAll("[\r\n\b]", "").replace(" ", "");
    Matcher m = Pattern.compile("133;S;%s(?:\\\\)+a'([0-9a-f]{32})").matcher(flat);
    return m.find() ? m.group(1) : null;
  }

  /** As ShellLiveAttack17byIT's: a line planted in the test host account's ~/.bashrc for this sshd only, put back after. */
  private String[] lateIntegration(Path tmp, String rcLine, boolean screen, String... lines) throws Exception {
    SshdProcess own = SshdProcess.prepare(tmp.resolve("sshd"));
    GatewayFixture g = null;
    Path rc = Path.of("/home", SshdProcess.TARGET_USER, ".bashrc");
    byte[] before = StartupFilePlant.takeAndRead(rc);
    try {
      String policies = screen ? ShellLiveTargets.POLICIES.replaceFirst(
          "default-shell:\n(\\s+)type: shell\n", "default-shell:\n$1type: shell\n$1onGuardLost: screen\n")
          : ShellLiveTargets.POLICIES;
      String targets = "targets:\n  - name: ssh-screen\n    type: ssh\n    ssh: { host: 127.0.0.1, port: " + own.port()
          + ", user: " + SshdProcess.TARGET_USER + ", hostKey: \"" + own.hostKeyLine() + "\" }\n    allow: { groups: [dev] }\n"
          + "    policy: default-shell\n" + policies;
      Files.createDirectories(tmp.resolve("gw"));
      g = GatewayFixture.start(tmp.resolve("gw"), "", targets);
      own.start(g.gateway().certificateAuthority().targetCaPublicKeyLine(), "AcceptEnv LANG LC_*");
      String planted = "\ncase ${SSH_CONNECTION-} in *\" " + own.port() + "\") " + rcLine + ";; esac\n";
      byte[] p = planted.getBytes(StandardCharsets.UTF_8);
      byte[] all = java.util.Arrays.copyOf(before, before.length + p.length);
      System.arraycopy(p, 0, all, before.length, p.length);
      Files.write(rc, all);
      SshClientKey key = g.sign(GatewayFixture.uniqueIdentity("late17ca"), List.of("dev"));
      String seen;
      try (InteractiveProcess ssh = g.interactive(key, "ssh-screen")) {
        ssh.await(screen ? "judged from the screen" : "$ ", Duration.ofSeconds(60));
        Thread.sleep(screen ? 9000 : 1000);
        try {
          for (String l : lines.length == 0 ? new String[] {"echo screen-17ca"} : lines) {
            ssh.send(l + "\r");
            Thread.sleep(1500);
          }
        } catch (java.io.IOException ended) {
          // the session already ended
        }
        Thread.sleep(3000);
        seen = ssh.transcript();
      }
      Thread.sleep(1000);
      return new String[] {seen, g.recordingsOf(key)};
    } finally {
      StartupFilePlant.putBack(rc, before);
      if (g != null) {
        g.close();
      }
      own.close();
    }
  }

  /**
   * F3 (startup files, guarded mode): the first part clears the {@code DEBUG}, {@code RETURN} and
   * {@code ERR} traps, but not the equivalents: a {@code PROMPT_COMMAND} array (bash 5.1+) keeps its
   * other elements when the hook assigns {@code PROMPT_COMMAND='__gh_prompt …'} (that sets element 0)
   * and {@code readonly PROMPT_COMMAND} then protects them; a {@code CHLD} trap runs as each child
   * exits. Both run code the judge never saw around every judged line.
   */
  @Test
  void aStartupFilesPromptCommandArrayAndChldTrapRunAroundJudgedLines(@TempDir Path tmp) throws Exception {
    Path pc = witness();
    Path chld = witness();
    String rc = "PROMPT_COMMAND=([1]='builtin printf p >> " + pc + "'); trap 'builtin printf c >> " + chld + "' CHLD";
    String[] seen = lateIntegration(tmp, rc, false, "echo one-17ca", "/bin/true", "echo two-17ca");
    String p = Files.exists(pc) ? Files.readString(pc) : "";
    String c = Files.exists(chld) ? Files.readString(chld) : "";
    System.out.println("17ca prompt-command array ran " + p.length() + "x, CHLD trap " + c.length() + "x; transcript:\n"
        + ShellLiveTargets.clean(seen[0], 3000));
    assertThat(seen[0]).as("the session stayed guarded").contains("two-17ca");
    // bash runs PROMPT_COMMAND once before it reads the integration's first line (its first prompt
    // after the startup files): that run is the startup file's own code at start, as the docs admit.
    // The first line unsets it and clears the traps; nothing of either runs after.
    assertThat(p.length()).as("a startup file's PROMPT_COMMAND element ran after the integration's first line").isLessThanOrEqualTo(1);
    assertThat(c).as("a startup file's CHLD trap ran after the integration's first line").isEmpty();
  }

  /**
   * F4 (startup files, guarded mode): {@code set -x} with {@code PS4='+${__gh_m-} '} in
   * {@code ~/.bashrc}. The integration leaves the user's {@code -x} on (the hook restores it) and
   * does not touch {@code PS4}; bash traces the {@code PROMPT_COMMAND} call of {@code __gh_prompt}
   * before the hook's own {@code set +xv}, expanding PS4 with the hook's next wall nonce.
   */
  @Test
  void aStartupFilesPs4ShowsTheHooksNonceInGuardedMode(@TempDir Path tmp) throws Exception {
    String[] seen = lateIntegration(tmp, System.getProperty("att17ca.ps4", "PS4='+${__gh_m-} '"), false,
        "set -x", "echo one-17ca", "echo two-17ca");
    Matcher shown = Pattern.compile("[0-9a-f]{128}").matcher(seen[0]);
    Matcher recorded = Pattern.compile("[0-9a-f]{128}").matcher(seen[1]);
    boolean s = shown.find();
    boolean r = recorded.find();
    System.out.println("17ca ps4 nonce on screen=" + s + " recorded=" + r + "; transcript:\n" + ShellLiveTargets.clean(seen[0], 3000));
    assertThat(s || r).as("a hook nonce (128 hex) reached the client (%s) or the recording (%s); transcript:%n%s",
        s, r, ShellLiveTargets.clean(seen[0], 3000)).isFalse();
  }

  /**
   * Refused (kept, passes): F4 without a startup file. PS4 typed as a judged line is guard-tamper,
   * also through an indirection ({@code v=_; v+=_gh_m; PS4='+${!v} '}); a typed {@code set -x} is
   * allowed and traces only {@code ++ __gh_prompt 0 '' himxBs} (no nonce).
   */
  @Test
  void typedPs4IsRefusedAndXtraceAloneShowsNoNonce(@TempDir Path tmp) throws Exception {
    String[] seen = lateIntegration(tmp, "true", false, "v=_; v+=_gh_m", "PS4='+${!v} '",
        "set -x", "echo one-17ca");
    boolean s = Pattern.compile("[0-9a-f]{128}").matcher(seen[0]).find();
    boolean r = Pattern.compile("[0-9a-f]{128}").matcher(seen[1]).find();
    System.out.println("17ca typed ps4 nonce on screen=" + s + " recorded=" + r + "; transcript:\n" + ShellLiveTargets.clean(seen[0], 3000));
    assertThat(s || r).as("a hook nonce (128 hex) reached the client (%s) or the recording (%s); transcript:%n%s",
        s, r, ShellLiveTargets.clean(seen[0], 3000)).isFalse();
  }
}
