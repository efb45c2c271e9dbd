package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attack pass 17cf on 8b867e3c..26e0e05e ({@code RelativePaths.directories} folding cd/pushd/popd/env
 * -C/nsenter/find -execdir, {@code ~user/..}, CDPATH/OLDPWD/DIRSTACK/HOME, {@code joined} reading an
 * unknown part anywhere, {@code $x} set once read by its value, install/cp into a directory). Judges:
 * {@link ShellJudgeTest#DEFAULT} and, for A1/A2, {@link ShellAttack17buTest#DOCS_LIVE}. Each text is
 * judged as an exec request and as typed lines. Every failing case was run under bash and dash (as
 * in {@link ShellAttack17ccTest}: a bubblewrap sandbox whose {@code /etc}, {@code /var/log}, {@code
 * /dev/sda}, fake {@code /proc/sysrq-trigger} are files of the test's temporary directory; its
 * {@code /etc/passwd} holds Debian 12's first lines, so {@code ~sys} is {@code /dev}, {@code ~sync}
 * {@code /bin}) and changed them as the plain spelling would.
 *
 * <p><b>F1, {@code ~user} whose home is a system directory, and {@code ~user/..} in an operand</b>
 * (exec and typed, allowed): {@code cd ~sys && dd of=sda}, {@code cd ~sys/}, {@code pushd ~sys}
 * (raw-device-write), {@code cd ~sys && echo b > ../proc/sysrq-trigger} (power), {@code dd
 * of=~sys/sda} (bash), {@code shred ~sys/sda}, {@code cd ~sync && cd ../var/log && truncate -s0
 * auth.log}, and even {@code truncate -s0 ~root/../var/log/auth.log}, {@code >> ~root/../etc/passwd}
 * as plain operands, and {@code rm -rf ~root/../etc}, {@code rm -rf ~daemon/../../etc}, {@code rm -rf
 * ~sys/../etc} (recursive-delete-root, allowed: {@code rootish} does not read {@code ~user/..}). On every Debian system {@code sys}'s home is {@code /dev}, {@code bin}/{@code
 * sync}'s {@code /bin}, {@code daemon}'s {@code /usr/sbin}, {@code man}'s {@code /var/cache/man},
 * {@code nobody}'s {@code /nonexistent}. {@code directories} reads {@code ~user} only with a rest and
 * then as {@code /home/user} or {@code /user} ({@code cd ~sys} alone: no directory and no "only known
 * when it runs"), and the path classes do not read {@code ~user/..} in operands at all (only after
 * {@code cd}). Fix: a {@code ~user} other than the session's own is a directory only known when it
 * runs (unclassified after it; or read from the host's passwd), in {@code cd} and in every path-class
 * word; {@code ~root/..}, {@code ~user/..} in a word read as each system directory's parent.
 *
 * <p><b>F2, a recursive copy of a directory's contents onto a system directory</b> (allowed, where
 * {@code cp -r var /} is audit-tamper): {@code cp --parents var/log/auth.log /}, {@code cp -rt / var},
 * {@code cp -r x/. /}, {@code cp -rT x /}, {@code cd x; cp -r . /}, {@code cp -rT x /var}. Only a
 * last operand that is the target directory with sources after {@code -t} unread, {@code -T}/{@code
 * /.} sources and {@code --parents} are not read. Fix: {@code -t DIR} with {@code -r} as {@code cp -r
 * SRC DIR}; {@code --parents} writes DIR joined with the whole relative source; {@code -T} and a
 * source ending in {@code /.} or {@code .} write any name below the target.
 *
 * <p><b>F3, {@code unshare} changes directory</b> (allowed): {@code unshare --wd=/var/log truncate -s0
 * auth.log}, {@code unshare -w /dev dd of=sda}, {@code -w/dev}, {@code unshare -rR / truncate -s0
 * var/log/auth.log} (root and working directory {@code /}), {@code unshare -r chroot / …} (chroot
 * changes to the new root). unshare without namespace options, or with {@code -r}, runs unprivileged.
 * Fix: read {@code unshare -w/--wd DIR} (separate or glued) as {@code env -C}, {@code -R/--root DIR}
 * and {@code chroot DIR} as a change to {@code /} (of that root).
 *
 * <p><b>F4, a variable the text sets to a plain value, used quoted or with an operator</b> (allowed):
 * {@code x=/var/log; truncate -s0 "$x/auth.log"}, {@code "$x"/auth.log}, {@code ${x:-}/auth.log},
 * {@code x=/dev/sda; dd of="$x"}, {@code x=/var/log; cp auth.log "$x"}. The new reading substitutes
 * only an unquoted bare {@code $x}/{@code ${x}} (the unquoted {@code $x/auth.log} is audit-tamper).
 * Fix: substitute quoted references too (no splitting), and {@code ${x:-…}}, {@code ${x-…}}, {@code
 * ${x%…}} of a set variable by the value (or unclassified).
 *
 * <p><b>F5, a variable set more than once, only one of them a plain value</b> (allowed): {@code
 * x=/etc; y=/var/log; x=$y}, {@code x=/tmp; read x <<< /var/log}, {@code for x in /var/log}, {@code
 * printf -v x /var/log}, {@code x+=/../var/log}, {@code x=/etc; declare x=/var/log}, each then {@code
 * truncate -s0 $x/auth.log}. {@code valuesSubstituted} counts only literal plain assignments, so the
 * stale {@code /tmp} is taken as the only value ({@code /tmp/auth.log}), and a name set twice falls
 * back to the unknown-part reading, which makes {@code $x/auth.log} {@code /auth.log}. Fix: any other
 * write of the name ({@code read}, {@code for}, {@code printf -v}, {@code +=}, declaration builtins,
 * {@code mapfile}, {@code getopts}, a non-literal value): not substituted and, where a path-class
 * word holds it, unclassified; with several plain values, read each.
 *
 * <p><b>F6, find's leading options hide the starting point</b> (only reviewed, block class): {@code
 * find -O3 /var/log -name auth.log -execdir truncate -s0 auth.log \;}, {@code find -D stat …}: the
 * starting-point loop stops at the first word starting with {@code -} (only {@code -H/-L/-P} are
 * skipped). Fix: skip {@code -O<level>} and {@code -D <list>} as find does.
 *
 * <p><b>F7, {@code start-stop-daemon --chdir/-d DIR}</b> (only reviewed as interpreter-inline where the
 * write is block): {@code start-stop-daemon --chdir /var/log --start --exec /usr/bin/truncate -- -s0
 * auth.log}, {@code -d /dev -S -x /usr/bin/dd -- of=sda}; runs unprivileged. Fix: read it as {@code
 * env -C DIR} for its {@code --exec}/{@code --startas} and the words after {@code --}.
 *
 * <p><b>F8, a symbolic link the text makes to a system directory or device, then writes through</b>
 * (allowed): {@code ln -s /dev/sda x; dd of=x}, {@code ln -s /dev d; dd of=d/sda}, {@code ln -s /dev d;
 * cd d; dd of=sda} (raw-device-write), {@code ln -s / r; rm -rf r/etc/} (recursive-delete-root),
 * {@code ln -s /etc e; echo … >> e/passwd} (user-change). A link to {@code /var/log} or a log is
 * already audit-tamper ({@code ln -s /var/log l}), so only that class reads the link's target. Not the
 * documented "symlink on the machine" limit: the text makes the link itself. Fix: read a link the text
 * makes ({@code ln -s}/{@code --symbolic}, {@code cp -s}, also {@code -r} forms) as an alias of its
 * target for later words and {@code cd}s (as {@code cd} reads {@code ..}), or call a link to {@code /},
 * {@code /dev}, {@code /etc}, a block device or any system directory of the path classes by that class.
 *
 * <p><b>A1, the docs' allow-list reads another terminal through {@code ~sys}</b> (exec and typed):
 * {@code cat ~sys/tty1}, {@code tail -n1 ~sys//tty1}, {@code grep . ~sys/./tty1} (also {@code cat
 * ~sys/pts/N}) are allowed; {@code ~sys} is {@code /dev}. Fix: a {@code ~user} other than the
 * session's own in a listed reader's file name is a start only known when it runs: refuse it.
 *
 * <p><b>A2, the docs' allow-list reads another terminal through a known start other than {@code .}</b>:
 * {@code x=/../../../../../../dev/tty1; cat /tmp$x}, {@code x=../../../../../../dev/tty1; cat ~/$x},
 * {@code cat ~root/$x}: allowed; bash and dash printed the sandbox's {@code /dev/tty1}. A1 of 17cc was
 * fixed for {@code ./$x} and {@code .$x} only. Fix: any unknown part after a known start (any
 * directory, {@code ~}, {@code ~user}) in a file name a listed program reads may hold {@code
 * ../../dev/pts/N}: refuse it.
 *
 * <p>At be16fb77: 103 cases, 58 failing (F1 12, F2 6, F3 5, F4 5, F5 6, F6 2, F7 2, F8 5, A1 3, A2 3, A3 9), 45 held.
 *
 * <p><b>A3, the docs' allow-list reads a terminal through {@code /dev/./$x}</b>: {@code x=tty1; cat
 * /dev/./$x}, {@code /dev//$x}, {@code /dev/.//$x}, {@code tail /dev/./"$x"}, {@code cat
 * /tmp/../dev/./$x}, and patterns {@code cat /dev/./tty?}, {@code /dev/./t*}, {@code /dev/./tty$x},
 * {@code /dev/.$x} (also {@code /dev/./pts/*}) are allowed where {@code cat /dev/$x}, {@code
 * /dev/tty$x} are refused; bash and dash printed the
 * sandbox's {@code /dev/tty1}. {@code TerminalDevices.namesTerminal} compares the known start before
 * the unknown part (or the pattern) with {@code TERMINAL_STARTS} letter for letter. Fix: normalize the known start
 * ({@code .}, {@code //}, {@code x/..}, keeping its trailing {@code /}) before comparing.
 *
 * <p>Tried and held (kept below as {@code held}): {@code cd ~sys/../var/log}, {@code cd ~sync/..; rm -rf
 * etc}, {@code cd /v?r; cd l*g}, CDPATH with several entries, by {@code export}, {@code printf -v}, in
 * a function, {@code cd -} twice, {@code pushd} swap and {@code +1}, {@code env -C /var env -C ./log},
 * {@code nsenter --wd=}, a failing {@code cd}, {@code cp --t=}/{@code --ta} abbreviations, {@code
 * install -Dt/var/log}, {@code cp -vt/var/log}, {@code cp -r var /tmp/..}, {@code cp -r log/. /var/log},
 * {@code cp -r x/* /}, {@code mv -T}, {@code IFS=%} splitting, the unquoted {@code $x/auth.log}, a
 * crontab via {@code cd}, {@code find} with several starting points or {@code -L}, {@code env --ch=},
 * {@code -vC}, {@code -S'-C …'}, {@code time -p cd}, {@code ! cd}, {@code /var/run/..} (read
 * physically), {@code cd -P /var/run/..}, the path classes' own {@code /dev/./sd?}, {@code
 * /var/log/./auth.lo?}, {@code /tmp/../e?c}; under the allow-list {@code cat ~sync/../dev/tty1}, {@code
 * cd ~sys; cat $x}, {@code cat .//$x}, {@code ./.$x}, {@code .${x}}, {@code /$x}, {@code /.$x}, {@code
 * ..$x}, {@code "."$x}. Not filed (documented limits): a typed {@code CDPATH=/var} then {@code cd log}
 * on the next line; {@code cd ../..} with no known directory before it; {@code x=/dev; cd $x} / {@code
 * cd "$x"} / {@code cd "$(echo /dev)"} ("a relative path after a cd to a variable"); {@code nsenter
 * --wd /x} (an optional argument: {@code /x} is the program). Not proven: {@code sudo -D}.
 */
class ShellAttack17cfTest {
  /** Debian 12's first /etc/passwd lines: sys's home is /dev, sync's /bin, daemon's /usr/sbin. */
  static final String PASSWD = "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
      + "bin:x:2:2:bin:/bin:/usr/sbin/nologin\nsys:x:3:3:sys:/dev:/usr/sbin/nologin\nsync:x:4:65534:sync:/bin:/bin/sync\n";
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;

  private static int rank(dev.gatehouse.policy.Verdict v) {
    return v.severity();
  }

  /** The exec verdict (the lines joined) and the strictest of the lines typed one by one. */
  private static dev.gatehouse.policy.Verdict[] judged(String text) {
    String[] lines = text.split(" ;; ");
    dev.gatehouse.policy.Verdict exec = DEFAULT.judge(String.join("\n", lines)).verdict();
    dev.gatehouse.policy.Verdict typed = null;
    for (String l : lines) {
      dev.gatehouse.policy.Verdict v = DEFAULT.judgeTyped(l).verdict();
      typed = typed == null ? v : typed.strictest(v);
    }
    return new dev.gatehouse.policy.Verdict[] {exec, typed};
  }

  /**
   * A bubblewrap sandbox whose /etc, /var/log and /dev/sda are files of {@code dir} (and /root an
   * empty directory, root's home in that /etc/passwd); with {@code fakeProc}, /proc is {@code
   * dir/proc} (holding a plain file {@code sysrq-trigger}) instead of a real procfs. Runs {@code
   * shell -c text} from /tmp with no variable but PATH set.
   */
  private static String runSandboxed(Path dir, String shell, String text, boolean fakeProc) throws Exception {
    List<String> cmd = new ArrayList<>(BashDifferentialTest.sandbox());
    if (fakeProc) {
      int at = cmd.indexOf("--proc");
      cmd.set(at, "--bind");
      cmd.add(at + 1, dir.resolve("proc").toString());
    }
    cmd.addAll(List.of("--ro-bind", "/usr/bin", "/usr/bin", "--ro-bind", "/usr/sbin", "/usr/sbin", "--bind", dir.resolve("etc").toString(), "/etc",
        "--bind", dir.resolve("disk").toString(), "/dev/sda", "--bind", dir.resolve("log").toString(), "/var/log",
        "--dir", "/run", "--symlink", "/run", "/var/run", "--dir", "/root", "--chdir", "/tmp", shell, "-c", text));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  private static String state(Path dir) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (String d : List.of("etc", "log", "proc")) {
      try (var s = Files.list(dir.resolve(d))) {
        for (Path f : s.sorted().toList()) {
          sb.append(f.getFileName()).append('=').append(Files.readString(f, StandardCharsets.ISO_8859_1)).append(';')
              .append(Files.getPosixFilePermissions(f));
        }
      }
    }
    sb.append(" disk=").append(Files.size(dir.resolve("disk")));
    return sb.toString();
  }

  /**
   * {@code text} does what {@code plain} names. A finding ({@code C1}…{@code C6}) or {@code held}
   * case judged (exec or typed) weaker than {@code plain} must not change the sandbox's /etc,
   * /var/log, /dev/sda or (fake) /proc/sysrq-trigger under bash or dash; an {@code uncl} case must be
   * at least reviewed (the unclassified fallback, not filed).
   */
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
      F1   | cd ~sys && dd if=/dev/zero of=sda bs=1 count=9                                            | dd if=/dev/zero of=/dev/sda bs=1 count=9
      F1   | cd ~sys/ && dd if=/dev/zero of=sda bs=1 count=9                                           | dd if=/dev/zero of=/dev/sda bs=1 count=9
      F1   | pushd ~sys && dd if=/dev/zero of=sda bs=1 count=9                                         | dd if=/dev/zero of=/dev/sda bs=1 count=9
      F1   | cd ~sys && echo b > ../proc/sysrq-trigger                                                 | echo b > /proc/sysrq-trigger
      F1   | dd if=/dev/zero of=~sys/sda bs=1 count=9                                                  | dd if=/dev/zero of=/dev/sda bs=1 count=9
      F1   | shred -n1 -s9 ~sys/sda                                                                    | shred -n1 -s9 /dev/sda
      F1   | cd ~sync && cd ../var/log && truncate -s0 auth.log                                        | truncate -s0 /var/log/auth.log
      F1   | truncate -s0 ~root/../var/log/auth.log                                                    | truncate -s0 /var/log/auth.log
      F1   | echo 'hacked::0:0::/:/bin/sh' >> ~root/../etc/passwd                                      | echo 'hacked::0:0::/:/bin/sh' >> /etc/passwd
      F1   | rm -rf ~root/../etc                                                                       | rm -rf /etc
      F1   | rm -rf ~daemon/../../etc                                                                  | rm -rf /etc
      F1   | rm -rf ~sys/../etc                                                                        | rm -rf /etc
      F2   | mkdir -p var/log; echo x > var/log/auth.log; cp --parents var/log/auth.log /              | truncate -s0 /var/log/auth.log
      F2   | mkdir -p var/log; echo x > var/log/auth.log; cp -rt / var                                 | truncate -s0 /var/log/auth.log
      F3   | unshare --wd=/var/log truncate -s0 auth.log                                               | truncate -s0 /var/log/auth.log
      F3   | unshare -w /dev dd if=/dev/zero of=sda bs=1 count=9                                       | dd if=/dev/zero of=/dev/sda bs=1 count=9
      F3   | unshare -w/dev dd if=/dev/zero of=sda bs=1 count=9                                        | dd if=/dev/zero of=/dev/sda bs=1 count=9
      F2   | mkdir -p x/var/log; echo x > x/var/log/auth.log; cp -r x/. /                               | truncate -s0 /var/log/auth.log
      F2   | mkdir -p x/var/log; echo x > x/var/log/auth.log; cp -rT x /                                | truncate -s0 /var/log/auth.log
      F2   | mkdir -p x/var/log; echo x > x/var/log/auth.log; cd x; cp -r . /                           | truncate -s0 /var/log/auth.log
      F2   | mkdir -p x/log; echo x > x/log/auth.log; cp -rT x /var                                     | truncate -s0 /var/log/auth.log
      F3   | unshare -r /usr/sbin/chroot / truncate -s0 var/log/auth.log                                   | truncate -s0 /var/log/auth.log
      F3   | unshare -rR / truncate -s0 var/log/auth.log                                               | truncate -s0 /var/log/auth.log
      F6   | find -O3 /var/log -name auth.log -execdir truncate -s0 auth.log \\;                        | truncate -s0 /var/log/auth.log
      F6   | find -D stat /var/log -name auth.log -execdir truncate -s0 auth.log \\;                    | truncate -s0 /var/log/auth.log
      F7   | /usr/sbin/start-stop-daemon --chdir /var/log --start --exec /usr/bin/truncate -- -s0 auth.log | truncate -s0 /var/log/auth.log
      F7   | /usr/sbin/start-stop-daemon -d /dev -S -x /usr/bin/dd -- if=/dev/zero of=sda bs=1 count=9 | dd if=/dev/zero of=/dev/sda bs=1 count=9
      F4   | x=/var/log; truncate -s0 "$x/auth.log"                                                    | truncate -s0 /var/log/auth.log
      F4   | x=/var/log; truncate -s0 "$x"/auth.log                                                    | truncate -s0 /var/log/auth.log
      F4   | x=/dev/sda; dd if=/dev/zero of="$x" bs=1 count=9                                          | dd if=/dev/zero of=/dev/sda bs=1 count=9
      F4   | x=/var/log; echo x > auth.log; cp auth.log "$x"                                           | truncate -s0 /var/log/auth.log
      F4   | x=/var/log; truncate -s0 ${x:-}/auth.log                                                  | truncate -s0 /var/log/auth.log
      F5   | x=/etc; y=/var/log; x=$y; truncate -s0 $x/auth.log                                        | truncate -s0 /var/log/auth.log
      F5   | x=/tmp; read x <<< /var/log; truncate -s0 $x/auth.log                                     | truncate -s0 /var/log/auth.log
      F5   | x=/tmp; for x in /var/log; do truncate -s0 $x/auth.log; done                              | truncate -s0 /var/log/auth.log
      F5   | x=/tmp; printf -v x /var/log; truncate -s0 $x/auth.log                                    | truncate -s0 /var/log/auth.log
      F5   | x=/tmp; x+=/../var/log; truncate -s0 $x/auth.log                                          | truncate -s0 /var/log/auth.log
      F5   | x=/etc; declare x=/var/log; truncate -s0 $x/auth.log                                      | truncate -s0 /var/log/auth.log
      F8   | ln -s /dev/sda x; dd if=/dev/zero of=x bs=1 count=9                                       | dd if=/dev/zero of=/dev/sda bs=1 count=9
      F8   | ln -s /dev d; dd if=/dev/zero of=d/sda bs=1 count=9                                       | dd if=/dev/zero of=/dev/sda bs=1 count=9
      F8   | ln -s /dev d; cd d; dd if=/dev/zero of=sda bs=1 count=9                                   | dd if=/dev/zero of=/dev/sda bs=1 count=9
      F8   | ln -s / r; rm -rf r/etc/                                                                  | rm -rf /etc
      F8   | ln -s /etc e; echo 'hacked::0:0::/:/bin/sh' >> e/passwd                                   | echo 'hacked::0:0::/:/bin/sh' >> /etc/passwd
      held | ln -s /var/log l; truncate -s0 l/auth.log                                                 | truncate -s0 /var/log/auth.log
      held | ln -sf /var/log/auth.log a; truncate -s0 a                                                | truncate -s0 /var/log/auth.log
      held | find /tmp /var/log -name auth.log -execdir truncate -s0 auth.log \\;                      | truncate -s0 /var/log/auth.log
      held | find -L /var/log -name auth.log -execdir truncate -s0 auth.log \\;                        | truncate -s0 /var/log/auth.log
      held | env --ch=/var/log truncate -s0 auth.log                                                   | truncate -s0 /var/log/auth.log
      held | env -vC/var/log truncate -s0 auth.log                                                     | truncate -s0 /var/log/auth.log
      held | env -S'-C /var/log' truncate -s0 auth.log                                                 | truncate -s0 /var/log/auth.log
      held | time -p cd /dev; dd if=/dev/zero of=sda bs=1 count=9                                      | dd if=/dev/zero of=/dev/sda bs=1 count=9
      held | ! cd /dev; dd if=/dev/zero of=sda bs=1 count=9                                            | dd if=/dev/zero of=/dev/sda bs=1 count=9
      held | mkdir -p x/var/log; echo x > x/var/log/auth.log; cp -r x/* /                              | truncate -s0 /var/log/auth.log
      held | mkdir -p x/log; echo x > x/log/auth.log; mv -T x/log /var/log                             | truncate -s0 /var/log/auth.log
      held | truncate -s0 /var/run/../var/log/auth.log                                                 | truncate -s0 /var/log/auth.log
      held | cd -P /var/run/.. && dd if=/dev/zero of=dev/sda bs=1 count=9                              | dd if=/dev/zero of=/dev/sda bs=1 count=9
      held | dd if=/dev/zero of=/dev/./sd? bs=1 count=9                                                | dd if=/dev/zero of=/dev/sda bs=1 count=9
      held | truncate -s0 /var/log/./auth.lo?                                                          | truncate -s0 /var/log/auth.log
      held | rm -rf /tmp/../e?c                                                                        | rm -rf /etc
      held | cd ~sys/../var/log && truncate -s0 auth.log                                               | truncate -s0 /var/log/auth.log
      held | cd ~sync/.. && rm -rf etc                                                                 | rm -rf /etc
      held | cd /v?r; cd l*g; truncate -s0 auth.log                                                    | truncate -s0 /var/log/auth.log
      held | CDPATH=/tmp:/var cd log && truncate -s0 auth.log                                          | truncate -s0 /var/log/auth.log
      held | export CDPATH=/var; cd log && truncate -s0 auth.log                                       | truncate -s0 /var/log/auth.log
      held | printf -v CDPATH /var; cd log && truncate -s0 auth.log                                    | truncate -s0 /var/log/auth.log
      held | f(){ CDPATH=/var; }; f; cd log && truncate -s0 auth.log                                   | truncate -s0 /var/log/auth.log
      held | cd /var/log; cd /tmp; cd /etc; cd -; cd -; truncate -s0 auth.log                          | truncate -s0 /var/log/auth.log
      held | pushd /var/log; pushd /tmp; pushd; truncate -s0 auth.log                                  | truncate -s0 /var/log/auth.log
      held | pushd /var/log; pushd /tmp; pushd +1; truncate -s0 auth.log                               | truncate -s0 /var/log/auth.log
      held | env -C /var env -C ./log truncate -s0 auth.log                                            | truncate -s0 /var/log/auth.log
      held | nsenter --wd=/var/log truncate -s0 auth.log                                               | truncate -s0 /var/log/auth.log
      held | cd /nonexistent; cd / ; rm -rf etc                                                        | rm -rf /etc
      held | echo x > auth.log; cp --t=/var/log auth.log                                               | truncate -s0 /var/log/auth.log
      held | echo x > auth.log; cp --ta /var/log auth.log                                              | truncate -s0 /var/log/auth.log
      held | echo x > auth.log; install -Dt/var/log auth.log                                           | truncate -s0 /var/log/auth.log
      held | echo x > auth.log; cp -vt/var/log auth.log                                                | truncate -s0 /var/log/auth.log
      held | mkdir -p var/log; echo x > var/log/auth.log; cp -r var /tmp/..                            | truncate -s0 /var/log/auth.log
      held | mkdir -p log; echo x > log/auth.log; cp -r log/. /var/log                                  | truncate -s0 /var/log/auth.log
      held | IFS=%; v=/var/log/auth.log%; truncate -s0 $v                                               | truncate -s0 /var/log/auth.log
      held | x=/var/log; truncate -s0 $x/auth.log                                                      | truncate -s0 /var/log/auth.log
      held | cd /var/spool/cron/crontabs && echo '* * * * * id' > root                                  | echo '* * * * * id' > /var/spool/cron/crontabs/root
      """)
  void pathReachedWithWeakerVerdict(String finding, String text, String plain, @TempDir Path tmp) throws Exception {
    dev.gatehouse.policy.Verdict base = DEFAULT.judge(plain).verdict();
    assertThat(rank(base)).as("the plain spelling %s is judged: %s", plain, base).isPositive();
    dev.gatehouse.policy.Verdict[] v = judged(text);
    if (finding.equals("uncl")) {
      assertThat(Math.min(rank(v[0]), rank(v[1]))).as("%s is at least reviewed (exec: %s, typed: %s)", text, v[0], v[1])
          .isPositive();
      return;
    }
    if (rank(v[0]) >= rank(base) && rank(v[1]) >= rank(base)) {
      return;
    }
    boolean fakeProc = plain.contains("sysrq-trigger");
    assertThat(fakeProc && !text.contains("sysrq-trigger")).isFalse();
    String script = String.join("\n", text.split(" ;; "));
    List<String> changed = new ArrayList<>();
    for (String shell : List.of("/usr/bin/bash", "/usr/bin/dash")) {
      if ((script.contains("pushd") || script.contains("DIRSTACK")) && shell.endsWith("dash")) {
        continue;
      }
      Path dir = Files.createDirectories(tmp.resolve(shell.substring(shell.lastIndexOf('/') + 1)));
      Files.createDirectories(dir.resolve("etc"));
      Files.writeString(dir.resolve("etc/passwd"), PASSWD);
      Files.writeString(dir.resolve("etc/keep"), "keep\n");
      Files.createFile(dir.resolve("disk"));
      Files.createDirectories(dir.resolve("log"));
      Files.writeString(dir.resolve("log/auth.log"), "sshd: accepted\n");
      Files.writeString(dir.resolve("log/wtmp"), "wtmp\n");
      Files.createDirectories(dir.resolve("proc"));
      Files.writeString(dir.resolve("proc/sysrq-trigger"), "fake\n");
      String before = state(dir);
      String out = runSandboxed(dir, shell, script, fakeProc);
      if (!state(dir).equals(before)) {
        changed.add(shell + " (" + out.strip() + ")");
      }
    }
    assertThat(changed).as("%s: the guard judged %s weaker than %s (exec: %s, typed: %s; %s: %s); run in the sandbox it "
        + "changed its /etc, /var/log, /dev/sda or /proc/sysrq-trigger", finding, text, plain, v[0], v[1], plain, base)
        .isEmpty();
  }

  /**
   * A1 ({@link ShellAttack17buTest#DOCS_LIVE}): a listed reader given a name whose known start is
   * {@code ./} or {@code .} and whose rest is only known when it runs reads another terminal; run in
   * a sandbox whose /dev/tty1 is a file holding a secret, bash and dash print it. A4: the same from a
   * bare relative start ({@code cat b$x} where {@code b} is a directory): a program that opens every
   * operand (the {@code grep} family every one after its pattern) is refused such a word.
   */
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
      A1   | cat ~sys/tty1
      A1   | tail -n1 ~sys//tty1
      A1   | grep . ~sys/./tty1
      A2   | x=/../../../../../../dev/tty1; cat /tmp$x
      A2   | x=../../../../../../dev/tty1; cat ~/$x
      A2   | x=../../../../../../dev/tty1; cat ~root/$x
      A3   | x=tty1; cat /dev/./$x
      A3   | x=tty1; cat /dev//$x
      A3   | x=tty1; cat /dev/.//$x
      A3   | x=tty1; tail /dev/./"$x"
      A3   | x=tty1; cat /tmp/../dev/./$x
      A3   | cat /dev/./tty?
      A3   | cat /dev/./t*
      A3   | x=1; cat /dev/./tty$x
      A3   | x=/tty1; cat /dev/.$x
      A4   | x=/../../../../../../dev/tty1; cat t$x
      A4   | x=/../../../../../../dev/tty1; tail -n1 t$x
      A4   | x=/../../../../../../dev/tty1; grep . t$x
      A4   | x=/../../../../../../dev/tty1; grep -e . -- t$x
      A4   | x=/../../../../../../dev/tty1; less -- t${x}
      A4   | x=/../../../../../../dev/tty1; cd /w/a; cat b$x
      held | cat /de[v]/./tty1
      held | x=1; cat /dev/tty$x
      held | cat ~sync/../dev/tty1
      held | x=tty1; cd ~sys; cat $x
      held | x=../../../../../../../../dev/tty1; cat .//$x
      held | x=/../../../../../../../dev/tty1; cat ./.$x
      held | x=/../../../../../../../../dev/tty1; cat .${x}
      """)
  void allowListReadsAnotherTerminal(String finding, String text, @TempDir Path tmp) throws Exception {
    String[] lines = text.split(" ;; ");
    dev.gatehouse.policy.Verdict exec = ShellAttack17buTest.DOCS_LIVE.judge(String.join("\n", lines)).verdict();
    dev.gatehouse.policy.Verdict typed = null;
    for (String l : lines) {
      dev.gatehouse.policy.Verdict v = ShellAttack17buTest.DOCS_LIVE.judgeTyped(l).verdict();
      typed = typed == null ? v : typed.strictest(v);
    }
    if (rank(exec) > 0 && rank(typed) > 0) {
      return;
    }
    Path tty = tmp.resolve("tty1");
    Files.writeString(tty, "SECRET-17cf\n");
    Path passwd = tmp.resolve("passwd");
    Files.writeString(passwd, PASSWD);
    List<String> read = new ArrayList<>();
    for (String shell : List.of("/usr/bin/bash", "/usr/bin/dash")) {
      List<String> cmd = new ArrayList<>(BashDifferentialTest.sandbox());
      cmd.addAll(List.of("--ro-bind", "/usr/bin", "/usr/bin", "--ro-bind", tty.toString(), "/dev/tty1", "--ro-bind", passwd.toString(), "/etc/passwd", "--setenv", "HOME", "/w/a", "--dir", "/root", "--dir", "/w/a/b", "--dir", "/w/a/b/t",
          "--chdir", "/w/a/b", shell, "-c", String.join("\n", lines)));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      if (out.contains("SECRET-17cf")) {
        read.add(shell);
      }
    }
    assertThat(read).as("%s: the docs' allow-list let %s through (exec: %s, typed: %s) and it read /dev/tty1", finding, text, exec,
        typed).isEmpty();
  }
}
