package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.policy.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attack pass 17cl on e4fe67ed, on the protected-operands rule ({@link ProtectedOperands}), the
 * restricting chmod, cp's sources read and the path classes behind them. Judge: {@link
 * ShellJudgeTest#DEFAULT}. Every finding was allowed at e4fe67ed. Those marked proven were run under
 * bash in a throwaway bubblewrap sandbox ({@link ProtectedFilesSandbox}: /etc/passwd, /var/log/auth.log
 * and /dev/sda are files of the test's temporary directory; their bytes and modes are compared).
 *
 * <p><b>C1, chmod read as restricting</b>: an option after the mode was skipped, so {@code chmod 600
 * --reference=F FILE} (which gives FILE F's mode, and takes 600 for a file name) opened
 * ~/.ssh/authorized_keys or a log to anyone (proven); a restricting chmod that takes the owner's own
 * write ({@code chmod 000}, {@code 400}, {@code u-w}, {@code a-w} of a log) was let be for every path
 * class, though it silences a log whose daemon runs as its owner (proven: the mode); and a path
 * through {@code .ssh/..} ({@code chmod 600 /tmp/.ssh/../../etc/passwd}) passed for a .ssh file
 * (proven). Fix: {@code ShellClass.chmodOnlyRestricts} reads options after the mode (and a word only
 * known when it runs that may be one); {@code ShellClass.chmodKeepsOwnerWrite} gates the exemption
 * but for user-change's .ssh files; {@code ShellClass.underSshDirectory} wants a .ssh component and
 * no {@code ..}.
 *
 * <p><b>C2, cp's and rsync's targets</b>: cp's options that take the next word ({@code --sparse
 * never}, {@code --no-preserve mode}) after the operands made the value the target, so the real
 * target was read as a source (proven); {@code cp --pa etc/passwd /} (--parents abbreviated) wrote
 * /etc/passwd (proven); {@code rsync -R /tmp/./etc/passwd /} writes the source's path below the
 * target (rsync is not on this machine: not proven). Fix: {@code ShellClass.cpOperands}, --parents by
 * {@code Wrappers.longOption}, {@code ShellClass.rsyncRelative}.
 *
 * <p><b>C3, a patch that names its own files</b>: {@code patch -d /etc -p0 -i P} and {@code cd /etc
 * && patch -p0 < P} patch the files the patch names (proven). Fix: {@code
 * ProtectedOperands.patchNamesNoFile}: such a patch is given {@code *} (and {@code *}{@code /*} under
 * -d) of its directory.
 *
 * <p><b>C4, readers that run or load code</b>: {@code rg --pre CMD} runs CMD on each file ({@code rg
 * --pre shred x /var/log/auth.log}; rg not here: not proven); {@code awk -f PROG FILE}, a program the
 * judge does not read, may {@code print > FILENAME} (proven); {@code e2fsck -nz FILE} (-z ending a
 * bundle, as 17ck's -z). Fix: in {@link ProtectedOperands}.
 *
 * <p><b>C5, devices and power under other names</b>: udev's {@code /dev/block/8:0} and {@code
 * /dev/char/1:1} links (proven through such a link), and {@code /sys/power/state} (echo mem suspends
 * the machine as systemctl suspend does; never run). Fix: {@code ShellClass.BLOCK_DEVICE}, {@code SYSRQ}.
 *
 * <p><b>C6, a disk or a directory of protected files under another name</b>: {@code mount --bind
 * /dev/sda DIR}, {@code mount -o bind}, {@code mount --rbind /dev DIR}, {@code mount -t devtmpfs x
 * DIR} and a recursive {@code cp -a /dev/sda DIR} (a device node) make a disk writable under a name no
 * class knows, as 17ck's mknod; {@code mount --bind /tmp/x /etc} and {@code mount --bind /etc DIR}
 * replace or rename every account file; cryptsetup's {@code luksKillSlot} and {@code
 * luksHeaderRestore} write the disk's header (mount and cryptsetup were device readers). Not proven
 * (they need privileges the sandbox does not have). Fix: {@code ProtectedOperands.deviceWrites},
 * a mount's directories read with {@code /*} below them. (Since attack 17ct a mount onto a system
 * directory, {@code zpool add}/{@code attach} and any remount, {@code mount -o remount,ro /} once
 * listed here as everyday, are service-change: storage taken from or given to the running system.)
 *
 * <p>Also device programs whose class names only some of their writes, now readers of a disk only as
 * queries: {@code pv -o /dev/sda} (pv 1.8), {@code hdparm -N p…}/{@code --security-set-pass}/{@code
 * --make-bad-sector}, {@code nvme dsm --ad}/{@code delete-ns}/{@code io-passthru --write}, {@code
 * mdadm --add}, {@code zpool add}/{@code attach}, {@code sgdisk -d}. Not proven.
 *
 * <p><b>C7, readers that write where their options say</b>: LVM's {@code --config
 * 'log/file="F"'} appends the command's log to F; {@code tree -R} writes 00Tree.html in each
 * directory. Fix: {@code ProtectedOperands.writesAnyway}; a quoted name in a word with {@code =} is
 * read by {@code ShellClass.givenFile}. Not proven (lvm and tree are not on this machine).
 *
 * <p><b>False refusal</b> of the protected-operands rule fixed: {@code zip -j /tmp/logs.zip
 * /var/log/syslog /var/log/auth.log} (allowed at d33f3e14): zip with value-less flags writes only
 * its archive ({@code ProtectedOperands.zipArchive}).
 */
class ShellAttack17clTest {

  private static final ShellJudge JUDGE = ShellJudgeTest.DEFAULT;

  @ParameterizedTest(name = "{0} -> {1} {2}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      chmod 600 --reference=/tmp/open ~/.ssh/authorized_keys => review => user-change
      chmod 600 --ref=/tmp/open /var/log/auth.log => review => unclassified
      chmod 600 "$o" ~/.ssh/authorized_keys => review => user-change
      chmod 000 /var/log/auth.log => review => unclassified
      chmod 400 /var/log/auth.log => review => unclassified
      chmod u-w /var/log/auth.log => review => unclassified
      chmod a-w /var/log/auth.log => review => unclassified
      chmod 000 /proc/sysrq-trigger => review => unclassified
      chmod 600 /tmp/.ssh/../../etc/passwd => review => user-change
      chmod 600 ~/.ssh/../../../etc/shadow => review => user-change
      cp /tmp/a /etc/passwd --sparse never => review => user-change
      cp /tmp/a /etc/passwd --no-preserve mode => review => user-change
      cp /tmp/a /var/log/auth.log --sp never => block => audit-tamper
      cp /tmp/a /etc/passwd --no-p mode => review => user-change
      cp --pa etc/passwd / => review => user-change
      cp --par var/log/auth.log / => block => audit-tamper
      cd /tmp && cp --pare etc/passwd / => review => user-change
      rsync -R /tmp/./etc/passwd / => review => user-change
      rsync -R etc/passwd / => review => user-change
      rsync -rR /tmp/./var/log / => block => audit-tamper
      rsync --relative /tmp/./etc/cron.d/x / => review => scheduler-change
      patch -d /etc -p0 -i /tmp/p => review => unclassified
      patch -p 0 -d /var/log < /tmp/p => review => unclassified
      cd /etc && patch -p0 < /tmp/p => block => audit-tamper
      cd /var/log; patch -p0 -i /tmp/p => block => audit-tamper
      cd ~/.ssh && patch < /tmp/p => review => user-change
      rg --pre shred x /var/log/auth.log => review => unclassified
      rg --pre=rm x /etc/passwd => review => unclassified
      e2fsck -nz/var/log/auth.log /dev/sda => review => unclassified
      awk -f /tmp/p.awk /etc/passwd => review => unclassified
      gawk -E /tmp/p /var/log/auth.log => review => unclassified
      dd if=/dev/zero of=/dev/block/8:0 => block => raw-device-write
      shred /dev/block/8:0 => block => raw-device-write
      cat /tmp/x > /dev/char/1:1 => block => raw-device-write
      echo mem > /sys/power/state => block => power
      echo disk > /sys/power/state => block => power
      mount --bind /dev/sda /tmp/disk => review => unclassified
      mount -o bind /dev/sda /tmp/disk => review => unclassified
      mount --rbind /dev /tmp/d => review => unclassified
      mount -t devtmpfs x /tmp/d => review => unclassified
      mount --bind /etc /tmp/e => review => unclassified
      mount --bind /tmp/x /etc => review => service-change
      mount /dev/sdb1 /etc => review => service-change
      cp -a /dev/sda /tmp/disk => review => unclassified
      cp -R /dev/sda /tmp/disk => review => unclassified
      cryptsetup luksKillSlot /dev/sda 0 => review => unclassified
      cryptsetup luksHeaderRestore /dev/sda --header-backup-file /tmp/h => review => unclassified
      pvs --config 'log {file="/var/log/auth.log" level=7}' => review => unclassified
      lvs --config 'log/file="/etc/passwd"' /dev/sda => review => unclassified
      tree -R -L 1 -H . /var/log => review => unclassified
      pv -o /dev/sda /tmp/img => review => unclassified
      pv --output=/dev/sda /tmp/img => review => unclassified
      hdparm -N p1000 /dev/sda => review => unclassified
      hdparm --security-set-pass x /dev/sda => review => unclassified
      hdparm --make-bad-sector 100 --yes-i-know-what-i-am-doing /dev/sda => review => unclassified
      nvme dsm /dev/nvme0n1 --ad -s 0 -b 100 => review => unclassified
      nvme delete-ns /dev/nvme0 -n 1 => review => unclassified
      nvme io-passthru /dev/nvme0n1 --opcode=1 --data-len=4096 --write => review => unclassified
      mdadm --add /dev/md0 /dev/sda => review => unclassified
      mdadm /dev/md0 --add /dev/sda => review => unclassified
      zpool add tank /dev/sda => review => service-change
      zpool attach tank sdb /dev/sda => review => service-change
      sgdisk -d 1 /dev/sda => review => unclassified
      zip -m /tmp/x.zip /var/log/auth.log => review => unclassified
      zip -P x /var/log/auth.log /tmp/y => review => unclassified
      zip /var/log/auth.log /tmp/y => review => unclassified
      zip -lf /var/log/auth.log /tmp/a.zip /tmp/y => review => unclassified
      """)
  void judged(String text, String label, String rule) {
    Verdict v = JUDGE.judge(text).verdict();
    assertThat(v.label() + " " + v.rule()).as(text).isEqualTo(label + " " + rule);
  }

  /** Everyday lines: the first was a new refusal of the rule; the rest must stay allowed with the fixes. */
  @ParameterizedTest(name = "allowed: {0}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      zip -j /tmp/logs.zip /var/log/syslog /var/log/auth.log
      zip -r /tmp/nginx-logs.zip /var/log/nginx
      chmod 600 ~/.ssh/authorized_keys
      chmod 700 ~/.ssh
      chmod 0600 ~/.ssh/id_ed25519
      chmod go-w ~/.ssh/authorized_keys
      chmod -R go-rwx ~/.ssh
      chmod 600 /var/log/app.log
      chmod go-rwx /var/log/app.log
      cp /etc/passwd /tmp/passwd.bak
      cp -a /etc/ssh/sshd_config /tmp/sshd_config.orig
      cp -S .bak /tmp/x /tmp/y
      cp --sparse=always /var/log/auth.log /tmp/auth
      cp /var/log/auth.log /tmp/auth-$(date +%F).log
      rsync -a /var/log/nginx/ /backup/nginx-logs/
      rsync -aR /etc/nginx /backup/
      patch -p1 < /tmp/fix.patch
      cd /srv/app && patch -p1 < /tmp/fix.patch
      cd /etc/nginx && patch -p1 < /tmp/fix.patch
      patch -p1 -d /srv/app < /tmp/fix.patch
      cd /etc && patch -p0 --dry-run < /tmp/p
      rg -n error /var/log/nginx/error.log
      rg -z Failed /var/log/auth.log.2.gz
      awk -F: '{print $1}' /etc/passwd
      awk -f /tmp/report.awk /tmp/access.log
      cat /sys/power/state
      ls -l /dev/block
      e2fsck -fn /dev/sda1
      mount /dev/sdb1 /mnt
      mount -o loop /tmp/disk.img /mnt
      mount --bind /srv/data /mnt/data
      mount | grep sda
      cryptsetup luksDump /dev/sda
      cryptsetup open /dev/sda1 data
      cp -a /etc/nginx /tmp/nginx.bak
      cp -r /var/log/nginx /tmp/
      lvs -o +devices
      tree -L 2 /etc/ssh
      hdparm -I /dev/sda
      hdparm -tT /dev/sda
      nvme list
      nvme smart-log /dev/nvme0
      mdadm --detail /dev/md0
      mdadm --examine /dev/sda1
      zpool status
      sgdisk -p /dev/sda
      badblocks -sv /dev/sda
      """)
  void everydayStaysAllowed(String text) {
    assertThat(JUDGE.judge(text).verdict()).as(text).isInstanceOf(Verdict.Allow.class);
  }

  /** Findings run under bash in a throwaway sandbox: the text after the setup changed a stand-in file. */
  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      touch /tmp/open; chmod 666 /tmp/open => chmod 600 --ref=/tmp/open /var/log/auth.log
      : => chmod 000 /var/log/auth.log
      : => chmod u-w /var/log/auth.log
      mkdir -p /tmp/.ssh => chmod 600 /tmp/.ssh/../../etc/passwd
      printf 'a\\n' > /tmp/a => cp /tmp/a /etc/passwd --sparse never
      printf 'a\\n' > /tmp/a => cp /tmp/a /var/log/auth.log --sp never
      printf 'a\\n' > /tmp/a => cp /tmp/a /etc/passwd --no-preserve mode
      mkdir -p etc; echo x > etc/passwd => cp --pa etc/passwd /
      mkdir -p var/log; echo x > var/log/auth.log => cp --par var/log/auth.log /
      printf -- '--- auth.log\\n+++ auth.log\\n@@ -1 +1 @@\\n-sshd: accepted\\n+x\\n' > /tmp/p => patch -d /var/log -p0 -i /tmp/p
      printf -- '--- auth.log\\n+++ auth.log\\n@@ -1 +1 @@\\n-sshd: accepted\\n+x\\n' > /tmp/p => cd /var/log && patch -p0 < /tmp/p
      printf '%s\\n' '{print "x" > FILENAME}' > /tmp/p.awk => awk -f /tmp/p.awk /etc/passwd
      mkdir -p /dev/block && ln -s ../sda /dev/block/8:0 => echo x | dd of=/dev/block/8:0
      """)
  void provenUnderBash(String prepare, String text, @TempDir Path dir) throws Exception {
    assertThat(JUDGE.judge(text).verdict()).as(text).isNotInstanceOf(Verdict.Allow.class);
    for (String tool : List.of("bash", "bwrap", "patch", "awk", "dd", "cp", "chmod")) {
      if (Stream.of("/usr/bin/", "/usr/sbin/").noneMatch(d -> Files.isExecutable(Path.of(d + tool)))) {
        return; // not on this machine
      }
    }
    ProtectedFilesSandbox.assertChangedBy(prepare + "\n" + text, dir);
  }
}
