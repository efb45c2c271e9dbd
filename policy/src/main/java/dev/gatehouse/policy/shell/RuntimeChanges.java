package dev.gatehouse.policy.shell;

import static dev.gatehouse.policy.shell.ShellClass.flag;
import static dev.gatehouse.policy.shell.ShellClass.firstOperandIn;
import static dev.gatehouse.policy.shell.ShellClass.operands;
import static dev.gatehouse.policy.shell.ShellClass.verbAmongOperands;
import static dev.gatehouse.policy.shell.ShellClass.verbCandidates;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Changes to the running system that no other reading of a class saw (attack 17ct), each read as the
 * existing class of its nearest sibling:
 * <ul>
 *   <li>{@code firewall-change} (the class of {@code sysctl -w}): the running kernel's settings by
 *       other means — its modules ({@code insmod}, {@code rmmod}, {@code modprobe} loading or {@code
 *       -r}, {@code kmod}, {@code depmod}), the clock ({@code date -s}, {@code hwclock
 *       --systohc}/{@code --set}, {@code timedatectl set-*}, {@code chronyc makestep}, {@code
 *       ntpdate}, {@code rdate}) and the machine's names and locale ({@code hostname NAME}, {@code
 *       hostnamectl set-*}, {@code domainname NAME}, {@code localectl set-*}: {@code sysctl
 *       kernel.hostname=x} is the same change); the files under {@code /proc/sys}, {@code /sys} and
 *       the kernel's other writable {@code /proc} files are {@link #KERNEL_SETTINGS}.</li>
 *   <li>{@code service-change} (the class of {@code systemctl stop}): storage taken from, or given
 *       to, the running system ({@code umount} of {@code /} or a system directory, {@code -a}; {@code
 *       mount} remounting, binding or moving onto one, {@code -a}; {@code swapoff}/{@code swapon};
 *       {@code mdadm --stop}/{@code --fail}/{@code --remove}; {@code lvchange}/{@code vgchange}/{@code vgreduce};
 *       {@code losetup -d}; {@code quotaoff}/{@code quotaon}; {@code zpool export}/{@code offline}/{@code
 *       add}; {@code zfs unmount}) and the cluster managers' and orchestrators' changes ({@code pcs},
 *       {@code crm}, {@code crm_resource}, {@code kubectl}/{@code oc} verbs other than reads, {@code
 *       helm}, {@code nomad}, {@code consul}, {@code etcdctl}, {@code docker swarm}/{@code node}).</li>
 *   <li>{@code filesystem-format} (the class of {@code zfs destroy} and {@code lvremove}): what
 *       removes data by a name that is no device ({@code btrfs subvolume delete}, {@code btrfs device
 *       remove}, {@code btrfs filesystem resize}, {@code lvreduce}, {@code lvresize}). The repair and tuning tools given a device stay unclassified, as {@link
 *       ProtectedOperands} reads a program given a disk.</li>
 * </ul>
 * Each keeps the program's reads allowed ({@code date +%s}, {@code hostname -f}, {@code
 * hostnamectl status}, {@code chronyc tracking}, {@code lsmod}, {@code modinfo}, {@code mount},
 * {@code swapon --show}, {@code pcs status}, {@code kubectl get}, {@code helm list}, {@code mount
 * /dev/sdb1 /mnt}, {@code umount /dev/sdb1}).
 */
final class RuntimeChanges {
  private RuntimeChanges() {}

  /**
   * The kernel's settings and state as files: {@code /proc/sys} (every {@code sysctl}), all of
   * {@code /sys} (links, block devices' {@code device/delete}, cgroups, power), and {@code /proc}'s
   * other writable files ({@code /proc/irq/N/smp_affinity}, {@code /proc/sysvipc}, {@code
   * /proc/mtrr}, {@code /proc/scsi/scsi}, {@code /proc/acpi}, {@code /proc/driver}, {@code /proc/fs},
   * {@code /proc/bus}, {@code /proc/tty}).
   */
  static final Pattern KERNEL_SETTINGS = Pattern.compile(
      "/proc/sys(/.*)?|/sys(/.*)?|/proc/(irq|sysvipc|mtrr|scsi|acpi|driver|fs|bus|tty|sysrq-trigger)(/.*)?");

  /**
   * The machine's time zone, which every program reads live ({@code ln -sf /usr/share/zoneinfo/X
   * /etc/localtime} is {@code timedatectl set-timezone X}); Debian's {@code /etc/timezone} names it.
   */
  static final Pattern ZONE_FILES = Pattern.compile("/etc/localtime|/etc/timezone");

  private static final Set<String> SYSTEM_MOUNTS = Set.of("", "bin", "boot", "dev", "etc", "home", "lib", "lib32",
      "lib64", "libx32", "opt", "proc", "root", "run", "sbin", "srv", "sys", "usr", "var", "tmp", "snap");
  /** Top-level directories whose whole tree is the system's: a mount point anywhere under one. */
  private static final Set<String> SYSTEM_TREES = Set.of("bin", "boot", "dev", "etc", "lib", "lib32", "lib64",
      "libx32", "proc", "sbin", "sys", "usr", "var");

