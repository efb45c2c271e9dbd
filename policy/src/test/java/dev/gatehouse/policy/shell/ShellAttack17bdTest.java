package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17bd at the judge (the live pass is {@code ShellLiveAttack17bdIT}): systemd's bus
 * clients reach a remote bus by starting a program. With {@code -H}/{@code --host=[USER@]HOST[:PORT]}
 * systemd 252's sd-bus opens {@code unixexec:path=ssh,argv1=-xT,…}: {@code systemctl status -H h}
 * forks {@code ssh -xT [-p PORT] -- h systemd-stdio-bridge} (PATH lookup), and that ssh runs the
 * account's {@code ~/.ssh/config} ({@code ProxyCommand}, {@code Match exec}) and keys. The docs'
 * allow-list ({@code "systemctl status"}) allowed it with only {@code systemctl} judged. Checked
 * here with a stand-in {@code ssh} on PATH (the words it was given, below) for systemctl, loginctl,
 * hostnamectl, timedatectl, localectl, busctl, systemd-analyze, systemd-run, systemd-mount and
 * systemd-umount; networkctl, journalctl, systemd-cgls and systemd-cgtop take no {@code -H};
 * machinectl, homectl and portablectl (not installed here) document it as the others do.
 *
 * <p>Seen: {@code -qH h} (a bundle), {@code --ho=h} and {@code --hos h} (prefixes), {@code
 * --host=u@h:2222} ({@code -p 2222 -- u@h}), {@code -Hh}, {@code status -H h -- x}; not: {@code -nH
 * h} ({@code -n} takes {@code H}), {@code status -- -H h}, {@code -H h --user} (refused by systemctl).
 * {@code -M}/{@code --machine} with a user ({@code u@foo}, {@code u@}, {@code @.host}) or with
 * {@code --user} forks {@code systemd-run -Mfoo -PGq --wait -pUser=u -pPAMName=login
 * systemd-stdio-bridge} (also from systemd-stdio-bridge itself); {@code -M foo} of the system bus
 * and journalctl's {@code -M} start nothing. busctl's {@code --address=unixexec:path=P,argv1=…}
 * and systemd-stdio-bridge's {@code -p}/{@code --bus-path} of one ran P.
 */
