package dev.gatehouse.policy.shell;

import static dev.gatehouse.policy.shell.ShellClass.*;
import static dev.gatehouse.policy.shell.WrittenThenRun.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The shell guard's reading of git's configuration and hooks as files: which words name them
 * (through {@code .git}, a bare repository, a {@code cd} into one, variables, git's own output and
 * other programs' output), which commands write them, and git's configuration keys that hold a
 * command. Written on a line, they hold commands the next git command runs ({@code
 * interpreter-inline}, {@link ShellClass#INTERPRETER_INLINE}).
 */
final class GitFiles {
  private GitFiles() {}

  /**
   * git's configuration keys whose value is a command git runs (or a file of such keys, or a name
   * git runs a command for): pagers, editors, helpers and the drivers of diff/merge/filter,
   * {@code remote.NAME.uploadpack}/{@code receivepack} (a local fetch or push runs them with the
   * shell), {@code core.alternateRefsCommand}, {@code gpg.ssh.defaultKeyCommand}, {@code
   * submodule.NAME.update} ({@code !CMD}), {@code sendemail}'s commands and a program as its
   * {@code smtpServer}, {@code imap.tunnel}, instaweb's server and browser, a template directory
   * (its hooks), any alias (a {@code !} alias is shell code, and an alias may carry {@code -c}
   * options of its own or rename a subcommand), the protocol allowance of the {@code ext::}
   * transport, and difftool's and mergetool's tool names ({@code diff.tool}, {@code diff.guitool},
   * …: git sources {@code mergetools/NAME}, a path with a {@code /} in it).
   */
  private static final String GIT_COMMAND_KEY = "(?is)(core\\.(pager|sshcommand|editor|fsmonitor|hookspath|askpass|gitproxy"
      + "|attributesfile|excludesfile|alternaterefscommand)|alias\\.[^=]*|[^=]*\\.(textconv|command|cmd|helper|process"
      + "|clean|smudge|program|path|tool|guitool|prompt|driver|uploadpack|receivepack|update)|uploadpack\\.packobjectshook"
      + "|sequence\\.editor|diff\\.external|gpg\\.[^=]*program|gpg\\.ssh\\.defaultkeycommand|credential\\.helper"
      + "|pager\\.[^=]*|interactive\\.difffilter|include\\.path|includeif\\..*|init\\.templatedir"
      + "|sendemail\\.[^=]*(cmd|smtpserver)|imap\\.tunnel|instaweb\\.[^=]*|protocol\\.(ext\\.)?allow)";
  private static final Pattern GIT_COMMAND_PAIR = Pattern.compile(GIT_COMMAND_KEY + "=.*");

  /**
   * git's configuration and hooks as files: anything in a {@code .git} directory, {@code
   * .gitconfig}, {@code git/config} (XDG), a bare repository's {@code config} and {@code hooks/}.
   * Written on the line ({@code printf '[alias]…!CMD' >> r/.git/config}, a hook made executable),
   * they hold commands the next git command runs, as the keys of {@link #GIT_COMMAND_KEY} do.
   */
  private static final Pattern GIT_CONFIG_FILE = Pattern.compile(
      "(?s)(.*/)?(\\.git(/.*)?|\\.gitconfig|config|config\\.worktree|hooks(/[^/]*)?)");

  /**
   * A command that may write git's configuration or hooks: a file of {@link #GIT_CONFIG_FILE} as
   * the target operand of a known writer, or, failing closed, a git location named anywhere in the
   * words of any program not known to only read ({@link #GIT_READERS}): {@code uniq IN OUT},
   * {@code sort -o}, {@code iconv -o}, {@code xxd -r - OUT}, sed's {@code w FILE} and awk's {@code
   * print > "FILE"} (the path inside the script word), {@code tar -C r/.git -x}. cp, mv, install
   * and rsync read their sources ({@code cp .git/config /tmp/backup}): every other word counts,
   * the sources too when cp links rather than copies ({@code -s}, {@code -l}); ln's target is the
   * file the link writes through. What a wrapper runs is judged as its own command; its own
   * options count here ({@code env -C r/.git …}).
   */
  static boolean writesGitConfig(ShellCommand c) {
    String n = c.name();
    List<String> ops = operands(c).stream().map(Word::value).toList();
    List<String> targets = switch (n) {
      case "tee", "sponge", "chmod", "truncate" -> ops;
      case "sed", "gsed", "perl" -> flag(c, 'i') || c.argValues().stream().anyMatch(v -> v.startsWith("--in-place"))
          ? ops : List.of();
      case "cp", "mv", "install", "ln", "rsync" -> c.argValues().stream().anyMatch(v -> v.startsWith("-t")
          || v.startsWith("--target")) ? c.argValues() : ops.isEmpty() ? List.of() : List.of(ops.get(ops.size() - 1));
      case "dd" -> c.argValues().stream().filter(v -> v.startsWith("of=")).map(v -> v.substring(3)).toList();
      default -> List.of();
    };
    if (targets.stream().anyMatch(GitFiles::gitConfigFile)) {
      return true;
    }
    if (n.equals("find") && findSelectsGitFile(c) && findRunsWriterOnFound(c)) {
      return true;
    }
    if (patchesFromInput(c)) {
      return true;
    }
    return namedWords(c).stream().anyMatch(GitFiles::namesGitLocation);
  }

  /** The names of git's configuration files, its directory and its hooks directory, as a path ends. */
  private static final List<String> GIT_FILE_NAMES = List.of("config", "config.worktree", ".git", "hooks");

  /** The hooks git runs (githooks(5)): a file of another name in {@code hooks/} runs nothing. */
  private static final List<String> GIT_HOOK_NAMES = List.of("applypatch-msg", "pre-applypatch", "post-applypatch",
      "pre-commit", "pre-merge-commit", "prepare-commit-msg", "commit-msg", "post-commit", "pre-rebase", "post-checkout",
      "post-merge", "pre-push", "pre-receive", "update", "proc-receive", "post-receive", "post-update",
      "reference-transaction", "push-to-checkout", "pre-auto-gc", "post-rewrite", "sendemail-validate",
      "fsmonitor-watchman", "p4-changelist", "p4-prepare-changelist", "p4-post-changelist", "p4-pre-submit",
      "post-index-change");

  /**
   * find's expression may select a git configuration file, hook or directory: a {@code -name}
   * ({@code -iname}) that could be {@code config}, {@code .git}, {@code hooks} or a hook's name
   * (find's patterns match a leading dot), a {@code -path} ({@code -wholename}, also {@code -i…})
   * whose end could be one ({@code *}{@code /.git/*}: a {@code *} matches {@code /} there), any
   * {@code -regex}, or a test only known when it runs.
   */
  static boolean findSelectsGitFile(ShellCommand c) {
    List<Word> a = c.args();
    List<String> leaves = new ArrayList<>(GIT_FILE_NAMES);
    leaves.addAll(GIT_HOOK_NAMES);
    for (int i = 0; i + 1 < a.size(); i++) {
      String t = a.get(i).value();
      if (!Regexes.matches(t, "-i?(name|path|wholename|regex)")) {
        continue;
      }
      Word w = a.get(++i);
      String v = w.value();
      if (!w.literal() || v.indexOf(Word.UNKNOWN) >= 0 || t.endsWith("regex")) {
        return true;
      }
      if (t.endsWith("name") && !t.endsWith("wholename")) {
        Pattern g = PathPatterns.glob("x" + v);
        if (leaves.stream().anyMatch(x -> g.matcher("x" + x).matches())) {
          return true;
        }
        continue;
      }
      int star = v.lastIndexOf('*');
      String tail = star < 0 ? v : v.substring(star + 1);
      Pattern g = PathPatterns.glob("x" + tail);
      for (String leaf : leaves) {
        String end = (GIT_HOOK_NAMES.contains(leaf) ? "/hooks/" : "/") + leaf;
        for (int k = 0; k <= end.length(); k++) {
          String suffix = end.substring(k);
          if ((star >= 0 || k == 0 || end.charAt(k - 1) == '/') && g.matcher("x" + suffix).matches()) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** find's {@code -exec}/{@code -execdir}/{@code -ok}/{@code -okdir} of a program not known to only read, given the path found. */
  private static boolean findRunsWriterOnFound(ShellCommand c) {
    List<Word> a = c.args();
    for (int i = 0; i < a.size(); i++) {
      if (!Regexes.matches(a.get(i).value(), "-(exec|execdir|ok|okdir)")) {
        continue;
      }
      boolean writer = i + 1 < a.size() && (!a.get(i + 1).literal()
          || !GIT_READERS.contains(Regexes.replaceFirst(a.get(i + 1).value(), ".*/", "")));
      for (int j = i + 1; j < a.size() && !Regexes.matches(a.get(j).value(), "[;+]"); j++) {
        if (writer && a.get(j).value().contains("{}")) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Programs that only read the files they name, or remove them (a removed config or hook runs
   * nothing); their writes, if any, are judged elsewhere: git's by its own rules, what find runs
   * as its own command.
   */
  static final Set<String> GIT_READERS = Set.of("cat", "tac", "less", "more", "head", "tail", "grep", "egrep",
      "fgrep", "zgrep", "rg", "diff", "cmp", "ls", "stat", "wc", "file", "md5sum", "sha1sum", "sha224sum", "sha256sum",
      "sha384sum", "sha512sum", "b2sum", "cksum", "sum", "od", "hexdump", "strings", "git", "test", "[", "[[", "realpath",
      "readlink", "basename", "dirname", "cd", "pushd", "popd", "du", "find", "rm", "rmdir", "unlink");

  /**
   * A word that names a git location: in a {@code .git} directory or the directory itself (a
   * {@code .git} file redirects the repository), {@code .gitconfig}, XDG {@code git/config}, a
   * relative {@code hooks/…} (the working directory may be a repository's git directory), found
   * anywhere in the word (a script's {@code w FILE}, an option's value); a pattern or brace whose
   * component could be one of these; a word only known when it runs whose known end is {@code
   * /config} or {@code /hooks/…} ({@code "$(ls -d r/.g*)"/config}).
   */
  static boolean namesGitLocation(Word w) {
    String v = w.value();
    int u = v.lastIndexOf(Word.UNKNOWN);
    if (u >= 0 && Regexes.matches(v.substring(u + 1), "(?s)/(config|config\\.worktree|hooks(/[^/]*)?)/?")) {
      return true;
    }
    if (knownEndPattern(v)) {
      return true;
    }
    List<String> words = PathPatterns.braces(v);
    if (words == null) {
      return true;
    }
    for (String x : words) {
      if (GIT_LOCATION.matcher(x).find()) {
        return true;
      }
      if (PathPatterns.hasGlob(x)) {
        for (String part : Regexes.split(x, "[/\\s\"'=:>]+")) {
          if (PathPatterns.componentCouldBe(part, Set.of(".git", ".gitconfig"))) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static final Pattern GIT_LOCATION = Pattern.compile("(?i)\\.git(/|$|[^a-z0-9_.\\-])|\\.gitconfig"
      + "|(^|[^a-z0-9_.\\-])git/config|(^|[\\s\"'=:>(,])(\\./)?hooks(/|$)");

  /**
   * After a {@code cd}/{@code pushd} into a git directory ({@code cd r/.git}, {@code cd
   * ~/.config/git}, a hooks directory), or into one only known when it runs, a relative path may
   * be a configuration file or hook: every later command of the text that may write a file there
   * counts (for a directory only known when it runs, {@code env -C} of one included: one naming a
   * relative path ending in {@code config} or holding {@code hooks/}, {@code ../config}, {@code
   * ././config}). A path under a git directory the text makes or names by a name without {@code
   * .git} ({@code git init --bare b}, {@code --separate-git-dir=g}, {@code --git-dir=b}, {@code
   * GIT_DIR=b}) counts as in {@code .git/}, and a {@code cd} into one as into a git directory
   * (compared by {@link #spellings}: {@code cd ./b/}); xargs running a writer counts where a find of
   * the text selects git's files ({@code find r -name config | xargs uniq cfg}).
   */
  static Optional<String> writesGitConfigAfterCd(ShellReading r) {
    int entered = 0; // 0: none, 1: a directory only known when it runs, 2: a git directory
    Set<String> gitDirs = new java.util.HashSet<>();
    boolean[] anyDir = {false}; // a git directory only known when it runs, or the working directory
    for (ShellCommand c : r.commands()) {
      gitDirsMade(c, gitDirs, anyDir);
    }
    for (ShellReading.Assignment a : r.assignments()) {
      if (a.variable().equals("GIT_DIR") && a.value() != null) {
        addGitDir(a.value(), gitDirs, anyDir);
      }
    }
    boolean foundGitFile = r.commands().stream().anyMatch(c -> c.name().equals("find") && findSelectsGitFile(c));
    Set<String> gitVars = gitOutputVariables(r);
    for (ShellReading.Redirect w : r.writes()) {
      if (gitOutputPath(w.target(), gitVars, r)) {
        return Optional.of(w.text());
      }
    }
    for (ShellCommand c : r.commands()) {
      List<Word> named = namedWords(c);
      if (named.stream().anyMatch(w -> underGitDir(w.value(), gitDirs)
            || anyDir[0] && Regexes.matches(w.value(), "(?s)(.*/)?(config|config\\.worktree|commondir|hooks(/.*)?)/?")
            || !WRITE_NO_WORD.contains(c.name()) && gitOutputPath(w, gitVars, r))) {
        return Optional.of(c.text());
      }
      if (gitVars.contains(OTHER_OUTPUT) && Set.of("awk", "gawk", "mawk", "nawk").contains(c.name())
          && ToolScripts.awkSource(c.args()).inline().stream().anyMatch(w -> awkWritesUnknownFile(w.value()))) {
        return Optional.of(c.text());
      }
      // find … -name config | xargs WRITER: xargs adds the paths found to the command's words.
      if (foundGitFile && c.via().stream().anyMatch(v -> v.equals("xargs")) && !GIT_READERS.contains(c.name())) {
        return Optional.of(c.text());
      }
    }
    // CDPATH set by the text (or named by a builtin that sets it: export, declare -n, read):
    // cd info enters r/.git/info.
    boolean cdpath = r.assignments().stream().anyMatch(a -> a.variable().equals("CDPATH") && a.value() != null)
        || r.commands().stream().anyMatch(c -> !c.name().equals("unset") && !c.name().equals("cd")
            && c.argValues().stream().anyMatch(v -> v.contains("CDPATH")))
        || setsCdableVars(r);
    for (ShellCommand c : r.commands()) {
      if (c.name().equals("env") && envChdirUnknown(c)) {
        entered = Math.max(entered, 1);
        continue;
      }
      if (c.name().equals("cd") || c.name().equals("pushd")) {
        List<Word> ops = operands(c);
        // pushd alone swaps the stack's top two; pushd +N/-N rotates it: a directory the text
        // entered before, or one of the stack bash had.
        if (c.name().equals("pushd") && ops.isEmpty()) {
          entered = Math.max(entered, 1);
        }
        for (Word w : ops) {
          String v = w.value();
          if (v.indexOf(Word.UNKNOWN) >= 0 || cdByShellState(c, w, cdpath)) {
            entered = Math.max(entered, 1);
          } else if (namesGitLocation(w) || Regexes.matches(normalize(v), "(?is)(.*/)?(\\.config/git|[^/]*\\.git)/?|(\\./)?hooks(/.*)?")
              || underGitDir(v, gitDirs)) {
            entered = 2;
          }
        }
        // Once the text makes or names a git directory, any other directory may hold one: a parent
        // of it (cd x after git init --bare x/b, then b/config), or the way back (cd sub, ../b/config).
        if (!gitDirs.isEmpty() || anyDir[0]) {
          entered = Math.max(entered, 1);
        }
        continue;
      }
      if (c.name().equals("popd")) {
        entered = Math.max(entered, 1);
        continue;
      }
      if (entered == 0) {
        continue;
      }
      List<Word> words = namedWords(c);
      // In a directory only known when it runs, any relative path may reach its git directory's
      // files: ../config, ././config, ../hooks/pre-commit.
      if (!words.isEmpty() && (entered == 2 && !GIT_READERS.contains(c.name()) || words.stream().anyMatch(w ->
          Regexes.matches(w.value(), "(?s)(?!/)(.*/)?(config|config\\.worktree|commondir)/?|(?!/)(.*/)?hooks(/.*)?")
          || !w.value().startsWith("/") && knownEndPattern(Word.UNKNOWN + "/" + w.value())))) {
        return Optional.of(c.text());
      }
    }
    return Optional.empty();
  }

  /**
   * {@code shopt -s cdable_vars} (or {@code env BASHOPTS=cdable_vars bash}, a shopt of an option
   * only known when it runs): a cd/pushd operand that is no directory then enters the value of the
   * variable it names ({@code x=r/.git; cd x}), as a relative name does by {@code CDPATH}.
   */
  private static boolean setsCdableVars(ShellReading r) {
    return r.commands().stream().anyMatch(c -> c.argValues().stream().anyMatch(v -> v.contains("cdable_vars"))
            || c.name().equals("shopt") && c.args().stream().anyMatch(w -> !w.literal()))
        || r.assignments().stream().anyMatch(a -> a.value() != null && a.value().value().contains("cdable_vars"));
  }

  /**
   * A cd/pushd operand whose directory is not the operand itself: {@code cd -} and {@code ~-}
   * ({@code OLDPWD}), {@code ~+} ({@code PWD}), {@code ~N}/{@code +N}/{@code -N} (the directory
   * stack), and with {@code CDPATH} set by the text a relative name bash looks up in it (not one
   * starting with {@code ./} or {@code ../}, nor {@code .} or {@code ..}).
   */
  private static boolean cdByShellState(ShellCommand c, Word w, boolean cdpath) {
    String v = w.value();
    if (v.equals("-") || !w.literal() && Regexes.matches(v, "(?s)~[+-]?[0-9]*(/.*)?") && !Regexes.matches(v, "(?s)~(/.*)?")
        || c.name().equals("pushd") && Regexes.matches(v, "[+-][0-9]+")) {
      return true;
    }
    return cdpath && !v.startsWith("/") && !Regexes.matches(v, "(?s)\\.\\.?(/.*)?");
  }

  /**
   * The variables the text sets from git's output ({@link #printsGitPaths}): by an assignment or
   * {@code for} whose text runs it ({@code c=$(git rev-parse --git-path config)}), by {@code
   * read}/{@code mapfile} fed while the text runs it, or from another such variable ({@code d=$c}).
   */
  private static Set<String> gitOutputVariables(ShellReading r) {
    Set<String> vars = new java.util.HashSet<>();
    boolean runsGit = r.commands().stream().anyMatch(GitFiles::printsGitPaths);
    // A text that runs git (or names where its files are) may have a file named by another
    // program's output written to be git's configuration: a variable set from such output counts.
    boolean other = r.commands().stream().anyMatch(c -> c.name().equals("git") || c.args().stream()
        .anyMatch(GitFiles::namesGitLocation)) || r.assignments().stream().anyMatch(a -> a.value() != null
        && namesGitLocation(a.value()));
    if (!runsGit && !other) {
      return vars;
    }
    if (other) {
      vars.add(OTHER_OUTPUT);
    }
    for (boolean more = true; more; ) {
      more = false;
      for (ShellReading.Assignment a : r.assignments()) {
        if (a.value() == null || a.value().literal() || vars.contains(a.variable())) {
          continue;
        }
        boolean fed = r.commands().stream().anyMatch(c -> c.text().equals(a.text())
            && c.stdin() != ShellCommand.Stdin.TERMINAL);
        if (runsGit && (fed || refersTo(a.text(), vars) || textRunsGit(a.text()))
            || other && (printsOtherPath(a.text()) || refersTo(a.text(), vars))) {
          vars.add(a.variable());
          more = true;
        }
      }
    }
    return vars;
  }

  /**
   * Marks, in {@link #gitOutputVariables}, a text that runs git or names a git location: there a
   * file named by another program's output ({@link #printsOtherPath}) also counts as git's.
   */
  private static final String OTHER_OUTPUT = "\u0000";

  /** Programs whose output names no file of git's: a temporary file, a date, the host or user. */
  private static final Set<String> NO_PATH_PRINTERS = Set.of("git", "mktemp", "date", "hostname", "whoami", "id",
      "uname", "nproc", "pwd");

  /**
   * A substitution whose output may be any path: a program other than {@link #NO_PATH_PRINTERS}
   * ({@code find r -name config}, {@code ls -d r/.g*}{@code /c*g}, {@code realpath}, {@code printf
   * 'r/\056git/config'}, {@code cat p}) or a file's text ({@code $(< p)}).
   */
  private static boolean printsOtherPath(String text) {
    if (!Pattern.compile("\\$\\((?!\\()|`|<\\(").matcher(text).find()) {
      return false;
    }
    List<ShellCommand> cs = ShellReading.read(": " + text).commands().stream().filter(c -> !c.name().equals(":")).toList();
    return cs.isEmpty() || cs.stream().anyMatch(c -> !NO_PATH_PRINTERS.contains(c.name()));
  }

  private static boolean textRunsGit(String text) {
    return (text.indexOf('$') >= 0 || text.indexOf('`') >= 0 || text.indexOf('<') >= 0)
        && ShellReading.read(text).commands().stream().anyMatch(GitFiles::printsGitPaths);
  }

  /**
   * git asked for its paths or for text it stores: {@code rev-parse} ({@code --git-path config},
   * {@code --git-dir}, {@code --absolute-git-dir}, {@code --git-common-dir}), {@code config}
   * ({@code --show-origin}, a value), {@code var}, {@code worktree}, {@code show}, {@code
   * cat-file}, git without a subcommand ({@code --exec-path}) or with one only known when it runs.
   */
  static boolean printsGitPaths(ShellCommand c) {
    if (!c.name().equals("git")) {
      return false;
    }
    List<String> av = c.argValues();
    int sub = Wrappers.gitSubcommand(av);
    return sub >= av.size() || !c.args().get(sub).literal()
        || Set.of("rev-parse", "config", "var", "worktree", "show", "cat-file").contains(av.get(sub));
  }

  /** Programs whose words name no file they write (their redirections are judged as writes). */
  private static final Set<String> WRITE_NO_WORD = Set.of("echo", "printf", "test", "[", "[[", ":", "true", "false",
      "export", "declare", "typeset", "local", "readonly", "let", "eval");

  /** Whether {@code text} expands one of {@code vars} ({@code $c}, {@code ${c%/}}) or a name by indirection ({@code ${!p}}). */
  private static boolean refersTo(String text, Set<String> vars) {
    if (vars.isEmpty()) {
      return false;
    }
    if (text.contains("${!")) {
      return true;
    }
    for (String v : vars) {
      if (Pattern.compile("\\$\\{?#?" + Pattern.quote(v) + "(?![A-Za-z0-9_])").matcher(text).find()) {
        return true;
      }
    }
    return false;
  }

  /**
   * A file a command or redirection writes, named by git's output ({@code "$(git rev-parse
   * --git-path config)"}, {@code "$c"} of {@link #gitOutputVariables}), unless its known end is a
   * name none of git's configuration files or hooks has ({@code "app-$(git describe).tgz"},
   * {@code "$(git rev-parse --show-toplevel)"/build/out.txt}).
   */
  private static boolean gitOutputPath(Word w, Set<String> gitVars, ShellReading r) {
    String v = w.value();
    int u = v.lastIndexOf(Word.UNKNOWN);
    if (u < 0) {
      return false;
    }
    if (!(refersTo(w.source(), gitVars) || textRunsGit(": " + w.source())
        || gitVars.contains(OTHER_OUTPUT) && printsOtherPath(w.source()))) {
      // In a text that runs git or names its files, any other word only known when it runs (an
      // expansion operator, read, mapfile, a loop over a pattern, an array, "$*") may spell one:
      // counted by its known end as git's output is, unless it only expands variables set to literals.
      if (!gitVars.contains(OTHER_OUTPUT) || temporaryFile(w, r)) {
        return false;
      }
      List<String> values = literalValues(w, r);
      if (values != null) {
        // A leaf git has in any git directory counts too: one the text makes as b (git init --bare b).
        return values.stream().anyMatch(x -> namesGitLocation(Word.literal(x, x))
            || Regexes.matches(x, "(?s)(.*/)?(config|config\\.worktree|commondir|hooks(/.*)?)/*")
            || GIT_HOOK_NAMES.contains(Regexes.replaceFirst(Regexes.replaceFirst(x, "/*$", ""), "(?s).*/", "")));
      }
    }
    // A value, a tag or a key before it (VERSION=$(…), app:$(…)) is no path into git's directory;
    // an option's value (--output=, dd's of=) is.
    String start = Regexes.replaceFirst(v.substring(0, v.indexOf(Word.UNKNOWN)), "^(--[^=]*=|of=)", "");
    if (start.contains("=") || start.contains(":")) {
      return false;
    }
    String end = v.substring(u + 1);
    int slash = end.lastIndexOf('/');
    String leaf = end.substring(slash + 1);
    if (PathPatterns.hasGlob(end)) {
      return slash < 0 || patternCouldBeGitFile(end);
    }
    if (slash < 0) {
      // The unknown part ends the directory and begins the name: any name ending in the known end.
      return GIT_FILE_LEAVES.stream().anyMatch(n -> n.endsWith(leaf)) || GIT_HOOK_NAMES.stream().anyMatch(n -> n.endsWith(leaf));
    }
    return leaf.isEmpty() || leaf.equals(".") || leaf.equals("..") || GIT_FILE_LEAVES.contains(leaf)
        || GIT_HOOK_NAMES.contains(leaf) || Regexes.matches(end, "(?s).*/hooks(/.*)?");
  }

  /**
   * An awk script with a {@code print}/{@code printf} to a file that is not one string constant
   * without escapes ({@code "\056git/config"} is awk's octal escape):
   * awk joins strings ({@code > ("r/.gi" "t/config")}, {@code > "d" n}) and reads variables, {@code
   * ARGV[n]}, {@code FILENAME}, functions, so its name is only known when it runs. A {@code >}
   * inside parentheses is a comparison; a script only known when it runs counts.
   */
  static boolean awkWritesUnknownFile(String script) {
    List<String> targets = awkWriteTargets(script);
    return targets == null || targets.stream().anyMatch(t -> !Regexes.matches(t, "(?s)\"[^\"\\\\]*\""));
  }

  /** The expressions an awk script's {@code print}/{@code printf} write to ({@code > E}, {@code >> E}); null for a script only known when it runs. */
  static List<String> awkWriteTargets(String script) {
    if (script.indexOf(Word.UNKNOWN) >= 0) {
      return null;
    }
    List<String> targets = new ArrayList<>();
    java.util.regex.Matcher m = Pattern.compile("(?<![A-Za-z0-9_])printf?(?![A-Za-z0-9_])").matcher(script);
    while (m.find()) {
      int depth = 0;
      for (int i = m.end(); i < script.length(); i++) {
        char ch = script.charAt(i);
        if (ch == '"') {
          for (i++; i < script.length() && script.charAt(i) != '"'; i++) {
            if (script.charAt(i) == '\\') {
              i++;
            }
          }
        } else if (ch == '(') {
          depth++;
        } else if (ch == ')') {
          depth--;
        } else if (depth <= 0 && (ch == ';' || ch == '}' || ch == '\n')) {
          break;
        } else if (depth == 0 && ch == '>') {
          int end = i + 1;
          int d = 0;
          for (; end < script.length(); end++) {
            char e = script.charAt(end);
            if (e == '"') {
              for (end++; end < script.length() && script.charAt(end) != '"'; end++) {
                if (script.charAt(end) == '\\') {
                  end++;
                }
              }
            } else if (e == '(') {
              d++;
            } else if (e == ')') {
              d--;
            } else if (d <= 0 && (e == ';' || e == '}' || e == '\n')) {
              break;
            }
          }
          targets.add(Regexes.replaceFirst(script.substring(i + 1, Math.min(end, script.length())), "^>", "").strip());
          break;
        }
      }
    }
    return targets;
  }

  private static final Pattern MKTEMP = Pattern.compile("\"?\\$\\(mktemp( -[dqu]+)*\\)\"?");

  /**
   * A word that is all of mktemp's output without a template ({@code "$(mktemp)"}, or {@code "$t"}
   * of {@code t=$(mktemp)}): a new {@code tmp.XXXXXXXXXX}, which no git file or hook is named.
   */
  static boolean temporaryFile(Word w, ShellReading r) {
    if (MKTEMP.matcher(w.source()).matches()) {
      return true;
    }
    java.util.regex.Matcher m = Pattern.compile("\"?\\$(?:([A-Za-z_][A-Za-z0-9_]*)|\\{([A-Za-z_][A-Za-z0-9_]*)})\"?")
        .matcher(w.source());
    if (!m.matches()) {
      return false;
    }
    String n = m.group(1) != null ? m.group(1) : m.group(2);
    List<ShellReading.Assignment> set = r.assignments().stream().filter(a -> a.variable().equals(n)).toList();
    return !set.isEmpty() && !r.text().contains("${!") && set.stream().allMatch(a -> a.name().equals(n)
        && a.value() != null && MKTEMP.matcher(a.value().source()).matches());
  }

  /** A value bash neither splits nor expands further, unquoted or in double quotes. */
  private static final Pattern PLAIN_LITERAL = Pattern.compile("[A-Za-z0-9_./,+:@%=-]*");

  private static final Pattern LEADING_ASSIGNMENTS =
      Pattern.compile("(\\s*[A-Za-z_][A-Za-z0-9_]*=([A-Za-z0-9_./,+:@%=-]*|\"[A-Za-z0-9_./,+:@%=-]*\"|'[A-Za-z0-9_./,+:@%=-]*')[ \\t]*(;|&&|\\n))+");

  private static final Pattern SIMPLE_EXPANSION = Pattern.compile("\\$(?:([A-Za-z_][A-Za-z0-9_]*)|\\{([A-Za-z_][A-Za-z0-9_]*)})");

  /**
   * Variables bash assigns itself (bash(1) "Shell Variables"): a literal the text "sets first" is
   * replaced by getopts, {@code [[ =~ ]]}, cd, read, mapfile, coproc, or any command that runs.
   */
  private static final Set<String> BASH_SETS = Set.of("_", "BASH", "BASHOPTS", "BASHPID", "BASH_ALIASES",
      "BASH_ARGC", "BASH_ARGV", "BASH_ARGV0", "BASH_CMDS", "BASH_COMMAND", "BASH_EXECUTION_STRING", "BASH_LINENO",
      "BASH_LOADABLES_PATH", "BASH_REMATCH", "BASH_SOURCE", "BASH_SUBSHELL", "BASH_TRAPSIG", "BASH_VERSINFO",
      "BASH_VERSION", "COMP_CWORD", "COMP_KEY", "COMP_LINE", "COMP_POINT", "COMP_TYPE", "COMP_WORDBREAKS",
      "COMP_WORDS", "COMPREPLY", "COPROC", "DIRSTACK", "EPOCHREALTIME", "EPOCHSECONDS", "EUID", "FUNCNAME",
      "GROUPS", "HISTCMD", "HOSTNAME", "HOSTTYPE", "LINENO", "MACHTYPE", "MAPFILE", "OLDPWD", "OPTARG", "OPTIND",
      "OSTYPE", "PIPESTATUS", "PPID", "PWD", "RANDOM", "READLINE_ARGUMENT", "READLINE_LINE", "READLINE_MARK",
      "READLINE_POINT", "REPLY", "SECONDS", "SHELLOPTS", "SHLVL", "SRANDOM", "UID", "COLUMNS", "LINES", "HOME",
      "PATH", "IFS", "SHELL", "TERM");

  private static final Set<String> DECLARES = Set.of("declare", "typeset", "local", "export", "readonly");

  /**
   * A command that may change any variable without an assignment the reading records: {@code
   * source}/{@code .} and {@code eval} (code the judge does not read here), a nameref ({@code -n}
   * of a declaration builtin: every assignment to its target, whatever it is, changes it), a
   * declaration builtin under {@code builtin}/{@code command} or with options only known when it runs.
   */
  private static boolean setsVariablesUnread(ShellReading r) {
    for (ShellCommand c : r.commands()) {
      String n = c.name();
      if (n.equals("source") || n.equals(".") || n.equals("eval")) {
        return true;
      }
      if ((n.equals("builtin") || n.equals("command")) && c.argValues().stream().anyMatch(DECLARES::contains)) {
        return true;
      }
      if (DECLARES.contains(n)) {
        for (Word a : c.args()) {
          if (!a.literal() || a.value().startsWith("-") && !a.value().equals("--") && a.value().indexOf('n') > 0
              || a.value().startsWith("+") && a.value().indexOf('n') > 0) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * The values {@code w} may have when each of its unknown parts is {@code $x}/{@code ${x}} of a
   * variable the text only sets to plain literals ({@code out=log.txt; git log > "$out"}): one per
   * combination of the values set; null when any part is something else, a variable is also set
   * otherwise (read, for, declare of an expansion, unset) or not at all, or the text sets {@code IFS}.
   */
  static List<String> literalValues(Word w, ShellReading r) {
    if (r.assignments().stream().anyMatch(a -> a.variable().equals("IFS")) || r.text().contains("${!")
        || setsVariablesUnread(r)) {
      return null;
    }
    String src = w.source();
    java.util.regex.Matcher m = SIMPLE_EXPANSION.matcher(src);
    List<String> names = new ArrayList<>();
    List<int[]> spans = new ArrayList<>();
    while (m.find()) {
      names.add(m.group(1) != null ? m.group(1) : m.group(2));
      spans.add(new int[] {m.start(), m.end()});
    }
    if (names.isEmpty() || names.size() != w.value().chars().filter(ch -> ch == Word.UNKNOWN).count()) {
      return null;
    }
    List<List<String>> choices = new ArrayList<>();
    for (String n : names) {
      if (BASH_SETS.contains(n)) {
        return null;
      }
      List<ShellReading.Assignment> set = r.assignments().stream().filter(a -> a.variable().equals(n)).toList();
      // x=(…), x+=…, x[i]=…, ${x:=…}: a value other than the one written.
      if (set.isEmpty() || r.text().matches("(?s).*(\\$\\{" + n + ":?[=?]|\\b" + n + "(\\[[^]]*])?\\+?=\\().*")
          || r.text().matches("(?s).*\\b" + n + "(\\[[^]]*])?\\+=.*")) {
        return null;
      }
      // Set first, before anything may skip it: otherwise the value may be an earlier line's at the
      // prompt (false && x=a). An assignment to a readonly variable ends the line.
      java.util.regex.Matcher lead = LEADING_ASSIGNMENTS.matcher(r.text());
      if (!lead.lookingAt() || !Pattern.compile("(^|[;&\\s])" + n + "=").matcher(lead.group()).find()) {
        return null;
      }
      List<String> vs = new ArrayList<>();
      for (ShellReading.Assignment a : set) {
        if (a.value() == null || !a.value().literal() || !a.name().equals(n)
            || !PLAIN_LITERAL.matcher(a.value().value()).matches() || a.value().value().startsWith("~")) {
          return null;
        }
        vs.add(a.value().value());
      }
      choices.add(vs.stream().distinct().toList());
    }
    List<String> out = new ArrayList<>(List.of(""));
    List<String> sources = new ArrayList<>(List.of(""));
    for (int i = 0; i < names.size(); i++) {
      int from = i == 0 ? 0 : spans.get(i - 1)[1];
      String between = src.substring(from, spans.get(i)[0]);
      List<String> next = new ArrayList<>();
      for (String s : sources) {
        for (String c : choices.get(i)) {
          next.add(s + between + c);
        }
      }
      if (next.size() > 64) {
        return null;
      }
      sources = next;
    }
    out.clear();
    String tail = src.substring(spans.get(spans.size() - 1)[1]);
    for (String s : sources) {
      // Read again as written with the values in place: an expansion in single quotes, escaped or
      // inside a substitution is no plain part, and leaves the word unknown.
      List<ShellCommand> cs = ShellReading.read(": " + s + tail).commands();
      if (cs.size() != 1 || cs.get(0).args().size() != 1 || !cs.get(0).args().get(0).literal()) {
        return null;
      }
      out.add(cs.get(0).args().get(0).value());
    }
    return out;
  }

  /**
   * The git directories {@code c} makes or names by a name that need not say {@code .git}:
   * {@code git init --bare DIR}, {@code git clone --bare}/{@code --mirror … DIR}, {@code
   * --separate-git-dir[=]DIR} (init, clone), {@code git --git-dir[=]DIR}. Every word after a bare
   * init's or clone's subcommand counts; a bare init without one (or {@code git --bare}) makes the
   * working directory one.
   */
  private static void gitDirsMade(ShellCommand c, Set<String> dirs, boolean[] anyDir) {
    if (!c.name().equals("git")) {
      return;
    }
    List<Word> a = c.args();
    List<String> av = c.argValues();
    int sub = Wrappers.gitSubcommand(av);
    for (int i = 0; i < a.size(); i++) {
      String v = av.get(i);
      boolean global = i < sub;
      if (global && v.equals("--bare")) {
        anyDir[0] = true;
      }
      if (global && v.startsWith("--git-dir") || !global && Wrappers.longOption(v, "separate-git-dir")) {
        int eq = v.indexOf('=');
        if (eq >= 0) {
          addGitDir(new Word(v, v.substring(eq + 1), a.get(i).literal()), dirs, anyDir);
        } else if (i + 1 < a.size()) {
          addGitDir(a.get(++i), dirs, anyDir);
        }
      }
    }
    String s = sub < av.size() ? av.get(sub) : "";
    if (!Set.of("init", "init-db", "clone").contains(s)) {
      return;
    }
    List<String> rest = av.subList(sub + 1, av.size());
    if (rest.stream().anyMatch(v -> v.startsWith("--") && (Wrappers.longOption(v, "bare") || s.equals("clone")
        && Wrappers.longOption(v, "mirror")))) {
      List<Word> words = a.subList(sub + 1, a.size()).stream().filter(w -> !w.value().startsWith("-")).toList();
      if (words.isEmpty()) {
        anyDir[0] = true;
      }
      words.forEach(w -> addGitDir(w, dirs, anyDir));
    }
  }

  private static void addGitDir(Word w, Set<String> dirs, boolean[] anyDir) {
    String v = w.value();
    if (!w.literal() || v.indexOf(Word.UNKNOWN) >= 0 || PathPatterns.hasGlob(v)) {
      anyDir[0] = true;
    } else if (!v.isEmpty()) {
      dirs.addAll(spellings(v));
    }
  }

  /**
   * {@code path} is a git directory of {@code dirs} or under one, compared by {@link #spellings}
   * (a git directory {@code .} holds every relative path).
   */
  private static boolean underGitDir(String path, Set<String> dirs) {
    for (String p : spellings(path)) {
      for (String d : dirs) {
        if (p.equals(d) || p.startsWith(d.equals("/") ? "/" : d + "/") || d.equals(".") && !p.startsWith("/")
            && !p.equals("..") && !p.startsWith("../")) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The forms a path is compared in: without {@code .} components, repeated or trailing {@code /}
   * ({@code ./b//config} is {@code b/config}, {@code ./} is {@code .}), and also with {@code dir/..}
   * resolved (the kernel resolves it only where dir is no symbolic link, so both count).
   */
  static Set<String> spellings(String path) {
    if (path.startsWith("/")) {
      return Set.of(normalize(path));
    }
    List<String> kept = new ArrayList<>();
    List<String> resolved = new ArrayList<>();
    for (String part : Regexes.split(path, "/+")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      kept.add(part);
      if (part.equals("..") && !resolved.isEmpty() && !resolved.get(resolved.size() - 1).equals("..")) {
        resolved.remove(resolved.size() - 1);
      } else {
        resolved.add(part);
      }
    }
    return new java.util.HashSet<>(List.of(kept.isEmpty() ? "." : String.join("/", kept),
        resolved.isEmpty() ? "." : String.join("/", resolved)));
  }

  /** {@code env -C DIR}/{@code --chdir[=]DIR} (also in a bundle: {@code -iC DIR}) whose DIR is only known when it runs. */
  static boolean envChdirUnknown(ShellCommand c) {
    List<Word> a = c.args();
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (!v.startsWith("-") || v.equals("-") || v.equals("--")) {
        return false; // options end at the first NAME=VALUE or the command
      }
      Word dir = null;
      if (v.startsWith("--")) {
        if (Wrappers.longOption(v, "chdir")) {
          int eq = v.indexOf('=');
          dir = eq >= 0 ? new Word(v, v.substring(eq + 1), w.literal()) : i + 1 < a.size() ? a.get(++i) : null;
        } else if (!v.contains("=") && (Wrappers.longOption(v, "unset") || Wrappers.longOption(v, "split-string"))) {
          i++;
        }
      } else {
        int at = v.indexOf('C');
        int u = v.indexOf('u');
        int sp = v.indexOf('S');
        if (at > 0 && (u < 0 || at < u) && (sp < 0 || at < sp)) {
          dir = at + 1 < v.length() ? new Word(v, v.substring(at + 1), w.literal()) : i + 1 < a.size() ? a.get(++i) : null;
        } else if ((u > 0 || sp > 0) && v.length() == Math.max(u, sp) + 1) {
          i++;
        }
      }
      if (dir != null && (!dir.literal() || dir.value().indexOf(Word.UNKNOWN) >= 0)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A path of {@link #GIT_CONFIG_FILE}, brace-expanded; a pattern when it names a {@code .git} or
   * {@code hooks} directory ({@code r/.git/hooks/*}), not any pattern a name could continue ({@code
   * /srv/app/*}, {@code sed -i … *}).
   */
  static boolean gitConfigFile(String raw) {
    List<String> words = PathPatterns.braces(raw);
    if (words == null) {
      return true;
    }
    return words.stream().map(ShellClass::normalize).anyMatch(n -> PathPatterns.hasGlob(n)
        ? Regexes.matches(n, "(?s).*(\\.git|hooks).*") || knownEndPattern(n) : GIT_CONFIG_FILE.matcher(n).matches());
  }

  /**
   * A path pattern whose last component could be {@code config}, {@code config.worktree}, {@code
   * commondir}, {@code .git} or {@code hooks}, or with a component before it that could be {@code
   * hooks} ({@code confi[g]}, {@code c*g}, {@code h?oks/x}).
   */
  static boolean patternCouldBeGitFile(String pattern) {
    String[] parts = Regexes.split(pattern, "/+");
    if (parts.length == 0) {
      return false;
    }
    for (int i = 0; i < parts.length - 1; i++) {
      if (PathPatterns.componentCouldBe(parts[i], Set.of("hooks"))) {
        return true;
      }
    }
    return PathPatterns.componentCouldBe(parts[parts.length - 1], GIT_FILE_LEAVES);
  }

  /**
   * A word only known when it runs whose known end is a pattern that could match git's file and
   * spells part of it ({@code "$(…)"/confi[g]}, {@code "$x"/c*g}; not {@code "$d"/*}, as {@code
   * /srv/app/*} is not).
   */
  private static boolean knownEndPattern(String v) {
    int u = v.lastIndexOf(Word.UNKNOWN);
    String end = u < 0 ? "" : v.substring(u + 1);
    return end.startsWith("/") && PathPatterns.hasGlob(end) && patternCouldBeGitFile(end)
        && Regexes.matches(Regexes.replaceAll(end, "\\[[^]]*]", ""), "(?s).*[A-Za-z0-9].*");
  }

  private static final Set<String> GIT_FILE_LEAVES = Set.of("config", "config.worktree", "commondir", ".git", "hooks");

  /**
   * A git argument that sets a key of {@link #GIT_COMMAND_KEY}: {@code KEY=VALUE} as a word ({@code
   * -c KEY=VALUE}, {@code clone --config KEY=VALUE}), clone's {@code --config=KEY=VALUE} by any
   * abbreviation ({@code --conf=}), or {@code -cKEY=VALUE} with the pair attached, also after other
   * short options in a bundle (parse-options takes a short option's value attached).
   */
  static boolean gitCommandPair(String v) {
    if (GIT_COMMAND_PAIR.matcher(v).matches()) {
      return true;
    }
    if (v.startsWith("--")) {
      return v.indexOf('=') > 0 && Wrappers.longOption(v, "config")
          && GIT_COMMAND_PAIR.matcher(v.substring(v.indexOf('=') + 1)).matches();
    }
    for (int k = 1; v.startsWith("-") && k < v.length(); k++) {
      if (v.charAt(k) == 'c' && GIT_COMMAND_PAIR.matcher(v.substring(k + 1)).matches()) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code git config} setting a key of {@link #GIT_COMMAND_KEY} ({@code git config KEY VALUE},
   * also {@code set}, {@code --add}, {@code --replace-all}, {@code --global}, {@code --file F}),
   * a key only known when it runs, or renaming a section (into {@code alias}): the next git command,
   * on the line or later, runs the value as the same key given by {@code -c} would. Reading a key
   * ({@code --get}, {@code -l}, {@code git config KEY}) and unsetting one change nothing run.
   */
  static boolean gitConfigWrites(ShellCommand c) {
    List<String> a = c.argValues();
    int sub = Wrappers.gitSubcommand(a);
    if (sub >= a.size() || !a.get(sub).equals("config")) {
      return false;
    }
    List<Word> r = c.args().subList(sub + 1, c.args().size());
    List<String> rv = a.subList(sub + 1, a.size());
    if (rv.stream().anyMatch(v -> v.equals("rename-section") || Wrappers.longOption(v, "rename-section"))) {
      return true;
    }
    // Options end at the first other word (git config stops there: a later --get is a value).
    for (int j = 0; j < rv.size(); j++) {
      String v = rv.get(j);
      if (!v.startsWith("-")) {
        if (Regexes.matches(v, "get|list|unset|remove-section|edit")) {
          return false;
        }
        break;
      }
      if (Regexes.matches(v, "-l|-e|--get.*|--unset.*|--list|--remove-section|--edit")) {
        return false;
      }
      if (Regexes.matches(v, "-f|--file|--blob|--type|--default|--comment|--value")) {
        j++;
      }
    }
    for (int j = 0; j + 1 < r.size(); j++) {
      String v = rv.get(j);
      if (r.get(j).literal() ? v.matches(GIT_COMMAND_KEY) : j == 0 || !rv.get(j - 1).startsWith("-")) {
        return true;
      }
    }
    return false;
  }
}