  // ---- firewall-change: the running kernel's settings, the clock, the machine's names ----------------

  static boolean settingChange(ShellCommand c) {
    String n = c.name();
    List<String> a = c.argValues();
    // (chronyc's -h names the host, and chronyc reads every word after its options as its command)
    boolean help = !n.equals("chronyc") && (a.contains("--help") || a.contains("-h") || a.contains("--version")
        || a.contains("-V"));
    if (help && !n.equals("hostname") && !n.equals("date")) {
      return false;
    }
    switch (n) {
      case "insmod", "rmmod" -> {
        return true;
      }
      case "modprobe" -> {
        // loads (or with -r removes) modules: only the dry run, the listings and the configuration dump read
        return !(flag(c, 'n') || flag(c, 'c') || flag(c, 'D') || flag(c, 'R') || a.stream().anyMatch(v ->
            Wrappers.longOption(v, "dry-run", "d") || Wrappers.longOption(v, "show", "s", "sh")
            || Wrappers.longOption(v, "showconfig", "s", "sh", "show") || Wrappers.longOption(v, "show-config", "s", "sh", "show")
            || Wrappers.longOption(v, "show-depends", "s", "sh", "show") || Wrappers.longOption(v, "show-modversions", "s", "sh", "show")
            || Wrappers.longOption(v, "show-exports", "s", "sh", "show") || Wrappers.longOption(v, "resolve-alias", "r", "re")
            || Wrappers.longOption(v, "dump-modversions", "d"))) && !a.isEmpty();
      }
      case "kmod" -> {
        List<Word> ops = operands(c);
        return !ops.isEmpty() && !Set.of("list", "static-nodes", "help").contains(ops.get(0).value());
      }
      case "depmod" -> {
        return !(flag(c, 'n') || a.stream().anyMatch(v -> Wrappers.longOption(v, "dry-run", "d")));
      }
      case "date", "busybox-date" -> {
        // -s/--set STRING sets the clock; a bare operand MMDDhhmm[[CC]YY][.ss] sets it too (POSIX date)
        return dateSets(a);
      }
      case "hwclock" -> {
        // -w/--systohc, -s/--hctosys, --set, --adjust, --systz, --param-set, --predict (reads), -r/--show (reads)
        return a.stream().anyMatch(v -> Regexes.matches(v, "-[A-Za-z]*[wsa].*") && !v.startsWith("--")
            || Wrappers.longOption(v, "systohc", "s", "sy", "sys", "syst") || Wrappers.longOption(v, "hctosys", "h")
            || Wrappers.longOption(v, "set", "s", "se") || Wrappers.longOption(v, "adjust", "a")
            || Wrappers.longOption(v, "systz", "s", "sy", "sys", "syst") || Wrappers.longOption(v, "param-set", "p", "pa", "par", "para", "param", "param-")
            || Wrappers.longOption(v, "update-drift", "u") || Wrappers.longOption(v, "delay", "d"));
      }
      case "timedatectl", "hostnamectl", "localectl" -> {
        // set-*, hostname NAME (hostnamectl 249+), ntp-servers/revert (timedatectl's per-link), keymap changes
        return a.stream().anyMatch(v -> !v.startsWith("-") && v.toLowerCase(Locale.ROOT).startsWith("set-"))
            || verbAmongOperands(c, Set.of("revert", "ntp-servers")) && operands(c).size() > 1
            || n.equals("hostnamectl") && verbAmongOperands(c, Set.of("hostname", "icon-name", "chassis", "deployment",
                "location")) && operands(c).size() > 1;
      }
      case "chronyc" -> {
        // without a command chronyc reads its commands from the terminal or its input (echo makestep | chronyc):
        // settime, makestep, … unseen (attack 17cv)
        if (chronycReadsInput(a)) {
          return true;
        }
        // every command that changes the daemon or the clock; the reports (tracking, sources, …) read
        return a.stream().anyMatch(v -> Regexes.matches(v.toLowerCase(Locale.ROOT).strip(), "(?s)(makestep|settime|burst"
            + "|online|offline|onoffline|add|delete|allow|deny|cmdallow|cmddeny|local|manual|maxdelay.*|maxpoll|minpoll"
            + "|maxupdateskew|minstratum|polltarget|reload|reselect|reselectdist|reset|rekey|refresh|shutdown|smoothtime"
            + "|trimrtc|writertc|cyclelogs|dump|dfreq|doffset|maxdelaydevratio|maxdelayratio|offset|selectopts"
            + "|sourcename|ntpdata-reset)(\\s.*)?"));
      }
      case "ntpdate", "sntp", "rdate", "htpdate", "ntpd", "openntpd", "chronyd" -> {
        // ntpdate/sntp/rdate set the clock unless they only query; ntpd/chronyd -q set it once and exit
        return switch (n) {
          case "ntpdate" -> !flag(c, 'q') && !flag(c, 'd');
          case "sntp" -> flag(c, 'S') || flag(c, 's') || a.stream().anyMatch(v -> v.startsWith("--step") || v.startsWith("--slew"));
          case "rdate" -> !flag(c, 'p') || flag(c, 's') || flag(c, 'n') && !flag(c, 'p');
          case "htpdate" -> flag(c, 's') || flag(c, 'a') || flag(c, 'x');
          default -> flag(c, 'q') || flag(c, 'Q') || flag(c, 'g') && flag(c, 'q');
        };
      }
      case "adjtimex" -> {
        // every option but -p/--print and -c/--compare (which only report) sets the kernel's clock
        return a.stream().anyMatch(v -> v.startsWith("-") && !Regexes.matches(v, "-[pcV]+|--(print|compare|review|log|help|version)(=.*)?"));
      }
      case "cpupower" -> {
        // frequency-set, idle-set, set: the kernel's CPU settings (frequency-info, idle-info, info read)
        return operands(c).stream().anyMatch(w -> Regexes.matches(w.value(), "[a-z-]*set"));
      }
      case "nmcli" -> {
        // nmcli general hostname NAME (any prefix of each word: nmcli g h NAME) sets the machine's name, as
        // hostnamectl does; general logging level|domains changes NetworkManager's (attack 17cv)
        List<String> ops = operands(c).stream().map(Word::value).toList();
        for (int k = 0; k + 2 < ops.size(); k++) {
          if (!ops.get(k).isEmpty() && "general".startsWith(ops.get(k)) && !ops.get(k + 1).isEmpty()
              && ("hostname".startsWith(ops.get(k + 1)) || "logging".startsWith(ops.get(k + 1)))) {
            return true;
          }
        }
        return false;
      }
      case "powerprofilesctl" -> {
        return verbAmongOperands(c, Set.of("set")); // the power profile, as tuned-adm profile (attack 17cv)
      }
      case "tuned-adm" -> {
        // a profile switch rewrites sysctl, CPU and disk settings at once
        return firstOperandIn(c, Set.of("profile", "off", "auto_profile", "profile_mode"))
            && !(operands(c).size() < 2 && firstOperandIn(c, Set.of("profile")));
      }
      case "systemd-sysctl", "systemd-modules-load" -> {
        return true; // sysctl --system, modprobe of every modules-load.d name: what systemd runs at boot
      }
      case "udevadm" -> {
        // trigger replays (or with --action=remove, removes) every device's events, control changes udevd;
        // info, monitor, settle, test read
        return verbAmongOperands(c, Set.of("trigger", "control", "hwdb")) && !flag(c, 'n')
            && a.stream().noneMatch(v -> v.startsWith("--dry-run"));
      }
      case "loadkeys", "setfont", "kbdrate", "setkeycodes" -> {
        // the console's keymap, font and key repeat, as localectl set-keymap
        return !(n.equals("loadkeys") && (flag(c, 'p') || flag(c, 'd') && a.size() == 1))
            && !(n.equals("kbdrate") && flag(c, 's') && a.size() == 1);
      }
      case "arp" -> {
        // -d/--delete, -s/--set, -f/--file change the neighbour table (arp, arp -a, -n read)
        return flag(c, 'd') || flag(c, 's') || flag(c, 'f') || a.stream().anyMatch(v -> Wrappers.longOption(v, "delete", "d")
            || Wrappers.longOption(v, "set", "s") || Wrappers.longOption(v, "file", "f"));
      }
      case "dhclient", "dhcpcd", "udhcpc" -> {
        // each takes, renews or (-r, -x, -k) gives up the link's address; dhcpcd -U/--dumplease prints
        return !(n.equals("dhcpcd") && (flag(c, 'U') || a.stream().anyMatch(v -> v.startsWith("--dumplease")
            || v.startsWith("--variables"))));
      }
      case "iw" -> {
        return operands(c).stream().anyMatch(w -> Set.of("set", "del", "add", "connect", "disconnect", "join", "leave",
            "switch", "offchannel", "cac").contains(w.value()));
      }
      case "iwconfig", "iwpriv" -> {
        // an interface and a setting (iwconfig wlan0 essid x); the interface alone prints
        return operands(c).size() > 1;
      }
      case "rfkill" -> {
        return verbAmongOperands(c, Set.of("block", "unblock", "toggle"));
      }
      case "wrmsr", "cpufreq-set" -> {
        return true; // a CPU's model-specific register, its frequency governor
      }
      case "setpci" -> {
        // REG=VALUE writes the device's configuration space; REG alone reads
        return operands(c).stream().anyMatch(w -> !w.literal() || w.value().contains("="));
      }
      case "x86_energy_perf_policy" -> {
        return !(a.isEmpty() || flag(c, 'r') || a.stream().anyMatch(v -> v.startsWith("--read")));
      }
      case "hostname", "domainname", "nisdomainname", "ypdomainname" -> {
        // a name operand, -F/--file FILE or -b/--boot sets it; -f, -I, -s, -d, -y … print
        return !help && (!operands(c).isEmpty() || flag(c, 'F') || flag(c, 'b')
            || a.stream().anyMatch(v -> Wrappers.longOption(v, "file") || Wrappers.longOption(v, "boot", "b")));
      }
      default -> {
        return false;
      }
    }
  }

