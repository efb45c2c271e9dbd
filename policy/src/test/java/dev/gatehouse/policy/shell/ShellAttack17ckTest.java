package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.policy.Verdict;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attack pass 17ck on 0dcc300a, on the rule that a program the judge has no reading of, given a
 * protected file, is unclassified ({@link ProtectedOperands}). Judge: {@link ShellJudgeTest#DEFAULT}.
 * Every finding was allowed at 0dcc300a (and before it). Those marked proven were run under bash 5.2
 * (Debian 12) in a throwaway bubblewrap sandbox whose {@code /etc}, {@code /var/log}, {@code
 * /dev/sda} and {@code $HOME} are files of the test's temporary directory ({@link #provenUnderBash}
 * runs them again).
 *
 * <p><b>R1, readers that write</b>: {@code zstdcat} is {@code zstd -dcf}, and a later {@code -o FILE}
 * still writes FILE (proven); {@code utmpdump -r -o FILE} undumps login records into FILE (proven);
 * {@code ssh-keygen -B -H}/{@code -y -H} hash known_hosts in place (-H is done before anything else;
 * proven); {@code blkid -dc FILE} (the cache option in a bundle) writes its cache back to FILE
 * (proven); {@code lastlog -S}/{@code -C} rewrite /var/log/lastlog, a file no word names (proven);
 * {@code journalctl --cursor-file FILE} writes the last cursor to FILE; {@code tree -ao FILE};
 * {@code ausearch --checkpoint FILE}; {@code udevadm lock … CMD} runs CMD; {@code e2fsck -n -z FILE}
 * writes an undo file; {@code ssh-copy-id -o UserKnownHostsFile=FILE} hands -o to ssh. Fix: those
 * options in {@code ProtectedOperands.writesAnyway}, utmpdump in {@code ShellClass.outputFiles},
 * -H in {@code sshKeygenReads}'s writing letters, ssh-copy-id read as an ssh client, lastlog's own
 * file named.
 *
 * <p><b>R2, option values the readings did not see</b>: {@code uniq --ch 1 IN OUT} (getopt_long's
 * abbreviation of --check-chars took OUT for IN; proven), {@code xxd -R never IN OUT}. Fix: the
 * abbreviations read by {@code Wrappers.longOption}, xxd's -R takes a value.
 *
 * <p><b>R3, a file named relative to a directory the program changes to</b>: {@code patch -d
 * /var/log auth.log P} and {@code git -C /var/log diff --no-index --output=auth.log A B} (proven).
 * Fix: {@code ProtectedOperands.directory} joins relative words to -C/-d's directory.
 *
 * <p><b>R4, {@code TAPE}</b>: {@code TAPE=/var/log/auth.log tar -c /tmp} writes the archive to the
 * log (proven). Fix: a TAPE assignment naming a file of a path class is in that class.
 *
 * <p><b>R5, {@code cd ~/.ssh}</b>: with no {@code HOME} set by the text, {@code ~/…} joined no
 * directory, so {@code cd ~/.ssh; echo KEY >> authorized_keys} was allowed, and so was {@code cd
 * "$HOME/.ssh"; …} (proven; before 0dcc300a too). Fix: {@code RelativePaths.homes} reads the session
 * user's home as {@code /home/user}, and a directory only known when it runs but for its end
 * ({@code $HOME/.ssh}) is also read as that end under it.
 *
 * <p><b>R6, a file inside a word</b>: sqlite3's dot-commands {@code '.output FILE'}, {@code '.once
 * FILE'} (also as {@code -cmd}), a {@code file:} URI ({@code sqlite3 file:/var/log/new.log …}
 * creates it) and a quoted name in SQL ({@code VACUUM INTO '/etc/cron.d/x'}, {@code ATTACH}): all
 * proven. Fix: {@code ShellClass.givenFile} also reads those forms of a word.
 *
 * <p><b>False refusals</b> of the new rule fixed: {@code docker exec}/{@code kubectl exec}/{@code
 * lxc exec} (the container's files, as ssh's remote command names the other host's), {@code fsck -N}, {@code sshd -t/-T}, {@code
 * ssh-keygen -e}, {@code partx --show}, {@code partprobe -s}, {@code dpkg -S}, {@code rpm -qf}.
 */
class ShellAttack17ckTest {

  private static final ShellJudge JUDGE = ShellJudgeTest.DEFAULT;

