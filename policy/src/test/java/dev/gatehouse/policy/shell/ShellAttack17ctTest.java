package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attack pass 17ct on 768b00a9: changes to the running system that no class read. Judge: {@link
 * ShellJudgeTest#DEFAULT}; each text as an exec request and as a typed line. Every finding below was
 * allowed both ways before the fix. Each is mapped to the existing class of its nearest sibling (a
 * new class would pass every policy that does not list it); {@link RuntimeChanges} holds the
 * readings. (Already review as unclassified before, a disk being given, and now read by their class:
 * {@code mount --bind /tmp/x /etc}, {@code mdadm --stop}/{@code -S}/{@code --fail} of {@code /dev/md0},
 * {@code btrfs device remove /dev/sdb /}, {@code vgreduce vg /dev/sdc}; {@code blockdev --setro
 * /dev/sda}, {@code e2fsck -y /dev/sdb1} and {@code tune2fs -O … /dev/sda1} stay so.) Findings marked proven were run under bash 5.2 in a throwaway bubblewrap sandbox
 * ({@code /} read-only, a private {@code /tmp}, its own mount, UTS, PID, IPC and network namespaces,
 * no network): {@link #provenInSandbox} runs them again. The sandbox shares the clock, the kernel's
 * modules and swap with the machine: those findings are not run by a test.
 *
 * <p><b>T1, the kernel's settings written as files</b> (not proven: this sandbox has no writable
 * {@code /proc/sys/kernel} or {@code /sys}; the kernel's sysctl, sysfs and cgroup-v2 documentation):
 * {@code echo 1 > /proc/sys/kernel/sysrq} is {@code sysctl -w kernel.sysrq=1}, which is
 * firewall-change, but only {@code /proc/sys/net} was read as a setting; {@code tee
 * /proc/sys/vm/drop_caches}, {@code echo 0 > /sys/class/net/eth0/carrier}, {@code echo 1 >
 * /sys/block/sda/device/delete} (the disk leaves the kernel), {@code echo 1 >
 * /sys/fs/cgroup/x/cgroup.kill} (every process of the cgroup killed), {@code /proc/irq/N/smp_affinity}
 * likewise. Fix: {@code RuntimeChanges.KERNEL_SETTINGS} (all of {@code /proc/sys} and {@code /sys},
 * {@code /proc}'s other writable directories) is firewall-change's path, so a redirection, {@code
 * tee}, a write after {@code cd} and a program given such a file as an operand it may write ({@code
 * dd of=}, {@code cp}, {@code sed -i}: unclassified) are read as {@code sysctl -w} is; readers
 * ({@code cat}, {@code grep}, {@code ls}, {@code udevadm info}) stay allowed.
 *
 * <p><b>T2, kernel modules</b> (not proven: modprobe(8), insmod(8), rmmod(8), depmod(8); not run,
 * the sandbox shares the kernel): {@code insmod x.ko}, {@code rmmod e1000}, {@code modprobe -r
 * e1000}, {@code modprobe e1000}, {@code kmod} verbs other than {@code list}, {@code depmod}. Fix:
 * firewall-change (the running kernel's settings, as {@code sysctl}); {@code modprobe -n}/{@code
 * --dry-run}, {@code -c}, {@code --show-depends}, {@code lsmod}, {@code modinfo} read.
 *
 * <p><b>T3, the clock</b> ({@code date -s} proven, by accident: the first sandbox run set this
 * machine's clock, which no namespace isolates, and it was set back; the others not proven:
 * hwclock(8), timedatectl(1), chronyc(1), ntpdate(8), adjtimex(8)): {@code date -s 2020-01-01},
 * {@code date --set=…}, {@code date -us …}, {@code date 010100002020} (POSIX's operand form),
 * {@code hwclock --systohc}/{@code -w}/{@code --hctosys}/{@code --set}, {@code timedatectl set-time
 * …}/{@code set-timezone}/{@code set-ntp}, {@code chronyc makestep}/{@code settime}/{@code burst}/…,
 * {@code ntpdate HOST}, {@code adjtimex -t}. Fix: firewall-change; {@code date}, {@code date +%s},
 * {@code date -d …}, {@code date -Iseconds}, {@code hwclock}/{@code -r}, {@code timedatectl
 * status}, {@code chronyc tracking|sources}, {@code ntpdate -q} read.
 *
 * <p><b>T4, the machine's names and locale</b> (hostname and domainname proven in the sandbox's own
 * UTS namespace; hostnamectl(1), localectl(1) not proven): {@code hostname NAME} (also {@code -F
 * FILE}, {@code -b}), {@code domainname NAME}, {@code hostnamectl set-hostname x}/{@code hostname
 * x}, {@code localectl set-locale …}; the same by D-Bus ({@code busctl call org.freedesktop.hostname1
 * … SetStaticHostname}, timedate1's {@code SetTime}, locale1's {@code SetLocale}). Fix:
 * firewall-change ({@code sysctl kernel.hostname=x} is already that class); {@code hostname}, {@code
 * hostname -f}, {@code -I}, {@code hostnamectl [status]}, {@code localectl} read.
 *
 * <p><b>T5, storage taken from the running system</b> ({@code umount -l}, {@code mount -o remount,ro}
 * and {@code mount --bind} onto {@code /etc} proven in the sandbox's mount namespace; swapoff(8),
 * lvchange(8), losetup(8), zpool(8) not proven, not run): {@code umount -l /}, {@code umount /usr},
 * {@code umount -a}, {@code mount -o remount,ro /}, {@code mount --bind /tmp/x /etc} (hides the
 * files), {@code mount -a}, {@code swapoff -a}, {@code swapon -a}, {@code lvchange -an vg/lv},
 * {@code vgchange -an vg}, {@code vgreduce --removemissing vg}, {@code losetup -d}, {@code quotaoff}, {@code
 * zpool export}, {@code zfs unmount}, {@code cryptsetup close NAME} (a mapping's name, no device),
 * {@code exportfs -ua}, {@code iscsiadm … --logout}, {@code multipath -F}, {@code umount.nfs4};
 * {@code mdadm --stop} was unclassified, now read; UDisks2's
 * {@code Unmount}/{@code Lock}/{@code PowerOff} by D-Bus. Fix: service-change (the class of {@code
 * systemctl stop}); {@code mount}, {@code mount -l}, {@code mount /dev/sdb1 /mnt}, {@code umount
 * /mnt}, {@code umount /dev/sdb1}, {@code swapon --show}, {@code findmnt}, {@code df} stay allowed.
 * {@code mount -o remount,ro /} was in 17cl's everyday list: a remount takes the root's writes from
 * every service (or gives them back), no daily work; it moved here. Left alone: {@code umount} of a device name ({@code /dev/sdb1}: where it is mounted is not in the
 * text, and it is everyday work), {@code fstrim}, {@code zpool scrub}, {@code zfs snapshot}.
 *
 * <p><b>T6, storage whose data is removed</b> (not proven: btrfs-subvolume(8), btrfs-device(8),
 * lvreduce(8); not installed here): {@code btrfs subvolume delete /x} (also {@code btrfs
 * sub del}), {@code btrfs device remove}, {@code btrfs filesystem resize}, {@code lvreduce -L 1G
 * vg/lv}, {@code lvresize}: a subvolume or a volume's end goes with its data, and an
 * LV named {@code vg/lv} or a btrfs path is no device name, which is all the reading of devices saw.
 * Fix: filesystem-format (the class of {@code zfs destroy} and {@code lvremove}); {@code btrfs
 * subvolume list}, {@code btrfs filesystem show}, {@code lvs} read. Left alone: the repair and tuning
 * tools ({@code e2fsck -y}, {@code fsck}, {@code xfs_repair}, {@code tune2fs -O}, {@code resize2fs})
 * given a device were and stay unclassified (review: a program given a disk not known to only read
 * it), a repair being maintenance an admin runs rather than a removal; given an image file they
 * change only that file ({@code tune2fs -L x img}, proven harmless in the sandbox).
 *
 * <p><b>T7, clusters and orchestrators</b> (not proven: none installed but kubectl, no cluster here;
 * pcs(8), crm(8), kubectl's, helm's, nomad's, consul's and etcdctl's references): {@code pcs resource
 * stop x}, {@code pcs node standby}, {@code crm resource stop x}, {@code crm_resource --ban}, {@code
 * crm_node --remove}, {@code kubectl drain|cordon|scale|rollout restart|undo|delete|patch|apply|edit|
 * replace|set|label|taint} (after global options, {@code -nprod}; {@code oc}, {@code k3s kubectl}),
 * {@code helm uninstall|rollback|upgrade|install}, {@code nomad job stop}, {@code consul leave},
 * {@code etcdctl del}, {@code docker swarm leave}. Fix: service-change; {@code pcs status}, {@code
 * crm status}, {@code crm configure show}, {@code crm_mon}, {@code kubectl get|describe|logs|diff|
 * exec|rollout status}, {@code --dry-run=client}, {@code helm list|status|template}, {@code nomad
 * job status}, {@code consul members}, {@code etcdctl get} read. Left alone: {@code kubectl exec}
 * and {@code kubectl cp} (everyday work in a pod; the API server's own policy governs them).
 *
 * Also {@code kubeadm reset -f} (wipes the node), {@code kubeadm upgrade apply}, {@code argocd app
 * sync}, {@code flux suspend}, {@code vault operator seal}, {@code vault secrets disable}, {@code
 * vault kv destroy} (their references; not proven), service-change; their reads ({@code kubeadm
 * version}, {@code token list}, {@code upgrade plan}, {@code argocd app list|get}, {@code flux get},
 * {@code vault status}, {@code vault kv get}) stay allowed. Left alone: the cloud providers' CLIs
 * ({@code aws ec2 stop-instances}, {@code gcloud compute instances stop}, {@code az vm stop}, …): a
 * family of thousands of verbs that acts on machines other than the target's, for a pass of its own.
 *
 * <p><b>T8, the kernel's CPU and hardware settings</b> (not proven: cpupower(1), tuned-adm(8),
 * wrmsr(1), setpci(8), cpufreq-set(1), x86_energy_perf_policy(8)): {@code cpupower frequency-set -g
 * powersave}, {@code tuned-adm profile throughput-performance}, {@code wrmsr 0x1a0 0}, {@code setpci
 * -s 00:1f.0 0x40.L=0}, {@code cpufreq-set -g powersave}, {@code x86_energy_perf_policy
 * performance}. Fix: firewall-change; {@code cpupower frequency-info}, {@code rdmsr}, {@code setpci
 * REG} (a read), {@code x86_energy_perf_policy -r} stay allowed. Also what boot runs by hand:
 * {@code systemd-sysctl} ({@code sysctl --system}), {@code systemd-modules-load}, {@code udevadm
 * trigger|control} (replays or with {@code --action=remove} removes every device's events), and the
 * console's keymap ({@code loadkeys}, {@code setfont}, as {@code localectl set-keymap}).
 *
 * <p><b>T9, the link and its address by the older tools</b> (not proven: arp(8), dhclient(8),
 * iw(8), iwconfig(8), rfkill(8)): {@code arp -d HOST}, {@code dhclient -r eth0} (gives the address
 * up), {@code iw dev wlan0 set type monitor}, {@code iwconfig wlan0 essid x}, {@code rfkill block
 * all} (every radio off) were allowed while {@code ip neigh del} and {@code nmcli} changes are
 * firewall-change. Fix: firewall-change; {@code arp -an}, {@code iw dev}, {@code iwconfig}, {@code
 * rfkill list}, {@code dhcpcd -U} stay allowed.
 *
 * <p><b>T10, the time zone by file</b> (not proven: tzset(3), localtime(5)): {@code ln -sf
 * /usr/share/zoneinfo/Asia/Tokyo /etc/localtime} (the same as {@code timedatectl set-timezone}) and
 * {@code echo Europe/Paris > /etc/timezone}. Fix: {@code RuntimeChanges.ZONE_FILES} is a
 * firewall-change path (a redirection or {@code tee}: firewall-change; {@code ln}/{@code cp} onto
 * it: unclassified as a program given a guarded file); {@code cat}, {@code ls -l}, {@code readlink}
 * and {@code zdump /etc/localtime} stay allowed.
 *
 * <p>Left alone: a process's own settings under {@code /proc/PID} ({@code oom_score_adj}, {@code
 * coredump_filter}) — a property of one process as {@code renice} is, not of the machine; {@code
 * kubectl cp} (see T7).
 */
class ShellAttack17ctTest {

  @ParameterizedTest(name = "{0}: {1} -> {2} {3}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      T1 => echo 1 > /proc/sys/kernel/sysrq => review => firewall-change
      T1 => echo 1 | tee /proc/sys/vm/drop_caches => review => firewall-change
      T1 => cd /proc/sys/kernel; echo 1 > sysrq => review => firewall-change
      T1 => echo 0 > /sys/class/net/eth0/carrier => review => firewall-change
      T1 => echo 1 > /sys/block/sda/device/delete => review => firewall-change
      T1 => echo 1 > /sys/fs/cgroup/x/cgroup.kill => review => firewall-change
      T1 => echo 3 > /proc/irq/24/smp_affinity => review => firewall-change
      T1 => echo 1 >> /sys/module/x/parameters/y => review => firewall-change
      T1 => bash -c 'echo 1 > /proc/sys/kernel/sysrq' => review => firewall-change
      T1 => echo 1 > /proc/sys/kernel/../kernel/sysrq => review => unclassified
      T1 => dd of=/proc/sys/kernel/panic <<< 1 => review => unclassified
      T1 => echo mem > /sys/power/state => block => power
      T2 => insmod x.ko => review => firewall-change
      T2 => rmmod e1000 => review => firewall-change
      T2 => /usr/sbin/rmmod e1000 => review => firewall-change
      T2 => modprobe -r e1000 => review => firewall-change
      T2 => modprobe e1000 => review => firewall-change
      T2 => nice -n 5 modprobe --remove x => review => firewall-change
      T2 => busybox rmmod x => review => firewall-change
      T2 => find / -name '*.ko' -exec insmod {} \\; => review => firewall-change
      T2 => depmod -a => review => firewall-change
      T3 => date -s 2020-01-01 => review => firewall-change
      T3 => date --set=2020-01-01 => review => firewall-change
      T3 => date --s 2020-01-01 => review => firewall-change
      T3 => date -us 2020-01-01 => review => firewall-change
      T3 => date 010100002020 => review => firewall-change
      T3 => busybox date -s 2020-01-01 => review => firewall-change
      T3 => hwclock --systohc => review => firewall-change
      T3 => hwclock -w => review => firewall-change
      T3 => hwclock --hctosys => review => firewall-change
      T3 => hwclock --set --date=2020-01-01 => review => firewall-change
      T3 => timedatectl set-time 2020-01-01 => review => firewall-change
      T3 => timedatectl set-ntp false => review => firewall-change
      T3 => timedatectl set-timezone UTC => review => firewall-change
      T3 => chronyc makestep => review => firewall-change
      T3 => chronyc -h localhost makestep => review => firewall-change
      T3 => chronyc settime 12:00 => review => firewall-change
      T3 => chronyc 'burst 4/4' => review => firewall-change
      T3 => ntpdate pool.ntp.org => review => firewall-change
      T3 => adjtimex -t 10001 => review => firewall-change
      T3 => busctl call org.freedesktop.timedate1 /org/freedesktop/timedate1 org.freedesktop.timedate1 SetTime xbb 0 false false => review => firewall-change
      T4 => hostname newname => review => firewall-change
      T4 => /bin/hostname x => review => firewall-change
      T4 => hostname -F /etc/hostname => review => firewall-change
      T4 => hostname -b x => review => firewall-change
      T4 => unshare -u hostname x => review => firewall-change
      T4 => domainname x => review => firewall-change
      T4 => hostnamectl set-hostname x => review => firewall-change
      T4 => hostnamectl hostname x => review => firewall-change
      T4 => localectl set-locale LANG=C => review => firewall-change
      T4 => busctl call org.freedesktop.hostname1 /org/freedesktop/hostname1 org.freedesktop.hostname1 SetStaticHostname sb x false => review => firewall-change
      T5 => umount -l / => review => service-change
      T5 => umount /usr => review => service-change
      T5 => umount -a => review => service-change
      T5 => umount /var/lib/docker => review => service-change
      T5 => umount /dev/pts => review => service-change
      T5 => umount "$MNT" => review => service-change
      T5 => mount -o remount,ro / => review => service-change
      T5 => mount -oremount,rw / => review => service-change
      T5 => mount --bind /tmp/x /etc => review => service-change
      T5 => mount --bind /tmp/x /etc -o ro => review => service-change
      T5 => mount --target /usr /dev/sdb1 => review => service-change
      T5 => mount --target=/usr /dev/sdb1 => review => service-change
      T5 => mount -t tmpfs none /etc => review => service-change
      T5 => mount -a => review => service-change
      T5 => swapoff -a => review => service-change
      T5 => swapon -a => review => service-change
      T5 => swapon /swapfile => review => service-change
      T5 => mdadm --stop /dev/md0 => review => service-change
      T5 => mdadm -S /dev/md0 => review => service-change
      T5 => lvchange -an vg/lv => review => service-change
      T5 => vgchange -an vg => review => service-change
      T5 => losetup -d /dev/loop0 => review => service-change
      T5 => quotaoff -a => review => service-change
      T5 => blockdev --setro /dev/sda => review => unclassified
      T5 => zpool export tank => review => service-change
      T5 => zfs unmount tank/x => review => service-change
      T5 => busctl call org.freedesktop.UDisks2 /org/freedesktop/UDisks2/block_devices/sdb1 org.freedesktop.UDisks2.Filesystem Unmount a{sv} 0 => review => service-change
      T6 => btrfs subvolume delete /x => block => filesystem-format
      T6 => btrfs sub del /x => block => filesystem-format
      T6 => btrfs device remove /dev/sdb / => block => filesystem-format
      T6 => lvreduce -L 1G vg/lv => block => filesystem-format
      T6 => lvresize -L 1G vg/lv => block => filesystem-format
      T5 => vgreduce vg /dev/sdc => review => service-change
      T5 => vgreduce --removemissing vg => review => service-change
      T6 => btrfs filesystem resize -1G / => block => filesystem-format
      T6 => e2fsck -y /dev/sdb1 => review => unclassified
      T6 => tune2fs -O ^has_journal /dev/sda1 => review => unclassified
      T5 => mdadm /dev/md0 --fail /dev/sdb1 => review => service-change
      T5 => mdadm /dev/md0 -f /dev/sdb1 => review => unclassified
      T7 => pcs resource stop x => review => service-change
      T7 => pcs node standby n1 => review => service-change
      T7 => pcs cluster stop --all => review => service-change
      T7 => pcs resource defaults update resource-stickiness=100 => review => service-change
      T7 => pcs node utilization n1 cpu=2 => review => service-change
      T7 => crm resource stop x => review => service-change
      T7 => crm => review => service-change
      T7 => crm_resource --ban -r x => review => service-change
      T7 => crm_node --remove n1 => review => service-change
      T7 => kubectl drain node1 => review => service-change
      T7 => kubectl cordon node1 => review => service-change
      T7 => kubectl scale deploy/x --replicas=0 => review => service-change
      T7 => kubectl --context prod scale deploy x --replicas 0 => review => service-change
      T7 => kubectl -nprod rollout restart deploy/x => review => service-change
      T7 => kubectl rollout undo deploy/x => review => service-change
      T7 => kubectl apply -f x.yaml => review => service-change
      T7 => kubectl apply -f x.yaml --dry-run=none => review => service-change
      T7 => kubectl patch deploy x -p '{}' => review => service-change
      T7 => kubectl edit deploy x => review => service-change
      T7 => kubectl set image deploy/x c=img => review => service-change
      T7 => kubectl label node n x=y => review => service-change
      T7 => kubectl taint node n k=v:NoSchedule => review => service-change
      T7 => timeout 5 kubectl drain n => review => service-change
      T7 => oc adm drain n => review => service-change
      T7 => k3s kubectl drain n => review => service-change
      T7 => helm uninstall x => review => service-change
      T7 => helm rollback x 1 => review => service-change
      T7 => helm upgrade x . => review => service-change
      T7 => nomad job stop x => review => service-change
      T7 => consul leave => review => service-change
      T7 => etcdctl del /x => review => service-change
      T7 => docker swarm leave --force => review => service-change
      T8 => cpupower frequency-set -g powersave => review => firewall-change
      T8 => tuned-adm profile throughput-performance => review => firewall-change
      T8 => wrmsr 0x1a0 0 => review => firewall-change
      T8 => /usr/lib/systemd/systemd-sysctl => review => firewall-change
      T8 => systemd-modules-load => review => firewall-change
      T8 => udevadm trigger --action=remove => review => firewall-change
      T8 => loadkeys de => review => firewall-change
      T5 => cryptsetup close data => review => service-change
      T5 => cryptsetup luksClose data => review => service-change
      T5 => exportfs -ua => review => service-change
      T5 => iscsiadm -m node -T iqn.x --logout => review => service-change
      T5 => multipath -F => review => service-change
      T5 => umount.nfs4 /var/data => review => service-change
      T8 => setpci -s 00:1f.0 0x40.L=0 => review => firewall-change
      T8 => cpufreq-set -g powersave => review => firewall-change
      T8 => x86_energy_perf_policy performance => review => firewall-change
      T9 => arp -d 1.2.3.4 => review => firewall-change
      T9 => dhclient -r eth0 => review => firewall-change
      T9 => iw dev wlan0 set type monitor => review => firewall-change
      T9 => iwconfig wlan0 essid x => review => firewall-change
      T9 => rfkill block all => review => firewall-change
      T10 => echo Europe/Paris > /etc/timezone => review => firewall-change
      T10 => echo UTC | tee /etc/timezone => review => firewall-change
      T10 => ln -sf /usr/share/zoneinfo/Asia/Tokyo /etc/localtime => review => unclassified
      T7 => kubeadm reset -f => review => service-change
      T7 => kubeadm upgrade apply v1.29.0 => review => service-change
      T7 => argocd app sync x => review => service-change
      T7 => flux suspend kustomization x => review => service-change
      T7 => vault operator seal => review => service-change
      T7 => vault secrets disable kv/ => review => service-change
      T7 => vault kv destroy -versions=1 secret/x => review => service-change
      """)
  void fixed(String finding, String text, String label, String rule) {
    ShellJudgeTest.assertBoth(finding, text, label, rule);
  }

  /** Everyday work near the fixes stays allowed. */
  @ParameterizedTest(name = "allowed: {0}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      sysctl -a
      sysctl net.ipv4.ip_forward
      cat /proc/sys/kernel/sysrq
      cat /sys/class/net/eth0/operstate
      ls /sys/class/net
      grep . /sys/block/sda/queue/scheduler
      udevadm info /sys/class/net/eth0
      watch -n1 cat /proc/sys/fs/file-nr
      lsmod
      modinfo e1000
      modprobe -n e1000
      modprobe --show-depends e1000
      modprobe -c
      kmod list
      date
      date +%s
      date -u
      date -d yesterday +%F
      date -d @0
      date --date=yesterday
      date -Iseconds
      date -u -d @0 +%s
      hwclock
      hwclock -r
      hwclock --show
      timedatectl
      timedatectl status
      timedatectl show
      timedatectl timesync-status
      chronyc tracking
      chronyc sources
      chronyc -n sources -v
      ntpdate -q pool.ntp.org
      adjtimex -p
      hostname
      hostname -f
      hostname -I
      hostnamectl
      hostnamectl status
      hostnamectl hostname
      localectl
      domainname
      cpupower frequency-info
      tuned-adm active
      mount
      mount -l
      mount -t ext4
      mount | grep /data
      mount /dev/sdb1 /mnt
      mount --bind /srv/a /mnt/b
      umount /mnt
      umount /dev/sdb1
      findmnt
      df -h
      swapon
      swapon --show
      swapon -s
      mdadm --detail /dev/md0
      lvs
      losetup -a
      e2fsck -n /dev/sdb1
      fsck -N /dev/sda1
      tune2fs -l /dev/sda1
      xfs_repair -n /dev/sdb1
      btrfs subvolume list /
      btrfs filesystem show
      zpool status
      zpool scrub tank
      zfs list
      zfs snapshot tank/x@now
      pcs status
      pcs resource status
      pcs cluster status
      pcs property config
      pcs resource defaults
      pcs resource op defaults
      mount /dev/sdb1 /mnt -o ro
      mount -o loop /tmp/disk.img /mnt
      mount "$DEV" /mnt
      nomad job plan x.nomad
      etcdctl snapshot save /tmp/snap.db
      crm status
      crm configure show
      crm resource status
      crm_mon -1
      crm_resource --list
      crm_node -l
      kubectl get pods
      kubectl -n prod get pods
      kubectl get deploy scale
      kubectl describe pod web-1 -n prod
      kubectl logs deploy/web -n prod --tail=100
      kubectl diff -f x.yaml
      kubectl rollout status deploy/x
      kubectl apply -f x.yaml --dry-run=client
      kubectl exec pod -- cat /etc/passwd
      kubectl config get-contexts
      helm list
      helm status x
      helm template x .
      nomad status
      nomad job status x
      consul members
      consul kv get x
      etcdctl get /x
      etcdctl member list
      docker node ls
      docker ps
      kubeadm version
      kubeadm token list
      kubeadm upgrade plan
      kubeadm certs check-expiration
      argocd app list
      argocd app get x
      flux get all
      vault status
      vault secrets list
      vault kv get secret/x
      vault operator raft list-peers
      rdmsr 0x1a0
      cryptsetup status data
      exportfs -v
      iscsiadm -m session
      multipath -ll
      udevadm info /dev/sda
      udevadm settle
      udevadm monitor
      setpci -s 00:1f.0 0x40.L
      cpufreq-info
      x86_energy_perf_policy -r
      arp -an
      arp
      iw dev
      iw dev wlan0 link
      iwconfig
      rfkill list
      dhcpcd -U eth0
      cat /etc/timezone
      ls -l /etc/localtime
      readlink /etc/localtime
      zdump /etc/localtime
      echo 1 > /proc/1/oom_score_adj
      """)
  void everydayStaysAllowed(String text) {
    ShellAttack17cjTest.assertAllowed(text);
  }

  /**
   * The proven findings, run under bash in a throwaway sandbox (its own mount and UTS namespaces,
   * {@code /} read-only, a private {@code /tmp} as the working directory and HOME, no network):
   * after the setup, the text, then the check, whose output holds the expected line. The guard now
   * refuses each text. (The clock, modules and swap are the machine's own: not run here.)
   */
  @ParameterizedTest(name = "{0}: {2}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      T4 => true => hostname ct-changed-17 => hostname => ct-changed-17
      T4 => true => domainname ct-domain-17 => domainname => ct-domain-17
      T5 => echo here > /tmp/ct-marker-17 => umount -l /tmp => ls /tmp/ct-marker-17 2>/dev/null || echo gone-17 => gone-17
      T5 => true => mount -o remount,ro /tmp => touch /tmp/x-17 2>&1; true => Read-only file system
      T5 => echo planted-17 > /tmp/p17 => mount --bind /tmp /etc => cat /etc/p17 => planted-17
      """)
  void provenInSandbox(String finding, String setup, String text, String check, String expected) throws Exception {
    String tool = text.split(" ")[0];
    String out = TestPrograms.sandboxOutput(tool, setup, text, check);
    assertThat(out).as("%s: %s (output: %s)", finding, text, out).contains(expected);
    ShellJudgeTest.assertRefusedBoth(text);
  }
}