  /**
   * date sets the clock by {@code -s}/{@code --set} (in a bundle, before a letter taking a value:
   * {@code -us DATE}; not the {@code s} of {@code -Iseconds}) or by an operand not starting with
   * {@code +} ({@code date 010100002020}, POSIX's MMDDhhmm[[CC]YY]); the values of {@code -d},
   * {@code -f}, {@code -r} and their long forms are no operands.
   */
  /** chronyc given no command (only its options: -h HOST, -p PORT, -f FILE, -a, -c, -d, -m, -n, -N, -4, -6). */
  private static boolean chronycReadsInput(List<String> a) {
    for (int i = 0; i < a.size(); i++) {
      String v = a.get(i);
      if (Set.of("-v", "--version", "--help").contains(v)) {
        return false;
      }
      if (Set.of("-h", "-p", "-f").contains(v)) {
        i++;
      } else if (!v.startsWith("-")) {
        return false;
      }
    }
    return true;
  }

  private static boolean dateSets(List<String> a) {
    for (int i = 0; i < a.size(); i++) {
      String v = a.get(i);
      if (v.equals("--")) {
        return i + 1 < a.size() && !a.get(i + 1).startsWith("+");
      }
      if (v.startsWith("--")) {
        if (Wrappers.longOption(v, "set", "s")) {
          return true;
        }
        boolean valued = Wrappers.longOption(v, "date", "d", "da") || Wrappers.longOption(v, "file", "f")
            || Wrappers.longOption(v, "reference", "r", "re", "ref") || Wrappers.longOption(v, "resolution", "r", "re");
        if (valued && !v.contains("=")) {
          i++;
        }
        continue;
      }
      if (v.startsWith("-") && v.length() > 1) {
        for (int k = 1; k < v.length(); k++) {
          char ch = v.charAt(k);
          if (ch == 's') {
            return true;
          }
          if (ch == 'd' || ch == 'f' || ch == 'r') {
            if (k == v.length() - 1) {
              i++;
            }
            break;
          }
          if (ch == 'I') {
            break; // -I[FMT]: the rest is its optional value
          }
        }
        continue;
      }
      if (!v.startsWith("+")) {
        return true;
      }
    }
    return false;
  }

