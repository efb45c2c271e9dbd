package dev.gatehouse.policy.shell;

import dev.gatehouse.policy.Rule;
import dev.gatehouse.policy.Verdict;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Judges shell texts by a {@link ShellPolicy}: reads the text with bash's grammar ({@link
 * ShellReading}) and takes the strictest verdict over every simple command in it, every file it
 * writes by redirection, every variable it sets and every function it defines. A text that cannot
 * be read exactly gets the policy's {@code unclassified} verdict (unless something in it is
 * blocked outright). Pure and thread-safe: one judge serves every session of a policy.
 */
public final class ShellJudge {
  /** In {@code allow-list} mode these run without being listed: they only move around or print. */
  static final Set<String> HARMLESS = Set.of("cd", "pwd", "echo", "printf", "true", "false", ":", "test", "[", "exit",
      "return", "break", "continue", "shift", "wait", "read", "type", "command", "builtin", "exec", "time", "eval",
      "export", "declare", "typeset", "local", "readonly", "unset", "set");
  /** In {@code allow-list} mode, setting these would change what a listed command runs. */
  static final Set<String> LOOKUP_VARS = Set.of("PATH", "LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "BASH_ENV", "ENV",
      "IFS", "SHELLOPTS", "BASHOPTS", "GLOBIGNORE", "CDPATH", "PYTHONPATH", "PERL5LIB", "PERL5OPT", "RUBYOPT",
      "NODE_OPTIONS", "GIT_SSH_COMMAND", "GIT_EXEC_PATH", "PAGER", "LESSOPEN", "EDITOR", "VISUAL", "SYSTEMD_PAGER",
      "EXECIGNORE", "BASH_LOADABLES_PATH",
      // what a pager or editor runs, and its secure mode (systemd unsets LESSSECURE unless SYSTEMD_PAGERSECURE is true)
      "MANPAGER", "GIT_PAGER", "GIT_EDITOR", "GIT_SEQUENCE_EDITOR", "SYSTEMD_EDITOR", "SYSTEMD_PAGERSECURE", "SYSTEMD_LESS",
      "SYSTEMD_LESSCHARSET", "LESS", "LESSSECURE", "LESSSECURE_ALLOW", "LESSCLOSE", "LESSEDIT", "LESSECHO", "LESSKEY",
      "LESSKEYIN", "LESSKEY_SYSTEM", "LESSKEYIN_SYSTEM", "LESSKEY_CONTENT", "LESSCHARSET", "MORE", "DPKG_PAGER",
      "PSQL_PAGER", "PSQL_EDITOR", "BAT_PAGER", "SELECTED_EDITOR", "SUDO_EDITOR", "FCEDIT", "MANOPT", "BROWSER",
      "MANLESS", "LESSGLOBALTAGS", "LESSMETACHARS", "LESSMETAESCAPE",
      // the file less writes its history to (in secure mode too), and how much of it; where less
      // 590 puts it when LESSHISTFILE is unset ($XDG_DATA_HOME/lesshst, $HOME/.lesshst; later
      // versions $XDG_STATE_HOME) and finds its default key files ($XDG_CONFIG_HOME/lesskey)
      "LESSHISTFILE", "LESSHISTSIZE", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "HOME",
      // options grep read from the environment (older versions)
      "GREP_OPTIONS",
      // sd-bus and libdbus start the program of a unixexec: (or autolaunch:) bus address
      "DBUS_SESSION_BUS_ADDRESS", "DBUS_SYSTEM_BUS_ADDRESS", "DBUS_STARTER_ADDRESS");
  private static final Set<String> SAFE_WRITES = Set.of("/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty");

  private final ShellPolicy policy;
  private final List<ShellClass> block;
  private final List<ShellClass> review;
  private final Set<String> knownNames;

  public ShellJudge(ShellPolicy policy) {
    this.policy = policy;
    this.block = policy.block().stream().map(l -> ShellClass.byLabel(l).orElseThrow()).toList();
    this.review = policy.review().stream().map(l -> ShellClass.byLabel(l).orElseThrow()).toList();
    Set<String> known = new HashSet<>(ShellClass.knownNames());
    policy.allowCommands().forEach(entry -> known.add(entry.get(0)));
    policy.rules().forEach(r -> known.addAll(r.commands()));
    this.knownNames = Set.copyOf(known);
  }

  public ShellPolicy policy() {
    return policy;
  }

  /** A text run by a fresh {@code bash -c} (an exec request): bash's default options. */
  public ShellJudgement judge(String text) {
    return judge(text, ShellState.DEFAULTS);
  }

