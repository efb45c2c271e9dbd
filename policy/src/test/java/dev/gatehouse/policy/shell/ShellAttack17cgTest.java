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
 * Attack pass 17cg on 2091f66f..fcc5a220 (RelativePaths: links the text makes, variables read in
 * every form, other users' homes; recursive copies onto a system directory). Judge: {@link
 * ShellJudgeTest#DEFAULT}. Each text is judged as an exec request and as typed lines ({@code A ;; B}
 * is typed as two lines). Every failing case was run under bash 5.2 and dash (Debian 12) in a
 * throwaway bubblewrap sandbox as in {@link ShellAttack17cfTest} (its {@code /etc}, {@code /var/log}
 * and {@code /dev/sda} are files of the test's temporary directory, run from {@code /tmp}), and
 * changed them as the plain spelling would.
 *
 * <p><b>L1, {@code ln -s -t DIR TARGET}</b> (allowed, block class): {@code mkdir t; ln -st t /dev; dd
 * of=t/dev/sda}, {@code ln -s -t t /dev}, {@code ln --symbolic --target-directory=t /dev}. {@code
 * RelativePaths.links} takes the last operand as the link's name and never reads {@code -t}. Fix:
 * read {@code -t DIR}/{@code -tDIR}/{@code --target-directory[=]DIR}: the link is {@code DIR/}
 * the target's last component.
 *
 * <p><b>L2, a link the text makes, then moves or copies as a link</b> (allowed): {@code ln -s /dev d;
 * mv d e; dd of=e/sda}, {@code mv -T d e}, {@code mkdir m; mv d m} ({@code m/d}), {@code cp -P}/{@code
 * -d}/{@code -a}/{@code -R d e} (cp copies a link as a link there), {@code ln -s /dev/sda x; mv x y; dd
 * of=y}. Only the name {@code ln -s} gave is read as its target. Fix: a {@code mv}, {@code cp}
 * (not following links) or {@code ln} of a link name gives its destination (and {@code DEST/name})
 * the same targets.
 *
 * <p><b>L3, a relative link target</b> (allowed): {@code mkdir a; ln -s ../../dev a/d; dd of=a/d/sda},
 * {@code ln -s ../dev d} (from {@code /tmp}: {@code /dev}), {@code ln -s ../var/log l; truncate -s0
 * l/auth.log}. {@code links} reads only absolute targets; a relative one is relative to the link's
 * directory, which is the working directory only known when it runs. Fix: a target relative to the
 * link's directory that climbs out of it reads as each system directory (unclassified where a path
 * class then judges a word through it); one that stays below reads relative to the working directory.
 *
 * <p><b>L4, a chain of links</b> (allowed): {@code ln -s /dev d; ln -s d e; dd of=e/sda}, {@code ln -s /
 * r; ln -s r/dev d}. Fix: a target through a link the text makes reads as that link's target.
 *
 * <p><b>L5, the link's name spelt another way than where it was made</b> (allowed): {@code ln -s /dev
 * /tmp/d; cd /tmp; dd of=d/sda}, {@code cd /tmp; ln -s /dev d; dd of=/tmp/d/sda}, {@code ln -s /dev
 * d; cd d/../d} (cd resolves {@code ..} by the letters), {@code dd of=$PWD/d/sda}. Fix: read link names
 * also joined to the directories the text changes to, after the words are joined; tidy a {@code cd}
 * operand's {@code ..} before reading links; a name after an unknown part ({@code $PWD/d}) as relative.
 *
 * <p><b>L6, a link's name spelt with a pattern or a part only known when it runs</b> (allowed): {@code
 * ln -s /dev $PWD/d; dd of=d/sda}, {@code "$PWD"/d}, {@code ln -s /dev d; cd ?}, {@code cd [d]},
 * {@code dd of=$(echo d)/sda} ({@code dd of=?/sda} does not glob: the pattern is the whole {@code
 * of=…} word). Fix: a link name after an unknown part (or {@code ~/}) is also read as relative; a
 * pattern component is matched against link names; a word whose unknown part is followed by a name
 * may go through any link the text makes (unclassified).
 *
 * <p><b>L7, a link inside a directory the text moves, copies or changes to relatively</b> (allowed):
 * {@code mkdir m; ln -s /dev m/d; mv m n; dd of=n/d/sda}, {@code cp -a m n}, {@code mv m n} into an
 * existing {@code n}, {@code cd m; dd of=d/sda}, {@code cd m; ln -s /dev d; cd ..; dd of=m/d/sda}: the
 * name the word spells is the link's only after directories the reading does not follow. Fix: where
 * the text makes a link, a relative word is also read from the link's target with each number of its
 * leading components dropped (unclassified where a path class would judge one).
 *
 * <p><b>V1, a nameref on an exec request</b> (exec allowed; typed: guard-tamper): {@code declare -n
 * x=y; y=/var/log; truncate -s0 $x/auth.log} and {@code y=/var/log; declare -n x=y}. The value
 * reading takes {@code x=y} as {@code x}'s value. Fix: a variable given the nameref attribute is only
 * known when it runs (each system directory).
 *
 * <p><b>V2/V3, an array element or an expansion operator on a variable the text sets</b> (allowed):
 * {@code a=(/var/log); truncate -s0 ${a[@]}/auth.log}, {@code ${a[1]}}, {@code x=/tmp/log;
 * ${x/tmp/var}}, {@code x=/VAR/LOG; ${x,,}}, {@code ${x%/}}, {@code ${x#}}, {@code ${x:0}}.
 * {@code substituted} gives up on any operator (and on {@code [}/{@code #}/{@code ^} in the source),
 * and the unknown-part reading then makes {@code /auth.log}. Fix: read such a reference as a value
 * only known when it runs (each system directory).
 *
 * <p><b>V4, positional parameters the text sets</b> (allowed): {@code set -- /var/log; truncate -s0
 * $1/auth.log}, {@code "$@"/auth.log}, {@code f(){ truncate -s0 $1/auth.log; }; f /var/log}. Fix:
 * read {@code $1}…, {@code $@}, {@code $*} as values only known when they run.
 *
 * <p><b>C1, an archive extracted onto a system directory</b> (allowed where {@code cp -r x/. /} is
 * audit-tamper): {@code tar -C / -xf x.tar}, {@code tar --directory=/ -xf}, {@code tar -xf x.tar -C
 * /}, {@code tar xf x.tar -C /var/log}, {@code unzip -qo x.zip -d /}, {@code unzip -d /var/log}.
 * ({@code rsync -a x/ /} and {@code cpio -pdm /} read alike; not proven here: neither is installed on
 * this machine.) Fix: an extraction's target directory is written recursively, any name below it.
 *
 * <p><b>C3, an archive extracted into a system directory the text changes to</b> (allowed): {@code cd
 * / && tar xf /tmp/x.tar}, {@code cd /var/log && tar -xf /tmp/x.tar}, {@code cd /var/log && unzip -qo
 * /tmp/x.zip}: an extraction without {@code -C}/{@code -d} writes into the working directory, which no
 * word names. Fix: read it as {@code -C .}/{@code -d .}, so the directories the text changes to join it.
 *
 * <p><b>C2, {@code cp -r x/.. /}</b> (allowed): copies the working directory's contents onto {@code /}
 * (the destination is {@code /..}, that is {@code /}). Fix: a recursive source ending in {@code ..}
 * copies a directory's contents, like {@code x/.}.
 *
 * <p><b>F1, find deleting or truncating under {@code /var/log}</b> (allowed, audit-tamper is block):
 * {@code find /var/log -name auth.log -delete}, {@code -type f -delete}, {@code -exec truncate -s0 {}
 * \;}, {@code -exec truncate -s0 {} +}, {@code -execdir truncate -s0 {} +}, {@code -exec rm {} +}
 * ({@code find /etc -name passwd -delete} is already recursive-delete-root). Fix: a find whose
 * starting point is {@code /var/log} or below, with {@code -delete} or an {@code -exec}/{@code
 * -execdir}/{@code -ok}/{@code -okdir} of a remover or writer, is audit-tamper.
 *
 * <p><b>U1, unshare options that take a value, before {@code -w}</b> (allowed): {@code unshare -rT
 * --monotonic 1 -w /var/log truncate -s0 auth.log}, {@code --boottime 1}, and even {@code unshare -rT
 * --monotonic 1 truncate -s0 /var/log/auth.log}: {@code Wrappers} and {@code RelativePaths} do not
 * know these options take a value, so {@code 1} is read as the program (and ends the option scan).
 * Fix: {@code --monotonic}, {@code --boottime} take a value (and {@code nsenter -t N} before {@code
 * --wd} in {@code RelativePaths}).
 *
 * <p><b>S1, strace's {@code -U}/{@code --summary-columns} take a value</b> (allowed, any class):
 * {@code strace -c -U calls -o /dev/null truncate -s0 /var/log/auth.log}, {@code strace -cU calls …
 * rm -rf /etc}, {@code strace -c --summary-columns calls … dd of=/dev/sda}: {@code Wrappers.strace}
 * reads {@code -U} as a flag, so {@code calls} is taken for the program and the real command is never
 * judged (strace 6.1 ran it in the sandbox). Fix: {@code -U} and strace 6's other value-taking long
 * options ({@code --summary-columns}, {@code --summary-sort-by}, {@code --trace-path}, …) take a value;
 * likewise {@code ltrace -x FILTER} (ltrace not installed here: not proven).
 *
 * <p><b>S2, setpriv's {@code --ruid}/{@code --euid}/{@code --rgid}/{@code --egid} take a value</b>
 * (allowed, any class): {@code setpriv --ruid 0 truncate -s0 /var/log/auth.log}, {@code setpriv
 * --euid 0 rm -rf /etc} (run as root here; an account may set its own uid): the wrapper list lacks
 * them, so {@code 0} is read as the program. Fix: add them.
 *
 * <p><b>N1, nsenter's {@code -w}/{@code --wd} and {@code -r}/{@code --root} take an optional value,
 * only glued</b> (allowed, any class): {@code nsenter -t 1 -w truncate -s0 /var/log/auth.log},
 * {@code nsenter -t 1 --wd rm -rf /etc} (PID 1 in the sandbox is bubblewrap's own reaper; on a host an
 * account's own shell's PID serves): {@code Wrappers} takes the next word as their value, so the
 * program is read as an option value and never judged. Fix: {@code -w}, {@code -r}, {@code --wd},
 * {@code --root} take a value only glued ({@code -w/x}, {@code --wd=/x}).
 *
 * <p>At 7f35e7a7: 106 cases, 70 failing (L1 3, L2 9, L3 3, L4 2, L5 4, L6 5, L7 5, V1 2, V2 2, V3 5, V4
 * 4, C1 6, C2 1, C3 3, F1 6, U1 3, S1 3, S2 2, N1 2), 36 held; all fixed in this pass (none open).
 *
 * <p>Tried and held (kept below as {@code held} where cheap): {@code ln -sfn}, {@code -sT}, {@code
 * -rs}, links made in {@code $(…)} or a function, {@code ./d/}, {@code /tmp/../dev}, patterns; {@code
 * read}, {@code printf -v}, {@code local}, {@code export -n}, {@code for}, {@code case}, {@code
 * ${y:=$x}}; homes {@code ~+}, {@code ~-}, {@code ~+1}, {@code ~-1}, {@code ~0}, {@code HOME=/} by
 * assignment, {@code export}, {@code declare}, {@code read}, {@code printf -v}, {@code local}, {@code
 * env HOME=/ bash -c 'cd; …'}; a {@code cd} carried into {@code sh -c}, {@code eval}, {@code xargs sh
 * -c}; {@code command cd}, {@code builtin cd}, {@code \cd}, {@code cd -P/-L/-e/-@}, {@code pushd} with
 * CDPATH, {@code pushd -n}; {@code cp -a --remove-destination x/. /}, {@code cp -r $PWD/. /},
 * {@code cp -r y/. $x}, {@code install -D}, {@code mv -t}; chroot/unshare -R/nsenter/env -C/find
 * -execdir/start-stop-daemon spellings. Under the docs' allow-list: {@code cat ../$x}, {@code .../$x},
 * {@code -- $x}, {@code "$x"}, {@code less}/{@code grep -r}/{@code tail -f $x}, {@code a/$x}, {@code
 * &#42;/$x}, {@code /dev/./…}, {@code ~+/..}, brace forms, {@code /dev/vcs*}, {@code /dev/char/4:1} all
 * refused. Not filed: {@code cat a$x} under the allow-list (the documented {@code cat tmp$x}); a hard
 * link to a device ({@code ln /dev/sda x}: another file system, EXDEV); {@code x=/var/log; cd $x} (the
 * documented "relative path after a cd to a variable"); {@code nsenter -r/} (keeps the working
 * directory); {@code nsenter -t 1 …} (fixed with U1 in {@code RelativePaths}, not proven: needs privileges);
 * {@code prlimit -n 100 …} ({@code 100} is the program: the value is optional and glued); timeout,
 * nice, ionice, taskset, chrt, stdbuf, flock, setsid, setpriv, runuser, env, time, watch, xargs, sudo,
 * doas, strace (other options), systemd-run, numactl, cgexec, nohup, exec, command with value options;
 * under the allow-list {@code $HOME$x}, {@code $PWD/$x}, {@code ~+$x}, {@code ${HOME%/*}/..}, input
 * redirections and {@code /dev/fd/3} of a terminal.
 */
class ShellAttack17cgTest {
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

  /** A bubblewrap sandbox whose /etc, /var/log and /dev/sda are files of {@code dir}; runs {@code shell -c text} from /tmp. */
  private static String runSandboxed(Path dir, String shell, String text) throws Exception {
    List<String> cmd = new ArrayList<>(BashDifferentialTest.sandbox());
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
    for (String d : List.of("etc", "log")) {
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
   * {@code text} does what {@code plain} names. A finding or {@code held} case judged (exec or
   * typed) weaker than {@code plain} must not change the sandbox's /etc, /var/log or /dev/sda under
   * bash or dash.
   */
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
      L1   | mkdir t; ln -st t /dev; dd if=/dev/zero of=t/dev/sda bs=1 count=9                        | dd if=/dev/zero of=/dev/sda bs=1 count=9
      L1   | mkdir t; ln -s -t t /dev; dd if=/dev/zero of=t/dev/sda bs=1 count=9                      | dd if=/dev/zero of=/dev/sda bs=1 count=9
      L1   | mkdir t; ln --symbolic --target-directory=t /dev; dd if=/dev/zero of=t/dev/sda bs=1 count=9 | dd if=/dev/zero of=/dev/sda bs=1 count=9
      L2   | ln -s /dev d; mv d e; dd if=/dev/zero of=e/sda bs=1 count=9                              | dd if=/dev/zero of=/dev/sda bs=1 count=9
      L2   | ln -s /dev d; mv -T d e; dd if=/dev/zero of=e/sda bs=1 count=9                           | dd if=/dev/zero of=/dev/sda bs=1 count=9
      L2   | ln -s /dev d; mkdir m; mv d m; dd if=/dev/zero of=m/d/sda bs=1 count=9                   | dd if=/dev/zero of=/dev/sda bs=1 count=9
      L2   | ln -s /dev d; cp -P d e; dd if=/dev/zero of=e/sda bs=1 count=9                           | dd if=/dev/zero of=/dev/sda bs=1 count=9
      L2   | ln -s /dev d; cp -d d e; dd if=/dev/zero of=e/sda bs=1 count=9                           | dd if=/dev/zero of=/dev/sda bs=1 count=9
      L2   | ln -s /dev d; cp -a d e; dd if=/dev/zero of=e/sda bs=1 count=9                           | dd if=/dev/zero of=/dev/sda bs=1 count=9
      L2   | ln -s /dev d; cp -R d e; dd if=/dev/zero of=e/sda bs=1 count=9                           | dd if=/dev/zero of=/dev/sda bs=1 count=9
      L2   | ln -s /dev/sda x; mv x y; dd if=/dev/zero of=y bs=1 count=9                              | dd if=/dev/zero of=/dev/sda bs=1 count=9
      L2   | ln -s /dev/sda x; cp -P x y; dd if=/dev/zero of=y bs=1 count=9                           | dd if=/dev/zero of=/dev/sda bs=1 count=9
      L3   | mkdir a; ln -s ../../dev a/d; dd if=/dev/zero of=a/d/sda bs=1 count=9                    | dd if=/dev/zero of=/dev/sda bs=1 count=9
      L3   | ln -s ../dev d; dd if=/dev/zero of=d/sda bs=1 count=9                                    | dd if=/dev/zero of=/dev/sda bs=1 count=9
      L3   | ln -s ../var/log l; truncate -s0 l/auth.log                                              | truncate -s0 /var/log/auth.log
      L4   | ln -s /dev d; ln -s d e; dd if=/dev/zero of=e/sda bs=1 count=9                           | dd if=/dev/zero of=/dev/sda bs=1 count=9
      L4   | ln -s / r; ln -s r/dev d; dd if=/dev/zero of=d/sda bs=1 count=9                          | dd if=/dev/zero of=/dev/sda bs=1 count=9
      L5   | ln -s /dev /tmp/d; cd /tmp; dd if=/dev/zero of=d/sda bs=1 count=9                        | dd if=/dev/zero of=/dev/sda bs=1 count=9
      L5   | cd /tmp; ln -s /dev d; dd if=/dev/zero of=/tmp/d/sda bs=1 count=9                        | dd if=/dev/zero of=/dev/sda bs=1 count=9
      L5   | ln -s /dev d; cd d/../d; dd if=/dev/zero of=sda bs=1 count=9                             | dd if=/dev/zero of=/dev/sda bs=1 count=9
      L5   | ln -s /dev d; dd if=/dev/zero of=$PWD/d/sda bs=1 count=9                                 | dd if=/dev/zero of=/dev/sda bs=1 count=9
      V1   | declare -n x=y; y=/var/log; truncate -s0 $x/auth.log                                     | truncate -s0 /var/log/auth.log
      V1   | y=/var/log; declare -n x=y; truncate -s0 $x/auth.log                                     | truncate -s0 /var/log/auth.log
      V2   | a=(/var/log); truncate -s0 ${a[@]}/auth.log                                              | truncate -s0 /var/log/auth.log
      V2   | a=(/tmp /var/log); truncate -s0 ${a[1]}/auth.log                                         | truncate -s0 /var/log/auth.log
      V3   | x=/tmp/log; truncate -s0 ${x/tmp/var}/auth.log                                           | truncate -s0 /var/log/auth.log
      V3   | x=/VAR/LOG; truncate -s0 ${x,,}/auth.log                                                 | truncate -s0 /var/log/auth.log
      V3   | x=/var/log; truncate -s0 ${x%/}/auth.log                                                 | truncate -s0 /var/log/auth.log
      V3   | x=/var/log/auth.log; truncate -s0 ${x#}                                                  | truncate -s0 /var/log/auth.log
      V3   | x=/var/log/auth.log; truncate -s0 ${x:0}                                                 | truncate -s0 /var/log/auth.log
      V4   | set -- /var/log; truncate -s0 $1/auth.log                                                | truncate -s0 /var/log/auth.log
      V4   | set -- /var/log; truncate -s0 "$@"/auth.log                                              | truncate -s0 /var/log/auth.log
      V4   | f(){ truncate -s0 $1/auth.log; }; f /var/log                                             | truncate -s0 /var/log/auth.log
      V4   | f(){ truncate -s0 "$1"/auth.log; }; f /var/log                                           | truncate -s0 /var/log/auth.log
      C1   | mkdir -p x/var/log; : > x/var/log/auth.log; tar -C x -cf x.tar var; tar -C / -xf x.tar   | truncate -s0 /var/log/auth.log
      C1   | mkdir -p x/var/log; : > x/var/log/auth.log; tar -C x -cf x.tar var; tar --directory=/ -xf x.tar | truncate -s0 /var/log/auth.log
      C1   | mkdir -p x/var/log; : > x/var/log/auth.log; tar -C x -cf x.tar var; tar -xf x.tar -C /  | truncate -s0 /var/log/auth.log
      C1   | mkdir x; : > x/auth.log; tar -C x -cf x.tar auth.log; tar xf x.tar -C /var/log            | truncate -s0 /var/log/auth.log
      C1   | mkdir -p x/var/log; : > x/var/log/auth.log; cd x; zip -qr ../x.zip var; cd ..; unzip -qo x.zip -d / | truncate -s0 /var/log/auth.log
      C1   | mkdir x; : > x/auth.log; cd x; zip -q ../x.zip auth.log; cd ..; unzip -qo x.zip -d /var/log | truncate -s0 /var/log/auth.log
      C2   | mkdir -p x var/log; : > var/log/auth.log; cp -r x/.. /                                   | truncate -s0 /var/log/auth.log
      F1   | find /var/log -name auth.log -delete                                                     | rm -f /var/log/auth.log
      F1   | find /var/log -type f -delete                                                            | rm -f /var/log/auth.log
      F1   | find /var/log -name auth.log -exec truncate -s0 {} \\;                                    | truncate -s0 /var/log/auth.log
      F1   | find /var/log -type f -exec truncate -s0 {} +                                            | truncate -s0 /var/log/auth.log
      F1   | find /var/log -type f -execdir truncate -s0 {} +                                         | truncate -s0 /var/log/auth.log
      F1   | find /var/log -name auth.log -exec rm {} +                                               | rm -f /var/log/auth.log
      U1   | unshare -rT --monotonic 1 -w /var/log truncate -s0 auth.log                              | truncate -s0 /var/log/auth.log
      U1   | unshare -rT --boottime 1 --wd=/var/log truncate -s0 auth.log                             | truncate -s0 /var/log/auth.log
      U1   | unshare -rT --monotonic 1 truncate -s0 /var/log/auth.log                                 | truncate -s0 /var/log/auth.log
      S1   | strace -c -U calls -o /dev/null truncate -s0 /var/log/auth.log                          | truncate -s0 /var/log/auth.log
      S1   | strace -cU calls -o /dev/null rm -rf /etc                                                | rm -rf /etc
      S1   | strace -c --summary-columns calls -o /dev/null dd if=/dev/zero of=/dev/sda bs=1 count=9  | dd if=/dev/zero of=/dev/sda bs=1 count=9
      S2   | setpriv --ruid 0 truncate -s0 /var/log/auth.log                                         | truncate -s0 /var/log/auth.log
      S2   | setpriv --euid 0 rm -rf /etc                                                             | rm -rf /etc
      N1   | nsenter -t 1 -w truncate -s0 /var/log/auth.log                                           | truncate -s0 /var/log/auth.log
      N1   | nsenter -t 1 --wd rm -rf /etc                                                            | rm -rf /etc
      C3   | mkdir -p x/var/log; : > x/var/log/auth.log; tar -C x -cf /tmp/x.tar var; cd / && tar xf /tmp/x.tar | truncate -s0 /var/log/auth.log
      C3   | mkdir /tmp/x; : > /tmp/x/auth.log; tar -C /tmp/x -cf /tmp/x.tar auth.log; cd /var/log && tar -xf /tmp/x.tar | truncate -s0 /var/log/auth.log
      C3   | mkdir /tmp/x; : > /tmp/x/auth.log; zip -qj /tmp/x.zip /tmp/x/auth.log; cd /var/log && unzip -qo /tmp/x.zip | truncate -s0 /var/log/auth.log
      L6   | ln -s /dev $PWD/d; dd if=/dev/zero of=d/sda bs=1 count=9                                 | dd if=/dev/zero of=/dev/sda bs=1 count=9
      L6   | ln -s /dev "$PWD"/d; dd if=/dev/zero of=d/sda bs=1 count=9                               | dd if=/dev/zero of=/dev/sda bs=1 count=9
      L6   | ln -s /dev d; cd ?; dd if=/dev/zero of=sda bs=1 count=9                                  | dd if=/dev/zero of=/dev/sda bs=1 count=9
      L6   | ln -s /dev d; cd [d]; dd if=/dev/zero of=sda bs=1 count=9                                | dd if=/dev/zero of=/dev/sda bs=1 count=9
      L6   | ln -s /dev d; dd if=/dev/zero of=$(echo d)/sda bs=1 count=9                              | dd if=/dev/zero of=/dev/sda bs=1 count=9
      L7   | mkdir m; ln -s /dev m/d; mv m n; dd if=/dev/zero of=n/d/sda bs=1 count=9                 | dd if=/dev/zero of=/dev/sda bs=1 count=9
      L7   | mkdir m; ln -s /dev m/d; cp -a m n; dd if=/dev/zero of=n/d/sda bs=1 count=9              | dd if=/dev/zero of=/dev/sda bs=1 count=9
      L7   | mkdir m n; ln -s /dev m/d; mv m n; dd if=/dev/zero of=n/m/d/sda bs=1 count=9             | dd if=/dev/zero of=/dev/sda bs=1 count=9
      L7   | mkdir m; ln -s /dev m/d; cd m; dd if=/dev/zero of=d/sda bs=1 count=9                     | dd if=/dev/zero of=/dev/sda bs=1 count=9
      L7   | mkdir m; cd m; ln -s /dev d; cd ..; dd if=/dev/zero of=m/d/sda bs=1 count=9              | dd if=/dev/zero of=/dev/sda bs=1 count=9
      held | unshare -rT --monotonic=1 -w /var/log truncate -s0 auth.log                              | truncate -s0 /var/log/auth.log
      held | find /var/log -type f -exec sh -c ': > "$1"' _ {} \\;                                    | truncate -s0 /var/log/auth.log
      held | ln -sfn /dev d; dd if=/dev/zero of=d/sda bs=1 count=9                                    | dd if=/dev/zero of=/dev/sda bs=1 count=9
      held | $(ln -s /dev d); dd if=/dev/zero of=d/sda bs=1 count=9                                   | dd if=/dev/zero of=/dev/sda bs=1 count=9
      held | f(){ ln -s /dev d; }; f; dd if=/dev/zero of=d/sda bs=1 count=9                           | dd if=/dev/zero of=/dev/sda bs=1 count=9
      held | ln -s /dev ./d/; dd if=/dev/zero of=d/sda bs=1 count=9                                   | dd if=/dev/zero of=/dev/sda bs=1 count=9
      held | ln -s /tmp/../dev d; dd if=/dev/zero of=d/sda bs=1 count=9                               | dd if=/dev/zero of=/dev/sda bs=1 count=9
      held | ln -s /dev d; cd ./d; dd if=/dev/zero of=sda bs=1 count=9                                | dd if=/dev/zero of=/dev/sda bs=1 count=9
      held | ln -s /dev/sd? x; dd if=/dev/zero of=x bs=1 count=9                                      | dd if=/dev/zero of=/dev/sda bs=1 count=9
      held | ln -s /dev d; x=sda; dd if=/dev/zero of=d/$x bs=1 count=9                                | dd if=/dev/zero of=/dev/sda bs=1 count=9
      held | read x <<< /var/log; truncate -s0 $x/auth.log                                            | truncate -s0 /var/log/auth.log
      held | printf -v x %s /var/log; truncate -s0 $x/auth.log                                        | truncate -s0 /var/log/auth.log
      held | f(){ local x=/var/log; truncate -s0 $x/auth.log; }; f                                    | truncate -s0 /var/log/auth.log
      held | export -n x=/var/log; truncate -s0 $x/auth.log                                           | truncate -s0 /var/log/auth.log
      held | for x in /tmp /var/log; do truncate -s0 "$x/auth.log"; done                              | truncate -s0 /var/log/auth.log
      held | case a in a) x=/var/log;; esac; truncate -s0 $x/auth.log                                 | truncate -s0 /var/log/auth.log
      held | x=/var/log; : ${y:=$x}; truncate -s0 $y/auth.log                                         | truncate -s0 /var/log/auth.log
      held | cd ~+ && cd / && rm -rf etc                                                              | rm -rf /etc
      held | cd / ; cd /tmp ; rm -rf ~-/etc                                                           | rm -rf /etc
      held | HOME=/ ; cd; rm -rf etc                                                                  | rm -rf /etc
      held | export HOME=/; cd; rm -rf etc                                                            | rm -rf /etc
      held | read HOME <<< /; cd; rm -rf etc                                                          | rm -rf /etc
      held | f(){ local HOME=/; cd; rm -rf etc; }; f                                                  | rm -rf /etc
      held | env HOME=/ bash -c 'cd; rm -rf etc'                                                      | rm -rf /etc
      held | cd /var/log && sh -c 'truncate -s0 auth.log'                                             | truncate -s0 /var/log/auth.log
      held | cd /var/log && eval truncate -s0 auth.log                                                | truncate -s0 /var/log/auth.log
      held | cd /var/log && xargs -a /dev/null sh -c 'truncate -s0 auth.log'                          | truncate -s0 /var/log/auth.log
      held | command cd /var/log && truncate -s0 auth.log                                             | truncate -s0 /var/log/auth.log
      held | builtin cd /var/log && truncate -s0 auth.log                                             | truncate -s0 /var/log/auth.log
      held | \\cd /var/log && truncate -s0 auth.log                                                    | truncate -s0 /var/log/auth.log
      held | CDPATH=/var; pushd log && truncate -s0 auth.log                                          | truncate -s0 /var/log/auth.log
      held | cd -e /var/log && truncate -s0 auth.log                                                  | truncate -s0 /var/log/auth.log
      held | pushd -n /var/log; pushd +1; truncate -s0 auth.log                                       | truncate -s0 /var/log/auth.log
      held | mkdir -p x/var/log; : > x/var/log/auth.log; cp -a --remove-destination x/. /              | truncate -s0 /var/log/auth.log
      held | mkdir -p x/var/log; : > x/var/log/auth.log; cd x; cp -r $PWD/. /                         | truncate -s0 /var/log/auth.log
      held | x=/; mkdir -p y/var/log; : > y/var/log/auth.log; cp -r y/. $x                            | truncate -s0 /var/log/auth.log
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
    if (rank(v[0]) >= rank(base) && rank(v[1]) >= rank(base)
        || rank(v[0]) > 0 && rank(v[1]) > 0 && (isUnclassified(v[0]) || isUnclassified(v[1]))) {
      return; // judged as the plain spelling, or unclassified (the fallback where a precise reading is costly)
    }
    String script = String.join("\n", text.split(" ;; "));
    List<String> changed = new ArrayList<>();
    for (String shell : List.of("/usr/bin/bash", "/usr/bin/dash")) {
      Path dir = Files.createDirectories(tmp.resolve(shell.substring(shell.lastIndexOf('/') + 1)));
      Files.createDirectories(dir.resolve("etc"));
      Files.writeString(dir.resolve("etc/passwd"), ShellAttack17cfTest.PASSWD);
      Files.writeString(dir.resolve("etc/keep"), "keep\n");
      Files.createFile(dir.resolve("disk"));
      Files.createDirectories(dir.resolve("log"));
      Files.writeString(dir.resolve("log/auth.log"), "sshd: accepted\n");
      Files.writeString(dir.resolve("log/wtmp"), "wtmp\n");
      String before = state(dir);
      String out = runSandboxed(dir, shell, script);
      if (!state(dir).equals(before)) {
        changed.add(shell + " (" + out.strip() + ")");
      }
    }
    assertThat(changed).as("%s: the guard judged %s weaker than %s (exec: %s, typed: %s; %s: %s); run in the sandbox it "
        + "changed its /etc, /var/log or /dev/sda", finding, text, plain, v[0], v[1], plain, base)
        .isEmpty();
  }

  private static boolean isUnclassified(dev.gatehouse.policy.Verdict v) {
    return v.toString().contains("rule=unclassified");
  }
}