  // ---- service-change: storage taken from the running system, clusters and orchestrators ------------

  static boolean storageOrClusterChange(ShellCommand c) {
    return storageOffline(c) || clusterChange(c);
  }

  private static boolean storageOffline(ShellCommand c) {
    String n = c.name();
    List<String> a = c.argValues();
    if (a.contains("--help") || a.contains("--version") || a.contains("-V") && !n.equals("losetup")) {
      return false;
    }
    switch (n) {
      case "umount", "umount2", "umount.nfs", "umount.nfs4", "umount.cifs", "umount.fuse", "umount.udisks2" -> {
        // all (-a, -A), or a system mount point (/, /usr, /var/lib/…, lazily or not), or one only known when it runs
        return flag(c, 'a') || a.stream().anyMatch(v -> Wrappers.longOption(v, "all", "a"))
            || operands(c).stream().anyMatch(w -> !w.literal() || systemMount(w.value()) && !deviceName(w.value()));
      }
      case "mount" -> {
        List<Word> ops = mountOperands(c);
        if (a.stream().anyMatch(v -> Regexes.matches(v, "-[A-Za-z]*o.*") && !v.startsWith("--") && v.contains("remount")
            || v.startsWith("--options") && v.contains("remount") || v.contains("remount") && !v.startsWith("-"))) {
          return true; // -o remount,ro / (the value may be the next word: any remount word)
        }
        if (flag(c, 'a') || a.stream().anyMatch(v -> Wrappers.longOption(v, "all", "a"))) {
          return true;
        }
        // something mounted onto a system directory hides it (mount --bind /tmp/x /etc, mount /dev/sdb1 /usr);
        // with one operand mount looks the other up in fstab: a system mount point named alone too
        if (ops.isEmpty()) {
          return false;
        }
        Word target = ops.get(ops.size() - 1);
        return !target.literal() || systemMount(target.value()) && !deviceName(target.value());
      }
      case "swapoff", "swapon" -> {
        // swapon without operands, --show, -s/--summary list
        return !(n.equals("swapon") && (flag(c, 's') || a.stream().anyMatch(v -> v.startsWith("--show") || v.startsWith("--summary"))
            || a.isEmpty()));
      }
      case "mdadm" -> {
        // --stop takes the array away; --fail/--remove/--set-faulty/--replace/--grow change its members
        return a.stream().anyMatch(v -> Wrappers.longOption(v, "stop", "s", "st") || Regexes.matches(v, "-[A-Za-z]*[SG][A-Za-z]*")
            || Wrappers.longOption(v, "fail", "f") || Wrappers.longOption(v, "remove", "r", "re")
            || Wrappers.longOption(v, "set-faulty") || Wrappers.longOption(v, "grow", "g") || Wrappers.longOption(v, "replace", "r", "re"));
      }
      case "lvchange", "vgchange", "vgreduce", "vgexport", "vgimport" -> {
        // each activates, deactivates or changes a volume (lvchange -an takes it from whoever uses it)
        return !a.isEmpty();
      }
      case "losetup" -> {
        return flag(c, 'd') || flag(c, 'D') || a.stream().anyMatch(v -> Wrappers.longOption(v, "detach", "d", "de")
            || Wrappers.longOption(v, "detach-all", "d", "de", "detach"));
      }
      case "quotaoff", "quotaon" -> {
        return true;
      }
      case "cryptsetup" -> {
        // closing or suspending a mapping takes its file system away (cryptsetup close data: a name, no device)
        List<Word> ops = operands(c);
        return !ops.isEmpty() && Set.of("close", "luksclose", "remove", "lukssuspend", "suspend", "refresh", "resize")
            .contains(ops.get(0).value().toLowerCase(Locale.ROOT));
      }
      case "exportfs" -> {
        // -u unexports, -a/-r/-f (re)export, an operand exports it; exportfs and -v/-s list
        return flag(c, 'u') || flag(c, 'a') || flag(c, 'r') || flag(c, 'f') || !operands(c).isEmpty();
      }
      case "iscsiadm" -> {
        return flag(c, 'u') || flag(c, 'l') || a.stream().anyMatch(v -> Set.of("--logout", "--login", "--logoutall",
            "--loginall").contains(v) || v.startsWith("--logout") || v.startsWith("--login") || v.startsWith("--op"))
            || Regexes.matches(String.join(" ", a), "(?s).*-o\\s*(delete|new|update).*");
      }
      case "multipath" -> {
        // -f/-F flush maps, -r reloads, -w/-W change the wwids file; -l/-ll/-v list
        return a.stream().anyMatch(v -> Regexes.matches(v, "-[A-Za-z]*[fFrwWuU][A-Za-z]*"));
      }
      case "zpool" -> {
        // (scrub, trim and sync, which a timer runs, read or discard nothing in use: left alone)
        return verbAmongOperands(c, Set.of("export", "offline", "detach", "remove", "clear", "reguid", "upgrade", "online",
            "import", "set", "attach", "add", "resilver", "checkpoint"));
      }
      case "zfs" -> {
        // (snapshot, hold, clone add a dataset and take none away: left alone)
        return verbAmongOperands(c, Set.of("unmount", "umount", "mount", "set", "inherit", "rename", "promote", "unload-key",
            "receive", "recv", "release", "change-key"));
      }
      default -> {
        return false;
      }
    }
  }

