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
 * Attack pass 17cc on 1a922d3b/befcb5a9 ({@code RelativePaths}: relative names read again from the
 * literal directories a text changes to, {@code $"…"}, an unknown part glued before a name). Judges:
 * {@link ShellJudgeTest#DEFAULT} and, for A1, {@link ShellAttack17buTest#DOCS_LIVE}. Each text is
 * judged as an exec request and as typed lines ({@code A ;; B} is typed as two lines). Every failing
 * case was run under bash 5.2.15 and dash 0.5.12 (Debian 12) in a throwaway bubblewrap sandbox whose
 * {@code /etc}, {@code /var/log}, {@code /dev/sda} (and a fake {@code /proc/sysrq-trigger}) are files
 * of the test's temporary directory, from {@code /tmp} with no variable but PATH; each changed them
 * as the plain spelling would ({@code pushd}/{@code DIRSTACK} cases under bash only).
 *
 * <p><b>C1, a relative {@code cd} after a literal one</b> (exec and typed). {@code
 * RelativePaths.directories} keeps only literal absolute operands, each on its own: {@code cd /var &&
 * cd log && truncate -s0 auth.log}, {@code cd / && cd dev && dd of=sda}, {@code cd /usr/bin && cd
 * ../../dev}, {@code cd /tmp; cd ../var/log}, {@code cd /usr && cd .. && dd of=dev/sda}, {@code cd /
 * && cd etc && echo … >> passwd}, {@code cd /var; env -C log …}, {@code env -C /var env -C log …} are
 * allowed (audit-tamper, raw-device-write: block; user-change: review). Fix: fold the text's
 * {@code cd}/{@code pushd}/{@code env -C} in order, joining a relative operand to the directories
 * known before it (and {@code ..} with {@code KernelPaths.resolved}); a relative {@code cd} with no
 * known base leaves the directory unknown.
 *
 * <p><b>C2, a {@code cd} operand bash expands</b>: {@code cd /de[v]}, {@code cd /d?v}, {@code cd
 * /var/lo?}, {@code cd /var/l*g} (bash globs the operand), {@code cd ~root/../dev}, {@code cd
 * ~root/../var/log} (tilde): allowed, block class. {@code rootish} reads patterns for {@code rm}
 * but {@code directories} takes {@code w.value()} letter for letter. Fix: expand the operand against
 * the known system directories ({@code PathPatterns.componentCouldBe}) and read {@code ~user} as a
 * home directory only known when it runs (a {@code ..} after it: unclassified).
 *
 * <p><b>C3, a directory the text names through a variable {@code cd} reads</b>: {@code CDPATH=/ cd
 * dev}, {@code CDPATH=/var cd log}, {@code CDPATH=/ cd etc && echo … >> passwd} (allowed); {@code
 * OLDPWD=/dev cd -}, {@code OLDPWD=/var/log; cd -} (allowed); {@code pushd /tmp; DIRSTACK[1]=/var/log;
 * popd} (allowed; bash); {@code HOME=/dev cd}, {@code HOME=/var/log; cd} (only reviewed, as {@code
 * interpreter-inline} for the assignment, where the write is block). The git reading already treats
 * {@code CDPATH}, {@code cd -} and {@code popd} as a directory only known when it runs. Fix: read a
 * bare relative {@code cd} operand also from each {@code CDPATH} entry the text sets, {@code cd -}
 * from an {@code OLDPWD} it sets, {@code popd}/{@code pushd +N} from {@code DIRSTACK} elements, and
 * {@code cd}/{@code cd ~} from {@code HOME}; or call any of these with a later relative path-class
 * name unclassified.
 *
 * <p><b>C4, programs that change directory</b>: {@code find /var/log -name auth.log -execdir
 * truncate -s0 auth.log \;} (runs in the found file's directory) and {@code nsenter --wd=/var/log}
 * / {@code -w/dev} (runs unprivileged without namespace options) are allowed. Fix: read {@code
 * -execdir}'s relative words from each starting point (and below it: unclassified), and {@code
 * nsenter -w/--wd} (also {@code sudo -D/--chdir}, judged review only as {@code sudo}; not proven,
 * needs sudoers) as {@code env -C}.
 *
 * <p><b>C5, an unknown part that may be empty before an absolute name</b>. 1a922d3b reads {@code
 * ${x}etc} as {@code /etc} (the part may be {@code /}), but returns the word unchanged when the rest
 * starts with {@code /}: {@code truncate -s0 ${x}/var/log/auth.log}, {@code $x/var/log/auth.log},
 * {@code shred ${x}/dev/sda}, {@code echo … >> ${x}/etc/passwd} are allowed, and with {@code x}
 * unset (every exec request) are the plain names. Likewise an unknown part glued before an option
 * name: {@code dd ${x}of=/dev/sda}, {@code "${x}of=/dev/sda"}, {@code o${x}f=/dev/sda} (allowed).
 * Fix: in {@code joined}, read {@code ${x}/rest} as {@code /rest}; match {@code OPTION_VALUE} with
 * unknown characters removed (or any unknown character in an option name: unclassified).
 *
 * <p><b>C6, an unknown part inside a relative word, or split</b>: {@code x=/../../../../../../../../;
 * rm -rf .${x}etc}, {@code x=/; y=/; rm -rf ${x}..${y}etc}, {@code x='/etc '; rm -rf ${x}a} (word
 * splitting: {@code rm -rf /etc a}), {@code truncate -s0 .${x}var/log/auth.log}, {@code dd
 * of=.${x}dev/sda}: allowed (block), where {@code rm -rf $x/etc} is unclassified. {@code
 * uncertainDelete} and {@code joined} look only at a leading unknown part. Fix: a path-class word
 * with an unknown part anywhere (unquoted: also one that may split) is unclassified, or read with
 * each unknown part as {@code /../../…/}.
 * <p><b>C7, {@code install} into {@code /var/log}</b>: {@code install auth.log /var/log/auth.log},
 * {@code install -t /var/log auth.log}, {@code cd /var/log && install /tmp/auth.log .} are allowed
 * where {@code cp} of the same is {@code audit-tamper} (block); install replaced the log. Fix: read
 * {@code install} (without {@code -d}) as {@code cp} in the write classes.
 *
 * <p><b>C8, a copy into a system directory under the source's name</b> ({@code user-change}, review):
 * {@code cp passwd /etc/}, {@code cp -t /etc passwd}, {@code mv passwd /etc}, {@code install -m644
 * passwd /etc}, {@code cd /etc && cp /tmp/passwd .}, {@code cp -r etc /} are allowed (only {@code cp
 * x /etc/passwd} and {@code /etc/sudoers.d/} are read); each replaced the sandbox's
 * {@code /etc/passwd}. Fix: a target directory ({@code -t DIR}, a last operand ending in {@code /},
 * {@code .}, or naming a known directory) holds each source's last component (as the written-then-run
 * reading already does), and {@code cp -r D /} writes {@code /D/…}: any name below it.
 *
 * <p><b>A1, the docs' allow-list reads another terminal through {@code ./$x}</b> (exec and typed,
 * also with {@code x} set on an earlier line): {@code cat ./$x}, {@code tail -n1 .$x}, {@code grep .
 * ./"$x"}, {@code less ./${x}} with {@code x=../../../../../../../../dev/tty1} are allowed, while
 * {@code cat -- "$x"} is refused; bash and dash printed the sandbox's {@code /dev/tty1} from {@code
 * /w/a/b}. The "name whose start is only known when it runs" rule treats a known {@code ./} or
 * {@code .} start as enough. Fix: any unknown part in a file name a listed program reads (not only
 * at the start) may hold {@code ../../dev/pts/N}: refuse it.
 *
 * <p>Tried and refused (kept below as {@code held}/{@code uncl}): {@code cd} in a function called
 * later, {@code eval cd}, {@code builtin cd}, {@code command cd}, {@code \cd}, {@code 'cd'}, {@code
 * c\d}, {@code { cd /; }}, {@code if}/{@code while}/{@code for}/{@code case} bodies, {@code cd
 * -P/-L/-e/-@/--}, {@code HOME=/ cd} (block), {@code cd ~root; cd ..}, {@code pushd /; pushd /tmp;
 * popd}, {@code cd /var/log; cd /tmp; cd -}, {@code cd /var/run/../..}, {@code bash -c}/{@code sh -c},
 * {@code ( … )}, {@code $( … )}, {@code &}, a pipeline {@code cd /var/log | truncate …} (blocked,
 * stricter than bash), {@code env --chdir}, {@code env -iC}, quoted operands {@code "/dev"}, {@code
 * $'/dev'}, {@code /var/$"log"}; glued forms {@code ${x:+/}etc}, {@code ${x#?}etc}, {@code
 * ${a[@]}etc}, {@code "$@"etc}, {@code ${1}etc}, {@code ${!v}etc}, {@code printf -v}, {@code read
 * <<<}, {@code ${x}$"etc"}, {@code $(echo /)etc}, {@code ${x}./etc}, {@code of=${x}dev/sda}. Only
 * reviewed as unclassified, not filed: {@code cd /tmp && cd ../etc && rm -rf *}, {@code CDPATH=/ cd
 * etc && rm -rf *}, {@code DIRSTACK[1]=/etc; popd; rm -rf *}, {@code echo b > ${x}/proc/sysrq-trigger},
 * {@code echo x > ${x}/dev/sda}, more than 16 {@code cd}s, {@code "$(echo cd)"}, {@code $1etc}, {@code
 * cd $"/dev"}, {@code find / -maxdepth 1 -name etc -execdir rm -rf etc \;}. Not filed: {@code find
 * … -exec(dir) truncate -s0 {} \;} (the found name, a deny-list limit), {@code rm -rf ~+etc} (no
 * tilde prefix in bash), tar extraction into {@code /var/log} ({@code tar --directory=/var/log -xf
 * l.tar}, {@code cd /var/log && tar xf l.tar auth.log}: not classed at all, a deny-list gap), {@code sudo
 * -D /var/log truncate -s0 auth.log} (review as {@code sudo} where the write is block; not proven: needs a
 * sudoers {@code runchdir}). The docs' allow-list refused {@code cd /de[v]/pts}, {@code CDPATH=/dev},
 * {@code cd /usr/bin && cd ../../dev/pts && cat 0}, {@code cat .${x}dev/pts/0}, {@code cat
 * ${x}..${y}dev/pts/0}, {@code x='/dev/pts/0 '; cat ${x}a}.
 *
 * <p>At ea277da5: 109 cases, 51 failing (C1 8, C2 6, C3 8, C4 3, C5 7, C6 5, C7 3, C8 6, A1 5), 58 held (12 of them only
 * as unclassified).
 */
class ShellAttack17ccTest {
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
    cmd.addAll(List.of("--ro-bind", "/usr/bin", "/usr/bin", "--bind", dir.resolve("etc").toString(), "/etc",
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
      C1   | cd /var && cd log && truncate -s0 auth.log                                                                                         | truncate -s0 /var/log/auth.log
      C1   | cd / && cd dev && dd if=/dev/zero of=sda bs=1 count=9                                                                              | dd if=/dev/zero of=/dev/sda bs=1 count=9
      C1   | cd /usr/bin && cd ../../dev && dd if=/dev/zero of=sda bs=1 count=9                                                                 | dd if=/dev/zero of=/dev/sda bs=1 count=9
      C1   | cd /tmp; cd ../var/log; truncate -s0 auth.log                                                                                      | truncate -s0 /var/log/auth.log
      C1   | cd /usr && cd .. && dd if=/dev/zero of=dev/sda bs=1 count=9                                                                        | dd if=/dev/zero of=/dev/sda bs=1 count=9
      uncl | cd /tmp && cd ../etc && rm -rf *                                                                                                   | rm -rf /etc
      C1   | cd / && cd etc && echo 'hacked::0:0::/:/bin/sh' >> passwd                                                                          | echo 'hacked::0:0::/:/bin/sh' >> /etc/passwd
      C1   | cd /var; env -C log truncate -s0 auth.log                                                                                          | truncate -s0 /var/log/auth.log
      C1   | env -C /var env -C log truncate -s0 auth.log                                                                                       | truncate -s0 /var/log/auth.log
      uncl | cd /proc && cd .. && echo b > proc/sysrq-trigger                                                                                   | echo b > /proc/sysrq-trigger
      C2   | cd /de[v] && dd if=/dev/zero of=sda bs=1 count=9                                                                                   | dd if=/dev/zero of=/dev/sda bs=1 count=9
      C2   | cd /d?v && dd if=/dev/zero of=sda bs=1 count=9                                                                                     | dd if=/dev/zero of=/dev/sda bs=1 count=9
      C2   | cd /var/lo? && truncate -s0 auth.log                                                                                               | truncate -s0 /var/log/auth.log
      C2   | cd /var/l*g && truncate -s0 auth.log                                                                                               | truncate -s0 /var/log/auth.log
      C2   | cd ~root/../dev && dd if=/dev/zero of=sda bs=1 count=9                                                                             | dd if=/dev/zero of=/dev/sda bs=1 count=9
      C2   | cd ~root/../var/log && truncate -s0 auth.log                                                                                       | truncate -s0 /var/log/auth.log
      C3   | CDPATH=/ cd dev && dd if=/dev/zero of=sda bs=1 count=9                                                                             | dd if=/dev/zero of=/dev/sda bs=1 count=9
      C3   | CDPATH=/var cd log && truncate -s0 auth.log                                                                                        | truncate -s0 /var/log/auth.log
      uncl | CDPATH=/ cd etc && rm -rf *                                                                                                        | rm -rf /etc
      C3   | CDPATH=/ cd etc && echo 'hacked::0:0::/:/bin/sh' >> passwd                                                                         | echo 'hacked::0:0::/:/bin/sh' >> /etc/passwd
      C3   | OLDPWD=/dev cd - && dd if=/dev/zero of=sda bs=1 count=9                                                                            | dd if=/dev/zero of=/dev/sda bs=1 count=9
      C3   | OLDPWD=/var/log; cd - && truncate -s0 auth.log                                                                                     | truncate -s0 /var/log/auth.log
      C3   | pushd /tmp; DIRSTACK[1]=/var/log; popd; truncate -s0 auth.log                                                                      | truncate -s0 /var/log/auth.log
      uncl | pushd /tmp; DIRSTACK[1]=/etc; popd; rm -rf *                                                                                       | rm -rf /etc
      C3   | HOME=/dev cd && dd if=/dev/zero of=sda bs=1 count=9                                                                                | dd if=/dev/zero of=/dev/sda bs=1 count=9
      C3   | HOME=/var/log; cd; truncate -s0 auth.log                                                                                           | truncate -s0 /var/log/auth.log
      C4   | find /var/log -name auth.log -execdir truncate -s0 auth.log \\;                                                                     | truncate -s0 /var/log/auth.log
      uncl | find /dev -maxdepth 0 -execdir dd if=/dev/zero of=dev/sda bs=1 count=9 \\;                                                          | dd if=/dev/zero of=/dev/sda bs=1 count=9
      C4   | nsenter --wd=/var/log truncate -s0 auth.log                                                                                        | truncate -s0 /var/log/auth.log
      C4   | nsenter -w/dev dd if=/dev/zero of=sda bs=1 count=9                                                                                 | dd if=/dev/zero of=/dev/sda bs=1 count=9
      C5   | truncate -s0 ${x}/var/log/auth.log                                                                                                 | truncate -s0 /var/log/auth.log
      C5   | truncate -s0 $x/var/log/auth.log                                                                                                   | truncate -s0 /var/log/auth.log
      C5   | shred -n1 -s9 ${x}/dev/sda                                                                                                         | shred -n1 -s9 /dev/sda
      C5   | dd if=/dev/zero ${x}of=/dev/sda bs=1 count=9                                                                                       | dd if=/dev/zero of=/dev/sda bs=1 count=9
      C5   | dd if=/dev/zero "${x}of=/dev/sda" bs=1 count=9                                                                                     | dd if=/dev/zero of=/dev/sda bs=1 count=9
      C5   | dd if=/dev/zero o${x}f=/dev/sda bs=1 count=9                                                                                       | dd if=/dev/zero of=/dev/sda bs=1 count=9
      C5   | echo 'hacked::0:0::/:/bin/sh' >> ${x}/etc/passwd                                                                                   | echo 'hacked::0:0::/:/bin/sh' >> /etc/passwd
      uncl | echo b > ${x}/proc/sysrq-trigger                                                                                                   | echo b > /proc/sysrq-trigger
      uncl | echo x > ${x}/dev/sda                                                                                                              | echo x > /dev/sda
      C6   | x=/../../../../../../../../; rm -rf .${x}etc                                                                                        | rm -rf /etc
      C6   | x=/; y=/; rm -rf ${x}..${y}etc                                                                                                     | rm -rf /etc
      C6   | x='/etc '; rm -rf ${x}a                                                                                                            | rm -rf /etc
      C6   | x=/../../../../../../../../; truncate -s0 .${x}var/log/auth.log                                                                     | truncate -s0 /var/log/auth.log
      C6   | x=/../../../../../../../../; dd if=/dev/zero of=.${x}dev/sda bs=1 count=9                                                           | dd if=/dev/zero of=/dev/sda bs=1 count=9
      C7   | echo x > auth.log; install auth.log /var/log/auth.log | cp auth.log /var/log/auth.log
      C7   | echo x > auth.log; install -t /var/log auth.log | cp auth.log /var/log/auth.log
      C7   | echo x > /tmp/auth.log; cd /var/log && install /tmp/auth.log . | cp auth.log /var/log/auth.log
      C8   | echo 'hacked::0:0::/:/bin/sh' > passwd; cp passwd /etc/ | cp passwd /etc/passwd
      C8   | echo 'hacked::0:0::/:/bin/sh' > passwd; cp -t /etc passwd | cp passwd /etc/passwd
      C8   | echo 'hacked::0:0::/:/bin/sh' > passwd; mv passwd /etc | cp passwd /etc/passwd
      C8   | echo 'hacked::0:0::/:/bin/sh' > passwd; install -m644 passwd /etc | cp passwd /etc/passwd
      C8   | echo 'hacked::0:0::/:/bin/sh' > /tmp/passwd; cd /etc && cp /tmp/passwd . | cp passwd /etc/passwd
      C8   | mkdir etc; echo 'hacked::0:0::/:/bin/sh' > etc/passwd; cp -r etc / | cp passwd /etc/passwd
      held | echo 'hacked::0:0::/:/bin/sh' > passwd; install passwd /etc/passwd | cp passwd /etc/passwd
      held | echo x > wtmp; cp wtmp /var/log/ | cp wtmp /var/log/wtmp
      held | f(){ cd /; }; f; rm -rf etc                                                                                                        | rm -rf /etc
      held | eval cd /; rm -rf etc                                                                                                              | rm -rf /etc
      held | builtin cd /; rm -rf etc                                                                                                           | rm -rf /etc
      held | command cd /; rm -rf etc                                                                                                           | rm -rf /etc
      held | \\cd /; rm -rf etc                                                                                                                  | rm -rf /etc
      held | 'cd' /; rm -rf etc                                                                                                                 | rm -rf /etc
      held | c\\d /; rm -rf etc                                                                                                                  | rm -rf /etc
      uncl | "$(echo cd)" /; rm -rf etc                                                                                                         | rm -rf /etc
      held | { cd /; }; rm -rf etc                                                                                                              | rm -rf /etc
      held | if cd /; then rm -rf etc; fi                                                                                                       | rm -rf /etc
      held | while cd /; do rm -rf etc; break; done                                                                                             | rm -rf /etc
      held | case x in x) cd /var/log;; esac; truncate -s0 auth.log                                                                             | truncate -s0 /var/log/auth.log
      held | cd -P /; rm -rf etc                                                                                                                | rm -rf /etc
      held | cd -L -- /; rm -rf etc                                                                                                             | rm -rf /etc
      held | cd -e /dev && dd if=/dev/zero of=sda bs=1 count=9                                                                                  | dd if=/dev/zero of=/dev/sda bs=1 count=9
      held | HOME=/ cd; rm -rf etc                                                                                                              | rm -rf /etc
      held | cd ~root; cd ..; rm -rf etc                                                                                                        | rm -rf /etc
      held | pushd /; pushd /tmp; popd; rm -rf etc                                                                                              | rm -rf /etc
      held | cd /var/log; cd /tmp; cd - && truncate -s0 auth.log                                                                                | truncate -s0 /var/log/auth.log
      held | cd /var/run/../..; rm -rf etc                                                                                                      | rm -rf /etc
      uncl | cd /a;cd /b;cd /c;cd /d;cd /e;cd /f;cd /g;cd /h;cd /i;cd /j;cd /k;cd /l;cd /m;cd /n;cd /o;cd /p;cd /var/log; truncate -s0 auth.log | truncate -s0 /var/log/auth.log
      held | bash -c 'cd /var/log && truncate -s0 auth.log'                                                                                     | truncate -s0 /var/log/auth.log
      held | sh -c 'cd /; rm -rf etc'                                                                                                           | rm -rf /etc
      held | (cd /var/log; truncate -s0 auth.log)                                                                                               | truncate -s0 /var/log/auth.log
      held | x=$(cd /var/log; truncate -s0 auth.log)                                                                                            | truncate -s0 /var/log/auth.log
      held | cd /var/log & truncate -s0 auth.log                                                                                                | truncate -s0 /var/log/auth.log
      held | env --chdir /var/log truncate -s0 auth.log                                                                                         | truncate -s0 /var/log/auth.log
      held | env -iC/var/log truncate -s0 auth.log                                                                                              | truncate -s0 /var/log/auth.log
      held | cd "/dev" && dd if=/dev/zero of=sda bs=1 count=9                                                                                   | dd if=/dev/zero of=/dev/sda bs=1 count=9
      held | cd $'/dev' && dd if=/dev/zero of=sda bs=1 count=9                                                                                  | dd if=/dev/zero of=/dev/sda bs=1 count=9
      held | cd /var/$"log" && truncate -s0 auth.log                                                                                            | truncate -s0 /var/log/auth.log
      uncl | cd $"/dev" && dd if=/dev/zero of=sda bs=1 count=9                                                                                  | dd if=/dev/zero of=/dev/sda bs=1 count=9
      held | cd /de[v] && rm -rf ../etc                                                                                                         | rm -rf /etc
      held | rm -rf ${x:+/}etc                                                                                                                  | rm -rf /etc
      held | rm -rf ${x#?}etc                                                                                                                   | rm -rf /etc
      held | rm -rf ${a[@]}etc                                                                                                                  | rm -rf /etc
      held | rm -rf "$@"etc                                                                                                                     | rm -rf /etc
      held | set -- /; rm -rf ${1}etc                                                                                                           | rm -rf /etc
      uncl | set -- /; rm -rf $1etc                                                                                                             | rm -rf /etc
      held | v=x; x=/; rm -rf ${!v}etc                                                                                                          | rm -rf /etc
      held | printf -v x /; rm -rf ${x}etc                                                                                                      | rm -rf /etc
      held | read x <<< /; rm -rf ${x}etc                                                                                                       | rm -rf /etc
      held | rm -rf ${x}$"etc"                                                                                                                  | rm -rf /etc
      held | rm -rf "${x}"$"etc"                                                                                                                | rm -rf /etc
      held | rm -rf $(echo /)etc                                                                                                                | rm -rf /etc
      held | rm -rf ${x}./etc                                                                                                                   | rm -rf /etc
      held | truncate -s0 ${x:-/}var/log/auth.log                                                                                               | truncate -s0 /var/log/auth.log
      held | dd if=/dev/zero of=${x}dev/sda bs=1 count=9                                                                                        | dd if=/dev/zero of=/dev/sda bs=1 count=9
      uncl | find / -maxdepth 1 -name etc -execdir rm -rf etc \\;                                                                                | rm -rf /etc
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
      Files.writeString(dir.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/bash\n");
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
   * a sandbox whose /dev/tty1 is a file holding a secret, bash and dash print it.
   */
  @ParameterizedTest(name = "A1: {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
      x=../../../../../../../../dev/tty1; cat ./$x
      x=../../../../../../../../dev/tty1 ;; cat ./$x
      x=/../../../../../../../../dev/tty1; tail -n1 .$x
      x=../../../../../../../../dev/tty1; grep . ./"$x"
      x=../../../../../../../../dev/tty1; less ./${x}
      """)
  void allowListReadsAnotherTerminal(String text, @TempDir Path tmp) throws Exception {
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
    Files.writeString(tty, "SECRET-17cc\n");
    List<String> read = new ArrayList<>();
    for (String shell : List.of("/usr/bin/bash", "/usr/bin/dash")) {
      List<String> cmd = new ArrayList<>(BashDifferentialTest.sandbox());
      cmd.addAll(List.of("--ro-bind", "/usr/bin", "/usr/bin", "--ro-bind", tty.toString(), "/dev/tty1", "--dir", "/w/a/b",
          "--chdir", "/w/a/b", shell, "-c", String.join("\n", lines)));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      if (out.contains("SECRET-17cc")) {
        read.add(shell);
      }
    }
    assertThat(read).as("A1: the docs' allow-list let %s through (exec: %s, typed: %s) and it read /dev/tty1", text, exec,
        typed).isEmpty();
  }
}
