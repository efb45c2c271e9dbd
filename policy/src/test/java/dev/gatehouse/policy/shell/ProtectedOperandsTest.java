package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.policy.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A program the judge has no reading of, given a protected file ({@link ProtectedOperands}): each
 * attack pass had found more programs that write a file they are given (70 and 68 in the last two),
 * so a program not known to only read is now unclassified when given a disk, {@code
 * /proc/sysrq-trigger}, a log, a history, account or cron file. Judge: {@link ShellJudgeTest#DEFAULT}.
 *
 * <p>Before this rule, {@code objcopy}, {@code strace -o}, {@code sqlite3}, {@code ssh-keygen -f},
 * {@code zip}, {@code split}, {@code tcpdump -w}, {@code 7z}, {@code gcc -o}, an editor on a log,
 * {@code e2fsck -y}/{@code tune2fs}/{@code debugfs -w} on a disk, {@code less -o}, {@code tree -o},
 * {@code blkid -c}, {@code mount --bind … /etc/passwd}, any program's {@code --out=FILE}, and awk's
 * and sed's own writes ({@code print > "/var/log/auth.log"}, {@code w FILE}) were allowed; six of
 * them are run again under bash in a throwaway sandbox ({@link #provenUnderBash}).
 */
class ProtectedOperandsTest {

  private static final ShellJudge JUDGE = ShellJudgeTest.DEFAULT;

  @ParameterizedTest(name = "{0} -> {1} {2}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      zip /var/log/auth.log x => review => unclassified
      split -b1 x /var/log/auth => review => unclassified
      gawk -i inplace '{}' /var/log/auth.log => review => unclassified
      ssh-keygen -f /etc/passwd -N '' -t ed25519 => review => unclassified
      ssh-keygen -R host -f ~/.ssh/known_hosts => review => unclassified
      objcopy x /var/log/auth.log => review => unclassified
      vim /var/log/auth.log => review => unclassified
      nano ~/.bash_history => review => unclassified
      sqlite3 /etc/passwd => review => unclassified
      strace -o /var/log/auth.log true => review => unclassified
      /usr/bin/time -o /var/log/auth.log true => review => unclassified
      gcc -o /etc/passwd x.c => review => unclassified
      tcpdump -w /var/log/auth.log => review => unclassified
      7z a /var/log/auth.log x => review => unclassified
      e2fsck -y /dev/sda1 => review => unclassified
      tune2fs -O ^has_journal /dev/sda1 => review => unclassified
      resize2fs /dev/sda1 => review => unclassified
      debugfs -w /dev/sda1 => review => unclassified
      zerofree /dev/sda1 => review => unclassified
      blockdev --setrw /dev/sda => review => unclassified
      python3 x.py /proc/sysrq-trigger => review => unclassified
      cd /var/log && zip auth.log x => review => unclassified
      watch -n1 'zip /var/log/auth.log x' => review => unclassified
      bash -c 'zip /var/log/auth.log x' => review => unclassified
      env zip /var/log/auth.log x => review => unclassified
      xargs -a list zip /var/log/auth.log => review => unclassified
      find . -exec zip /var/log/auth.log {} + => review => unclassified
      less -o/var/log/auth.log x => review => unclassified
      less --log-file=/var/log/auth.log x => review => unclassified
      tree -o /var/log/auth.log / => review => unclassified
      blkid -c /etc/passwd /dev/sda1 => review => unclassified
      gzip /etc/passwd => review => unclassified
      mount --bind /tmp/p /etc/passwd => review => service-change
      touch -d 2001-01-01 /var/log/auth.log => review => unclassified
      patch -r /var/log/auth.log x d => review => unclassified
      tar xf /dev/sda => review => unclassified
      tar -czf x.tgz -g /var/log/auth.log /etc => review => unclassified
      tar -czf x.tgz --remove-files ~/.bash_history => block => history-tamper
      tar -czf /tmp/logs.tgz --remove-files /var/log/auth.log => block => audit-tamper
      mytool --out=/var/log/auth.log => review => unclassified
      mytool -o/var/log/auth.log => review => unclassified
      mytool of=/dev/sda => review => unclassified
      mytool /dev/sd$x => review => unclassified
      mytool /var/log/*.log => review => unclassified
      mytool /etc/pass{wd,} => review => unclassified
      mytool /etc/cron.d/job => review => unclassified
      mknod x b 8 0 => review => unclassified
      echo 1 > /proc/sys/net/ipv4/ip_forward => review => firewall-change
      echo 1 | tee /proc/sys/net/ipv4/ip_forward => review => firewall-change
      cd /proc/sys/net/ipv4 && echo 1 > ip_forward => review => firewall-change
      echo 1 > /proc/sys/net/ipv4/conf/all/forwarding => review => firewall-change
      mytool /proc/sys/net/ipv4/ip_forward => review => unclassified
      mknod x c 1 3 => review => unclassified
      awk '{print > "/etc/passwd"}' x => review => user-change
      awk 'BEGIN{printf "" > "/var/log/auth.log"}' => block => audit-tamper
      awk '{print >> "/var/log/auth.log"}' x => block => audit-tamper
      sed 'w /etc/passwd' x => review => user-change
      sed -n 'w /var/log/auth.log' x => block => audit-tamper
      cp /tmp/x /var/log/auth.log => block => audit-tamper
      cp -s /var/log/auth.log /tmp/a => block => audit-tamper
      cp /dev/null ~/.bash_history => block => history-tamper
      cp /tmp/disk.img /dev/sda => block => raw-device-write
      ln -s /var/log/auth.log /tmp/a => block => audit-tamper
      chmod 644 /etc/shadow => review => user-change
      chmod 666 /etc/passwd => review => user-change
      chmod o+w /etc/sudoers => review => user-change
      chmod 4700 /etc/passwd => review => user-change
      chmod u+s ~/.ssh/x => review => user-change
      chmod = /etc/shadow => review => user-change
      chmod a+r /etc/shadow => review => user-change
      chmod --reference=x /etc/shadow => review => user-change
      chmod $m /etc/shadow => review => user-change
      chmod 666 ~/.bashrc => review => interpreter-inline
      chmod 666 /var/log/auth.log => review => unclassified
      chmod -w ~/.bash_history => block => history-tamper
      chmod 600 /etc/passwd => review => user-change
      chmod 000 /etc/shadow => review => user-change
      """)
  void mayWriteWhatItIsGiven(String text, String label, String rule) {
    Verdict v = JUDGE.judge(text).verdict();
    assertThat(v.label() + " " + v.rule()).as(text).isEqualTo(label + " " + rule);
  }

  /** The rule names the program and the file, so the reviewer sees why. */
  @Test
  void theReasonNamesTheProgramAndTheFile() {
    Verdict v = JUDGE.judge("objcopy x /var/log/auth.log").verdict();
    assertThat(v.reason()).contains("objcopy is given /var/log/auth.log").contains("audit-tamper");
  }

  /** A policy that does not judge a path class does not refuse a program given its files. */
  @Test
  void onlyTheClassesThePolicyJudgesCount() {
    ShellJudge logsOnly = ShellJudgeTest.judge(Map.of("type", "shell", "block", List.of("audit-tamper"),
        "unclassified", "review"));
    assertThat(logsOnly.judge("objcopy x /etc/passwd").verdict()).isInstanceOf(Verdict.Allow.class);
    assertThat(logsOnly.judge("objcopy x /var/log/auth.log").verdict().label()).isEqualTo("review");
    ShellJudge blocking = ShellJudgeTest.judge(Map.of("type", "shell", "block", List.of("audit-tamper"),
        "unclassified", "block"));
    assertThat(blocking.judge("objcopy x /var/log/auth.log").verdict().label()).isEqualTo("block");
  }

  /** A site's own reader (a log viewer) is listed in the policy's {@code readers}; its writes are still judged. */
  @Test
  void theSitesReadersAreListedInThePolicy() {
    Map<String, Object> base = Map.of("type", "shell", "block", List.of("audit-tamper"), "unclassified", "review");
    ShellJudge without = ShellJudgeTest.judge(base);
    assertThat(without.judge("lnav /var/log/syslog").verdict().label()).isEqualTo("review");
    Map<String, Object> listed = new java.util.HashMap<>(base);
    listed.put("readers", List.of("lnav", "goaccess"));
    ShellJudge with = ShellJudgeTest.judge(listed);
    assertThat(with.judge("lnav /var/log/syslog").verdict()).isInstanceOf(Verdict.Allow.class);
    assertThat(with.judge("goaccess /var/log/nginx/access.log -o /tmp/report.html").verdict()).isInstanceOf(Verdict.Allow.class);
    assertThat(with.judge("lnav /var/log/syslog > /var/log/auth.log").verdict().label()).isEqualTo("block");
    assertThat(with.judge("zip /var/log/auth.log x").verdict().label()).isEqualTo("review");
    listed.put("readers", List.of("/usr/bin/lnav"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ShellJudgeTest.judge(listed))
        .hasMessageContaining("readers[0]: '/usr/bin/lnav' must be a command name without a path");
  }

  /** Where the class itself names the command, its verdict stands (not the unclassified one). */
  @Test
  void theClassVerdictStands() {
    ShellJudge strict = ShellJudgeTest.judge(Map.of("type", "shell", "review", List.of("user-change"),
        "unclassified", "block"));
    assertThat(strict.judge("vim /etc/passwd").verdict().label() + " " + strict.judge("vim /etc/passwd").verdict().rule())
        .isEqualTo("review user-change");
    assertThat(strict.judge("sort -o /etc/passwd x").verdict().rule()).isEqualTo("user-change");
  }

  @ParameterizedTest(name = "allowed: {0}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      cp /var/log/nginx/access.log /tmp/access.log
      cp ~/.bash_history /tmp/h
      cp /etc/passwd /tmp/passwd.bak
      cp -a /var/log/nginx /tmp/nginx-logs
      tar -czf /backup/etc.tgz /etc/passwd /etc/group /etc/crontab
      tar -tf /dev/sda
      patch -R -p0 -o /tmp/out /var/log/x < d
      ssh-keygen -lf ~/.ssh/id_ed25519.pub
      s=hello; echo ${s:1:2}
      pushd /var/log
      echo /etc/passwd
      test -b /dev/sda
      gzip /var/log/nginx/access.log.1
      chmod go= ~/.ssh
      chmod u+rw ~/.ssh/id_rsa
      chmod 600 ~/.bashrc
      mknod /tmp/f p
      cat /proc/sys/net/ipv4/ip_forward
      grep . /proc/sys/net/ipv4/*
      sysctl net.ipv4.ip_forward
      """)
  void readingStaysAllowed(String text) {
    assertThat(JUDGE.judge(text).verdict()).as(text).isInstanceOf(Verdict.Allow.class);
  }

  /**
   * Everyday admin lines that read a protected file ({@code tail -f /var/log/syslog}, {@code lsblk
   * /dev/sda}, {@code awk -F: … /etc/passwd}, {@code grep docker ~/.bash_history}, …): every one allowed.
   */
  @Test
  void everydayReadsOfProtectedFilesAreAllowed() throws IOException {
    List<String> refused = new ArrayList<>();
    int n = 0;
    try (InputStream in = getClass().getResourceAsStream("/shell/everyday-protected-files.txt")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        n++;
        Verdict v = JUDGE.judge(line).verdict();
        if (!(v instanceof Verdict.Allow)) {
          refused.add(line + " -> " + v.label() + " (" + v.reason() + ")");
        }
      }
    }
    System.out.printf("ProtectedOperandsTest: %d of %d everyday reads of protected files allowed%n", n - refused.size(), n);
    assertThat(n).isGreaterThanOrEqualTo(100);
    assertThat(refused).isEmpty();
  }

  /** Findings run under bash 5.2 in a throwaway sandbox: each changed the sandbox's stand-in files. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      objcopy -I binary -O binary /etc/passwd /var/log/auth.log
      strace -o /var/log/auth.log true
      sqlite3 /dev/sda 'create table t(x)'
      yes | ssh-keygen -q -N '' -t ed25519 -f /var/log/auth.log
      awk 'BEGIN{printf "" > "/var/log/auth.log"}'
      sed -n 'w /var/log/auth.log' /dev/null
      """)
  void provenUnderBash(String text, @TempDir Path dir) throws Exception {
    assertThat(JUDGE.judge(text).verdict()).as(text).isNotInstanceOf(Verdict.Allow.class);
    ProtectedFilesSandbox.assertChangedBy(text, dir);
  }
}
