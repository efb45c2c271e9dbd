package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attack pass 17bz on the newest readings: {@code KernelPaths} (commit a8a8e903 and kin) and {@code
 * AllowListReach} (44a552eb, de6f7496, 429a4b82). Judges: {@link ShellJudgeTest#DEFAULT} (the default
 * deny-list) and {@link ShellAttack17buTest#DOCS_LIVE} (the docs' allow-list). A text of several lines
 * written {@code A ;; B} is typed as two lines (each judged alone). Every witness ran under bash
 * 5.2.15 and dash 0.5.12 (Debian 12) in a throwaway bubblewrap sandbox (deny-list cases: its {@code
 * /etc} and {@code /dev/sda} are files of the test's temporary directory) or against a real victim
 * terminal made by {@code script} (allow-list cases); the failing cases did what the test asserts
 * they must not.
 *
 * <p><b>K1, {@code ..} after a symlink the kernel gives every process</b> (deny-list, exec and typed).
 * {@code /dev/fd} is a symlink to {@code /proc/self/fd}, {@code /proc/net} to {@code self/net}, {@code
 * /proc/thread-self} to {@code PID/task/TID}; the kernel follows the link before {@code ..}, so {@code
 * /dev/fd/..} is {@code /proc/PID} and {@code /dev/fd/../root} is that process's root, {@code /}.
 * {@code ShellClass.normalize} and {@code KernelPaths.resolved} drop {@code ..} with the component
 * before it by their letters: {@code /dev/fd/../root/etc} reads as {@code /dev/root/etc} (nothing), and
 * {@code /proc/net/../root/etc} as {@code /proc/root/etc}. Allowed, and each did the work of its class
 * on the sandbox's {@code /etc} or {@code /dev/sda}: {@code rm -rf /dev/fd/../root/etc} (class {@code
 * recursive-delete-root}, block; it emptied {@code /etc}), {@code rm -rf /proc/net/../root/etc}, {@code rm -rf
 * /proc/thread-self/../../root/etc}, {@code echo … >> /dev/fd/../root/etc/passwd} ({@code
 * user-change}, review; it added a user line), {@code dd if=/dev/zero of=/dev/fd/../root/dev/sda}
 * ({@code raw-device-write}, block; it wrote the disk), {@code chmod -R 777 /dev/fd/../root/etc}, {@code
 * cp x /dev/fd/../root/etc/sudoers}. Fix: in {@code KernelPaths.resolved} (and {@code normalize} where a
 * class reads a path), follow the kernel's own links before {@code ..}: {@code /dev/fd} →
 * {@code /proc/self/fd}, {@code /dev/stdin|stdout|stderr} → {@code /proc/self/fd/0|1|2}, {@code
 * /proc/net} and {@code /proc/mounts} → {@code /proc/self/…}, {@code /proc/thread-self} → {@code
 * /proc/self/task/T}; or read any {@code ..} that follows {@code /dev/fd}, {@code /proc/…} as a
 * path from an unknown directory (unclassified). {@code /var/run/..} (the distribution's link to
 * {@code /run}) is the same on almost every machine: {@code rm -rf /var/run/../etc} reads as {@code
 * /var/etc}; docs/security-model.md's "meaning that depends on the machine" may be taken to cover it,
 * so it is listed, not filed.
 *
 * <p><b>K2, a pattern over the magic link's name</b> (deny-list, exec and typed). {@code
 * /proc/self/roo?/etc}: bash expands the pattern to {@code /proc/self/root/etc} (its own process's
 * root, {@code /}), and {@code rm} resolves that in its own process; {@code KernelPaths} matches
 * {@code root} by its letters only, so a pattern in the components up to {@code root} ({@code roo?},
 * {@code r*t}, {@code sel?}, {@code *}) is read as a path under {@code /proc}. Allowed: {@code rm -rf
 * /proc/self/roo?/etc} (emptied the sandbox's {@code /etc}), {@code rm -rf /proc/self/roo?/*}.
 * Fix: a pattern whose known start is {@code /proc/} (or {@code /dev/f}, {@code /dev/std}) and
 * that may match a magic link ({@code root}, {@code cwd}, {@code fd/N}) is read from the root with the
 * rest as a pattern, or unclassified. Its descriptor form (A2's, deny-list): {@code { rm -rf /dev/f?/3/etc;
 * } 3</} (bash opens {@code /} on 3 for the group, then expands the pattern to {@code /dev/fd/3/etc}: the
 * sandbox's {@code /etc} emptied), {@code { rm -rf /dev/std?n/etc; } </}, {@code /proc/self/f?/3/etc}, and
 * exec {@code exec 3</; rm -rf /dev/f?/3/etc}; the unpatterned {@code rm -rf /dev/fd/3/etc 3</} is blocked.
 *
 * <p><b>A1, another session's terminal through {@code /dev/fd/../../PID/fd/0}</b> (allow-list, exec and
 * typed). {@code DescriptorNames} and {@code TerminalDevices} read the name by its letters after
 * {@code normalize}: {@code /1234/fd/0}, no terminal. The kernel reads {@code /proc/self/fd/../..} =
 * {@code /proc}, then {@code /proc/1234/fd/0}, the victim's terminal. Allowed: {@code grep -m1 secret
 * /dev/fd/../../PID/fd/0} read what was typed into the victim's terminal. Fix: as K1.
 *
 * <p><b>A2, a directory descriptor reached by a pattern</b> (allow-list, exec and typed): {@code {
 * grep -m1 secret /dev/f?/3/pts/N; } 3</dev}. The read redirection opens {@code /dev} (not a terminal)
 * on 3 before the group's words are expanded; bash expands {@code /dev/f?/3/pts/N} to {@code
 * /dev/fd/3/pts/N}, which grep opens as {@code /dev/pts/N}. {@code KernelPaths} only knows {@code
 * /dev/fd/N/…} by its letters (a pattern before it is not resolved, so it is not unclassified), and
 * {@code mayNameTerminal}'s pattern check only looks at starts on the way to a terminal ({@code
 * /dev/f} is not one). Also {@code /proc/self/f?/3/pts/N}. Fix: a pattern whose known start may
 * reach {@code /dev/fd}, {@code /dev/std…} or {@code /proc/…/fd}, {@code cwd}, {@code root} is a name
 * in an unknown directory (unclassified; in allow-list mode a possible terminal); and/or refuse a read
 * redirection of a directory ({@code 3</dev}, {@code 3</proc}) in allow-list mode.
 *
 * <p><b>K3, the directory stack's tildes</b> (deny-list, exec and typed): {@code ~0}, {@code ~+0},
 * {@code ~-0}, {@code ~N} are bash's {@code dirs +N}/{@code -N} (the working directory, the previous
 * one, a stacked one); {@code KernelPaths} knows only {@code ~+} and {@code ~-} ({@code ~+/etc} is read
 * from the root and blocked), so {@code ~0/etc} is read as the home of a user {@code 0}. Allowed, and
 * bash did the work: {@code cd / && rm -rf ~0/etc} (emptied {@code /etc}; typed: {@code cd /}, then
 * {@code rm -rf ~0/etc}), {@code ~+0/etc}, {@code >> ~0/etc/passwd}, {@code dd of=~0/dev/sda},
 * {@code truncate -s0 ~0/var/log/auth.log} ({@code audit-tamper}). dash does not expand them. Fix: read
 * {@code ~[+-]?[0-9]+} (and {@code ~+}/{@code ~-} with a number) as {@code ~+}/{@code ~-} are read.
 *
 * <p><b>A3, the {@code cd} refusal of 44a552eb passed by K1</b> (allow-list, typed and exec):
 * {@code cd /dev/fd/../../self/root/dev} normalizes to {@code /self/root/dev}, neither {@code /dev} nor
 * {@code /proc}, so {@code AllowListReach.changesDirectoryOutOfSight} lets it through; bash (logical
 * mode) finds no {@code /self/root/dev} and changes to the name as given, which the kernel reads as
 * {@code /dev}. The next typed line {@code grep -m1 secret pts/N} (no {@code dev} component) read the
 * victim's terminal; so did {@code cd /dev/fd/../../PID/fd} then {@code grep … 0}, and exec {@code cd -P
 * /proc/net/../../PID/fd && grep … 0} ({@code TerminalDevices} takes the directory as {@code
 * /PID/fd}). Also A2's cousin {@code { grep … /dev/std?n/pts/N; } </dev} and K1's {@code
 * /proc/net/../fd/3/pts/N 3</dev}. Fix: as K1 (follow the kernel's links before {@code ..}); for {@code
 * cd}, also refuse a {@code ..} after any component in allow-list mode (bash's fallback to the name as
 * given makes a logical reading unsafe).
 *
 * <p>Tried and refused (passing cases below): {@code /proc/self/root/dev/pts/N}, {@code
 * /proc/1/task/1/root/…}, {@code /proc/[s]elf/root/dev/pts/N}, {@code /proc/*}{@code /root/dev/pts/N},
 * {@code /proc/self/roo?/dev/pts/N} and {@code /dev/fd/../root/dev/pts/N} in allow-list mode (the
 * terminal check looks at every {@code /dev/} inside the word), {@code ~+/dev/pts/N}, {@code
 * /dev/fd/3/pts/N 3</dev} (unclassified), {@code exec 3</dev} typed (guard-tamper), {@code mkfs.ext4
 * /dev/fd/../root/dev/sda} (the class reads the device's last name); exec {@code cd /dev/fd/../../self/root/dev
 * && grep … pts/N}; deny-list: {@code /proc/sel?/root/etc}, {@code /proc/*}{@code /root/etc}, {@code
 * /proc/self/root/e?c}, {@code /proc/self/{root,x}/etc}, {@code /proc/1/task/1/root/etc}, {@code
 * /proc/self/fd/../root/etc}, {@code cd /proc/net/.. && rm -rf root/etc}, {@code cd /dev/fd/.. && rm -rf
 * root/etc}, {@code chown -R x /dev/fd/../root/etc} (allowed, but chown needs root: not proven),
 * {@code ~+/etc}, {@code ~-/etc}, {@code journalctl --vacuum-s=1}/{@code --rotate} (audit-tamper).
 * Judged only, not run: {@code echo b > /dev/fd/../root/proc/sysrq-trigger} (class {@code power},
 * allowed: K1) and {@code rm -rf /dev/fd/../root/boot}, {@code /home} (K1).
 *
 * <p>At 25ab4710: 65 cases, 45 failing (every finding case: 29 deny-list, 16 allow-list), 20 held. Live
 * ({@code ShellLiveAttack17bzIT}, 4 failing): A1 and A2 on {@code ssh-strict}, exec and typed, across two people.
 */
class ShellAttack17bzTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;
  static final ShellJudge DOCS_LIVE = ShellAttack17buTest.DOCS_LIVE;

  private static int rank(ShellJudgement j) {
    return switch (j.verdict().label()) {
      case "allow" -> 0;
      case "review" -> 1;
      default -> 2;
    };
  }

  /** A bubblewrap sandbox whose /etc is {@code dir/etc} and /dev/sda {@code dir/disk}; runs {@code shell -c text}. */
  private static String runSandboxed(Path dir, String shell, String text) throws Exception {
    List<String> cmd = new ArrayList<>(BashDifferentialTest.sandbox());
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
   * {@code text} reaches through a magic link what {@code plain} names; judged (exec and typed) weaker
   * than {@code plain}, it must not do to the sandbox's /etc or /dev/sda what {@code plain} would, under
   * bash and dash.
   */
  @ParameterizedTest(name = "K {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
      rm -rf /dev/fd/../root/etc                      | rm -rf /etc
      rm -rf /proc/net/../root/etc                    | rm -rf /etc
      rm -rf /proc/thread-self/../../root/etc         | rm -rf /etc
      echo 'hacked::0:0::/:/bin/sh' >> /dev/fd/../root/etc/passwd | echo 'hacked::0:0::/:/bin/sh' >> /etc/passwd
      echo 'hacked::0:0::/:/bin/sh' >> /proc/net/../root/etc/passwd | echo 'hacked::0:0::/:/bin/sh' >> /etc/passwd
      dd if=/dev/zero of=/dev/fd/../root/dev/sda bs=1 count=9 | dd if=/dev/zero of=/dev/sda bs=1 count=9
      chmod -R 777 /dev/fd/../root/etc                | chmod -R 777 /etc
      cp /usr/bin/true /dev/fd/../root/etc/sudoers    | cp /usr/bin/true /etc/sudoers
      rm -rf /proc/self/roo?/etc                      | rm -rf /etc
      rm -rf /pro?/self/root/etc                      | rm -rf /etc
      chmod -R 777 /proc/self/roo?/etc                | chmod -R 777 /etc
      rm -rf /dev/fd/../../self/root/etc              | rm -rf /etc
      find /dev/fd/../root/etc -delete                | find /etc -delete
      sed -i s/root/hacked/ /dev/fd/../root/etc/passwd | sed -i s/root/hacked/ /etc/passwd
      echo '* * * * * root id' >> /dev/fd/../root/etc/crontab | echo '* * * * * root id' >> /etc/crontab
      truncate -s0 /dev/fd/../root/var/log/auth.log   | truncate -s0 /var/log/auth.log
      rm /dev/fd/../root/var/log/wtmp                 | rm /var/log/wtmp
      shred -n1 -s9 /dev/fd/../root/dev/sda           | shred -n1 -s9 /dev/sda
      rm -rf /var/run/../etc                          | rm -rf /etc
      rm -rf /proc/self/roo?/etc/*                    | rm -rf /etc/*
      { rm -rf /dev/f?/3/etc; } 3</                   | rm -rf /etc
      { rm -rf /dev/std?n/etc; } </                   | rm -rf /etc
      { rm -rf /proc/self/f?/3/etc; } 3</             | rm -rf /etc
      exec 3</; rm -rf /dev/f?/3/etc                  | rm -rf /etc
      cd / && rm -rf ~0/etc                           | rm -rf /etc
      cd / && rm -rf ~+0/etc                          | rm -rf /etc
      cd / && echo 'hacked::0:0::/:/bin/sh' >> ~0/etc/passwd | echo 'hacked::0:0::/:/bin/sh' >> /etc/passwd
      cd / && dd if=/dev/zero of=~0/dev/sda bs=1 count=9 | dd if=/dev/zero of=/dev/sda bs=1 count=9
      cd / && truncate -s0 ~0/var/log/auth.log        | truncate -s0 /var/log/auth.log
      rm -rf /proc/sel?/root/etc                      | rm -rf /etc
      rm -rf /dev/fd/3/etc 3</                        | rm -rf /etc
      rm -rf /proc/self/{roo,x}t/etc                  | rm -rf /etc
      rm -rf /proc/*/root/etc                         | rm -rf /etc
      rm -rf /proc/self/root/etc                      | rm -rf /etc
      rm -rf /proc/self/root/e?c                      | rm -rf /etc
      rm -rf /proc/self/{root,x}/etc                  | rm -rf /etc
      rm -rf /proc/1/task/1/root/etc                  | rm -rf /etc
      rm -rf /proc/self/fd/../root/etc                | rm -rf /etc
      cd /proc/net/.. && rm -rf root/etc              | rm -rf /etc
      cd /dev/fd/.. && rm -rf root/etc                | rm -rf /etc
      mkfs.ext4 -F /dev/fd/../root/dev/sda            | mkfs.ext4 -F /dev/sda
      """)
  void magicLinkReachedWithWeakerVerdict(String text, String plain, @TempDir Path tmp) throws Exception {
    ShellJudgement base = DEFAULT.judge(plain);
    assertThat(rank(base)).as("the plain spelling %s is judged: %s", plain, base.verdict()).isPositive();
    ShellJudgement exec = DEFAULT.judge(text);
    ShellJudgement typed = DEFAULT.judgeTyped(text);
    if (rank(exec) >= rank(base) && rank(typed) >= rank(base)) {
      return;
    }
    List<String> changed = new ArrayList<>();
    for (String shell : List.of("/usr/bin/bash", "/usr/bin/dash")) {
      Path dir = Files.createDirectories(tmp.resolve(shell.substring(shell.lastIndexOf('/') + 1)));
      Files.createDirectories(dir.resolve("etc"));
      Files.writeString(dir.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/bash\n");
      Files.writeString(dir.resolve("etc/keep"), "keep\n");
      Files.createFile(dir.resolve("disk"));
      Files.createDirectories(dir.resolve("log"));
      Files.writeString(dir.resolve("log/auth.log"), "sshd: accepted\n");
      Files.writeString(dir.resolve("log/wtmp"), "wtmp\n");
      String before = state(dir);
      String out = runSandboxed(dir, shell, text);
      if (!state(dir).equals(before)) {
        changed.add(shell + " (" + out.strip() + ")");
      }
    }
    assertThat(changed).as("the guard judged %s weaker than %s (exec: %s, typed: %s; %s: %s); run in the sandbox it changed "
        + "its /etc, /var/log or /dev/sda", text, plain, exec.verdict(), typed.verdict(), plain, base.verdict()).isEmpty();
  }

  // ---------------------------------------------------------------- A: another session's terminal

  /**
   * A victim on a terminal of its own ({@code script}), which does not read it; PTS and VPID in the
   * template are its terminal's number and the process holding it on descriptor 0. What is typed into
   * that terminal must not show in the reader's output.
   */
  static void assertOtherTerminalNotRead(String how, String template, Path tmp) throws Exception {
    Path ttyFile = tmp.resolve("tty");
    Path pidFile = tmp.resolve("pid");
    ProcessBuilder vpb = new ProcessBuilder("script", "-qfec", "echo $$ > " + pidFile + "; tty > " + ttyFile
        + "; exec sleep 40", "/dev/null").directory(tmp.toFile()).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("victim.out").toFile());
    vpb.environment().put("SHELL", "/bin/bash");
    Process victim = vpb.start();
    Process reader = null;
    try {
      String tty = "";
      for (int i = 0; i < 100 && !tty.startsWith("/dev/pts/"); i++) {
        Thread.sleep(100);
        tty = Files.exists(ttyFile) ? Files.readString(ttyFile).strip() : "";
      }
      assertThat(tty).as("the victim's terminal").startsWith("/dev/pts/");
      String pid = Files.readString(pidFile).strip();
      List<String> lines = Arrays.asList(template.replace("PTS", tty.substring("/dev/pts/".length())).replace("VPID", pid)
          .split(" ;; "));
      boolean allowed = true;
      StringBuilder v = new StringBuilder();
      if (how.equals("exec")) {
        ShellJudgement j = DOCS_LIVE.judge(String.join("\n", lines));
        allowed = j.verdict() instanceof dev.gatehouse.policy.Verdict.Allow;
        v.append(j.verdict());
      } else {
        for (String l : lines) {
          ShellJudgement j = DOCS_LIVE.judgeTyped(l);
          allowed &= j.verdict() instanceof dev.gatehouse.policy.Verdict.Allow;
          v.append('[').append(l).append(": ").append(j.verdict()).append("] ");
        }
      }
      if (!allowed) {
        return;
      }
      Path out = tmp.resolve("reader.out");
      reader = new ProcessBuilder("bash", "--norc", "--noprofile", "-c", String.join("\n", lines))
          .directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(out.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      Thread.sleep(1500);
      var typed = victim.getOutputStream();
      for (int i = 0; i < 6 && reader.isAlive(); i++) {
        typed.write(("secret-17bz-" + i + "\n").getBytes(StandardCharsets.UTF_8));
        typed.flush();
        Thread.sleep(400);
      }
      reader.waitFor(3, TimeUnit.SECONDS);
      reader.descendants().forEach(ProcessHandle::destroyForcibly);
      reader.destroyForcibly();
      reader.waitFor(3, TimeUnit.SECONDS);
      String got = Files.readString(out, StandardCharsets.ISO_8859_1);
      assertThat(got).as("the guard allowed %s (%s: %s); run in another session it read what was typed into %s: %s",
          lines, how, v, tty, got).doesNotContain("secret-17bz");
    } finally {
      if (reader != null) {
        reader.descendants().forEach(ProcessHandle::destroyForcibly);
        reader.destroyForcibly();
      }
      victim.descendants().forEach(ProcessHandle::destroyForcibly);
      victim.destroyForcibly();
    }
  }

  @ParameterizedTest(name = "A {0}: {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
      exec  | grep -m1 secret /dev/fd/../../VPID/fd/0
      typed | grep -m1 secret /dev/fd/../../VPID/fd/0
      exec  | cat /dev/fd/../../VPID/fd/0
      exec  | grep -m1 secret /dev/fd/../../VPID/task/VPID/fd/0
      exec  | grep -m1 secret /proc/thread-self/../../../VPID/fd/0
      exec  | grep -m1 secret /proc/net/../../VPID/fd/0
      exec  | { grep -m1 secret /dev/f?/3/pts/PTS; } 3</dev
      typed | { grep -m1 secret /dev/f?/3/pts/PTS; } 3</dev
      exec  | { grep -m1 secret /proc/self/f?/3/pts/PTS; } 3</dev
      exec  | { grep -m1 secret /dev/f?/3/VPID/fd/0; } 3</proc
      typed | cd /dev/fd/../../self/root/dev ;; grep -m1 secret pts/PTS
      typed | cd /dev/fd/../../self/root/dev/pts ;; grep -m1 secret PTS
      typed | cd /dev/fd/../../VPID/fd ;; grep -m1 secret 0
      exec  | cd -P /proc/net/../../VPID/fd && grep -m1 secret 0
      exec  | { grep -m1 secret /dev/std?n/pts/PTS; } </dev
      exec  | grep -m1 secret /proc/net/../fd/3/pts/PTS 3</dev
      exec  | cd /dev/fd/../../self/root/dev && grep -m1 secret pts/PTS
      exec  | grep -m1 secret /proc/self/root/dev/pts/PTS
      exec  | grep -m1 secret /proc/self/roo?/dev/pts/PTS
      exec  | grep -m1 secret /dev/fd/../root/dev/pts/PTS
      exec  | grep -m1 secret /proc/[s]elf/root/dev/pts/PTS
      typed | grep -m1 secret ~+/dev/pts/PTS
      exec  | grep -m1 secret /dev/fd/3/pts/PTS 3</dev
      typed | exec 3</dev ;; grep -m1 secret /dev/f?/3/pts/PTS
      """)
  void otherTerminalNotRead(String how, String template, @TempDir Path tmp) throws Exception {
    assertOtherTerminalNotRead(how, template, tmp);
  }
}