  /**
   * mount's operands: the words that are neither options nor the value of one ({@code -t ext4},
   * {@code -o ro} after the directory: {@code mount --bind /tmp/x /etc -o ro} names {@code /etc}),
   * with {@code --target DIR} ({@code --target=DIR}) last, as the directory.
   */
  private static List<Word> mountOperands(ShellCommand c) {
    List<Word> a = c.args();
    List<Word> out = new java.util.ArrayList<>();
    Set<String> valued = Set.of("-t", "-o", "-O", "-L", "-U", "-T", "-N", "--types", "--options", "--test-opts", "--label",
        "--uuid", "--fstab", "--namespace", "--source", "--options-mode", "--options-source", "--map-users", "--map-groups");
    Word target = null;
    boolean ended = false;
    for (int i = 0; i < a.size(); i++) {
      String v = a.get(i).value();
      if (!ended && v.equals("--")) {
        ended = true;
      } else if (!ended && v.equals("--target") && i + 1 < a.size()) {
        target = a.get(++i);
      } else if (!ended && v.startsWith("--target=")) {
        target = new Word(a.get(i).source(), v.substring("--target=".length()), a.get(i).literal());
      } else if (!ended && valued.contains(v)) {
        i++;
      } else if (ended || !v.startsWith("-") || v.equals("-")) {
        out.add(a.get(i));
      }
    }
    if (target != null) {
      out.add(target); // the directory, wherever it stands
    }
    return out;
  }