class ShellAttack17bdTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;
  /** The docs' list, with the example policy's rules (no-ssh-hop among them). */
  static final ShellJudge ALLOW_LIST = ShellAttack17ahTest.ALLOW_LIST;
  /** The docs' list without any rule: the allow-list alone must refuse the ssh. */
  static final ShellJudge ALLOW_LIST_NO_RULES;
  /** A list naming the other bus clients too. */
  static final ShellJudge SYSTEMD_ALLOW_LIST;

  static {
    Map<String, Object> p = new HashMap<>(ShellJudgeTest.DEFAULT_SHELL);
    p.put("mode", "allow-list");
    p.put("rules", List.of());
    ALLOW_LIST_NO_RULES = ShellJudgeTest.judge(p);
    Map<String, Object> s = new HashMap<>(p);
    s.put("allowCommands", List.of("systemctl", "loginctl", "machinectl", "hostnamectl", "timedatectl", "localectl",
        "busctl", "systemd-analyze", "systemd-mount", "systemd-umount", "homectl", "portablectl", "systemd-stdio-bridge",
        "journalctl", "systemd-cgls"));
    SYSTEMD_ALLOW_LIST = ShellJudgeTest.judge(s);
  }

  private static void assertRunsSsh(String text) {
    for (ShellJudgement j : List.of(DEFAULT.judge(text), DEFAULT.judgeTyped(text))) {
      assertThat(j.commands()).as("%s: %s %s", text, j.verdict(), j.commands()).contains("ssh");
    }
    for (ShellJudge judge : List.of(ALLOW_LIST, ALLOW_LIST_NO_RULES, SYSTEMD_ALLOW_LIST)) {
      for (ShellJudgement j : List.of(judge.judge(text), judge.judgeTyped(text))) {
        assertThat(j.verdict().label()).as("%s: %s %s", text, j.verdict(), j.commands()).isNotEqualTo("allow");
      }
    }
    assertThat(ALLOW_LIST_NO_RULES.judge(text).verdict().rule()).as(text).isIn("allow-list", "unclassified");
  }

  /** The allow-list alone names the ssh it refuses, on the live pass's texts (systemctl status is listed). */
  @ParameterizedTest(name = "the docs' list without rules refuses the ssh: {0}")
  @ValueSource(strings = {"systemctl status -H h", "systemctl --host=h status", "systemctl status --host h",
      "systemctl status -qH h nginx", "systemctl status --host=u@h:2222"})
  void theAllowListRefusesTheSsh(String text) {
    for (ShellJudgement j : List.of(ALLOW_LIST_NO_RULES.judge(text), ALLOW_LIST_NO_RULES.judgeTyped(text))) {
      assertThat(j.verdict().reason()).as(text).startsWith("ssh is not in allowCommands");
    }
  }

  @ParameterizedTest(name = "systemctl's -H/--host runs ssh: {0}")
  @ValueSource(strings = {
      "systemctl status -H gh-17bd.invalid", "systemctl --host=gh-17bd.invalid status", "systemctl status --host gh-17bd.invalid",
      "systemctl -H gh-17bd.invalid status nginx", "systemctl status nginx -H gh-17bd.invalid", "systemctl status -Hgh-17bd.invalid",
      "systemctl -qH gh-17bd.invalid status", "systemctl status -alH h", "systemctl --ho=h status", "systemctl --hos h status",
      "systemctl --h=h status", "systemctl status --host=u@h:2222", "systemctl status --host=u@[::1]:22",
      "systemctl status -H h:container", "systemctl status -H 'a b'", "systemctl status -H -oProxyCommand=x",
      "systemctl status -H h -- nginx", "systemctl status --host=\"$h\"", "systemctl status -qH\"$h\"", "systemctl --no-pager status -l -H h nginx", "systemctl -n5 -H h status",
      "systemctl -H \"$h\" status", "systemctl status --host=\"$(cat hosts)\"", "systemctl -H h --user status",
      "/usr/bin/systemctl status -H h", "\\systemctl status -H h", "sudo systemctl status -H h",
      "env systemctl status -H h", "timeout 5 systemctl status -H h", "bash -c 'systemctl status -H h'",
      "systemctl status nginx; systemctl status -H h"})
  void systemctlHostRunsSsh(String text) {
    assertRunsSsh(text);
  }

  @ParameterizedTest(name = "the other bus clients' -H/--host runs ssh: {0}")
  @ValueSource(strings = {
      "loginctl -H h list-sessions", "loginctl --host=h", "hostnamectl -H h", "hostnamectl status --host h",
      "timedatectl -H h status", "timedatectl --host=h", "localectl -H h", "localectl status --host=h",
      "busctl -H h list", "busctl --host=h tree", "systemd-analyze -H h time", "systemd-analyze --host h blame",
      "systemd-run -H h true", "systemd-run --host=h --wait true", "systemd-run -GH h true", "systemd-run -qGH h true", "systemd-mount -H h /dev/sda1 /mnt",
      "systemd-umount -H h /mnt", "machinectl -H h list", "machinectl --host=h list", "homectl -H h list",
      "portablectl -H h list", "loginctl -pName -H h show-session 1"})
  void otherBusClientsHostRunsSsh(String text) {
    assertRunsSsh(text);
  }

  /** Found while fixing: systemd-run's -G (--collect) takes no value, so the word after it is the command. */
  @ParameterizedTest(name = "systemd-run -G, the command after it is judged: {0}")
  @ValueSource(strings = {"systemd-run -G touch W", "systemd-run --user -G touch W", "systemd-run -qG touch W"})
  void systemdRunCollectTakesNoValue(String text) {
    assertThat(DEFAULT.judge(text).commands()).as(text).contains("touch");
  }

  @ParameterizedTest(name = "-M/--machine with a user or --user runs systemd-run: {0}")
  @ValueSource(strings = {
      "systemctl -M u@foo status", "systemctl --machine=u@.host --user status", "systemctl --user -M root@ status",
      "systemctl -M foo --user status", "systemctl status -Mu@foo", "busctl --user -M u@.host list",
      "hostnamectl -M u@.host", "loginctl --machine u@foo", "systemd-stdio-bridge -M u@foo",
      "systemctl -M \"$m\" status"})
  void machineWithAUserRunsSystemdRun(String text) {
    for (ShellJudgement j : List.of(DEFAULT.judge(text), DEFAULT.judgeTyped(text))) {
      assertThat(j.commands()).as("%s: %s", text, j.commands()).contains("systemd-run");
      assertThat(j.verdict().label()).as(text).isNotEqualTo("allow");
    }
    assertThat(ALLOW_LIST.judge(text).verdict().label()).as(text).isNotEqualTo("allow");
    assertThat(SYSTEMD_ALLOW_LIST.judge(text).verdict().reason()).as(text).startsWith("systemd-run is not in allowCommands");
  }

  @ParameterizedTest(name = "a bus address that starts a program, or an option only known when it runs: {0}")
  @ValueSource(strings = {
      "busctl --address=unixexec:path=touch,argv1=W list", "busctl --addr unixexec:path=sh list",
      "busctl --address=\"$a\" list", "systemd-stdio-bridge -punixexec:path=touch,argv1=W",
      "systemd-stdio-bridge --bus-path=autolaunch:", "systemctl status \"$u\"", "systemctl status $u",
      "systemctl $opts status nginx", "systemctl status *", "systemctl status --$o=h", "systemctl status -q$o", "systemctl status -- x; u=-Hh; systemctl status $u",
      "hostnamectl \"$o\"", "systemd-run \"$o\" true"})
  void unknownTransportIsRefused(String text) {
    for (ShellJudge judge : List.of(DEFAULT, ALLOW_LIST, SYSTEMD_ALLOW_LIST)) {
      for (ShellJudgement j : List.of(judge.judge(text), judge.judgeTyped(text))) {
        assertThat(j.verdict().label()).as("%s: %s", text, j.verdict()).isNotEqualTo("allow");
      }
    }
  }

  @ParameterizedTest(name = "no remote transport, no ssh: {0}")
  @ValueSource(strings = {
      "systemctl -nH h status", "systemctl -n5H h status", "systemctl status -- -H h", "systemctl kill -sHUP nginx",
      "systemctl -M foo status", "systemctl --machine=.host status", "journalctl -M foo -n 5", "journalctl -H",
      "systemd-run --user grep -H x f", "systemd-run -p Nice=5 grep -H x f", "busctl --address=unix:path=/run/dbus/system_bus_socket list",
      "systemd-cgls -M foo", "networkctl status"})
  void noTransportNoSsh(String text) {
    for (ShellJudgement j : List.of(DEFAULT.judge(text), DEFAULT.judgeTyped(text))) {
      assertThat(j.commands()).as("%s: %s", text, j.commands()).doesNotContain("ssh", "systemd-stdio-bridge");
    }
  }

  @ParameterizedTest(name = "everyday, still allowed: {0}")
  @ValueSource(strings = {
      "systemctl status nginx", "systemctl status --no-pager -l nginx", "systemctl --no-pager status nginx",
      "systemctl status nginx.service -n 100", "systemctl status -n50 nginx", "systemctl status 'nginx@*'",
      "systemctl status nginx@$i", "systemctl -l status", "systemctl status --lines=20 --full nginx",
      "systemctl status -o cat nginx", "systemctl status -p MainPID nginx", "journalctl -u nginx -n 50",
      "journalctl -u nginx -f", "journalctl -b -p err", "journalctl -M foo -u nginx"})
  void everydayAllowListLinesStayAllowed(String text) {
    for (ShellJudge judge : List.of(DEFAULT, ALLOW_LIST)) {
      for (ShellJudgement j : List.of(judge.judge(text), judge.judgeTyped(text))) {
        assertThat(j.verdict().label()).as("%s: %s %s", text, j.verdict(), j.commands()).isEqualTo("allow");
      }
    }
  }

  @ParameterizedTest(name = "everyday, still allowed (deny-list, systemd list): {0}")
  @ValueSource(strings = {
      "hostnamectl", "hostnamectl status", "timedatectl status", "timedatectl", "localectl status", "loginctl list-sessions",
      "loginctl show-session 1 -p Name", "loginctl -pName show-session 1", "busctl list", "busctl tree org.freedesktop.login1",
      "systemd-analyze blame", "systemd-analyze time", "systemctl list-units --type=service --state=running",
      "systemctl show -p MainPID nginx", "systemctl is-active nginx", "systemctl list-timers --all",
      "systemctl --failed", "systemctl -M foo status", "machinectl list", "systemd-cgls"})
  void everydaySystemdLinesStayAllowed(String text) {
    for (ShellJudge judge : List.of(DEFAULT, SYSTEMD_ALLOW_LIST)) {
      for (ShellJudgement j : List.of(judge.judge(text), judge.judgeTyped(text))) {
        assertThat(j.verdict().label()).as("%s: %s %s", text, j.verdict(), j.commands()).isEqualTo("allow");
      }
    }
  }

  /**
   * The witness: the docs' allow-list allowing the line without ssh among its commands, bash runs
   * it with a stand-in {@code ssh} first on PATH, which must not have run (systemctl on this host:
   * systemd 252). Skipped where systemctl is not installed.
   */
  @ParameterizedTest(name = "witness, docs' allow-list: {0}")
  @ValueSource(strings = {"systemctl status -H gh-17bd.invalid", "systemctl --host=gh-17bd.invalid status",
      "systemctl status --host gh-17bd.invalid", "systemctl -qH gh-17bd.invalid status",
      "systemctl --ho=gh-17bd.invalid status", "systemctl status --host=u@gh-17bd.invalid:2222"})
  void witnessNoUnjudgedSsh(String text, @TempDir Path tmp) throws Exception {
    for (ShellJudge judge : List.of(ALLOW_LIST, ALLOW_LIST_NO_RULES)) {
      for (ShellJudgement j : List.of(judge.judge(text), judge.judgeTyped(text))) {
        if (!(j.verdict() instanceof dev.gatehouse.policy.Verdict.Allow) || j.commands().contains("ssh")
            || !Files.isExecutable(Path.of("/usr/bin/systemctl"))) {
          continue;
        }
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path ran = tmp.resolve("ssh-ran");
        Path ssh = bin.resolve("ssh");
        Files.writeString(ssh, "#!/bin/sh\nprintf '%s\\n' \"ssh $*\" >> " + ran + "\nexit 1\n");
        Files.setPosixFilePermissions(ssh, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = new ProcessBuilder("bash", "--norc", "--noprofile", "-c", text).directory(tmp.toFile())
            .redirectErrorStream(true).redirectOutput(tmp.resolve("out.txt").toFile());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("SYSTEMD_PAGER", "cat");
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
        String seen = Files.exists(ran) ? Files.readString(ran, StandardCharsets.UTF_8) : null;
        assertThat(seen).as("allowed %s (%s %s): systemctl ran %s", text, j.verdict().label(), j.commands(), seen).isNull();
      }
    }
  }
}
