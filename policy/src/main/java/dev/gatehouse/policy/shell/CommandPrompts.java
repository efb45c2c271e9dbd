package dev.gatehouse.policy.shell;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Programs whose prompt or input runs programs, read with their own option parsers: the JDK's
 * debugger {@code jdb} ({@code print Runtime.getRuntime().exec(…)} at its prompt) and GnuPG's
 * {@code gpg-connect-agent} ({@code /definqprog NAME PROG} has it run PROG through the shell when
 * the agent inquires NAME; {@code /run FILE} reads such commands from a file), and the GnuPG
 * options that name a program to start (GnuPG's option parser takes any unambiguous prefix of a
 * long option and {@code --opt=value}: {@code gpg --agent-prog=PROG} starts PROG as the agent).
 * Also variables that turn a pager's secure mode off: systemd 252 unsets {@code LESSSECURE} for
 * its less unless {@code SYSTEMD_PAGERSECURE} parses as true ({@code 0}, {@code no} turn it off;
 * a value it cannot parse counts as true), and less 590 is secure while {@code LESSSECURE} is
 * non-empty, so an operator's {@code LESSSECURE=1} is undone by an empty value or {@code unset}.
 */
final class CommandPrompts {
  private CommandPrompts() {}

  /** jdb's options that end it before any prompt (OpenJDK 17's TTY.main). */
  private static final Set<String> JDB_EXITS = Set.of("-version", "-help", "-h", "-?", "--help");
  /** jdb's options that take the next word. */
  private static final Set<String> JDB_VALUES = Set.of("-sourcepath", "-classpath", "-cp", "-attach", "-listen",
      "-connect", "-dbgtrace", "-R", "-thotspot");