  /**
   * A device's name under {@code /dev} (umount's operand may be the device: where it is mounted is
   * not in the text, {@code umount /dev/sdb1} is everyday); {@code /dev} itself and its own mounts
   * ({@code /dev/pts}, {@code /dev/shm}, {@code /dev/mqueue}, {@code /dev/hugepages}) are no device.
   */
  private static boolean deviceName(String v) {
    String p = ShellClass.normalize(v);
    return p.startsWith("/dev/") && !Regexes.matches(p, "/dev/(pts|shm|mqueue|hugepages)/?");
  }

  /** {@code /}, a top-level system directory, or anything under {@link #SYSTEM_TREES}, read as the kernel resolves it. */
  private static boolean systemMount(String v) {
    if (!v.startsWith("/")) {
      return false;
    }
    String p = ShellClass.normalize(v);
    String[] parts = p.split("/");
    String top = parts.length > 1 ? parts[1] : "";
    return parts.length <= 2 && SYSTEM_MOUNTS.contains(top) || SYSTEM_TREES.contains(top);
  }

  private static final Set<String> KUBECTL_READS = Set.of("get", "describe", "logs", "log", "diff", "top", "explain",
      "api-resources", "api-versions", "version", "cluster-info", "auth", "events", "wait", "completion", "kustomize",
      "options", "help", "plugin", "exec", "port-forward", "proxy", "attach", "cp", "debug", "alpha", "whoami", "status");
  // run: ContainerCommands reads it (its command judged, a terminal nested-shell, a pod running its
  // image's own program service-change); nomad alloc exec likewise
  private static final Set<String> KUBECTL_CHANGES = Set.of("drain", "cordon", "uncordon", "scale", "autoscale", "rollout",
      "delete", "patch", "apply", "edit", "replace", "set", "label", "annotate", "taint", "create", "expose",
      "certificate", "rolling-update", "convert", "new-app", "new-build", "start-build", "cancel-build", "import-image",
      "tag", "adm", "policy", "secrets", "deploy", "rollback", "process", "import", "idle", "image", "volumes", "env");

