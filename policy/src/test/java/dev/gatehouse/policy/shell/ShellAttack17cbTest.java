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
 * Attack pass 17cb on the kernel-link readings of 060f5f89, 77130922 and 67997bda ({@code
 * KernelPaths.linkTarget}/{@code resolved}, {@code ShellClass.normalize}, directory-stack tildes):
 * paths through kernel links, {@code ..}, patterns, tildes, relative names after a {@code cd},
 * variables and locale strings. Judge: {@link ShellJudgeTest#DEFAULT} (the default deny-list); the
 * docs' allow-list ({@link ShellAttack17buTest#DOCS_LIVE}) was probed too and held. Each text is judged
 * as an exec request and as a typed line (a text written {@code A ;; B} is typed as two lines, each
 * judged alone, and run as one script). Every failing case was run under bash 5.2.15 and dash 0.5.12
 * (Debian 12) in a throwaway bubblewrap sandbox whose {@code /etc}, {@code /var/log}, {@code /dev/sda}
 * (and, for the {@code power} cases, a fake {@code /proc} holding {@code sysrq-trigger}) are files of
 * the test's temporary directory; the failing cases changed them as the plain spelling would.
 *
 * <p><b>L1, a pattern over {@code /var/run}</b> (exec and typed). 060f5f89 follows {@code /var/run}
 * ({@code /run}) before a {@code ..} only when its name is spelt out: {@code rm -rf /var/run/../etc}
 * is blocked, but {@code rm -rf /var/r?n/../etc}, {@code /var/ru[n]/../etc} and {@code /var/*}{@code
 * /../etc} are allowed; bash expands the pattern to {@code /var/run/../etc}, which the kernel reads as
 * {@code /run/../etc} = {@code /etc} (emptied). {@code /var} is not one of {@code LINKED_TREES}, so
 * the {@code ..} is not even unclassified (the fixer's own {@code /pr?c/net/../root/etc} is review).
 * Same for other classes: {@code truncate -s0 /var/r?n/../var/log/auth.log} ({@code audit-tamper}),
 * {@code shred -n1 -s9 /var/r?n/../dev/sda} ({@code raw-device-write}), {@code echo … >>
 * /var/r?n/../etc/passwd} ({@code user-change}; bash globs a redirection's word, dash does not).
 * Fix: in {@code resolved}/{@code normalize}, when a component before a {@code ..} is a pattern that
 * could match a link's name ({@code PathPatterns.componentCouldBe} against {@code linkTarget}'s
 * names, {@code run}, {@code lock}, {@code fd}, {@code net}, …), read the path both ways (the
 * strictest), or call it unclassified as under {@code /proc}.
 *
 * <p><b>L2, a relative name through a magic link after a literal {@code cd}</b> (exec and typed).
 * The judge knows the working directory a {@code cd} in the same text sets ({@code cd / && rm -rf
 * etc} is blocked, {@code cd /proc/self && rm -rf root/etc} is unclassified), but {@code KernelPaths}
 * only reads absolute names: {@code cd /proc && rm -rf self/root/etc} is allowed and emptied {@code
 * /etc} (also {@code thread-self/root/etc}, {@code pushd /proc}, {@code env -C /proc rm …}, {@code cd
 * /dev && rm -rf fd/3/etc 3</}, {@code stdin/etc </}), as are {@code cd /proc && echo … >>
 * self/root/etc/passwd}, {@code dd of=self/root/dev/sda}, {@code truncate -s0
 * self/root/var/log/auth.log}, {@code chmod -R 777 self/root/etc}, {@code find self/root/etc
 * -delete}. Typed as two lines ({@code cd /proc}, then {@code rm -rf self/root/etc}) the second is
 * allowed too, although the docs hold {@code rm -rf etc} alone for exactly that reason (a {@code cd}
 * on an earlier line is not seen). Fix: join a relative operand to the known working directory
 * before {@code KernelPaths.resolved} (an unknown one: read a relative name whose first components
 * could be {@code self}/{@code thread-self}/a number then {@code root}/{@code cwd}/{@code fd/N}, or
 * {@code fd/N}, {@code stdin}… as one from an unknown directory, unclassified).
 *
 * <p><b>L3, relative names after a literal {@code cd} for the non-delete classes</b> (exec and
 * typed). Only the recursive deletes read a relative target against the {@code cd}; every other path
 * class reads absolute names only: {@code cd /etc && echo … >> passwd} ({@code user-change}),
 * {@code cd /etc && cp … sudoers}, {@code cd /etc && sed -i … passwd}, {@code cd / && echo … >>
 * etc/passwd}, {@code cd /etc && echo '* * * * * root id' >> crontab} ({@code scheduler-change}; judged
 * only: {@code cd /etc/cron.d && echo … > x}, {@code cd /var/spool/cron/crontabs && echo … >> root},
 * {@code cd /etc/sudoers.d && echo … > x}, {@code cd ~/.ssh && echo … >> authorized_keys}, all
 * allowed), {@code cd /var/log && truncate -s0 auth.log} and {@code rm wtmp} ({@code
 * audit-tamper}, block), {@code cd /dev && dd of=sda}, {@code cd / && shred … dev/sda} ({@code
 * raw-device-write}, block), {@code cd /proc && echo b > sysrq-trigger} and {@code cd / && echo b >
 * proc/sysrq-trigger} ({@code power}, block; run only against a fake {@code /proc}) are all allowed
 * and did their class's work. Fix: resolve every path-class operand and redirection target against
 * the working directory the text sets ({@code cd}, {@code pushd}, {@code env -C}), as {@code
 * recursive-delete-root} does.
 *
 * <p><b>L4, a variable glued before a system directory's name</b> (exec and typed). {@code rm -rf
 * $x/etc} and {@code rm -rf "$x"} are unclassified (a recursive delete of a path only known when it
 * runs), but {@code rm -rf ${x}etc} is allowed, even where the text sets the value: {@code x=/; rm
 * -rf ${x}etc}, {@code rm -rf ${x:-/}etc}, {@code cd / && rm -rf ${PWD}etc} (docs: {@code ~+} is
 * {@code $PWD}, and {@code cd / && rm -rf ~+/etc} is blocked), {@code "$PWD"etc}, {@code chmod -R
 * 777 ${PWD}etc}: each emptied or opened {@code /etc}. Fix: a recursive delete (and {@code -R}
 * chmod/chown) whose word starts with an unknown part is unclassified whatever follows it, or
 * substitute a value the text sets ({@code PWD} after a literal {@code cd}, {@code x=/}) before the
 * class reads it.
 *
 * <p><b>L5, a locale string {@code $"…"} inside a path</b> (bash only; dash reads {@code $"x"} as
 * {@code $x}). bash without a message catalogue reads {@code $"root"} as {@code root}; {@code
 * ShellWords} reads a {@code translated_string} with no {@code string} child as unknown, and an
 * unknown part in the middle of a path is read as a harmless name: {@code dd if=/dev/zero
 * of=$"/dev/sda"} (exec and typed: allowed, wrote the disk; {@code of=$'/dev/sda'} is blocked),
 * {@code of=$"/dev/"sda}, {@code "of="$"/dev/sda"}, {@code rm -rf /proc/self/ro$"ot"/etc} (exec and
 * typed) and {@code rm -rf /proc/self/$"root"/etc} (exec; typed it is {@code guard-tamper}). Fix: read
 * {@code $"…"} as its double-quoted contents (bash's reading when no catalogue translates it; a
 * {@code TEXTDOMAIN}/{@code TEXTDOMAINDIR} set in the text is already a reason to fail closed), or an
 * unknown part anywhere in a path-class word as "could be anything" (unclassified).
 *
 * <p>Tried and refused (the held cases below pass): {@code /lib/../../etc}, {@code /bin/../etc},
 * {@code /sbin/../../etc}, {@code /usr/bin/X11/../../../etc}, {@code /etc/ssl/certs/../../../etc}
 * (read by their letters, which on merged-usr reach the same place or a harmless {@code /usr/etc}),
 * {@code /proc/self/net/../root/etc}, {@code /proc/mounts/../root/etc}, {@code /dev/fd/../cwd/../etc},
 * {@code /var/lock/../../etc}, {@code /var/{run,x}/../etc}, {@code /dev/{fd,x}/../root/etc}, {@code
 * /dev/fd/{..,x}/root/etc}, {@code /dev/fd/.{.,}/root/etc}, {@code /dev/fd/$'..'/root/etc}, {@code
 * /proc/self/[r]oot/etc}, {@code r[o]ot}, {@code roo\t}, {@code roo't'}, {@code $'\x72'oot}, {@code
 * {root,}}, tildes {@code ~+10}, {@code ~10}, {@code ~-0}, {@code ~0/../etc}, {@code ~0}, {@code ~+},
 * {@code ~-} after {@code cd /}, {@code cd /proc/self/root/etc && rm -rf *}, {@code cd /var && rm -rf
 * r?n/../etc}, {@code cd /var/r?n && rm -rf ../etc}, {@code cd /dev && rm -rf fd/../root/etc}; raw
 * devices by other names ({@code /dev/disk/by-id/…}, {@code /dev/root}, {@code /dev/mapper/…}, {@code
 * /dev/dm-0}, {@code /dev/disk/by-id/../../sda}, {@code /dev/char/../sda}); {@code power} through
 * {@code ..} ({@code /dev/fd/../../sysrq-trigger}, {@code /proc/net/../../sysrq-trigger}, {@code
 * /proc/sys/kernel/../../sysrq-trigger}, {@code /proc/sysrq-trigge?}); unclassified (review) and not
 * filed: {@code /pr?c/net/../root/etc}, {@code /dev/std*}{@code /../../root/etc}, {@code
 * /dev/f?/../root/etc}, {@code /sys/dev/block/8:0/../../../dev/sda}, {@code cd /var/run && rm -rf
 * ../../etc}, {@code a=x:~0/etc}, {@code --no-preserve-root=~0/etc}, extglob {@code @(root)}, {@code
 * $"/etc"} as a whole word. The docs' allow-list refused every terminal read tried ({@code
 * /var/r?n/../dev/pts/N}, {@code /var/run/../proc/1/fd/0}, {@code /dev/$"pts"/N}, {@code
 * /proc/1234/$"fd"/0}, {@code /de$"v"/pts/N}, {@code ${x}/dev/pts/N}, {@code cd /proc} then {@code cat
 * 1234/fd/0}). Not filed: {@code echo mem > /sys/power/state} and {@code echo 1 >
 * /proc/sys/kernel/sysrq} are allowed, but the {@code power} class does not name them (a deny-list
 * gap, not a weaker reading); {@code dd of=/dev/block/8:0} is allowed likewise (a device under another
 * name the docs list as depending on the machine).
 *
 * <p>At a331db5a: 66 cases, 39 failing (every L case: L1 6, L2 12, L3 11, L4 5, L5 5), 27 held.
 * History files are the one class read after a {@code cd}: {@code cd /root && rm -f .bash_history} is blocked.
 */
class ShellAttack17cbTest {
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
   * A bubblewrap sandbox whose /etc, /var/log and /dev/sda are files of {@code dir}; with {@code
   * fakeProc}, /proc is {@code dir/proc} (holding a plain file {@code sysrq-trigger}) instead of a
   * real procfs. Runs {@code shell -c text}.
   */
  private static String runSandboxed(Path dir, String shell, String text, boolean fakeProc) throws Exception {
    List<String> cmd = new ArrayList<>();
    for (String a : BashDifferentialTest.sandbox()) {
      cmd.add(a);
    }
    if (fakeProc) {
      int at = cmd.indexOf("--proc");
      cmd.set(at, "--bind");
      cmd.add(at + 1, dir.resolve("proc").toString());
    }
    cmd.addAll(List.of("--ro-bind", "/usr/bin", "/usr/bin", "--bind", dir.resolve("etc").toString(), "/etc",
        "--bind", dir.resolve("disk").toString(), "/dev/sda", "--bind", dir.resolve("log").toString(), "/var/log",
        "--dir", "/run", "--symlink", "/run", "/var/run", "--chdir", "/tmp", shell, "-c", text));
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
   * {@code text} does what {@code plain} names; judged (exec or typed) weaker than {@code plain}, it
   * must not change the sandbox's /etc, /var/log, /dev/sda or (fake) /proc/sysrq-trigger under bash or
   * dash.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
      L1 | rm -rf /var/r?n/../etc                                   | rm -rf /etc
      L1 | rm -rf /var/ru[n]/../etc                                 | rm -rf /etc
      L1 | rm -rf /var/*/../etc                                     | rm -rf /etc
      L1 | truncate -s0 /var/r?n/../var/log/auth.log                | truncate -s0 /var/log/auth.log
      L1 | shred -n1 -s9 /var/r?n/../dev/sda                        | shred -n1 -s9 /dev/sda
      L1 | echo 'hacked::0:0::/:/bin/sh' >> /var/r?n/../etc/passwd  | echo 'hacked::0:0::/:/bin/sh' >> /etc/passwd
      L2 | cd /proc && rm -rf self/root/etc                         | rm -rf /etc
      L2 | cd /proc/ && rm -rf thread-self/root/etc                 | rm -rf /etc
      L2 | pushd /proc && rm -rf self/root/etc                      | rm -rf /etc
      L2 | env -C /proc rm -rf self/root/etc                        | rm -rf /etc
      L2 | cd /dev && rm -rf fd/3/etc 3</                           | rm -rf /etc
      L2 | cd /dev && rm -rf stdin/etc </                           | rm -rf /etc
      L2 | cd /proc && chmod -R 777 self/root/etc                   | chmod -R 777 /etc
      L2 | cd /proc && find self/root/etc -delete                   | find /etc -delete
      L2 | cd /proc && echo 'hacked::0:0::/:/bin/sh' >> self/root/etc/passwd | echo 'hacked::0:0::/:/bin/sh' >> /etc/passwd
      L2 | cd /proc && dd if=/dev/zero of=self/root/dev/sda bs=1 count=9 | dd if=/dev/zero of=/dev/sda bs=1 count=9
      L2 | cd /proc && truncate -s0 self/root/var/log/auth.log      | truncate -s0 /var/log/auth.log
      L2 | cd /proc ;; rm -rf self/root/etc                         | rm -rf /etc
      L3 | cd /etc && echo 'hacked::0:0::/:/bin/sh' >> passwd       | echo 'hacked::0:0::/:/bin/sh' >> /etc/passwd
      L3 | cd / && echo 'hacked::0:0::/:/bin/sh' >> etc/passwd     | echo 'hacked::0:0::/:/bin/sh' >> /etc/passwd
      L3 | cd /etc && cp /usr/bin/true sudoers                     | cp /usr/bin/true /etc/sudoers
      L3 | cd /etc && sed -i s/root/hacked/ passwd                  | sed -i s/root/hacked/ /etc/passwd
      L3 | cd /var/log && truncate -s0 auth.log                     | truncate -s0 /var/log/auth.log
      L3 | cd /var/log && rm wtmp                                   | rm /var/log/wtmp
      L3 | cd /dev && dd if=/dev/zero of=sda bs=1 count=9           | dd if=/dev/zero of=/dev/sda bs=1 count=9
      L3 | cd / && shred -n1 -s9 dev/sda                            | shred -n1 -s9 /dev/sda
      L3 | cd /etc && echo '* * * * * root id' >> crontab         | echo '* * * * * root id' >> /etc/crontab
      L3 | cd /proc && echo b > sysrq-trigger                       | echo b > /proc/sysrq-trigger
      L3 | cd / && echo b > proc/sysrq-trigger                      | echo b > /proc/sysrq-trigger
      L4 | x=/; rm -rf ${x}etc                                      | rm -rf /etc
      L4 | rm -rf ${x:-/}etc                                        | rm -rf /etc
      L4 | cd / && rm -rf ${PWD}etc                                 | rm -rf /etc
      L4 | cd / && rm -rf "$PWD"etc                                 | rm -rf /etc
      L4 | cd / && chmod -R 777 ${PWD}etc                           | chmod -R 777 /etc
      L5 | dd if=/dev/zero of=$"/dev/sda" bs=1 count=9              | dd if=/dev/zero of=/dev/sda bs=1 count=9
      L5 | dd if=/dev/zero of=$"/dev/"sda bs=1 count=9              | dd if=/dev/zero of=/dev/sda bs=1 count=9
      L5 | dd if=/dev/zero "of="$"/dev/sda" bs=1 count=9            | dd if=/dev/zero of=/dev/sda bs=1 count=9
      L5 | rm -rf /proc/self/ro$"ot"/etc                            | rm -rf /etc
      L5 | rm -rf /proc/self/$"root"/etc                            | rm -rf /etc
      held | rm -rf /lib/../../etc                                  | rm -rf /etc
      held | rm -rf /sbin/../../etc                                 | rm -rf /etc
      held | rm -rf /usr/bin/X11/../../../etc                       | rm -rf /etc
      held | rm -rf /etc/ssl/certs/../../../etc                     | rm -rf /etc
      held | rm -rf /var/run/../etc                                 | rm -rf /etc
      held | rm -rf /var/{run,x}/../etc                             | rm -rf /etc
      held | rm -rf /var/lock/../../etc                             | rm -rf /etc
      held | rm -rf /proc/self/net/../root/etc                      | rm -rf /etc
      held | rm -rf /proc/mounts/../root/etc                        | rm -rf /etc
      held | rm -rf /dev/fd/../cwd/../etc                           | rm -rf /etc
      held | rm -rf /dev/{fd,x}/../root/etc                         | rm -rf /etc
      held | rm -rf /dev/fd/{..,x}/root/etc                         | rm -rf /etc
      held | rm -rf /dev/fd/.{.,}/root/etc                          | rm -rf /etc
      held | rm -rf /dev/fd/$'..'/root/etc                          | rm -rf /etc
      held | rm -rf /proc/self/[r]oot/etc                           | rm -rf /etc
      held | rm -rf /proc/self/r[o]ot/etc                           | rm -rf /etc
      held | rm -rf /proc/self/roo\\t/etc                           | rm -rf /etc
      held | rm -rf /proc/self/$'\\x72'oot/etc                      | rm -rf /etc
      held | cd / && rm -rf ~+10/etc                                | rm -rf /etc
      held | cd / && rm -rf ~-0/etc                                 | rm -rf /etc
      held | cd / && rm -rf ~0/../etc                               | rm -rf /etc
      held | cd /var && rm -rf r?n/../etc                           | rm -rf /etc
      held | cd /var/r?n && rm -rf ../etc                           | rm -rf /etc
      held | cd /dev && rm -rf fd/../root/etc                       | rm -rf /etc
      held | cd /proc/self/root/etc && rm -rf *                     | rm -rf /etc
      held | dd if=/dev/zero of=/dev/fd/../../self/root/dev/sda bs=1 count=9 | dd if=/dev/zero of=/dev/sda bs=1 count=9
      held | echo b > /proc/sys/kernel/../../sysrq-trigger          | echo b > /proc/sysrq-trigger
      """)
  void pathReachedWithWeakerVerdict(String finding, String text, String plain, @TempDir Path tmp) throws Exception {
    dev.gatehouse.policy.Verdict base = DEFAULT.judge(plain).verdict();
    assertThat(rank(base)).as("the plain spelling %s is judged: %s", plain, base).isPositive();
    dev.gatehouse.policy.Verdict[] v = judged(text);
    if (rank(v[0]) >= rank(base) && rank(v[1]) >= rank(base)) {
      return;
    }
    boolean fakeProc = plain.contains("sysrq-trigger");
    assertThat(fakeProc && !text.contains("sysrq-trigger")).isFalse();
    String script = String.join("\n", text.split(" ;; "));
    List<String> changed = new ArrayList<>();
    for (String shell : List.of("/usr/bin/bash", "/usr/bin/dash")) {
      if (script.contains("pushd") && shell.endsWith("dash")) {
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
}