  @ParameterizedTest(name = "{0} -> {1} {2}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      zstdcat -o /var/log/auth.log /tmp/x.zst => review => unclassified
      zstdcat /tmp/x.zst -fo /etc/passwd => review => unclassified
      zstdless -o /var/log/auth.log /tmp/x.zst => review => unclassified
      utmpdump -r -o /var/log/auth.log /tmp/w => block => audit-tamper
      utmpdump -ro /var/log/wtmp /tmp/w => block => audit-tamper
      TAPE=/var/log/auth.log tar -c /tmp => block => audit-tamper
      export TAPE=/dev/sda; tar -c /tmp => block => raw-device-write
      ssh-keygen -B -H -f ~/.ssh/known_hosts => review => unclassified
      ssh-keygen -y -H -f ~/.ssh/known_hosts => review => unclassified
      ssh-keygen -lHf ~/.ssh/known_hosts => review => unclassified
      blkid -dc /var/log/auth.log /tmp/img => review => unclassified
      blkid -gc /etc/shadow => review => unclassified
      lastlog -S -u root => review => unclassified
      lastlog --clear --user root => review => unclassified
      uniq --ch 1 /tmp/in /var/log/auth.log => block => audit-tamper
      uniq --skip-f 1 /tmp/in /etc/passwd => review => user-change
      xxd -R never /tmp/a /var/log/auth.log => block => audit-tamper
      patch -d /var/log auth.log /tmp/p.diff => review => unclassified
      patch --directory=/etc passwd /tmp/p.diff => review => unclassified
      patch -d/etc passwd /tmp/p.diff => review => unclassified
      git -C /var/log diff --no-index --output=auth.log /dev/null /tmp/x => review => unclassified
      git -C /var -C log diff --no-index --output=auth.log /dev/null /tmp/x => review => unclassified
      cd ~/.ssh; echo k >> authorized_keys => review => user-change
      cd ~/.ssh && cp /tmp/k authorized_keys => review => user-change
      pushd ~/.ssh && tee authorized_keys => review => user-change
      cd $HOME/.ssh && tee authorized_keys => review => user-change
      cd "$HOME/.ssh"; echo k >> authorized_keys => review => user-change
      cd ~/.ssh && ssh-keygen -B -H -f known_hosts => review => unclassified
      journalctl -n1 --cursor-file=/var/log/auth.log => review => unclassified
      journalctl -n1 --cursor-file /etc/shadow => review => unclassified
      tree -ao /var/log/auth.log /tmp => review => unclassified
      ausearch --checkpoint /var/log/auth.log -m LOGIN => review => unclassified
      udevadm lock --device=/dev/sda tee /var/log/auth.log => review => unclassified
      e2fsck -n -z /var/log/auth.log /tmp/img => review => unclassified
      ssh-copy-id -o UserKnownHostsFile=/var/log/auth.log localhost => review => unclassified
      ssh-copy-id -o ~UserKnownHostsFile /etc/passwd~ localhost => review => interpreter-inline
      dpkg -S /etc/passwd --log=/var/log/auth.log => review => unclassified
      rpm -qf /etc/passwd --dbpath /tmp => review => unclassified
      sshd -t -E /var/log/auth.log => review => unclassified
      sqlite3 /tmp/db '.output /var/log/auth.log' 'select 1;' => review => unclassified
      sqlite3 -cmd '.once /etc/passwd' /tmp/db 'select 1' => review => unclassified
      sqlite3 file:/var/log/new.log 'create table t(x)' => review => unclassified
      sqlite3 'file:/var/log/auth.log?mode=rwc' 'create table t(x)' => review => unclassified
      sqlite3 /tmp/db "VACUUM INTO '/etc/cron.d/x'" => review => unclassified
      sqlite3 :memory: "ATTACH '/var/log/auth.log' AS a; create table a.t(x)" => review => unclassified
      """)
  void judged(String text, String label, String rule) {
    Verdict v = JUDGE.judge(text).verdict();
    assertThat(v.label() + " " + v.rule()).as(text).isEqualTo(label + " " + rule);
  }

  /** Everyday lines: the new rule refused the first ones; the rest must stay allowed with the fixes. */
  @ParameterizedTest(name = "allowed: {0}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      fsck -N /dev/sda1
      sshd -t -f /etc/ssh/sshd_config
      sshd -T
      ssh-keygen -e -f ~/.ssh/id_ed25519.pub
      partx --show /dev/sda
      partprobe -s /dev/sda
      dpkg -S /etc/passwd
      dpkg-query -S /etc/shadow
      rpm -qf /etc/passwd
      zstdcat /var/log/syslog.2.zst | grep sshd
      utmpdump /var/log/wtmp | tail
      lastlog -u root
      lastlog -t 7
      blkid -o value -s UUID /dev/sda1
      blkid -p /dev/sda1
      ssh-keygen -F github.com -f ~/.ssh/known_hosts
      ssh-keygen -lvf /etc/ssh/ssh_host_ed25519_key.pub
      ssh-copy-id -i ~/.ssh/id_ed25519.pub -o StrictHostKeyChecking=no admin@host
      git -C /etc log --oneline -5
      git -C /etc diff HEAD~1 -- passwd
      git -C /etc grep -C 3 root
      patch -d /srv/app -p1 --dry-run -i /tmp/fix.diff
      uniq -c /var/log/auth.log
      journalctl -u ssh --since today --no-pager
      e2fsck -fn /dev/sda1
      tree -L 2 /etc/ssh
      cd ~/.ssh && ls -la && cat authorized_keys
      cd ~/project && tee out.txt
      cd && ls -la
      cd $HOME/.ssh && ls -la
      cd "$d"/log && tee out.txt
      docker exec web tail -n 50 /var/log/nginx/error.log
      kubectl exec pod -- cat /etc/passwd
      docker compose exec web cat /etc/passwd
      lxc exec c1 -- cat /var/log/syslog
      sqlite3 /var/lib/app.db 'select * from t'
      sqlite3 -readonly /tmp/db '.tables'
      mail -s "errors in /var/log/syslog" root
      """)
  void everydayStaysAllowed(String text) {
    assertThat(JUDGE.judge(text).verdict()).as(text).isInstanceOf(Verdict.Allow.class);
  }

