package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attack pass 17ba, live through the gateway: the real OpenSSH client, the gateway, bash in the
 * sandbox of {@code command} targets and a real OpenSSH sshd on loopback behind {@code ssh}
 * targets ({@link ShellLiveTargets#fourTargets}): {@code web-strict}/{@code ssh-strict} in {@code
 * mode: allow-list} with docs/policy.md's own list ({@code [ls, cat, less, grep, tail, journalctl,
 * "systemctl status"]}, {@code block: [recursive-delete-root]}), {@code web-default}/{@code
 * ssh-default} under the deny-list default.
 *
 * <p><b>1. 17ay's fix is textual: bash's memory is still readable by another spelling of its
 * path ({@code ssh} targets, allow-list and deny-list).</b> {@code HookTamper.namesProcessMemory}
 * refuses a word matching {@code proc/([^/\s]+)/(?:task/[^/\s]+/)?LEAF} with LEAF {@code mem}
 * or {@code map_files}, or a bare {@code mem} in a text that {@code namesAProcessDirectory}
 * ({@code /proc/<pid|self|thread-self|pattern>…}). The kernel resolves paths the regex does not
 * see: {@code /proc//PID/mem} (the empty component between the slashes is not {@code [^/]+}, and
 * {@code namesAProcessDirectory} takes the process part as empty), {@code /proc/./PID/mem} (the
 * regex reads {@code .} as the process and {@code PID} as the leaf) and {@code
 * /dev/fd/../../PID/mem} ({@code /dev/fd} is {@code /proc/self/fd}; no {@code proc/} in the text
 * at all). Each of {@code tail -c +HEAP /proc//PID/mem | grep -ao '[0-9a-f]\{128\}'} (commands
 * {@code [tail, grep]}) is judged {@code allow} at the allow-list prompt and prints the wall's
 * nonce from bash's heap (PID from {@code cat /proc/self/stat}, HEAP from {@code grep heap
 * /proc/PID/maps}, both allowed); typed back raw while {@code cat} runs, the gateway itself
 * recognises it and closes the session "nonce-typed". Checked with the judge too: {@code
 * /proc/self/../PID/mem}, {@code //proc/PID/mem} and {@code /proc/PID/task/PID/mem} are refused
 * (guard-tamper), the three spellings above are allowed in both modes.
 *
 * <p><b>2. With it, 17ay's whole chain runs again: a forged A marker, then the real nonce typed
 * raw, and a {@code touch} never judged ({@code ssh-strict} and {@code ssh-default}).</b> The
 * steps of 17ay unchanged but the path: (1) {@code grep x $'\e]133;A;'"$(SCAN | grep -m1 .)"$';F1\a\e]133;P\a\e]133;B\a'}
 * (grep's "File name too long" message carries the hook's expected nonce and F1:
 * {@code GuardedShell.hookPrompt} accepts it, the gateway now expects F1); (2) {@code SCAN; grep
 * -m1 go; grep x $'\e]133;A;F1;F2\a…'; grep -rq zzqq /usr/share} prints bash's real next nonce
 * N, then, while {@code grep -m1} reads the terminal, {@code go⏎N⏎touch /tmp/W; ls -1 /tmp | grep
 * -n W⏎} is typed raw (typesNonce watches for F2, not N); (3) a judged {@code ls /}. The hook's
 * wall reads N and ends, bash reads the raw {@code touch} line, and its C is taken for {@code ls /}.
 * The session itself printed {@code 261:gh-17ba-…} (the witness in the host's /tmp); no audit line
 * names it. SCAN is {@code tail -c +HEAP /proc//PID/mem | grep -ao '[0-9a-f]\{128\}' | grep -v
 * 0000000000} (or with {@code /dev/fd/../../PID/mem}).
 *
 * <p>Causes: (a) {@code HookTamper.namesProcessMemory}/{@code namesAProcessDirectory}
 * (policy/src/main/java/dev/gatehouse/policy/shell/HookTamper.java) match the path's text, not
 * the path the kernel opens: no normalisation of empty and {@code .} components, and {@code
 * /dev/fd} ({@code /proc/self/fd}) followed by {@code ..} is not seen as {@code /proc}. (b) On an
 * {@code ssh} target the guarded bash runs as the same user as every command, readable through
 * {@code /proc/PID/mem} (command targets are closed since the execute-only bash: {@code
 * web-strict} held). (c) {@code GuardedShell.marker('A')} still trusts an A from the terminal's
 * output stream while a command runs. Fix directions: normalise paths before the check (collapse
 * {@code //}, drop {@code .}, resolve {@code ..}, map {@code /dev/fd}, {@code /dev/std*}, {@code
 * /proc/self/fd} links to {@code /proc/self}), or fail closed on any {@code mem}/{@code
 * map_files} leaf and any {@code ..} after a {@code /dev/fd} or {@code /proc} word; better, keep
 * the nonce out of reach on {@code ssh} targets (bash non-dumpable, e.g. started through {@code
 * setpriv}/prctl, or the hook's secret not in bash's memory), and accept an A only right after
 * the hook's D for the running command.
 *
 * <p><b>Fixed</b> (the tests below now pass): the judge reads each path as the kernel resolves it
 * ({@code HookTamper.kernelSpellings}: empty and {@code .} parts, {@code x/..}, {@code /dev/fd}
 * and {@code /dev/std*} through their link into {@code /proc/self}), and an {@code ssh} target's
 * host runs the guarded bash from an execute-only copy ({@code BashIntegration.remoteCommand}), as
 * a command target's sandbox does: its map and memory are closed to the session's programs.
 *
 * <p>When found, failing tests (each a bypass seen live, asserting the secure outcome): {@code
 * theWallsNonceIsReadableByAnotherSpellingOfTheMemoryPath} ×4 (ssh-strict {@code //}, {@code /./},
 * {@code /dev/fd/../..}; ssh-default {@code //}), {@code
 * aForgedPromptMarkerStillLetsRawTypeAheadPastTheWall} ×3 (ssh-strict {@code //} and {@code
 * /dev/fd/../..}, ssh-default {@code //}): 7 failing. Passing: 15.
 *
 * <p><b>Tried and already refused (or not a bypass)</b> (passing tests): the same spelling on
 * {@code web-strict}: bash's maps are closed (execute-only bash), no heap to read. Connection
 * level: {@code ssh -W web-strict:22}, {@code -W ssh-strict:22}, {@code -W 127.0.0.1:22}
 * (direct-tcpip: {@code ForwardedPostgres} refuses any destination that is not a postgres or
 * kubernetes target), {@code -N -R} (RejectAllForwardingFilter, ssh exits 255), {@code -s sftp}
 * ({@code GatewayChannel.handleSubsystem}), {@code -T} on an allow-list target
 * ({@code refusesInteractiveWithoutPrompt}, 77; on the deny-list {@code -T} is documented as
 * recorded, not judged). ControlMaster: while the master is a guarded prompt, a second session
 * channel over the same connection is an exec request judged as any ({@code touch W}: not in
 * allowCommands), and a second {@code -tt} session gets its own guarded prompt ({@code touch}
 * blocked). TERM {@code dumb}, an unknown TERM and a 1000-byte TERM: the line editor still hands
 * the judge the line bash gets ({@code touch W} refused), and {@code ESC[201~} typed outside a
 * paste followed by {@code ; touch W} is refused. Read in the source, not a bypass: env requests
 * (only LANG/LC_* in a safe locale, TERM, GATEHOUSE_*; {@code GatewayChannel.acceptedEnv}), pty
 * modes on an ssh target's host ({@code GuardedPtyModes} fixes ICANON/ISIG/ICRNL/IUCLC/ISTRIP and
 * takes only control characters that no typed line holds), history expansion ({@code set +H +o
 * history} in the hook; {@code !} reaches bash only inside a judged line). Not tried for lack of
 * time: window-size changes mid-line or during a review, Ctrl-R/Ctrl-O/undo/yank in the line
 * editor, pastes with NUL or larger than the editor's buffer, core dumps of the execute-only bash
 * on command targets ({@code ulimit} is not listed in allow-list mode).
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellLiveAttack17baIT extends ShellLiveClass {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static String typeLine(InteractiveProcess ssh, String line) throws Exception {
    return ShellLiveTargets.typeLine(ssh, line);
  }

  private static String witness() {
    return ShellLiveTargets.witness("17ba");
  }

  private static void attempt(String target, String how, String id, List<String> lines, String what) throws Exception {
    ShellLiveTargets.attempt(gw, "17ba", target, how, id, lines, what);
  }

  /** {@code /proc/PID/mem} spelt so that the judge's textual check does not see a process's {@code mem}. */
  private static String memPath(String spelling, long pid) {
    return switch (spelling) {
      case "double-slash" -> "/proc//" + pid + "/mem";
      case "dot" -> "/proc/./" + pid + "/mem";
      case "dev-fd" -> "/dev/fd/../../" + pid + "/mem";
      default -> throw new IllegalArgumentException(spelling);
    };
  }

  /** The memory read by the path spelt {@code spelling}: refused by the judge before it runs (guard-tamper). */
  private static void assertTheReadIsRefused(InteractiveProcess ssh, String spelling, long pid) throws Exception {
    String line = typeLine(ssh, "tail -c +4096 " + memPath(spelling, pid) + " | grep -ao '[0-9a-f]\\{128\\}'");
    assertThat(line).as("reading bash's memory as %s", memPath(spelling, pid)).contains("blocked by rule guard-tamper");
  }

  /**
   * 17ay's fix refuses {@code /proc/PID/mem} by its text ({@code HookTamper.namesProcessMemory}).
   * The kernel reads {@code /proc//PID/mem}, {@code /proc/./PID/mem} and {@code
   * /dev/fd/../../PID/mem} as the same file; a listed program given one of them prints the wall's
   * nonce from bash's heap, and typed back raw while {@code cat} runs the gateway itself takes it
   * for the guard's nonce ("nonce-typed"). Secure outcome: no listed command prints the nonce.
   */
  @ParameterizedTest(name = "{0}: bash's memory as {1}")
  @CsvSource(textBlock = """
      ssh-strict, double-slash
      ssh-strict, dot
      ssh-strict, dev-fd
      ssh-default, double-slash
      web-strict, double-slash
      """)
  void theWallsNonceIsReadableByAnotherSpellingOfTheMemoryPath(String target, String spelling) throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("mem-" + spelling + "-" + target), List.of("dev"));
    try (InteractiveProcess ssh = gw.interactive(key, target)) {
      ssh.await("$ ", WAIT);
      Thread.sleep(500);
      long pid = ShellLiveTargets.guardedShellWithMemoryClosed(ssh);
      assertTheReadIsRefused(ssh, spelling, pid);
    }
  }

  /**
   * 17ay's full bypass, again, with the memory path spelt {@code /proc//PID/mem}: the nonce read
   * from bash's memory forges the hook's A (grep's error message prints the file name unquoted),
   * which moves the gateway's expected nonce to one the attacker chose; raw type-ahead carrying
   * bash's real nonce then ends the hook's wall, and the line after it runs unjudged.
   */
  @ParameterizedTest(name = "{0}: forged A with the nonce read through {1}, then the real nonce typed raw")
  @CsvSource(textBlock = """
      ssh-strict, double-slash
      ssh-default, double-slash
      ssh-strict, dev-fd
      """)
  void aForgedPromptMarkerStillLetsRawTypeAheadPastTheWall(String target, String spelling) throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("forge-" + spelling + "-" + target), List.of("dev"));
    String name = witness();
    String f1 = "0".repeat(127) + "1";
    String f2 = "0".repeat(127) + "2";
    String seen;
    try (InteractiveProcess ssh = gw.interactive(key, target)) {
      ssh.await("$ ", WAIT);
      Thread.sleep(500);
      long pid = ShellLiveTargets.guardedShellWithMemoryClosed(ssh);
      assertTheReadIsRefused(ssh, spelling, pid);
      // And were the read allowed, what the attack did next finds nothing in memory closed to it.
      String scan = "tail -c +4096 " + memPath(spelling, pid) + " | grep -ao '[0-9a-f]\\{128\\}' | grep -v 0000000000";
      int at = ssh.length();
      String one = typeLine(ssh, "grep x $'\\e]133;A;'\"$(" + scan + " | grep -m1 .)\"$';" + f1
          + "\\a\\e]133;P\\a\\e]133;B\\a'; " + scan);
      Set<String> old = ShellLiveTargets.hexWords(one);
      Thread.sleep(1000);
      int at2 = ssh.length();
      ssh.send(scan + "; grep -m1 go; grep x $'\\e]133;A;" + f1 + ";" + f2 + "\\a\\e]133;P\\a\\e]133;B\\a'; grep -rq zzqqxxyyzz /usr/share\r");
      Thread.sleep(2500);
      String out = ssh.transcript().substring(at2);
      // Every new candidate: a wrong one is only a wall line that does not end the wall.
      List<String> fresh = new ArrayList<>();
      for (String c : ShellLiveTargets.hexWords(out)) {
        if (!old.contains(c) && !c.equals(f1) && !c.equals(f2)) {
          fresh.add(c);
        }
      }
      if (fresh.isEmpty()) {
        assertThat(ssh.transcript().substring(at)).as("the scan of bash's memory is refused")
            .contains("blocked by rule guard-tamper");
        return;
      }
      ssh.send("go\r" + String.join("\r", fresh) + "\rtouch /tmp/" + name + "; ls -1 /tmp | grep -n " + name + "\r");
      Thread.sleep(500);
      if (ssh.isAlive()) {
        ssh.send("ls /\r");
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
   * Connection level, held: a direct-tcpip channel ({@code ssh -W}) to a shell target is refused
   * (only postgres and kubernetes targets take forwards), a remote forward ({@code -R}) is refused
   * ({@code RejectAllForwardingFilter}), a subsystem ({@code -s sftp}) is refused, and an
   * interactive session without a terminal ({@code -T}) on an allow-list target is refused (77).
   */
  @ParameterizedTest(name = "{0}: ssh {1}")
  @CsvSource(delimiter = '|', textBlock = """
      web-strict | -W web-strict:22
      ssh-strict | -W ssh-strict:22
      web-strict | -W 127.0.0.1:22
      web-strict | -N -R 0:127.0.0.1:22 -o ExitOnForwardFailure=yes
      web-strict | -s sftp
      ssh-strict | -s sftp
      web-strict | -T
      ssh-strict | -T
      """)
  void connectionLevelRequestsGetNoUnguardedShell(String target, String options) throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("conn-" + target), List.of("dev"));
    String name = witness();
    List<String> opts = new ArrayList<>(List.of(options.trim().split(" ")));
    String command = opts.contains("-s") ? "sftp" : null;
    if (command != null) {
      opts.remove("sftp");
    }
    SshResult r = gw.ssh(key, target).options(opts.toArray(String[]::new)).timeout(Duration.ofSeconds(30))
        .stdin("touch /tmp/" + name + "\nls -1 /tmp | grep -n " + name + "\n").run(command);
    boolean ran = r.out().contains(":" + name) || Files.exists(Path.of("/tmp", name));
    Files.deleteIfExists(Path.of("/tmp", name));
    assertThat(ran).as("%s: ssh %s ran the witness; %s", target, options, r).isFalse();
    assertThat(r.exitCode()).as("%s: ssh %s was refused; %s", target, options, r).isNotZero();
  }

  /**
   * ControlMaster, held: while the first session is a guarded prompt, a second session over the
   * same connection ({@code ssh -S PATH}, a new session channel) is an exec request, judged as
   * any other: {@code touch W} is not listed (refused), and a second interactive session gets a
   * guarded prompt of its own.
   */
  @ParameterizedTest(name = "{0}: second channel over a ControlMaster connection")
  @CsvSource(textBlock = """
      web-strict
      ssh-strict
      """)
  void aSecondChannelOverTheMasterConnectionIsJudged(String target) throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("mux-" + target), List.of("dev"));
    Path ctl = Files.createTempDirectory(dir, "mux-").resolve("c");
    String name = witness();
    String seen;
    try (InteractiveProcess master = gw.interactive(key, target, "-o", "ControlMaster=yes", "-o", "ControlPath=" + ctl)) {
      master.await("$ ", WAIT);
      Thread.sleep(500);
      SshResult exec = gw.ssh(key, target).options("-o", "ControlMaster=no", "-o", "ControlPath=" + ctl)
          .timeout(Duration.ofSeconds(30)).run("touch /tmp/" + name + "; ls -1 /tmp | grep -n " + name);
      String tty;
      try (GatewayFixture.Running second = gw.ssh(key, target).options("-tt", "-o", "ControlMaster=no", "-o",
          "ControlPath=" + ctl).stdin("touch /tmp/" + name + "\r").start(null)) {
        Thread.sleep(6000); // the second prompt, the line judged; the mux client is then closed
        tty = second.stdoutSoFar();
      }
      seen = exec + "\n" + tty + "\n" + typeLine(master, "ls -1 /tmp | grep -n " + name);
    }
    boolean ran = seen.contains(":" + name) || Files.exists(Path.of("/tmp", name));
    Files.deleteIfExists(Path.of("/tmp", name));
    assertThat(ran).as("%s: a second channel ran touch; %s", target, seen).isFalse();
  }

  /**
   * TERM values, held: with {@code TERM=dumb}, an unknown TERM or a very long one the line editor
   * still hands the judge the line bash gets ({@code touch W} refused in allow-list mode; a line
   * with an escape sequence typed in it is refused as not text).
   */
  @ParameterizedTest(name = "{0}: TERM={1}")
  @CsvSource(textBlock = """
      web-strict, dumb
      web-strict, gh-unknown-terminal
      ssh-strict, dumb
      web-strict, LONG
      """)
  void oddTermValuesLeaveTheLineJudged(String target, String term) throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("term-" + target), List.of("dev"));
    String value = term.equals("LONG") ? "x".repeat(1000) : term;
    String name = witness();
    String seen;
    try (InteractiveProcess ssh = InteractiveProcess.start(gw.sshArgv(key, target, List.of("-tt")), Map.of("TERM", value))) {
      ssh.await("$ ", WAIT);
      Thread.sleep(500);
      int at = ssh.length();
      ssh.send("touch /tmp/" + name + "\r");
      Thread.sleep(1500);
      ssh.send("ls /\u001b[201~; touch /tmp/" + name + "\r");
      Thread.sleep(1500);
      ssh.send("ls -1 /tmp | grep -n " + name + "\r");
      Thread.sleep(2000);
      seen = ssh.transcript().substring(at);
    }
    boolean ran = seen.contains(":" + name) || Files.exists(Path.of("/tmp", name));
    Files.deleteIfExists(Path.of("/tmp", name));
    assertThat(ran).as("%s TERM=%s: touch ran; transcript:%n%s", target, term, seen).isFalse();
  }
}