  /** A text run where {@code state}'s options are on ({@link ShellState}). */
  public ShellJudgement judge(String text, ShellState state) {
    ShellReading r = ShellReading.read(text, state);
    Verdict v = Verdict.ALLOW;
    // Blocks first, so the line names the first blocking finding in the text.
    for (ShellClass c : block) {
      v = v.strictest(find(c, r, true));
    }
    for (ShellCommand c : r.commands()) {
      for (ShellRule rule : policy.rules()) {
        if (rule.verdict() == Rule.Outcome.BLOCK && rule.matches(c)) {
          v = v.strictest(new Verdict.Block(rule.name(), c.text()));
        }
      }
    }
    if (policy.mode() == ShellPolicy.Mode.ALLOW_LIST) {
      v = v.strictest(allowList(r));
    }
    if (!r.exact()) {
      v = v.strictest(policy.unclassified().verdict(r.unclassified().get(0)));
    }
    // Whatever the policy's classes: after a double-byte locale (GBK, BIG5, SHIFT_JIS) bash reads
    // the text's later bytes as other characters than the judge did (a backslash as half of one).
    for (ShellReading.Assignment a : r.assignments()) {
      if (ShellClass.changesCharacterSet(a)) {
        v = v.strictest(policy.unclassified().verdict(
            "the text changes the shell's character set, and bash reads what follows otherwise: " + a.text()));
        break;
      }
    }
    // Likewise after set -k (arguments shaped like assignments become the environment), with
    // comments turned off, in POSIX mode, or with brace expansion off: the judge's reading of the rest
    // of the text no longer holds.
    for (ShellCommand c : r.commands()) {
      if (ShellClass.changesWordReading(c)) {
        v = v.strictest(policy.unclassified().verdict(
            "the text changes how the shell reads the words that follow (set -k, comments off, POSIX mode, brace expansion off): "
                + c.text()));
        break;
      }
    }
    // The judge reads with bash's default grammar; where the line runs, POSIX mode or an older
    // compatibility level is on (the startup files of the account may turn it on).
    if (state.has("posix") || state.has("compat")) {
      v = v.strictest(policy.unclassified().verdict("the shell is in POSIX mode or at a compatibility level ("
          + state + "): bash reads the line otherwise than the judge"));
    }
    // The judge brace-expands {a,b}; with brace expansion off (set +B) bash keeps it one literal word.
    if (state.has("nobraceexpand")) {
      v = v.strictest(policy.unclassified().verdict("brace expansion is off in the shell (" + state
          + "): bash keeps {a,b} as written, which the judge expands"));
    }
    if (block.contains(ShellClass.RECURSIVE_DELETE_ROOT) || review.contains(ShellClass.RECURSIVE_DELETE_ROOT)) {
      boolean toRoot = r.commands().stream().anyMatch(ShellClass::changesToRoot);
      for (ShellCommand c : r.commands()) {
        var uncertain = ShellClass.uncertainDelete(c);
        if (uncertain.isPresent()) {
          v = v.strictest(policy.unclassified().verdict("recursive delete of a path only known when it runs: " + uncertain.get()));
        }
        var fed = ShellClass.xargsDeleteOptions(c, r.commands());
        if (fed.isPresent()) {
          v = v.strictest(policy.unclassified().verdict("rm given options from xargs's input (-rf): " + fed.get()));
        }
        var relative = ShellClass.relativeRootTarget(c);
        if (toRoot && (ShellClass.relativeRecursiveDelete(c) || relative.isPresent())) {
          String what = "cd to the root, then " + c.text();
          v = v.strictest(block.contains(ShellClass.RECURSIVE_DELETE_ROOT) ? new Verdict.Block("recursive-delete-root", what)
              : new Verdict.Review("recursive-delete-root", what));
        } else if (relative.isPresent()) {
          // The working directory is not known across lines (nor from an earlier cd): the path may
          // be a root-level directory.
          v = v.strictest(policy.unclassified().verdict(
              "recursive change of a relative path that may reach a root-level directory: " + relative.get()));
        }
      }
    }
    for (ShellReading.Redirect w : r.writes()) {
      // 3<FILE >/dev/fd/3 writes FILE, opened for reading: the classes judge it as the write to
      // FILE it is, and whatever they find, a file rewritten through a descriptor's name is no
      // everyday form.
      if (w.through() != null) {
        v = v.strictest(policy.unclassified().verdict("writes " + w.target().shown() + " through " + w.through()
            + ", the name of a descriptor the text opened on it: " + w.text()));
        break;
      }
    }
    for (ShellReading.Redirect w : r.writes()) {
      String known = w.target().value().replace(String.valueOf(Word.UNKNOWN), "");
      if (!w.target().literal() && (known.startsWith("/dev/") || known.startsWith("/proc/"))
          && (block.contains(ShellClass.RAW_DEVICE_WRITE) || block.contains(ShellClass.POWER))) {
        v = v.strictest(policy.unclassified().verdict("writes a device only known when it runs: " + w.text()));
      }
    }
    for (ShellClass c : review) {
      v = v.strictest(find(c, r, false));
    }
    // The path classes read relative names again from the directories the text changes to (and
    // kernel links from a directory not known): RelativePaths.
    RelativePaths.Reading relative = RelativePaths.of(r);
    for (ShellClass c : block) {
      v = v.strictest(findPaths(c, relative, true));
    }
    for (ShellClass c : review) {
      v = v.strictest(findPaths(c, relative, false));
    }
    if (relative.unknown() != null) {
      v = v.strictest(policy.unclassified().verdict(relative.unknown()));
    }
    if (relative.guessed() != null) {
      RelativePaths.Reading maybe = new RelativePaths.Reading(relative.maybeCommands(), relative.maybeWrites(), null,
          List.of(), List.of(), null, List.of());
      for (ShellClass c : block) {
        if (!(findPaths(c, maybe, true) instanceof Verdict.Allow)) {
          v = v.strictest(policy.unclassified().verdict(relative.guessed()));
        }
      }
      for (ShellClass c : review) {
        if (!(findPaths(c, maybe, false) instanceof Verdict.Allow)) {
          v = v.strictest(policy.unclassified().verdict(relative.guessed()));
        }
      }
    }
    v = v.strictest(givenProtectedFiles(r, relative));
    for (ShellCommand c : r.commands()) {
      for (ShellRule rule : policy.rules()) {
        if (rule.verdict() == Rule.Outcome.REVIEW && rule.matches(c)) {
          v = v.strictest(new Verdict.Review(rule.name(), c.text()));
        }
      }
    }
    // A shell or interpreter reading its code from the session's own input runs what the guard
    // never sees: at the prompt that input is the terminal, on an exec request the client's data
    // (ssh web-1@gw bash < script, or ssh -t web-1@gw bash, an interactive shell). So nested-shell
    // is a review whether the policy lists it or not (a block if the policy blocks it).
    if (!block.contains(ShellClass.NESTED_SHELL) && !review.contains(ShellClass.NESTED_SHELL)) {
      v = v.strictest(find(ShellClass.NESTED_SHELL, r, false));
    }
    return new ShellJudgement(v, r.commands().stream().map(ShellCommand::name).toList(), r.exact());
  }