  private static boolean clusterChange(ShellCommand c) {
    String n = c.name();
    List<String> a = c.argValues();
    if (a.contains("--help") || a.contains("--version") || a.isEmpty() && !n.equals("crm")) {
      return false;
    }
    List<Word> ops = operands(c);
    String first = ops.isEmpty() ? "" : ops.get(0).value().toLowerCase(Locale.ROOT);
    switch (n) {
      case "pcs" -> {
        // pcs status, config, and an object's status/config/show/list read; everything else changes the cluster
        Set<String> reads = Set.of("status", "config", "show", "list", "describe", "help", "report", "history");
        if (Set.of("status", "config", "help", "report").contains(first)) {
          return false;
        }
        if (ops.size() < 2) {
          return !first.isEmpty() && !Set.of("property", "constraint", "resource", "stonith", "cluster", "node", "alert",
              "acl", "tag").contains(first);
        }
        String second = ops.get(1).value().toLowerCase(Locale.ROOT);
        // op, defaults, failcount, utilization list alone or with show/config/list, and set otherwise
        if (second.equals("op") && ops.size() > 2 && ops.get(2).value().equals("defaults")) {
          return ops.size() > 3 && !Set.of("show", "config", "list").contains(ops.get(3).value()); // pcs resource op defaults
        }
        if (Set.of("op", "defaults", "op-defaults", "failcount", "utilization").contains(second)) {
          return ops.size() > 2 && !Set.of("show", "config", "list").contains(ops.get(2).value());
        }
        return !reads.contains(second);
      }
      case "crm" -> {
        if (Set.of("status", "help").contains(first)) {
          return false;
        }
        if (ops.isEmpty()) {
          return true; // crm alone is crmsh's own prompt: the commands typed there are not seen
        }
        return ops.size() < 2 || !Set.of("status", "show", "list", "ls", "help", "locate", "scores", "utilization", "verify",
            "health").contains(ops.get(1).value().toLowerCase(Locale.ROOT));
      }
      case "crm_resource", "crm_node", "crm_attribute", "crm_standby", "crm_failcount", "cibadmin", "crm_ticket",
          "stonith_admin", "crm_shadow" -> {
        // each reads only with its query options (-l/--list, -L, -W/--locate, -q, -Q/--query, -G/--get-value, -p of crm_node)
        return !a.stream().allMatch(v -> Regexes.matches(v, "-[lLWqQGpNinrO]+|--(list|list-raw|locate|query|query-xml|get-value"
            + "|quiet|name-only|partition|cluster-id|list-resources|list-operations|list-all-operations|why|constraints"
            + "|stack|list-standards|list-agents|list-ocf-providers|list-ocf-alternatives|show-metadata|show-params"
            + "|meta|node|resource|id|type|scope|lifetime|uname|name|verbose|xml-text|output-as)(=.*)?")
            || !v.startsWith("-"));
      }
      case "kubectl", "oc", "kubecolor", "k3s", "microk8s", "minikube" -> {
        List<Integer> verbs = verbCandidates(a);
        int i = verbs.isEmpty() ? -1 : verbs.get(0);
        // k3s kubectl …, microk8s kubectl …: the word after
        if (i >= 0 && Set.of("k3s", "microk8s", "minikube").contains(n)) {
          if (!a.get(i).equals("kubectl")) {
            return false;
          }
          List<String> rest = a.subList(i + 1, a.size());
          List<Integer> v2 = verbCandidates(rest);
          return v2.stream().anyMatch(j -> kubectlChange(rest, j));
        }
        return verbs.stream().anyMatch(j -> kubectlChange(a, j));
      }
      case "helm" -> {
        return verbAmongOperands(c, Set.of("install", "upgrade", "uninstall", "delete", "del", "un", "rollback", "rollout",
            "push", "test")) || verbAmongOperands(c, Set.of("plugin", "repo")) && ops.size() > 1
            && Set.of("install", "uninstall", "update", "rm", "remove", "add").contains(ops.get(1).value());
      }
      case "nomad" -> {
        return verbAmongOperands(c, Set.of("stop", "run", "job", "node", "alloc", "deployment", "namespace", "system",
            "operator", "volume", "var", "acl", "quota", "sentinel", "scaling", "plan")) && !(ops.size() > 1
            && Set.of("status", "list", "inspect", "history", "logs", "fs", "info", "read", "get", "validate", "eval", "plan", "exec")
                .contains(ops.get(1).value())) && !first.equals("plan");
      }
      case "consul" -> {
        return verbAmongOperands(c, Set.of("leave", "force-leave", "maint", "reload", "join", "snapshot", "operator",
            "acl", "intention", "config", "services", "kv", "event", "exec", "lock", "connect", "keyring", "peering"))
            && !(ops.size() > 1 && Set.of("get", "list", "read", "export", "inspect", "save", "check", "match")
                .contains(ops.get(1).value()));
      }
      case "etcdctl" -> {
        return verbAmongOperands(c, Set.of("del", "put", "rm", "rmdir", "set", "mk", "mkdir", "update", "updatedir",
            "member", "defrag", "compaction", "alarm", "lease", "move-leader", "auth", "user", "role", "snapshot",
            "downgrade", "txn", "lock", "elect")) && !(ops.size() > 1 && Set.of("list", "status", "get", "timetolive", "leases", "save")
                .contains(ops.get(1).value()));
      }
      case "kubeadm" -> {
        // reset wipes the node, init/join/upgrade apply change the cluster; version, config print,
        // token list, certs check-expiration and upgrade plan read
        return verbAmongOperands(c, Set.of("reset", "init", "join", "upgrade", "token", "certs", "kubeconfig", "alpha", "config"))
            && !(ops.size() > 1 && Set.of("list", "print", "check-expiration", "plan", "images", "diff", "validate")
                .contains(ops.get(1).value()) || verbAmongOperands(c, Set.of("version", "completion")));
      }
      case "argocd", "flux" -> {
        // sync, rollback, delete, suspend, resume, reconcile, set, patch, terminate-op, create…
        return a.stream().anyMatch(v -> Set.of("sync", "rollback", "delete", "suspend", "resume", "reconcile", "set",
            "unset", "patch", "terminate-op", "create", "edit", "bootstrap", "uninstall", "install", "push", "tag", "add",
            "remove", "rm", "update").contains(v));
      }
      case "vault", "bao" -> {
        // the operator's seal, step-down, raft and key changes take the service away or change its keys;
        // disabling a secrets or auth engine, revoking leases and destroying secrets remove what others use
        return verbAmongOperands(c, Set.of("operator")) && ops.size() > 1 && !Set.of("key-status", "members", "usage",
            "diagnose").contains(ops.get(1).value()) && !(ops.size() > 2 && Set.of("list-peers", "get-config",
                "state", "status").contains(ops.get(2).value()))
            || ops.size() > 1 && Set.of("secrets", "auth", "audit", "plugin").contains(first)
                && Set.of("disable", "deregister", "move", "tune", "enable", "register", "reload").contains(ops.get(1).value())
            || ops.size() > 1 && first.equals("lease") && Set.of("revoke", "renew").contains(ops.get(1).value())
            || ops.size() > 1 && first.equals("kv") && Set.of("delete", "destroy", "metadata", "rollback", "undelete")
                .contains(ops.get(1).value()) && !(ops.size() > 2 && ops.get(2).value().equals("get"));
      }
      case "docker", "podman" -> {
        int sw = a.indexOf("swarm");
        int node = a.indexOf("node");
        return sw >= 0 && verbCandidates(a).contains(sw) && !(sw + 1 < a.size() && Set.of("ca", "--help").contains(a.get(sw + 1)))
            || node >= 0 && verbCandidates(a).contains(node) && node + 1 < a.size()
                && Set.of("rm", "update", "demote", "promote").contains(a.get(node + 1));
      }
      default -> {
        return false;
      }
    }
  }

