package dev.gatehouse.policy.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Commands that run other commands, and what they run: prefixes ({@code sudo}, {@code env},
 * {@code timeout}, {@code nice}, {@code nohup}, {@code stdbuf}, {@code ionice}, {@code chroot},
 * {@code setsid}, {@code flock}, {@code taskset}, {@code chrt}, {@code nsenter}, {@code unshare},
 * {@code strace}, {@code doas}, {@code pkexec}, {@code time}, and bash's {@code command}, {@code
 * exec}, {@code builtin}, {@code coproc}), code runners ({@code sh -c}, {@code bash -c}, {@code eval},
 * {@code su -c}, {@code runuser -c}, {@code script -c}, {@code watch}, {@code env -S}, {@code flock
 * -c}, {@code sg}) and argument feeders ({@code xargs}, {@code find -exec/-execdir/-ok/-okdir},
 * {@code busybox APPLET}).
 *
 * <p>Options are read as the program's own getopt reads them (short flags bundle, an option's value
 * may be attached or the next word, {@code --} ends options). A word the reading needs but cannot
 * know ({@code env $OPTS rm}) makes the text unclassified: it might be the command.
 */
final class Wrappers {
  /** What a wrapper runs. */
  sealed interface Step permits Inner, Code, Unknown, Assign {}

  /** It runs these words as a command ({@code via} says how). */
  record Inner(List<Word> words, String via) implements Step {}

  /** It runs this text as shell code. */
  record Code(String text, String via) implements Step {}

  /** It sets this {@code NAME=VALUE} in the environment of what it runs. */
  record Assign(Word word, String via) implements Step {}

  /** It runs something the reading cannot know. */
  record Unknown(String reason) implements Step {}

  /** Shells whose code language is bash's or a subset the bash grammar reads (POSIX sh). */
  static final Set<String> BASH_LIKE = Set.of("sh", "bash", "dash", "ksh", "mksh", "ash", "posh", "yash", "rbash", "ksh93",
      // the Korn shell's other builds: mksh's legacy lksh, OpenBSD's ksh ported (oksh, loksh), pdksh
      "lksh", "oksh", "loksh", "pdksh",
      // BusyBox's other shell, hush (busybox hush -c CODE; attack 17cq)
      "hush");
  /** Shells whose language the bash grammar does not read exactly. */
  static final Set<String> OTHER_SHELLS = Set.of("zsh", "fish", "csh", "tcsh", "xonsh", "nu", "elvish", "pwsh",
      // Plan 9's rc and its descendant es, the stand-alone shell sash, Oils (osh, ysh, oil), scsh, the Schily
      // Bourne shells (bosh, pbosh, jsh), hilbish, ion, murex
      "rc", "es", "sash", "osh", "ysh", "oil", "scsh", "bosh", "pbosh", "jsh", "hilbish", "ion", "murex");

  private static final Word UNKNOWN_ARGS = new Word("…", String.valueOf(Word.UNKNOWN), false);

  private Wrappers() {}

  static boolean isShell(String name) {
    return BASH_LIKE.contains(name) || OTHER_SHELLS.contains(name);
  }

