package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attack pass 17aq, live through the gateway: the real OpenSSH client, the gateway, bash in the
 * sandbox of {@code command} targets, one in {@code mode: allow-list} with docs/policy.md's own list
 * ({@code [ls, cat, less, grep, tail, journalctl, "systemctl status"]}), one under the deny-list
 * default ({@code default-shell} of ShellGuardIT, no approvers, so a review is refused, 77).
 *
 * <p><b>systemctl connects to the D-Bus address the environment names, and an sd-bus address can be
 * a program to run.</b> sd-bus (systemd 252) takes the bus address from {@code
 * DBUS_SESSION_BUS_ADDRESS} ({@code --user}: systemctl tries {@code $XDG_RUNTIME_DIR/systemd/private}
 * first, then {@code sd_bus_default_user}, which reads the variable) or {@code
 * DBUS_SYSTEM_BUS_ADDRESS} (the system bus, for a caller that is not root on a host booted with
 * systemd), and its {@code unixexec:path=PROG,argv1=A,…} transport forks and {@code execvp}s PROG
 * with those arguments, its stdin and stdout a socket to systemctl, its stderr the terminal. So
 * {@code DBUS_SESSION_BUS_ADDRESS=unixexec:path=touch,argv1=/tmp/W systemctl --user status} runs
 * {@code touch /tmp/W} (and {@code path=sh,argv1=-c,argv2=…} any command line, %-escaped), which
 * the guard never judged: its judgement is {@code allow}, commands {@code [systemctl]}, in both
 * modes, typed at the guarded prompt and on an exec request alike. The allow-list entry {@code
 * "systemctl status"} matches {@code systemctl --user status} (options before the subcommand are
 * read past). Splitting it ({@code export DBUS_SESSION_BUS_ADDRESS=…}, then {@code systemctl --user
 * status} on a later line) works the same, {@code export} being a HARMLESS builtin in allow-list
 * mode. journalctl (252) does not connect to a bus for any of {@code --user}, {@code -u}, {@code
 * --flush}, {@code --rotate}, {@code --sync}, {@code --list-boots} (tried on the host: no exec).
 *
 * <p>Cause: the two variables are in neither of the judge's lists of variables that change what a
 * program runs: {@code ShellJudge.LOOKUP_VARS} (allow-list mode: "setting these would change what a
 * listed command runs"; it has {@code PAGER}, {@code SYSTEMD_PAGER}, {@code SYSTEMD_PAGERSECURE},
 * {@code SYSTEMD_LESS}, …, but no {@code DBUS_*}) and {@code CommandReader.COMMAND_VARS} (deny-list:
 * variables whose value a program runs; pagers, editors, ssh and askpass helpers). An assignment of
 * either bus address (prefix, {@code export}, {@code declare -x}, plain assignment then export) is
 * read as harmless data. Other sd-bus clients read them too (on the host, as nobody, without
 * systemd as PID 1: {@code busctl list}, {@code busctl --user list}, {@code networkctl}, {@code
 * systemd-analyze --user blame}, {@code systemd-run --user true} ran the address's program;
 * {@code loginctl}, {@code hostnamectl}, {@code timedatectl}, {@code localectl} stopped first at
 * their check for systemd as PID 1); only systemctl is on the docs' list. On the deny-list default
 * the judge allows the busctl, networkctl and systemd-analyze lines as well; {@code
 * DBUS_SYSTEM_BUS_ADDRESS=… busctl list} shows the system bus variable live.
 *
 * <p>The witness is {@code touch} of a file in the session's own /tmp (the sandbox's private
 * tmpfs): the session itself lists /tmp after systemctl, through a judged command whose output
 * holds text the typed lines do not ({@code grep -n} prefixes the line number; {@code tr a-z A-Z}
 * upper-cases it).
 *
 * <p>Each test asserts the secure outcome (the line is refused, or the witness never exists) and
 * fails on the current code.
 *
 * <p><b>Tried and already refused (or not a bypass)</b>: an ssh override for {@code -H}:
 * systemd 252 has no {@code SYSTEMD_SSH} (libsystemd-shared holds only the hard-coded
 * {@code unixexec:path=ssh,argv1=-xT}), so {@code systemctl status -H HOST} (allowed by the judge)
 * runs {@code ssh -xT -- HOST systemd-stdio-bridge} found on {@code PATH} ({@code PATH=…} is in
 * LOOKUP_VARS), with no option injection past {@code --}, and ssh's own config would have to be
 * written first (not run further); a redirection on the allow-list target
 * ({@code ls > x}, {@code cat > .ssh/config}: blocked, "writes a file by redirection"), so no file
 * for ssh, less or a {@code PATH} entry can be written there; {@code less -k FILE} (reviewed,
 * interpreter-inline); {@code DBUS_SYSTEM_BUS_ADDRESS=… systemctl status} in the sandbox (the judge
 * allows it too, but systemctl first checks {@code /run/systemd/system} and stops with "System has
 * not been booted with systemd" here; on a host booted with systemd a non-root caller reaches the
 * variable: the same finding, not shown live); journalctl with either bus variable ({@code --user},
 * {@code -u}, {@code --user-unit}, {@code --flush}, {@code --rotate}, {@code --sync}, {@code
 * --list-boots}: no exec, journalctl 252 does not use sd-bus for them). less's secure mode and
 * {@code SYSTEMD_PAGERSECURE=0}/{@code LESSSECURE=} are held by ShellPagerSecureIT and
 * ShellLiveAttack17ajIT and were not tried again.
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellLiveAttack17aqIT {
  private static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir static Path dir;
  static GatewayFixture gw;

  static final String POLICIES = ShellLiveTargets.POLICIES;

  @BeforeAll
  static void start() throws Exception {
    String command = """
            type: command
            command: ["/bin/bash", "--noprofile", "--norc", "-i"]
            exec: ["/bin/bash", "-c"]
            env: { PATH: "/usr/bin:/bin" }
            runAs: nobody
            allow: { groups: [dev] }
        """;
    String targets = "targets:\n"
        + "  - name: web-strict\n" + command + "    policy: docs-allow-list\n"
        + "  - name: web-noapprovers\n" + command + "    policy: default-shell\n"
        + POLICIES;
    gw = GatewayFixture.start(dir, "", targets);
  }

  @AfterAll
  static void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
  }

  /** Types {@code line} at the guarded prompt, waits for the next prompt; returns the transcript from the line on. */
  private static String typeLine(InteractiveProcess ssh, String line) throws Exception {
    int at = ssh.length();
    ssh.send(line + "\r");
    ssh.await("$ ", at + line.length(), WAIT);
    Thread.sleep(500); // pacing: the rest of the output and the prompt; no bound
    return ssh.transcript().substring(at);
  }

  /** Allow-list, exec request: the bus address in a prefix assignment runs touch. */
  @Test
  void allowListExecSessionBusAddressRunsAProgramTheGuardNeverJudged() throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("dbus-al-exec"), List.of("dev"));
    SshResult r = gw.ssh(key, "web-strict").timeout(Duration.ofSeconds(60))
        .run("DBUS_SESSION_BUS_ADDRESS=unixexec:path=touch,argv1=/tmp/gh-17aq-exec systemctl --user status;"
            + " ls -1 /tmp | grep -n 17aq");
    assertThat(r.out()).as("systemctl's sd-bus ran `touch /tmp/gh-17aq-exec` (unixexec: bus address), which the"
        + " allow-list never judged: %s", r).doesNotContain(":gh-17aq-exec");
    assertThat(r.err()).as("a bus address that names a program changes what the listed systemctl runs: refused, as"
        + " SYSTEMD_PAGER is: %s", r).contains("gatehouse: blocked by rule allow-list");
  }

  /** Allow-list, at the guarded prompt: the same line typed. */
  @Test
  void allowListPromptSessionBusAddressRunsAProgramTheGuardNeverJudged() throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("dbus-al-prompt"), List.of("dev"));
    try (InteractiveProcess ssh = gw.interactive(key, "web-strict")) {
      ssh.await("$ ", WAIT);
      String first = typeLine(ssh,
          "DBUS_SESSION_BUS_ADDRESS=unixexec:path=touch,argv1=/tmp/gh-17aq-prompt systemctl --user status");
      String check = typeLine(ssh, "ls -1 /tmp | grep -n 17aq");
      assertThat(check).as("systemctl's sd-bus ran `touch /tmp/gh-17aq-prompt` at the guarded prompt, which the"
          + " allow-list never judged; transcript:%n%s%s", first, check).doesNotContain(":gh-17aq-prompt");
      assertThat(first).as("refused at the prompt").contains("gatehouse: ");
    }
  }

  /** Allow-list, at the guarded prompt: exported on one line (a HARMLESS builtin), the listed command on the next. */
  @Test
  void allowListPromptExportedBusAddressThenListedSystemctlRunsAProgramTheGuardNeverJudged() throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("dbus-al-export"), List.of("dev"));
    try (InteractiveProcess ssh = gw.interactive(key, "web-strict")) {
      ssh.await("$ ", WAIT);
      String first = typeLine(ssh,
          "export DBUS_SESSION_BUS_ADDRESS=unixexec:path=sh,argv1=-c,argv2=touch%20/tmp/gh-17aq-split");
      String second = typeLine(ssh, "systemctl --user status");
      String check = typeLine(ssh, "ls -1 /tmp | grep -n 17aq");
      assertThat(check).as("`systemctl --user status` ran `sh -c 'touch /tmp/gh-17aq-split'` from the exported bus"
          + " address, which the allow-list never judged; transcript:%n%s%s%s", first, second, check)
          .doesNotContain(":gh-17aq-split");
      assertThat(first + second).as("the export (or the systemctl after it) is refused").contains("gatehouse: ");
    }
  }

  /** Deny-list default, exec request: the same, judged allow. */
  @Test
  void denyListExecSessionBusAddressRunsAProgramTheGuardNeverJudged() throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("dbus-deny-exec"), List.of("dev"));
    SshResult r = gw.ssh(key, "web-noapprovers").timeout(Duration.ofSeconds(60))
        .run("DBUS_SESSION_BUS_ADDRESS=unixexec:path=touch,argv1=/tmp/gh-17aq-deny systemctl --user status;"
            + " ls /tmp | tr a-z A-Z");
    assertThat(r.out()).as("systemctl's sd-bus ran `touch /tmp/gh-17aq-deny`, which the guard never judged: %s", r)
        .doesNotContain("GH-17AQ-DENY");
    assertThat(r.exitCode()).as("a bus address that runs a program is a command in a variable, as PAGER is: judged"
        + " (here interpreter-inline, refused without approvers): %s", r).isEqualTo(77);
  }

  /**
   * Deny-list default, exec request: the system bus variable, read by busctl (which, unlike
   * systemctl, does not first check that systemd is PID 1, so it shows here in the sandbox too).
   */
  @Test
  void denyListExecSystemBusAddressThroughBusctlRunsAProgramTheGuardNeverJudged() throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("dbus-deny-busctl"), List.of("dev"));
    SshResult r = gw.ssh(key, "web-noapprovers").timeout(Duration.ofSeconds(60))
        .run("DBUS_SYSTEM_BUS_ADDRESS=unixexec:path=touch,argv1=/tmp/gh-17aq-busctl busctl list;"
            + " ls /tmp | tr a-z A-Z");
    assertThat(r.out()).as("busctl's sd-bus ran `touch /tmp/gh-17aq-busctl`, which the guard never judged: %s", r)
        .doesNotContain("GH-17AQ-BUSCTL");
    assertThat(r.exitCode()).as("a bus address that runs a program is a command in a variable: judged (refused"
        + " here): %s", r).isEqualTo(77);
  }

  /** Deny-list default, at the guarded prompt: sh -c with any command line, %-escaped in the address. */
  @Test
  void denyListPromptSessionBusAddressRunsAShellLineTheGuardNeverJudged() throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("dbus-deny-prompt"), List.of("dev"));
    try (InteractiveProcess ssh = gw.interactive(key, "web-noapprovers")) {
      ssh.await("$ ", WAIT);
      String first = typeLine(ssh, "DBUS_SESSION_BUS_ADDRESS=unixexec:path=sh,argv1=-c,"
          + "argv2=touch%20/tmp/gh-17aq-dsh systemctl --user status");
      String check = typeLine(ssh, "ls -1 /tmp | grep -n 17aq");
      assertThat(check).as("systemctl's sd-bus ran `sh -c 'touch /tmp/gh-17aq-dsh'` at the guarded prompt, which"
          + " the guard never judged; transcript:%n%s%s", first, check).doesNotContain(":gh-17aq-dsh");
      assertThat(first).as("refused at the prompt").contains("gatehouse: ");
    }
  }
}
