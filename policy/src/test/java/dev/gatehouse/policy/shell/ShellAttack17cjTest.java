package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.policy.Verdict;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attack pass 17cj on fa4db94f, on the classes earlier passes attacked least (the path classes'
 * writers, firewall-change, process-kill, package-change, service-change). Judge: {@link
 * ShellJudgeTest#DEFAULT}. Each text is judged as an exec request and as typed lines ({@code A ;; B}
 * is typed as two lines). Every finding was run under bash 5.2 (Debian 12) in a throwaway
 * bubblewrap sandbox: the file writes as in {@link ShellAttack17cgTest} (its {@code /etc}, {@code
 * /var/log} and {@code /dev/sda} are files of the test's temporary directory, run from {@code
 * /tmp}; {@link #provenUnderBash} runs them again), {@code /proc/sysrq-trigger} as a file bound over
 * it on a tmpfs {@code /proc} (written {@code h}, never on the host's), the network ones in the
 * sandbox's own network namespace with {@code CAP_NET_ADMIN} (their effect shown by {@code ip route},
 * {@code ip -4 a}, {@code tc qdisc show}, {@code /proc/sys/net/ipv4/ip_forward}).
 *
 * <p><b>W1, a file written by an output option or operand</b> (allowed, or {@code interpreter-inline}
 * for a history file; block or review classes): {@code sort -o /dev/sda x}, {@code uniq x /dev/sda},
 * {@code shuf -o /dev/sda x} (raw-device-write); {@code sort -o /var/log/auth.log /dev/null},
 * {@code uniq /dev/null /var/log/auth.log}, {@code wget -q -o /var/log/auth.log URL} (its log,
 * truncated; audit-tamper); {@code sort -o ~/.bash_history /dev/null} (history-tamper); {@code sort
 * -o /etc/passwd /etc/passwd x}, {@code --output=}, {@code uniq x /etc/passwd}, {@code shuf -o},
 * {@code iconv -o}, {@code openssl enc -none -in x -out /etc/passwd}, {@code curl -so /etc/passwd
 * file:///tmp/x}, {@code xxd -r h /etc/passwd} (user-change); {@code sort -o /etc/crontab x}
 * (scheduler-change); {@code echo h | tee /proc/sysrq-trigger}, {@code sort -o /proc/sysrq-trigger x}
 * (power). Cause: each path class reads only its own list of writers (dd, tee, cp, truncate, …; power
 * none but a redirection), so a program that writes a file named by an option or a second operand
 * is never judged by the path. Fix: {@code ShellClass.outputFiles} gives the files {@code tee},
 * {@code sort}/{@code shuf}/{@code iconv}/{@code curl -o} (glued, bundled, {@code --output[=]} and
 * its GNU prefixes), {@code wget -O/-o/-a}, {@code uniq}/{@code xxd IN OUT} and openssl's {@code
 * -out}/{@code -keyout} write; every path class judges them as a redirection to them.
 *
 * <p><b>W1r, found in review of W1's fix</b> (allowed): GNU getopt_long takes any unambiguous
 * abbreviation, so {@code sort --o=/dev/sda x}, {@code shuf --o=…} and {@code iconv … --o=FILE} write
 * FILE (shown with coreutils' sort/shuf and glibc's iconv here), but the fix read only prefixes of four
 * letters or more, and a part only known when it runs ({@code --o$x=}) not at all. Fix: the long
 * option is read by {@code Wrappers.longOption}, as the other readings of GNU options are; sysctl's
 * long options too ({@code S1r}, which the fix's own prefix list already held).
 *
 * <p><b>W2, more programs writing a file they are given</b> (allowed, or {@code interpreter-inline}
 * for the patch, which the text writes): {@code tar -cf /dev/sda x}, {@code tar cbf 20 /dev/sda x}
 * (old style: the value-taking letters take the next words in order), {@code tar cf
 * /var/log/auth.log x} (the archive); {@code patch -s /var/log/auth.log d} (the file patched: a diff
 * deleting its line); {@code script -q /var/log/auth.log -c true} and {@code script -q -c true -O
 * /var/log/auth.log} (the typescript, written anew); {@code gpg -c -o /etc/passwd x}. Fix: {@code
 * outputFiles} also gives tar's archive where it creates, appends, updates or catenates ({@code
 * -f}/{@code --file}, old-style bundles), patch's file (its first operand, unless {@code -o}) and
 * {@code -o}, script's typescript and {@code -O}/{@code -B}/{@code -I}/{@code -T} logs, gpg's {@code
 * -o}/{@code --output}.
 *
 * <p><b>I1, ip read by a fixed object list and the verb's full name</b> (allowed, firewall-change):
 * {@code ip -f inet route add …} and {@code -family inet} (the option's value read as the object),
 * {@code ip route ad …}, {@code ip ro prep …}, {@code ip -4 a fl dev lo} (iproute2 takes any prefix
 * of a verb), {@code ip neighbor add …}/{@code neighbour} (not in the object list), {@code ip nexthop
 * add id 1 dev lo}, {@code ip mptcp endpoint add 127.0.0.1 dev lo} (a sub-object before the verb),
 * {@code ip -b FILE}/{@code ip -batch -} (runs the lines of a file or of its input). Fix: {@code
 * ShellClass.ipChanges} skips ip's options as ip reads them (value-taking {@code -f}, {@code -l},
 * {@code -n}, {@code -rc} by any prefix; {@code -b}/{@code -batch} and {@code -force} count as a
 * change), takes any object, and reads a verb by prefix ({@code s} stays {@code set}, as before),
 * after a sub-object word too. {@code tc qdisc ad dev lo root pfifo} (tc takes prefixes too): a tc
 * word that is a prefix of a change verb, and tc's {@code -batch}, count.
 *
 * <p><b>S1, sysctl's long options by prefix or with a glued value</b> (allowed, firewall-change):
 * {@code sysctl --load=s}, {@code sysctl --lo=s} (procps takes any unambiguous prefix; set {@code
 * net.ipv4.ip_forward} to 1). Fix: {@code --load}, {@code --write}, {@code --system} by any prefix,
 * {@code =VALUE} or not.
 *
 * <p><b>K1, {@code fuser -k}</b> (allowed, process-kill): {@code sleep 100 & fuser -k
 * /usr/bin/sleep} killed the sleep (status 137). Fix: {@code fuser} with {@code -k} (in a bundle
 * too) or {@code --kill} is process-kill.
 *
 * <p><b>P1, {@code apt-get satisfy} and {@code dselect-upgrade}</b> (allowed, package-change): {@code
 * apt-get -s satisfy iptables} plans to install iptables and its libraries, {@code apt-get -s
 * dselect-upgrade} to upgrade 128 packages of the machine. Fix: both are apt verbs that change.
 *
 * <p><b>D1, systemctl's other names for its verbs</b> (allowed, service-change; audit-tamper on a
 * logger): {@code systemctl condstop nginx}, {@code condreload}, {@code reload-or-try-restart},
 * {@code log-level debug}, {@code service-log-level nginx debug}, {@code systemctl condstop rsyslog}.
 * systemctl 252 accepts each (in the sandbox it answers "System has not been booted with systemd"
 * where an unknown verb gets "Unknown command verb"). Fix: these verbs (and {@code cancel}) change;
 * {@code log-level}/{@code log-target} only with a value; condstop and the restarting verbs of a
 * logger are audit-tamper, as {@code stop} and {@code restart} are.
 *
 * <p><b>H1, a history file rewritten or removed by a program outside the removers</b> ({@code
 * interpreter-inline}, review, where history-tamper is block): {@code sed -i '$d' ~/.bash_history}
 * (drops the last line), {@code perl -ni -e 'print if 0' ~/.bash_history} (empties it), {@code gzip
 * ~/.bash_history}, {@code xz ~/.bash_history} (replaced by {@code .gz}/{@code .xz}), {@code install
 * -m600 /dev/null ~/.bash_history} (emptied). history-tamper read only rm, shred, truncate, unlink, mv,
 * ln, cp, tee, dd, chattr and chmod. Fix: also sed/perl in place, install, rsync, sponge, the
 * compressors, and fallocate below.
 *
 * <p><b>A1, {@code fallocate} taking data out of a log</b> (allowed, audit-tamper): {@code fallocate
 * -p -o 0 -l 4 /var/log/auth.log} and {@code -z} (the first bytes become zeros), {@code -c -o 0 -l
 * 4096} (the first 4096 bytes cut out of an 8192-byte log). Fix: fallocate with {@code -p}, {@code
 * -z}, {@code -c} (or their long names, {@code --insert-range}) is a write for audit-tamper and
 * history-tamper ({@code fallocate -l 1G /swapfile} stays allowed).
 *
 * <p>At fa4db94f: 68 finding cases, 57 allowed, the eight history ones and the patch {@code
 * interpreter-inline} (review where a block class is documented), {@code tar cbf 20 /dev/sda x}
 * unclassified (review where raw-device-write is block), {@code systemctl try-restart rsyslog} {@code
 * service-change} (review where audit-tamper is block); all fixed in this pass (none open). 17 held. Compressing a
 * log ({@code gzip /var/log/auth.log}, which removes it) is left allowed: {@code gzip
 * /var/log/nginx/access.log.1} is everyday rotation work.
 *
 * <p>Tried and held (kept below as {@code held} where cheap): {@code command kill}, {@code builtin
 * kill}, {@code \kill}, {@code busybox kill}, {@code kill -9 -- -1}; {@code tee -a /var/log/x};
 * {@code cp x /etc/cron.d/x}; {@code crontab -}, {@code at now}, {@code systemd-run --on-act=5};
 * {@code sysctl -p/tmp/x}, {@code sysctl --system}, {@code nft -f-}; {@code gzip -dc x > /etc/passwd}.
 * Not filed: iptables/ip6tables long options by prefix ({@code --fl}, {@code --ins}, {@code --po}),
 * {@code nft --file=}, {@code nft -i}, {@code ebtables --init-table} (none installed here: not
 * proven); {@code loginctl kill-user}/{@code terminate-user} (loginctl needs logind before it reads
 * its verb: not proven); dnf's verb aliases ({@code in}, {@code rm}, {@code up}, {@code shell}),
 * {@code uv pip install}, {@code npm i --location=global} (not installed); {@code split}/{@code csplit}
 * (they write derived names: {@code PREFIXaa}); {@code gawk -i inplace} (gawk not installed). Power
 * without a power word, not provable in a sandbox without systemd, logind or a BMC (reported, not
 * changed): {@code systemctl start ctrl-alt-del.target} (service-change; the target is reboot's
 * alias), {@code kill -INT 1} (process-kill; systemd reboots on it), {@code busctl call … login1 …
 * Reboot}, {@code dbus-send … login1.Manager.Reboot}, {@code ipmitool chassis power off}, {@code
 * rtcwake -m off} (allowed); {@code mknod x b 8 0} then a write to {@code x} (a device under another
 * name; proving it would write the host's disk).
 */
class ShellAttack17cjTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;

  /** The exec verdict (the lines joined) and the strictest of the lines typed one by one ({@code A ;; B}: two lines). */
  static Verdict[] judged(String text) {
    return ShellJudgeTest.execAndTyped(DEFAULT, text);
  }

  @ParameterizedTest(name = "{0}: {1} -> {2} {3}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      W1 => echo DATA > x; sort -o /dev/sda x => block => raw-device-write
      W1 => echo DATA > x; uniq x /dev/sda => block => raw-device-write
      W1 => echo DATA > x; shuf -o /dev/sda x => block => raw-device-write
      W1 => echo DATA > x; sort -no/dev/sda x => block => raw-device-write
      W1 => cd /dev && sort -o sda /tmp/x => block => raw-device-write
      W1r => echo DATA > x; sort --o=/dev/sda x => block => raw-device-write
      W1r => echo DATA > x; sort --ou /dev/sda x => block => raw-device-write
      W1r => echo DATA > x; shuf --o=/dev/sda x => block => raw-device-write
      W1r => iconv -f utf-8 -t utf-8 --o=/var/log/auth.log /dev/null => block => audit-tamper
      W1r => sort --o$x=/dev/sda /tmp/x => block => raw-device-write
      S1r => sysctl --l=/tmp/s => review => firewall-change
      S1r => sysctl --s => review => firewall-change
      W1 => sort -o /var/log/auth.log /dev/null => block => audit-tamper
      W1 => uniq /dev/null /var/log/auth.log => block => audit-tamper
      W1 => wget -q -o /var/log/auth.log http://127.0.0.1:1/ => block => audit-tamper
      W1 => cd /var/log && uniq /dev/null auth.log => block => audit-tamper
      W1 => sort -o ~/.bash_history /dev/null => block => history-tamper
      W1 => uniq /dev/null /root/.bash_history => block => history-tamper
      W1 => echo h | tee /proc/sysrq-trigger => block => power
      W1 => echo h > x; sort -o /proc/sysrq-trigger x => block => power
      W1 => echo e:x:0:0::/:/bin/sh > x; sort -o /etc/passwd /etc/passwd x => review => user-change
      W1 => echo e:x:0:0::/:/bin/sh > x; sort --output=/etc/passwd x => review => user-change
      W1 => echo e:x:0:0::/:/bin/sh > x; sort --outp /etc/passwd x => review => user-change
      W1 => echo e:x:0:0::/:/bin/sh > x; uniq x /etc/passwd => review => user-change
      W1 => echo e:x:0:0::/:/bin/sh > x; shuf -o /etc/passwd x => review => user-change
      W1 => echo e:x:0:0::/:/bin/sh > x; iconv -f utf8 -t utf8 -o /etc/passwd x => review => user-change
      W1 => echo e:x:0:0::/:/bin/sh > x; openssl enc -none -in x -out /etc/passwd => review => user-change
      W1 => echo e:x:0:0::/:/bin/sh > x; curl -so /etc/passwd file:///tmp/x => review => user-change
      W1 => echo 00000000: 6576696c0a > h; xxd -r h /etc/passwd => review => user-change
      W1 => echo 6576696c0a | xxd -r -p - /etc/passwd => review => user-change
      W1 => wget -q -O /etc/passwd http://127.0.0.1:1/ => review => user-change
      W1 => echo '* * * * * root id' > x; sort -o /etc/crontab x => review => scheduler-change
      W1 => echo '* * * * * root id' > x; uniq x /etc/crontab => review => scheduler-change
      I1 => ip -f inet route add 10.9.0.0/24 dev lo => review => firewall-change
      I1 => ip -family inet route add 10.9.0.0/24 dev lo => review => firewall-change
      I1 => ip route ad 10.8.0.0/24 dev lo => review => firewall-change
      I1 => ip ro prep 10.7.0.0/24 dev lo => review => firewall-change
      I1 => ip -4 a fl dev lo => review => firewall-change
      I1 => ip neighbor add 10.9.0.1 lladdr 00:11:22:33:44:55 dev lo => review => firewall-change
      I1 => ip neighbour add 10.9.0.2 lladdr 00:11:22:33:44:55 dev lo => review => firewall-change
      I1 => ip nexthop add id 1 dev lo => review => firewall-change
      I1 => ip mptcp endpoint add 127.0.0.1 dev lo => review => firewall-change
      I1 => printf 'route add 10.6.0.0/24 dev lo\\n' > b; ip -b b => review => firewall-change
      I1 => printf 'route add 10.5.0.0/24 dev lo\\n' | ip -batch - => review => firewall-change
      I1 => ip --family inet route add 10.9.0.0/24 dev lo => review => firewall-change
      I1 => tc qdisc ad dev lo root pfifo => review => firewall-change
      S1 => printf 'net.ipv4.ip_forward=1\\n' > s; sysctl -q --load=s => review => firewall-change
      S1 => printf 'net.ipv4.ip_forward=1\\n' > s; sysctl -q --lo=s => review => firewall-change
      K1 => sleep 100 & sleep 0.3; fuser -k /usr/bin/sleep => review => process-kill
      K1 => fuser -km /tmp => review => process-kill
      P1 => apt-get satisfy iptables => review => package-change
      P1 => apt-get -s dselect-upgrade => review => package-change
      D1 => systemctl condstop nginx => review => service-change
      D1 => systemctl condreload nginx => review => service-change
      D1 => systemctl reload-or-try-restart nginx => review => service-change
      D1 => systemctl log-level debug => review => service-change
      D1 => systemctl service-log-level nginx debug => review => service-change
      D1 => systemctl condstop rsyslog => block => audit-tamper
      D1 => systemctl try-restart rsyslog => block => audit-tamper
      H1 => sed -i '$d' ~/.bash_history => block => history-tamper
      H1 => perl -ni -e 'print if 0' ~/.bash_history => block => history-tamper
      H1 => gzip ~/.bash_history => block => history-tamper
      H1 => xz ~/.bash_history => block => history-tamper
      H1 => install -m600 /dev/null ~/.bash_history => block => history-tamper
      H1 => fallocate -p -o 0 -l 4 ~/.bash_history => block => history-tamper
      A1 => fallocate -p -o 0 -l 4 /var/log/auth.log => block => audit-tamper
      A1 => fallocate -z -o 0 -l 3 /var/log/auth.log => block => audit-tamper
      A1 => fallocate --collapse-range -o 0 -l 4096 /var/log/auth.log => block => audit-tamper
      W2 => echo x > x; tar -cf /dev/sda x => block => raw-device-write
      W2 => echo x > x; tar cbf 20 /dev/sda x => block => raw-device-write
      W2 => echo x > x; tar cf /var/log/auth.log x => block => audit-tamper
      W2 => printf '%s\\n' '--- a' '+++ b' '@@ -1 +0,0 @@' '-sshd: accepted' > d; patch -s /var/log/auth.log d => block => audit-tamper
      W2 => script -q /var/log/auth.log -c true => block => audit-tamper
      W2 => script -q -c true -O /var/log/auth.log => block => audit-tamper
      W2 => echo e > x; gpg -q --batch --yes --passphrase p --pinentry-mode loopback -c -o /etc/passwd x => review => user-change
      held => dd if=/dev/zero of=/dev/sda bs=1 count=9 => block => raw-device-write
      held => echo b > /proc/sysrq-trigger => block => power
      held => echo x | tee -a /var/log/auth.log => block => audit-tamper
      held => cp x /etc/cron.d/x => review => scheduler-change
      held => gzip -dc x.gz > /etc/passwd => review => user-change
      held => command kill 1 => review => process-kill
      held => builtin kill 1 => review => process-kill
      held => \\kill 1 => review => process-kill
      held => busybox kill 1 => review => process-kill
      held => kill -9 -- -1 => review => process-kill
      held => echo x | crontab - => review => scheduler-change
      held => at now + 1 min => review => scheduler-change
      held => sysctl -p/tmp/x => review => firewall-change
      held => sysctl --system => review => firewall-change
      held => nft -f- => review => firewall-change
      held => ip l s lo down => review => firewall-change
      held => systemctl restart nginx => review => service-change
      """)
  void judgedByItsClass(String finding, String text, String label, String rule) {
    assertJudged(finding, text, label, rule);
  }

  /** {@code text} gets {@code label rule} as an exec request and typed line by line. */
  static void assertJudged(String finding, String text, String label, String rule) {
    Verdict[] v = judged(text);
    assertThat(v[0].label() + " " + v[0].rule()).as("%s exec: %s", finding, text).isEqualTo(label + " " + rule);
    assertThat(v[1].label() + " " + v[1].rule()).as("%s typed: %s", finding, text).isEqualTo(label + " " + rule);
  }

  /** {@code text} is allowed as an exec request and typed line by line. */
  static void assertAllowed(String text) {
    Verdict[] v = judged(text);
    assertThat(v[0].label()).as("exec: %s (%s)", text, v[0]).isEqualTo("allow");
    assertThat(v[1].label()).as("typed: %s (%s)", text, v[1]).isEqualTo("allow");
  }

  /** Everyday work near the fixes stays allowed. */
  @ParameterizedTest(name = "allowed: {0}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      ip addr show
      ip route show
      ip -s link
      ip -br a
      ip -4 route get 1.1.1.1
      ip route show table all
      ip netns list
      ip xfrm state list
      ip -j neigh show dev eth0
      tc -s qdisc show dev eth0
      fuser -v /var/log/syslog
      fuser -n tcp 80
      sort /var/log/syslog | uniq -c | sort -rn | head
      uniq -c /var/log/syslog
      sort -o /tmp/sorted /var/log/syslog
      curl -o /tmp/x https://example.com/x
      wget -q -O /tmp/page.html http://localhost/
      wget -O- https://example.com/x.tgz | tar xz
      xxd -l 512 /dev/sda
      openssl x509 -in /etc/ssl/certs/ca.pem -noout -text
      tee /tmp/out
      sysctl net.ipv4.ip_forward
      sysctl -a
      systemctl status nginx
      systemctl log-level
      apt-get update
      apt list --upgradable
      gzip /var/log/nginx/access.log.1
      sed -i s/a/b/ /etc/app.conf
      fallocate -l 1G /swapfile
      zstd -d app.tar.zst
      tar -czf /tmp/backup.tgz /etc
      tar -tf /dev/sda
      patch -p1 < fix.diff
      patch -R -p0 -o /tmp/out /var/log/x < d
      script -q /tmp/log -c ls
      gpg --verify x.sig x
      """)
  void everydayStaysAllowed(String text) {
    assertAllowed(text);
  }

  /**
   * W1 under bash: each text changes the sandbox's {@code /etc}, {@code /var/log} or {@code
   * /dev/sda} (files of the temporary directory), as the plain writes it stands for.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      echo DATA > x; sort -o /dev/sda x
      echo DATA > x; uniq x /dev/sda
      echo DATA > x; shuf -o /dev/sda x
      sort -o /var/log/auth.log /dev/null
      uniq /dev/null /var/log/auth.log
      wget -q -o /var/log/auth.log http://127.0.0.1:1/
      echo e:x:0:0::/:/bin/sh > x; sort -o /etc/passwd /etc/passwd x
      echo e:x:0:0::/:/bin/sh > x; sort --outp /etc/passwd x
      echo e:x:0:0::/:/bin/sh > x; uniq x /etc/passwd
      echo e:x:0:0::/:/bin/sh > x; iconv -f utf8 -t utf8 -o /etc/passwd x
      echo e:x:0:0::/:/bin/sh > x; openssl enc -none -in x -out /etc/passwd
      echo e:x:0:0::/:/bin/sh > x; curl -so /etc/passwd file:///tmp/x
      echo 00000000: 6576696c0a > h; xxd -r h /etc/passwd
      fallocate -p -o 0 -l 4 /var/log/auth.log
      fallocate -z -o 0 -l 3 /var/log/auth.log
      echo x > x; tar -cf /dev/sda x
      echo x > x; tar cf /var/log/auth.log x
      printf '%s\\n' '--- a' '+++ b' '@@ -1 +0,0 @@' '-sshd: accepted' > d; patch -s /var/log/auth.log d
      script -q /var/log/auth.log -c true
      """)
  void provenUnderBash(String text, @TempDir Path dir) throws Exception {
    ProtectedFilesSandbox.assertChangedBy(text, dir);
  }
}