  /**
   * A line typed at the prompt of an interactive shell the gateway guards: judged as {@link
   * #judge}, and then two classes apply whether or not the policy lists them, since the guard of
   * the prompt stands on them. {@code guard-tamper} is always blocked here (a review would let an
   * approver switch the guard off for the rest of the session), together with what tampers with the
   * gateway's own shell integration: {@code exec} in the guarded shell itself (replacing it, or
   * moving its output away from the markers), {@code stty} changing the terminal's line handling,
   * {@code shopt -u promptvars}. ({@code nested-shell} is a review unless the policy blocks it,
   * here as on an exec request: while a nested shell or interpreter runs, its input is not judged.)
   */
  public ShellJudgement judgeTyped(String text) {
    return judgeTyped(text, ShellState.DEFAULTS);
  }

  /**
   * A line typed at a prompt where {@code state}'s options are on, as the gateway's prompt hook
   * reported them in its marker ({@link ShellState}): judged as {@link #judgeTyped(String)}, read as
   * if it began by turning them on ({@code nullglob} on: every unquoted pattern may make no word).
   * And since a function runs when a later line calls it, one whose body may turn on an option that
   * changes how patterns expand is unclassified here: that later line is judged from the state at
   * its prompt, before the call.
   */
  public ShellJudgement judgeTyped(String text, ShellState state) {
    ShellJudgement j = judge(text, state);
    ShellReading r = ShellReading.read(text);
    Verdict v = j.verdict();
    boolean exact = j.exact();
    for (ShellReading.FunctionDefinition f : r.functions()) {
      ShellReading body = ShellReading.read(f.text());
      boolean changes = body.commands().stream().anyMatch(CommandReader::mayChangeGlobbing)
          || body.assignments().stream().anyMatch(a -> a.variable().equals("GLOBIGNORE"));
      if (changes) {
        v = v.strictest(policy.unclassified().verdict("the function " + f.name() + " may change how later lines' patterns"
            + " expand (nullglob, globstar, dotglob, GLOBIGNORE) when a later line calls it: " + f.text()));
        exact = false;
        break;
      }
    }
    Verdict tamper = find(ShellClass.GUARD_TAMPER, r, true);
    if (tamper instanceof Verdict.Allow) {
      for (ShellReading.FunctionDefinition f : r.functions()) {
        if (f.name().startsWith("__gh_")) {
          tamper = new Verdict.Block(ShellClass.GUARD_TAMPER.label(), "redefines the guard's hook: " + f.text());
        }
      }
      for (ShellReading.Assignment a : r.assignments()) {
        if (a.name().startsWith("__gh_")) {
          tamper = new Verdict.Block(ShellClass.GUARD_TAMPER.label(), "sets the guard's own variable: " + a.text());
        }
      }
    }
    if (tamper instanceof Verdict.Allow) {
      String why = HookTamper.reads(r);
      if (why != null) {
        tamper = new Verdict.Block(ShellClass.GUARD_TAMPER.label(), why);
      }
    }
    if (tamper instanceof Verdict.Allow) {
      for (ShellReading.FunctionDefinition f : r.functions()) {
        String why = HookTamper.function(f);
        if (why != null) {
          tamper = new Verdict.Block(ShellClass.GUARD_TAMPER.label(), why);
        }
      }
      for (ShellCommand c : r.commands()) {
        String why = HookTamper.command(c);
        if (why != null && tamper instanceof Verdict.Allow) {
          tamper = new Verdict.Block(ShellClass.GUARD_TAMPER.label(), why);
        }
      }
    }
    if (tamper instanceof Verdict.Allow) {
      for (ShellCommand c : r.commands()) {
        String why = integrationTamper(c);
        if (why != null) {
          tamper = new Verdict.Block(ShellClass.GUARD_TAMPER.label(), why);
          break;
        }
      }
    }
    if (policy.mode() == ShellPolicy.Mode.ALLOW_LIST) {
      // A descriptor an earlier line left open is not the line's to know: a write to its name
      // writes the file behind it.
      var kept = AllowListReach.descriptorBeyondTheLine(r);
      if (kept.isPresent()) {
        v = v.strictest(new Verdict.Block("allow-list", kept.get()));
      }
    }
    // At the prompt, tampering with the guard names itself ahead of the allow-list's own refusal.
    v = tamper instanceof Verdict.Block && "allow-list".equals(v.rule()) ? tamper : v.strictest(tamper);
    return new ShellJudgement(v, j.commands(), exact);
  }

