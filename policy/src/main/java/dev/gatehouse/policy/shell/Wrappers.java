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
  sealed interface Step permits Inner, Code, Unknown {}

  /** It runs these words as a command ({@code via} says how). */
  record Inner(List<Word> words, String via) implements Step {}

  /** It runs this text as shell code. */
  record Code(String text, String via) implements Step {}

  /** It runs something the reading cannot know. */
  record Unknown(String reason) implements Step {}

  /** Shells whose code language is bash's or a subset the bash grammar reads (POSIX sh). */
  static final Set<String> BASH_LIKE = Set.of("sh", "bash", "dash", "ksh", "mksh", "ash", "posh", "yash", "rbash", "ksh93");
  /** Shells whose language the bash grammar does not read exactly. */
  static final Set<String> OTHER_SHELLS = Set.of("zsh", "fish", "csh", "tcsh", "xonsh", "nu", "elvish", "pwsh");

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
      case "exec" -> fromOpts(a, "a", Set.of(), name);
      case "time" -> fromOpts(a, "fo", Set.of("--format", "--output"), name);
      case "nice" -> fromOpts(a, "n", Set.of("--adjustment"), name);
      case "stdbuf" -> fromOpts(a, "ioe", Set.of("--input", "--output", "--error"), name);
      case "setsid", "catchsegv" -> fromOpts(a, "", Set.of(), name);
      case "ionice" -> {
        Opts o = Opts.scan(a, 0, "cnpPut", Set.of("--class", "--classdata", "--pid", "--pgid", "--uid"));
        yield o.unknown() ? unknown(name) : o.has('p') || o.has('P') || o.has('u') ? List.of() : inner(a, o.end, name);
      }
      case "timeout" -> afterOperands(a, "sk", Set.of("--signal", "--kill-after"), 1, name);
      case "chroot" -> afterOperands(a, "", Set.of("--userspec", "--groups"), 1, name);
      case "taskset" -> {
        Opts o = Opts.scan(a, 0, "", Set.of());
        yield o.unknown() ? unknown(name) : o.has('p') ? List.of() : afterOperands(a, "", Set.of(), 1, name);
      }
      case "chrt" -> {
        Opts o = Opts.scan(a, 0, "TPD", Set.of("--sched-runtime", "--sched-period", "--sched-deadline"));
        yield o.unknown() ? unknown(name) : o.has('p') || o.has('m') ? List.of()
            : afterOperands(a, "TPD", Set.of("--sched-runtime", "--sched-period", "--sched-deadline"), 1, name);
      }
      case "nsenter" -> fromOpts(a, "tSGwr", Set.of("--target", "--setuid", "--setgid", "--wd", "--root", "--env"), name);
      case "unshare" -> fromOpts(a, "SGRwl", Set.of("--setuid", "--setgid", "--root", "--wd", "--propagation",
          "--setgroups", "--map-user", "--map-group", "--map-users", "--map-groups", "--load-interp"), name);
      case "strace" -> fromOpts(a, "abeIoOpPsSuEX", Set.of("--output", "--trace", "--attach", "--user", "--env",
          "--signal", "--status", "--absolute-timestamps", "--string-limit", "--decode-fds", "--expression"), name);
      case "ltrace" -> fromOpts(a, "aeAlnopsuDFXw", Set.of("--output", "--library", "--indent", "--align"), name);
      case "sudo" -> sudo(a);
      case "doas" -> fromOptsSkippingAssignments(a, "uC", Set.of(), name);
      case "pkexec" -> fromOptsSkippingAssignments(a, "", Set.of("--user"), name);
      case "cgexec" -> fromOpts(a, "g", Set.of(), name);
      case "prlimit", "systemd-inhibit", "setpriv" -> fromOpts(a, "p", Set.of("--pid", "--what", "--who", "--why",
          "--mode", "--reuid", "--regid", "--groups", "--inh-caps", "--ambient-caps", "--bounding-set", "--securebits",
          "--selinux-label", "--apparmor-profile", "--landlock-access", "--landlock-rule", "--pdeathsig"), name);
      case "systemd-run" -> fromOpts(a, "pEHMuGn", Set.of("--unit", "--property", "--description", "--slice",
          "--uid", "--gid", "--nice", "--working-directory", "--setenv", "--on-active", "--on-boot", "--on-startup",
          "--on-unit-active", "--on-unit-inactive", "--on-calendar", "--on-timer-property", "--path-property",
          "--socket-property", "--machine", "--host", "--timer-property", "--service-type", "--expand-environment"),
          name);
      case "env" -> env(a);
      case "eval" -> {
        if (a.stream().anyMatch(w -> !w.literal())) {
          yield unknown("eval of a text only known when it runs");
        }
        yield a.isEmpty() ? List.of() : List.of(new Code(a.stream().map(Word::value).collect(Collectors.joining(" ")), "eval"));
      }
      case "su" -> su(name, a);
      case "runuser" -> {
        // runuser -u USER [--] COMMAND runs the command itself; without -u it is su's form.
        Opts o = Opts.scan(a, 0, "ugGswc", Set.of("--user", "--group", "--supp-group", "--shell", "--command",
            "--session-command", "--whitelist-environment"));
        yield o.unknown() ? unknown(name) : o.value('u', "--user") != null && o.value('c', "--command") == null
            ? inner(a, o.end, name) : su(name, a);
      }
      case "sg" -> sg(a);
      case "script" -> optionValue(a, "c", Set.of("--command"), "aeEfqtTIOBm", Set.of("--log-timing", "--log-in",
          "--log-out", "--log-io", "--logging-format", "--output-limit", "--timing", "--echo"), "script -c");
      case "flock" -> flock(a);
      case "watch" -> watch(a);
      case "xargs" -> xargs(a);
      case "find" -> find(a);
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
        while (i < a.size() && a.get(i).literal() && (a.get(i).value().equals("--") || a.get(i).value().matches("-[lp]+"))) {
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
      case "source", "." -> {
        if (a.isEmpty()) {
          yield List.of();
        }
        Word file = a.get(0).literal() && a.get(0).value().equals("--") && a.size() > 1 ? a.get(1) : a.get(0);
        yield file.literal() ? List.of() : List.of(new Unknown(name + " of a file only known when it runs"));
      }
      case "busybox" -> a.isEmpty() || !a.get(0).literal() || a.get(0).value().startsWith("-")
          ? List.of() : List.of(new Inner(a, "busybox"));
      default -> isShell(name) ? shell(name, a) : List.of();
    };
  }

  private static List<Step> unknown(String name) {
    return List.of(new Unknown("the options of " + name + " are only known when it runs"));
  }

  private static List<Step> inner(List<Word> a, int from, String via) {
    if (from < 0) {
      return unknown(via);
    }
    return from >= a.size() ? List.of() : List.of(new Inner(a.subList(from, a.size()), via));
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
    while (i < a.size() && a.get(i).literal() && isAssignment(a.get(i).value())) {
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
    return eq > 0 && w.substring(0, eq).matches("[A-Za-z_][A-Za-z0-9_]*");
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

  private static List<Step> env(List<Word> a) {
    Opts o = Opts.scan(a, 0, "uCS", Set.of("--unset", "--chdir", "--split-string", "--block-signal",
        "--default-signal", "--ignore-signal"));
    if (o.unknown()) {
      return unknown("env");
    }
    int i = o.end;
    while (i < a.size() && a.get(i).literal() && isAssignment(a.get(i).value())) {
      i++;
    }
    if (i < a.size() && !a.get(i).literal() && a.get(i).value().indexOf('=') > 0) {
      return unknown("env");
    }
    String split = o.value('S', "--split-string");
    if (split != null) {
      // env -S splits its string into words (quotes and escapes as a shell would) and puts them
      // before the remaining operands: read it as shell code followed by those words.
      StringBuilder code = new StringBuilder(split);
      for (int j = i; j < a.size(); j++) {
        if (!a.get(j).literal()) {
          return unknown("env");
        }
        code.append(' ').append(quote(a.get(j).value()));
      }
      return List.of(new Code(code.toString(), "env -S"));
    }
    return inner(a, i, "env");
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
        Set.of("--shell", "--group", "--supp-group", "--whitelist-environment", "--user"), name + " -c");
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
      Set<String> longWithArg, String via) {
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
        String opt = eq < 0 ? v : v.substring(0, eq);
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
    Opts o = Opts.scan(a, 0, "adEILnPs", Set.of("--arg-file", "--delimiter", "--max-lines", "--max-args",
        "--max-procs", "--max-chars", "--process-slot-var"));
    if (o.unknown()) {
      return unknown("xargs");
    }
    List<Word> words = new ArrayList<>(o.end >= a.size() ? List.of(new Word("echo", "echo", true)) : a.subList(o.end, a.size()));
    words.add(UNKNOWN_ARGS); // the arguments read from its input
    return List.of(new Inner(words, "xargs"));
  }

  private static List<Step> find(List<Word> a) {
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      if (!w.literal()) {
        continue;
      }
      String v = w.value();
      if (v.equals("-exec") || v.equals("-execdir") || v.equals("-ok") || v.equals("-okdir")) {
        List<Word> words = new ArrayList<>();
        int j = i + 1;
        for (; j < a.size(); j++) {
          Word x = a.get(j);
          if (x.literal() && (x.value().equals(";") || x.value().equals("+"))) {
            break;
          }
          // {} stands for each path found: not known now.
          words.add(x.literal() && x.value().contains("{}")
              ? new Word(x.source(), x.value().replace("{}", String.valueOf(Word.UNKNOWN)), false) : x);
        }
        if (!words.isEmpty()) {
          steps.add(new Inner(words, "find " + v));
        }
        i = j;
      }
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

    /** getopt_long takes an unambiguous prefix of a long option. */
    private static boolean takesArg(String name, Set<String> longWithArg) {
      if (longWithArg.contains(name)) {
        return true;
      }
      return name.length() > 3 && longWithArg.stream().anyMatch(l -> l.startsWith(name));
    }
  }
}
