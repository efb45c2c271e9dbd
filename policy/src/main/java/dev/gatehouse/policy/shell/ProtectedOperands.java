package dev.gatehouse.policy.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A program the judge has no reading of, given a protected file as an operand or an option's value:
 * a disk ({@code /dev/sda}), {@code /proc/sysrq-trigger}, a log, a history file, an account file
 * ({@code /etc/passwd}, {@code ~/.ssh/…}), a cron file. The path classes know how many programs
 * write the files they name ({@code tee}, {@code cp}, {@code sort -o}, {@code sed -i}, …), but every
 * attack pass found more ({@code zip}, {@code split}, {@code gawk -i inplace}, {@code ssh-keygen -f},
 * {@code objcopy}, an editor): a deny-list of writers is never complete. So the question is turned
 * round: a program that is given such a file and is not known to only read it may write it, and the
 * text is unclassified (the policy's {@code unclassified}: review or block), not allowed.
 *
 * <p>The words a program may write are {@link ShellClass#namedWords}'s (its wrappers' inner command
 * taken off; what {@code cp}, {@code dd}, {@code tar}, {@code awk}, {@code sed} write read as they
 * write it); the programs known to only read ({@link GitFiles#GIT_READERS} and {@link #READERS})
 * write none, unless given an option that writes ({@link #writesAnyway}); the programs a device
 * class reads itself ({@link #DEVICE_READERS}: {@code fdisk -l}, {@code hdparm -I}, {@code mount})
 * are judged by it for devices. Where the class already names the command, its own verdict stands.
 */
final class ProtectedOperands {
  private ProtectedOperands() {}

  /**
   * Programs that only read the files they are given (their output is their standard output or
   * the terminal), beyond {@link GitFiles#GIT_READERS}; and programs whose every written file the
   * path classes read exactly ({@code sort -o}, {@code uniq IN OUT}, {@code tee}: {@link
   * ShellClass#outputFiles}).
   */
  static final Set<String> READERS = Set.of(
      // compressed-file readers and text filters
      "zcat", "zless", "zmore", "zegrep", "zfgrep", "zdiff", "zcmp", "bzcat", "bzless", "bzmore", "bzgrep", "bzegrep",
      "bzfgrep", "bzdiff", "xzcat", "xzless", "xzmore", "xzgrep", "xzegrep", "xzfgrep", "xzdiff", "lzcat", "lzless",
      "lzgrep", "zstdcat", "zstdless", "zstdgrep", "lz4cat", "cut", "column", "nl", "paste", "join", "comm", "fold",
      "fmt", "expand", "unexpand", "rev", "pr", "look", "jq", "base64", "base32", "basenc", "awk", "gawk",
      "mawk", "nawk", "sed", "gsed", "sort", "shuf", "iconv", "uniq", "xxd", "tee", "sponge", "patch", "tar", "gtar",
      // the system's state and logs, read
      "lsblk", "blkid", "findmnt", "df", "lsof", "fuser", "dumpe2fs", "xfs_info", "udevadm", "pvs", "vgs", "lvs",
      "pvdisplay", "vgdisplay", "lvdisplay", "iostat", "smartctl", "last", "lastb", "lastlog", "who", "utmpdump",
      "aureport", "ausearch", "getfacl", "lsattr", "namei", "journalctl", "run-parts", "ssh-add", "tree",
      "e2fsck", "fsck", "fsck.ext2", "fsck.ext3", "fsck.ext4", "xfs_repair", "tune2fs", "blockdev", "mkdir", "logger",
      // attack 17ck's everyday lines: a test of sshd's configuration, the kernel's view of a partition table
      "sshd", "partx", "partprobe", "dpkg", "dpkg-query", "rpm",
      // attack 17ct: the time zone's file (/etc/localtime, firewall-change's since) printed
      "zdump");

  /**
   * Programs a device class judges itself ({@code fdisk}, {@code hdparm}, {@code mount}, …): given
   * a disk, their writes are the class's to find ({@code fdisk -l /dev/sda} reads it); given a log
   * or an account file, they are no readers.
   */
  static final Set<String> DEVICE_READERS = Set.of("fdisk", "sfdisk", "cfdisk", "gdisk", "sgdisk", "cgdisk", "parted",
      "hdparm", "badblocks", "nvme", "wipefs", "blkdiscard", "mkswap", "mke2fs", "mkdosfs", "mkntfs", "mkexfatfs",
      "cryptsetup", "mdadm", "dmsetup", "zpool", "mount", "umount", "swapon", "swapoff", "losetup", "ddrescue", "dd",
      "cp", "cat", "pv", "tee", "shred", "truncate", "install", "sg_format", "flashrom", "scrub", "wipe");

  /** A file of the path class {@code guardedBy} that a command is given and may write, as the text gives it. */
  record Given(ShellClass guardedBy, String word) {}

  /**
   * The files of the path classes {@code classes} that {@code c} is given and may write, where the
   * judge has no reading of {@code c} that says it does not; {@code siteReaders} (the policy's own
   * {@code readers}) are read as {@link #READERS}. The words are read once for all classes.
   */
  static List<Given> mayWrite(ShellCommand c, List<ShellClass> classes, List<String> siteReaders) {
    String n = c.name();
    boolean restricting = n.equals("chmod") && ShellClass.chmodOnlyRestricts(c);
    boolean keepsOwnerWrite = restricting && ShellClass.chmodKeepsOwnerWrite(c);
    if (restricting && !keepsOwnerWrite) {
      // A chmod that takes the owner's own write away (chmod 000, 400, u-w, a-w) silences a log whose
      // daemon runs as its owner (rsyslog as syslog on Ubuntu) and locks a disk's or a cron file's
      // owner out: only an account file under .ssh, user-change's to judge, is let be (attack 17cl:
      // chmod 000 /var/log/auth.log was allowed as a restricting chmod).
      classes = classes.stream().filter(k -> k != ShellClass.USER_CHANGE).toList();
    }
    if (classes.isEmpty() || sshKeygenReads(c) || keepsOwnerWrite || containerExec(c)
        || HookTamper.BUILTINS_AND_KEYWORDS.contains(n) && !n.equals("history") && !n.equals("time")) {
      // bash's builtins write no file they are given (history -w is history-tamper's; GNU time -o
      // FILE, /usr/bin/time, is no builtin)
      return List.of();
    }
    if (n.equals("mknod") && classes.contains(ShellClass.RAW_DEVICE_WRITE)
        && c.args().stream().anyMatch(w -> !w.literal() || Set.of("b", "c", "u").contains(w.value()))) {
      // mknod NAME b 8 0 makes /dev/sda under a name no class knows; a later write to NAME writes the disk
      return List.of(new Given(ShellClass.RAW_DEVICE_WRITE, "a device node (" + String.join(" ", c.argValues()) + ")"));
    }
    if (n.equals("mount") && classes.contains(ShellClass.RAW_DEVICE_WRITE)
        && c.argValues().stream().anyMatch(v -> v.endsWith("devtmpfs"))) {
      // mount -t devtmpfs x DIR: every disk again under DIR, a name no class knows (attack 17cl)
      return List.of(new Given(ShellClass.RAW_DEVICE_WRITE, "a devtmpfs (" + String.join(" ", c.argValues()) + ")"));
    }
    Word zip = zipArchive(c);
    boolean deviceWrites = deviceWrites(c);
    List<Word> words = SSH_CLIENTS.contains(n) ? sshWritten(c)
        : rgPreprocesses(c) ? c.args()
        : zip != null ? List.of(zip)
        : awkProgramUnread(c) ? c.args()
        : deviceWrites ? c.args()
        : (GitFiles.GIT_READERS.contains(n) || READERS.contains(n) || siteReaders.contains(n)) && !writesAnyway(c)
        ? ShellClass.outputFiles(c).stream().map(p -> new Word(p, p, true)).toList()
        : withoutCode(c, ShellClass.namedWords(c));
    if (n.equals("patch") && patchNamesNoFile(c)) {
      // patch with no file operand patches the files the patch itself names, relative to -d's
      // directory or the working directory: any file there (attack 17cl: patch -d /etc -p0 -i P
      // rewrote /etc/passwd; cd /etc && patch -p0 < P is read by RelativePaths as patch … *)
      words = new ArrayList<>(words);
      words.addAll(PATCHED_NAMES);
    }
    List<Given> out = new ArrayList<>();
    if (classes.contains(ShellClass.AUDIT_TAMPER) && n.equals("lastlog") && c.argValues().stream().anyMatch(v ->
        Regexes.matches(v, "-[^-]*[CS].*") || Wrappers.longOption(v, "clear") || Wrappers.longOption(v, "set"))) {
      // lastlog -C (--clear) and -S (--set) rewrite the user's record in /var/log/lastlog, a file no
      // word names (attack 17ck: lastlog -S -u root was allowed as a reader's)
      out.add(new Given(ShellClass.AUDIT_TAMPER, "/var/log/lastlog"));
    }
    String in = directory(c);
    boolean deviceClassReads = DEVICE_READERS.contains(n) && !deviceWrites || n.startsWith("mkfs");
    boolean rotates = LOG_ROTATORS.contains(n);
    for (Word w : words) {
      if (n.equals("less") && w.literal() && w.value().equals(".lesshst")) {
        continue; // less's own history file, which it keeps by default
      }
      for (ShellClass k : classes) {
        boolean readsItself = k == ShellClass.RAW_DEVICE_WRITE && deviceClassReads || k == ShellClass.AUDIT_TAMPER && rotates;
        if (!readsItself && k.givenFile(w.value())) {
          out.add(new Given(k, w.shown()));
        }
      }
      if (n.equals("mount") && !w.value().startsWith("-") && w.value().startsWith("/") && !w.value().equals("/")) {
        // mount over (or bind) a directory of protected files: mount --bind /tmp/x /etc puts another
        // /etc/passwd in place, mount --bind /etc /tmp/e gives its files another name (attack 17cl)
        String below = Regexes.replaceFirst(w.value(), "/+$", "") + "/*";
        for (ShellClass k : classes) {
          // (/dev/* only when it binds: mount --rbind /dev /tmp/d; a disk mounted on a directory is no /dev/*)
          if ((k != ShellClass.RAW_DEVICE_WRITE || deviceWrites) && k.givenFile(below)) {
            out.add(new Given(k, w.shown() + " (a directory of them)"));
          }
        }
      }
      String v = ShellClass.stripOption(w.value());
      if (in != null && !v.isEmpty() && !v.startsWith("/") && !v.startsWith("~") && !v.startsWith("-")) {
        for (ShellClass k : classes) {
          if (k.givenFile(in + "/" + v)) {
            out.add(new Given(k, w.shown() + " (in " + in + ")"));
          }
        }
      }
    }
    return out;
  }

  /**
   * The directory a program changes to before it opens the files it is given: {@code git -C DIR}
   * (the last one; they add up, so a relative second is only read as the first's: either way a
   * name under it), {@code patch -d DIR}/{@code --directory[=]DIR}; or null. Attack 17ck: {@code
   * git -C /var/log diff --no-index --output=auth.log a b} and {@code patch -d /var/log auth.log p}
   * wrote the log while their words named no protected file.
   */
  private static String directory(ShellCommand c) {
    List<String> av = c.argValues();
    boolean git = c.name().equals("git");
    if (!git && !c.name().equals("patch")) {
      return null;
    }
    String dir = null;
    for (int i = 0; i < av.size(); i++) {
      String v = av.get(i);
      String d = null;
      if (v.equals("--")) {
        break;
      } else if (git && v.equals("-C") || !git && (v.equals("-d") || v.startsWith("--") && v.indexOf('=') < 0
          && Wrappers.longOption(v, "directory"))) {
        d = i + 1 < av.size() ? av.get(++i) : null;
      } else if (!git && v.startsWith("--") && Wrappers.longOption(v, "directory")) {
        d = v.substring(v.indexOf('=') + 1);
      } else if (!git && v.startsWith("-d") && v.length() > 2) {
        d = v.substring(2);
      } else if (git && Wrappers.GIT_GLOBAL_WITH_ARG.contains(v)) {
        i++;
      } else if (git && !v.startsWith("-")) {
        break; // git's subcommand: a -C after it is the subcommand's own (git grep -C 3)
      }
      if (d != null) {
        dir = dir == null || d.startsWith("/") ? d : dir + "/" + d;
      }
    }
    return dir == null ? null : Regexes.replaceFirst(dir, "/+$", "");
  }

  /**
   * A command run in a container ({@code docker exec web tail /var/log/nginx/error.log}, {@code
   * kubectl exec pod -- cat /etc/passwd}): its words name the container's files, as ssh's remote
   * command names the other host's; exec mounts nothing of this host. Attack 17ck's false refusals.
   * Only where {@code exec} is the first word that is no option ({@code compose exec}, {@code
   * container exec} too): a global option's value before it is not read.
   */
  private static boolean containerExec(ShellCommand c) {
    if (!Set.of("docker", "podman", "nerdctl", "kubectl", "oc", "lxc", "incus").contains(c.name())) {
      return false;
    }
    List<String> ops = c.argValues().stream().filter(v -> !v.startsWith("-")).limit(2).toList();
    return !ops.isEmpty() && (ops.get(0).equals("exec")
        || ops.size() > 1 && Set.of("compose", "container").contains(ops.get(0)) && ops.get(1).equals("exec"));
  }

  /**
   * OpenSSH clients: ssh, scp, and ssh-copy-id, which hands its {@code -o} options to ssh ({@code
   * ssh-copy-id -o UserKnownHostsFile=FILE} writes FILE as ssh does, attack 17ck: it was a reader's).
   */
  private static final Set<String> SSH_CLIENTS = Set.of("ssh", "scp", "ssh-copy-id");

  /**
   * The local files an OpenSSH client may write: ssh's {@code -E LOG} and {@code -S CONTROL_PATH},
   * the value of every {@code -o} ({@code UserKnownHostsFile}, {@code ControlPath}, …), and scp's
   * local operands (the last one is written); not {@code -i}/{@code -F}, which it reads, nor the remote
   * command's words ({@code ssh host grep x /etc/passwd} names the other host's file).
   */
  private static List<Word> sshWritten(ShellCommand c) {
    List<Word> out = new ArrayList<>();
    List<Word> read = new ArrayList<>();
    for (ShellClass.SshOption o : ShellClass.sshOptions(c)) {
      if (o.letter() == 'o') {
        // -o KEY=VALUE or -o 'KEY VALUE': the file is the value (ssh-copy-id -o UserKnownHostsFile=FILE)
        Word v = o.value();
        String s = v.value();
        int at = Regexes.replaceFirst(s, "^[A-Za-z]+[=\\s]+", "").length();
        out.add(v);
        out.add(new Word(v.source(), s.substring(s.length() - at), v.literal()));
      } else if ("ES?".indexOf(o.letter()) >= 0) {
        out.add(o.value());
      } else {
        read.add(o.value());
      }
    }
    if (c.name().equals("scp")) {
      for (Word w : c.args()) {
        String v = w.value();
        int colon = v.indexOf(':');
        boolean remote = colon > 0 && v.lastIndexOf('/', colon) < 0;
        if (!v.startsWith("-") && !remote && read.stream().noneMatch(r -> r == w)) {
          out.add(w);
        }
      }
    }
    return out;
  }

  /**
   * Compressors that replace a log with its compressed copy ({@code gzip access.log.1}): everyday
   * rotation, left to {@code audit-tamper} (which does not count it) rather than made unclassified.
   * A history or account file compressed is still found ({@code history-tamper} names compressors).
   */
  static final Set<String> LOG_ROTATORS = Set.of("gzip", "bzip2", "xz", "zstd", "lz4", "pigz", "pbzip2", "lbzip2",
      "pixz", "lzma", "lzip", "compress", "savelog");

  /**
   * {@code ssh-keygen} reading a key or a file of keys: {@code -l} (fingerprint), {@code -y} (public
   * key of a private one), {@code -B}, {@code -L}, {@code -F} (find a host), with none of {@code -R}
   * (remove a host), {@code -p}/{@code -c} (rewrite the key), {@code -u} (update a revocation list),
   * {@code -A}, {@code -t} or {@code -N} (make a key), nor {@code -H}: it hashes
   * a known_hosts file in place whatever else is asked ({@code ssh-keygen -B -H -f ~/.ssh/known_hosts}
   * rewrote it, attack 17ck); {@code -e} (export) prints the key.
   */
  private static boolean sshKeygenReads(ShellCommand c) {
    if (!c.name().equals("ssh-keygen")) {
      return false;
    }
    List<String> bundles = c.argValues().stream().filter(v -> v.startsWith("-") && !v.startsWith("--")).toList();
    return bundles.stream().anyMatch(v -> Regexes.matches(v, "-[a-zA-Z]*[lyBLFe][a-zA-Z]*"))
        && bundles.stream().noneMatch(v -> Regexes.matches(v, "-[a-zA-Z]*[RHpcuAtNkKsIhnVzOY][a-zA-Z]*"))
        && c.args().stream().allMatch(w -> w.literal() || !w.value().startsWith("-") && w.value().indexOf(Word.UNKNOWN) != 0);
  }

  /**
   * ripgrep's {@code --pre COMMAND} runs COMMAND on each file it searches ({@code rg --pre shred x
   * /var/log/auth.log} runs {@code shred /var/log/auth.log}, attack 17cl): its files are the
   * command's, not a reader's.
   */
  private static boolean rgPreprocesses(ShellCommand c) {
    return c.name().equals("rg") && c.argValues().stream().anyMatch(v -> Wrappers.longOption(v, "pre", "pre-glob")
        || v.startsWith("--") && v.indexOf(Word.UNKNOWN) >= 0);
  }

  /**
   * The names a patch that names no file in its operands may patch, relative to its directory: any
   * file there or one level below ({@code passwd}, {@code cron.d/x}); not names that start with a
   * dot, which every directory's patch would then match ({@code .bash_history} of a project).
   */
  static final List<Word> PATCHED_NAMES = List.of(Word.literal("*", "*"), Word.literal("*/*", "*/*"));

  /** cryptsetup's actions that write nothing on the device they are given. */
  private static final Set<String> CRYPTSETUP_READS = Set.of("luksDump", "isLuks", "luksUUID", "status", "open",
      "luksOpen", "close", "luksClose", "remove", "benchmark", "tcryptDump", "bitlkDump", "fvault2Dump", "plainOpen",
      "tcryptOpen", "bitlkOpen", "loopaesOpen", "luksHeaderBackup", "resize", "refresh");

  /**
   * A program of {@link #DEVICE_READERS} whose device class does not read what it does to a disk:
   * cryptsetup's other actions ({@code luksKillSlot}, {@code luksHeaderRestore} write the header;
   * its first operand must be a reading action), {@code mount --bind}/{@code --rbind}/{@code --move}
   * or {@code -o bind} (a disk, or /dev, bound under a name no class knows, as mknod makes one), and
   * a recursive {@code cp} ({@code -R}, {@code -a}), which copies a device as a device node; pv,
   * hdparm, nvme, mdadm, zpool and sgdisk other than as queries. Attack 17cl: all were allowed given
   * /dev/sda (their classes name only some of their writes). Their words are then all the program's.
   */
  private static boolean deviceWrites(ShellCommand c) {
    List<String> av = c.argValues();
    return switch (c.name()) {
      case "cryptsetup" -> {
        List<Word> ops = ShellClass.operands(c);
        yield ops.isEmpty() || !CRYPTSETUP_READS.contains(ops.get(0).value());
      }
      case "mount" -> {
        boolean binds = false;
        for (int i = 0; i < av.size(); i++) {
          String v = av.get(i);
          String opts = v.equals("-o") || v.startsWith("--") && v.indexOf('=') < 0 && v.length() > 3
              && Wrappers.longOption(v, "options") ? (i + 1 < av.size() ? av.get(i + 1) : "")
              : v.startsWith("-o") ? v.substring(2)
              : v.startsWith("--") && v.indexOf('=') > 0 && Wrappers.longOption(v, "options") ? v.substring(v.indexOf('=') + 1) : "";
          binds |= Regexes.matches(v, "-[a-zA-Z]*[BRM][a-zA-Z]*") && !v.startsWith("-o")
              || v.startsWith("--") && v.length() > 3 && (Wrappers.longOption(v, "bind") || Wrappers.longOption(v, "rbind")
              || Wrappers.longOption(v, "move"))
              || Regexes.matches(opts, "(?s)(.*,)?(bind|rbind|move)(,.*)?");
        }
        yield binds;
      }
      case "cp" -> (ShellClass.flag(c, 'R') || ShellClass.flag(c, 'r') || ShellClass.flag(c, 'a')
          || av.stream().anyMatch(v -> v.startsWith("--") && v.length() > 3 && (Wrappers.longOption(v, "recursive")
          || Wrappers.longOption(v, "archive"))))
          && av.stream().noneMatch(v -> v.startsWith("--") && v.length() > 3 && Wrappers.longOption(v, "copy-contents"))
          && ShellClass.operands(c).stream().anyMatch(w -> ShellClass.RAW_DEVICE_WRITE.givenFile(w.value()));
      // pv 1.8's -o/--output FILE writes FILE (pv -o /dev/sda IMG)
      case "pv" -> av.stream().anyMatch(v -> Regexes.matches(v, "-[^-]*o.*") || v.startsWith("--") && v.length() > 3
          && Wrappers.longOption(v, "output"));
      // hdparm only as a query (-I, -i, -t, -T, -g, -C, -v, -H, --fibmap): -N p… (a smaller disk), --security-set-pass
      // (a locked disk), --make-bad-sector, --dco-restore, a value given (-W0, -B 254) set the disk
      case "hdparm" -> av.stream().anyMatch(v -> v.startsWith("-")
          && !Regexes.matches(v, "-[IitTgCvH]+|--(Istdout|fibmap|direct|verbose)"));
      // nvme only as a query: dsm --ad (deallocate), delete-ns, io-passthru --write, write-uncor, fw-download, set-feature write it
      case "nvme" -> {
        List<Word> ops = ShellClass.operands(c);
        yield ops.isEmpty() || !NVME_READS.contains(ops.get(0).value());
      }
      // mdadm only as a query: --add (a resync overwrites the disk), --grow, --create
      case "mdadm" -> av.stream().anyMatch(v -> v.startsWith("-")
          && !Regexes.matches(v, "-[DEQsbv]+|--(detail|examine|query|scan|brief|verbose|detail-platform|test)"));
      // zpool only as a query: add/attach write the disk's labels and data
      case "zpool" -> {
        List<Word> ops = ShellClass.operands(c);
        yield ops.isEmpty() || !Set.of("status", "list", "iostat", "get", "history", "events", "version", "help")
            .contains(ops.get(0).value());
      }
      // sgdisk only printing or verifying (-d N deletes a partition)
      case "sgdisk" -> av.stream().anyMatch(v -> v.startsWith("-")
          && !Regexes.matches(v, "-[pvO]+|--(print|verify|print-mbr)|-i[0-9]*|--info(=.*)?"));
      default -> false;
    };
  }

  /** nvme's subcommands that only read the device or the controller. */
  private static final Set<String> NVME_READS = Set.of("list", "list-subsys", "list-ns", "list-ctrl", "id-ctrl", "id-ns",
      "id-iocs", "id-domain", "id-nvmset", "id-uuid", "nvm-id-ctrl", "nvm-id-ns", "smart-log", "error-log", "fw-log",
      "effects-log", "endurance-log", "get-feature", "show-regs", "show-topology", "version", "help", "ns-descs",
      "primary-ctrl-caps", "list-secondary", "supported-log-pages", "sanitize-log", "self-test-log");

  /**
   * An awk whose program the judge does not read ({@code -f FILE}, gawk's {@code -E}/{@code -i}/{@code
   * -l}, an option only known when it runs): the program may write the files it is given ({@code
   * print > FILENAME}, {@code > ARGV[1]}), as awk's inline program is read to do (attack 17cl:
   * {@code awk -f /tmp/p.awk /etc/passwd} truncated /etc/passwd). sed's script file cannot name its
   * input files, and sed -i is an option the judge sees.
   */
  private static boolean awkProgramUnread(ShellCommand c) {
    if (!Set.of("awk", "gawk", "mawk", "nawk").contains(c.name())) {
      return false;
    }
    ToolScripts.Source src = ToolScripts.awkSource(c.args());
    return !src.files().isEmpty() || src.loads() || src.unknown();
  }

  /**
   * The archive of a zip that only reads the files it puts in it, or null: {@code zip -j
   * /tmp/logs.zip /var/log/syslog /var/log/auth.log} (attack 17cl's false refusal, allowed at
   * d33f3e14) writes /tmp/logs.zip, its first operand. Only with flags that take no value and
   * neither remove the files ({@code -m}), run a command ({@code -T}, {@code -TT}), write a log
   * ({@code -lf}), nor name an output ({@code -O}): any other option (a value may come before the
   * archive: {@code -P PASS}) leaves zip unclassified.
   */
  private static Word zipArchive(ShellCommand c) {
    if (!c.name().equals("zip")) {
      return null;
    }
    for (Word w : c.args()) {
      String v = w.value();
      if (!w.literal() || v.equals("-") || v.equals("--")) {
        return null;
      }
      if (v.startsWith("-")) {
        if (!Regexes.matches(v, "-[rRjJqvyXDoSugf0-9]+|--(recurse-paths|junk-paths|quiet|symlinks|no-extra|no-dir-entries)")) {
          return null;
        }
        continue;
      }
      return w;
    }
    return null;
  }

  /** patch's options that take the next word as their value (GNU patch 2.7). */
  private static final String PATCH_SHORT_WITH_ARG = "iodpDFrBYzVg";
  private static final List<String> PATCH_LONG_WITH_ARG = List.of("input", "output", "directory", "strip", "ifdef",
      "fuzz", "reject-file", "prefix", "basename-prefix", "suffix", "version-control", "get", "quoting-style",
      "reject-format", "read-only");

  /**
   * Whether a patch names no file to patch (its operands: {@code patch [OPTIONS] [FILE [PATCHFILE]]}),
   * so that it patches the files its patch names. An option's value is no operand ({@code -p 1}).
   */
  static boolean patchNamesNoFile(ShellCommand c) {
    List<Word> a = c.args();
    if (c.argValues().stream().anyMatch(v -> v.startsWith("--") && v.length() > 3 && Wrappers.longOption(v, "dry-run"))) {
      return false; // --dry-run writes nothing
    }
    for (int i = 0; i < a.size(); i++) {
      String v = a.get(i).value();
      if (v.equals("--")) {
        return i + 1 >= a.size();
      }
      if (!a.get(i).literal() && v.indexOf(Word.UNKNOWN) == 0) {
        continue; // an option or a name only known when it runs: read as an option (more is patched)
      }
      if (v.startsWith("--")) {
        if (v.indexOf('=') < 0 && PATCH_LONG_WITH_ARG.stream().anyMatch(o -> Wrappers.longOption(v, o))) {
          i++;
        }
        continue;
      }
      if (v.startsWith("-") && v.length() > 1) {
        // the bundle's first letter that takes a value takes the rest, or the next word
        for (int k = 1; k < v.length(); k++) {
          if (PATCH_SHORT_WITH_ARG.indexOf(v.charAt(k)) >= 0) {
            if (k == v.length() - 1) {
              i++;
            }
            break;
          }
        }
        continue;
      }
      return false;
    }
    return true;
  }

  /**
   * {@code words} without those a wrapper hands to a shell as code ({@code watch tail FILE}, {@code
   * su -c 'tail FILE'}): the code is read and judged as commands of its own.
   */
  private static List<Word> withoutCode(ShellCommand c, List<Word> words) {
    List<Word> out = new ArrayList<>(words);
    List<Word> a = c.args();
    for (Wrappers.Step s : Wrappers.unwrap(c.name(), a)) {
      if (s instanceof Wrappers.Code code) {
        for (int k = 0; k < a.size(); k++) {
          List<Word> rest = a.subList(k, a.size());
          if (String.join(" ", rest.stream().map(Word::value).toList()).equals(code.text())) {
            out.removeAll(rest);
            break;
          }
          if (a.get(k).value().equals(code.text())) {
            out.remove(a.get(k));
          }
        }
      }
    }
    return out;
  }

  /** tar listing ({@code t}), comparing ({@code d}) or creating ({@code c}), and nothing that extracts or changes an archive. */
  static boolean tarReads(List<String> av) {
    if (av.isEmpty()) {
      return false;
    }
    String modes = ShellClass.tarModes(av);
    boolean longWrites = av.stream().anyMatch(v -> v.startsWith("--") && (Wrappers.longOption(v, "extract")
        || Wrappers.longOption(v, "get") || Wrappers.longOption(v, "append") || Wrappers.longOption(v, "update")
        || Wrappers.longOption(v, "delete") || Wrappers.longOption(v, "catenate") || Wrappers.longOption(v, "concatenate")
        || Wrappers.longOption(v, "to-command") || Wrappers.longOption(v, "index-file")
        || Wrappers.longOption(v, "remove-files") || Wrappers.longOption(v, "listed-incremental")
        || Wrappers.longOption(v, "volno-file") || Wrappers.longOption(v, "info-script")
        || Wrappers.longOption(v, "new-volume-script") || Wrappers.longOption(v, "checkpoint-action")
        || Wrappers.longOption(v, "use-compress-program")));
    // -g FILE (the snapshot file it rewrites), -F/-I (a program it runs), in a bundle or old style
    boolean shortWrites = av.stream().anyMatch(v -> Regexes.matches(v, "-[^-]*[gFI].*"))
        || !av.get(0).startsWith("-") && Regexes.matches(av.get(0), ".*[gFI].*");
    boolean longReads = av.stream().anyMatch(v -> Wrappers.longOption(v, "list") || Wrappers.longOption(v, "diff")
        || Wrappers.longOption(v, "compare") || Wrappers.longOption(v, "create"));
    return !longWrites && !shortWrites && !Regexes.matches(modes, ".*[xruA].*") && (longReads || Regexes.matches(modes, ".*[ctd].*"));
  }

  /**
   * A reader given an option that writes a file or repairs what it reads: {@code blkid -c CACHE},
   * {@code tree -o FILE}, {@code journalctl --setup-keys}/{@code --vacuum…}/{@code --rotate}/{@code
   * --flush}, {@code e2fsck}/{@code fsck}/{@code xfs_repair} without {@code -n} (they repair the
   * disk), {@code tune2fs} with anything but {@code -l}, {@code blockdev} with anything but {@code
   * --get…}/{@code --report}, {@code less -o}/{@code -O} and {@code find -fprint} (read by {@link
   * ShellClass#namedWords}), {@code sed -i}/{@code gawk -i} (likewise), {@code logger -f} reads.
   */
  private static boolean writesAnyway(ShellCommand c) {
    List<String> av = c.argValues();
    return switch (c.name()) {
      // blkid -c in a bundle of its flags (-dc FILE, attack 17ck: the cache is written back to FILE)
      case "blkid" -> av.stream().anyMatch(v -> Regexes.matches(v, "-[dghiklpV]*c.*") || Wrappers.longOption(v, "cache-file"));
      // tree -o in any bundle (tree -ao FILE, attack 17ck: each letter of a bundle is read, -o's value the next word)
      // (and -R, which writes 00Tree.html into each directory it lists, attack 17cl)
      case "tree" -> av.stream().anyMatch(v -> Regexes.matches(v, "-[^-]*[oR].*"));
      // LVM's --config may set log/file, which the command appends its log to (attack 17cl:
      // pvs --config 'log {file="/var/log/auth.log" level=7}' was a reader's)
      case "pvs", "vgs", "lvs", "pvdisplay", "vgdisplay", "lvdisplay" -> av.stream().anyMatch(v -> v.startsWith("--")
          && v.length() > 3 && Wrappers.longOption(v, "config"));
      // zstdcat is zstd -dcf: a later -o FILE (alone or ending a bundle, -fo FILE) or --output-dir-* still writes
      // (attack 17ck: zstdcat -o /var/log/auth.log x.zst)
      case "zstdcat", "zstdless" -> av.stream().anyMatch(v -> Regexes.matches(v, "-[^-]*o.*") || v.startsWith("--output"));
      // the package managers only as a query: dpkg -S/-L/-s/-l (dpkg -S /etc/passwd), rpm -q…/-V… (rpm -qf /etc/passwd)
      case "dpkg" -> av.isEmpty() || !Regexes.matches(av.get(0), "-[SLsl]|--(search|listfiles|status|list)")
          || av.stream().anyMatch(v -> v.startsWith("--") && !Regexes.matches(v, "--(search|listfiles|status|list)"));
      case "rpm" -> av.isEmpty() || !Regexes.matches(av.get(0), "-[qV][a-zA-Z]*")
          || av.stream().anyMatch(v -> v.startsWith("-") && !Regexes.matches(v, "-[qVfilcdsa]+"));
      // ausearch --checkpoint FILE writes where it stopped into FILE
      case "ausearch" -> av.stream().anyMatch(v -> Wrappers.longOption(v, "checkpoint"));
      // udevadm lock runs the command after its options, whose words are the command's
      case "udevadm" -> av.contains("lock");
      case "journalctl" -> av.stream().anyMatch(v -> Wrappers.longOption(v, "setup-keys") || v.startsWith("--vacuum")
          || Wrappers.longOption(v, "rotate") || Wrappers.longOption(v, "flush") || Wrappers.longOption(v, "update-catalog")
          || v.contains("relinquish") || Wrappers.longOption(v, "cursor-file"));
      // e2fsck -z FILE writes an undo file even with -n; fsck -N only shows what it would run
      // (-z also at the end of a bundle: e2fsck -nz FILE, attack 17cl)
      case "e2fsck", "fsck.ext2", "fsck.ext3", "fsck.ext4" -> !ShellClass.flag(c, 'n')
          || av.stream().anyMatch(v -> Regexes.matches(v, "-[^-]*z.*"));
      case "fsck" -> !ShellClass.flag(c, 'n') && !ShellClass.flag(c, 'N');
      // sshd -t/-T only tests its configuration (-E LOG would still be written)
      case "sshd" -> !(ShellClass.flag(c, 't') || ShellClass.flag(c, 'T')) || ShellClass.flag(c, 'E');
      case "xfs_repair" -> !ShellClass.flag(c, 'n');
      case "tune2fs" -> av.stream().anyMatch(v -> v.startsWith("-") && !v.equals("-l"));
      case "blockdev" -> av.stream().anyMatch(v -> v.startsWith("-") && !v.startsWith("--get") && !v.equals("--report")
          && !v.equals("-v") && !v.equals("-q"));
      // patch: the file patched or -o's are outputFiles'; its backups and rejects are named otherwise
      case "patch" -> av.stream().anyMatch(v -> Regexes.matches(v, "-[^-]*[rBYzbV].*|--(rej|pre|bas|suf|bac|ver).*"));
      // tar listing, comparing or creating reads its operands (the archive created is outputFiles');
      // extracting or changing an archive writes what namedWords reads
      case "tar", "gtar" -> !tarReads(av);
      // less, find, sed and awk: namedWords reads their writing options and scripts
      case "less", "find", "sed", "gsed", "awk", "gawk", "mawk", "nawk", "git" -> true;
      default -> false;
    };
  }
}