  /** What {@code name args} runs; empty when it is no wrapper (or runs nothing now). */
  static List<Step> unwrap(String name, List<Word> a) {
    return switch (name) {
      case "command" -> {
        Opts o = Opts.scan(a, 0, "", Set.of());
        yield o.unknown() ? unknown(name) : o.has('v') || o.has('V') ? List.of() : inner(a, o.end, name);
      }
      case "builtin", "nohup", "coproc", "unbuffer", "torsocks", "proxychains", "proxychains4", "dbus-run-session" ->
          inner(a, Opts.scan(a, 0, "", Set.of()).endOr(a), name);
      case "exec" -> {
        Opts o = Opts.scan(a, 0, "a", Set.of());
        yield o.unknown() ? unknown(name) : withArgv0(inner(a, o.end, name), argv0(o, "-a"), name + " -a");
      }
      case "jobs" -> {
        // jobs -x COMMAND ARGS runs COMMAND, each jobspec (%1) in it replaced by a process group
        // ID: a command name that is a jobspec is a number only known when it runs.
        Opts o = Opts.scan(a, 0, "", Set.of());
        if (o.unknown()) {
          yield unknown(name);
        }
        if (!o.has('x')) {
          yield List.of();
        }
        yield o.end < a.size() && a.get(o.end).value().startsWith("%")
            ? List.of(new Unknown("jobs -x runs a command named by a job's process group ID")) : inner(a, o.end, name);
      }
      case "time" -> fromOpts(a, "fo", Set.of("--format", "--output"), name);
      case "nice" -> {
        // nice -5 CMD is the old form of -n 5: a bundle of digits is the adjustment.
        Opts o = Opts.scanKnown(a, "n", "0123456789", Set.of("--adjustment"), Set.of("--help", "--version"));
        yield o.unknown() ? unknown(name) : inner(a, o.end, name);
      }
      case "stdbuf" -> {
        Opts o = Opts.scanKnown(a, "ioe", "", Set.of("--input", "--output", "--error"), Set.of("--help", "--version"));
        yield o.unknown() ? unknown(name) : inner(a, o.end, name);
      }
      case "setsid" -> {
        Opts o = Opts.scanKnown(a, "", "cfwhV", Set.of(), Set.of("--ctty", "--fork", "--wait", "--help", "--version"));
        yield o.unknown() ? unknown(name) : inner(a, o.end, name);
      }
      case "catchsegv" -> fromOpts(a, "", Set.of(), name);
      case "ionice" -> {
        Opts o = Opts.scanKnown(a, "cnpPu", "th", Set.of("--class", "--classdata", "--pid", "--pgid", "--uid"),
            Set.of("--ignore", "--help", "--version"));
        yield o.unknown() ? unknown(name) : o.has('p') || o.has('P') || o.has('u') ? List.of() : inner(a, o.end, name);
      }
      case "timeout" -> {
        Opts o = Opts.scanKnown(a, "sk", "pv", Set.of("--signal", "--kill-after"),
            Set.of("--preserve-status", "--foreground", "--verbose", "--help", "--version"));
        yield o.unknown() ? unknown(name) : inner(a, o.end + 1, name);
      }
      case "chroot" -> {
        Opts o = Opts.scanKnown(a, "", "", Set.of("--userspec", "--groups"), Set.of("--skip-chdir", "--help", "--version"));
        yield o.unknown() ? unknown(name) : inner(a, o.end + 1, name);
      }
      case "taskset" -> {
        Opts o = Opts.scan(a, 0, "", Set.of());
        yield o.unknown() ? unknown(name) : o.has('p') ? List.of() : afterOperands(a, "", Set.of(), 1, name);
      }
      case "chrt" -> {
        Opts o = Opts.scan(a, 0, "TPD", Set.of("--sched-runtime", "--sched-period", "--sched-deadline"));
        yield o.unknown() ? unknown(name) : o.has('p') || o.has('m') ? List.of()
            : afterOperands(a, "TPD", Set.of("--sched-runtime", "--sched-period", "--sched-deadline"), 1, name);
      }
      case "nsenter" -> {
        // -w/--wd, -r/--root and the namespace options take a value only attached (-w/x, --wd=/x).
        Opts o = Opts.scanKnown(a, "tSGWN", "aFZhVec", "muinpUCTrw", Set.of("--target", "--setuid", "--setgid", "--wdns",
            "--net-socket"), Set.of("--all", "--mount", "--uts", "--ipc", "--net", "--pid", "--user", "--cgroup", "--time",
            "--root", "--wd", "--preserve-credentials", "--keep-caps", "--no-fork", "--follow-context", "--env",
            "--user-parent", "--join-cgroup", "--help", "--version"));
        yield o.unknown() ? unknown(name) : inner(a, o.end, name);
      }
      case "unshare" -> fromOpts(a, "SGRwl", Set.of("--setuid", "--setgid", "--root", "--wd", "--propagation",
          "--setgroups", "--map-user", "--map-group", "--map-users", "--map-groups", "--load-interp", "--monotonic",
          "--boottime"), name);
      case "strace" -> strace(a);
      case "ltrace" -> fromOpts(a, "aeAlnopsuDFXwx", Set.of("--output", "--library", "--indent", "--align"), name);
      case "sudo" -> sudo(a);
      case "doas" -> fromOptsSkippingAssignments(a, "uC", Set.of(), name);
      case "pkexec" -> fromOptsSkippingAssignments(a, "", Set.of("--user"), name);
      case "cgexec" -> fromOpts(a, "g", Set.of(), name);
      case "prlimit", "systemd-inhibit", "setpriv" -> fromOpts(a, "p", Set.of("--pid", "--what", "--who", "--why",
          "--mode", "--reuid", "--regid", "--groups", "--inh-caps", "--ambient-caps", "--bounding-set", "--securebits",
          "--selinux-label", "--apparmor-profile", "--landlock-access", "--landlock-rule", "--pdeathsig", "--ruid", "--euid",
          "--rgid", "--egid", "--seccomp-filter"), name);
      case "systemd-run" -> {
        // Options end at the command (getopt "+hrH:M:E:p:tPqGdSu:"); -H/-M among them also start a bus transport.
        Opts o = Opts.scan(a, 0, SYSTEMD_RUN_SHORT_WITH_ARG, SYSTEMD_RUN_WITH_ARG);
        if (o.valueMissing(a)) {
          yield o.refused(a, name);
        }
        List<Step> steps = new ArrayList<>(systemdBusTransport(name, a, o.unknown() ? a.size() : o.end));
        steps.addAll(fromOpts(a, SYSTEMD_RUN_SHORT_WITH_ARG, SYSTEMD_RUN_WITH_ARG, name));
        yield steps;
      }
      case "systemctl", "loginctl", "machinectl", "hostnamectl", "timedatectl", "localectl", "busctl", "systemd-analyze",
          "systemd-mount", "systemd-umount", "homectl", "portablectl", "systemd-stdio-bridge" ->
          systemdBusTransport(name, a, a.size());
      case "env" -> env(a);
      case "eval" -> {
        // eval takes no options but skips a leading -- as every builtin does.
        if (!a.isEmpty() && a.get(0).literal() && a.get(0).value().equals("--")) {
          a = a.subList(1, a.size());
        }
        if (a.stream().anyMatch(w -> !w.literal())) {
          yield unknown("eval of a text only known when it runs");
        }
        yield a.isEmpty() ? List.of() : List.of(new Code(a.stream().map(Word::value).collect(Collectors.joining(" ")), "eval"));
      }
      case "su" -> su(name, a);
      case "runuser" -> {
        // runuser -u USER [--] COMMAND runs the command itself; without -u it is su's form.
        Opts o = Opts.scanKnown(a, "ugGswc", "flmpPhVT", Set.of("--user", "--group", "--supp-group", "--shell",
            "--command", "--session-command", "--whitelist-environment"), Set.of("--fast", "--login",
            "--preserve-environment", "--pty", "--no-pty", "--help", "--version"));
        yield o.unknown() ? unknown(name) : o.value('u', "--user") != null && o.value('c', "--command") == null
            ? inner(a, o.end, name) : su(name, a);
      }
      case "sg" -> sg(a);
      case "script" -> optionValue(a, "c", Set.of("--command"), "EBIOTmo", Set.of("--log-timing", "--log-in",
          "--log-out", "--log-io", "--logging-format", "--output-limit", "--echo"), "aeFfqhVt",
          Set.of("--append", "--return", "--force", "--flush", "--quiet", "--help", "--version", "--timing"), "script -c");
      case "flock" -> flock(a);
      case "start-stop-daemon" -> startStopDaemon(a);
      case "debconf" -> fromOpts(a, "ofp", Set.of("--owner", "--frontend", "--priority"), name);
      case "dpkg-buildpackage" -> dpkgBuildpackageHooks(a);
      case "watch" -> watch(a);
      case "xargs" -> xargs(a);
      // GNU parallel joins its command words with the input (::: lists, files, standard input) and
      // runs each line with a shell: code the guard can only know when it runs.
      case "parallel", "sem" -> a.stream().allMatch(w -> w.literal() && Regexes.matches(w.value(), "--?(version|help|citation)"))
          ? List.of() : List.of(new Unknown(name + " runs its words joined with its input as shell code"));
      case "find" -> find(a);
      // Programs whose options start a program or load code (OPTIONS_THAT_RUN): the option only known when it runs.
      case "tar", "gtar", "bsdtar" -> tarOptionsOnlyKnownWhenItRuns(a, name);
      case "alias" -> {
        // An alias's value is code bash runs where the alias is used (expand_aliases can be turned on).
        List<Step> steps = new ArrayList<>();
        for (Word w : a) {
          if (!w.literal()) {
            steps.add(new Unknown("alias with a value only known when it runs"));
          } else if (w.value().indexOf('=') > 0) {
            steps.add(new Code(w.value().substring(w.value().indexOf('=') + 1), "alias"));
          }
        }
        yield steps;
      }
      case "trap" -> {
        // trap 'CODE' SIGNAL…: the code runs later, in this shell.
        int i = 0;
        while (i < a.size() && a.get(i).literal() && (a.get(i).value().equals("--") || Regexes.matches(a.get(i).value(), "-[lp]+"))) {
          if (a.get(i).value().equals("--")) {
            i++;
            break;
          }
          i++;
        }
        if (i >= a.size() || a.size() - i < 2) {
          yield List.of();
        }
        yield a.get(i).literal() ? List.of(new Code(a.get(i).value(), "trap"))
            : List.of(new Unknown("trap with code only known when it runs"));
      }
      case "fc" -> {
        // fc -s / fc -e runs lines from bash's history list (history -s fills it): text the guard never sees.
        boolean onlyLists = !a.isEmpty() && a.get(0).literal() && Regexes.matches(a.get(0).value(), "-[lnr]*l[lnr]*");
        yield onlyLists ? List.of() : List.of(new Unknown("fc runs a command from the shell's history, only known when it runs"));
      }
      case "source", "." -> {
        if (a.isEmpty()) {
          yield List.of();
        }
        Word file = a.get(0).literal() && a.get(0).value().equals("--") && a.size() > 1 ? a.get(1) : a.get(0);
        yield file.literal() ? List.of() : List.of(new Unknown(name + " of a file only known when it runs"));
      }
      case "mapfile", "readarray" -> {
        // -C CALLBACK is code bash evaluates every -c lines.
        Opts o = Opts.scanKnown(a, "dnOsuCc", "t", Set.of(), Set.of());
        if (o.unknown()) {
          yield unknown(name);
        }
        String cb = o.value('C', null);
        yield !o.has('C') ? List.of() : cb == null ? List.of(new Unknown(name + " -C with code only known when it runs"))
            : List.of(new Code(cb + CALLBACK_ARGUMENTS, name + " -C"));
      }
      case "compgen", "complete" -> {
        // Read with bash's own option table (complete.def: abcdefgjksuvpr, o: A: G: W: F: C: X: P: S:,
        // D E I), bundles included: an option with a value takes the rest of its word or the next
        // word, whatever it is (compgen -P -- -C CMD: -- is the prefix). -C runs a command; -W's word
        // list is expanded (command substitution included); -F names a function.
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
          String v = a.get(i).value();
          if (!a.get(i).literal()) {
            yield List.of(new Unknown(name + " with an argument only known when it runs"));
          }
          if (v.equals("--") || v.length() < 2 || !(v.startsWith("-") || v.startsWith("+"))) {
            break;
          }
          for (int k = 1; k < v.length(); k++) {
            char ch = v.charAt(k);
            if ("oAGWFCXPS".indexOf(ch) >= 0) {
              Word val;
              if (k + 1 < v.length()) {
                val = Word.literal(v.substring(k + 1), v.substring(k + 1));
              } else if (i + 1 < a.size()) {
                val = a.get(++i);
              } else {
                break;
              }
              if (!val.literal()) {
                yield List.of(new Unknown(name + " with an option value only known when it runs"));
              }
              if (ch == 'W' && val.value().indexOf('#') >= 0) {
                // bash splits the list at IFS and expands each word, where # is no comment (it is to ': LIST').
                yield List.of(new Unknown(name + " -W with a # in its word list: " + val.shown()));
              }
              if (ch == 'C' || ch == 'W') {
                steps.add(new Code(ch == 'C' ? val.value() + CALLBACK_ARGUMENTS : ": " + val.value(), name + " -" + ch));
              }
              break;
            }
            if ("abcdefgjksuvprDEI".indexOf(ch) < 0) {
              yield List.of(new Unknown(name + ": an option the guard does not read: " + v));
            }
          }
        }
        yield steps;
      }
      case "hash" -> a.stream().anyMatch(w -> !w.literal() || Regexes.matches(w.value(), "-[a-zA-Z]*p.*"))
          ? List.of(new Unknown("hash -p binds a name to a program the guard does not follow")) : List.of();
      case "busybox" -> appletOf(a, name);
      case "sed", "gsed" -> sedCommands(a);
      // Programs that run the command named in their arguments: read it as bash would run it.
      case "valgrind" -> fromOpts(a, "", Set.of(), name);
      case "eatmydata" -> fromOpts(a, "", Set.of(), name);
      case "hwloc-bind" -> afterOperands(a, "", Set.of("--cpubind", "--membind", "--get-last-cpu-location"), 1, name);
      case "toybox" -> appletOf(a, name); // every valgrind option is --name=value or a bare letter
      case "dbus-launch" -> fromOpts(a, "", Set.of("--autolaunch", "--config-file"), name);
      case "faketime" -> afterOperands(a, "p", Set.of("--date-prog"), 1, name);
      case "dumb-init" -> fromOpts(a, "r", Set.of("--rewrite"), name);
      case "tini" -> fromOpts(a, "pe", Set.of(), name);
      case "sshpass" -> fromOpts(a, "fdpP", Set.of(), name);
      case "ssh-agent" -> fromOpts(a, "aEPtO", Set.of(), name);
      case "gpg-agent" -> gpgAgent(a);
      case "prove" -> prove(a);
      case "fakeroot" -> fakeroot(a);
      case "numactl" -> fromOpts(a, "imNCpPwLoMIf", Set.of("--interleave", "--membind", "--cpunodebind", "--physcpubind",
          "--preferred", "--preferred-many", "--weighted-interleave", "--length", "--offset", "--shmmode", "--shmid",
          "--shm", "--file"), name);
      case "rlwrap" -> a.stream().anyMatch(w -> !w.literal() || Regexes.matches(w.value(), "-[A-Za-z]*z.*|--filter.*"))
          ? List.of(new Unknown("rlwrap runs a filter program the guard does not read"))
          : fromOpts(a, "bCDefFgHlOpPqsStwz", Set.of("--break-chars", "--command-name", "--history-no-dupes",
              "--extra-char-after-completion", "--file", "--history-format", "--forget-matching", "--history-filename",
              "--logfile", "--one-shot-rlwrap-prompt", "--prompt-colour", "--pre-given", "--quote-characters",
              "--histsize", "--substitute-prompt", "--set-term-name", "--polling"), name);
      case "gdb", "gdb-multiarch", "cgdb" -> gdb(a, name);
      case "perf" -> a.size() > 1 && a.get(0).literal() && Set.of("stat", "record", "trace", "sched", "lock", "mem", "c2c",
          "kmem", "kwork", "timechart", "ftrace", "iostat", "kvm", "top").contains(a.get(0).value())
          && a.subList(1, a.size()).stream().anyMatch(w -> !w.literal() || !w.value().startsWith("-"))
          ? List.of(new Unknown("perf " + a.get(0).value() + " with a command the guard does not read")) : List.of();
      case "setarch" -> a.isEmpty() ? List.of() : a.get(0).literal() && !a.get(0).value().startsWith("-")
          ? fromOpts(a.subList(1, a.size()), "", Set.of(), name) : fromOpts(a, "", Set.of(), name);
      case "linux32", "linux64", "i386", "x86_64", "uname26" -> fromOpts(a, "", Set.of(), name);
      case "capsh" -> capsh(a);
      case "npx", "npm" -> {
        List<Step> call = npmCall(a, name);
        yield call.isEmpty() ? npmExec(a, name) : call;
      }
      case "cmake" -> cmakeCommand(a);
      case "ctest" -> ctestCommand(a);
      case "java", "javac", "javadoc", "javap", "jar", "jarsigner", "jdb", "jdeps", "jdeprscan", "jlink", "jmod", "jpackage",
          "jshell", "keytool", "jcmd", "jconsole", "jinfo", "jmap", "jps", "jrunscript", "jstack", "jstat", "jstatd",
          "serialver", "rmiregistry", "jhsdb", "jfr", "jimage", "jwebserver", "kinit", "klist", "ktab" -> jvmErrorCommands(a, name);
      // Programs that run the command they are given (17ad): their own options read as each reads them.
      case "hyperfine" -> hyperfine(a);
      case "heaptrack" -> heaptrack(a);
      case "sotruss" -> sotruss(a);
      case "memusage" -> memusage(a);
      case "asciinema" -> asciinema(a);
      case "choom" -> permuted(a, "np", "hV", Set.of("--adjust", "--pid"), Set.of("--help", "--version"), name,
          o -> o.has('p') || o.longs.contains("--pid"));
      case "uclampset" -> permuted(a, "mMp", "asRvhV", Set.of("--pid"), Set.of("--all-tasks", "--system",
          "--reset-on-fork", "--verbose", "--help", "--version"), name,
          o -> o.has('p') || o.has('s') || o.longs.contains("--pid") || o.longs.contains("--system"));
      case "logsave" -> {
        // getopt "+asv", then the log file and the program; "-" as the program reads standard input.
        Opts o = Opts.scanKnown(a, "", "asv", Set.of(), Set.of());
        yield o.unknown() ? unknown(name) : o.end + 1 < a.size() && a.get(o.end + 1).literal()
            && a.get(o.end + 1).value().equals("-") ? List.of() : inner(a, o.end + 1, name);
      }
      case "fstab-decode" -> fstabDecode(a);
      case "dpkg-architecture" -> dpkgArchitecture(a);
      // gettext's getopt stops at the program ("+"); msgexec's builtin 0 and msgfilter's quot,
      // boldquot, recode-sr-latin are read as commands of those names, which is no less strict.
      case "msgexec" -> {
        Opts o = Opts.scanKnown(a, "Di", "hVP", Set.of("--input", "--directory"), Set.of("--newline",
            "--properties-input", "--stringtable-input", "--help", "--version"));
        yield o.unknown() ? unknown(name) : inner(a, o.end, name);
      }
      case "msgfilter" -> {
        Opts o = Opts.scanKnown(a, "Diow", "EFhnpPsV", Set.of("--input", "--directory", "--output-file", "--width",
            "--style"), Set.of("--newline", "--properties-input", "--stringtable-input", "--color", "--no-escape",
            "--escape", "--force-po", "--indent", "--keep-header", "--no-location", "--add-location", "--strict",
            "--properties-output", "--stringtable-output", "--no-wrap", "--sort-output", "--sort-by-file", "--help",
            "--version"));
        yield o.unknown() ? unknown(name) : inner(a, o.end, name);
      }
      // The two builds fakeroot is an alternative for, and the binary the valgrind script runs.
      case "fakeroot-sysv", "fakeroot-tcp" -> fakeroot(a);
      case "valgrind.bin" -> fromOpts(a, "", Set.of(), "valgrind");
      case "systemd-cat" -> {
        Opts o = Opts.scanKnown(a, "tp", "hV", Set.of("--identifier", "--priority", "--stderr-priority",
            "--level-prefix", "--namespace"), Set.of("--help", "--version"));
        yield o.unknown() ? unknown(name) : inner(a, o.end, name);
      }
      case "debconf-apt-progress" -> debconfAptProgress(a);
      case "pg_virtualenv" -> pgVirtualenv(a);
      // moreutils, expect's unbuffer (above) and run-one: documented syntax only, anything else unknown.
      case "chronic" -> leadingFlags(a, "ev", name);
      case "ifne" -> leadingFlags(a, "n", name);
      case "zrun", "run-one", "run-this-one", "keep-one-running", "run-one-constantly", "run-one-until-success",
          "run-one-until-failure" -> leadingFlags(a, "", name);
      case "lckdo" -> {
        Opts o = Opts.scanKnown(a, "W", "qswx", Set.of(), Set.of());
        yield o.unknown() ? unknown(name) : inner(a, o.end + 1, name);
      }
      case "pee", "mispipe" -> shellStrings(a, name);
      case "git" -> gitCommands(a);
      // Programs that run the program their arguments name (17aw), their options read as each reads them.
      // LLVM's not (not.cpp): an optional --crash first, then the command, whose status it inverts.
      case "not" -> inner(a, !a.isEmpty() && a.get(0).literal() && a.get(0).value().equals("--crash") ? 1 : 0, name);
      case "llvm-reduce" -> llvmReduce(a);
      case "gp-collect-app" -> gprofngCollectApp(a, 0);
      case "gprofng" -> gprofng(a);
      case "systemd-socket-activate" -> socketActivate(a);
      // util-linux scriptlive runs -c CMD with $SHELL -c, else $SHELL itself, and types the recorded input into it.
      case "scriptlive" -> {
        List<Step> code = optionValue(a, "c", Set.of("--command"), "tTIBdm", Set.of("--timing", "--log-timing", "--log-in",
            "--log-io", "--divisor", "--maxdelay"), "hV", Set.of("--help", "--version"), name);
        yield !code.isEmpty() ? code : List.of(new Unknown("scriptlive without -c replays its recorded input into $SHELL"));
      }
      case "agetty" -> agetty(a);
      case "luit" -> luit(a);
      // glib's gio launch runs the Exec= line of the desktop file it reads: a command only known when it runs.
      case "gio" -> a.isEmpty() ? List.of() : !a.get(0).literal() || a.get(0).value().equals("launch")
          ? List.of(new Unknown("gio " + a.get(0).shown() + " runs the command of a desktop file it reads")) : List.of();
      // Attack pass 17cn: programs that run the program their arguments name, by their documented
      // syntax (runit, daemontools, SELinux, Xvfb, proot, the LD_PRELOAD launchers); an option
      // outside it, or one that renames or re-environs the program, is unknown.
      case "chpst" -> {
        // -b ARGV0 runs the program under another name (bash named sh is POSIX mode)
        Opts o = Opts.scanKnown(a, "uUbe/CnlLmdofpcrt", "vP012", Set.of(), Set.of());
        yield o.unknown() || o.has('b') ? unknown(name) : inner(a, o.end, name);
      }
      case "runcon" -> {
        // runcon CONTEXT COMMAND, or runcon [-c] [-u U] [-r R] [-t T] [-l L] COMMAND
        Opts o = Opts.scanKnown(a, "urtl", "c", Set.of("--user", "--role", "--type", "--range"),
            Set.of("--compute", "--help", "--version"));
        if (o.unknown()) {
          yield unknown(name);
        }
        boolean optionsGiven = o.flags.length() > 0 || !o.longs.isEmpty();
        yield inner(a, optionsGiven ? o.end : o.end + 1, name);
      }
      case "xvfb-run" -> fromKnown(a, "efnpsw", "adhl", Set.of("--error-file", "--auth-file", "--server-num",
          "--xauth-protocol", "--server-args", "--wait"), Set.of("--auto-servernum", "--auto-display", "--help",
          "--listen-tcp"), name);
      case "proot" -> {
        // -q/--qemu runs its value as the emulator of every program: unknown
        Opts o = Opts.scanKnown(a, "rbmwkviRSp", "0Vhn", Set.of("--rootfs", "--bind", "--mount", "--cwd", "--pwd",
            "--kernel-release", "--verbose", "--change-id", "--root-id"), Set.of("--kill-on-exit", "--link2symlink",
            "--help", "--version", "--usage"));
        yield o.unknown() ? unknown(name) : inner(a, o.end, name);
      }
      case "softlimit" -> fromKnown(a, "acdflmoprst", "", Set.of(), Set.of(), name);
      case "setlock" -> knownThenOperands(a, "", "nNxX", 1, name);
      case "setuidgid", "envuidgid" -> knownThenOperands(a, "", "", 1, name);
      case "pgrphack", "fghack", "vglrun", "optirun", "primusrun", "prime-run", "gamemoderun", "mangohud", "padsp", "aoss",
          "tsocks", "torify", "apulse", "box64", "box86" -> leadingFlags(a, "", name);
      case "argv0" -> a.isEmpty() ? List.of() : List.of(new Unknown("argv0 runs a program under another name"));
      case "daemonize" -> {
        // -E NAME=VALUE sets the program's environment (BASH_ENV=…): unknown
        Opts o = Opts.scanKnown(a, "ceEoplu", "av", Set.of(), Set.of());
        yield o.unknown() || o.has('E') ? unknown(name) : inner(a, o.end, name);
      }
      case "nocache" -> fromKnown(a, "n", "", Set.of(), Set.of(), name);
      case "trickle" -> fromKnown(a, "duwtln", "hvVs", Set.of(), Set.of(), name);
      case "timelimit" -> fromKnown(a, "SsTt", "pq", Set.of(), Set.of(), name);
      case "pasuspender" -> fromKnown(a, "s", "h", Set.of("--server"), Set.of("--help", "--version"), name);
      case "cpulimit" -> {
        Opts o = Opts.scanKnown(a, "lpeP", "zivhkrcm", Set.of("--limit", "--pid", "--exe", "--path", "--cpu"),
            Set.of("--lazy", "--include-children", "--verbose", "--help", "--kill", "--restore", "--monitor-forks", "--quiet",
                "--foreground", "--background"));
        yield o.unknown() ? unknown(name) : o.has('p') || o.has('e') || o.has('P') || o.longs.contains("--pid")
            || o.longs.contains("--exe") || o.longs.contains("--path") ? List.of() : inner(a, o.end, name);
      }
      case "fakechroot" -> fromKnown(a, "ldec", "shv", Set.of("--lib", "--elfloader", "--environment", "--config-dir"),
          Set.of("--use-system-libs", "--help", "--version"), name);
      // tsp and nq: Runners (tsp's queries, -l, -t ID, run nothing)
      case "schedtool" -> {
        // schedtool [OPTIONS] -e COMMAND: without -e it works on the PIDs it is given
        for (int k = 0; k < a.size(); k++) {
          if (!a.get(k).literal()) {
            yield unknown(name);
          }
          if (a.get(k).value().equals("-e")) {
            yield inner(a, k + 1, name);
          }
        }
        yield List.of();
      }
      // Servers that run their program for each connection, its input and output the socket: a shell so
      // started is one anybody on the host (curl telnet://…) types into, unjudged (attack pass 17cn).
      case "tcpserver" -> knownThenOperands(a, "cxBgubltTI", "qQvXU146oOdDhHpPrR", 2, name);
      case "tcpsvd", "udpsvd" -> knownThenOperands(a, "cCbul", "hEv", 2, name);
      case "ttyd" -> fromKnown(a, "picugswIbPCKAtTmdHU", "6SROBoWqavhX", Set.of(), Set.of(), name);
      case "websocketd", "gotty" -> leadingFlags(a, "", name);
      case "telnetd", "utelnetd" -> a.stream().anyMatch(w -> !w.literal() || Regexes.matches(w.value(), "-[A-Za-z]*l.*"))
          ? List.of(new Unknown(name + " -l runs its program for each connection")) : List.of();
      case "inetd", "xinetd" -> a.stream().anyMatch(w -> !w.literal() || !w.value().startsWith("-"))
          || a.stream().anyMatch(w -> Regexes.matches(w.value(), "-[A-Za-z]*f.*"))
          ? List.of(new Unknown(name + " runs the programs of a configuration it is given")) : List.of();
      case "less" -> lessOptionsOnlyKnownWhenItRuns(a, name);
      // a command sent into a container, a pod, a machine (docker exec, kubectl exec, …; attack 17cr)
      case "docker", "podman", "nerdctl", "finch", "podman-remote", "docker-compose", "podman-compose", "kubectl", "oc",
          "crictl", "ctr", "lxc", "incus", "nomad", "vagrant", "virsh", "gcloud", "aws", "minikube", "multipass",
          "runc", "crun", "runsc", "youki", "buildah", "k3s", "microk8s", "microk8s.kubectl", "docker-machine", "colima", "limactl", "lima",
          "pdsh", "clush", "pssh", "parallel-ssh", "ansible", "ansible-console", "salt", "salt-ssh", "az", "flyctl", "fly", "heroku", "kubecolor", "k9s", "doctl", "hcloud", "k0s", "kubectl.lima", "nerdctl.lima", "docker.lima", "podman.lima", "rdctl", "orb", "orbctl", "apptainer", "singularity", "apptainer.lima",
          "salt-call", "kubectl-sudo", "kubectl-node_shell", "sail", "telepresence", "mirrord", "okteto", "devspace",
          "devcontainer", "garden" ->
          // a name both readings know (heroku run CMD, heroku local:run CMD): the steps of both
          Runners.reads(name) ? concat(ContainerCommands.read(name, a).steps(), Runners.unwrap(name, a))
              : ContainerCommands.read(name, a).steps();
      case "corepack" -> corepack(a);
      default -> Regexes.matches(name, "ruby[0-9.]*|jruby|truffleruby") ? rubySearchedScript(a, name)
          : Runners.pythonModule(name, a) != null
          ? Runners.unwrap(Runners.pythonModule(name, a).getKey(), Runners.pythonModule(name, a).getValue())
          : Runners.reads(name) ? Runners.unwrap(name, a)
          : OPTIONS_THAT_RUN.containsKey(name) ? optionsOnlyKnownWhenItRuns(a, 0, OPTIONS_THAT_RUN.get(name), name)
          : GCC_DRIVER_NAME.matcher(name).matches() ? moduleMapper(a) : isShell(name) ? shell(name, a) : isLoader(name) ? loader(a, name)
          : List.of();
    };
  }

  private static <T> List<T> concat(List<? extends T> x, List<? extends T> y) {
    List<T> out = new ArrayList<>(x);
    out.addAll(y);
    return out;
  }

  /**
   * Corepack runs the package manager its first word names ({@code corepack yarn exec CMD}, {@code
   * corepack pnpm@9 dlx CMD}) with the words after it: judged as that manager (attack 17cq); its
   * own commands (enable, install, use, …) run nothing.
   */
  private static List<Step> corepack(List<Word> a) {
    if (a.isEmpty()) {
      return List.of();
    }
    Word first = a.get(0);
    if (!first.literal()) {
      return List.of(new Unknown("corepack runs a package manager only known when it runs"));
    }
    String v = first.value();
    String tool = v.indexOf('@') > 0 ? v.substring(0, v.indexOf('@')) : v;
    if (!Set.of("yarn", "yarnpkg", "pnpm", "pnpx", "npm", "npx").contains(tool)) {
      return List.of();
    }
    List<Word> words = new ArrayList<>();
    words.add(Word.literal(tool, tool));
    words.addAll(a.subList(1, a.size()));
    return inner(words, 0, "corepack");
  }

  /**
   * {@code ruby -S NAME ARGS} looks NAME up in PATH and runs it with ARGS (a script whose {@code #!}
   * names another interpreter is run by that one): {@code ruby -S bundle exec CMD} is {@code bundle
   * exec CMD} (attack 17cq). The words from NAME are judged as a command; without {@code -S}, or
   * with code ({@code -e}), ruby's own reading ({@link Interpreters}) stands.
   */
  private static List<Step> rubySearchedScript(List<Word> a, String name) {
    boolean searched = false;
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      if (!w.literal()) {
        return searched ? unknown(name) : List.of();
      }
      String v = w.value();
      if (v.equals("--")) {
        return searched ? inner(a, i + 1, name) : List.of();
      }
      if (!v.startsWith("-") || v.equals("-")) {
        return searched ? inner(a, i, name) : List.of();
      }
      if (v.startsWith("--")) {
        if (Set.of("--encoding", "--external-encoding", "--internal-encoding").contains(v)) {
          i++;
        }
        continue;
      }
      for (int j = 1; j < v.length(); j++) {
        char ch = v.charAt(j);
        if (ch == 'e') {
          return List.of(); // code: Interpreters' inline reading
        }
        if (ch == 'S') {
          searched = true;
          continue;
        }
        if ("rICEFKTWx0i".indexOf(ch) >= 0) {
          // a value: the rest of the word, or (for -r, -I, -C, -E, -F, -K given alone) the next word
          if (j + 1 == v.length() && "rICEFK".indexOf(ch) >= 0) {
            i++;
          }
          break;
        }
      }
    }
    return List.of();
  }

  /** git's options that take a value before the subcommand, given as the next word (git.c's handle_options). */
  static final Set<String> GIT_GLOBAL_WITH_ARG = Set.of("-C", "-c", "--git-dir", "--work-tree", "--namespace",
      "--super-prefix", "--config-env", "--attr-source", "--shallow-file");

  /**
   * A git subcommand's options whose value git runs as a shell command: short letters (a value
   * attached, {@code -x'CMD'}, or the next word), the short letters that take a value of another
   * kind (a bundle ends at one: {@code -S0xABC} is a key id), and long names (any unambiguous
   * abbreviation, {@code =CMD} or the next word).
   */
  private record GitCommandOptions(String letters, String valueLetters, List<String> longs) {}

  /**
   * {@code rebase -x/--exec}, {@code clone}/{@code ls-remote -u/--upload-pack} (a local clone runs
   * it with the shell), {@code fetch}/{@code pull --upload-pack}, {@code push --receive-pack/--exec},
   * {@code difftool -x/--extcmd}, {@code filter-branch}'s filters (eval'd by its script), {@code
   * send-email}'s {@code --*-cmd}, {@code archive --exec} (with a local {@code --remote}), {@code
   * fetch-pack}/{@code send-pack}'s pack programs. {@code grep -O[CMD]} takes its value only attached (below).
   */
  private static final java.util.Map<String, GitCommandOptions> GIT_COMMAND_OPTIONS = java.util.Map.ofEntries(
      java.util.Map.entry("rebase", new GitCommandOptions("x", "sXSC", List.of("exec"))),
      java.util.Map.entry("clone", new GitCommandOptions("u", "objc", List.of("upload-pack"))),
      java.util.Map.entry("ls-remote", new GitCommandOptions("u", "", List.of("upload-pack"))),
      java.util.Map.entry("fetch", new GitCommandOptions("", "", List.of("upload-pack"))),
      java.util.Map.entry("pull", new GitCommandOptions("", "", List.of("upload-pack"))),
      java.util.Map.entry("push", new GitCommandOptions("", "o", List.of("receive-pack", "exec"))),
      java.util.Map.entry("difftool", new GitCommandOptions("x", "t", List.of("extcmd"))),
      java.util.Map.entry("filter-branch", new GitCommandOptions("", "d", List.of("env-filter", "tree-filter", "index-filter", "msg-filter",
          "commit-filter", "parent-filter", "tag-name-filter", "setup"))),
      java.util.Map.entry("send-email", new GitCommandOptions("", "", List.of("sendmail-cmd", "to-cmd", "cc-cmd", "header-cmd"))),
      java.util.Map.entry("archive", new GitCommandOptions("", "o", List.of("exec"))),
      java.util.Map.entry("fetch-pack", new GitCommandOptions("", "", List.of("upload-pack", "exec"))),
      java.util.Map.entry("send-pack", new GitCommandOptions("", "", List.of("receive-pack", "exec"))));

  /**
   * Whether {@link #gitCommands} reads the command options of this git command line (its
   * subcommand is a literal word with a table above): then its {@code --exec}/{@code
   * --upload-pack}/{@code --receive-pack} values are judged as the commands they are, and the
   * class rule does not also call them inline code.
   */
  static boolean gitCommandOptionsRead(List<String> args) {
    int i = 0;
    while (i < args.size() && args.get(i).startsWith("-")) {
      i += GIT_GLOBAL_WITH_ARG.contains(args.get(i)) ? 2 : 1;
    }
    return i < args.size() && GIT_COMMAND_OPTIONS.containsKey(args.get(i));
  }

  /** Where git's subcommand is among its arguments (after the options before it): {@code args.size()} if none. */
  static int gitSubcommand(List<String> args) {
    int i = 0;
    while (i < args.size() && args.get(i).startsWith("-")) {
      i += GIT_GLOBAL_WITH_ARG.contains(args.get(i)) ? 2 : 1;
    }
    return Math.min(i, args.size());
  }

  /**
   * git's commands by name (git 2.39's builtins and programs, and later releases'): git runs these
   * before it looks for an alias, so any other subcommand may be an alias of one with command
   * options ({@code git config alias.rb rebase; git rb -x CMD}) and is read as one only known when it runs.
   */
  static final Set<String> GIT_COMMANDS = Set.of("add", "add--interactive", "am", "annotate", "apply", "archimport",
      "archive", "backfill", "bisect", "bisect--helper", "blame", "branch", "bugreport", "bundle", "cat-file",
      "check-attr", "check-ignore", "check-mailmap", "check-ref-format", "checkout", "checkout--worker",
      "checkout-index", "cherry", "cherry-pick", "citool", "clean", "clone", "column", "commit", "commit-graph",
      "commit-tree", "config", "count-objects", "credential", "credential-cache", "credential-cache--daemon",
      "credential-store", "cvsexportcommit", "cvsimport", "cvsserver", "daemon", "describe", "diagnose", "diff",
      "diff-files", "diff-index", "diff-pairs", "diff-tree", "difftool", "difftool--helper", "env--helper",
      "fast-export", "fast-import", "fetch", "fetch-pack", "filter-branch", "fmt-merge-msg", "for-each-ref",
      "for-each-repo", "format-patch", "fsck", "fsck-objects", "fsmonitor--daemon", "gc", "get-tar-commit-id", "grep",
      "gui", "hash-object", "help", "hook", "http-backend", "http-fetch", "http-push", "imap-send", "index-pack", "init",
      "init-db", "instaweb", "interpret-trailers", "last-modified", "log", "ls-files", "ls-remote", "ls-tree",
      "mailinfo", "mailsplit", "maintenance", "merge", "merge-base", "merge-file", "merge-index", "merge-octopus",
      "merge-one-file", "merge-ours", "merge-recursive", "merge-recursive-ours", "merge-recursive-theirs",
      "merge-resolve", "merge-subtree", "merge-tree", "mergetool", "mktag", "mktree", "multi-pack-index", "mv",
      "name-rev", "notes", "p4", "pack-objects", "pack-redundant", "pack-refs", "patch-id", "pickaxe", "prune",
      "prune-packed", "pull", "push", "quiltimport", "range-diff", "read-tree", "rebase", "receive-pack", "reflog",
      "refs", "remote", "remote-ext", "remote-fd", "remote-ftp", "remote-ftps", "remote-http", "remote-https",
      "repack", "replace", "replay", "repo", "request-pull", "rerere", "reset", "restore", "rev-list", "rev-parse",
      "revert", "rm", "send-email", "send-pack", "sh-i18n--envsubst", "shell", "shortlog", "show", "show-branch",
      "show-index", "show-ref", "sparse-checkout", "stage", "stash", "status", "stripspace", "submodule",
      "submodule--helper", "subtree", "svn", "switch", "symbolic-ref", "tag", "unpack-file", "unpack-objects",
      "update-index", "update-ref", "update-server-info", "upload-archive", "upload-archive--writer", "upload-pack",
      "var", "verify-commit", "verify-pack", "verify-tag", "version", "web--browse", "whatchanged", "worktree",
      "write-tree");

  /**
   * Whether the word at {@code i} may be the value of the option word before it, not an option
   * of its own or the {@code --} that ends the options: getopt and git's parse-options give an
   * option that takes a value the next word whatever it is ({@code tar -cf -- -I CMD}: the archive
   * is {@code --}; {@code git grep -e -- -OCMD}: the pattern). Which options take a value is not
   * known here, so any option word that could end with one counts: a long option without {@code =},
   * a bundle of short letters none of which is in {@code complete} (a letter whose value is the
   * rest of the word when attached).
   */
  static boolean mayBeOptionValue(List<String> a, int i, String complete) {
    if (i == 0) {
      return false;
    }
    String p = a.get(i - 1);
    if (!p.startsWith("-") || p.equals("-") || p.equals("--")) {
      return false;
    }
    if (p.startsWith("--")) {
      return p.indexOf('=') < 0;
    }
    for (int k = 1; k < p.length() - 1; k++) {
      if (complete.indexOf(p.charAt(k)) >= 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * git subcommands given a command on the line: read as code ({@code git rebase -x 'make test'}
   * is judged as {@code make test}), a command only known when it runs is unknown. {@code bisect
   * run} and {@code submodule foreach} run their words (one word is shell code; with more, git
   * runs the first with the shell and the rest as its arguments). A subcommand only known when it
   * runs is read with every subcommand's options.
   */
  private static List<Step> gitCommands(List<Word> a) {
    int i = 0;
    while (i < a.size() && a.get(i).literal() && a.get(i).value().startsWith("-")) {
      i += GIT_GLOBAL_WITH_ARG.contains(a.get(i).value()) ? 2 : 1;
    }
    if (i >= a.size()) {
      return List.of();
    }
    String sub = a.get(i).literal() ? a.get(i).value() : null;
    List<Word> rest = a.subList(i + 1, a.size());
    if (sub != null && (sub.equals("bisect") || sub.equals("submodule") || sub.equals("submodule--helper"))) {
      // submodule--helper is the builtin git submodule hands foreach to; called by name, it runs the same.
      String verb = sub.equals("bisect") ? "run" : "foreach";
      int k = 0;
      while (k < rest.size() && rest.get(k).literal() && rest.get(k).value().startsWith("-") && !verb.equals("run")) {
        k++; // submodule's options (--quiet, --recursive) before and after foreach
      }
      if (k >= rest.size() || !rest.get(k).literal() || !rest.get(k).value().equals(verb)) {
        return k < rest.size() && !rest.get(k).literal()
            ? List.of(new Unknown("git " + sub + " with a verb only known when it runs")) : List.of();
      }
      int from = k + 1;
      while (verb.equals("foreach") && from < rest.size() && rest.get(from).literal()
          && Regexes.matches(rest.get(from).value(), "--(recursive|quiet)|-q")) {
        from++;
      }
      return gitRuns(rest.subList(from, rest.size()), "git " + sub + " " + verb);
    }
    List<GitCommandOptions> tables = new ArrayList<>();
    if (sub == null || !GIT_COMMANDS.contains(sub)) {
      tables.addAll(GIT_COMMAND_OPTIONS.values());
    } else if (GIT_COMMAND_OPTIONS.containsKey(sub)) {
      tables.add(GIT_COMMAND_OPTIONS.get(sub));
    }
    boolean grep = sub == null || sub.equals("grep") || !GIT_COMMANDS.contains(sub);
    List<Step> steps = new ArrayList<>(gitToolNames(sub, rest));
    if ("instaweb".equals(sub)) {
      steps.addAll(gitInstaweb(rest));
    }
    String via = "git " + (sub == null ? "" : sub);
    List<String> values = rest.stream().map(Word::value).toList();
    for (int j = 0; j < rest.size(); j++) {
      Word w = rest.get(j);
      String v = w.value();
      if (v.equals("--") && !mayBeOptionValue(values, j, "")) {
        break;
      }
      Word next = j + 1 < rest.size() ? rest.get(j + 1) : null;
      if (v.startsWith("--")) {
        boolean attached = v.indexOf('=') > 0;
        if (grep && Wrappers.longOption(v, "open-files-in-pager") && attached) {
          steps.add(gitCode(w, v.substring(v.indexOf('=') + 1), via));
        }
        for (GitCommandOptions t : tables) {
          if (t.longs().stream().anyMatch(l -> longOption(v, l))) {
            steps.add(attached ? gitCode(w, v.substring(v.indexOf('=') + 1), via) : gitCode(next, null, via));
            break;
          }
        }
        continue;
      }
      if (!v.startsWith("-") || v.length() < 2) {
        continue;
      }
      for (int k = 1; k < v.length(); k++) {
        char ch = v.charAt(k);
        String tail = v.substring(k + 1);
        if (grep && ch == 'O') {
          if (!tail.isEmpty()) {
            steps.add(gitCode(w, tail, via)); // -O takes its value only attached
          }
          break;
        }
        final char f = ch;
        if (tables.stream().anyMatch(t -> t.letters().indexOf(f) >= 0)) {
          steps.add(tail.isEmpty() ? gitCode(next, null, via) : gitCode(w, tail, via));
          break;
        }
        if (tables.stream().anyMatch(t -> t.valueLetters().indexOf(f) >= 0) || ch == Word.UNKNOWN) {
          break;
        }
      }
    }
    return steps;
  }

  /**
   * git instaweb (git 2.39's script, its options read by {@code rev-parse --parseopt}) writes its
   * web server's startup code and configuration, then runs them: it runs {@code --httpd}/{@code -d}'s
   * value split at blanks (a value with {@code httpd} in it twice, as apache2), puts {@code
   * --port}/{@code -p}'s and {@code --httpd}'s values in the Perl it runs to wait for the server
   * ({@code '127.0.0.1:$port'}) and in gitweb.py ({@code --port="__import__('os').system(CMD) or
   * 1234"}), apache2 loads modules from {@code --module-path}, and gitweb.py, gitweb.psgi,
   * webrick.rb, gitweb_config.perl and the servers' configuration hold the working directory's
   * path ({@code open("$fqgitdir/gitweb/access.log")}: in a directory named {@code
   * c"if(__import__("os").mknod("w"))else"} that Python runs). That path is only known when it
   * runs, so any start is unknown. A last action of stop ({@code stop}, {@code --stop}, {@code
   * --sto}) only kills the pid in {@code .git/pid}; {@code -h}/{@code --help} first print the
   * usage or the manual.
   */
  private static List<Step> gitInstaweb(List<Word> args) {
    if (!args.isEmpty() && args.get(0).literal() && Set.of("-h", "--help").contains(args.get(0).value())) {
      return List.of();
    }
    boolean stop = false;
    for (int j = 0; j < args.size(); j++) {
      String v = args.get(j).value();
      if (j > 0 && instawebOptionWithValue(args.get(j - 1).value())) {
        continue; // --httpd stop: a value, not the action
      }
      if (!args.get(j).literal()) {
        stop = false; // may be --start
      } else if (Set.of("stop", "--stop", "--sto").contains(v)) {
        stop = true;
      } else if (Regexes.matches(v, "start|restart|--(sta|star|start|r|re|res|rest|resta|restar|restart)")) {
        stop = false;
      }
    }
    return stop ? List.of() : List.of(new Unknown("git instaweb runs a web server from code it writes with the working directory's "
        + "path in it, only known when it runs (also --httpd's and --port's values)"));
  }

  /** Whether a word of git instaweb's is an option whose value is the next word ({@code --httpd X}, {@code -ld X}). */
  private static boolean instawebOptionWithValue(String word) {
    if (word.startsWith("--")) {
      return word.indexOf('=') < 0
          && java.util.stream.Stream.of("httpd", "port", "browser", "module-path").anyMatch(n -> longOption(word, n));
    }
    return Regexes.matches(word, "-l*[dpbm]");
  }

  /**
   * The tool names given to {@code git difftool}/{@code mergetool}: {@code -t NAME}, {@code -tNAME}
   * (also after other letters of a bundle, {@code -yt NAME}, as parse-options reads it), {@code
   * --tool=NAME}, {@code --tool NAME} (mergetool's script takes any {@code --tool*}), each checked by
   * {@link #gitToolName}. A subcommand only known when it runs may be either; an alias (a name git
   * has no command for) may stand for one, and is read by {@code --tool} only ({@code -t} is
   * checkout's and branch's {@code --track}, before a branch like {@code origin/main}).
   */
  private static List<Step> gitToolNames(String sub, List<Word> rest) {
    boolean toolCommand = sub == null || sub.equals("difftool") || sub.equals("mergetool");
    if (!toolCommand && GIT_COMMANDS.contains(sub)) {
      return List.of();
    }
    List<Step> steps = new ArrayList<>();
    for (int j = 0; j < rest.size(); j++) {
      String v = rest.get(j).value();
      if (v.equals("--")) {
        break;
      }
      Word next = j + 1 < rest.size() ? rest.get(j + 1) : null;
      Word name = null;
      if (v.startsWith("--tool") && !v.startsWith("--tool-help")) {
        int eq = v.indexOf('=');
        name = eq > 0 ? new Word(v, v.substring(eq + 1), rest.get(j).literal()) : next;
      } else if (toolCommand && Regexes.matches(v, "(?s)-[dgy]*t.*")) {
        // After difftool's own flags the t of a bundle takes the rest of the word, or the next one
        // (a bundle with a diff option in it is handed to diff whole).
        String tail = v.substring(v.indexOf('t') + 1);
        name = tail.isEmpty() ? next : new Word(v, tail, rest.get(j).literal());
      }
      if (name == next && name != null) {
        j++;
      }
      gitToolName(name, "git " + (sub == null ? "" : sub)).ifPresent(reason -> steps.add(new Unknown(reason)));
    }
    return steps;
  }

  /**
   * Why a git difftool/mergetool tool name may run code of the text's choosing, or empty:
   * git-mergetool--lib (git 2.39) sources {@code $MERGE_TOOLS_DIR/NAME} ({@code $(git
   * --exec-path)/mergetools/NAME}) as shell code, so a name with a {@code /} reaches any file ({@code
   * ../../../../proc/self/cwd/t}), and a name only known when it runs may be such a path.
   */
  static java.util.Optional<String> gitToolName(Word name, String via) {
    if (name == null) {
      return java.util.Optional.empty();
    }
    if (!name.literal()) {
      return java.util.Optional.of(via + " names a difftool/mergetool tool only known when it runs (git sources mergetools/NAME)");
    }
    return name.value().contains("/")
        ? java.util.Optional.of(via + " names a difftool/mergetool tool by a path, a file git sources as shell code: " + name.value())
        : java.util.Optional.empty();
  }

  /** The value of a git option that runs a command: code when known (the word's rest, or the whole next word). */
  private static Step gitCode(Word w, String attached, String via) {
    if (w == null || !w.literal()) {
      return new Unknown(via + " runs a command only known when it runs");
    }
    String code = attached != null ? attached : w.value();
    // git runs these values with arguments appended (sh -c 'VALUE "$@"'; difftool's eval $CMD
    // "$LOCAL" "$REMOTE"; grep -O the matching files): read with a file whose name and text are
    // only known when it runs ('.' or source then sources it). filter-branch's filters and rebase -x get none.
    boolean none = via.startsWith("git filter-branch") || via.equals("git rebase");
    return new Code(none ? code : code + " \"./$1.txt\"", via);
  }

  /** {@code git bisect run}'s and {@code submodule foreach}'s words: the first is run by the shell, the rest are its arguments. */
  private static List<Step> gitRuns(List<Word> words, String via) {
    if (words.isEmpty()) {
      return List.of();
    }
    if (words.stream().anyMatch(w -> !w.literal())) {
      return List.of(new Unknown(via + " runs a command only known when it runs"));
    }
    if (words.size() == 1) {
      return List.of(new Code(words.get(0).value(), via));
    }
    // More words: a plain program name with its arguments, else code the guard cannot split from them.
    return Regexes.matches(words.get(0).value(), "[A-Za-z0-9_./+-]+") ? List.of(new Inner(words, via))
        : List.of(new Unknown(via + " runs shell code with arguments the guard does not join"));
  }

  /** GNU sed's {@code e COMMAND}: sed runs COMMAND with {@code sh -c}, so it is read as code. */
  private static List<Step> sedCommands(List<Word> a) {
    ToolScripts.Source src = ToolScripts.sedSource(a);
    if (src.sandboxed()) {
      return List.of();
    }
    List<Step> steps = new ArrayList<>();
    for (Word script : src.inline()) {
      if (script.literal()) {
        ToolScripts.sed(script.value()).commands().forEach(cmd -> steps.add(new Code(cmd, "sed e")));
      }
    }
    return steps;
  }

  /** The dynamic loader run as a program ({@code /lib64/ld-linux-x86-64.so.2 /bin/bash}): it runs the program it is given. */
  static boolean isLoader(String name) {
    return LOADER.matcher(name).matches();
  }

  /** glibc ld.so's options that take the next word ({@code --argv0 NAME} names the program it starts). */
  static final Set<String> LOADER_WITH_ARG = Set.of("--library-path", "--inhibit-rpath", "--audit", "--preload", "--argv0",
      "--glibc-hwcaps-prepend", "--glibc-hwcaps-mask");

  private static final java.util.regex.Pattern LOADER =
      java.util.regex.Pattern.compile("ld(-linux[-a-z0-9_]*|64|-musl-[a-z0-9_]+)?\\.so(\\.[0-9]+)*|ld-[0-9.]+\\.so");

  /**
   * {@code gdb --args PROGRAM ARGS} runs the program; gdb's own commands given by option ({@code
   * -ex 'shell …'}, {@code -x FILE}) can run anything and are not read. Without them gdb is an
   * interactive prompt with a {@code shell} command ({@link ShellClass} reads it as a nested shell).
   */
  private static List<Step> gdb(List<Word> a, String name) {
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (!w.literal()) {
        return List.of(new Unknown(name + " with an argument only known when it runs"));
      }
      if (v.equals("--args") || v.equals("-args")) {
        return inner(a, i + 1, name + " --args");
      }
      if (gdbCommandOption(v)) {
        return List.of(new Unknown(name + " runs debugger commands the guard does not read: " + v));
      }
    }
    return List.of();
  }

  private static final String STRACE_WITH_ARG = "abeIoOpPsSuEXU";

  /**
   * strace runs the program after its options, and with {@code -o |CMD} or {@code -o !CMD}
   * ({@code --output=}, any prefix of it) pipes its trace to CMD, run by the shell.
   */
  private static List<Step> strace(List<Word> a) {
    Opts o = Opts.scan(a, 0, STRACE_WITH_ARG, Set.of("--output", "--trace", "--attach", "--user", "--env",
        "--signal", "--status", "--absolute-timestamps", "--string-limit", "--decode-fds", "--expression",
        "--summary-columns", "--summary-sort-by", "--summary-syscall-overhead", "--columns", "--interruptible",
        "--trace-path", "--const-print-style", "--detach-on", "--syscall-limit", "--argv0", "--inject", "--fault"));
    if (o.unknown()) {
      return unknown("strace");
    }
    if (o.valueMissing(a)) {
      return o.refused(a, "strace");
    }
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < o.end; i++) {
      Word w = a.get(i);
      String v = w.value();
      Word out = null;
      if (v.startsWith("--") && v.length() > 3) {
        int eq = v.indexOf('=');
        String n = eq < 0 ? v : v.substring(0, eq);
        boolean output = n.length() > 3 && "--output".startsWith(n);
        out = !output ? null : eq >= 0 ? new Word(v.substring(eq + 1), v.substring(eq + 1), w.literal())
            : i + 1 < a.size() ? a.get(i + 1) : null;
      } else if (v.startsWith("-") && !v.startsWith("--")) {
        for (int j = 1; j < v.length(); j++) {
          char ch = v.charAt(j);
          if (STRACE_WITH_ARG.indexOf(ch) >= 0) {
            if (ch == 'o') {
              out = j + 1 < v.length() ? new Word(v.substring(j + 1), v.substring(j + 1), w.literal())
                  : i + 1 < a.size() ? a.get(i + 1) : null;
            }
            break;
          }
        }
      }
      if (out == null) {
        continue;
      }
      String ov = out.value();
      if (!out.literal() && (ov.isEmpty() || ov.charAt(0) == Word.UNKNOWN)) {
        steps.add(new Unknown("strace -o with a file only known when it runs (|CMD runs a command)"));
      } else if (ov.startsWith("|") || ov.startsWith("!")) {
        steps.add(out.literal() ? new Code(ov.substring(1), "strace -o |")
            : new Unknown("strace -o | with a command only known when it runs"));
      }
    }
    steps.addAll(inner(a, o.end, "strace"));
    return steps;
  }

  /**
   * {@code npx -c CMD} and {@code npm exec --call CMD} ({@code -c}, {@code --call=}, an abbreviation
   * nopt takes) run CMD with the script shell; a script shell set on the command line makes the
   * language unknown.
   */
  private static List<Step> npmCall(List<Word> a, String name) {
    List<Step> steps = new ArrayList<>();
    boolean otherShell = false;
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (v.equals("--")) {
        break;
      }
      int eq = v.indexOf('=');
      String opt = eq < 0 ? v : v.substring(0, eq);
      otherShell |= opt.startsWith("--script-s");
      boolean call = opt.equals("-c") || opt.length() >= 5 && "--call".startsWith(opt);
      if (!call) {
        continue;
      }
      Word code = eq >= 0 ? new Word(v.substring(eq + 1), v.substring(eq + 1), w.literal()) : i + 1 < a.size() ? a.get(++i) : null;
      if (code != null) {
        steps.add(code.literal() ? new Code(code.value(), name + " --call")
            : new Unknown(name + " --call with a command only known when it runs"));
      }
    }
    return otherShell && !steps.isEmpty() ? List.of(new Unknown(name + " --call run by a script shell the guard does not read"))
        : steps;
  }

  /** npm's options of {@code exec} that take the next word as their value. */
  private static final Set<String> NPM_VALUE_OPTIONS = Set.of("-p", "--package", "-w", "--workspace", "--loglevel",
      "--registry", "--cache", "--prefix", "--userconfig", "--globalconfig", "-C");
  /** npm's flags seen with {@code exec} (any other option without {@code =} may take the next word). */
  private static final Set<String> NPM_FLAGS = Set.of("-y", "--yes", "--no-yes", "--no", "-q", "--quiet", "-s",
      "--silent", "--ws", "--workspaces", "--include-workspace-root", "--offline", "--prefer-offline",
      "--prefer-online", "-d", "--verbose", "-v", "--version", "-h", "--help", "--usage", "-l");

  /**
   * {@code npm exec}/{@code npm x} (and the abbreviation {@code exe}) and {@code npx} run the command
   * their operands name, from PATH or a package's bin: npm takes options anywhere before {@code --},
   * npx only before the command. An option whose value-taking the guard does not know, or a word
   * only known when it runs, fails closed.
   */
  private static List<Step> npmExec(List<Word> a, String name) {
    boolean npx = name.equals("npx");
    boolean exec = npx;
    boolean options = true;
    List<Word> command = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (!w.literal()) {
        return List.of(new Unknown(name + " with an argument only known when it runs"));
      }
      if (options && v.equals("--")) {
        options = false;
        if (!exec) {
          return List.of();
        }
        continue;
      }
      if (options && v.startsWith("-") && v.length() > 1) {
        if (NPM_VALUE_OPTIONS.contains(v)) {
          i++;
        } else if (v.indexOf('=') < 0 && !NPM_FLAGS.contains(v) && (exec || command.isEmpty())) {
          return List.of(new Unknown(name + ": an option the guard does not read: " + v));
        }
        continue;
      }
      if (!exec) {
        if (!npx && v.length() >= 5 && "explore".startsWith(v)) {
          return npmExplore(a, i + 1);
        }
        if (!Regexes.matches(v, "x|exe|exec")) {
          return List.of(); // another npm command: its operands are no command line
        }
        exec = true;
        continue;
      }
      command.add(w);
      if (npx) {
        options = false;
      }
    }
    return command.isEmpty() ? List.of() : List.of(new Inner(command, name + " exec"));
  }

  /**
   * {@code npm explore PKG [--] CMD…} joins the words after PKG with spaces and runs them with the
   * script shell ({@code sh -c}) in {@code node_modules/PKG}; options anywhere before {@code --}.
   */
  private static List<Step> npmExplore(List<Word> a, int from) {
    boolean options = true;
    boolean pkg = false;
    List<String> command = new ArrayList<>();
    for (int i = from; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (!w.literal()) {
        return List.of(new Unknown("npm explore with an argument only known when it runs"));
      }
      if (options && v.equals("--")) {
        options = false;
        continue;
      }
      if (options && v.startsWith("-") && v.length() > 1) {
        if (NPM_VALUE_OPTIONS.contains(v)) {
          i++;
        } else if (v.indexOf('=') < 0 && !NPM_FLAGS.contains(v)) {
          return List.of(new Unknown("npm explore: an option the guard does not read: " + v));
        }
        continue;
      }
      if (!pkg) {
        pkg = true;
      } else {
        command.add(v);
      }
    }
    String code = String.join(" ", command).trim();
    return code.isEmpty() ? List.of() : List.of(new Code(code, "npm explore"));
  }

  /**
   * The JVM's {@code -XX:OnError=CMD} and {@code -XX:OnOutOfMemoryError=CMD}, on java's command
   * line or passed by a JDK tool's launcher ({@code -J-XX:…}; jshell's {@code -R} to its remote
   * VM): HotSpot splits CMD at each {@code ;} and runs every part with {@code /bin/sh -c}, {@code
   * %p} replaced by the pid and {@code %%} by {@code %}. An option only known when it runs may be one.
   * The debugger agent's {@code launch=CMD} ({@code -agentlib:jdwp=…}, {@code -Xrunjdwp:…}, or
   * libjdwp by {@code -agentpath:}) runs CMD split at blanks, no shell, with the transport's name
   * and the address appended, when the agent starts; an agent only known when it runs may be any.
   */
  static List<Step> jvmErrorCommands(List<Word> a, String name) {
    List<Step> steps = new ArrayList<>();
    boolean program = false;
    boolean value = false;
    for (Word w : a) {
      String v = w.value();
      if (!name.equals("java")) {
        if (!v.startsWith("-J") && !(name.equals("jshell") && v.startsWith("-R"))) {
          continue;
        }
        v = v.substring(2);
      } else if (value) {
        value = false;
      } else if (!program) {
        // java's own options end at the main class or -jar/-m; the rest are the program's.
        value = Regexes.matches(v, "-cp|-classpath|--class-path|-p|--module-path|--upgrade-module-path|--add-modules"
            + "|--limit-modules|--enable-native-access|--add-reads|--add-exports|--add-opens|--patch-module|--source");
        program = v.equals("-jar") || v.equals("-m") || v.equals("--module") || w.literal() && !v.startsWith("-") && !v.startsWith("@");
        if (!w.literal() && !value && jvmAgentMayBe(v)) {
          return List.of(new Unknown(name + " with an agent only known when it runs"));
        }
      }
      if (!name.equals("java") && !w.literal() && jvmAgentMayBe(v)) {
        return List.of(new Unknown(name + " with an agent only known when it runs"));
      }
      String agent = v.startsWith("-agentlib:") || v.startsWith("-agentpath:") ? Regexes.replaceFirst(v, "(?s)^[^=]*=?", "")
          : v.startsWith("-Xrun") ? Regexes.replaceFirst(v, "(?s)^[^:]*:?", "") : null;
      if (agent != null) {
        String transport = "";
        String address = "0";
        List<String> launch = new ArrayList<>();
        for (String item : agent.split(",")) {
          if (item.startsWith("launch=")) {
            launch.add(item.substring(7));
          } else if (item.startsWith("transport=")) {
            transport = item.substring(10);
          } else if (item.startsWith("address=")) {
            address = item.substring(8);
          }
        }
        for (String cmd : launch) {
          StringBuilder line = new StringBuilder();
          for (String part : Regexes.split((cmd + " " + transport + " " + address).strip(), "\\s+")) {
            line.append(line.length() == 0 ? "" : " ").append(quote(part));
          }
          steps.add(new Code(line.toString(), name + " jdwp launch"));
        }
        continue;
      }
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?s)-XX:(OnError|OnOutOfMemoryError)=(.*)").matcher(v);
      if (!w.literal() && v.startsWith("-XX") && !Regexes.matches(v, "(?s)-XX:[+-]?[A-Za-z0-9_]+(=.*)?")) {
        return List.of(new Unknown(name + " with a VM option only known when it runs"));
      }
      if (!m.matches()) {
        continue;
      }
      if (m.group(2).indexOf(Word.UNKNOWN) >= 0) {
        return List.of(new Unknown(name + " -XX:" + m.group(1) + " with a command only known when it runs"));
      }
      for (String part : m.group(2).split(";")) {
        StringBuilder cmd = new StringBuilder();
        for (int i = 0; i < part.length(); i++) {
          char ch = part.charAt(i);
          boolean esc = ch == '%' && i + 1 < part.length() && (part.charAt(i + 1) == '%' || part.charAt(i + 1) == 'p');
          cmd.append(!esc ? String.valueOf(ch) : part.charAt(++i) == 'p' ? "1" : "%");
        }
        if (!cmd.toString().isBlank()) {
          steps.add(new Code(cmd.toString(), name + " -XX:" + m.group(1)));
        }
      }
    }
    return steps;
  }

  /** A word only known when it runs that may spell an agent option (its known start is one, or begins one). */
  private static boolean jvmAgentMayBe(String v) {
    int u = v.indexOf(Word.UNKNOWN);
    String k = u < 0 ? v : v.substring(0, u);
    for (String p : List.of("-agentlib:", "-agentpath:", "-javaagent:", "-Xrun")) {
      if (p.startsWith(k) || k.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  /** gpg-agent's long options that take a value (GnuPG 2.2's option table; an optional one takes the next word too). */
  private static final Set<String> GPG_AGENT_WITH_ARG = Set.of("--display", "--ttyname", "--ttytype", "--lc-ctype",
      "--lc-messages", "--xauthority", "--homedir", "--options", "--debug", "--debug-level", "--debug-wait", "--log-file",
      "--scdaemon-program", "--extra-socket", "--browser-socket", "--ssh-fingerprint-digest", "--listen-backlog",
      "--auto-expand-secmem", "--faked-system-time", "--default-cache-ttl", "--default-cache-ttl-ssh", "--max-cache-ttl",
      "--max-cache-ttl-ssh", "--sys-trustlist-name", "--s2k-count", "--s2k-calibration", "--min-passphrase-len",
      "--min-passphrase-nonalpha", "--check-passphrase-pattern", "--check-sym-passphrase-pattern",
      "--max-passphrase-days", "--pinentry-program", "--pinentry-touch-file", "--pinentry-invisible-char",
      "--pinentry-timeout", "--write-env-file");
  private static final Set<String> GPG_AGENT_NO_ARG = Set.of("--gpgconf-list", "--gpgconf-test",
      "--use-standard-socket-p", "--daemon", "--server", "--supervised", "--no-detach", "--sh", "--csh", "--steal-socket",
      "--no-options", "--verbose", "--quiet", "--debug-all", "--debug-quick-random", "--debug-pinentry",
      "--disable-scdaemon", "--disable-check-own-socket", "--keep-tty", "--keep-display", "--enable-ssh-support",
      "--enable-putty-support", "--disable-extended-key-format", "--enable-extended-key-format",
      "--ignore-cache-for-signing", "--no-allow-external-cache", "--no-allow-mark-trusted", "--allow-mark-trusted",
      "--no-user-trustlist", "--allow-preset-passphrase", "--enforce-passphrase-constraints",
      "--enable-passphrase-history", "--batch", "--no-allow-loopback-pinentry", "--allow-loopback-pinentry", "--grab",
      "--no-grab", "--pinentry-formatted-passphrase", "--allow-emacs-pinentry", "--use-standard-socket",
      "--no-use-standard-socket", "--help", "--version", "--warranty", "--dump-option-table", "--dump-options");

  /**
   * {@code gpg-agent [OPTIONS] --daemon CMD ARGS…} starts the agent and runs CMD ARGS (no shell)
   * with the agent's environment, as {@code ssh-agent CMD} does (GnuPG 2.2: options end at the
   * first other word, long ones by any unambiguous abbreviation). The programs it starts on
   * demand for that command ({@code --pinentry-program}, {@code --scdaemon-program}, an {@code
   * --options} file naming them) only known when it runs are unknown. dirmngr and scdaemon take
   * no command ("usage: dirmngr [options] --daemon").
   */
  private static List<Step> gpgAgent(List<Word> a) {
    Opts o = Opts.scanKnown(a, "", "scvq", GPG_AGENT_WITH_ARG, GPG_AGENT_NO_ARG);
    if (o.unknown()) {
      return unknown("gpg-agent");
    }
    for (String p : List.of("--pinentry-program", "--scdaemon-program", "--options")) {
      String v = o.values.get(p);
      if (o.longs.contains(p) && (v == null || v.indexOf(Word.UNKNOWN) >= 0)) {
        return List.of(new Unknown("gpg-agent " + p + " only known when it runs"));
      }
    }
    return inner(a, o.end, "gpg-agent");
  }

  /**
   * Perl's {@code prove -e PROG}/{@code --exec PROG} (Getopt::Long, bundling: {@code -ePROG}, an
   * abbreviation {@code --exe}) runs each test with PROG split at blanks, no shell, the test file
   * and the words after {@code ::} appended: read as that command for each file operand (for
   * {@code t/}, the default, with its name). Options prove does not know are passed through as
   * test names; an option or a PROG only known when it runs is unknown.
   */
  private static List<Step> prove(List<Word> a) {
    List<Word> exec = null;
    List<Word> tests = new ArrayList<>();
    List<Word> testArgs = List.of();
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (w.literal() && v.equals("::")) {
        testArgs = a.subList(i + 1, a.size());
        break;
      }
      if (w.literal() && v.equals("--")) {
        int end = a.subList(i + 1, a.size()).stream().map(Word::value).toList().indexOf("::");
        tests.addAll(a.subList(i + 1, end < 0 ? a.size() : i + 1 + end));
        testArgs = end < 0 ? List.of() : a.subList(i + 2 + end, a.size());
        break;
      }
      if (!w.literal() && (v.isEmpty() || v.charAt(0) == Word.UNKNOWN || v.startsWith("-"))) {
        return List.of(new Unknown("prove with an option only known when it runs"));
      }
      Word value = null;
      if (v.startsWith("--") && v.length() > 2) {
        int eq = v.indexOf('=');
        String name = Opts.longName(eq < 0 ? v : v.substring(0, eq), PROVE_WITH_ARG, Set.of("--exec"));
        if (name == null) {
          continue; // a flag (or a word passed through)
        }
        value = eq >= 0 ? new Word(w.source(), v.substring(eq + 1), w.literal()) : i + 1 < a.size() ? a.get(++i) : null;
        if (name.equals("--exec") && value != null) {
          exec = proveExec(value);
          if (exec == null) {
            return List.of(new Unknown("prove --exec only known when it runs"));
          }
        }
        continue;
      }
      if (v.startsWith("-") && v.length() > 1) {
        for (int j = 1; j < v.length(); j++) {
          char ch = v.charAt(j);
          if ("eIMPaj".indexOf(ch) >= 0) {
            value = j + 1 < v.length() ? new Word(w.source(), v.substring(j + 1), w.literal()) : i + 1 < a.size() ? a.get(++i) : null;
            if (ch == 'e' && value != null) {
              exec = proveExec(value);
              if (exec == null) {
                return List.of(new Unknown("prove -e only known when it runs"));
              }
            }
            break;
          }
        }
        continue;
      }
      tests.add(w);
    }
    if (exec == null) {
      return List.of();
    }
    if (tests.isEmpty()) {
      tests.add(Word.literal("t/", "t/"));
    }
    List<Step> steps = new ArrayList<>();
    for (Word t : tests) {
      List<Word> words = new ArrayList<>(exec);
      words.add(t);
      words.addAll(testArgs);
      steps.add(new Inner(words, "prove --exec"));
    }
    return steps;
  }

  /** prove's long options that take a value (the next word or {@code =V}), {@code --exec} aside. */
  private static final Set<String> PROVE_WITH_ARG = Set.of("--ext", "--harness", "--source", "--formatter", "--archive",
      "--jobs", "--state", "--statefile", "--rules", "--tapversion", "--rc");

  /** The words of a prove {@code --exec} value (split at blanks), or null when only known when it runs. */
  private static List<Word> proveExec(Word value) {
    if (!value.literal() || value.value().indexOf(Word.UNKNOWN) >= 0) {
      return null;
    }
    List<Word> words = new ArrayList<>();
    for (String part : Regexes.split(value.value().strip(), "\\s+")) {
      if (!part.isEmpty()) {
        words.add(Word.literal(quote(part), part));
      }
    }
    return words;
  }

  /**
   * {@code ctest --build-and-test SRC BIN … --test-command CMD ARGS…} runs CMD with the words after
   * it (no shell between); {@code --build-makeprogram PROG} runs PROG as the build tool.
   */
  private static List<Step> ctestCommand(List<Word> a) {
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      if (!w.literal() && w.value().startsWith("-")) {
        return List.of(new Unknown("ctest with an option only known when it runs"));
      }
      if (w.value().startsWith("--build-makeprogram")) {
        return List.of(new Unknown("ctest runs a build program the guard does not read"));
      }
      if (w.value().equals("--test-command")) {
        return inner(a, i + 1, "ctest --test-command");
      }
    }
    return List.of();
  }

  /**
   * {@code cmake -E env [--unset=V | V=X]… [--] CMD}, {@code cmake -E time CMD} and {@code cmake -E
   * chdir DIR CMD} run CMD (no shell between); cmake takes {@code -E} only as its first argument.
   */
  private static List<Step> cmakeCommand(List<Word> a) {
    if (a.size() >= 3 && !a.get(0).literal() || a.size() >= 2 && a.get(0).value().equals("-E") && !a.get(1).literal()) {
      return List.of(new Unknown("cmake with a command mode only known when it runs"));
    }
    if (a.size() < 3 || !a.get(0).value().equals("-E")) {
      return List.of();
    }
    switch (a.get(1).value()) {
      case "time" -> {
        return inner(a, 2, "cmake -E time");
      }
      case "chdir" -> {
        return inner(a, 3, "cmake -E chdir");
      }
      case "env" -> {
        List<Step> steps = new ArrayList<>();
        int i = 2;
        for (; i < a.size(); i++) {
          Word w = a.get(i);
          String v = w.value();
          if (!w.literal()) {
            return List.of(new Unknown("cmake -E env with an argument only known when it runs"));
          }
          if (v.equals("--")) {
            i++;
            break; // what follows is the command, a word with = too
          } else if (v.startsWith("--unset=")) {
            continue;
          } else if (v.startsWith("-")) {
            return List.of(new Unknown("cmake -E env: an option the guard does not read: " + v));
          } else if (v.indexOf('=') > 0) {
            steps.add(new Assign(w, "cmake -E env"));
          } else {
            break;
          }
        }
        steps.addAll(inner(a, i, "cmake -E env"));
        return steps;
      }
      default -> {
        return List.of();
      }
    }
  }

  /**
   * gdb's options that give it debugger commands to run (a {@code shell} command among them), in
   * every spelling gdb's getopt_long_only takes: one dash or two, a value attached by {@code =} or
   * the next word, any abbreviation ({@code -eval}, {@code -init-eval-c=}). {@code -e} (exec), {@code
   * -c} (core) and {@code -i} (interpreter) are options of their own.
   */
  static boolean gdbCommandOption(String v) {
    for (String o : List.of("command", "eval-command", "init-command", "init-eval-command", "early-init-command",
        "early-init-eval-command", "x", "ex", "ix", "iex", "eix", "eiex")) {
      if (longOptionOnly(v, o, "e", "c", "i")) {
        return true;
      }
    }
    return false;
  }

  /**
   * fakeroot (a sh script reading its options with getopt, abbreviations included) runs {@code eval
   * $FAKED $FAKEDOPTS}: the value of {@code -f}/{@code --faked} is a command line it runs, and those
   * of {@code -s} (into {@code FAKEDOPTS}), {@code -i} (a redirection) and {@code -l}/{@code --lib}
   * ({@code eval echo}) are evaluated as shell words: read as code. Then it runs the command given.
   */
  private static List<Step> fakeroot(List<Word> a) {
    Set<String> longWithArg = Set.of("--lib", "--faked", "--fd-base");
    Set<String> longNoArg = Set.of("--unknown-is-real", "--version", "--help");
    Opts o = Opts.scanKnown(a, "lfisb", "uvh", longWithArg, longNoArg);
    if (o.unknown()) {
      return unknown("fakeroot");
    }
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < o.end && i < a.size(); i++) {
      String v = a.get(i).value();
      if (v.equals("--")) {
        break;
      }
      char opt = 0;
      String value = null;
      boolean next = false;
      if (v.startsWith("--")) {
        int eq = v.indexOf('=');
        String longOpt = Opts.longName(eq < 0 ? v : v.substring(0, eq), longWithArg, longNoArg);
        opt = "--lib".equals(longOpt) ? 'l' : "--faked".equals(longOpt) ? 'f' : 0;
        value = eq < 0 ? null : v.substring(eq + 1);
        next = eq < 0 && longWithArg.contains(longOpt);
      } else {
        for (int j = 1; j < v.length(); j++) {
          if ("lfisb".indexOf(v.charAt(j)) >= 0) {
            opt = v.charAt(j);
            value = j + 1 < v.length() ? v.substring(j + 1) : null;
            next = value == null;
            break;
          }
        }
      }
      if (next && i + 1 < a.size()) {
        i++;
        if (!a.get(i).literal()) {
          return List.of(new Unknown("fakeroot with an option value only known when it runs"));
        }
        value = a.get(i).value();
      }
      if (value != null && (opt == 's' || opt == 'i' || opt == 'f' || opt == 'l') && Regexes.matches(value, "(?s).*[*?\\[].*")) {
        // FAKEDOPTS=" --save-file $1" (and <$1) are expanded unquoted before eval: a pattern becomes the names of files.
        return List.of(new Unknown("fakeroot -" + opt + " with a pattern, the names of files it evals: " + value));
      }
      if (value != null && "lfis".indexOf(opt) >= 0 && opt != 0) {
        steps.add(new Code(opt == 'f' ? value : ": " + value, "fakeroot -" + opt));
      }
    }
    steps.addAll(inner(a, o.end, "fakeroot"));
    return steps;
  }

  /**
   * capsh runs a shell with what follows {@code --} as its arguments (bash unless {@code
   * --shell=PATH} says otherwise), and itself again with what follows {@code ==}. {@code -+} and
   * {@code =+} are the same through cap_launch (a child process): they run the same program with
   * the same words.
   */
  private static List<Step> capsh(List<Word> a) {
    String shell = "/bin/bash";
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      if (!w.literal()) {
        return List.of(new Unknown("capsh with an argument only known when it runs"));
      }
      String v = w.value();
      if (v.startsWith("--shell=")) {
        shell = v.substring("--shell=".length());
      } else if (v.equals("--") || v.equals("==") || v.equals("-+") || v.equals("=+")) {
        List<Word> words = new ArrayList<>();
        String prog = v.startsWith("-") ? shell : "capsh";
        words.add(Word.literal(prog, prog));
        words.addAll(a.subList(i + 1, a.size()));
        return List.of(new Inner(words, "capsh"));
      }
    }
    return List.of();
  }

  /**
   * Whether {@code word} names the long option {@code --name} as GNU getopt_long reads it: {@code
   * --name}, {@code --name=VALUE}, or an abbreviation of it ({@code tar --to-comm=CMD} is {@code
   * --to-command}). An abbreviation shared with other options is refused by the program as
   * ambiguous, but counts here (a prefix that could mean the option is read as the option), unless it
   * is itself the exact name of another option ({@code shadows}: tar's {@code --checkpoint} is not
   * {@code --checkpoint-action}), which getopt_long takes as that option. A name only known when it
   * runs ({@code --to-$x}) counts when its known start could begin the option.
   */
  static boolean longOption(String word, String name, String... shadows) {
    return word.startsWith("--") && namesOption(word.substring(2), name, shadows);
  }

  /** As {@link #longOption}, for getopt_long_only (gdb): the long option may also be given with one dash ({@code -eval}). */
  static boolean longOptionOnly(String word, String name, String... shadows) {
    return longOption(word, name, shadows)
        || word.startsWith("-") && !word.startsWith("--") && namesOption(word.substring(1), name, shadows);
  }

  private static boolean namesOption(String given, String name, String... shadows) {
    int eq = given.indexOf('=');
    String n = eq < 0 ? given : given.substring(0, eq);
    int unknown = n.indexOf(Word.UNKNOWN);
    if (unknown >= 0) {
      return name.startsWith(n.substring(0, unknown));
    }
    if (n.isEmpty()) {
      return false;
    }
    return n.equals(name) || name.startsWith(n) && !List.of(shadows).contains(n);
  }

  /** systemd-run's options with a value (systemd 252: -G, --collect, takes none: {@code -G touch W} runs touch). */
  private static final String SYSTEMD_RUN_SHORT_WITH_ARG = "HMEpu";
  private static final Set<String> SYSTEMD_RUN_WITH_ARG = Set.of("--unit", "--property", "--description", "--slice",
      "--uid", "--gid", "--nice", "--working-directory", "--setenv", "--on-active", "--on-boot", "--on-startup",
      "--on-unit-active", "--on-unit-inactive", "--on-calendar", "--on-timer-property", "--path-property",
      "--socket-property", "--machine", "--host", "--timer-property", "--service-type", "--expand-environment");

  /**
   * The short options of systemd's bus clients that take a value, from systemd 252's getopt_long
   * strings ({@code systemctl}: {@code ht:p:P:alqfs:H:M:n:o:iTr.::}): the rest of a bundle after
   * one is its value ({@code systemctl kill -sHUP} names no host, {@code -qH h} does).
   * systemd-umount is systemd-mount. machinectl, homectl and portablectl are not installed here:
   * only {@code -H} and {@code -M}, so a letter's value is never skipped that the program might
   * read as {@code -H}.
   */
  private static final java.util.Map<String, String> SYSTEMD_BUS_VALUE_LETTERS = java.util.Map.ofEntries(
      java.util.Map.entry("systemctl", "tpPsHMno."), java.util.Map.entry("loginctl", "pPsHMno"),
      java.util.Map.entry("hostnamectl", "HM"), java.util.Map.entry("timedatectl", "HMp"),
      java.util.Map.entry("localectl", "HM"), java.util.Map.entry("busctl", "HM"),
      java.util.Map.entry("systemd-analyze", "HMU"), java.util.Map.entry("systemd-run", SYSTEMD_RUN_SHORT_WITH_ARG),
      java.util.Map.entry("systemd-mount", "HMtop"), java.util.Map.entry("systemd-umount", "HMtop"),
      java.util.Map.entry("machinectl", "HM"), java.util.Map.entry("homectl", "HM"),
      java.util.Map.entry("portablectl", "HM"), java.util.Map.entry("systemd-stdio-bridge", "pM"));

  /**
   * The programs a systemd bus client starts to reach its bus (systemd 252's sd-bus, seen with
   * stand-ins on PATH here). {@code -H}/{@code --host=[USER@]HOST[:PORT]} opens the bus as {@code
   * unixexec:path=ssh,…}: it forks {@code ssh -xT [-p PORT] -- HOST systemd-stdio-bridge} (a PATH
   * lookup; the host word is read as the whole value), so the account's ssh configuration and keys
   * run, and the judge reads the line as running that ssh (an allow-list must list ssh; ssh rules
   * apply). {@code -M}/{@code --machine} with a user ({@code u@foo}, {@code u@}) or with {@code
   * --user} forks {@code systemd-run -MMACHINE -PGq --wait -pUser=USER -pPAMName=login
   * systemd-stdio-bridge}; a plain {@code -M foo} of the system bus joins the container's namespace
   * and starts nothing. busctl's {@code --address} and systemd-stdio-bridge's {@code -p}/{@code
   * --bus-path} take a bus address, which starts the program it names unless it is plain ({@link
   * ShellClass#plainBusAddress}). Options are read as getopt_long permutes them, anywhere before
   * {@code --} (before {@code end}: systemd-run's command), attached or not, by any prefix; a word
   * only known when it runs that may be an option ({@code systemctl status "$u"} with {@code
   * u=-Hhost}) is unknown. The word after an option is never skipped (a long option's value is
   * read as options too, which only reads more).
   */
  private static List<Step> systemdBusTransport(String name, List<Word> a, int end) {
    String valueLetters = SYSTEMD_BUS_VALUE_LETTERS.get(name);
    boolean hasHost = !name.equals("systemd-stdio-bridge");
    List<Step> steps = new ArrayList<>();
    List<Word> machines = new ArrayList<>();
    boolean userBus = false;
    for (int i = 0; i < end; i++) {
      Word w = a.get(i);
      String v = w.value();
      Word next = i + 1 < a.size() ? a.get(i + 1) : null;
      int unknownAt = w.literal() ? -1 : v.indexOf(Word.UNKNOWN);
      if (!w.literal() && !v.startsWith("-") && mayBeOption(w)
          || v.startsWith("--") && unknownAt >= 0 && (v.indexOf('=') < 0 || unknownAt < v.indexOf('='))) {
        // "$u", *, --$x: which option, if any, is only known when it runs.
        steps.add(new Unknown(name + " with a word only known when it runs, which may be -H/--host (it runs ssh) or "
            + "-M/--machine: " + w.shown()));
        continue;
      }
      if (w.literal() && v.equals("--")) {
        break;
      }
      if (v.startsWith("--")) {
        int eq = v.indexOf('=');
        Word value = eq > 0 ? new Word(w.source(), v.substring(eq + 1), w.literal()) : next;
        if (hasHost && longOption(v, "host")) {
          steps.addAll(sshToHost(value, name + " --host"));
        } else if (longOption(v, "machine")) {
          machines.add(value);
        } else if (longOption(v, "user")) {
          userBus = true;
        } else if (name.equals("busctl") && longOption(v, "address") || !hasHost && longOption(v, "bus-path")) {
          steps.addAll(busAddress(value, name + " " + v));
        }
        continue;
      }
      for (int k = 1; v.startsWith("-") && k < v.length(); k++) {
        char letter = v.charAt(k);
        if (letter == Word.UNKNOWN) {
          steps.add(new Unknown(name + " with an option only known when it runs, which may be -H (it runs ssh) or -M: "
              + w.shown()));
          break;
        }
        if (valueLetters.indexOf(letter) < 0) {
          continue;
        }
        Word value = k + 1 < v.length() ? new Word(w.source(), v.substring(k + 1), w.literal()) : next;
        if (letter == 'H' && hasHost) {
          steps.addAll(sshToHost(value, name + " -H"));
        } else if (letter == 'M') {
          machines.add(value);
        } else if (letter == 'p' && !hasHost) {
          steps.addAll(busAddress(value, name + " -p"));
        }
        break; // the rest of the bundle is the value
      }
    }
    for (Word machine : machines) {
      if (machine != null && (userBus || !machine.literal() || machine.value().contains("@"))) {
        // [USER]@[CONTAINER]: no user is root, no container the host itself (.host).
        String v = machine.value();
        int at = machine.literal() ? v.indexOf('@') : -1;
        String user = at > 0 ? v.substring(0, at) : "root";
        String container = at < 0 ? v : at + 1 < v.length() ? v.substring(at + 1) : ".host";
        steps.add(new Inner(List.of(Word.literal("systemd-run", "systemd-run"),
            new Word(machine.source(), "-M" + container, machine.literal()),
            Word.literal("-PGq", "-PGq"), Word.literal("--wait", "--wait"),
            Word.literal("-pUser=" + user, "-pUser=" + user), Word.literal("-pPAMName=login", "-pPAMName=login"),
            Word.literal("systemd-stdio-bridge", "systemd-stdio-bridge")), name + " --machine"));
      }
    }
    return steps;
  }

  /** The ssh an sd-bus client forks for {@code -H HOST}: a host only known when it runs still runs ssh. */
  private static List<Step> sshToHost(Word host, String via) {
    if (host == null) {
      return List.of(); // -H without a value: getopt refuses it
    }
    return List.of(new Inner(List.of(Word.literal("ssh", "ssh"), Word.literal("-xT", "-xT"), Word.literal("--", "--"), host,
        Word.literal("systemd-stdio-bridge", "systemd-stdio-bridge")), via));
  }

  /** A bus address given on the command line: anything but a plain socket address may start a program. */
  private static List<Step> busAddress(Word address, String via) {
    return address == null || ShellClass.plainBusAddress(address) ? List.of()
        : List.of(new Unknown(via + " names a bus address that may start a program (unixexec:): " + address.shown()));
  }

  /**
   * A word only known when it runs that may be an option: its value may start with a dash (an
   * expansion, a pattern or a brace may make one: {@code "$u"}, {@code *}, {@code {-Hh,x}}).
   */
  private static boolean mayBeOption(Word w) {
    String v = w.value();
    return v.isEmpty() || v.charAt(0) == Word.UNKNOWN || "-*?[{".indexOf(v.charAt(0)) >= 0;
  }

  /** start-stop-daemon's options with a value (start-stop-daemon --help). */
  private static final String SSD_SHORT_ARG = "pxnugcsardNPIkOR";
  private static final Set<String> SSD_LONG_ARG = Set.of("--pid", "--ppid", "--pidfile", "--exec", "--name", "--user",
      "--group", "--chuid", "--signal", "--startas", "--chroot", "--chdir", "--nicelevel", "--procsched", "--iosched",
      "--umask", "--output", "--retry", "--notify-timeout");

  /**
   * {@code start-stop-daemon --start} runs its {@code --startas} program (else its {@code --exec})
   * with the words after {@code --}; stopping or a status runs nothing. An option it may take for
   * another only known when it runs fails closed.
   */
  private static List<Step> startStopDaemon(List<Word> a) {
    boolean start = false;
    Word exec = null;
    Word startas = null;
    int i = 0;
    for (; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (!w.literal() && v.startsWith("-") || v.startsWith("-") && v.indexOf(Word.UNKNOWN) >= 0) {
        return unknown("start-stop-daemon");
      }
      if (v.equals("--")) {
        i++;
        break;
      }
      if (v.startsWith("--")) {
        int eq = v.indexOf('=');
        String opt = eq < 0 ? v : v.substring(0, eq);
        Word val = null;
        if (SSD_LONG_ARG.contains(opt)) {
          val = eq >= 0 ? new Word(w.source(), v.substring(eq + 1), w.literal()) : i + 1 < a.size() ? a.get(++i) : null;
        }
        start |= opt.equals("--start");
        if (opt.equals("--exec")) {
          exec = val;
        } else if (opt.equals("--startas")) {
          startas = val;
        }
        continue;
      }
      if (!v.startsWith("-") || v.equals("-")) {
        continue; // getopt permutes: an operand is passed on only after --
      }
      for (int k = 1; k < v.length(); k++) {
        char f = v.charAt(k);
        start |= f == 'S';
        if (SSD_SHORT_ARG.indexOf(f) >= 0) {
          Word val = k + 1 < v.length() ? new Word(w.source(), v.substring(k + 1), w.literal())
              : i + 1 < a.size() ? a.get(++i) : null;
          if (f == 'x') {
            exec = val;
          } else if (f == 'a') {
            startas = val;
          }
          break;
        }
      }
    }
    Word program = startas != null ? startas : exec;
    if (!start || program == null) {
      return List.of();
    }
    List<Word> words = new ArrayList<>();
    words.add(program);
    words.addAll(a.subList(Math.min(i, a.size()), a.size()));
    return List.of(new Inner(words, "start-stop-daemon"));
  }

  /** dpkg-buildpackage's hooks (dpkg-buildpackage(1)). */
  private static final Set<String> DPKG_BUILD_HOOKS = Set.of("init", "preclean", "source", "build", "binary",
      "buildinfo", "changes", "postclean", "check", "sign", "done");

  /**
   * {@code dpkg-buildpackage --hook-NAME=CMD} runs CMD with {@code sh -c} (its {@code %} escapes
   * are data: package, version, directory); {@code --check-command=CMD} runs CMD and {@code
   * --sign-command=CMD} runs CMD as the signing program; {@code -R}/{@code --rules-file} and {@code
   * -r}/{@code --root-command} name programs it runs (their values attached). A hook word only known when it runs fails closed.
   */
  private static List<Step> dpkgBuildpackageHooks(List<Word> a) {
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (!w.literal() && v.startsWith("-") || v.startsWith("--") && v.indexOf(Word.UNKNOWN) >= 0) {
        return unknown("dpkg-buildpackage");
      }
      // -R/--rules-file is the build program with its words (debian/rules by default), -r/--root-command
      // the program it runs the rules under: split at blanks, the target or the rules file appended.
      java.util.regex.Matcher r = java.util.regex.Pattern.compile("(?s)(-R|--rules-file=|-r|--root-command=)(.+)").matcher(v);
      if (r.matches()) {
        List<Word> words = new ArrayList<>();
        for (String part : Regexes.split(r.group(2).strip(), "[ \t\n]+")) {
          words.add(Word.literal(part, part));
        }
        String after = r.group(1).startsWith("-R") || r.group(1).startsWith("--rules") ? "clean" : "debian/rules";
        words.add(Word.literal(after, after));
        steps.add(new Inner(words, "dpkg-buildpackage " + r.group(1)));
        continue;
      }
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?s)--(hook-([a-z]+)|check-command|sign-command)=(.*)").matcher(v);
      if (!m.matches()) {
        continue;
      }
      if (m.group(2) != null && !DPKG_BUILD_HOOKS.contains(m.group(2))) {
        continue;
      }
      String cmd = m.group(3);
      if (cmd.isEmpty()) {
        continue;
      }
      steps.add(new Code(cmd, "dpkg-buildpackage " + (m.group(2) != null ? "--hook-" + m.group(2) : m.group(1))));
    }
    return steps;
  }

  /** The gcc drivers that compile C++ (g++, c++, gcc -x c++; target-prefixed, versioned). */
  private static final String GCC_DRIVER = "([A-Za-z0-9_.]+-)*(gcc|g\\+\\+|cc|c\\+\\+)(-[0-9.]+)?";
  private static final java.util.regex.Pattern GCC_DRIVER_NAME = java.util.regex.Pattern.compile(GCC_DRIVER);

  /**
   * GCC 11+'s {@code -fmodule-mapper=|PROG ARGS} starts PROG with ARGS (split at blanks, no
   * shell; a last {@code ?IDENT} is cut off first) to talk the module protocol with. The other
   * forms ({@code host:port}, {@code =socket}, {@code <>}, a mapping file) start nothing.
   */
  private static List<Step> moduleMapper(List<Word> a) {
    List<Step> steps = new ArrayList<>();
    for (Word w : a) {
      String v = w.value();
      if (!v.startsWith("-fmodule-mapper=") && !(!w.literal() && !v.isEmpty() && v.charAt(0) == Word.UNKNOWN
          && w.source().contains("module-mapper"))) {
        continue;
      }
      String spec = v.startsWith("-fmodule-mapper=") ? v.substring("-fmodule-mapper=".length()) : "";
      if (!w.literal() && (spec.isEmpty() || spec.charAt(0) == Word.UNKNOWN || spec.startsWith("|"))) {
        steps.add(new Unknown("g++ -fmodule-mapper= with a program only known when it runs"));
        continue;
      }
      List<Word> words = moduleMapperProgram(spec);
      if (!words.isEmpty()) {
        steps.add(new Inner(words, "g++ -fmodule-mapper"));
      }
    }
    return steps;
  }

  /** The program and arguments a module mapper spec starts: {@code |PROG ARGS[?IDENT]}; none for the other forms. */
  static List<Word> moduleMapperProgram(String spec) {
    if (!spec.startsWith("|")) {
      return List.of();
    }
    String p = spec.substring(1);
    int q = p.lastIndexOf('?');
    if (q >= 0) {
      p = p.substring(0, q);
    }
    List<Word> words = new ArrayList<>();
    for (String part : Regexes.split(p, "[ \t\n]+")) {
      if (!part.isEmpty()) {
        words.add(Word.literal(part, part));
      }
    }
    return words;
  }

  /**
   * What bash appends to a callback it evaluates: mapfile {@code -C CALLBACK} gets the index and
   * the line ({@code CALLBACK 7 'LINE'}), compgen/complete {@code -C CMD} the command's name, the
   * word and the one before it. Read as words only known when it runs: {@code -C source} sources
   * a file named by one.
   */
  private static final String CALLBACK_ARGUMENTS = " \"$1\" \"$2\" \"$3\"";

  static List<Step> unknown(String name) {
    return List.of(new Unknown("the options of " + name + " are only known when it runs"));
  }

  static List<Step> inner(List<Word> a, int from, String via) {
    if (from < 0 || mayShiftWords(a, from)) {
      return unknown(via);
    }
    return from >= a.size() ? List.of() : List.of(new Inner(a.subList(from, a.size()), via));
  }

  /**
   * Whether one of the wrapper's own words before {@code end} (an option, its value, an operand)
   * may become several words or none ({@code n='5 sh -c CODE'; nice -n $n ls}, {@code timeout
   * 5$x ls}): the readers count each as one, so where the command starts is not known.
   */
  private static boolean mayShiftWords(List<Word> a, int end) {
    for (int k = 0; k < Math.min(end, a.size()); k++) {
      if (ShellWords.wordsItMayMake(a.get(k)) != ShellWords.ONE) {
        return true;
      }
    }
    return false;
  }

  /** Short options the wrapper documents (any other is unknown), {@code operands} words (a lock file, a host and port), then the command. */
  private static List<Step> knownThenOperands(List<Word> a, String withArg, String noArg, int operands, String via) {
    Opts o = Opts.scanKnown(a, withArg, noArg, Set.of(), Set.of());
    return o.unknown() ? unknown(via) : inner(a, o.end + operands, via);
  }

  /** Options the wrapper documents (any other is unknown), then the command. */
  private static List<Step> fromKnown(List<Word> a, String withArg, String noArg, Set<String> longWithArg,
      Set<String> longNoArg, String via) {
    Opts o = Opts.scanKnown(a, withArg, noArg, longWithArg, longNoArg);
    return o.unknown() ? unknown(via) : inner(a, o.end, via);
  }

  /**
   * {@code exec -a NAME PROG …}: PROG sees NAME as its name, and a multi-call program acts by that
   * name (systemctl named {@code reboot} reboots, taking its first operand for the reboot's
   * parameter; busybox named {@code rm} removes; lvm named {@code lvremove} removes): the words are
   * judged as NAME's as well as PROG's. A name only known when it runs may be any. Attack 17co.
   */
  private static List<Step> withArgv0(List<Step> run, String argv0, String via) {
    if (argv0 == null || run.size() != 1 || !(run.get(0) instanceof Inner in) || in.words().isEmpty()) {
      return run;
    }
    if (argv0.indexOf(Word.UNKNOWN) >= 0) {
      return List.of(run.get(0), new Unknown(via + " gives the program a name only known when it runs"
          + " (a multi-call program acts by its name)"));
    }
    String seen = argv0.substring(argv0.lastIndexOf('/') + 1);
    seen = seen.startsWith("-") ? seen.substring(1) : seen; // a login shell's -bash
    Word program = in.words().get(0);
    String base = program.value().substring(program.value().lastIndexOf('/') + 1);
    if (seen.isEmpty() || seen.equals(base)) {
      return run;
    }
    if (base.equals("systemctl")) {
      // systemctl looks for its compat names anywhere in its own (strstr: xrebootx is reboot), in this order
      for (String[] applet : SYSTEMCTL_NAMES) {
        if (seen.contains(applet[0])) {
          seen = applet[1];
          break;
        }
      }
    }
    List<Word> as = new ArrayList<>(in.words());
    as.set(0, new Word(argv0, seen, true));
    return List.of(run.get(0), new Inner(as, via));
  }

  /** The names systemctl acts as when its own name holds them (systemd 252's parse_argv, invoked_as), and the program each is. */
  private static final String[][] SYSTEMCTL_NAMES = {{"halt", "halt"}, {"poweroff", "poweroff"}, {"reboot", "reboot"},
      {"shutdown", "shutdown"}, {"init", "telinit"}, {"runlevel", "runlevel"}};

  /** The dynamic loader runs its program, under {@code --argv0 NAME} by that name ({@link #withArgv0}). */
  private static List<Step> loader(List<Word> a, String name) {
    Opts o = Opts.scan(a, 0, "", LOADER_WITH_ARG);
    return o.unknown() ? unknown(name) : withArgv0(inner(a, o.end, name), argv0(o, "--argv0"), name + " --argv0");
  }

  /**
   * The name {@code option} gives: null without the option; a value only known when it runs
   * ({@code exec -a "$n"}, which {@link Opts#scan} keeps as null) is unknown (attack 17cq: {@code
   * n=reboot; exec -a "$n" systemctl status} was read as no name at all, proven).
   */
  private static String argv0(Opts o, String option) {
    if (!o.values.containsKey(option)) {
      return null;
    }
    String v = o.values.get(option);
    return v == null ? String.valueOf(Word.UNKNOWN) : v;
  }

  private static List<Step> fromOpts(List<Word> a, String withArg, Set<String> longWithArg, String via) {
    Opts o = Opts.scan(a, 0, withArg, longWithArg);
    return o.unknown() ? unknown(via) : inner(a, o.end, via);
  }

  private static List<Step> fromOptsSkippingAssignments(List<Word> a, String withArg, Set<String> longWithArg, String via) {
    Opts o = Opts.scan(a, 0, withArg, longWithArg);
    if (o.unknown()) {
      return unknown(via);
    }
    int i = o.end;
    // sudo takes every word with a = in it for an assignment, not only a shell identifier's.
    while (i < a.size() && a.get(i).literal() && a.get(i).value().indexOf('=') > 0) {
      i++;
    }
    if (i < a.size() && !a.get(i).literal() && a.get(i).value().indexOf('=') > 0) {
      return unknown(via);
    }
    return inner(a, i, via);
  }

  /** Options, then {@code operands} positional words (a duration, a new root), then the command. */
  private static List<Step> afterOperands(List<Word> a, String withArg, Set<String> longWithArg, int operands, String via) {
    Opts o = Opts.scan(a, 0, withArg, longWithArg);
    if (o.unknown()) {
      return unknown(via);
    }
    return inner(a, o.end + operands, via);
  }

  static boolean isAssignment(String w) {
    int eq = w.indexOf('=');
    return eq > 0 && Regexes.matches(w.substring(0, eq), "[A-Za-z_][A-Za-z0-9_]*");
  }

  private static List<Step> sudo(List<Word> a) {
    Opts o = Opts.scan(a, 0, "CDghpRrTtUu", Set.of("--chdir", "--close-from", "--group", "--host", "--prompt",
        "--chroot", "--role", "--type", "--command-timeout", "--other-user", "--user"));
    if (o.unknown()) {
      return unknown("sudo");
    }
    if (o.has('e') || o.has('l') || o.has('V') || o.has('h') && o.end >= a.size()) {
      return List.of(); // sudoedit, list, version: no command runs
    }
    return fromOptsSkippingAssignments(a, "CDghpRrTtUu", Set.of("--chdir", "--close-from", "--group", "--host",
        "--prompt", "--chroot", "--role", "--type", "--command-timeout", "--other-user", "--user"), "sudo");
  }

  /** GNU env's option table (coreutils 9.1); --block-signal, --default-signal and --ignore-signal take a value only attached (=SIG). */
  private static final Set<String> ENV_LONG_WITH_ARG = Set.of("--unset", "--chdir", "--split-string");
  private static final Set<String> ENV_LONG_NO_ARG = Set.of("--ignore-environment", "--null", "--block-signal",
      "--default-signal", "--ignore-signal", "--list-signal-handling", "--debug", "--help", "--version");

  private static List<Step> env(List<Word> a) {
    Opts o = Opts.scanKnown(a, "uCS", "i0v", ENV_LONG_WITH_ARG, ENV_LONG_NO_ARG);
    if (o.unknown()) {
      return unknown("env");
    }
    EnvSplit split = EnvSplit.find(a);
    if (split != null) {
      return split.unwrapped(a);
    }
    List<Step> steps = new ArrayList<>();
    int i = o.end;
    if (i < a.size() && a.get(i).literal() && a.get(i).value().equals("-")) {
      i++; // a lone - is -i
    }
    // env takes every word with a = in it for an assignment (a name bash would not accept too).
    while (i < a.size() && a.get(i).value().indexOf('=') >= 0) {
      Word w = a.get(i);
      if (!w.literal()) {
        return unknown("env");
      }
      steps.add(new Assign(w, "env"));
      i++;
    }
    steps.addAll(inner(a, i, "env"));
    return steps;
  }

  /**
   * One of env's value-taking options ({@code -u}, {@code -C}, {@code -S} or their long names)
   * in words {@code at} to {@code after}; {@code bundle} the options given before it in its word
   * ({@code -iS}); {@code value} null when missing.
   */
  record EnvOption(char letter, int at, int after, String bundle, Word value) {}

  /**
   * env's value-taking options, in order, as getopt reads them (no permutation: they end at the
   * first operand), up to the first {@code -S}: env reads its options again from that string's words.
   */
  static List<EnvOption> envOptions(List<Word> a) {
    List<EnvOption> out = new ArrayList<>();
    for (int k = 0; k < a.size() && a.get(k).literal(); k++) {
      String v = a.get(k).value();
      if (v.equals("--") || !v.startsWith("-") || v.equals("-")) {
        break;
      }
      EnvOption option = null;
      if (v.startsWith("--")) {
        int eq = v.indexOf('=');
        String name = Opts.longName(eq < 0 ? v : v.substring(0, eq), ENV_LONG_WITH_ARG, ENV_LONG_NO_ARG);
        if (name == null) {
          break;
        }
        if (ENV_LONG_WITH_ARG.contains(name)) {
          Word value = eq >= 0 ? new Word(v, v.substring(eq + 1), true) : k + 1 < a.size() ? a.get(k + 1) : null;
          char letter = switch (name) {
            case "--unset" -> 'u';
            case "--chdir" -> 'C';
            default -> 'S';
          };
          option = new EnvOption(letter, k, eq >= 0 ? k + 1 : k + 2, "", value);
        }
      } else {
        for (int j = 1; j < v.length() && option == null; j++) {
          char ch = v.charAt(j);
          if ("uCS".indexOf(ch) >= 0) {
            Word value = j + 1 < v.length() ? new Word(v, v.substring(j + 1), true) : k + 1 < a.size() ? a.get(k + 1) : null;
            option = new EnvOption(ch, k, j + 1 < v.length() ? k + 1 : k + 2, j > 1 ? v.substring(0, j) : "", value);
          }
        }
      }
      if (option != null) {
        out.add(option);
        if (option.letter() == 'S') {
          break;
        }
        k = option.after() - 1;
      }
    }
    return out;
  }

  /** The directories env's {@code -C}/{@code --chdir} options name, those in {@code -S}'s words too (null for a missing one). */
  static List<Word> envChdirs(List<Word> a) {
    List<Word> dirs = new ArrayList<>();
    for (EnvOption o : envOptions(a)) {
      if (o.letter() == 'C') {
        dirs.add(o.value());
      } else if (o.letter() == 'S') {
        List<Word> again = new EnvSplit(o).wordsAgain(a);
        if (again != null) {
          dirs.addAll(envChdirs(again));
        }
      }
    }
    return dirs;
  }

  /**
   * The first {@code -S STRING}/{@code --split-string[=]STRING} among env's options. env splits
   * STRING into words, puts them in place of the option and the options before it, and reads its
   * options again from the first of them: {@code env -S '-u X -- rm -rf /'}.
   */
  private record EnvSplit(EnvOption option) {
    static EnvSplit find(List<Word> a) {
      return envOptions(a).stream().filter(o -> o.letter() == 'S').findFirst().map(EnvSplit::new).orElse(null);
    }

    /** env again, with STRING's words in its place; unknown where env's splitting is not exactly known. */
    List<Step> unwrapped(List<Word> a) {
      Word string = option.value();
      if (string == null || !string.literal()) {
        return List.of(new Unknown("env -S with a string only known when it runs"));
      }
      List<Word> again = wordsAgain(a);
      return again == null ? List.of(new Unknown("env -S with a string the guard does not split exactly (${VAR}, an"
          + " escape env refuses, an open quote): " + string.shown())) : env(again);
    }

    /**
     * The words env reads its options from again: the options before {@code -S} (they stay in
     * force; read twice, to the same effect), STRING's words, then the words after it. Null when
     * STRING is not exactly known or not split exactly.
     */
    List<Word> wordsAgain(List<Word> a) {
      Word string = option.value();
      List<String> words = string == null || !string.literal() ? null : envSplitWords(string.value());
      if (words == null) {
        return null;
      }
      List<Word> again = new ArrayList<>(a.subList(0, option.at()));
      if (!option.bundle().isEmpty()) {
        again.add(Word.literal(option.bundle(), option.bundle()));
      }
      words.forEach(w -> again.add(Word.literal(quote(w), w)));
      again.addAll(a.subList(Math.min(option.after(), a.size()), a.size()));
      return again;
    }
  }

  /**
   * env -S's own splitting (coreutils 9.1 {@code build_argv}): blanks {@code " \t\n\v\f\r"}
   * and {@code \_} outside quotes separate words; single quotes keep all but {@code \\} and
   * {@code \'}; double quotes keep blanks ({@code \_} a space there); the escapes {@code \"},
   * {@code \#}, {@code \$}, {@code \'}, {@code \\}, {@code \f}, {@code \n}, {@code \r},
   * {@code \t}, {@code \v}; {@code \c} and a {@code #} starting a word end the string. Null for
   * what is not exactly known or what env refuses: {@code ${VAR}} (its value), any other escape, an
   * open quote.
   */
  static List<String> envSplitWords(String s) {
    List<String> words = new ArrayList<>();
    StringBuilder cur = null;
    boolean sq = false;
    boolean dq = false;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      char add = ch;
      if (ch == '\'' && !dq || ch == '"' && !sq) {
        if (ch == '\'') {
          sq = !sq;
        } else {
          dq = !dq;
        }
        if (cur == null) {
          cur = new StringBuilder();
          words.add(null); // filled in when the word ends
        }
        continue;
      }
      if (" \t\n\u000b\f\r".indexOf(ch) >= 0 && !sq && !dq) {
        cur = close(words, cur);
        continue;
      }
      if (ch == '#' && cur == null) {
        break;
      }
      if (ch == '$' && !sq) {
        return null;
      }
      if (ch == '\\' && (!sq || i + 1 < s.length() && (s.charAt(i + 1) == '\\' || s.charAt(i + 1) == '\''))) {
        if (++i >= s.length()) {
          return null;
        }
        char e = s.charAt(i);
        switch (e) {
          case '"', '#', '$', '\'', '\\' -> add = e;
          case 'f' -> add = '\f';
          case 'n' -> add = '\n';
          case 'r' -> add = '\r';
          case 't' -> add = '\t';
          case 'v' -> add = '\u000b';
          case '_' -> {
            if (!dq) {
              cur = close(words, cur);
              continue;
            }
            add = ' ';
          }
          case 'c' -> {
            if (dq) {
              return null;
            }
            close(words, cur);
            return words;
          }
          default -> {
            return null;
          }
        }
      }
      if (cur == null) {
        cur = new StringBuilder();
        words.add(null);
      }
      cur.append(add);
    }
    if (sq || dq) {
      return null;
    }
    close(words, cur);
    return words;
  }

  /** Ends the word being built (its place in {@code words} was kept when it started); null, the next word not begun. */
  private static StringBuilder close(List<String> words, StringBuilder cur) {
    if (cur != null) {
      words.set(words.size() - 1, cur.toString());
    }
    return null;
  }

  private static List<Step> shell(String name, List<Word> a) {
    // bash [options] [-c string [name [args]] | file [args]]; options may use + as well as -.
    boolean c = false;
    int i = 0;
    while (i < a.size()) {
      Word w = a.get(i);
      if (!w.literal()) {
        return unknown(name);
      }
      String v = w.value();
      if (v.equals("--") || v.equals("-")) {
        i++;
        break;
      }
      if (v.startsWith("--")) {
        i += v.equals("--rcfile") || v.equals("--init-file") ? 2 : 1;
        continue;
      }
      if ((v.startsWith("-") || v.startsWith("+")) && v.length() > 1) {
        int takesArg = 0;
        for (int j = 1; j < v.length(); j++) {
          char ch = v.charAt(j);
          if (ch == 'c') {
            c = true;
          } else if (ch == 'o' || ch == 'O') {
            takesArg++;
          }
        }
        i += 1 + takesArg;
        continue;
      }
      break;
    }
    if (!c) {
      // bash FILE: a script; one only known when it runs (bash <(curl …)) is not read.
      return i < a.size() && !a.get(i).literal()
          ? List.of(new Unknown(name + " runs a script only known when it runs")) : List.of();
    }
    if (i >= a.size()) {
      return List.of();
    }
    Word code = a.get(i);
    if (i + 1 < a.size() && code.literal() && code.value().contains("$")) {
      // sh -c 'rm "$@"' _ -rf /: the code's arguments come from the words after it.
      return List.of(new Unknown(name + " -c code that reads its arguments ($0, $1, $@)"));
    }
    if (OTHER_SHELLS.contains(name)) {
      return List.of(new Unknown(name + " -c: code in a language other than bash's"));
    }
    if (!code.literal()) {
      return List.of(new Unknown(name + " -c with code only known when it runs"));
    }
    return List.of(new Code(code.value(), name + " -c"));
  }

  private static List<Step> su(String name, List<Word> a) {
    return optionValue(a, "c", Set.of("--command", "--session-command"), "sgGwu",
        Set.of("--shell", "--group", "--supp-group", "--whitelist-environment", "--user"), "flmpPhVT",
        Set.of("--fast", "--login", "--preserve-environment", "--pty", "--help", "--version", "--no-pty"), name + " -c");
  }

  private static List<Step> sg(List<Word> a) {
    // sg [-] group [-c] command
    int i = 0;
    if (i < a.size() && a.get(i).literal() && a.get(i).value().equals("-")) {
      i++;
    }
    i++; // the group
    if (i < a.size() && a.get(i).literal() && a.get(i).value().equals("-c")) {
      i++;
    }
    if (i >= a.size()) {
      return List.of();
    }
    if (!a.get(i).literal()) {
      return unknown("sg");
    }
    return List.of(new Code(a.get(i).value(), "sg"));
  }

  /** Runs the value of {@code -X}/{@code --long} as shell code, wherever it stands (getopt permutes). */
  private static List<Step> optionValue(List<Word> a, String codeOpt, Set<String> codeLong, String withArg,
      Set<String> longWithArg, String noArg, Set<String> longNoArg, String via) {
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      if (!w.literal()) {
        return List.of(new Unknown(via + ": an argument only known when it runs"));
      }
      String v = w.value();
      if (v.equals("--")) {
        break;
      }
      if (v.startsWith("--")) {
        int eq = v.indexOf('=');
        String given = eq < 0 ? v : v.substring(0, eq);
        // getopt_long takes an unambiguous prefix: --comm is --command.
        String opt = Opts.longName(given, codeLong, longWithArg, longNoArg);
        if (opt == null) {
          return List.of(new Unknown(via + ": an option it is not known to take: " + given));
        }
        if (codeLong.contains(opt)) {
          String code = eq >= 0 ? v.substring(eq + 1) : i + 1 < a.size() ? valueOf(a.get(i + 1)) : null;
          return code == null ? List.of(new Unknown(via + " with code only known when it runs")) : List.of(new Code(code, via));
        }
        if (eq < 0 && longWithArg.contains(opt)) {
          i++;
        }
        continue;
      }
      if (v.startsWith("-") && v.length() > 1) {
        for (int j = 1; j < v.length(); j++) {
          char ch = v.charAt(j);
          if (codeOpt.indexOf(ch) < 0 && withArg.indexOf(ch) < 0 && noArg.indexOf(ch) < 0) {
            // Value-taking or not is not known: the next word may be its value or the code.
            return List.of(new Unknown(via + ": an option it is not known to take: -" + ch));
          }
          if (codeOpt.indexOf(ch) >= 0) {
            String code = j + 1 < v.length() ? v.substring(j + 1) : i + 1 < a.size() ? valueOf(a.get(i + 1)) : null;
            return code == null ? List.of(new Unknown(via + " with code only known when it runs")) : List.of(new Code(code, via));
          }
          if (withArg.indexOf(ch) >= 0) {
            if (j + 1 == v.length()) {
              i++;
            }
            break;
          }
        }
      }
    }
    return List.of();
  }

  private static String valueOf(Word w) {
    return w.literal() ? w.value() : null;
  }

  private static List<Step> flock(List<Word> a) {
    Opts o = Opts.scan(a, 0, "wEc", Set.of("--timeout", "--conflict-exit-code", "--command"));
    if (o.unknown()) {
      return unknown("flock");
    }
    String code = o.value('c', "--command");
    if (code != null) {
      return List.of(new Code(code, "flock -c"));
    }
    int i = o.end + 1; // the lock file
    if (i < a.size() && a.get(i).literal() && (a.get(i).value().equals("-c") || a.get(i).value().equals("--command"))) {
      return i + 1 < a.size() && a.get(i + 1).literal() ? List.of(new Code(a.get(i + 1).value(), "flock -c"))
          : List.of(new Unknown("flock -c with code only known when it runs"));
    }
    return inner(a, i, "flock");
  }

  private static List<Step> watch(List<Word> a) {
    Opts o = Opts.scan(a, 0, "nq", Set.of("--interval", "--equexit"));
    if (o.unknown()) {
      return unknown("watch");
    }
    if (o.end >= a.size()) {
      return List.of();
    }
    List<Word> rest = a.subList(o.end, a.size());
    if (o.has('x') || o.longs.contains("--exec")) {
      return List.of(new Inner(rest, "watch"));
    }
    if (rest.stream().anyMatch(w -> !w.literal())) {
      return List.of(new Unknown("watch with a command only known when it runs"));
    }
    // watch hands its arguments, joined by spaces, to sh -c.
    return List.of(new Code(rest.stream().map(Word::value).collect(Collectors.joining(" ")), "watch"));
  }

  private static List<Step> xargs(List<Word> a) {
    // GNU xargs's table; -e, -i and -l take a value only attached (-i{} , -l5).
    Opts o = Opts.scanKnown(a, "adEILnPs", "0oprtx", "eil", Set.of("--arg-file", "--delimiter",
        "--max-lines", "--max-args", "--max-procs", "--max-chars", "--process-slot-var"), Set.of("--null", "--eof",
        "--replace", "--interactive", "--no-run-if-empty", "--verbose", "--exit", "--open-tty", "--show-limits",
        "--help", "--version"));
    if (o.unknown()) {
      return unknown("xargs");
    }
    if (o.valueMissing(a)) {
      return o.refused(a, "xargs");
    }
    if (mayShiftWords(a, o.end)) {
      return unknown("xargs");
    }
    // -I R / -i[R] / --replace[=R]: each input line takes R's place in the command's words.
    String replace = null;
    for (int k = 0; k < o.end; k++) {
      String v = a.get(k).value();
      if (v.equals("--")) {
        break;
      }
      if (v.startsWith("--")) {
        if (v.startsWith("--replace")) {
          replace = v.contains("=") ? v.substring(v.indexOf('=') + 1) : "{}";
        }
        continue;
      }
      for (int j = 1; j < v.length(); j++) {
        char ch = v.charAt(j);
        if ("adEILnPs".indexOf(ch) >= 0) {
          String val = j + 1 < v.length() ? v.substring(j + 1) : k + 1 < a.size() ? a.get(++k).value() : "";
          if (ch == 'I') {
            replace = val;
          }
          break;
        }
        if ("eil".indexOf(ch) >= 0) {
          if (ch == 'i') {
            replace = j + 1 < v.length() ? v.substring(j + 1) : "{}";
          }
          break;
        }
      }
    }
    if (replace != null && !replace.isEmpty()) {
      for (int k = o.end; k < a.size(); k++) {
        if (a.get(k).value().contains(replace)) {
          return List.of(new Unknown("xargs puts its input in the command's words (" + replace + ")"));
        }
      }
    }
    List<Word> words = new ArrayList<>(o.end >= a.size() ? List.of(new Word("echo", "echo", true)) : a.subList(o.end, a.size()));
    words.add(UNKNOWN_ARGS); // the arguments read from its input
    Word program = words.get(0);
    String base = program.value().substring(program.value().lastIndexOf('/') + 1);
    if (program.literal() && !XARGS_ANY_WORDS.contains(base) && !base.equals("rm")) {
      // The words it reads (the exec request's data, what is typed, another command's output) may
      // be options or operands that decide what the program does (git -c alias.x=!CMD, find
      // -exec, make --eval, vim +!CMD, zip -TT, cp into a git config): only known when it runs.
      // rm is judged by the recursive-delete rule (ShellClass.uncertainDelete).
      return List.of(new Inner(words, "xargs"), new Unknown("xargs gives " + program.shown()
          + " words from its input, whose options and operands are only known when it runs"));
    }
    return List.of(new Inner(words, "xargs"));
  }

  /**
   * Programs xargs may give any words: none has an option or operand that runs a command or writes
   * a file's content (their manuals; {@code file -C} writes only a {@code NAME.mgc}), and kill's
   * class is process-kill whatever it is given.
   */
  static final Set<String> XARGS_ANY_WORDS = Set.of("echo", "printf", "ls", "cat", "wc", "stat", "file", "basename",
      "dirname", "realpath", "readlink", "du", "grep", "egrep", "fgrep", "head", "tail", "md5sum", "sha1sum",
      "sha224sum", "sha256sum", "sha384sum", "sha512sum", "b2sum", "cksum", "test", "true", "false", "touch", "mkdir",
      "rmdir", "kill", "pkill", "killall");

  /**
   * busybox and toybox run the applet their first word names (an option such as {@code --list}
   * runs none); a first word only known when it runs may name any applet, {@code sh} among them.
   */
  private static List<Step> appletOf(List<Word> a, String name) {
    if (a.isEmpty() || a.get(0).literal() && a.get(0).value().startsWith("-")) {
      return List.of();
    }
    return a.get(0).literal() ? List.of(new Inner(a, name))
        : List.of(new Unknown(name + " runs an applet only known when it runs: " + a.get(0).shown()));
  }

  /** man-db 2.11's options with a value (man --help); -H, -T, -X take one only attached. */
  private static final String MAN_WITH_ARG = "CRLmMSsePrEp";
  private static final Set<String> MAN_LONG_WITH_ARG = Set.of("--config-file", "--recode", "--locale", "--systems",
      "--manpath", "--sections", "--extension", "--pager", "--prompt", "--encoding", "--preprocessor");
  /** GNU tar 1.34's options with a value (tar --usage). */
  private static final String TAR_WITH_ARG = "gCTXfFLbHVIKN";
  private static final Set<String> TAR_LONG_WITH_ARG = Set.of("--listed-incremental", "--hole-detection", "--level",
      "--sparse-version", "--add-file", "--directory", "--exclude", "--exclude-ignore", "--exclude-ignore-recursive",
      "--exclude-tag", "--exclude-tag-all", "--exclude-tag-under", "--files-from", "--exclude-from", "--to-command",
      "--group", "--group-map", "--mode", "--mtime", "--owner", "--owner-map", "--sort", "--xattrs-exclude",
      "--xattrs-include", "--file", "--info-script", "--new-volume-script", "--tape-length", "--rmt-command",
      "--rsh-command", "--volno-file", "--blocking-factor", "--record-size", "--format", "--label",
      "--use-compress-program", "--starting-file", "--newer-mtime", "--newer", "--after-date", "--suffix",
      "--strip-components", "--transform", "--xform", "--checkpoint-action", "--index-file", "--no-quote-chars",
      "--quote-chars", "--quoting-style", "--warning");
  /**
   * GNU make 4.3's options with a value (make --help); {@code -j}, {@code -l}, {@code -O} take one
   * attached, and the next word only when it is all digits (main.c): a word only known when it runs
   * after them is read as any.
   */
  private static final String MAKE_WITH_ARG = "CfIoWE";
  private static final Set<String> MAKE_LONG_WITH_ARG = Set.of("--directory", "--eval", "--file", "--makefile",
      "--include-dir", "--old-file", "--assume-old", "--what-if", "--new-file", "--assume-new");

  /**
   * How a program reads its options: {@code withArg} letters take the next word or the rest of the
   * bundle, {@code attachedArg} letters only the rest, {@code longWithArg} names (by any prefix
   * getopt_long takes) the next word, except the exact names in {@code longNoArg} (getopt_long takes
   * an exact name before a prefix: install's {@code --strip} is not {@code --strip-program});
   * {@code permutes} when options may follow operands (getopt_long, vim, zip), not when the first
   * operand ends them (less, as its main.c reads them). {@code counts} narrows which words only
   * known when it runs count as a possible option. {@code mode}: letters whose value depends on
   * letters given before them (vim's {@code -s}), or null. {@code operandsAreCode}: an operand may
   * be code too, also after {@code --} (make's {@code X:=$(shell CMD)}).
   */
  record OptionGrammar(String withArg, String attachedArg, Set<String> longWithArg, boolean permutes,
      java.util.function.Predicate<Word> counts, Set<String> longNoArg, ValueMode mode, boolean operandsAreCode) {
    OptionGrammar(String withArg, String attachedArg, Set<String> longWithArg, boolean permutes,
        java.util.function.Predicate<Word> counts) {
      this(withArg, attachedArg, longWithArg, permutes, counts, Set.of(), null, false);
    }

    OptionGrammar(String withArg, String attachedArg, Set<String> longWithArg) {
      this(withArg, attachedArg, longWithArg, true, w -> true);
    }

    OptionGrammar withLongNoArg(Set<String> names) {
      return new OptionGrammar(withArg, attachedArg, longWithArg, permutes, counts, names, mode, operandsAreCode);
    }

    OptionGrammar withMode(ValueMode m) {
      return new OptionGrammar(withArg, attachedArg, longWithArg, permutes, counts, longNoArg, m, operandsAreCode);
    }

    OptionGrammar withOperandsAsCode() {
      return new OptionGrammar(withArg, attachedArg, longWithArg, permutes, counts, longNoArg, mode, true);
    }

    /**
     * Whether the long option {@code name} (no {@code =}) takes the next word. A program whose
     * options end at its first operand (less) takes the stricter reading, the next word as a value
     * (read as an operand it would end the options): any name that may abbreviate one with a value,
     * in any case (less 590 matches a name that starts in capitals without case, {@code --WHEEL},
     * and takes one letter, {@code --j}), even an ambiguous one.
     */
    boolean longTakesArg(String name) {
      if (permutes) {
        return !longNoArg.contains(name) && Opts.takesArg(name, longWithArg);
      }
      String given = name.toLowerCase(java.util.Locale.ROOT);
      return given.length() > 2 && longWithArg.stream().anyMatch(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith(given));
    }
  }

  /**
   * Letters that take a value or not by a mode earlier letters set: vim's {@code -s} is silent
   * mode (no value) in Ex mode, which {@code -e}/{@code -E} (or the name ex) start and {@code -v}
   * ends, else {@code -s scriptin} (vim 9.0 main.c: {@code if (exmode_active)}); the judge reads the
   * words in order as vim does.
   */
  record ValueMode(String on, String off, String noValueWhenOn, boolean initiallyOn) {}

  static final Set<String> VIM_NAMES = Set.of("vim", "vi", "nvim", "view", "ex", "gvim", "editor", "vimdiff",
      "gvimdiff", "rvim", "rview", "evim", "eview", "gview", "vimx", "vim.basic", "vim.tiny", "vim.nox", "vim.gtk",
      "vim.gtk3", "vim.athena");

  /**
   * Programs with an option that starts a program or loads code, which ShellClass reads in literal
   * words (man -P/--pager, -H, -C; tar --to-command, -I, --checkpoint-action, …; make --eval, X:=$(shell
   * …); less --lesskey-src, -k, -o/--log-file (writes ~/.lesskey); sort --compress-program; split
   * --filter; install --strip-program; zip -TT/--unzip-command; vim -c, --cmd, -S; diff3/sdiff
   * --diff-program; wget --use-askpass, -e; ssh/scp/sftp -o ProxyCommand=…; rsync -e/--rsync-path;
   * chromium's --renderer-cmd-prefix, …): a word only known when it runs where each reads an option
   * may be that option. A program added to those checks belongs here too.
   */
  static final java.util.Map<String, OptionGrammar> OPTIONS_THAT_RUN = optionsThatRun();

  private static java.util.Map<String, OptionGrammar> optionsThatRun() {
    java.util.Map<String, OptionGrammar> m = new java.util.HashMap<>();
    m.put("man", new OptionGrammar(MAN_WITH_ARG, "HTX", MAN_LONG_WITH_ARG));
    // tar 1.34 --help: these take no value (--checkpoint's only attached, =N) but begin one that
    // does, and getopt_long takes an exact name before a prefix.
    for (String n : List.of("tar", "gtar", "bsdtar")) {
      m.put(n, new OptionGrammar(TAR_WITH_ARG, "", TAR_LONG_WITH_ARG).withLongNoArg(Set.of("--sparse", "--xattrs",
          "--checkpoint", "--list")));
    }
    for (String n : List.of("make", "gmake", "remake")) {
      m.put(n, new OptionGrammar(MAKE_WITH_ARG, "jlO", MAKE_LONG_WITH_ARG).withOperandsAsCode());
    }
    // less reads its options as its own scan_option does, not as getopt: lessOptionsOnlyKnownWhenItRuns.
    m.put("less", new OptionGrammar("", "", Set.of(), false, w -> true));
    // GNU coreutils 9.1 (their short_options and long_options).
    for (String n : List.of("sort", "gsort")) {
      m.put(n, new OptionGrammar("koStTy", "", Set.of("--key", "--output", "--buffer-size", "--field-separator",
          "--temporary-directory", "--batch-size", "--compress-program", "--files0-from", "--parallel",
          "--random-source", "--sort")));
    }
    for (String n : List.of("split", "gsplit")) {
      m.put(n, new OptionGrammar("Cablnt", "", Set.of("--suffix-length", "--additional-suffix", "--bytes",
          "--line-bytes", "--lines", "--number", "--separator", "--filter", "--io-blksize")));
    }
    for (String n : List.of("install", "ginstall")) {
      m.put(n, new OptionGrammar("gmotS", "", Set.of("--group", "--mode", "--owner", "--suffix",
          "--target-directory", "--strip-program")).withLongNoArg(Set.of("--strip")));
    }
    // diffutils 3.8: diff3 "aAeEiL:mTxX3", sdiff "abBdEHiI:lo:stvw:WZ".
    m.put("diff3", new OptionGrammar("L", "", Set.of("--label", "--diff-program")));
    m.put("sdiff", new OptionGrammar("Iow", "", Set.of("--ignore-matching-lines", "--output", "--width",
        "--diff-program", "--tabsize")));
    // Info-ZIP zip 3.0 reads options anywhere, some of two letters (-TT, -tt, -sf) and value lists
    // (-x, -i) that end at the next word starting with a dash: no word is taken as a value here.
    m.put("zip", new OptionGrammar("", "", Set.of()));
    // vim 9.0 (main.c command_line_scan): options anywhere before --; -c, -t, -q take the rest of
    // their word or the next; -V the rest only; -S's file is optional (not taken here); -d is diff
    // mode (a device only on the Amiga); -s is silent mode in Ex mode, else takes its scriptin.
    for (String n : VIM_NAMES) {
      m.put(n, new OptionGrammar("ctTuUiwWqs", "V", Set.of("--cmd", "--startuptime", "--log", "--servername",
          "--socketid", "--windowid")).withMode(new ValueMode("eE", "v", "s", n.equals("ex"))));
    }
    // GNU wget 1.21: -n takes one attached letter (-nv, -nc); its options with a value (the hidden
    // -Y, --dot-style, --http-passwd, --proxy-passwd too). Its booleans take one only attached
    // (--save-headers, --backups=N); --proxy and --hsts begin --proxy-user and --hsts-file.
    m.put("wget", new OptionGrammar("aABDeiIloOPQRtTUwXY", "n", Set.of("--output-file", "--append-output",
        "--execute", "--config", "--input-file", "--base", "--bind-address", "--tries", "--output-document",
        "--wait", "--waitretry", "--random-file", "--egd-file", "--timeout", "--dns-timeout",
        "--connect-timeout", "--read-timeout", "--limit-rate", "--quota", "--user", "--password", "--use-askpass",
        "--directory-prefix", "--cut-dirs", "--default-page", "--http-user", "--http-password", "--header",
        "--compression", "--max-redirect", "--proxy-user", "--proxy-password", "--referer",
        "--user-agent", "--load-cookies", "--save-cookies", "--post-data", "--post-file", "--method", "--body-data",
        "--body-file", "--secure-protocol", "--certificate", "--certificate-type", "--private-key",
        "--private-key-type", "--ca-certificate", "--ca-directory", "--crl-file", "--pinnedpubkey", "--ciphers",
        "--hsts-file", "--ftp-user", "--ftp-password", "--level", "--accept", "--reject", "--accept-regex",
        "--reject-regex", "--regex-type", "--domains", "--exclude-domains", "--include-directories",
        "--exclude-directories", "--restrict-file-names", "--local-encoding", "--remote-encoding", "--progress",
        "--report-speed", "--rejected-log", "--prefer-family", "--retry-on-http-error", "--follow-tags", "--ignore-tags",
        "--start-pos", "--warc-file", "--warc-header", "--warc-max-size", "--warc-dedup", "--warc-tempdir",
        "--dot-style", "--http-passwd", "--proxy-passwd")).withLongNoArg(Set.of("--proxy", "--hsts")));
    // OpenSSH 9 (ssh reads options again after the host: ssh HOST -oProxyCommand=…), rsync (popt).
    m.put("ssh", new OptionGrammar("bceilmopBDEFIJLOPQRSwW", "", Set.of()));
    m.put("scp", new OptionGrammar("cilosDFJMPSX", "", Set.of()));
    m.put("sftp", new OptionGrammar("cilosDSbBFJPR", "", Set.of()));
    m.put("ssh-copy-id", new OptionGrammar("ipoFt", "", Set.of()));
    m.put("rsync", new OptionGrammar("eBfTM@", "", Set.of("--rsh", "--rsync-path", "--filter", "--exclude",
        "--include", "--exclude-from", "--include-from", "--files-from", "--temp-dir", "--block-size",
        "--backup-dir", "--suffix", "--compare-dest", "--copy-dest", "--link-dest", "--chmod", "--chown",
        "--usermap", "--groupmap", "--log-file", "--log-file-format", "--out-format", "--password-file",
        "--bwlimit", "--timeout", "--contimeout", "--port", "--max-size", "--min-size", "--max-delete",
        "--partial-dir", "--remote-option", "--modify-window", "--compress-level", "--compress-choice",
        "--checksum-choice", "--skip-compress", "--info", "--debug", "--iconv", "--stop-after", "--stop-at")));
    // Chromium's switches (one dash or two, values attached by =) anywhere before --.
    for (String n : List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome",
        "x-www-browser", "gnome-www-browser", "sensible-browser")) {
      m.put(n, new OptionGrammar("", "", Set.of()));
    }
    return java.util.Map.copyOf(m);
  }

  /**
   * A word only known when it runs where a program reads an option (with a permuting reader such
   * as getopt_long, anywhere before {@code --}; else up to its first operand), not as the value of
   * the option before it: it may be any option, those that start a program among them ({@code
   * o=-P; man $o CMD}, {@code tar "$t=CMD"}, {@code sort "$o=bash"}), so the text is unclassified.
   * make's target only known when it runs may equally be an option ({@code t=--eval=CMD; make "$t"})
   * or, after {@code --} too, a variable make evaluates ({@code X:=$(shell CMD)}); a variable whose
   * name is literal ({@code make DESTDIR="$d" install}) is not read here.
   */
  private static List<Step> optionsOnlyKnownWhenItRuns(List<Word> a, int from, OptionGrammar g, String name) {
    ValueMode mode = g.mode();
    boolean modeOn = mode != null && mode.initiallyOn();
    String attachedArg = g.attachedArg();
    boolean operandsOnly = false;
    for (int i = from; i < a.size(); i++) {
      String withArg = modeOn ? withoutLetters(g.withArg(), mode.noValueWhenOn()) : g.withArg();
      Word w = a.get(i);
      String v = w.value();
      if (g.operandsAreCode() && !w.literal() && (operandsOnly || !v.startsWith("-"))
          && (v.indexOf('=') < 0 ? v : v.substring(0, v.indexOf('='))).indexOf(Word.UNKNOWN) >= 0) {
        return List.of(new Unknown(name + " given an operand only known when it runs (" + w.shown()
            + "): it may be an option or a variable it evaluates (X:=$(shell CMD)), also after --"));
      }
      if (operandsOnly || w.literal() && v.equals("--")) {
        if (!g.operandsAreCode()) {
          return List.of();
        }
        operandsOnly = true;
        continue;
      }
      if (!w.literal() && couldSpellOption(v, withArg + attachedArg) && g.counts().test(w)) {
        return List.of(new Unknown(name + " given a word only known when it runs where it reads an option ("
            + w.shown() + "): it may be one that starts a program; put -- before the operands ("
            + name + " … -- " + w.source() + ")"));
      }
      if (!w.literal() && g.permutes() && (!v.startsWith("-") || ShellWords.wordsItMayMake(w) == ShellWords.PATTERN_WORDS)
          && mayMakeAnOptionWord(w)) {
        // getopt_long reads an option among the operands: an operand bash may split or expand to a
        // name starting with - (/etc/$f, {a,--x}, *.log) may add one; an option word with a glob
        // may become another option (--to-comm*=CMD matches a file so named). Its brace expansion
        // is read word by word (CommandReader.optionWordsExpanded).
        return List.of(new Unknown(name + " given a word that may become several, or a name starting with -, where it"
            + " reads options (" + w.source() + "): which are its options is only known when it runs; put -- before"
            + " the operands (" + name + " … -- " + w.source() + ")"));
      }
      if (!g.permutes() && (v.equals("-") || !v.startsWith("-") && !v.startsWith("+"))) {
        if (mayMakeNoWord(w)) {
          continue; // bash may make no word of it ({,}): the next word may still be an option
        }
        if (!w.literal() && mayMakeAnOptionBeforeOperands(w)) {
          return firstOperandMayBeAnOption(name, w);
        }
        return List.of(); // the first operand: the rest are operands too
      }
      boolean valueNext = false;
      if (v.startsWith("--") && v.indexOf('=') < 0 && v.indexOf(Word.UNKNOWN) < 0) {
        valueNext = g.longTakesArg(v);
      } else if (v.startsWith("-") && !v.startsWith("--")) {
        for (int j = 1; j < v.length() && v.charAt(j) != Word.UNKNOWN; j++) {
          if (withArg.indexOf(v.charAt(j)) >= 0) {
            valueNext = j + 1 == v.length(); // the value is the next word, or the rest of this one
            break;
          }
          if (attachedArg.indexOf(v.charAt(j)) >= 0) {
            break; // an optional value, only attached
          }
          if (mode != null && mode.on().indexOf(v.charAt(j)) >= 0) {
            modeOn = true; // read on in this bundle too: vim -es is Ex mode, then silent
            withArg = withoutLetters(g.withArg(), mode.noValueWhenOn());
          } else if (mode != null && mode.off().indexOf(v.charAt(j)) >= 0) {
            modeOn = false;
            withArg = g.withArg();
          }
        }
      }
      if (valueNext && i + 1 < a.size() && mayNotMakeOneWord(a.get(i + 1))) {
        return valueMayNotBeOneWord(name, w, a.get(i + 1));
      }
      i += valueNext ? 1 : 0;
    }
    return List.of();
  }

  /**
   * Whether bash may shift the words after {@code w}, an option's value: it may make no word
   * ({@link #mayMakeNoWord}), or it may be split at IFS (also {@code backup-$(date +%F).tgz}: the
   * split rest lands where the next option is read), or it is a brace expansion of several words
   * ({@code {a,b}}). A glob makes at least one name (nullglob is CommandReader's rule).
   */
  static boolean mayNotMakeOneWord(Word w) {
    if (mayMakeNoWord(w) || ShellWords.wordsItMayMake(w) == ShellWords.ANY_WORDS) {
      return true;
    }
    if (ShellWords.wordsItMayMake(w) != ShellWords.PATTERN_WORDS) {
      return false;
    }
    List<String> spelled = PathPatterns.braces(w.value());
    return spelled == null || spelled.size() != 1;
  }

  /**
   * Whether one of the words bash makes of {@code w} may start with {@code -}: any word of an
   * unquoted expansion split at IFS or of a list ({@code /etc/$f} with {@code f='x --to-command=CMD'},
   * {@code "x${a[@]}"}), a brace alternative or glob that may ({@code {a,--x}}, {@code {a,"$o"}},
   * {@code *.log} matching a file named {@code --use-compress-program=sh a.log}). A glob or brace
   * word with a literal start in each alternative ({@code /var/log/*.log}, {@code syslog{,.1}}) may
   * not; nor one whose every name is the same long option given a value ({@code --exclude=*.log}).
   */
  static boolean mayMakeAnOptionWord(Word w) {
    int made = ShellWords.wordsItMayMake(w);
    if (made != ShellWords.PATTERN_WORDS) {
      return made == ShellWords.ANY_WORDS;
    }
    List<String> spelled = PathPatterns.braces(w.value());
    if (spelled == null) {
      return true;
    }
    if (spelled.stream().map(Wrappers::literalLongOptionName).distinct().count() == 1
        && literalLongOptionName(spelled.get(0)) != null) {
      return false; // each name is that option with a value
    }
    // A bracket with quoting in the word is not read: the value no longer shows which ] bash takes for a member.
    boolean quoted = w.source().chars().anyMatch(c -> c == '\'' || c == '"' || c == '\\');
    return spelled.stream().anyMatch(s -> !s.isEmpty() && (s.charAt(0) == Word.UNKNOWN
        || s.charAt(0) == '[' && quoted || PathPatterns.mayStartWith(s, '-')));
  }

  /**
   * Whether bash may make a word starting with {@code -} or {@code +} of {@code w} where a program
   * whose options end at its first operand (less's main.c: the first word starting with neither)
   * expects that operand: a brace alternative starting so ({@code {-N+!CMD,F}}, {@code {,+!CMD}}
   * whose empty alternative bash drops, also each the same option), a glob that may match such a name
   * ({@code *} with a file {@code --lesskey-src=k}: the directory's names are not known here). A word
   * bash splits after a literal start ({@code /var/log/$f}) makes its first word with that start, and
   * the words after the first operand are operands.
   */
  static boolean mayMakeAnOptionBeforeOperands(Word w) {
    if (ShellWords.wordsItMayMake(w) != ShellWords.PATTERN_WORDS) {
      return false;
    }
    List<String> spelled = PathPatterns.braces(w.value());
    if (spelled == null) {
      return true;
    }
    // A bracket with quoting in the word is not read: the value no longer shows which ] bash takes for a member.
    boolean quoted = w.source().chars().anyMatch(c -> c == '\'' || c == '"' || c == '\\');
    return spelled.stream().anyMatch(s -> !s.isEmpty() && (s.charAt(0) == Word.UNKNOWN
        || s.charAt(0) == '[' && quoted || PathPatterns.mayStartWith(s, '-') || PathPatterns.mayStartWith(s, '+')));
  }

  /** A word at a non-permuting program's first operand that bash may make an option of ({@link #mayMakeAnOptionBeforeOperands}). */
  private static List<Step> firstOperandMayBeAnOption(String name, Word w) {
    return List.of(new Unknown(name + " given a word that may become a name starting with - or + where it reads its first"
        + " file or an option (" + w.source() + "): which are its options is only known when it runs; put -- before"
        + " the files (" + name + " … -- " + w.source() + ")"));
  }

  /** The name of {@code --NAME=VALUE} when it is spelled without a pattern or an unknown part, else null. */
  private static String literalLongOptionName(String s) {
    int eq = s.indexOf('=');
    String name = eq < 0 ? "" : s.substring(0, eq);
    return name.startsWith("--") && name.indexOf(Word.UNKNOWN) < 0 && !PathPatterns.hasGlob(name) ? name : null;
  }

  /**
   * Whether bash may make no word at all of {@code w}: one that starts with an expansion or a quote
   * ({@code $e}, {@code "${a[@]}"}; empty, or split at IFS to nothing, whatever the text assigned),
   * or a brace expansion all of whose words are empty ({@code {,}}). A word with a plain literal
   * start ({@code /var/log/$f}) makes at least one word that starts so.
   */
  static boolean mayMakeNoWord(Word w) {
    int made = ShellWords.wordsItMayMake(w);
    if (made != ShellWords.PATTERN_WORDS) {
      return made == ShellWords.ANY_WORDS && (w.source().isEmpty() || "$\"'`\\{".indexOf(w.source().charAt(0)) >= 0);
    }
    List<String> spelled = PathPatterns.braces(w.value());
    return spelled == null || spelled.stream().allMatch(String::isEmpty);
  }

  /**
   * An option's value word that may make no word or several: with none the option takes the next
   * word as its value and the word after it is read as an option ({@code tar --exclude {,} --exclude
   * "$o"}); with several the second is ({@code f='a.tar --to-command=CMD'; tar -xf $f}).
   */
  private static List<Step> valueMayNotBeOneWord(String name, Word option, Word value) {
    return List.of(new Unknown(name + " " + option.shown() + " given a value that may become no word or several ("
        + value.source() + "): which words are its options is only known when it runs"));
  }

  /** One option of less 590's table (opttbl.c, in its order): its letter ('\1' for none), names, kind. */
  private record LessOption(char letter, List<String> names, char kind, String validChars) {
    /** option.h's OLETTER_NONE: findopt compares it like any letter, so the byte 0x01 names such an option. */
    static final char NO_LETTER = '\1';
    static final char FLAG = 'f';
    static final char TRIPLE = '3';
    static final char STRING = 's';
    static final char NUMBER = 'n';
  }

  private static LessOption lessOpt(char letter, String name, char kind) {
    return new LessOption(letter, List.of(name), kind, null);
  }

  /**
   * less 590's options (opttbl.c, Debian 12), in the table's order, which decides its abbreviations.
   * A TRIPLE flag also answers to its upper-case letter ({@code -N}); a string option with a set of
   * valid characters ({@code -x}, {@code -j}, {@code -#}) ends its value at the first other character.
   */
  private static final List<LessOption> LESS_590 = List.of(lessOpt('a', "search-skip-screen", LessOption.TRIPLE),
      lessOpt('b', "buffers", LessOption.NUMBER), lessOpt('B', "auto-buffers", LessOption.FLAG),
      lessOpt('c', "clear-screen", LessOption.TRIPLE), lessOpt('d', "dumb", LessOption.FLAG),
      lessOpt('D', "color", LessOption.STRING), lessOpt('e', "quit-at-eof", LessOption.TRIPLE),
      lessOpt('f', "force", LessOption.FLAG), lessOpt('F', "quit-if-one-screen", LessOption.FLAG),
      lessOpt('g', "hilite-search", LessOption.TRIPLE), lessOpt('h', "max-back-scroll", LessOption.NUMBER),
      lessOpt('i', "ignore-case", LessOption.TRIPLE),
      new LessOption('j', List.of("jump-target"), LessOption.STRING, "0123456789.-"),
      lessOpt('J', "status-column", LessOption.FLAG), lessOpt('k', "lesskey-file", LessOption.STRING),
      lessOpt('\1', "lesskey-src", LessOption.STRING), lessOpt('K', "quit-on-intr", LessOption.FLAG),
      lessOpt('L', "no-lessopen", LessOption.FLAG), lessOpt('m', "long-prompt", LessOption.TRIPLE),
      lessOpt('n', "line-numbers", LessOption.TRIPLE), lessOpt('o', "log-file", LessOption.STRING),
      lessOpt('O', "LOG-FILE", LessOption.STRING), lessOpt('p', "pattern", LessOption.STRING),
      lessOpt('P', "prompt", LessOption.STRING),
      new LessOption('q', List.of("quiet", "silent"), LessOption.TRIPLE, null),
      lessOpt('r', "raw-control-chars", LessOption.TRIPLE), lessOpt('s', "squeeze-blank-lines", LessOption.FLAG),
      lessOpt('S', "chop-long-lines", LessOption.FLAG), lessOpt('t', "tag", LessOption.STRING),
      lessOpt('T', "tag-file", LessOption.STRING), lessOpt('u', "underline-special", LessOption.TRIPLE),
      lessOpt('V', "version", LessOption.FLAG), lessOpt('w', "hilite-unread", LessOption.TRIPLE),
      new LessOption('x', List.of("tabs"), LessOption.STRING, "0123456789,"), lessOpt('X', "no-init", LessOption.FLAG),
      lessOpt('y', "max-forw-scroll", LessOption.NUMBER), lessOpt('z', "window", LessOption.NUMBER),
      lessOpt('"', "quotes", LessOption.STRING), lessOpt('~', "tilde", LessOption.FLAG),
      lessOpt('?', "help", LessOption.FLAG), new LessOption('#', List.of("shift"), LessOption.STRING, "0123456789."),
      lessOpt('\1', "no-keypad", LessOption.FLAG), lessOpt('\1', "old-bot", LessOption.FLAG),
      lessOpt('\1', "follow-name", LessOption.FLAG), lessOpt('\1', "use-backslash", LessOption.FLAG),
      lessOpt('\1', "rscroll", LessOption.STRING), lessOpt('\1', "no-histdups", LessOption.FLAG),
      lessOpt('\1', "mouse", LessOption.TRIPLE), lessOpt('\1', "wheel-lines", LessOption.NUMBER),
      lessOpt('\1', "save-marks", LessOption.FLAG), lessOpt('\1', "line-num-width", LessOption.NUMBER),
      lessOpt('\1', "status-col-width", LessOption.NUMBER), lessOpt('\1', "incsearch", LessOption.FLAG),
      lessOpt('\1', "use-color", LessOption.FLAG), lessOpt('\1', "file-size", LessOption.FLAG));

  /** Long options later less versions (6xx, 7xx) read with a value, unknown to 590. */
  private static final List<String> LESS_LATER_WITH_VALUE = List.of("autosave", "cmd", "emouse", "end-prompt",
      "header", "intr", "lesskey-content", "match-shift", "modelines", "search-options");

  /**
   * How less reads one word where it reads options: {@code anyOption} when a part only known when
   * it runs may name any option; {@code valueNext} when the word leaves an option waiting for the
   * next word; {@code mayTakeValue} when the next word may be a value or an option (a name a later
   * less reads with a value; a backslash in a value, which --use-backslash makes an escape);
   * {@code names} the options it names (a letter, or a long option's first name).
   */
  record LessWord(boolean anyOption, boolean valueNext, boolean mayTakeValue, List<String> names) {}

  /**
   * Reads a word as less 590's scan_option (option.c) does, which is not getopt: an option letter or
   * long name it does not know (nor an ambiguous abbreviation, nor a name longer than the option's)
   * is reported and ends the word, and the next word is read as an option again ({@code less
   * --header --version} prints the version); a long name by any unambiguous prefix, in any case
   * when it starts in capitals; {@code --} inside a bundle starts a long name ({@code
   * -N--lesskey-src}); {@code +} in a bundle takes the rest as commands; a string value attached ends
   * at {@code $} (and -x/-j/-#'s at a character not valid in it), a number's after its digits, and
   * what follows is read as options again ({@code -Pp$k}, {@code -x4k}); a string or number
   * option at the end of the word ({@code -k}, {@code --tabs=}) takes the next word. One pass.
   */
  static LessWord readLessWord(String s) {
    List<String> names = new ArrayList<>();
    boolean mayTakeValue = false;
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i++);
      LessOption o;
      if (c == Word.UNKNOWN) {
        return new LessWord(true, false, true, names);
      } else if (c == ' ' || c == '\t' || c == '$') {
        continue;
      } else if (c == '-' && i < s.length() && s.charAt(i) == '-') {
        int start = ++i;
        while (i < s.length() && lessNameChar(s.charAt(i))) {
          i++;
        }
        if (i < s.length() && s.charAt(i) == Word.UNKNOWN) {
          return new LessWord(true, false, true, names);
        }
        String given = s.substring(start, i);
        o = lessLongOption(given);
        boolean withEquals = i < s.length() && s.charAt(i) == '=';
        if (o == null || i < s.length() && s.charAt(i) != ' ' && !withEquals || withEquals && o.kind() != LessOption.STRING
            && o.kind() != LessOption.NUMBER) {
          // reported, the rest of the word ignored; a later less may read it with a value
          String lower = given.toLowerCase(java.util.Locale.ROOT);
          boolean later = !lower.isEmpty() && LESS_LATER_WITH_VALUE.stream().anyMatch(l -> l.startsWith(lower));
          return new LessWord(false, false, mayTakeValue || later, names);
        }
        i += withEquals ? 1 : 0;
        names.add(o.names().get(0));
      } else if (c == '-') {
        i += i < s.length() && s.charAt(i) == '+' ? 1 : 0; // -+ sets what follows to its default
        continue;
      } else if (c == '+') {
        int end = lessValueEnd(s, i, null);
        if (end < 0) {
          return new LessWord(true, false, true, names);
        }
        boolean escapes = s.substring(i, end).indexOf('\\') >= 0;
        mayTakeValue |= escapes;
        // the commands, "+" and their text; --use-backslash takes an escaped $ into them: then up to the word's end
        names.add("+" + s.substring(i, escapes ? s.length() : end));
        i = end;
        continue;
      } else {
        int letter = c >= '0' && c <= '9' ? 'z' : c; // -5 is -z5 (more's form)
        i -= letter == 'z' && c != 'z' ? 1 : 0;
        if (c > 0x7f) {
          // less reads a byte as a (signed) char; which bytes a non-ASCII character is depends on the
          // encoding. The byte 0xE1 (-31) is --mouse's capital letter, any other is reported: read on
          // as --mouse, and let the next word be an option too (when less stopped here).
          letter = (byte) 0xE1;
          mayTakeValue = true;
        }
        o = lessFindOpt(letter);
        if (o == null) {
          return new LessWord(false, false, mayTakeValue, names); // reported, the rest ignored
        }
        names.add(o.letter() == LessOption.NO_LETTER ? o.names().get(0) : String.valueOf(o.letter()));
      }
      if (o.kind() != LessOption.STRING && o.kind() != LessOption.NUMBER) {
        continue;
      }
      if (i == s.length()) {
        return new LessWord(false, true, mayTakeValue, names);
      }
      if (o.kind() == LessOption.STRING) {
        while (i < s.length() && s.charAt(i) == ' ') {
          i++;
        }
        int end = lessValueEnd(s, i, o.validChars());
        if (end < 0) {
          return new LessWord(true, false, true, names);
        }
        mayTakeValue |= s.substring(i, end).indexOf('\\') >= 0;
        i = end;
      } else {
        // getnum: blanks, a sign, digits; without digits it reports and reads on from here
        int j = i;
        while (j < s.length() && s.charAt(j) == ' ') {
          j++;
        }
        j += j < s.length() && s.charAt(j) == '-' ? 1 : 0;
        int digits = j;
        while (j < s.length() && s.charAt(j) >= '0' && s.charAt(j) <= '9') {
          j++;
        }
        i = j > digits ? j : i;
      }
    }
    return new LessWord(false, false, mayTakeValue, names);
  }

  /**
   * less 590's findopt (opttbl.c): the first option whose letter is {@code c}, or a TRIPLE one's
   * capital by ASCII_TO_UPPER ({@code letter - 'a' + 'A'}, for any letter: OLETTER_NONE's is -31, the
   * signed byte 0xE1). OLETTER_NONE is a letter too: the byte 0x01 is --lesskey-src, the first without one.
   */
  private static LessOption lessFindOpt(int c) {
    for (LessOption o : LESS_590) {
      if (o.letter() == c || o.kind() == LessOption.TRIPLE && o.letter() - 'a' + 'A' == c) {
        return o;
      }
    }
    return null;
  }

  private static boolean lessNameChar(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-';
  }

  /** Where an attached string value ends (optstring: at {@code $} or a character not valid in it); -1 if a part only known when it runs comes first. */
  private static int lessValueEnd(String s, int from, String validChars) {
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == Word.UNKNOWN) {
        return -1;
      }
      if (c == '$' || validChars != null && validChars.indexOf(c) < 0) {
        return i;
      }
    }
    return s.length();
  }

  /**
   * less 590's findopt_name: the option a (possibly partial) long name names, or null when none or
   * ambiguous. A name matches by a prefix; one starting in capitals also ignoring case; all matches
   * have the given name's length, so the first match decides unless it is partial and another
   * matches too (an exact match after a partial one is ambiguous too, as in 590).
   */
  private static LessOption lessLongOption(String given) {
    LessOption first = null;
    boolean exact = false;
    for (LessOption o : LESS_590) {
      for (String name : o.names()) {
        if (lessNameMatches(given, name, false) || lessNameMatches(given, name, true)) {
          if (first == null) {
            first = o;
            exact = given.length() == name.length();
          } else if (!exact) {
            return null;
          }
        }
      }
    }
    return first;
  }

  /** less's sprefix: {@code given} is a prefix of {@code name}, whose letters after the first compare in lower case; in {@code upper} mode a capital start and the given name ignore case. */
  private static boolean lessNameMatches(String given, String name, boolean upper) {
    if (given.isEmpty() || given.length() > name.length() || upper && Character.isLowerCase(given.charAt(0))) {
      return false;
    }
    for (int k = 0; k < given.length(); k++) {
      char c = upper ? Character.toLowerCase(given.charAt(k)) : given.charAt(k);
      char sc = k > 0 ? Character.toLowerCase(name.charAt(k)) : name.charAt(k);
      if (c != sc) {
        return false;
      }
    }
    return true;
  }

  /**
   * less: a word only known when it runs where less reads an option may be any option, those that
   * run a program among them ({@code o=--lesskey-src=…; less --header "$o"}: 590 does not know
   * --header and reads "$o" as an option); its options end at the first file name, unless that
   * word may be a value.
   */
  private static List<Step> lessOptionsOnlyKnownWhenItRuns(List<Word> a, String name) {
    boolean mayBeValue = false;
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (w.literal() && v.equals("--")) {
        return List.of();
      }
      LessWord read = v.length() > 1 && (v.startsWith("-") || v.startsWith("+")) ? readLessWord(v) : null;
      if (!w.literal() && (!v.isEmpty() && v.charAt(0) == Word.UNKNOWN || read != null && read.anyOption())) {
        return List.of(new Unknown(name + " given a word only known when it runs where it reads an option ("
            + w.shown() + "): it may be one that starts a program; put -- before the operands ("
            + name + " … -- " + w.source() + ")"));
      }
      if (read == null) {
        if (mayMakeNoWord(w)) {
          continue; // bash may make no word of it ({,}): the next word is read as this one would be
        }
        if (!w.literal() && (mayMakeAnOptionBeforeOperands(w) || mayBeValue && mayNotMakeOneWord(w))) {
          // less does not permute: its first word bash makes here is the first file or an option, and
          // after a possible value (a later less's --header) the second is too.
          return firstOperandMayBeAnOption(name, w);
        }
        if (!mayBeValue) {
          return List.of(); // the first file: the rest are files too
        }
        mayBeValue = false; // a value, or (later less) the first file
        continue;
      }
      if (read.valueNext() && !mayBeValue && !read.mayTakeValue()) {
        if (i + 1 < a.size() && mayNotMakeOneWord(a.get(i + 1))) {
          return valueMayNotBeOneWord(name, w, a.get(i + 1));
        }
        i++; // the value, whatever it is
      } else {
        // the next word may be a value or an option: read it as an option, not ending them
        mayBeValue = read.valueNext() || read.mayTakeValue();
      }
    }
    return List.of();
  }

  private static String withoutLetters(String letters, String removed) {
    StringBuilder kept = new StringBuilder();
    for (char c : letters.toCharArray()) {
      if (removed.indexOf(c) < 0) {
        kept.append(c);
      }
    }
    return kept.toString();
  }

  /**
   * Whether a word's value, with its unknown parts, may be an option: its start unknown ({@code $o}),
   * or a long option's name or a short bundle's letters (before a letter taking a value) holding an
   * unknown part ({@code "$t=CMD"}, {@code --$x}, {@code -x$y}).
   */
  private static boolean couldSpellOption(String v, String withArg) {
    if (v.isEmpty()) {
      return false;
    }
    if (v.charAt(0) == Word.UNKNOWN) {
      return true;
    }
    if (v.startsWith("--")) {
      int eq = v.indexOf('=');
      return (eq < 0 ? v : v.substring(0, eq)).indexOf(Word.UNKNOWN) >= 0;
    }
    if (!v.startsWith("-")) {
      return false;
    }
    for (int j = 1; j < v.length(); j++) {
      if (v.charAt(j) == Word.UNKNOWN) {
        return true;
      }
      if (withArg.indexOf(v.charAt(j)) >= 0) {
        return false;
      }
    }
    return false;
  }

  /**
   * tar: an old-style first word ({@code tar czf A DIR}) is a bundle of letters whose values are the
   * next words in order; one only known when it runs may be any bundle. Then the options anywhere.
   */
  private static List<Step> tarOptionsOnlyKnownWhenItRuns(List<Word> a, String name) {
    int from = 0;
    if (!a.isEmpty() && !a.get(0).value().startsWith("-")) {
      Word first = a.get(0);
      if (!first.literal() && (first.value().indexOf(Word.UNKNOWN) >= 0 || mayNotMakeOneWord(first))) {
        return List.of(new Unknown(name + " given its option letters only known when it runs: " + first.shown()));
      }
      from = 1 + (int) first.value().chars().filter(ch -> TAR_WITH_ARG.indexOf(ch) >= 0).count();
      for (int i = 1; i < from && i < a.size(); i++) {
        if (mayNotMakeOneWord(a.get(i))) {
          // The bundle's values are the next words, one each: bash may make more or fewer of one (tar cf x$f DIR).
          return valueMayNotBeOneWord(name, first, a.get(i));
        }
      }
    }
    return optionsOnlyKnownWhenItRuns(a, from, OPTIONS_THAT_RUN.get(name), name);
  }

  /** find's primaries that take one value (GNU find 4.9's parser table; -newerXY by pattern, -fprintf takes two). */
  private static final Set<String> FIND_ONE_VALUE = Set.of("-amin", "-anewer", "-atime", "-cmin", "-cnewer", "-context",
      "-ctime", "-files0-from", "-fls", "-fprint", "-fprint0", "-fstype", "-gid", "-group", "-ilname", "-iname", "-inum",
      "-ipath", "-iregex", "-iwholename", "-links", "-lname", "-maxdepth", "-mindepth", "-mmin", "-mtime", "-name", "-newer",
      "-path", "-perm", "-printf", "-regex", "-regextype", "-samefile", "-size", "-type", "-uid", "-used", "-user",
      "-wholename", "-xtype");
  private static final Set<String> FIND_EXEC = Set.of("-exec", "-execdir", "-ok", "-okdir");

  /**
   * find's commands, read by its grammar: leading options ({@code -H -L -P -D X -OLEVEL}), starting
   * points up to the first word that looks like an expression ({@code -X}, {@code (}, {@code !},
   * {@code )}, {@code ,}), then primaries, each with its values. A word only known when it runs
   * where find reads a primary may be any primary ({@code o=-exec; find . $o CMD \;}):
   * unclassified. Among the starting points such a word may equally begin the expression: it runs
   * a command only as an {@code -exec}, whose command is the words after it up to its end ({@code ;},
   * {@code +}, or another such word), read as one; without a possible end find refuses it, so
   * {@code find "$dir" -mtime +7} runs nothing more. Inside an {@code -exec}, such a word may be its
   * end, after which where find reads primaries is no longer known. A {@code +} ends an {@code
   * -exec}/{@code -execdir} only right after a word holding {@code {}} ({@code parser.c
   * new_insert_exec_ok}; find refuses any other spelling than {@code {} +}), never an {@code
   * -ok}/{@code -okdir}: any other {@code +} is an argument ({@code -exec env -u + touch W \;}).
   * After a word only known when it runs, the command is judged both ending at the {@code +} and
   * going on.
   */
  private static List<Step> find(List<Word> a) {
    return find(a, new ArrayList<>());
  }

  /**
   * The words find may take for the name of a file it writes other than after a literal {@code
   * -fprint}, {@code -fprint0}, {@code -fprintf} or {@code -fls}: the word after a word only known
   * when it runs where find may read a primary (a starting point, or where which words are values
   * is no longer known), which may be any of them ({@code d=-fprintf; find "$d" .lesskey FORMAT}
   * writes {@code .lesskey}; {@code find "$dir" -name x} would write {@code -name}). Not the word
   * after a primary's value ({@code -name "$p" x}): find reads that value as the value.
   */
  static List<Word> findMayWrite(List<Word> a) {
    List<Word> written = new ArrayList<>();
    find(a, written);
    return written;
  }

  private static List<Step> find(List<Word> a, List<Word> mayWrite) {
    List<Step> steps = new ArrayList<>();
    int i = 0;
    while (i < a.size() && a.get(i).literal() && Regexes.matches(a.get(i).value(), "-[HLP]|-O.*|-D")) {
      i += a.get(i).value().equals("-D") ? 2 : 1;
    }
    for (int k = i; k < a.size(); k++) {
      // Each argument is read as one word; one bash may split into several (or none) may hold any
      // primaries with their values (v='-exec CMD ;'; find $v): find's expression is not known.
      Word w = a.get(k);
      if (findMayMakeSeveralWords(w)) {
        steps.add(new Unknown("find given a word that may become several (" + w.source() + "): its expression is not known"));
        return steps;
      }
    }
    int firstPlace = i; // find "$dir" -mtime +7: a directory named by a variable, read as one
    boolean expression = false; // find has begun reading primaries
    boolean placesKnown = true; // which words are primaries and which values is known
    while (i < a.size()) {
      Word w = a.get(i);
      String v = w.value();
      if (w.literal() && FIND_EXEC.contains(v)) {
        expression = true;
        int j = i + 1;
        int mayEnd = -1;
        boolean plusEnds = v.equals("-exec") || v.equals("-execdir"); // -ok/-okdir end only at ;
        List<Word> words = new ArrayList<>();
        for (; j < a.size(); j++) {
          Word x = a.get(j);
          if (x.literal() && x.value().equals(";")) {
            break;
          }
          if (plusEnds && x.literal() && x.value().equals("+") && !words.isEmpty()) {
            Word before = a.get(j - 1);
            if (before.value().contains("{}")) {
              break;
            }
            if (!before.literal()) {
              // The word before may be {} when it runs: the command may end here or go on, both judged.
              steps.add(new Inner(List.copyOf(words), "find " + v));
              mayEnd = mayEnd < 0 ? j : mayEnd;
            }
          }
          if (!x.literal() && mayEnd < 0) {
            mayEnd = j;
          }
          // {} stands for each path found: not known now.
          words.add(x.literal() && x.value().contains("{}")
              ? new Word(x.source(), x.value().replace("{}", String.valueOf(Word.UNKNOWN)), false) : x);
        }
        if (!words.isEmpty()) {
          steps.add(new Inner(words, "find " + v));
        }
        if (mayEnd >= 0) {
          placesKnown = false; // that word may have been the ;
          i = mayEnd + 1;
        } else {
          i = j + 1;
        }
        continue;
      }
      if (w.literal()) {
        if (!expression && !findExpressionWord(v)) {
          i++; // a starting point
        } else {
          expression = true;
          // Where places are not known, a literal may be a value: its own values are read one by one.
          i += !placesKnown ? 1 : v.equals("-fprintf") ? 3
              : FIND_ONE_VALUE.contains(v) || Regexes.matches(v, "-newer[aBcmt][aBcmt]") ? 2 : 1;
        }
        continue;
      }
      if (!findExpressionWord(v) && !findPatternMayBeExpressionWord(w)) {
        i++; // a name (or a primary find refuses): "./$f", "$dir/x"
        continue;
      }
      if (expression && placesKnown) {
        steps.add(new Unknown("find's expression has a word only known when it runs where a primary goes ("
            + w.shown() + "): it may be -exec"));
        return steps;
      }
      // A starting point, or the expression's first primary: as -exec, the words after it are its
      // command; as -fprint/-fprintf/-fls, the word after it names the file find writes; as
      // -delete, find deletes all under its starting points (v=-delete; find / "$v", find "$v"). The
      // first word followed by more is read as the starting point it is written for (find "$dir" -name x).
      if (mayBe(w, "-delete") && placesKnown && (i > firstPlace || i == a.size() - 1)) {
        steps.add(new Unknown("find with a word only known when it runs where its expression may start ("
            + w.shown() + "): it may be -delete"));
      }
      steps.addAll(findCommandIfExec(a, i));
      if (i + 1 < a.size()) {
        mayWrite.add(a.get(i + 1));
      }
      placesKnown = false;
      i++;
    }
    return steps;
  }

  /**
   * Whether bash may make several words of {@code w} that find may read as its expression: any
   * split expansion or list, or a glob or brace expansion some of whose names may be a primary or
   * an operator ({@code find *} with a file named {@code -delete} in the directory). A pattern
   * with a {@code /} or a {@code .} outside its bracket expressions in each alternative ({@code
   * /var/log/*}, {@code *.log}) makes only names: no primary has either. Brackets are read as bash
   * reads them ({@code [].-]exec} is one of {@code ] . -} then {@code exec}, which may be {@code
   * -exec}); a bracket with quoting in the word is not, since the value no longer shows which
   * {@code ]} bash takes for a member ({@code -exe[c']'.]}). Under nullglob a pattern may also make
   * no word: see CommandReader.
   */
  private static boolean findMayMakeSeveralWords(Word w) {
    int made = ShellWords.wordsItMayMake(w);
    if (made != ShellWords.PATTERN_WORDS) {
      return made == ShellWords.ANY_WORDS;
    }
    if (w.value().indexOf('[') >= 0 && w.source().chars().anyMatch(c -> c == '\'' || c == '"' || c == '\\')) {
      return true;
    }
    List<String> alternatives = PathPatterns.braces(w.value());
    return alternatives == null || alternatives.stream()
        .map(PathPatterns::bracketsAsAnyCharacter) // [.-]: one character, maybe not . or /
        .anyMatch(v -> v == null || v.indexOf('/') < 0 && v.indexOf('.') < 0);
  }

  /**
   * Whether a pattern among find's words may make a name find reads as an expression word: one
   * that may start with {@code -} ({@code [-.]x.y}, {@code *.log}; with a {@code .} in it find
   * refuses it as a primary it does not know).
   */
  private static boolean findPatternMayBeExpressionWord(Word w) {
    if (ShellWords.wordsItMayMake(w) != ShellWords.PATTERN_WORDS) {
      return false;
    }
    List<String> alternatives = PathPatterns.braces(w.value());
    return alternatives == null || alternatives.stream().anyMatch(v -> PathPatterns.mayStartWith(v, '-'));
  }

  /** Whether find may read this word as part of its expression (a literal: whether it does). */
  /** Whether a word only known when it runs may be {@code exactly}: its known parts in place, each unknown part any text. */
  static boolean mayBe(Word w, String exactly) {
    StringBuilder re = new StringBuilder("(?s)");
    for (String part : w.value().split(String.valueOf(Word.UNKNOWN), -1)) {
      re.append(java.util.regex.Pattern.quote(part)).append(".*");
    }
    re.setLength(re.length() - 2);
    return java.util.regex.Pattern.compile(re.toString()).matcher(exactly).matches(); // not cached: the text's own
  }

  private static boolean findExpressionWord(String v) {
    if (v.isEmpty()) {
      return false;
    }
    char first = v.charAt(0);
    return first == Word.UNKNOWN || first == '-' && v.length() > 1
        || "(!),".indexOf(first) >= 0 && (v.length() == 1 || v.charAt(1) == Word.UNKNOWN);
  }

  /**
   * The commands a word only known when it runs at {@code at} would make find run if it were {@code
   * -exec} (or {@code -ok}): the words after it up to the first that may end it (a {@code ;}, a
   * {@code +} right after a word holding {@code {}} — which ends {@code -exec} but not {@code -ok},
   * so both readings are judged — or another word only known when it runs); none when no word may
   * end it (find refuses such an -exec), or when the next word is a literal named like an option
   * ({@code find "$dir" -name x}: no program on the system is named {@code -name}).
   */
  private static List<Step> findCommandIfExec(List<Word> a, int at) {
    String via = "find " + a.get(at).shown() + " (as -exec)";
    List<Step> steps = new ArrayList<>();
    List<Word> words = new ArrayList<>();
    for (int j = at + 1; j < a.size(); j++) {
      Word x = a.get(j);
      if (x.literal() && x.value().equals(";")) {
        if (!words.isEmpty()) {
          steps.add(new Inner(words, via));
        }
        return steps;
      }
      if (x.literal() && x.value().equals("+") && !words.isEmpty() && a.get(j - 1).value().contains("{}")) {
        steps.add(new Inner(List.copyOf(words), via)); // -exec ends here; -ok reads on
      }
      if (!x.literal()) {
        // It may end the command, or be its next word: the program only known when it runs when first.
        if (words.isEmpty()) {
          return j + 1 < a.size() ? List.of(new Unknown("find runs a program only known when it runs: "
              + a.get(at).shown() + " " + x.shown() + " may be -exec PROGRAM")) : List.of();
        }
        words.add(UNKNOWN_ARGS);
        steps.add(new Inner(words, via));
        return steps;
      }
      if (words.isEmpty() && x.value().startsWith("-")) {
        return List.of(); // find's own next primary (-name): no program is so named
      }
      words.add(x.value().contains("{}") ? new Word(x.source(), x.value().replace("{}", String.valueOf(Word.UNKNOWN)), false) : x);
    }
    return steps; // no ; : only an -exec that ended at a {} + runs
  }

  /** Words a program splits at blanks with no shell, read the same by the shell only when they hold none of its syntax. */
  private static final java.util.regex.Pattern PLAIN_COMMAND = java.util.regex.Pattern.compile("[A-Za-z0-9_./,:@%+=\\- \\t]*");

  private static List<Word> plainWords(String text) {
    List<Word> words = new ArrayList<>();
    for (String part : Regexes.split(text.strip(), "[ \t]+")) {
      if (!part.isEmpty()) {
        words.add(Word.literal(part, part));
      }
    }
    return words;
  }

  /** hyperfine (clap: exact long names, short bundles, {@code -r=1}, options anywhere, {@code --} ends them). */
  private static final Set<String> HYPERFINE_CODE = Set.of("--setup", "--prepare", "--cleanup", "--conclude");
  private static final Set<String> HYPERFINE_WITH_ARG = Set.of("--warmup", "--min-runs", "--max-runs", "--runs",
      "--setup", "--prepare", "--cleanup", "--conclude", "--parameter-step-size", "--style", "--shell", "--time-unit",
      "--export-asciidoc", "--export-csv", "--export-json", "--export-markdown", "--export-orgmode", "--output",
      "--command-name", "--sort", "--input", "--reference");
  private static final Set<String> HYPERFINE_NO_ARG = Set.of("--ignore-failure", "--show-output", "--help", "--version");

  /**
   * hyperfine runs each benchmark command and each {@code -s}/{@code -p}/{@code -c}/{@code
   * --conclude} command with {@code sh -c} (the shell {@code -S} names, split at blanks, with
   * {@code -c}), or with {@code -N}/{@code -S none} split at blanks with no shell: that reading is
   * taken only for words both readings agree on. {@code -P}/{@code -L} substitute values into the
   * commands: unknown.
   */
  private static List<Step> hyperfine(List<Word> a) {
    List<String> commands = new ArrayList<>();
    String shell = null;
    boolean noShell = false;
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (!w.literal()) {
        return List.of(new Unknown("hyperfine with an argument only known when it runs"));
      }
      if (v.equals("--")) {
        commands.addAll(a.subList(i + 1, a.size()).stream().map(Word::value).toList());
        if (a.subList(i + 1, a.size()).stream().anyMatch(x -> !x.literal())) {
          return List.of(new Unknown("hyperfine with a command only known when it runs"));
        }
        break;
      }
      if (v.startsWith("--")) {
        int eq = v.indexOf('=');
        String n = eq < 0 ? v : v.substring(0, eq);
        if (n.equals("--parameter-scan") || n.equals("--parameter-list")) {
          return List.of(new Unknown("hyperfine substitutes parameter values into its commands"));
        }
        if (!HYPERFINE_WITH_ARG.contains(n) && !HYPERFINE_NO_ARG.contains(n)) {
          return List.of(new Unknown("hyperfine: an option it is not known to take: " + n));
        }
        if (!HYPERFINE_WITH_ARG.contains(n)) {
          continue;
        }
        String val;
        if (eq >= 0) {
          val = v.substring(eq + 1);
        } else if (i + 1 < a.size()) {
          Word next = a.get(++i);
          if (!next.literal()) {
            return List.of(new Unknown("hyperfine with an option value only known when it runs"));
          }
          val = next.value();
        } else {
          continue;
        }
        if (HYPERFINE_CODE.contains(n)) {
          commands.add(val);
        } else if (n.equals("--shell")) {
          shell = val;
        }
        continue;
      }
      if (v.startsWith("-") && v.length() > 1) {
        for (int j = 1; j < v.length(); j++) {
          char ch = v.charAt(j);
          if (ch == 'P' || ch == 'L') {
            return List.of(new Unknown("hyperfine substitutes parameter values into its commands"));
          }
          if ("NihV".indexOf(ch) >= 0) {
            noShell |= ch == 'N';
            continue;
          }
          if ("wmMrspcDSun".indexOf(ch) < 0) {
            return List.of(new Unknown("hyperfine: an option it is not known to take: -" + ch));
          }
          String val = v.substring(j + 1);
          if (val.startsWith("=")) {
            val = val.substring(1);
          } else if (val.isEmpty() && i + 1 < a.size()) {
            Word next = a.get(++i);
            if (!next.literal()) {
              return List.of(new Unknown("hyperfine with an option value only known when it runs"));
            }
            val = next.value();
          }
          if ("spc".indexOf(ch) >= 0) {
            commands.add(val);
          } else if (ch == 'S') {
            shell = val;
          }
          break;
        }
        continue;
      }
      commands.add(v);
    }
    noShell |= shell != null && shell.strip().equals("none");
    if (shell != null && shell.strip().equals("default")) {
      shell = null;
    }
    List<Step> steps = new ArrayList<>();
    for (String cmd : commands) {
      if (noShell || shell != null) {
        if (!PLAIN_COMMAND.matcher(cmd).matches() || shell != null && !noShell && !PLAIN_COMMAND.matcher(shell).matches()) {
          steps.add(new Unknown("hyperfine splits its command (or shell) into words as the guard does not read: " + cmd));
          continue;
        }
        List<Word> words = noShell ? plainWords(cmd) : new ArrayList<>(plainWords(shell));
        if (!noShell) {
          words.add(Word.literal("-c", "-c"));
          words.add(Word.literal(quote(cmd), cmd));
        }
        if (!words.isEmpty()) {
          steps.add(new Inner(words, "hyperfine"));
        }
      } else {
        steps.add(new Code(cmd, "hyperfine"));
      }
    }
    return steps;
  }

  /** Whether {@code v} is one of a sh script's case patterns for an option: {@code shortName}, or {@code min} up to {@code full}. */
  private static boolean scriptOption(String v, String shortName, String min, String full) {
    return v.equals(shortName) || min != null && v.startsWith(min) && full.startsWith(v);
  }

  /**
   * heaptrack 1.4 (a sh script matching whole words): {@code -d}, {@code --use-inject}, {@code
   * -r}, {@code -o FILE}, then {@code --} or the program and its arguments; {@code -p PID} and
   * {@code -a FILE} run no program given.
   */
  private static List<Step> heaptrack(List<Word> a) {
    int i = 0;
    while (i < a.size()) {
      Word w = a.get(i);
      String v = w.value();
      if (!w.literal()) {
        return unknown("heaptrack");
      }
      if (Set.of("-d", "--debug", "--use-inject", "-r", "--raw").contains(v)) {
        i++;
      } else if (Set.of("-o", "--output", "--output-file").contains(v)) {
        i += 2;
      } else if (Set.of("-h", "--help", "-v", "--version", "-p", "--pid", "-a", "--analyze").contains(v)) {
        return List.of();
      } else {
        if (v.equals("--")) {
          i++;
        }
        break;
      }
    }
    if (i < a.size() && a.get(i).value().startsWith("-")) {
      return unknown("heaptrack");
    }
    return inner(a, i, "heaptrack");
  }

  /** sotruss (glibc's sh script): whole words and their listed abbreviations; {@code -l LIB} is an audit library it loads. */
  private static List<Step> sotruss(List<Word> a) {
    int i = 0;
    while (i < a.size()) {
      Word w = a.get(i);
      String v = w.value();
      if (!w.literal()) {
        return unknown("sotruss");
      }
      if (v.equals("--")) {
        i++;
        break;
      }
      if (scriptOption(v, "-?", "--h", "--help") || scriptOption(v, null, "--u", "--usage")
          || scriptOption(v, null, "--v", "--version") || v.equals("--f")) {
        return List.of();
      }
      if (scriptOption(v, "-l", "--l", "--lib")) {
        return List.of(new Unknown("sotruss -l loads an audit library into the program it runs"));
      }
      if (scriptOption(v, "-F", "--fr", "--from") || scriptOption(v, "-T", "--t", "--to")
          || scriptOption(v, "-o", "--o", "--output")) {
        i += 2;
      } else if (scriptOption(v, "-f", "--fo", "--follow") || scriptOption(v, "-e", "--e", "--exit")) {
        i++;
      } else if (v.startsWith("-")) {
        return unknown("sotruss");
      } else {
        break;
      }
    }
    return inner(a, i, "sotruss");
  }

  /**
   * memusage (glibc's sh script) runs {@code eval $add_env '"$@"'}: the values of {@code
   * -d}/{@code --data}, {@code -n}/{@code --progname} and {@code -b}/{@code --buffer} are split,
   * globbed and evaluated as shell code, then the program runs with its arguments.
   */
  private static List<Step> memusage(List<Word> a) {
    int i = 0;
    while (i < a.size()) {
      Word w = a.get(i);
      String v = w.value();
      if (!w.literal()) {
        return unknown("memusage");
      }
      if (v.equals("--")) {
        i++;
        break;
      }
      int eq = v.startsWith("--") ? v.indexOf('=') : -1;
      String n = eq < 0 ? v : v.substring(0, eq);
      if (scriptOption(n, eq < 0 ? "-V" : null, "--v", "--version") || scriptOption(n, eq < 0 ? "-?" : null, "--h", "--help")
          || scriptOption(n, null, "--us", "--usage") || Set.of("--p", "--t", "--ti", "--u").contains(n)) {
        return eq < 0 || !n.startsWith("--v") && !n.startsWith("--h") && !n.startsWith("--us") ? List.of() : unknown("memusage");
      }
      boolean evaluated = scriptOption(n, "-n", "--pr", "--progname") || scriptOption(n, "-d", "--d", "--data")
          || scriptOption(n, "-b", "--b", "--buffer");
      boolean withArg = evaluated || scriptOption(n, "-p", "--pn", "--png") || scriptOption(n, null, "--tit", "--title")
          || scriptOption(n, "-x", "--x", "--x-size") || scriptOption(n, "-y", "--y", "--y-size");
      boolean noArg = scriptOption(n, "-u", "--un", "--unbuffered") || scriptOption(n, null, "--n", "--no-timer")
          || scriptOption(n, "-m", "--m", "--mmap") || scriptOption(n, "-t", "--tim", "--time-based")
          || scriptOption(n, "-T", "--to", "--total");
      if (withArg) {
        Word val = eq >= 0 ? Word.literal(v, v.substring(v.lastIndexOf('=') + 1)) : i + 1 < a.size() ? a.get(i + 1) : null;
        if (evaluated && val != null && (!val.literal() || !PLAIN_COMMAND.matcher(val.value()).matches()
            || val.value().contains(" ") || val.value().contains("\t"))) {
          return List.of(new Unknown("memusage evaluates the value of " + n + " as shell code: " + val.shown()));
        }
        i += eq >= 0 ? 1 : 2;
      } else if (noArg && eq < 0) {
        i++;
      } else if (v.startsWith("-")) {
        return unknown("memusage");
      } else {
        break;
      }
    }
    return inner(a, i, "memusage");
  }

  private static final Set<String> ASCIINEMA_REC_WITH_ARG = Set.of("--command", "--env", "--title", "--idle-time-limit",
      "--cols", "--rows");
  private static final Set<String> ASCIINEMA_REC_NO_ARG = Set.of("--stdin", "--append", "--raw", "--overwrite", "--yes",
      "--quiet", "--help");

  /**
   * {@code asciinema rec} (argparse: options anywhere, long ones by a unique prefix, {@code
   * -c=CMD}/{@code -cCMD}) runs its {@code -c}/{@code --command} with {@code sh -c}; without one
   * it runs the command of its configuration file or {@code $SHELL}, read at the terminal.
   */
  private static List<Step> asciinema(List<Word> a) {
    if (a.isEmpty() || !a.get(0).literal()) {
      return a.isEmpty() ? List.of() : unknown("asciinema");
    }
    if (!a.get(0).value().equals("rec")) {
      return List.of();
    }
    List<Step> steps = new ArrayList<>();
    for (int i = 1; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (!w.literal()) {
        if (v.startsWith("-") || v.charAt(0) == Word.UNKNOWN) {
          return unknown("asciinema rec");
        }
        continue;
      }
      if (v.equals("--")) {
        break;
      }
      String code = null;
      boolean hasCode = false;
      if (v.startsWith("--")) {
        int eq = v.indexOf('=');
        String n = Opts.longName(eq < 0 ? v : v.substring(0, eq), ASCIINEMA_REC_WITH_ARG, ASCIINEMA_REC_NO_ARG);
        if (n == null) {
          return unknown("asciinema rec");
        }
        if (ASCIINEMA_REC_WITH_ARG.contains(n)) {
          Word val = eq >= 0 ? Word.literal(v, v.substring(eq + 1)) : i + 1 < a.size() ? a.get(++i) : null;
          if (n.equals("--command")) {
            hasCode = true;
            code = val == null || !val.literal() ? null : val.value();
          }
        }
      } else if (v.startsWith("-") && v.length() > 1) {
        for (int j = 1; j < v.length(); j++) {
          char ch = v.charAt(j);
          if ("yqh".indexOf(ch) >= 0) {
            continue;
          }
          if ("cetit".indexOf(ch) < 0) {
            return unknown("asciinema rec");
          }
          String rest = v.substring(j + 1);
          if (rest.startsWith("=") && j > 1) {
            return unknown("asciinema rec");
          }
          rest = rest.startsWith("=") ? rest.substring(1) : rest;
          Word val = !rest.isEmpty() || v.endsWith("=") ? Word.literal(rest, rest) : i + 1 < a.size() ? a.get(++i) : null;
          if (ch == 'c') {
            hasCode = true;
            code = val == null || !val.literal() ? null : val.value();
          }
          break;
        }
      }
      if (hasCode) {
        steps.add(code == null ? new Unknown("asciinema rec -c with a command only known when it runs") : new Code(code, "asciinema rec -c"));
      }
    }
    if (steps.isEmpty()) {
      steps.add(new Unknown("asciinema rec runs the command of its configuration or $SHELL"));
    }
    return steps;
  }

  /**
   * A getopt_long program that permutes (no {@code +}): an option may follow the command's first
   * word unless {@code --} came first (and POSIXLY_CORRECT stops at it), so a dash word there is unknown.
   */
  private static List<Step> permuted(List<Word> a, String withArg, String noArg, Set<String> longWithArg,
      Set<String> longNoArg, String name, java.util.function.Predicate<Opts> runsNothing) {
    Opts o = Opts.scanKnown(a, withArg, noArg, longWithArg, longNoArg);
    if (o.unknown()) {
      return unknown(name);
    }
    if (runsNothing.test(o)) {
      return List.of();
    }
    boolean ended = false;
    if (o.end > 0 && o.end <= a.size() && a.get(o.end - 1).literal() && a.get(o.end - 1).value().equals("--")) {
      ended = true;
      if (o.end > 1) {
        String p = a.get(o.end - 2).value();
        boolean takesNext = p.startsWith("--") ? p.indexOf('=') < 0 && Opts.longName(p, longWithArg) != null
            : p.startsWith("-") && p.length() > 1 && withArg.indexOf(p.charAt(p.length() - 1)) >= 0
            && p.chars().skip(1).limit(p.length() - 2).noneMatch(ch -> withArg.indexOf(ch) >= 0);
        ended = !takesNext;
      }
    }
    if (!ended && a.subList(Math.min(o.end, a.size()), a.size()).stream()
        .anyMatch(w -> w.value().startsWith("-") || !w.literal() && w.value().charAt(0) == Word.UNKNOWN)) {
      return List.of(new Unknown(name + " may take an option after the command's name"));
    }
    return inner(a, o.end, name);
  }

  /**
   * fstab-decode (sysvinit) runs its arguments after decoding {@code \\}, {@code \011}, {@code
   * \012}, {@code \040} and {@code \134} in each, the program's name included.
   */
  private static List<Step> fstabDecode(List<Word> a) {
    List<Word> words = new ArrayList<>();
    for (Word w : a) {
      if (!w.value().contains("\\")) {
        words.add(w);
      } else if (!w.literal()) {
        return List.of(new Unknown("fstab-decode decodes escapes in a word only known when it runs"));
      } else {
        String v = w.value();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < v.length(); i++) {
          char ch = v.charAt(i);
          if (ch == '\\' && v.startsWith("\\", i + 1)) {
            b.append('\\');
            i++;
          } else if (ch == '\\' && i + 4 <= v.length() && Set.of("011", "012", "040", "134").contains(v.substring(i + 1, i + 4))) {
            b.append((char) Integer.parseInt(v.substring(i + 1, i + 4), 8));
            i += 3;
          } else {
            b.append(ch);
          }
        }
        words.add(new Word(w.source(), b.toString(), true));
      }
    }
    return words.isEmpty() ? List.of() : List.of(new Inner(words, "fstab-decode"));
  }

  private static final Set<String> DPKG_ARCH_WITH_ARG = Set.of("-a", "--host-arch", "-t", "--host-type", "-A",
      "--target-arch", "-T", "--target-type", "-W", "--match-wildcard", "-B", "--match-bits", "-E", "--match-endian",
      "-e", "--equal", "-i", "--is", "--print-format", "-q", "--query");
  private static final Set<String> DPKG_ARCH_NO_ARG = Set.of("-u", "--print-unset", "-l", "--list", "-s", "--print-set",
      "-f", "--force", "-L", "--list-known");

  /**
   * dpkg-architecture first splits {@code -xVALUE} and {@code --name=VALUE} into two words up to
   * an exact {@code -c} word (Dpkg::Getopt), then runs what follows {@code -c}/{@code --command}
   * with Perl's {@code exec LIST}: one word with shell syntax in it runs with {@code sh -c}.
   */
  private static List<Step> dpkgArchitecture(List<Word> a) {
    List<Word> args = new ArrayList<>();
    boolean norm = true;
    java.util.regex.Pattern shortOpt = java.util.regex.Pattern.compile("^(-[A-Za-z])(.+)$");
    java.util.regex.Pattern longOpt = java.util.regex.Pattern.compile("^(--[A-Za-z-]+)=(.*)$");
    for (Word w : a) {
      String v = w.value();
      if (norm && !w.literal() && (v.startsWith("-") || v.charAt(0) == Word.UNKNOWN)) {
        return unknown("dpkg-architecture");
      }
      if (norm && Regexes.matches(v, "(?s).*[\r\u0085\u2028\u2029].*")) {
        return unknown("dpkg-architecture");
      }
      java.util.regex.Matcher m = shortOpt.matcher(v);
      java.util.regex.Matcher g = !norm ? null : m.find() ? m : longOpt.matcher(v);
      if (g != null && (g == m || g.find())) {
        args.add(Word.literal(g.group(1), g.group(1)));
        args.add(Word.literal(g.group(2), g.group(2)));
      } else {
        norm &= !(w.literal() && v.equals("-c"));
        args.add(w);
      }
    }
    for (int i = 0; i < args.size(); i++) {
      Word w = args.get(i);
      String v = w.value();
      if (!w.literal()) {
        return unknown("dpkg-architecture");
      }
      if (DPKG_ARCH_WITH_ARG.contains(v)) {
        i++;
      } else if (!DPKG_ARCH_NO_ARG.contains(v)) {
        if (v.equals("-c") || v.equals("--command")) {
          List<Word> rest = args.subList(i + 1, args.size());
          if (rest.size() != 1) {
            return rest.isEmpty() ? List.of() : List.of(new Inner(rest, "dpkg-architecture -c"));
          }
          Word one = rest.get(0);
          if (!one.literal()) {
            return List.of(new Unknown("dpkg-architecture -c with a command only known when it runs"));
          }
          return PLAIN_COMMAND.matcher(one.value()).matches() && !Regexes.matches(one.value().strip(), "[A-Za-z_]*=.*")
              ? List.of(new Inner(plainWords(one.value()), "dpkg-architecture -c"))
              : List.of(new Code(one.value(), "dpkg-architecture -c"));
        }
        return Set.of("-?", "--help", "--version").contains(v) ? List.of() : unknown("dpkg-architecture");
      }
    }
    return List.of();
  }

  /**
   * debconf-apt-progress (Getopt::Long: one or two dashes, unique prefixes, any case, options
   * anywhere before {@code --}) runs its command words.
   */
  private static List<Step> debconfAptProgress(List<Word> a) {
    Set<String> withArg = Set.of("from", "to", "logfile", "dlwaypoint");
    Set<String> noArg = Set.of("config", "start", "stop", "logstderr", "progress", "noprogress", "no-progress");
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (!w.literal()) {
        return unknown("debconf-apt-progress");
      }
      if (v.equals("--")) {
        return inner(a, i + 1, "debconf-apt-progress");
      }
      if (v.startsWith("-") && v.length() > 1) {
        String n = Regexes.replaceFirst(v, "^--?", "").toLowerCase(java.util.Locale.ROOT);
        int eq = n.indexOf('=');
        String given = eq < 0 ? n : n.substring(0, eq);
        List<String> hits = java.util.stream.Stream.concat(withArg.stream(), noArg.stream())
            .filter(o -> o.equals(given) || !given.isEmpty() && o.startsWith(given)).toList();
        String opt = hits.contains(given) ? given : hits.size() == 1 ? hits.get(0) : null;
        if (opt == null) {
          return unknown("debconf-apt-progress");
        }
        i += withArg.contains(opt) && eq < 0 ? 1 : 0;
        continue;
      }
      if (a.subList(i + 1, a.size()).stream().anyMatch(x -> x.value().startsWith("-") || !x.literal())) {
        return List.of(new Unknown("debconf-apt-progress may take an option after the command's name"));
      }
      return inner(a, i, "debconf-apt-progress");
    }
    return List.of();
  }

  /**
   * pg_virtualenv (getopts {@code ac:i:ho:p:stv:}) runs its command in a new cluster, or {@code
   * $SHELL} without one (and with {@code -s} when the command fails); the cluster's creation
   * options {@code -c}, {@code -i}, {@code -o} (settings such as {@code archive_command}) are not read.
   */
  private static List<Step> pgVirtualenv(List<Word> a) {
    int i = 0;
    for (; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (!w.literal()) {
        return unknown("pg_virtualenv");
      }
      if (v.equals("--")) {
        i++;
        break;
      }
      if (!v.startsWith("-") || v.equals("-")) {
        break;
      }
      for (int j = 1; j < v.length(); j++) {
        char ch = v.charAt(j);
        if (ch == 'h') {
          return List.of();
        }
        if ("at".indexOf(ch) >= 0) {
          continue;
        }
        if ("pv".indexOf(ch) < 0) {
          return List.of(new Unknown("pg_virtualenv -" + ch + " is not read"));
        }
        i += j + 1 == v.length() ? 1 : 0;
        break;
      }
    }
    return i >= a.size() ? List.of(new Unknown("pg_virtualenv without a command runs $SHELL"))
        : inner(a, i, "pg_virtualenv");
  }

  /**
   * llvm-reduce runs its interestingness test {@code --test PROG} with each {@code --test-arg ARG}
   * and the module it reduces. LLVM's option parser takes {@code -test} or {@code --test}, the
   * value attached by {@code =} or as the next word, anywhere before {@code --}; an {@code @FILE}
   * of options or a word only known when it runs may be any of them.
   */
  private static List<Step> llvmReduce(List<Word> a) {
    List<Word> run = new ArrayList<>();
    List<Word> args = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (!w.literal() && (v.startsWith("-") || v.startsWith("@") || !v.isEmpty() && v.charAt(0) == Word.UNKNOWN)
          || w.literal() && v.startsWith("@")) {
        return unknown("llvm-reduce");
      }
      if (v.equals("--")) {
        break;
      }
      String n = v.startsWith("--") ? v.substring(1) : v;
      int eq = n.indexOf('=');
      String opt = eq < 0 ? n : n.substring(0, eq);
      if (!opt.equals("-test") && !opt.equals("-test-arg")) {
        continue;
      }
      Word value = eq >= 0 ? new Word(v, n.substring(eq + 1), w.literal()) : i + 1 < a.size() ? a.get(++i) : null;
      if (value != null) {
        (opt.equals("-test") ? run : args).add(value);
      }
    }
    if (run.isEmpty()) {
      return List.of(); // no test: llvm-reduce stops before it runs anything
    }
    List<Word> words = new ArrayList<>(run.subList(run.size() - 1, run.size()));
    words.addAll(args);
    return List.of(new Inner(words, "llvm-reduce --test"));
  }

  /** gprofng's driver: {@code --verbose}, {@code --check}, … take no value; {@code collect app} is gp-collect-app. */
  private static List<Step> gprofng(List<Word> a) {
    int i = 0;
    while (i < a.size() && a.get(i).literal() && Set.of("--verbose", "--check", "--help", "--version").contains(a.get(i).value())) {
      i++;
    }
    if (i + 1 < a.size() && a.get(i).literal() && a.get(i + 1).literal()) {
      return a.get(i).value().equals("collect") && a.get(i + 1).value().equals("app") ? gprofngCollectApp(a, i + 2) : List.of();
    }
    return i < a.size() ? unknown("gprofng") : List.of();
  }

  /** gp-collect-app's options (binutils 2.40) that take the next word as their value. */
  private static final Set<String> COLLECT_APP_WITH_ARG = Set.of("-p", "-h", "-o", "-O", "-C", "-j", "-J", "-t", "-y", "-F",
      "-a", "-S", "-l", "-s", "-H", "-i");

  /**
   * {@code gprofng collect app [OPTIONS] TARGET ARGS} runs TARGET under its collector: its options
   * are whole words ({@code --verbose} takes no value), {@code --} ends them. {@code -j PATH} names
   * the JVM it runs for a Java target and {@code -J} hands that JVM options; any other word fails closed.
   */
  private static List<Step> gprofngCollectApp(List<Word> a, int from) {
    int i = from;
    while (i < a.size() && (a.get(i).value().startsWith("-") || !a.get(i).literal())) {
      Word w = a.get(i);
      String v = w.value();
      if (!w.literal() || v.equals("-J") || v.equals("-j") && i + 1 < a.size()
          && !Set.of("on", "off").contains(a.get(i + 1).value())) {
        return unknown("gprofng collect app");
      }
      if (v.equals("--")) {
        i++;
        break;
      }
      if (COLLECT_APP_WITH_ARG.contains(v)) {
        i += 2;
      } else if (Set.of("-n", "-v", "-Z", "--verbose").contains(v)) {
        i++;
      } else if (Set.of("-V", "--version", "--help").contains(v)) {
        return List.of();
      } else {
        return unknown("gprofng collect app");
      }
    }
    return inner(a, i, "gprofng collect app");
  }

  /**
   * systemd-socket-activate (getopt {@code +hl:aE:d}: options end at the command) runs its command
   * on a connection, with {@code -E NAME=VALUE} in its environment.
   */
  private static List<Step> socketActivate(List<Word> a) {
    Set<String> longWithArg = Set.of("--listen", "--setenv", "--fdname");
    Opts o = Opts.scanKnown(a, "lE", "had", longWithArg, Set.of("--help", "--version", "--datagram", "--seqpacket",
        "--accept", "--inetd"));
    if (o.unknown()) {
      return unknown("systemd-socket-activate");
    }
    if (o.has('h') || o.longs.contains("--help") || o.longs.contains("--version")) {
      return List.of();
    }
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < o.end && i < a.size(); i++) {
      String v = a.get(i).value();
      if (v.equals("--")) {
        break;
      }
      Word next = i + 1 < a.size() ? a.get(i + 1) : null;
      Word setenv = null;
      boolean takesNext = false;
      if (v.startsWith("--")) {
        int eq = v.indexOf('=');
        String n = Opts.longName(eq < 0 ? v : v.substring(0, eq), longWithArg);
        takesNext = eq < 0 && n != null;
        if ("--setenv".equals(n)) {
          setenv = eq < 0 ? next : Word.literal(v, v.substring(eq + 1));
        }
      } else {
        for (int j = 1; j < v.length(); j++) {
          if ("lE".indexOf(v.charAt(j)) >= 0) {
            takesNext = j + 1 == v.length();
            if (v.charAt(j) == 'E') {
              setenv = takesNext ? next : Word.literal(v, v.substring(j + 1));
            }
            break;
          }
        }
      }
      // -E NAME=VALUE sets it for the command; -E NAME passes on its own value.
      if (setenv != null && !setenv.literal()) {
        return unknown("systemd-socket-activate");
      }
      if (setenv != null && setenv.value().indexOf('=') > 0) {
        steps.add(new Assign(setenv, "systemd-socket-activate -E"));
      }
      i += takesNext ? 1 : 0;
    }
    steps.addAll(inner(a, o.end, "systemd-socket-activate"));
    return steps;
  }

  private static final String AGETTY_WITH_ARG = "afHIlort";
  private static final Set<String> AGETTY_LONG_WITH_ARG = Set.of("--autologin", "--issue-file", "--host", "--init-string",
      "--login-program", "--login-options", "--chroot", "--timeout", "--erase-chars", "--kill-chars", "--chdir", "--delay",
      "--nice");
  private static final Set<String> AGETTY_LONG_NO_ARG = Set.of("--8bits", "--noreset", "--remote", "--show-issue",
      "--flow-control", "--noissue", "--noclear", "--local-line", "--extract-baud", "--skip-login", "--nonewline",
      "--login-pause", "--hangup", "--keep-baud", "--detect-case", "--wait-cr", "--nohints", "--nohostname",
      "--long-hostname", "--reload", "--list-speeds", "--help", "--version");

  /**
   * agetty (util-linux, getopt_long permuting {@code 8a:cC:d:Ef:hH:iI:Jl:L::mnNo:pP:r:Rst:Uw}) runs
   * its login program {@code -l PROG} (default {@code /bin/login}) on the line with the words of
   * {@code -o OPTS} (default {@code --} and the login name: a backslash-u stands for the name typed
   * or {@code --autologin}'s);
   * {@code --chroot DIR} finds the program under a root the text may write.
   */
  private static List<Step> agetty(List<Word> a) {
    Word program = null;
    Word options = Word.literal("-- \\u", "-- \\u");
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (!w.literal()) {
        if (v.startsWith("-") || !v.isEmpty() && v.charAt(0) == Word.UNKNOWN) {
          return unknown("agetty");
        }
        continue;
      }
      if (v.equals("--")) {
        break;
      }
      char opt = 0;
      Word value = null;
      if (v.startsWith("--")) {
        int eq = v.indexOf('=');
        String n = Opts.longName(eq < 0 ? v : v.substring(0, eq), AGETTY_LONG_WITH_ARG, AGETTY_LONG_NO_ARG);
        if (n == null) {
          return unknown("agetty");
        }
        if (AGETTY_LONG_WITH_ARG.contains(n)) {
          opt = n.equals("--login-program") ? 'l' : n.equals("--login-options") ? 'o' : n.equals("--chroot") ? 'r' : '-';
          value = eq >= 0 ? Word.literal(v, v.substring(eq + 1)) : i + 1 < a.size() ? a.get(++i) : null;
        } else if (Set.of("--reload", "--list-speeds", "--help", "--version", "--show-issue").contains(n)) {
          return List.of();
        }
      } else if (v.startsWith("-") && v.length() > 1) {
        for (int j = 1; j < v.length(); j++) {
          char ch = v.charAt(j);
          if (AGETTY_WITH_ARG.indexOf(ch) >= 0 || ch == 'C' || ch == 'd') {
            opt = ch;
            value = j + 1 < v.length() ? Word.literal(v, v.substring(j + 1)) : i + 1 < a.size() ? a.get(++i) : null;
            break;
          }
          if (ch == 'L') {
            break; // -L[MODE]: its value only attached
          }
          if ("8cEhiJmnNpRsUw".indexOf(ch) < 0) {
            return unknown("agetty");
          }
        }
      }
      if (opt == 'r') {
        return List.of(new Unknown("agetty --chroot runs its login program under a root the text may write"));
      }
      if (opt == 'l') {
        program = value;
      } else if (opt == 'o') {
        options = value;
      }
    }
    if (program == null) {
      return List.of(); // the system's /bin/login
    }
    if (options == null || !options.literal()) {
      return unknown("agetty");
    }
    List<Word> words = new ArrayList<>(List.of(program));
    for (String part : Regexes.split(options.value().strip(), "\\s+")) {
      // Split at blanks; a part with a backslash (the login name's escape) is only known when it runs.
      if (!part.isEmpty()) {
        words.add(part.indexOf('\\') < 0 ? Word.literal(part, part) : new Word(part, String.valueOf(Word.UNKNOWN), false));
      }
    }
    return List.of(new Inner(words, "agetty -l"));
  }

  /** luit's options that take the next word (luit 2.0: {@code luit -h}). */
  private static final Set<String> LUIT_WITH_ARG = Set.of("-argv0", "-gl", "-gr", "-g0", "-g1", "-g2", "-g3", "-encoding",
      "-kgl", "-kgr", "-kg0", "-kg1", "-kg2", "-kg3", "-ilog", "-olog", "-alias");

  /**
   * luit runs its program (else {@code $SHELL}) on a terminal it translates: its options are whole
   * words with {@code -} or {@code +} up to {@code --} or the program; {@code -c} converts its
   * input without a program, {@code -h}, {@code -list}, {@code -V} print and stop.
   */
  private static List<Step> luit(List<Word> a) {
    int i = 0;
    while (i < a.size()) {
      Word w = a.get(i);
      String v = w.value();
      if (!w.literal()) {
        if (v.startsWith("-") || v.startsWith("+") || !v.isEmpty() && v.charAt(0) == Word.UNKNOWN) {
          return unknown("luit");
        }
        break;
      }
      if (v.equals("--")) {
        i++;
        break;
      }
      if (LUIT_WITH_ARG.contains(v)) {
        i += 2;
      } else if (Set.of("-c", "-h", "-list", "-V", "-show-builtin", "-show-fontenc", "-list-builtin", "-list-fontenc",
          "-list-iconv").contains(v)) {
        return List.of();
      } else if (Set.of("-v", "-p", "-x", "-k7", "+kss", "+kssgr", "-kls", "+oss", "+ols", "+osl", "+ot", "-fill-fontenc",
          "-prefer", "-t").contains(v)) {
        i++;
      } else if (v.startsWith("-") || v.startsWith("+")) {
        return unknown("luit");
      } else {
        break;
      }
    }
    return i < a.size() ? inner(a, i, "luit") : List.of(new Unknown("luit without a program runs $SHELL"));
  }

  /** Flags from {@code flags} (bundled, {@code --} allowed when there are any), then the command. */
  private static List<Step> leadingFlags(List<Word> a, String flags, String name) {
    int i = 0;
    while (i < a.size() && (a.get(i).value().startsWith("-") || !a.get(i).literal() && a.get(i).value().charAt(0) == Word.UNKNOWN)) {
      String v = a.get(i).value();
      if (!a.get(i).literal() || flags.isEmpty() || !v.equals("--") && !v.matches("-[" + flags + "]+")) {
        return unknown(name);
      }
      i++;
      if (v.equals("--")) {
        break;
      }
    }
    return inner(a, i, name);
  }

  /** moreutils' pee (each argument) and mispipe (its two) run their arguments with {@code sh -c}. */
  private static List<Step> shellStrings(List<Word> a, String name) {
    List<Step> steps = new ArrayList<>();
    for (Word w : a) {
      if (!w.literal()) {
        return List.of(new Unknown(name + " with a command only known when it runs"));
      }
      if (name.equals("pee") && Regexes.matches(w.value(), "--(no-)?ignore-(sigpipe|write-errors)")) {
        continue;
      }
      if (w.value().startsWith("-")) {
        return unknown(name);
      }
      steps.add(new Code(w.value(), name));
    }
    return steps;
  }

  /** A word quoted so bash reads it back as exactly {@code s}. */
  static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  /** getopt's reading of leading options: which were given, their values, where operands start. */
  static final class Opts {
    int end;
    final StringBuilder flags = new StringBuilder();
    final java.util.Map<String, String> values = new java.util.HashMap<>();
    final Set<String> longs = new java.util.HashSet<>();
    boolean unknownWord;

    boolean unknown() {
      return unknownWord;
    }

    boolean has(char c) {
      return flags.indexOf(String.valueOf(c)) >= 0;
    }

    int endOr(List<Word> a) {
      return unknownWord ? -1 : end;
    }

    /** Whether the last option wants a value in the next word and none follows ({@code xargs -E}): {@code end} is past the words. */
    boolean valueMissing(List<Word> a) {
      return end > a.size();
    }

    /** getopt refuses an option without its value ("option requires an argument") and nothing runs: judged unknown, failing closed. */
    List<Step> refused(List<Word> a, String name) {
      return List.of(new Unknown(name + " " + a.get(a.size() - 1).shown()
          + " without its value: the program refuses it (option requires an argument)"));
    }

    String value(char c, String longName) {
      String v = values.get("-" + c);
      return v != null ? v : values.get(longName);
    }

    static Opts scan(List<Word> a, int from, String withArg, Set<String> longWithArg) {
      Opts o = new Opts();
      int i = from;
      while (i < a.size()) {
        Word w = a.get(i);
        if (!w.literal()) {
          // An option or the command? Only known when it runs.
          o.unknownWord = w.value().startsWith("-") || w.value().charAt(0) == Word.UNKNOWN;
          break;
        }
        String v = w.value();
        if (v.equals("--")) {
          i++;
          break;
        }
        if (v.startsWith("--")) {
          int eq = v.indexOf('=');
          String name = eq < 0 ? v : v.substring(0, eq);
          o.longs.add(name);
          if (eq < 0 && takesArg(name, longWithArg)) {
            if (i + 1 < a.size()) {
              Word next = a.get(i + 1);
              o.values.put(name, next.literal() ? next.value() : null);
            }
            i += 2;
          } else {
            if (eq >= 0) {
              o.values.put(name, v.substring(eq + 1));
            }
            i++;
          }
          continue;
        }
        if (v.startsWith("-") && v.length() > 1) {
          boolean consumedNext = false;
          for (int j = 1; j < v.length(); j++) {
            char ch = v.charAt(j);
            o.flags.append(ch);
            if (withArg.indexOf(ch) >= 0) {
              if (j + 1 < v.length()) {
                o.values.put("-" + ch, v.substring(j + 1));
              } else if (i + 1 < a.size()) {
                Word next = a.get(i + 1);
                o.values.put("-" + ch, next.literal() ? next.value() : null);
                consumedNext = true;
              }
              break;
            }
          }
          i += consumedNext ? 2 : 1;
          continue;
        }
        break;
      }
      o.end = i;
      return o;
    }

    /**
     * As {@link #scan}, for a program whose every option is known: a short option in neither
     * {@code withArg} nor {@code noArg}, or a long one in neither set (nor an unambiguous prefix of
     * one), makes the reading unknown — whether it takes the next word as its value decides what
     * runs. A long option in {@code longNoArg} takes a value only attached ({@code --opt=V}).
     */
    static Opts scanKnown(List<Word> a, String withArg, String noArg, Set<String> longWithArg, Set<String> longNoArg) {
      return scanKnown(a, withArg, noArg, "", longWithArg, longNoArg);
    }

    /** As above; a short option in {@code optArg} takes the rest of its bundle as its value, if any ({@code -i{}}). */
    static Opts scanKnown(List<Word> a, String withArg, String noArg, String optArg, Set<String> longWithArg,
        Set<String> longNoArg) {
      int i = 0;
      while (i < a.size() && a.get(i).literal()) {
        String v = a.get(i).value();
        if (v.equals("--")) {
          i++;
          break;
        }
        if (!v.startsWith("-") || v.equals("-")) {
          break;
        }
        if (v.startsWith("--")) {
          int eq = v.indexOf('=');
          String name = longName(eq < 0 ? v : v.substring(0, eq), longWithArg, longNoArg);
          if (name == null) {
            return unknownOpts(i);
          }
          i += eq < 0 && longWithArg.contains(name) ? 2 : 1;
          continue;
        }
        boolean next = false;
        for (int j = 1; j < v.length(); j++) {
          char ch = v.charAt(j);
          if (withArg.indexOf(ch) >= 0) {
            next = j + 1 == v.length();
            break;
          }
          if (optArg.indexOf(ch) >= 0) {
            break;
          }
          if (noArg.indexOf(ch) < 0) {
            return unknownOpts(i);
          }
        }
        i += next ? 2 : 1;
      }
      // Options known: read them again with the value-taking tables (exact names for scan's sets).
      Set<String> exact = new java.util.HashSet<>(longWithArg);
      List<Word> canon = new ArrayList<>(a);
      for (int k = 0; k < Math.min(i, a.size()); k++) {
        String v = a.get(k).value();
        if (a.get(k).literal() && v.startsWith("--") && v.length() > 2) {
          int eq = v.indexOf('=');
          String name = longName(eq < 0 ? v : v.substring(0, eq), longWithArg, longNoArg);
          if (name != null) {
            canon.set(k, new Word(a.get(k).source(), eq < 0 ? name : name + v.substring(eq), true));
          }
        }
      }
      Opts o = scan(canon, 0, withArg, exact);
      o.end = i;
      return o;
    }

    private static Opts unknownOpts(int at) {
      Opts o = new Opts();
      o.unknownWord = true;
      o.end = at;
      return o;
    }

    /** The long option {@code given} names (itself or the one option it is a prefix of); null when none or ambiguous. */
    @SafeVarargs
    static String longName(String given, Set<String>... sets) {
      String found = null;
      for (Set<String> set : sets) {
        if (set.contains(given)) {
          return given;
        }
      }
      for (Set<String> set : sets) {
        for (String l : set) {
          if (l.startsWith(given) && given.length() > 2) {
            if (found != null && !found.equals(l)) {
              return null;
            }
            found = l;
          }
        }
      }
      return found;
    }

    /** getopt_long takes an unambiguous prefix of a long option. */
    static boolean takesArg(String name, Set<String> longWithArg) {
      if (longWithArg.contains(name)) {
        return true;
      }
      return name.length() > 3 && longWithArg.stream().anyMatch(l -> l.startsWith(name));
    }
  }
}