  /**
   * Shell options under which bash would run something other than the line it reads from the
   * gateway: its own line editor ({@code emacs}, {@code vi}: key bindings and macros add to the
   * line) and history ({@code histexpand}: {@code !!:s/echo //}; {@code history}: the list that
   * {@code fc} and {@code !} take lines from). The integration turns them off.
   */
  private static final Set<String> SHELL_READS_MORE = Set.of("emacs", "vi", "histexpand", "history");

  /** {@code set} turning on an option of {@link #SHELL_READS_MORE} ({@code -H}, {@code -o vi}), or one only known when it runs. */
  static boolean setTurnsOnReading(ShellCommand c) {
    return setTurnsOn(c, SHELL_READS_MORE);
  }

  /**
   * The options under which bash replaces a later line's {@code !} words ({@code !:1-2}, {@code
   * !^:s/Q//}) from its history list before it parses the line: {@code histexpand}, which needs
   * {@code history} on (and an interactive bash, {@code bash -i -c}, has it on already). In {@code
   * bash -c} each line of the string is read, saved and expanded once a line turns both on.
   */
  private static final Set<String> HISTORY_OPTIONS = Set.of("histexpand", "history");

  /**
   * {@code set -H}, {@code set -o history}, {@code shopt -o -s histexpand} (either option: the other
   * may be on already), or a {@code set}/{@code shopt -o -s} of an option only known when it runs.
   */
  static boolean turnsOnHistory(ShellCommand c) {
    return c.name().equals("set") && setTurnsOn(c, HISTORY_OPTIONS) || c.name().equals("shopt") && shoptTurnsOn(c, HISTORY_OPTIONS);
  }