  /** Whether jdb starts its prompt: any jdb but one whose options before the class end it. */
  static boolean jdbPrompt(ShellCommand c) {
    List<Word> a = c.args();
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      if (!w.literal()) {
        return true;
      }
      String v = w.value();
      if (JDB_EXITS.contains(v)) {
        return false;
      }
      if (JDB_VALUES.contains(v)) {
        i++;
      } else if (!v.startsWith("-")) {
        return true; // the class: the rest are its arguments
      }
    }
    return true;
  }

  /**
   * node's debugger: {@code node inspect SCRIPT} (also {@code -p PID}, {@code HOST:PORT}; node 18's
   * {@code debug} alias) reads commands at its own prompt, whose {@code exec EXPR} evaluates
   * JavaScript in the debuggee. The subcommand is node's first operand, after any options (node 20
   * takes {@code node --no-warnings inspect f}); a word after an option without {@code =} may be
   * that option's value, so the scan goes on past it. {@code --inspect-brk} is a server, no prompt.
   */
  static boolean nodeDebugger(ShellCommand c) {
    List<Word> a = c.args();
    for (int i = 0; i < a.size(); i++) {
      String v = a.get(i).value();
      if (v.equals("inspect") || v.equals("debug")) {
        return true;
      }
      if (v.equals("--") || !v.startsWith("-") && !(i > 0 && a.get(i - 1).value().startsWith("-")
          && a.get(i - 1).value().indexOf('=') < 0 && !a.get(i - 1).value().equals("-"))) {
        return false;
      }
    }
    return false;
  }

  /** gpg-connect-agent's long options that take a value (GnuPG 2.2.40 and 2.4). */
  private static final Set<String> GCA_VALUES = Set.of("--raw-socket", "--tcp-socket", "--run", "--homedir",
      "--agent-program", "--dirmngr-program", "--keyboxd-program", "--chuid", "--options", "--debug", "--logger-fd",
      "--log-file");
  private static final Set<String> GCA_FLAGS = Set.of("--verbose", "--quiet", "--hex", "--decode", "--dirmngr",
      "--keyboxd", "--no-ext-connect", "--subst", "--no-autostart", "--no-verbose", "--version", "--help", "--exec",
      "--batch", "--no-history", "--no-options");
  /** Its options that run a program or read commands from a file. */
  private static final Set<String> GCA_CODE = Set.of("--run", "--exec", "--agent-program", "--dirmngr-program",
      "--keyboxd-program", "--options");
  /** Its own commands that neither run a program nor read commands from elsewhere. */
  private static final Set<String> GCA_SAFE_COMMANDS = Set.of("/bye", "/echo", "/hex", "/nohex", "/decode",
      "/nodecode", "/sleep", "/serverpid", "/help", "/showdef", "/showopen", "/cleardef");

  /**
   * gpg-connect-agent's options and commands read: whether they run a program or commands the text
   * does not show (an option naming a program, {@code -r FILE}, {@code -E}; a command on its
   * line other than an Assuan command for the agent or a harmless one of its own; a word only
   * known when it runs).
   */
  static boolean connectAgentCode(ShellCommand c) {
    List<Word> a = c.args();
    boolean operands = false;
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      if (!w.literal()) {
        return true;
      }
      String v = w.value();
      if (!operands && v.equals("--")) {
        operands = true;
        continue;
      }
      if (!operands && v.startsWith("--")) {
        String name = v.contains("=") ? v.substring(0, v.indexOf('=')) : v;
        String full = gnupgLong(name, GCA_VALUES, GCA_FLAGS);
        if (full == null || GCA_CODE.contains(full)) {
          return true;
        }
        if (GCA_VALUES.contains(full) && !v.contains("=")) {
          i++;
        }
        continue;
      }
      if (!operands && v.length() > 1 && v.startsWith("-")) {
        for (int k = 1; k < v.length(); k++) {
          char o = v.charAt(k);
          if (o == 'r' || o == 'E' || "vqsST".indexOf(o) < 0) {
            return true;
          }
          if (o == 'S' || o == 'T') {
            if (k == v.length() - 1) {
              i++;
            }
            break;
          }
        }
        continue;
      }
      operands = true;
      String cmd = v.strip();
      if (cmd.startsWith("/")) {
        String head = cmd.split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
        if (!GCA_SAFE_COMMANDS.contains(head) || cmd.contains("$")) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether gpg-connect-agent reads commands from its input: no {@code /bye} among its own. */
  static boolean connectAgentReadsInput(ShellCommand c) {
    List<String> a = c.argValues();
    if (a.contains("--version") || a.contains("--help") || a.contains("-h")) {
      return false;
    }
    return a.stream().noneMatch(v -> v.strip().equals("/bye"));
  }

  /** GnuPG's long options (any unambiguous prefix) that name a program it starts, per program. */
  private static Set<String> programOptions(String n) {
    return switch (n) {
      case "gpg", "gpg2" -> Set.of("--agent-program", "--dirmngr-program", "--keyboxd-program", "--photo-viewer",
          "--exec-path");
      case "gpgsm" -> Set.of("--agent-program", "--dirmngr-program", "--keyboxd-program", "--protect-tool-program");
      case "gpg-agent" -> Set.of("--pinentry-program", "--scdaemon-program", "--tpm2daemon-program");
      case "dirmngr" -> Set.of("--ldap-wrapper-program", "--http-wrapper-program");
      case "gpgtar" -> Set.of("--gpg", "--gpg-args");
      case "gpg-wks-client", "gpg-wks-server" -> Set.of("--gpg");
      case "gpg-zip" -> Set.of("--gpg", "--gpg-args", "--tar", "--tar-args");
      case "gpgconf" -> Set.of("--change-options", "--apply-profile");
      default -> Set.of();
    };
  }

  /**
   * A GnuPG program given an option that names a program to start ({@code gpg --agent-program
   * PROG}, {@code gpg-agent --pinentry-program}, {@code dirmngr --ldap-wrapper-program}, {@code
   * gpgtar --gpg}) or writes one into its configuration ({@code gpgconf --change-options}, which
   * reads {@code pinentry-program:…} lines), by any prefix GnuPG takes.
   */
  static boolean gnupgProgramOption(ShellCommand c) {
    Set<String> code = programOptions(c.name());
    if (code.isEmpty()) {
      return false;
    }
    for (Word w : c.args()) {
      String v = w.value();
      if (v.equals("--")) {
        return false;
      }
      if (!w.literal() && v.startsWith("-")) {
        return true;
      }
      if (v.startsWith("--") && v.length() > 2) {
        String name = v.contains("=") ? v.substring(0, v.indexOf('=')) : v;
        if (code.stream().anyMatch(o -> o.startsWith(name))) {
          return true;
        }
      }
    }
    return false;
  }

  /** The full name of a GnuPG long option by exact name or unique prefix; null when none or ambiguous. */
  private static String gnupgLong(String name, Set<String> values, Set<String> flags) {
    if (values.contains(name) || flags.contains(name)) {
      return name;
    }
    String found = null;
    for (Set<String> s : List.of(values, flags)) {
      for (String o : s) {
        if (o.startsWith(name)) {
          if (found != null && !found.equals(o)) {
            return null;
          }
          found = o;
        }
      }
    }
    return found;
  }

  /**
   * A variable that turns a pager's secure mode off: {@code SYSTEMD_PAGERSECURE} unset or with any
   * value but a literal true one (systemd's parse_boolean: 1, yes, y, true, t, on, any case), {@code
   * LESSSECURE} unset, empty or only known when it runs, any {@code LESSSECURE_ALLOW} (less 643+:
   * features allowed in secure mode).
   */
  static boolean pagerSecureOff(ShellReading.Assignment a) {
    Word value = a.value();
    return switch (a.variable()) {
      case "SYSTEMD_PAGERSECURE" -> value == null || !value.literal() || a.name().indexOf('[') >= 0
          || !Regexes.matches(value.value().toLowerCase(Locale.ROOT), "1|yes|y|true|t|on");
      // An element (LESSSECURE[0]=1 too) makes the variable an array, which bash does not export.
      case "LESSSECURE" -> value == null || !value.literal() || value.value().isEmpty() || a.name().indexOf('[') >= 0;
      case "LESSSECURE_ALLOW" -> value != null && !value.value().isEmpty();
      default -> false;
    };
  }

  private static final Set<String> PAGER_SECURE_VARIABLES = Set.of("LESSSECURE", "SYSTEMD_PAGERSECURE");

  /**
   * A command that starts a program without the pager's secure mode the gateway sets, other than
   * by an assignment ({@link #pagerSecureOff}): {@code env -u LESSSECURE less f} ({@code
   * --unset=}, any spelling naming one of the variables), {@code env -i}/{@code env -}/{@code
   * --ignore-environment} anywhere among env's options (after {@code -C DIR}, in a bundle, among
   * the words of a {@code -S} string, which env reads as options again), bash's {@code exec -c},
   * {@code setpriv --reset-env}, {@code nsenter -e} (the target's environment), daemontools'
   * {@code envdir} and runit's {@code chpst -e} (an empty file unsets), and the export taken away
   * ({@code declare +x LESSSECURE}, {@code typeset}, {@code local}, {@code readonly}; {@code
   * export -n}) or the variable made an array or a nameref ({@code declare -a}/{@code -A}/{@code
   * -n}, {@code declare LESSSECURE[1]}: bash exports neither), after which every program bash
   * starts runs without it. Fails closed: a word only known when it runs among the options or a
   * declaration's names counts, and so does an option not in the program's table.
   * {@code sudo}, {@code su}, {@code runuser} and {@code systemd-run} (which reset the environment
   * too) are reviewed as they are.
   */
  static boolean pagerSecureDropped(ShellCommand c) {
    String n = c.name();
    List<Word> a = c.args();
    if (n.equals("env")) {
      return envClears(new java.util.ArrayDeque<>(a));
    }
    if (n.equals("exec")) {
      return execClears(a);
    }
    if (n.equals("setpriv")) {
      // setpriv's options take values (--reuid=, --groups …): any word naming --reset-env counts.
      return a.stream().anyMatch(w -> !w.literal() && (w.value().isEmpty() || w.value().charAt(0) == Word.UNKNOWN
          || w.value().startsWith("-")) || w.literal() && Wrappers.longOption(w.value(), "reset-env"));
    }
    if (n.equals("nsenter")) {
      for (Word w : a) {
        String v = w.value();
        if (!w.literal() && (v.isEmpty() || v.charAt(0) == Word.UNKNOWN || v.startsWith("-"))
            || Wrappers.longOption(v, "env") || Regexes.matches(v, "-[a-zA-Z]*e.*")) {
          return true;
        }
      }
      return false;
    }
    if (n.equals("envdir") || n.equals("chpst") && a.stream().anyMatch(w -> !w.literal()
        || Regexes.matches(w.value(), "-[a-zA-Z]*e.*"))) {
      return true;
    }
    // runners that set the environment from a file or take it away (dotenv, sops exec-env, direnv
    // exec, --env-file, nix-shell --pure …: attack 17cp)
    if ((Runners.reads(n) || Runners.pythonModule(n, a) != null) && Runners.environmentReplaced(n, a)) {
      return true;
    }
    if (Set.of("declare", "typeset", "local", "export", "readonly").contains(n)) {
      boolean unexport = false;
      for (Word w : a) {
        String v = w.value();
        if (!w.literal() && (v.isEmpty() || v.charAt(0) == Word.UNKNOWN)) {
          unexport = true; // an option only known when it runs may be +x
        } else if (Regexes.matches(v, "\\+[a-zA-Z]*x[a-zA-Z]*") || n.equals("export") && Regexes.matches(v, "-[a-zA-Z]*n[a-zA-Z]*")
            || !n.equals("export") && Regexes.matches(v, "-[a-zA-Z]*[aAn][a-zA-Z]*")) {
          unexport = true;
        }
      }
      // A subscript makes an array whatever the options (declare LESSSECURE[1]).
      return a.stream().anyMatch(w -> Regexes.matches(w.value(), "(LESSSECURE|SYSTEMD_PAGERSECURE)\\[.*"))
          || unexport && a.stream().anyMatch(w -> {
            // The name before = (arr=(1 2) is no literal word, its name is).
            String name = Regexes.replaceFirst(w.value(), "=.*", "");
            return name.indexOf(Word.UNKNOWN) >= 0 || PAGER_SECURE_VARIABLES.contains(name);
          });
    }
    return false;
  }

  private static boolean unknownOption(Word w) {
    String v = w.value();
    return !w.literal() && (v.isEmpty() || v.charAt(0) == Word.UNKNOWN || v.startsWith("-"));
  }

  /**
   * GNU env's options (getopt with {@code +}: they end at the first operand, an assignment or the
   * command) clear the environment or unset either variable. A {@code -S} string's words are put
   * back in front of the rest and read as options again, as env does; one with quotes, escapes or
   * {@code $} (env's own splitting) counts.
   */
  private static boolean envClears(java.util.Deque<Word> q) {
    while (!q.isEmpty()) {
      Word w = q.poll();
      String v = w.value();
      if (unknownOption(w)) {
        return true;
      }
      if (!w.literal() || v.equals("--") || !v.startsWith("-")) {
        return false; // an assignment (judged as one) or the command
      }
      if (v.equals("-") || PAGER_SECURE_VARIABLES.stream().anyMatch(v::contains)) {
        return true;
      }
      String value = null;
      boolean split = false;
      boolean valued = false;
      if (v.startsWith("--")) {
        int eq = v.indexOf('=');
        if (Wrappers.longOption(v, "ignore-environment")) {
          return true;
        }
        split = Wrappers.longOption(v, "split-string");
        valued = split || Wrappers.longOption(v, "unset") || Wrappers.longOption(v, "chdir");
        if (!valued && !List.of("null", "block-signal", "default-signal", "ignore-signal", "list-signal-handling",
            "debug", "help", "version").stream().anyMatch(o -> Wrappers.longOption(v, o))) {
          return true; // not in env's table
        }
        if (valued) {
          value = eq >= 0 ? v.substring(eq + 1) : null;
        }
      } else {
        for (int j = 1; j < v.length(); j++) {
          char ch = v.charAt(j);
          if (ch == 'i') {
            return true;
          }
          if (ch == 'u' || ch == 'C' || ch == 'S') {
            valued = true;
            split = ch == 'S';
            value = j + 1 < v.length() ? v.substring(j + 1) : null;
            break;
          }
          if (ch != '0' && ch != 'v') {
            return true; // not in env's table
          }
        }
      }
      if (valued && value == null) {
        Word next = q.poll();
        if (next == null) {
          return false;
        }
        if (!next.literal()) {
          return true;
        }
        value = next.value();
      }
      if (valued && PAGER_SECURE_VARIABLES.stream().anyMatch(value::contains)) {
        return true; // -u LESSSECURE (a -C directory so named counts too)
      }
      if (split) {
        if (Regexes.matches(value, "(?s).*['\"\\\\$#].*")) {
          return true;
        }
        List<String> words = List.of(value.trim().split("[ \t\n]+"));
        for (int k = words.size() - 1; k >= 0; k--) {
          if (!words.get(k).isEmpty()) {
            q.push(new Word(words.get(k), words.get(k), true));
          }
        }
      }
    }
    return false;
  }

  /** bash's {@code exec [-cl] [-a NAME] COMMAND}: {@code -c} runs the command with an empty environment. */
  private static boolean execClears(List<Word> a) {
    boolean clear = false;
    int i = 0;
    while (i < a.size()) {
      Word w = a.get(i);
      String v = w.value();
      if (unknownOption(w)) {
        return true;
      }
      if (!w.literal() || !v.startsWith("-") || v.equals("-")) {
        break;
      }
      i++;
      if (v.equals("--")) {
        break;
      }
      for (int j = 1; j < v.length(); j++) {
        char ch = v.charAt(j);
        if (ch == 'c') {
          clear = true;
        } else if (ch == 'a') {
          if (j + 1 == v.length()) {
            i++; // the name is the next word
          }
          break;
        } else if (ch != 'l') {
          return true; // not in exec's table
        }
      }
    }
    return clear && i < a.size();
  }

  /**
   * mysql and mariadb (attack pass 17cn): the client runs {@code system CMD} and {@code \! CMD}, at
   * its prompt (its input the terminal, no {@code -e}/{@code --execute} by any prefix my_getopt
   * takes) and among the statements of {@code -e} (batch mode keeps the client's commands unless
   * {@code --binary-mode}). {@code mysql -e 'show processlist'}, {@code mysql db < dump.sql} run none.
   */
  static boolean mysqlRuns(ShellCommand c) {
    boolean execute = false;
    List<Word> a = c.args();
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (!w.literal() && (v.isEmpty() || v.charAt(0) == Word.UNKNOWN || v.startsWith("-"))) {
        return true; // an option only known when it runs
      }
      if (Regexes.matches(v, "--?(help|version)|-[V?I]")) {
        return false;
      }
      String code = null;
      if (v.startsWith("--") && v.length() > 4 && "--execute".startsWith(v.contains("=") ? v.substring(0, v.indexOf('=')) : v)) {
        code = v.contains("=") ? v.substring(v.indexOf('=') + 1) : i + 1 < a.size() ? a.get(i + 1).value() : "";
      } else if (v.startsWith("-") && !v.startsWith("--")) {
        // a bundle of short options: -D, -h, -P, -S, -u take the rest or the next word, -p the rest
        for (int j = 1; j < v.length(); j++) {
          char ch = v.charAt(j);
          if (ch == 'e') {
            String rest = v.substring(j + 1);
            code = !rest.isEmpty() ? rest : i + 1 < a.size() ? a.get(i + 1).value() : "";
            break;
          }
          if ("DhPSu".indexOf(ch) >= 0) {
            if (j + 1 == v.length()) {
              i++;
            }
            break;
          }
          if (ch == 'p') {
            break;
          }
        }
      }
      if (code != null) {
        execute = true;
        if (code.indexOf(Word.UNKNOWN) >= 0 || Regexes.matches(code, "(?is).*(\\\\!|(^|[;\\n])\\s*system\\b).*")) {
          return true;
        }
      }
    }
    // a here-string or here-document the text gives it is read as at the prompt: mysql <<< 'system
    // CMD' runs CMD (attack 17cq; a dump fed from a file or a pipe, zcat d.sql.gz | mysql db, is left alone)
    if (!execute && c.stdin() == ShellCommand.Stdin.TEXT && Regexes.matches(c.text(), "(?is).*(\\\\!|\\bsystem\\b).*")) {
      return true;
    }
    return !execute && c.inputMayBeTerminal();
  }

  /**
   * An editor given code to run at once (attack pass 17cn): Emacs Lisp by {@code --eval EXPR},
   * {@code --execute}, {@code -eval}, {@code -execute} or any prefix of them Emacs takes ({@code
   * --ev}, {@code --eval=EXPR}), also under emacsclient ({@code -e}, {@code --eval}: the running
   * server evaluates it), which reach {@code (shell-command CMD)} and {@code (call-process …)};
   * Kakoune's {@code -e CMDS}/{@code -E CMDS}, whose {@code %sh{…}} runs a shell. Visual {@code emacs
   * FILE} and {@code kak FILE} stay allowed, as vim does; a word only known when it runs where they
   * read options is code too.
   */
  static boolean editorGivenCode(ShellCommand c) {
    String n = c.name();
    boolean emacs = Regexes.matches(n, "emacs(-nox|-gtk|-lucid|-pgtk|[0-9.]+(-nox)?)?");
    if (!emacs && !n.equals("emacsclient") && !n.equals("kak")) {
      return false;
    }
    for (Word w : c.args()) {
      String v = w.value();
      if (!w.literal() && (v.isEmpty() || v.charAt(0) == Word.UNKNOWN)) {
        return true;
      }
      if (v.equals("--")) {
        return false;
      }
      String name = v.contains("=") ? v.substring(0, v.indexOf('=')) : v;
      if (n.equals("kak")) {
        // -e/-E commands; -f KEYS (filter mode) types the keys into each file, and !CMD<ret> or
        // |CMD<ret> among them runs CMD; -p SESSION sends the commands it reads to a running
        // session (kak -d -s S), whose %sh{…} runs them (attack 17cq, proven)
        if (Regexes.matches(v, "-[eEfp].*")) {
          return true;
        }
        continue;
      }
      if (n.equals("emacsclient") && (Regexes.matches(v, "-[a-zA-Z]*e.*") && !v.startsWith("--")
          || name.length() > 3 && "--eval".startsWith(name))) {
        return true;
      }
      if (emacs && (name.length() > 3 && ("--eval".startsWith(name) || "--execute".startsWith(name) && name.length() > 4)
          || name.equals("-eval") || name.equals("-execute"))) {
        return true;
      }
    }
    return false;
  }
}