  /** kubectl's options that take no value (a word after one is not its value). */
  private static final Set<String> KUBECTL_BOOLEANS = Set.of("--force", "--overwrite", "--all", "--all-namespaces", "-A",
      "--record", "--server-side", "--force-conflicts", "--prune", "--wait", "--local", "--recursive", "-R", "--save-config",
      "--ignore-not-found", "--now", "--ignore-daemonsets", "--delete-emptydir-data", "--disable-eviction",
      "--show-managed-fields", "--list", "--allow-missing-template-keys", "--validate", "-i", "-t", "-it", "--rm",
      "--quiet", "-q", "--stdin", "--tty", "--include-uninitialized", "--no-headers", "--show-labels", "--watch", "-w",
      "--insecure-skip-tls-verify");

  /**
   * Whether kubectl's last {@code --dry-run} is client's or server's (bare {@code --dry-run} is
   * client's): an option before {@code --}, not the value of the option before it ({@code
   * --field-manager --dry-run} names a field manager and changes the cluster: attack 17cv, proven);
   * pflag keeps the last one given ({@code --dry-run=client --dry-run=none} changes it).
   */
  private static boolean dryRun(List<String> a) {
    Boolean dry = null;
    for (int i = 0; i < a.size(); i++) {
      String x = a.get(i);
      if (x.equals("--")) {
        break;
      }
      if (!x.equals("--dry-run") && !x.startsWith("--dry-run=")) {
        continue;
      }
      String prev = i > 0 ? a.get(i - 1) : "";
      if (prev.startsWith("-") && !prev.contains("=") && !KUBECTL_BOOLEANS.contains(prev)) {
        // the value of the option before it (or a bundle of short flags, not known here): not a dry run
        dry = false;
        continue;
      }
      dry = Regexes.matches(x, "--dry-run(=client|=server|=true|=True|=TRUE|=1|=t|=T)?");
    }
    return dry != null && dry;
  }

  /** kubectl's verb at {@code i} changes the cluster ({@code rollout status/history} and {@code set --dry-run} aside). */
  private static boolean kubectlChange(List<String> a, int i) {
    String v = a.get(i).toLowerCase(Locale.ROOT);
    if (!KUBECTL_CHANGES.contains(v)) {
      return false;
    }
    if (dryRun(a)) {
      return false;
    }
    List<String> after = a.subList(i + 1, a.size()).stream().filter(x -> !x.startsWith("-")).toList();
    if (v.equals("rollout") || v.equals("certificate")) {
      return !(!after.isEmpty() && Set.of("status", "history").contains(after.get(0)));
    }
    if (v.equals("adm") || v.equals("policy")) {
      return !(!after.isEmpty() && Set.of("top", "inspect", "who-can", "must-gather", "release", "node-logs")
          .contains(after.get(0)));
    }
    return true;
  }

  // ---- filesystem-format: what removes or rewrites data on a disk -----------------------------------

  static boolean storageDestroys(ShellCommand c) {
    String n = c.name();
    List<String> a = c.argValues();
    if (a.contains("--help") || a.contains("--version") || a.contains("-V")) {
      return false;
    }
    switch (n) {
      case "btrfs" -> {
        List<Word> ops = operands(c);
        String obj = ops.isEmpty() ? "" : ops.get(0).value();
        String verb = ops.size() < 2 ? "" : ops.get(1).value();
        // btrfs takes its object and verb by any unique prefix (btrfs sub del)
        boolean sub = !obj.isEmpty() && "subvolume".startsWith(obj);
        boolean dev = !obj.isEmpty() && "device".startsWith(obj);
        boolean fs = obj.length() > 1 && "filesystem".startsWith(obj);
        boolean del = !verb.isEmpty() && ("delete".startsWith(verb) || "remove".startsWith(verb));
        return (sub || dev) && del || fs && !verb.isEmpty() && "resize".startsWith(verb) && verb.length() > 1
            || obj.equals("rescue") || obj.length() > 1 && "check".startsWith(obj) && a.stream().anyMatch(v -> v.startsWith("--repair")
                || v.startsWith("--init") || v.startsWith("--clear"))
            || !obj.isEmpty() && "replace".startsWith(obj) && !verb.equals("status")
            || dev && !verb.isEmpty() && "add".startsWith(verb);
      }
      case "lvreduce", "lvresize" -> {
        // a logical volume cut (its file system's end goes with it); an LV named vg/lv is no device
        // path, so the reading of devices did not see these
        return true;
      }
      default -> {
        return false;
      }
    }
  }
}