  /** Findings run under bash 5.2 in a throwaway sandbox: each changed the sandbox's stand-in files. */
  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      echo hi | zstd -q > /tmp/x.zst => zstdcat -o /var/log/auth.log /tmp/x.zst
      echo hi | zstd -q > /tmp/x.zst => zstdcat /tmp/x.zst -fo /etc/passwd
      : => utmpdump -r -o /var/log/auth.log /dev/null
      : => TAPE=/var/log/auth.log tar -c /tmp
      : => ssh-keygen -B -H -f ~/.ssh/known_hosts
      : => ssh-keygen -y -H -f ~/.ssh/known_hosts
      truncate -s 1M /tmp/img; mkfs.ext4 -q -F /tmp/img => blkid -dc /var/log/auth.log /tmp/img
      : => lastlog -S -u root
      echo hi > /tmp/in => uniq --ch 1 /tmp/in /var/log/auth.log
      echo hi > /tmp/in => uniq --skip-f 1 /tmp/in /etc/passwd
      printf -- '--- auth.log\\n+++ auth.log\\n@@ -1 +1 @@\\n-sshd: accepted\\n+x\\n' > /tmp/p.diff => patch -d /var/log auth.log /tmp/p.diff
      echo x > /tmp/x => git -C /var/log diff --no-index --output=auth.log /dev/null /tmp/x
      : => cd ~/.ssh; echo k >> authorized_keys
      : => cd "$HOME/.ssh"; echo k >> authorized_keys
      : => cd ~/.ssh && ssh-keygen -B -H -f known_hosts
      : => sqlite3 /tmp/db '.once /var/log/auth.log' 'select 1;'
      : => sqlite3 -cmd '.output /etc/passwd' /tmp/db 'select 1'
      : => sqlite3 file:/var/log/new.log 'create table t(x)'
      mkdir -p /etc/cron.d => sqlite3 /tmp/db "VACUUM INTO '/etc/cron.d/x'"
      """)
  void provenUnderBash(String prepare, String text, @TempDir Path dir) throws Exception {
    assertThat(JUDGE.judge(text).verdict()).as(text).isNotInstanceOf(Verdict.Allow.class);
    for (String tool : List.of("bash", "zstd", "utmpdump", "lastlog", "mkfs.ext4", "git", "patch", "ssh-keygen", "sqlite3")) {
      if (Stream.of("/usr/bin/", "/usr/sbin/").noneMatch(d -> Files.isExecutable(Path.of(d + tool)))) {
        return; // not on this machine
      }
    }
    Files.createDirectories(dir.resolve("etc/alternatives"));
    Files.writeString(dir.resolve("etc/passwd"), ShellAttack17cfTest.PASSWD);
    Files.createFile(dir.resolve("disk"));
    Files.createDirectories(dir.resolve("log"));
    Files.writeString(dir.resolve("log/auth.log"), "sshd: accepted\n");
    Files.write(dir.resolve("log/lastlog"), new byte[4096]);
    Files.createDirectories(dir.resolve("home/.ssh"));
    Files.writeString(dir.resolve("home/.ssh/known_hosts"),
        "localhost ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n");
    String before = state(dir);
    List<String> cmd = new ArrayList<>(BashDifferentialTest.sandbox());
    cmd.addAll(List.of("--setenv", "HOME", "/home/user", "--setenv", "PATH", "/usr/bin:/usr/sbin",
        "--ro-bind", "/usr/bin", "/usr/bin", "--ro-bind", "/usr/sbin", "/usr/sbin", "--ro-bind", "/usr/share", "/usr/share",
        "--bind", dir.resolve("etc").toString(), "/etc", "--bind", dir.resolve("disk").toString(), "/dev/sda",
        "--bind", dir.resolve("log").toString(), "/var/log", "--bind", dir.resolve("home").toString(), "/home/user",
        "--chdir", "/tmp", "/usr/bin/bash", "-c", prepare + "\n" + text));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(state(dir)).as("%s changed the sandbox's files (%s)", text, out.strip()).isNotEqualTo(before);
  }

  private static String state(Path dir) throws Exception {
    StringBuilder s = new StringBuilder();
    for (String d : List.of("etc", "log", "home/.ssh")) {
      try (Stream<Path> files = Files.walk(dir.resolve(d))) {
        for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
          s.append(dir.relativize(f)).append('=').append(java.util.Arrays.hashCode(Files.readAllBytes(f))).append('|');
        }
      }
    }
    return s.append(Files.size(dir.resolve("disk"))).toString();
  }
}
