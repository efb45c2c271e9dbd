package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.policy.Verdict;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attack pass 17co on 36b35e91, on {@code mode: allow-list}'s boundary. Judge: {@link
 * ShellJudgeTest#DEFAULT_SHELL} with {@code mode: allow-list} and its example list {@code [ls, cat,
 * less, grep, tail, journalctl, "systemctl status"]} ({@link #ALLOW_LIST}); the journalctl finding J1
 * also under {@link ShellJudgeTest#DEFAULT} (deny-list). Each text is judged as an exec request and
 * as typed lines ({@code A ;; B} is typed as two lines). Every finding was allowed at 36b35e91, as exec
 * and typed (E1 as exec only). Those marked proven were run under bash 5.2 (Debian 12, systemd 252) in a throwaway
 * bubblewrap sandbox (its own pid, ipc, uts and network namespaces, {@code /} read-only, private
 * {@code /tmp}, {@code /var/lib/systemd} and {@code /var/log/journal}): {@link #provenInSandbox} runs
 * them again.
 *
 * <p><b>J1, journalctl's journal-changing actions by a prefix</b> (allowed in both modes;
 * audit-tamper): audit-tamper read {@code --rotate} only whole and {@code --relinquish…} from its
 * start, but getopt_long takes any unique prefix: {@code journalctl --rot} (also {@code --rota},
 * {@code --relinq}, {@code --smart}, the start of {@code --smart-relinquish-var}) is {@code
 * --rotate}: in the sandbox it sends journald the same rotate request as {@code --rotate} (the same
 * "Failed to connect to /run/systemd/journal/io.systemd.journal": no journald runs there), where an
 * unknown option is refused (proven, the parse). {@code journalctl --setup-keys} ({@code --set}) writes
 * a new sealing key into {@code /var/log/journal/MACHINE-ID/fss} ({@code --force}: over the one the
 * journal's files are verified with; proven: the file). Fix: {@code ShellClass}'s audit-tamper reads
 * them by {@code Wrappers.longOption}, {@code --setup-keys} among them.
 *
 * <p><b>J2, journalctl writes the catalog's database</b> (allowed; allow-list): {@code journalctl
 * --update-catalog} ({@code --upd}) writes {@code /var/lib/systemd/catalog/database}, and with
 * {@code --root=DIR} {@code DIR/var/lib/systemd/catalog/database}, wherever the account may write
 * (proven: the file). Fix: {@code AllowListReach.journalCursorFile} refuses it by any prefix, as it
 * does {@code --cursor-file} (and {@code --setup-keys}).
 *
 * <p><b>T1, terminals not named tty or pts</b> (allowed; allow-list): {@code cat /dev/hvc0} (the
 * hypervisor console of KVM's virtio console, Xen and POWER, where a getty logs a person in and
 * gives the device to the account, as sshd gives a pts), {@code /dev/hvcs*}, {@code /dev/hvsi*},
 * Xen's old {@code /dev/xvc0}, s390's {@code /dev/3270/tty1} and {@code /dev/sclp_line0}, {@code
 * /dev/rfcomm0}, {@code /dev/ircomm0} (serial lines over Bluetooth and IrDA), callout lines {@code
 * /dev/cua0}, the old links {@code /dev/systty} and {@code /dev/modem}, devfs's {@code /dev/vc/1} and
 * {@code /dev/tts/0}, a keyboard's raw reports ({@code /dev/hidraw0}, {@code /dev/usb/hiddev0}: what
 * {@code /dev/input} already refuses) and the console's screen ({@code /dev/fb0}, as {@code
 * /dev/vcs*}); also as patterns ({@code /dev/h*}). Not proven: no such device here (the kernel's
 * admin-guide/devices.txt; agetty(8), login(1) on the terminal's owner). Fix: {@code
 * TerminalDevices.TERMINAL} and its starts.
 *
 * <p><b>T2, another terminal through the /run/shm link</b> (allowed; allow-list): Debian and Ubuntu
 * keep {@code /run/shm} as a link to {@code /dev/shm}; the kernel follows it before a {@code ..}, so
 * {@code cat /run/shm/../pts/0} is {@code /dev/pts/0}, and after {@code cd /run/shm} (bash keeps
 * the link's name, the kernel's working directory is {@code /dev/shm}) {@code cat ../pts/0} is too:
 * both printed the line typed into another pseudo-terminal in the sandbox (proven), as did {@code
 * cat shm/../pts/0} after {@code cd /run} (typed: the earlier line's directory is not known to the
 * later line's judgement). Fix: {@code
 * KernelPaths.linkTarget} follows {@code /run/shm} and {@code /var/run/shm} (so every path class
 * reads the name as the kernel does), and {@code AllowListReach} refuses a {@code cd} into a
 * directory through such a link ({@code KernelPaths.linksIntoDeviceTree}) and a relative name
 * that climbs out of the link's name ({@code shm/..}: {@code AllowListReach.reachesDeviceDirectory}).
 *
 * <p><b>D1, the same link under the deny-list's path classes</b> (allowed under {@link
 * ShellJudgeTest#DEFAULT}; raw-device-write, power): the path classes read {@code /run/shm/../sda}
 * by its letters as {@code /run/sda}, so {@code dd of=/run/shm/../sda} and {@code echo x >
 * /run/shm/../sda} passed, where the kernel writes {@code /dev/sda} ({@code echo c >
 * /run/shm/../../proc/sysrq-trigger} was already power's): in the sandbox {@code stat /run/shm/../null} is the character device 1,3,
 * {@code /dev/null} (proven, the name; no disk was written). Fix: the same {@code
 * KernelPaths.linkTarget} entry, which {@code ShellClass.normalize} and {@code KernelPaths.resolved}
 * follow.
 *
 * <p><b>W1, opening a watchdog device</b> (allowed in both modes; power): {@code cat /dev/watchdog}
 * (also {@code tail}, {@code less}, {@code grep}, {@code < /dev/watchdog}, {@code /dev/watchdog0}):
 * opening the device arms the watchdog timer, and a close without the magic character {@code V}
 * leaves it armed with nobody feeding it, so the machine reboots within the timeout (as root, or a
 * watchdog group: the kernel's admin-guide watchdog-api, "Magic Close"; most drivers, softdog too).
 * Not proven: it would reboot the machine running the test. Fix: {@code ShellClass}'s power reads a
 * watchdog's name given to any program but those that only name a file (ls, stat, fuser, …), a read
 * redirection from it ({@code ShellClass.read}) and a write to it.
 *
 * <p><b>E1, a listed multi-call program under another name</b> (allowed as exec in both modes;
 * allow-list, power): {@code exec -a reboot systemctl status nginx} runs systemctl, a listed entry
 * with its {@code status}, but systemctl acts by the name it is given: named {@code reboot} it is
 * reboot (also {@code halt}, {@code poweroff}, {@code shutdown}, {@code telinit}), taking {@code
 * status} for the reboot's parameter (systemctl 252's compat halt parser), and reboots the machine
 * as root. The judge read {@code exec -a NAME} as running PROG only. Proven, the dispatch: in the
 * sandbox {@code exec -a reboot systemctl --help} prints reboot's help ("Reboot the system"); the
 * reboot itself not run; systemctl looks for the name anywhere in its own ({@code exec -a xrebootx}
 * prints the same: systemd's invoked_as is a strstr). Fix: {@code Wrappers.withArgv0} judges the words under NAME as well (so
 * {@code exec -a rm grep …} is rm's too), and the dynamic loader's {@code --argv0 NAME} likewise;
 * a name only known when it runs is unknown. At the prompt
 * {@code exec} was already guard-tamper's.
 *
 * <p><b>R1, read -E</b> (review as exec, guard-tamper typed, where {@code read -e} is refused;
 * allowed before): bash 5.3's {@code read -E} reads the line with readline as {@code -e} does (with
 * bash's default completion), and readline's shell-expand-line runs the substitutions typed into the
 * buffer. Not proven: bash 5.2 here has no {@code -E} (bash 5.3's manual, the read builtin). Fix:
 * {@code ShellJudge.readsWithLineEditor} takes {@code E} as {@code e}.
 *
 * <p>Held: systemctl status's subcommand matching against every option of systemctl 252's help
 * (each value-taking one, short and long, abbreviated, bundled: {@code -lt restart status}
 * refused where {@code -t} takes {@code restart}), {@code -H}/{@code -M user@}; less's log file,
 * tags and key files (log and tags are off in the pager's secure mode, key files refused); the
 * pager's secure mode taken away ({@code unset}, {@code declare -a/-A/-n/+x}, namerefs); the hash
 * table by {@code BASH_CMDS} (any subscript, compound, {@code read}, {@code printf -v}); {@code
 * set -k} (assignments after the name); {@code exec} redirections at the prompt; writes to {@code
 * /dev/stdout} after a group's {@code 1<FILE}; {@code /proc/PID/cwd/…}, {@code /proc/PID/root/…},
 * {@code /dev/char}, {@code /dev/input}; {@code PWD}/{@code OLDPWD} before a {@code cd}.
 *
 * <p>Left alone (reported): {@code journalctl --flush} and {@code --sync} (requests that journald
 * write what it holds, root's, as journald does by itself); a name through a link the judge cannot
 * know of (a link in a home directory into {@code /dev}, made outside the guard: {@code
 * ~/l/../pts/N}); the host's own {@code PAGER} in a login's environment (systemd starts the {@code
 * PAGER} a profile sets when {@code SYSTEMD_PAGERSECURE} is set, and only less honours the secure
 * mode: keep {@code PAGER} unset or less on allow-list hosts; systemd's pager.c, not proven here);
 * under the deny-list, a read redirection from a watchdog by a relative name after {@code cd /dev}
 * ({@code cd /dev && cat < watchdog}: the relative-path reading carries writes only; the allow-list
 * refuses the {@code cd}); other devices whose opening acts (a tape's rewind on close).
 */
class ShellAttack17coTest {
  static final ShellJudge ALLOW_LIST;

  static {
    Map<String, Object> p = new HashMap<>(ShellJudgeTest.DEFAULT_SHELL);
    p.put("mode", "allow-list");
    ALLOW_LIST = ShellJudgeTest.judge(p);
  }

  /** The exec request's verdict and the strictest of the typed lines' ({@code " ;; "} parts) under {@code judge}. */
  static Verdict[] judged(ShellJudge judge, String text) {
    return ShellJudgeTest.execAndTyped(judge, text);
  }

  @ParameterizedTest(name = "{0}: {1} -> {2} {3}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      J1 => journalctl --rot => block => audit-tamper
      J1 => journalctl --rota => block => audit-tamper
      J1 => journalctl --rotat => block => audit-tamper
      J1 => journalctl --relinq => block => audit-tamper
      J1 => journalctl --relinquish => block => audit-tamper
      J1 => journalctl --smart => block => audit-tamper
      J1 => journalctl --smart-relinquish-var => block => audit-tamper
      J1 => journalctl --set => block => audit-tamper
      J1 => journalctl --setup-k --force => block => audit-tamper
      J1 => journalctl --setup-keys --interval=1h => block => audit-tamper
      J1 => /usr/bin/journalctl --rot => block => audit-tamper
      J2 => journalctl --upd => block => allow-list
      J2 => journalctl --update-catalog => block => allow-list
      J2 => journalctl --root=/tmp/r --update-catalog => block => allow-list
      J2 => journalctl --root /home/u --update-c => block => allow-list
      J2 => journalctl -q --update => block => allow-list
      T1 => cat /dev/hvc0 => block => allow-list
      T1 => tail -f /dev/hvc1 => block => allow-list
      T1 => less /dev/hvcs0 => block => allow-list
      T1 => cat /dev/hvsi0 => block => allow-list
      T1 => cat /dev/xvc0 => block => allow-list
      T1 => cat /dev/3270/tty1 => block => allow-list
      T1 => cat /dev/sclp_line0 => block => allow-list
      T1 => cat /dev/rfcomm0 => block => allow-list
      T1 => cat /dev/ircomm0 => block => allow-list
      T1 => cat /dev/cua0 => block => allow-list
      T1 => cat /dev/systty => block => allow-list
      T1 => cat /dev/modem => block => allow-list
      T1 => cat /dev/vc/1 => block => allow-list
      T1 => cat /dev/tts/0 => block => allow-list
      T1 => cat /dev/hidraw0 => block => allow-list
      T1 => cat /dev/usb/hiddev0 => block => allow-list
      T1 => cat /dev/fb0 => block => allow-list
      T1 => cat /dev/h* => block => allow-list
      T1 => cat /dev/hv?0 => block => allow-list
      T1 => cat < /dev/hvc0 => block => allow-list
      T1 => read x < /dev/hvc0 => block => allow-list
      T1 => grep -f /dev/hvc0 x => block => allow-list
      T1 => grep --file=/dev/hvc0 x => block => allow-list
      T1 => cat /dev/./hvc0 => block => allow-list
      T1 => cat /proc/self/root/dev/hvc0 => block => allow-list
      T1 => cd /dev/../sys && cat ../dev/hvc0 => block => allow-list
      T2 => cat /run/shm/../pts/0 => block => allow-list
      T2 => cat /var/run/shm/../pts/0 => block => allow-list
      T2 => cat //run//shm/./../pts/0 => block => allow-list
      T2 => cat /run/sh?/../pts/0 => block => allow-list
      T2 => tail -f /run/shm/../tty1 => block => allow-list
      T2 => grep x /run/shm/../hvc0 => block => allow-list
      T2 => cat < /run/shm/../pts/0 => block => allow-list
      T2 => cat /run/shm/../../proc/1/fd/0 => block => allow-list
      T2 => cd /run/shm && cat ../pts/0 => block => allow-list
      T2 => cd /run/shm ;; cat ../pts/0 => block => allow-list
      T2 => cd /var/run/shm ;; cat ../pts/0 => block => allow-list
      T2 => cd /run/shm/sub ;; cat ../../pts/0 => block => allow-list
      T2 => cd /run/sh* ;; cat ../pts/0 => block => allow-list
      T2 => cd /run ;; cat shm/../pts/0 => block => allow-list
      T2 => cd /var ;; tail -f run/shm/../pts/0 => block => allow-list
      T2 => cd / ;; cat ./run/shm/../pts/0 => block => allow-list
      T2 => cd /run ;; cat s?m/../pts/0 => block => allow-list
      T2 => cd /run && cat shm/../pts/0 => block => allow-list
      T2 => cd /run ;; grep -fshm/../pts/0 x => block => allow-list
      T2 => cd /run ;; grep --file=shm/../pts/0 x => block => allow-list
      T2 => cd /run ;; cat < shm/../pts/0 => block => allow-list
      T2 => cd /var/log ;; cat ../run/shm/../pts/0 => block => allow-list
      T2 => cat /run/{shm,x}/../pts/0 => block => allow-list
      W1 => cat /dev/watchdog => block => power
      W1 => tail -f /dev/watchdog0 => block => power
      W1 => less /dev/watchdog => block => power
      W1 => grep x /dev/watchdog => block => power
      W1 => grep --file=/dev/watchdog x => block => power
      W1 => cat < /dev/watchdog => block => power
      W1 => read x < /dev/watchdog => block => power
      W1 => cat /dev/w* => block => power
      W1 => cat /dev/watchdog? => block => power
      W1 => cat /dev/./watchdog => block => power
      W1 => cat /run/shm/../watchdog => block => power
      E1 => exec -a reboot systemctl status nginx => block => power
      E1 => exec -a reboot systemctl status => block => power
      E1 => exec -a /sbin/reboot /usr/bin/systemctl --no-pager status x => block => power
      E1 => exec -areboot systemctl status => block => power
      E1 => exec -a halt systemctl status => block => power
      E1 => exec -a poweroff systemctl status => block => power
      E1 => exec -a rm grep -r x /tmp => block => allow-list
      R1 => read -E x => review => unclassified
      R1 => read -rE x => review => unclassified
      R1 => read -t 5 -E x => review => unclassified
      R1 => builtin read -E x => review => unclassified
      """)
  void allowListRefuses(String finding, String text, String label, String rule) {
    Verdict[] v = judged(ALLOW_LIST, text);
    assertThat(v[0].label() + " " + v[0].rule()).as("%s exec: %s", finding, text).isEqualTo(label + " " + rule);
    // typed: refused, by the same rule or (read -E at the prompt) by guard-tamper's block
    assertThat(v[1].label()).as("%s typed: %s (%s)", finding, text, v[1]).isIn(label, "block");
    assertThat(v[1].label()).as("%s typed: %s (%s)", finding, text, v[1]).isNotEqualTo("allow");
  }

  /** J1 and D1 under the deny-list example policy. */
  @ParameterizedTest(name = "{0}: {1} -> {2} {3}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      J1 => journalctl --rot => block => audit-tamper
      J1 => journalctl --relinq => block => audit-tamper
      J1 => journalctl --smart => block => audit-tamper
      J1 => journalctl --set --force => block => audit-tamper
      E1 => exec -a reboot systemctl status nginx => block => power
      E1 => exec -a reboot systemctl => block => power
      E1 => exec -a poweroff /bin/systemctl => block => power
      E1 => /lib64/ld-linux-x86-64.so.2 --argv0 reboot /usr/bin/systemctl status => block => power
      E1 => exec -a xrebootx systemctl status => block => power
      E1 => exec -a my-poweroff systemctl => block => power
      E1 => exec -a initx systemctl 0 => block => power
      W1 => cat /dev/watchdog => block => power
      W1 => cat < /dev/watchdog1 => block => power
      W1 => echo x > /dev/watchdog => block => power
      W1 => cd /dev && cat watchdog => block => power
      W1 => head -c1 /dev/watchdog0 => block => power
      D1 => dd if=/dev/zero of=/run/shm/../sda => block => raw-device-write
      D1 => echo x > /run/shm/../sda => block => raw-device-write
      D1 => echo x > /var/run/shm/../nvme0n1 => block => raw-device-write
      held => echo c > /run/shm/../../proc/sysrq-trigger => block => power
      """)
  void denyListRefuses(String finding, String text, String label, String rule) {
    Verdict[] v = judged(ShellJudgeTest.DEFAULT, text);
    assertThat(v[0].label() + " " + v[0].rule()).as("%s exec: %s", finding, text).isEqualTo(label + " " + rule);
    if (text.startsWith("exec ")) {
      // exec at the prompt is guard-tamper's, always blocked there
      assertThat(v[1].label()).as("%s typed: %s (%s)", finding, text, v[1]).isEqualTo("block");
    } else {
      assertThat(v[1].label() + " " + v[1].rule()).as("%s typed: %s", finding, text).isEqualTo(label + " " + rule);
    }
  }

  /** Renaming a program to its own name changes nothing (exec only: exec at the prompt is guard-tamper's). */
  @ParameterizedTest(name = "allowed as exec: {0}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      exec -a systemctl systemctl status nginx
      exec -a ls ls -la
      exec -a -ls /bin/ls
      exec cat /etc/hostname
      """)
  void execUnderItsOwnNameStaysAllowed(String text) {
    assertThat(ALLOW_LIST.judge(text).verdict().label()).as("exec: %s", text).isEqualTo("allow");
  }

  /** Everyday work near the fixes stays allowed under the allow-list (exec and typed). */
  @ParameterizedTest(name = "allowed: {0}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      journalctl -u nginx --since today
      journalctl -u nginx -n 50 --no-pager
      journalctl --user -f
      journalctl -r
      journalctl --reverse -n 20
      journalctl --utc -n 5
      journalctl --system -p err
      journalctl --list-boots
      journalctl --disk-usage
      journalctl --verify
      journalctl --header
      journalctl --root=/mnt/old -u sshd
      journalctl -D /var/log/journal/remote -n 10
      journalctl --since yesterday --until today -o short-iso
      systemctl status nginx
      systemctl --no-pager status nginx
      systemctl status -n 20 nginx
      ls /dev/hvc0
      ls -l /dev/fb0
      ls -l /dev/watchdog
      ls /dev/w*
      cat /proc/sys/kernel/watchdog
      ls /run/shm
      cat /run/shm/../shm.txt
      cat /dev/null
      cat /proc/cpuinfo
      cat /var/run/nginx.pid
      cat /run/nginx.pid
      cd /run && ls
      cd /var/run ;; ls
      cd /run/user/1000 ;; ls
      cd /var/log ;; tail -n 20 syslog
      tail -f /var/log/syslog
      grep -r error /var/log/nginx
      less /var/log/syslog
      read -r x
      read -p name x
      read -rs -p password x
      read -t 5 x
      """)
  void everydayStaysAllowed(String text) {
    Verdict[] v = judged(ALLOW_LIST, text);
    assertThat(v[0].label()).as("exec: %s (%s)", text, v[0]).isEqualTo("allow");
    assertThat(v[1].label()).as("typed: %s (%s)", text, v[1]).isEqualTo("allow");
  }

  /** Everyday journalctl under the deny-list example policy stays allowed. */
  @ParameterizedTest(name = "allowed (deny-list): {0}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      journalctl -u nginx --since today
      journalctl -r -n 20
      journalctl --reverse
      journalctl --root=/mnt/old -u sshd
      journalctl --sync
      journalctl --user -f
      ls -l /dev/watchdog*
      stat /dev/watchdog
      fuser -v /dev/watchdog
      wdctl
      cat /proc/sys/kernel/watchdog_thresh
      """)
  void denyListEverydayStaysAllowed(String text) {
    Verdict[] v = judged(ShellJudgeTest.DEFAULT, text);
    assertThat(v[0].label()).as("exec: %s (%s)", text, v[0]).isEqualTo("allow");
    assertThat(v[1].label()).as("typed: %s (%s)", text, v[1]).isEqualTo("allow");
  }

  /**
   * Run before each text in the sandbox: a catalog source below {@code /tmp/r} (for {@code --root}),
   * the machine's journal directory (where {@code --setup-keys} writes), and a second
   * pseudo-terminal, {@code /dev/pts/0} in the sandbox's own devpts, into which "another session"
   * has typed a line (written to its master side, as a person's keys are).
   */
  private static final String PRELUDE = """
      cd /tmp
      mkdir -p /tmp/r/usr/lib/systemd/catalog
      cp /usr/lib/systemd/catalog/*.catalog /tmp/r/usr/lib/systemd/catalog/ 2>/dev/null
      mkdir -p /var/log/journal/$(cat /etc/machine-id)
      python3 -c '
      import os,time
      m,s=os.openpty()
      print(os.ttyname(s),flush=True)
      os.write(m,b"SECRET typed in the other session\\n")
      time.sleep(8)' > /tmp/pty.out &
      while ! grep -q /dev/pts /tmp/pty.out 2>/dev/null; do sleep 0.05; done
      """;

  /** Run after each text: the files the journal's actions may have written. */
  private static final String EPILOGUE = """
      find /tmp/r/var /var/lib/systemd /var/log/journal -type f 2>/dev/null | sed 's/^/FILE /'
      """;

  /**
   * Each finding run under bash in a throwaway sandbox (no user namespace: the test runs as root;
   * {@code /var/lib/systemd} and {@code /var/log/journal} are the sandbox's own empty directories):
   * the output (the text's, then the files written) holds the expected line. The text runs under
   * {@code timeout 3} (a terminal read waits for more).
   */
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      J1 => journalctl --rot => io.systemd.journal
      J1 => journalctl --relinq => io.systemd.journal
      J1 => journalctl --set => /fss
      J2 => journalctl --upd => FILE /var/lib/systemd/catalog/database
      J2 => journalctl --root=/tmp/r --update-catalog => FILE /tmp/r/var/lib/systemd/catalog/database
      T2 => cat /run/shm/../pts/0 => SECRET typed in the other session
      T2 => cd /run/shm && cat ../pts/0 => SECRET typed in the other session
      T2 => cd /run && cat shm/../pts/0 => SECRET typed in the other session
      D1 => stat -c %F:%t:%T /run/shm/../null => character special file:1:3
      E1 => exec -a reboot systemctl --help => Reboot the system.
      E1 => exec -a xrebootx systemctl --help => Reboot the system.
      control => journalctl --bogus => unrecognized option
      control => cat /run/shm/../shm/x => No such file
      """)
  void provenInSandbox(String finding, String text, String expected) throws Exception {
    String tool = text.contains("journalctl") ? "journalctl" : "python3";
    Assumptions.assumeTrue(onPath("bwrap") && onPath("bash") && onPath("python3") && onPath("timeout") && onPath(tool),
        "bwrap, bash, python3, timeout and " + tool + " are needed");
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "the sandbox without a user namespace needs root");
    Assumptions.assumeTrue(!finding.equals("T2") || Files.isSymbolicLink(Path.of("/run/shm")), "/run/shm is a link here");
    Assumptions.assumeTrue(!finding.startsWith("J") || Files.isRegularFile(Path.of("/etc/machine-id")), "a machine id");
    String script = PRELUDE + "timeout 3 bash -c \"$1\" 2>&1\n" + EPILOGUE;
    List<String> cmd = new ArrayList<>(List.of("bwrap", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
        "--die-with-parent", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
        "--tmpfs", "/var/lib/systemd", "--tmpfs", "/var/log/journal",
        "--setenv", "HOME", "/tmp", "--chdir", "/tmp", "bash", "-c", script, "sandbox", text));
    String out = TestPrograms.output(cmd);
    assertThat(out).as("%s: %s", finding, text).contains(expected);
    if (finding.equals("control") && text.startsWith("cat")) {
      assertThat(out).doesNotContain("SECRET");
    }
    if (!finding.equals("control")) {
      // What ran is what the judge now refuses under the allow-list.
      Verdict[] v = judged(ALLOW_LIST, text);
      assertThat(v[0].label()).as("exec: %s", text).isNotEqualTo("allow");
      assertThat(v[1].label()).as("typed: %s", text).isNotEqualTo("allow");
    }
  }

  private static boolean onPath(String name) {
    return TestPrograms.onPath(name);
  }
}