  /** {@code shopt -o -s NAME…} (as {@code set -o NAME}) of one of {@code options}, or of a name only known when it runs. */
  private static boolean shoptTurnsOn(ShellCommand c, Set<String> options) {
    List<String> a = c.argValues();
    boolean setsOption = a.stream().anyMatch(v -> Regexes.matches(v, "-[a-z]*o[a-z]*"))
        && a.stream().anyMatch(v -> Regexes.matches(v, "-[a-z]*s[a-z]*"));
    return setsOption && (a.stream().anyMatch(options::contains) || c.args().stream().anyMatch(w -> !w.literal()));
  }

  /** {@code set} turning on one of {@code options} ({@code -H} is {@code histexpand}), or an option only known when it runs. */
  private static boolean setTurnsOn(ShellCommand c, Set<String> options) {
    List<Word> a = c.args();
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      if (!w.literal()) {
        return true;
      }
      String v = w.value();
      if (v.equals("--") || v.equals("-") || !v.startsWith("-") && !v.startsWith("+")) {
        return false; // positional parameters follow
      }
      if (v.startsWith("+")) {
        // +e, +o NAME turn options off, and set reads on past them (set +e -H).
        i += Regexes.matches(v, "\\+[a-zA-Z]*o") ? 1 : 0;
        continue;
      }
      if (v.length() > 1 && v.indexOf('H', 1) > 0 && options.contains("histexpand")) {
        return true;
      }
      if (Regexes.matches(v, "-[a-zA-Z]*o")) {
        if (i + 1 >= a.size()) {
          return false; // set -o alone lists the options
        }
        Word name = a.get(++i);
        if (!name.literal() || options.contains(name.value())) {
          return true;
        }
      }
    }
    return false;
  }

  /** {@code tset}/{@code reset} given an erase, interrupt or kill character, or an option only known when it runs. */
  private static boolean setsTerminalCharacters(ShellCommand c) {
    for (Word w : c.args()) {
      String v = w.value();
      if (v.equals("--")) {
        return false;
      }
      if (!w.literal() && (v.isEmpty() || v.charAt(0) == '-' || v.charAt(0) == Word.UNKNOWN)) {
        return true;
      }
      if (v.startsWith("-") && v.length() > 1 && Regexes.matches(v.substring(1), ".*[eik].*") && !v.startsWith("--")) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code read} with {@code -e} (or bash 5.3's {@code -E}) in any bundle of options (before the first name), or an option
   * only known when it runs; the arguments of {@code -a -d -i -n -N -p -t -u} are skipped.
   */
  static boolean readsWithLineEditor(ShellCommand c) {
    List<Word> a = c.args();
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (v.equals("--")) {
        return false;
      }
      if (!w.literal() && (v.isEmpty() || v.charAt(0) == '-' || v.charAt(0) == Word.UNKNOWN)) {
        return true;
      }
      if (!v.startsWith("-") || v.length() < 2) {
        return false; // the first name: options end
      }
      for (int j = 1; j < v.length(); j++) {
        char ch = v.charAt(j);
        if (ch == 'e' || ch == 'E') {
          return true; // bash 5.3's -E is -e with bash's default completion: readline all the same
        }
        if ("adinNptu".indexOf(ch) >= 0) {
          if (j == v.length() - 1) {
            i++; // its argument is the next word
          }
          break; // the rest of this word is its argument
        }
      }
    }
    return false;
  }

  /**
   * Ways of reaching a command that run it in the shell itself, not in a new process: {@code
   * command exec >F} and {@code eval 'exec >F'} are {@code exec >F}.
   */
  private static final Set<String> SAME_SHELL = Set.of("command", "builtin", "eval", "time", "alias", "trap", "source <<",
      ". <<");

  /** Whether {@code c} runs in the guarded shell's own process (not under bash -c, sudo, find -exec…). */
  private static boolean inGuardedShell(ShellCommand c) {
    return c.via().stream().allMatch(SAME_SHELL::contains);
  }

  /** What in {@code c} would take the prompt away from the gateway's shell integration, or null. */
  private static String integrationTamper(ShellCommand c) {
    List<String> a = c.argValues();
    switch (c.name()) {
      case "exec" -> {
        // exec in the guarded shell itself replaces it (no more prompts to own) or moves its
        // descriptors (the markers would go elsewhere); inside bash -c or a subshell it would be
        // harmless, but the reading does not tell a subshell apart: refused all the same.
        return inGuardedShell(c) ? "exec in the guarded shell: " + c.text() : null;
      }
      case "declare", "typeset", "export", "readonly" -> {
        // A nameref or a case attribute stays on the variable for the later lines: their x=LITERAL
        // then sets another variable (y=t/config changes $x) or another value (T/CONFIG). (local's
        // ends with its function, and at the prompt itself is an error.)
        boolean attribute = c.args().stream().anyMatch(w -> !w.literal() && (w.value().isEmpty()
            || w.value().charAt(0) == Word.UNKNOWN || w.value().startsWith("-"))
            || Regexes.matches(w.value(), "-[A-Za-z]*[nlu][A-Za-z]*"));
        return attribute && inGuardedShell(c) ? "gives a variable a nameref or case attribute that later lines' assignments keep: "
            + c.text() : null;
      }
      case "stty" -> {
        boolean onlyReads = a.isEmpty() || a.stream().allMatch(v -> v.equals("-a") || v.equals("--all") || v.equals("-g")
            || v.equals("--save") || v.equals("size") || v.equals("speed"));
        return onlyReads ? null : "stty changes how the terminal hands typed lines to the shell: " + c.text();
      }
      case "tset", "reset" -> {
        // -e/-i/-k set the erase, interrupt and kill characters: the terminal then edits the line
        // the gateway judged before bash reads it (as stty erase does).
        return setsTerminalCharacters(c) ? c.name() + " changes how the terminal hands typed lines to the shell: "
            + c.text() : null;
      }
      case "read" -> {
        // read -e reads with readline, whose shell-expand-line runs the substitutions in the buffer.
        return readsWithLineEditor(c) ? "read -e turns on the shell's own line editor: " + c.text() : null;
      }
      case "shopt" -> {
        if (a.contains("promptvars") && a.stream().anyMatch(v -> Regexes.matches(v, "-[a-z]*u[a-z]*"))) {
          return "turns off the prompt expansion the guard uses: " + c.text();
        }
        // shopt -o -s NAME sets what set -o NAME sets.
        return shoptTurnsOn(c, SHELL_READS_MORE) ? "turns on line editing or history in the guarded shell: " + c.text() : null;
      }
      case "set" -> {
        return setTurnsOnReading(c) ? "turns on line editing or history in the guarded shell: " + c.text() : null;
      }
      case "bind" -> {
        // Key bindings and macros of readline make bash run text other than the line it reads.
        boolean onlyReads = a.stream().allMatch(v -> Regexes.matches(v, "-[lpPvVsSX]+"));
        return onlyReads ? null : "binds keys of the shell's own line editor: " + c.text();
      }
      case "fc" -> {
        // fc runs lines from bash's own history list (edited, or with a substitution): unseen text.
        boolean onlyLists = !a.isEmpty() && Regexes.matches(a.get(0), "-[lnr]*l[lnr]*");
        return onlyLists ? null : "runs a command from the shell's history: " + c.text();
      }
      default -> {
        return null;
      }
    }
  }

  private Verdict find(ShellClass c, ShellReading r, boolean blocks) {
    List<String> found = new ArrayList<>();
    for (ShellCommand sc : r.commands()) {
      c.command(sc).ifPresent(found::add);
    }
    for (ShellReading.Redirect w : r.writes()) {
      c.write(w).ifPresent(found::add);
    }
    for (ShellReading.Redirect rd : r.reads()) {
      c.read(rd).ifPresent(found::add);
    }
    for (ShellReading.Assignment a : r.assignments()) {
      c.assignment(a).ifPresent(found::add);
    }
    for (ShellReading.FunctionDefinition f : r.functions()) {
      c.function(f, knownNames).ifPresent(found::add);
    }
    if (c == ShellClass.INTERPRETER_INLINE) {
      GitFiles.writesGitConfigAfterCd(r).ifPresent(found::add);
      ReadAtStart.writesUnknownStartupName(r).ifPresent(found::add);
      WrittenThenRun.patchesDiffTheTextWrites(r).ifPresent(found::add);
      WrittenThenRun.runsModuleTheTextWrites(r).ifPresent(found::add);
      WrittenThenRun.vimRunsWhatTheTextWrites(r).ifPresent(found::add);
      WrittenThenRun.buildRunsWhatTheTextWrites(r).ifPresent(found::add);
      WrittenThenRun.readsCommandsTheTextWrites(r).ifPresent(found::add);
      WrittenThenRun.pathHoldsWhatTheTextWrites(r).ifPresent(found::add);
      WrittenThenRun.runPartsRunsWhatTheTextWrites(r).ifPresent(found::add);
      WrittenThenRun.runsScriptTheTextWrites(r).ifPresent(found::add);
      WrittenThenRun.preloadsWhatTheTextWrites(r).ifPresent(found::add);
      ReadAtStart.loginShellReadsWrittenProfile(r).ifPresent(found::add);
      ReadAtStart.configurationTheTextWrites(r).ifPresent(found::add);
      ReadAtStart.movesWrittenDirectoryOntoStartupFile(r).ifPresent(found::add);
      PackageScripts.runsWhatTheTextSets(r).ifPresent(found::add);
      JvmOptions.readsWhatTheTextWrites(r).ifPresent(found::add);
      PsqlClient.pgbenchRunsWhatTheTextWrites(r).ifPresent(found::add);
      PsqlClient.serverReadsWhatTheTextWrites(r).ifPresent(found::add);
    }
    if (found.isEmpty()) {
      return Verdict.ALLOW;
    }
    return blocks ? new Verdict.Block(c.label(), found.get(0)) : new Verdict.Review(c.label(), found.get(0));
  }

  /** {@link #find} of a path class over the commands and writes read from another directory ({@link RelativePaths}). */
  /**
   * A program the judge has no reading of, given a file of a path class the policy judges (a disk,
   * a log, a history or account or cron file): it may write it, so the text is unclassified
   * ({@link ProtectedOperands}). Also for the text's relative names read from the directories it
   * changes to (not for the guessed reading of a directory not known, whose every name would be one).
   * A command the class itself names keeps the class's verdict.
   */
  private Verdict givenProtectedFiles(ShellReading r, RelativePaths.Reading relative) {
    List<ShellClass> judged = RelativePaths.PATH_CLASSES.stream().filter(k -> block.contains(k) || review.contains(k)).toList();
    List<ShellCommand> all = new ArrayList<>(r.commands());
    all.addAll(relative.commands());
    for (ShellCommand c : all) {
      for (ProtectedOperands.Given g : ProtectedOperands.mayWrite(c, judged, policy.readers())) {
        if (g.guardedBy().command(c).isEmpty()) {
          return policy.unclassified().verdict(c.name() + " is given " + g.word() + " (a file " + g.guardedBy().label()
              + " guards) and the guard has no reading of " + c.name() + " that says it only reads it: " + c.text());
        }
      }
    }
    return Verdict.ALLOW;
  }

  private static Verdict findPaths(ShellClass c, RelativePaths.Reading r, boolean blocks) {
    if (!RelativePaths.PATH_CLASSES.contains(c)) {
      return Verdict.ALLOW;
    }
    for (ShellCommand sc : r.commands()) {
      var hit = c.command(sc);
      if (hit.isPresent()) {
        return blocks ? new Verdict.Block(c.label(), hit.get()) : new Verdict.Review(c.label(), hit.get());
      }
    }
    for (ShellReading.Redirect w : r.writes()) {
      var hit = c.write(w);
      if (hit.isPresent()) {
        return blocks ? new Verdict.Block(c.label(), hit.get()) : new Verdict.Review(c.label(), hit.get());
      }
    }
    for (ShellReading.Redirect rd : r.reads()) {
      var hit = c.read(rd);
      if (hit.isPresent()) {
        return blocks ? new Verdict.Block(c.label(), hit.get()) : new Verdict.Review(c.label(), hit.get());
      }
    }
    return Verdict.ALLOW;
  }

  private Verdict allowList(ShellReading r) {
    for (ShellCommand c : r.commands()) {
      if (!HARMLESS.contains(c.name()) && !listed(c)) {
        return new Verdict.Block("allow-list", c.name() + " is not in allowCommands: " + c.text());
      }
    }
    for (ShellReading.Assignment a : r.assignments()) {
      if (LOOKUP_VARS.contains(a.variable()) || a.name().startsWith("LD_") || a.name().startsWith("BASH_FUNC_")) {
        return new Verdict.Block("allow-list", "setting " + a.name() + " changes what the allowed commands run: " + a.text());
      }
    }
    for (ShellCommand c : r.commands()) {
      // The pager's secure mode taken away without an assignment (export -n, declare +x, exec -c,
      // env -u): refused here whatever classes the policy lists, as the assignment is.
      if (CommandPrompts.pagerSecureDropped(c)) {
        return new Verdict.Block("allow-list", c.name() + " starts programs without the pager's secure mode: " + c.text());
      }
      if (storesByName(c)) {
        return new Verdict.Block("allow-list", c.name() + " may set a variable that changes what the allowed commands run: "
            + c.text());
      }
    }
    var terminal = TerminalDevices.otherTerminalRead(r);
    if (terminal.isPresent()) {
      return new Verdict.Block("allow-list", "may read another session's terminal: " + terminal.get());
    }
    // Where the judge cannot see the working directory (an earlier line's cd) or what a word reaches.
    var unseen = AllowListReach.leavesSight(r);
    if (unseen.isPresent()) {
      return new Verdict.Block("allow-list", "may read another session's terminal: " + unseen.get());
    }
    for (ShellCommand c : r.commands()) {
      var why = AllowListReach.recursiveDeviceRead(c).or(() -> AllowListReach.lessKeyFile(c))
          .or(() -> AllowListReach.journalCursorFile(c));
      if (why.isPresent()) {
        return new Verdict.Block("allow-list", why.get());
      }
    }
    for (ShellReading.Redirect w : r.writes()) {
      String p = ShellClass.normalize(w.target().value());
      // Spelt as the safe names are: not reached through /proc (/proc/self/root/dev/stdout is read as /dev/stdout by the classes).
      if (!w.target().literal() || w.target().source().contains("proc") || !(SAFE_WRITES.contains(p)
          || Regexes.matches(p, "/dev/fd/[0-9]+"))) {
        return new Verdict.Block("allow-list", "writes a file by redirection: " + w.text());
      }
    }
    for (ShellReading.FunctionDefinition f : r.functions()) {
      return new Verdict.Block("allow-list", "defines a function: " + f.name());
    }
    return Verdict.ALLOW;
  }

  /**
   * {@code read PATH}, {@code printf -v PATH …}, {@code mapfile PATH}, {@code getopts o PATH}: a
   * builtin that stores a value in a variable it names, naming one of {@link #LOOKUP_VARS} or a
   * name only known when it runs.
   */
  private static boolean storesByName(ShellCommand c) {
    if (!Set.of("read", "printf", "mapfile", "readarray", "getopts", "wait").contains(c.name())) {
      return false;
    }
    List<Word> a = c.args();
    boolean printf = c.name().equals("printf");
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (printf) {
        if (v.equals("-v") && i + 1 < a.size()) {
          Word n = a.get(i + 1);
          return !n.literal() || LOOKUP_VARS.contains(Regexes.replaceFirst(n.value(), "\\[.*", ""));
        }
        if (v.startsWith("-v")) {
          return !w.literal() || LOOKUP_VARS.contains(Regexes.replaceFirst(v.substring(2), "\\[.*", ""));
        }
        if (!w.literal() || !v.startsWith("-")) {
          return !w.literal() && (v.isEmpty() || v.charAt(0) == Word.UNKNOWN);
        }
        continue;
      }
      if (!w.literal() || LOOKUP_VARS.contains(Regexes.replaceFirst(v, "\\[.*", "")) || v.startsWith("LD_")) {
        return true;
      }
    }
    return false;
  }

  /** The directories whose programs are the system's own: a listed name found there is the listed command. */
  static final Set<String> SYSTEM_BIN_DIRS = Set.of("/bin", "/usr/bin", "/sbin", "/usr/sbin", "/usr/local/bin",
      "/usr/local/sbin");

  /**
   * Whether {@code c} runs the program an allow-list entry names: a bare name (found through PATH,
   * which the allow-list mode does not let a text change), or an absolute path in {@link
   * #SYSTEM_BIN_DIRS} ending in that name; an entry that is itself a path matches only that path.
   * {@code /tmp/ls} or {@code ./cat} is another program that only shares the name.
   */
  private static boolean sameProgram(String entry, ShellCommand c) {
    String written = normalize(c.path());
    if (entry.contains("/")) {
      return entry.equals(written);
    }
    if (!written.contains("/")) {
      return entry.equals(written);
    }
    int slash = written.lastIndexOf('/');
    String dir = slash == 0 ? "/" : written.substring(0, slash);
    return SYSTEM_BIN_DIRS.contains(dir) && written.substring(slash + 1).equals(entry);
  }

  private static String normalize(String path) {
    return path.startsWith("/") ? ShellClass.normalize(path) : path;
  }

  /**
   * {@code systemctl status} matches {@code systemctl --no-pager status nginx}: the name, then the
   * first operands as the program reads them ({@link ListedOperands}: not an option's value).
   */
  private boolean listed(ShellCommand c) {
    for (List<String> entry : policy.allowCommands()) {
      if (!sameProgram(entry.get(0), c)) {
        continue;
      }
      List<Word> ops = entry.size() == 1 ? List.of() : ListedOperands.of(c);
      boolean ok = ops.size() >= entry.size() - 1;
      for (int i = 1; ok && i < entry.size(); i++) {
        ok = ops.get(i - 1).literal() && ops.get(i - 1).value().equals(entry.get(i));
      }
      if (ok) {
        return true;
      }
    }
    return false;
  }
}
