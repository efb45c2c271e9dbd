package dev.gatehouse.policy.shell;

import static dev.gatehouse.policy.shell.ShellClass.*;
import static dev.gatehouse.policy.shell.GitFiles.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The shell guard's reading of a file the text writes (or takes from the session's input) and
 * then hands to a program that runs what it holds: a diff to patch, {@code git apply} or {@code
 * git am} (which may write {@code .git/config} or a hook), a module to {@code python3 -m}. Also
 * the programs that write under names they derive, for which the written file cannot be matched
 * by name ({@code split}, backups, decompressors).
 */
final class WrittenThenRun {
  private WrittenThenRun() {}

  /**
   * patch and {@code git apply} write the files (and, from a git diff header, the modes) the diff
   * they read names: only known when they run unless the diff is a file on disk named on the line
   * ({@code patch -p1 < fix.diff}, {@code -i FILE}, {@code git apply fix.diff}). Read from the
   * session's input (the exec request's data, what is typed), a pipe, a here-document or a
   * descriptor, it may be a diff of {@code .git/config} or a new executable hook: git's
   * {@code .git} check does not cover a bare repository's {@code config} and {@code hooks/}.
   * Options by GNU patch's table and git apply's (permuted: an operand may come first); an
   * option or word not known fails closed. {@code git am} reads a mailbox of such diffs the same
   * way (its operands, else its input), unless it only goes on with, skips or ends one it began.
   */
  static boolean patchesFromInput(ShellCommand c) {
    return patchesFromInput(c, new ArrayList<>());
  }

  /**
   * A diff reader's options, as its getopt reads them: short options with a value (attached or the
   * next word), short options whose value is only ever attached, short options without one; the
   * long ones likewise; the options that apply nothing new (git am's {@code --continue}, {@code -r});
   * the option that names the diff file (patch's {@code -i}/{@code --input}), if any.
   */
  private record DiffOptions(String shortArg, String shortAttached, String shortNoArg, String shortResume,
      List<String> longArg, List<String> longNoArg, List<String> longResume, char shortInput, String longInput) {}

  /** GNU patch's table (patch --help). */
  private static final DiffOptions PATCH_OPTIONS = new DiffOptions("pFiorDVBYzgdx", "", "lcenuNREZTbtfsv", "",
      List.of("strip", "fuzz", "input", "output", "reject-file", "ifdef", "version-control", "prefix",
          "basename-prefix", "suffix", "get", "directory", "debug", "quoting-style", "reject-format", "read-only"),
      List.of("ignore-whitespace", "context", "ed", "normal", "unified", "forward", "reverse", "merge",
          "remove-empty-files", "set-utc", "set-time", "backup", "backup-if-mismatch", "no-backup-if-mismatch", "batch",
          "force", "quiet", "silent", "verbose", "dry-run", "posix", "binary", "version", "help"),
      List.of(), 'i', "input");

  /** git apply's (git apply -h). */
  private static final DiffOptions GIT_APPLY_OPTIONS = new DiffOptions("pC", "", "Rvq3N", "",
      List.of("exclude", "include", "directory", "whitespace", "build-fake-ancestor"),
      List.of("stat", "numstat", "summary", "check", "index", "intent-to-add", "3way", "ours", "theirs",
          "union", "apply", "no-add", "binary", "cached", "recount", "reject", "reverse", "unidiff-zero", "allow-empty",
          "allow-binary-replacement", "verbose", "quiet", "unsafe-paths", "inaccurate-eof", "ignore-space-change",
          "ignore-whitespace", "no-3way", "no-verbose", "no-index", "no-cached", "no-check", "no-stat", "no-reject"),
      List.of(), '\0', null);

  /** git am's (git am -h); {@code -S[KEYID]} takes its value only attached, {@code -r} is {@code --resolved}. */
  private static final DiffOptions GIT_AM_OPTIONS = new DiffOptions("Cp", "S", "i3qsukmc", "r",
      List.of("quoted-cr", "whitespace", "directory", "exclude", "include", "patch-format", "resolvemsg", "empty"),
      List.of("interactive", "3way", "no-3way", "quiet", "signoff", "no-signoff", "utf8", "no-utf8", "keep",
          "keep-non-patch", "message-id", "no-message-id", "keep-cr", "no-keep-cr", "scissors", "no-scissors",
          "ignore-space-change", "ignore-whitespace", "reject", "allow-empty", "committer-date-is-author-date",
          "ignore-date", "rerere-autoupdate", "no-rerere-autoupdate", "gpg-sign", "no-gpg-sign", "no-verify", "verify"),
      List.of("continue", "resolved", "skip", "abort", "quit", "show-current-patch", "retry"), '\0', null);

  /** As {@link #patchesFromInput(ShellCommand)}; adds the diff files it names on disk to {@code named}. */
  static boolean patchesFromInput(ShellCommand c, List<Word> named) {
    List<Word> a = c.args();
    int from;
    DiffOptions options;
    if (c.name().equals("patch")) {
      from = 0;
      options = PATCH_OPTIONS;
    } else if (c.name().equals("git")) {
      from = Wrappers.gitSubcommand(c.argValues());
      String sub = from < a.size() ? a.get(from).value() : "";
      if (sub.equals("am")) {
        options = GIT_AM_OPTIONS;
      } else if (sub.equals("apply")) {
        options = GIT_APPLY_OPTIONS;
      } else {
        return false;
      }
      from++;
    } else {
      return false;
    }
    List<Word> ops = new ArrayList<>();
    Word input = null;
    boolean ended = false;
    for (int i = from; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (!w.literal() && (v.isEmpty() || v.charAt(0) == Word.UNKNOWN) || v.indexOf(Word.UNKNOWN) >= 0 && v.startsWith("-")) {
        return true;
      }
      if (ended || !v.startsWith("-") || v.equals("-")) {
        ops.add(w);
        continue;
      }
      if (v.equals("--")) {
        ended = true;
        continue;
      }
      if (v.startsWith("--")) {
        if (options.longResume().stream().anyMatch(x -> Wrappers.longOption(v, x))) {
          return false;
        }
        int eq = v.indexOf('=');
        String name = options.longArg().stream().filter(x -> Wrappers.longOption(v, x)).findFirst().orElse(null);
        if (name == null && options.longNoArg().stream().noneMatch(x -> Wrappers.longOption(v, x))) {
          return true;
        }
        if (name != null) {
          Word value = eq >= 0 ? Word.literal(v.substring(eq + 1), v.substring(eq + 1)) : i + 1 < a.size() ? a.get(++i) : null;
          if (name.equals(options.longInput())) {
            input = value;
          }
        }
        continue;
      }
      for (int j = 1; j < v.length(); j++) {
        char ch = v.charAt(j);
        if (options.shortResume().indexOf(ch) >= 0) {
          return false;
        }
        if (options.shortAttached().indexOf(ch) >= 0) {
          break;
        }
        if (options.shortArg().indexOf(ch) >= 0) {
          Word value = j + 1 < v.length() ? Word.literal(v.substring(j + 1), v.substring(j + 1)) : i + 1 < a.size() ? a.get(++i) : null;
          if (ch == options.shortInput()) {
            input = value;
          }
          break;
        }
        if (options.shortNoArg().indexOf(ch) < 0) {
          return true;
        }
      }
    }
    // patch [ORIGFILE [PATCHFILE]]: -i or a second operand names the diff; git apply and git am read every operand.
    List<Word> diffs = options == PATCH_OPTIONS
        ? (input != null ? List.of(input) : ops.size() > 1 ? List.of(ops.get(1)) : List.of())
        : ops;
    return namedDiffs(c, diffs, named);
  }

  /** The diffs read: the named files, else the input; adds those on disk to {@code named}. */
  private static boolean namedDiffs(ShellCommand c, List<Word> diffs, List<Word> named) {
    if (diffs.isEmpty()) {
      if (c.stdin() == ShellCommand.Stdin.FILE && !c.upstream().isEmpty()) {
        named.add(Word.literal(c.upstream().get(0), c.upstream().get(0)));
      }
      return c.stdin() != ShellCommand.Stdin.FILE;
    }
    named.addAll(diffs);
    return diffs.stream().anyMatch(w -> !Interpreters.regularPath(w));
  }

  /**
   * patch, {@code git apply} or {@code git am} of a diff file on disk that the same text writes:
   * by a redirection ({@code cat > d}, {@code head -c 999 > d}: the session's input; {@code printf
   * '… r/\056git/config …' > d}, {@code tr X . > d}: the text's own words, with the git name
   * escaped where {@link GitFiles#namesGitLocation} does not see it) or by a command not known to only read
   * that names it ({@code tee d}, {@code dd of=d}, a writer fed by xargs or find). The diff is then
   * no file on disk but the text's data, as from the input. Compared by the last component (a cd
   * may lie between); a written name only known when it runs, or a pattern that may be it, counts.
   */
  static Optional<String> patchesDiffTheTextWrites(ShellReading r) {
    for (ShellCommand c : r.commands()) {
      List<Word> diffs = new ArrayList<>();
      if (patchesFromInput(c, diffs) || diffs.isEmpty()) {
        continue;
      }
      for (ShellReading.Redirect w : r.writes()) {
        if (diffs.stream().anyMatch(d -> mayWrite(w.target(), d))) {
          return Optional.of(c.text());
        }
      }
      for (ShellCommand o : r.commands()) {
        if (o == c || Set.of("echo", "printf").contains(o.name())) {
          continue;
        }
        // xargs and find -exec add words only known when they run.
        boolean fed = o.via().stream().anyMatch(v -> v.equals("xargs") || v.startsWith("find ")) && !GIT_READERS.contains(o.name());
        if (fed || namedWords(o).stream().anyMatch(w -> diffs.stream().anyMatch(d -> mayWrite(w, d)))) {
          return Optional.of(c.text());
        }
      }
      if (r.commands().stream().anyMatch(o -> o != c && derivesNamesFromTextData(r, o))) {
        return Optional.of(c.text());
      }
    }
    return Optional.empty();
  }

  /**
   * {@code python3 -m MOD} puts the working directory first on {@code sys.path}: a module or
   * package of MOD's top-level name the same text writes ({@code printf … > json.py && python3 -m
   * json.tool f}, {@code json/__init__.py}, {@code json.pyc}, a copy into {@code json/}) is what
   * it imports, as is one an archive or decompressor of the text may put there. Compared by path
   * components (a cd may lie between); a written name only known when it runs, or a pattern that
   * may be one, counts. Not with {@code -I} or {@code -P}, which leave the directory out. A module
   * already on disk there is no data of the text (docs/security-model.md).
   */
  static Optional<String> runsModuleTheTextWrites(ShellReading r) {
    for (ShellCommand c : r.commands()) {
      String module = moduleRun(c);
      if (module == null) {
        continue;
      }
      String top = module.isEmpty() ? null : Regexes.split(module, "\\.")[0];
      List<Word> written = new ArrayList<>();
      r.writes().forEach(w -> written.add(w.target()));
      for (ShellCommand o : r.commands()) {
        if (o == c || Set.of("echo", "printf").contains(o.name())) {
          continue;
        }
        if (DERIVED_NAME_WRITERS.contains(o.name()) && !o.name().equals("git") || ReadAtStart.dpkgExtracts(o)
            || o.via().stream().anyMatch(v -> v.equals("xargs") || v.startsWith("find "))) {
          return Optional.of(c.text());
        }
        written.addAll(namedWords(o));
      }
      if (written.stream().anyMatch(w -> top != null && mayWriteModule(w, top) || mayWritePythonCode(w))) {
        return Optional.of(c.text());
      }
    }
    return Optional.empty();
  }

  /**
   * vim (under any of its names) told to run a file the same text writes: {@code -S FILE} (or
   * {@code Session.vim} without one), {@code -u FILE} (its vimrc), {@code -U FILE} (gvimrc),
   * {@code -s FILE} (typed keys, {@code :!CMD}). Compared as {@link #patchesDiffTheTextWrites}
   * compares diffs.
   */
  static Optional<String> vimRunsWhatTheTextWrites(ShellReading r) {
    for (ShellCommand c : r.commands()) {
      if (!Regexes.matches(c.name(), "g?vim(diff)?|vi|nvim|g?view|ex|editor|rvim|rview|evim|eview|vimx|vim\\.[a-z0-9]+")) {
        continue;
      }
      List<Word> a = c.args();
      List<Word> files = new ArrayList<>();
      for (int i = 0; i < a.size(); i++) {
        String v = a.get(i).value();
        if (v.equals("--")) {
          break;
        }
        if (Regexes.matches(v, "-[SuUs]")) {
          if (i + 1 < a.size() && !(v.equals("-S") && a.get(i + 1).value().startsWith("-"))) {
            files.add(a.get(++i));
          } else if (v.equals("-S")) {
            files.add(Word.literal("Session.vim", "Session.vim"));
          }
        } else if (Regexes.matches(v, "(?s)-[SuU].+")) {
          files.add(new Word(v.substring(2), v.substring(2), a.get(i).literal()));
        }
      }
      if (!files.isEmpty() && writtenByTheText(r, c, files)) {
        return Optional.of(c.text());
      }
    }
    return Optional.empty();
  }

  /** One of {@code files} written by the text around {@code c}: a redirection, a program not known to only read, a derived name. */
  private static boolean writtenByTheText(ShellReading r, ShellCommand c, List<Word> files) {
    return writtenByTheText(r, c, Set.of(), w -> files.stream().anyMatch(d -> mayWrite(w, d)));
  }

  /** As {@link #writtenByTheText(ShellReading, ShellCommand, List)}: a written word passing {@code t}, the programs {@code skip} aside. */
  private static boolean writtenByTheText(ShellReading r, ShellCommand c, Set<String> skip,
      java.util.function.Predicate<Word> t) {
    for (ShellReading.Redirect w : r.writes()) {
      if (t.test(w.target())) {
        return true;
      }
    }
    for (ShellCommand o : r.commands()) {
      if (o == c || Set.of("echo", "printf").contains(o.name()) || skip.contains(o.name())) {
        continue;
      }
      boolean fed = o.via().stream().anyMatch(v -> v.equals("xargs") || v.startsWith("find ")) && !GIT_READERS.contains(o.name());
      if (fed || namedWords(o).stream().anyMatch(t)) {
        return true;
      }
    }
    return r.commands().stream().anyMatch(o -> o != c && derivesNamesFromTextData(r, o));
  }

  /** Build files make, ninja, cmake and cpack read by default or include; and the endings of those they include. */
  private static final Set<String> BUILD_FILES = Set.of("Makefile", "makefile", "GNUmakefile", "build.ninja",
      "CMakeLists.txt", "CMakeCache.txt", "CMakePresets.json", "CMakeUserPresets.json", "DartConfiguration.tcl",
      "CTestCustom.ctest");
  private static final Pattern BUILD_FILE_ENDINGS = Pattern.compile("(?s).*\\.(cmake|ninja|mk|make)");

  /**
   * A build program run by a text that writes its build file: make (also {@code -f}/{@code
   * --file}/{@code --makefile FILE}, {@code -C}/{@code --directory DIR}, in a bundle: {@code -sf},
   * {@code -sC}), ninja ({@code -C DIR}, {@code -vC}), cmake and ccmake ({@code -S DIR}, {@code -C
   * FILE}, an initial-cache script), cpack ({@code --config FILE}) run the recipes, {@code command
   * =} lines and cmake code of the file they read. Counts: a written file named by such an option
   * (or one that is no regular file by literal name); a written {@code Makefile}, {@code
   * build.ninja}, {@code CMakeLists.txt}, {@code *.cmake}, {@code *.mk} anywhere (a cd may lie
   * between); a write into a directory named by {@code -C}/{@code -S} or a cd of the text (a
   * {@code mkdir} of it writes nothing the build reads), any when the directory is only known when
   * it runs. Compared as {@link #patchesDiffTheTextWrites} compares diffs. {@code cmake -P FILE}
   * is a file named by an option (a descriptor, {@code <(…)} or a written file counts). ctest ({@code -S}/{@code -SP}/{@code
   * -SR}/{@code --script}/{@code --script-new-process FILE[,…]}, a dashboard script; {@code
   * --test-dir DIR}) reads the {@code CTestTestfile.cmake} of its directory as CMake code even with
   * {@code -N}, and {@code --build-and-test} configures a source directory with cmake. ctest's
   * dashboard steps ({@code -T}, {@code -D}, {@code -M}) run the MakeCommand, ConfigureCommand,
   * UpdateCommand… of its {@code DartConfiguration.tcl} (and read {@code CTestCustom.ctest}, {@code
   * CTestConfig.cmake}). cmake's code files named by {@code --toolchain}, {@code -D}{@code
   * CMAKE_TOOLCHAIN_FILE}, {@code CMAKE_PROJECT_[NAME_]INCLUDE[_BEFORE]}, {@code
   * CMAKE_PROJECT_TOP_LEVEL_INCLUDES}, {@code CMAKE_USER_MAKE_RULES_OVERRIDE[_LANG]} and the
   * {@code CMAKE_TOOLCHAIN_FILE} the text sets in the environment (read at the first {@code
   * project()}, any name) count as files named by an option.
   */
  static Optional<String> buildRunsWhatTheTextWrites(ShellReading r) {
    for (ShellCommand c : r.commands()) {
      String n = c.name();
      if (!Regexes.matches(n, "g?make|ninja|c?cmake|cpack|ctest")) {
        continue;
      }
      List<Word> files = new ArrayList<>();
      List<Word> dirs = new ArrayList<>();
      buildOptions(c, files, dirs);
      if (Regexes.matches(n, "c?cmake|ctest")) {
        for (ShellReading.Assignment as : r.assignments()) {
          if (as.variable().equals("CMAKE_TOOLCHAIN_FILE") && as.value() != null && !as.value().value().isEmpty()) {
            cmakeCodeFile(as.value(), files);
          }
        }
      }
      for (ShellCommand o : r.commands()) {
        if ((o.name().equals("cd") || o.name().equals("pushd")) && !o.args().isEmpty()) {
          dirs.add(o.args().get(o.args().size() - 1));
        }
      }
      List<Word> named = new ArrayList<>(files);
      BUILD_FILES.forEach(f -> named.add(Word.literal(f, f)));
      if (files.stream().anyMatch(f -> !Interpreters.regularPath(f)) || writtenByTheText(r, c, named)
          || writtenByTheText(r, c, Set.of(), w -> anyWrittenName(w, true, part -> BUILD_FILE_ENDINGS.matcher(part).matches()
              || PathPatterns.hasGlob(part) && mayEndLikeBuildFile(part)))) {
        return Optional.of(c.text());
      }
      // What the build programs themselves write into their directories is generated from the
      // project's files (cmake -B build, cmake --build build, make -C build): not the text's. cmake
      // -E copies and writes files as the text asks, so with it in the text cmake counts.
      boolean cmakeCopies = r.commands().stream().anyMatch(o -> Regexes.matches(o.name(), "c?cmake") && o.argValues().contains("-E"));
      Set<String> generators = cmakeCopies ? Set.of("mkdir", "make", "gmake", "ninja", "ctest", "cpack")
          : Set.of("mkdir", "make", "gmake", "ninja", "ctest", "cpack", "cmake", "ccmake");
      for (Word d : dirs) {
        String dv = Regexes.replaceFirst(d.value(), "/+$", "");
        String leaf = dv.substring(dv.lastIndexOf('/') + 1);
        if (leaf.equals(".") || leaf.equals("..") || leaf.equals("-") || d.literal() && leaf.isEmpty()) {
          continue; // the working directory or one above: its build files are matched by name
        }
        boolean any = !d.literal() || leaf.indexOf(Word.UNKNOWN) >= 0;
        if (writtenByTheText(r, c, generators, w -> any || anyWrittenName(w, false, part -> part.equals(leaf)
            || PathPatterns.hasGlob(part) && PathPatterns.componentCouldBe(part, Set.of(leaf))))) {
          return Optional.of(c.text());
        }
      }
    }
    return Optional.empty();
  }

  /**
   * A program running a file the text writes as its commands: one that reads commands from its
   * standard input ({@link ShellClass#commandsFromInput(ShellCommand, boolean)}: vim in Ex mode,
   * {@code ed}, gdb, sqlite3, psql, each running {@code !CMD}, {@code shell CMD}, {@code .shell
   * CMD}, {@code \! CMD}) with the file redirected to it ({@code ed -s < f}, {@code psql 0<f});
   * a sed or awk script file ({@code sed -f f}, {@code --file=f}, {@code awk -f f}: GNU sed's
   * {@code e CMD}, awk's {@code system()}), not sandboxed; sqlite3's {@code .read FILE} in an
   * argument or a {@code -cmd} value (by any prefix of the name: {@code .rea}). Compared as
   * {@link #patchesDiffTheTextWrites} compares diffs; a {@code .read} whose file is only known
   * when it runs counts. A file the text does not write is a script brought in
   * (docs/security-model.md).
   */
  static Optional<String> readsCommandsTheTextWrites(ShellReading r) {
    for (ShellCommand c : r.commands()) {
      List<Word> files = new ArrayList<>();
      Word input = c.stdin() == ShellCommand.Stdin.FILE && !c.upstream().isEmpty()
          ? Word.literal(c.upstream().get(0), c.upstream().get(0)) : null;
      if (input != null && commandsFromInput(c, true)) {
        files.add(input);
      }
      if (Regexes.matches(c.name(), "g?sed|g?awk|mawk|nawk")) {
        ToolScripts.Source src = c.name().contains("sed") ? ToolScripts.sedSource(c.args()) : ToolScripts.awkSource(c.args());
        for (Word f : src.sandboxed() ? List.<Word>of() : src.files()) {
          // sed -f - and awk -f /dev/stdin read the script from the redirected file.
          boolean stdin = Regexes.matches(f.value(), "-|/dev/stdin|/dev/fd/0|/proc/self/fd/0");
          if (!stdin) {
            files.add(f);
          } else if (input != null) {
            files.add(input);
          }
        }
      }
      if (ShellClass.SSH_VALUE_LETTERS.containsKey(c.name())) {
        ShellClass.sshOptions(c).stream().filter(o -> o.letter() == 'F').forEach(o -> files.add(o.value()));
      }
      if (c.name().equals("prove")) {
        proveRcFiles(c.args(), files);
      }
      files.addAll(Consoles.files(c)); // mongosh x.js, usql -f q.sql, duckdb -init f, … (attack 17cs)
      boolean unknown = false;
      for (Word w : c.name().equals("sqlite3") || c.name().equals("sqlite") ? c.args() : List.<Word>of()) {
        for (String line : w.value().split("\n")) {
          java.util.regex.Matcher m = Pattern.compile("(?s)\\s*\\.\\s*['\"]?([A-Za-z]+)['\"]?(\\s+(.*))?").matcher(line);
          if (!m.matches() || m.group(1).length() < 2 || !"read".startsWith(m.group(1))) {
            continue;
          }
          String f = m.group(3) == null ? "" : Regexes.replaceAll(m.group(3).strip(), "^['\"]|['\"]$", "");
          unknown |= f.isEmpty() || f.indexOf(Word.UNKNOWN) >= 0;
          files.add(Word.literal(f, f));
        }
      }
      if (unknown || !files.isEmpty() && writtenByTheText(r, c, files)) {
        return Optional.of(c.text());
      }
    }
    return Optional.empty();
  }

  /**
   * prove's option files ({@code .proverc} of the working directory unless {@code --norc}, {@code
   * --rc FILE}, {@code --rc=FILE}), read as its options: {@code --exec PROG} runs PROG.
   */
  private static void proveRcFiles(List<Word> a, List<Word> files) {
    if (a.stream().noneMatch(w -> w.literal() && w.value().equals("--norc"))) {
      files.add(Word.literal(".proverc", ".proverc"));
    }
    for (int i = 0; i < a.size(); i++) {
      String v = a.get(i).value();
      if (v.equals("--rc") && i + 1 < a.size()) {
        files.add(a.get(++i));
      } else if (v.startsWith("--rc=")) {
        files.add(new Word(a.get(i).source(), v.substring(5), a.get(i).literal()));
      }
    }
  }

  /**
   * A {@code PATH} the text sets ({@code PATH=d:$PATH cmd}, {@code export PATH=…}) holding a
   * directory it writes into: a program found there ({@code d/foo}, a plugin {@code kubectl foo}
   * runs as {@code kubectl-foo}, {@code git foo} as {@code git-foo}) is the text's own file
   * (docs/security-model.md). Compared by the directory's last component (a cd may lie between);
   * an empty entry or {@code .} is the working directory (any write counts); an entry other than
   * {@code $PATH} whose name is only known when it runs ({@code $X}, {@code $(…)}) fails closed.
   */
  static Optional<String> pathHoldsWhatTheTextWrites(ShellReading r) {
    for (ShellReading.Assignment as : r.assignments()) {
      if (!as.variable().equals("PATH") || as.value() == null) {
        continue;
      }
      String[] sources = Regexes.replaceAll(as.value().source(), "^\"|\"$", "").split(":", -1);
      String[] values = as.value().value().split(":", -1);
      if (sources.length != values.length) {
        return Optional.of(as.text());
      }
      for (int i = 0; i < values.length; i++) {
        if (Regexes.matches(sources[i], "\"?\\$(PATH|\\{PATH})\"?")) {
          continue;
        }
        String dv = Regexes.replaceFirst(values[i], "/+$", "");
        String leaf = dv.substring(dv.lastIndexOf('/') + 1);
        if (leaf.indexOf(Word.UNKNOWN) >= 0 || leaf.isEmpty() && !values[i].isEmpty() && !values[i].startsWith("/")) {
          return Optional.of(as.text());
        }
        boolean any = values[i].isEmpty() || leaf.equals(".") || leaf.equals("..");
        // The builtins setting it name the entry, and a mkdir of it writes no program there.
        if (writtenByTheText(r, null, Set.of("export", "declare", "typeset", "local", "readonly", "env", "mkdir"), w -> any || anyWrittenName(w, false, part -> part.equals(leaf)
            || PathPatterns.hasGlob(part) && PathPatterns.componentCouldBe(part, Set.of(leaf))))) {
          return Optional.of(as.text());
        }
      }
    }
    return Optional.empty();
  }

  /**
   * run-parts of a directory the text writes into: it runs every executable file in DIR, so one
   * the text writes (or makes executable) there runs as {@code ./x} would, unjudged. Compared by the
   * directory's last component, as a {@code PATH} entry is; a directory only known when it runs,
   * the working directory or one above, or an option run-parts does not have, fail closed; {@code
   * --test}/{@code --list} only print the names (a {@code mkdir} of DIR writes no program there).
   */
  static Optional<String> runPartsRunsWhatTheTextWrites(ShellReading r) {
    for (ShellCommand c : r.commands()) {
      if (!c.name().equals("run-parts")) {
        continue;
      }
      List<Word> a = c.args();
      Word dir = null;
      boolean lists = false;
      boolean unknown = false;
      for (int i = 0; i < a.size(); i++) {
        String v = a.get(i).value();
        if (!a.get(i).literal() && (v.startsWith("-") || !v.isEmpty() && v.charAt(0) == Word.UNKNOWN) && dir == null) {
          unknown = true;
        } else if (v.equals("--")) {
          dir = i + 1 < a.size() ? a.get(i + 1) : null;
          break;
        } else if (v.equals("--test") || v.equals("--list")) {
          lists = true;
        } else if (Regexes.matches(v, "-[ua]|--(umask|arg|regex)")) {
          i++;
        } else if (v.startsWith("--")) {
          unknown |= !Regexes.matches(v, "--(report|reverse|verbose|debug|lsbsysinit|new-session|exit-on-error|help|version|(regex|umask|arg)=.*)");
        } else if (v.startsWith("-") && v.length() > 1) {
          unknown |= !Regexes.matches(v, "-[vdhV]+");
        } else {
          dir = a.get(i);
        }
      }
      if (lists && !unknown) {
        continue;
      }
      if (unknown || dir == null) {
        return Optional.of(c.text());
      }
      String dv = Regexes.replaceFirst(dir.value(), "/+$", "");
      String leaf = dv.substring(dv.lastIndexOf('/') + 1);
      if (!dir.literal() || leaf.indexOf(Word.UNKNOWN) >= 0) {
        return Optional.of(c.text());
      }
      boolean any = leaf.isEmpty() || leaf.equals(".") || leaf.equals("..");
      if (writtenByTheText(r, c, Set.of("mkdir"), w -> any || anyWrittenName(w, false, part -> part.equals(leaf)
          || PathPatterns.hasGlob(part) && PathPatterns.componentCouldBe(part, Set.of(leaf))))) {
        return Optional.of(c.text());
      }
    }
    return Optional.empty();
  }

  /**
   * A shell or interpreter ({@link Interpreters#isShellOrLanguage}: sh, bash, perl, python3,
   * tclsh, …) whose script (or redirected input: {@code sh < s}) is a file the same text writes
   * directly, a command run by a path the text writes ({@code ./x}, {@code /tmp/x}, {@code d/x}), or {@code source}/{@code .} of one:
   * the script is the text's own data (or a download), so running it is inline code. Directly:
   * the text names the file as a write target ({@link #directlyWritten}), or, failing closed, any
   * program not known to only read names it (compilers, linkers and build tools aside: a program
   * compiled in the session). Compared as {@link #mayWrite} compares. Files a program writes under
   * names it derives (git, tar, unzip, make, {@code cp -r} of a directory) do not count: a script
   * brought by those, or written by an earlier request, is a script brought in
   * (docs/security-model.md).
   */
  static Optional<String> runsScriptTheTextWrites(ShellReading r) {
    // The scripts first: most texts run none, and the written names are the costlier reading.
    List<Map.Entry<ShellCommand, List<Word>>> scripts = new ArrayList<>();
    for (ShellCommand c : r.commands()) {
      List<Word> run = scriptsRun(c);
      if (!run.isEmpty()) {
        scripts.add(Map.entry(c, run));
      }
    }
    if (scripts.isEmpty()) {
      return Optional.empty();
    }
    List<Word> written = directlyWritten(r);
    if (written.isEmpty()) {
      return Optional.empty();
    }
    for (Map.Entry<ShellCommand, List<Word>> e : scripts) {
      ShellCommand c = e.getKey();
      for (Word d : e.getValue()) {
        String leaf = Regexes.replaceFirst(Regexes.replaceFirst(d.value(), "/+$", ""), ".*/", "");
        // A script's name only known when it runs may be one the text wrote.
        if (leaf.indexOf(Word.UNKNOWN) >= 0 || written.stream().anyMatch(w -> mayWrite(w, d))) {
          return Optional.of(c.text());
        }
      }
    }
    return Optional.empty();
  }

  /**
   * An interpreter told to load a module before its script, where the same text writes that
   * module's file: node's {@code -r}/{@code --require}/{@code --import}/{@code --loader}/{@code
   * --experimental-loader} (node resolves {@code ./x} as {@code x}, {@code x.js}, {@code x.mjs},
   * {@code x.cjs}, {@code x.json}, {@code x.node} or the directory {@code x}; a bare {@code NAME/…}
   * as {@code node_modules/NAME}), ruby's {@code -r LIB} ({@code LIB}, {@code LIB.rb}, {@code
   * LIB.so}), perl's {@code -M}/{@code -m} (perl inserts {@code use A::B;}: {@code B.pm} or {@code
   * B.pmc} along {@code @INC}, {@code /etc/perl} first); and perl or ruby given {@code -I DIR}
   * while the text writes any module file, as the script's own {@code use}/{@code require} search
   * DIR first ({@code use strict} finds a written {@code strict.pm}). The module runs before the
   * script, as the script itself does ({@code node x.js}: {@link #runsScriptTheTextWrites}).
   * Compared by path components, written names as {@link #runsScriptTheTextWrites} finds them; a
   * written name only known when it runs counts (a preload only known when it runs is inline code:
   * {@link Interpreters#source}).
   */
  static Optional<String> preloadsWhatTheTextWrites(ShellReading r) {
    List<Word> written = null;
    for (ShellCommand c : r.commands()) {
      Set<String> files = new java.util.HashSet<>();
      List<String> anyEnding = new ArrayList<>();
      if (preloads(c, files, anyEnding).isEmpty() && anyEnding.isEmpty()) {
        continue;
      }
      written = written == null ? directlyWritten(r) : written;
      java.util.function.Predicate<String> loaded = part -> files.contains(part)
          || anyEnding.stream().anyMatch(part::endsWith)
          || PathPatterns.hasGlob(part) && (!anyEnding.isEmpty() || PathPatterns.componentCouldBe(part, files));
      if (written.stream().anyMatch(w -> anyWrittenName(w, false, loaded))) {
        return Optional.of(c.text());
      }
    }
    return Optional.empty();
  }

  private static final Set<String> NODE_PRELOAD_OPTIONS = Set.of("-r", "--require", "--import", "--loader",
      "--experimental-loader");
  private static final List<String> NODE_MODULE_ENDINGS = List.of("", ".js", ".mjs", ".cjs", ".json", ".node");
  private static final List<String> RUBY_MODULE_ENDINGS = List.of("", ".rb", ".so");

  /**
   * The words of {@code c} naming a module its interpreter loads before the script (read as
   * {@link #preloadsWhatTheTextWrites} says); adds the file names each may be to {@code files}, and
   * to {@code anyEnding} the endings of every module file when an include directory is given.
   */
  private static List<Word> preloads(ShellCommand c, Set<String> files, List<String> anyEnding) {
    String n = c.name();
    boolean node = Regexes.matches(n, "node(js|[0-9]+)?");
    boolean perl = Regexes.matches(n, "perl[0-9.]*");
    boolean ruby = Regexes.matches(n, "ruby[0-9.]*");
    List<Word> words = new ArrayList<>();
    if (!node && !perl && !ruby) {
      return words;
    }
    List<Word> a = c.args();
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (v.equals("--")) {
        break;
      }
      if (node) {
        int eq = v.indexOf('=');
        String option = eq < 0 ? v : v.substring(0, eq);
        if (NODE_PRELOAD_OPTIONS.contains(option) && (eq >= 0 || i + 1 < a.size())) {
          String spec = eq >= 0 ? v.substring(eq + 1) : a.get(++i).value();
          words.add(eq >= 0 ? w : a.get(i));
          // ./x and /d/x by their last component; a bare name from node_modules/NAME (node:fs is built in).
          if (!spec.contains(":")) {
            String trimmed = Regexes.replaceFirst(spec, "/+$", "");
            boolean path = spec.startsWith(".") || spec.startsWith("/");
            String part = path ? trimmed.substring(trimmed.lastIndexOf('/') + 1) : Regexes.split(trimmed, "/")[0];
            NODE_MODULE_ENDINGS.forEach(e -> files.add(part + e));
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
              anyEnding.add(""); // a directory's index: any written file may be it
            }
          }
        }
        continue;
      }
      if (!v.startsWith("-") || v.startsWith("--")) {
        continue;
      }
      // A bundle of switches: perl's -M/-m take the rest of it; -I (and ruby's -r, -C, -E) the rest or the next word.
      for (int j = 1; j < v.length(); j++) {
        char ch = v.charAt(j);
        String rest = v.substring(j + 1);
        boolean next = rest.isEmpty() && i + 1 < a.size();
        if (perl && (ch == 'M' || ch == 'm')) {
          words.add(w);
          String module = Regexes.replaceFirst(Regexes.replaceFirst(rest, "^-", ""), "=.*", "");
          String leaf = module.substring(module.lastIndexOf(':') + 1);
          files.add(leaf + ".pm");
          files.add(leaf + ".pmc");
        } else if (ch == 'I') {
          i += next ? 1 : 0;
          anyEnding.addAll(perl ? List.of(".pm", ".pmc") : List.of(".rb", ".so"));
        } else if (ruby && ch == 'r') {
          Word value = next ? a.get(++i) : w;
          words.add(value);
          String lib = Regexes.replaceFirst(next ? value.value() : rest, "/+$", "");
          String leaf = lib.substring(lib.lastIndexOf('/') + 1);
          RUBY_MODULE_ENDINGS.forEach(e -> files.add(leaf + e));
        } else if (ruby && (ch == 'C' || ch == 'E')) {
          i += next ? 1 : 0;
        } else if ((perl ? "eElx0iCDd" : "exFi0WKT").indexOf(ch) < 0) {
          continue;
        }
        break; // the rest of the bundle is this switch's value
      }
    }
    return words;
  }

  /** The scripts {@code c} runs: a path run as a command, {@code source}/{@code .}'s file, a shell's or interpreter's script or redirected input. */
  private static List<Word> scriptsRun(ShellCommand c) {
    List<Word> scripts = new ArrayList<>();
    if (c.path().contains("/")) {
      scripts.add(Word.literal(c.path(), c.path()));
    }
    List<Word> a = c.args();
    if ((c.name().equals("source") || c.name().equals(".")) && !a.isEmpty()) {
      scripts.add(a.get(a.get(0).value().equals("--") && a.size() > 1 ? 1 : 0));
    } else if (Interpreters.isShellOrLanguage(c.name()) && Interpreters.source(c) == Interpreters.Source.SCRIPT) {
      // The script is the word at which source() first finds one.
      for (int i = 0; i < a.size(); i++) {
        ShellCommand upTo = new ShellCommand(c.name(), c.path(), a.subList(0, i + 1), c.text(), c.via(), c.stdin(), c.upstream());
        if (Interpreters.source(upTo) == Interpreters.Source.SCRIPT) {
          scripts.add(a.get(i));
          break;
        }
      }
    }
    // java's source-file mode (JDK 11+): java A.java, java --source N FILE compile and run FILE.
    if (c.name().equals("java")) {
      boolean source = false;
      for (int i = 0; i < a.size(); i++) {
        String v = a.get(i).value();
        if (v.equals("-jar") || v.equals("-m") || v.equals("--module") || v.startsWith("--module=")) {
          break;
        }
        source |= v.equals("--source") || v.startsWith("--source=");
        if (Regexes.matches(v, "-cp|-classpath|--class-path|-p|--module-path|--upgrade-module-path|--add-modules|--limit-modules"
            + "|--enable-native-access|--add-reads|--add-exports|--add-opens|--patch-module|--source|-d|--describe-module")) {
          i++;
        } else if (!v.startsWith("-") && !v.startsWith("@")) {
          if (source || v.endsWith(".java")) {
            scripts.add(a.get(i));
          }
          break;
        }
      }
    }
    // sh < s: its code is the redirected file.
    if (c.stdin() == ShellCommand.Stdin.FILE && !c.upstream().isEmpty() && Interpreters.readsCodeFromStdin(c)) {
      scripts.add(Word.literal(c.upstream().get(0), c.upstream().get(0)));
    }
    return scripts;
  }

  /**
   * Compilers, linkers and build tools: what they write is a program compiled in the session, a
   * stated limit (docs/security-model.md), not the text's data as a script. A C compiler writing
   * text ({@link #compilerWritesText}) and make's text rules ({@link #makeCopies}) count.
   */
  private static final Pattern BUILDERS = Pattern.compile("([a-z0-9_]+-)*(gcc|g\\+\\+|cc|c\\+\\+|clang(\\+\\+)?|tcc"
      + "|gfortran|ld(\\.(bfd|gold|lld))?|ld\\.lld|lld|as|nasm|go|cargo|rustc|javac|kotlinc|scalac|ghc|zig|swiftc|make|gmake"
      + "|cmake|ninja|meson|mvn|mvnw|gradle|gradlew|ant|bazel|bazelisk|dotnet|msbuild)(-[0-9.]+)?");

  /**
   * Programs that change a file's mode, owner or times, make a directory, look a program up, or set
   * variables, send signals or print facts: they write no file's content.
   */
  static final Set<String> NO_CONTENT = Set.of("chmod", "chown", "chgrp", "touch", "mkdir", "chattr", "setfacl",
      "which", "type", "shellcheck", "kill", "export", "declare", "typeset", "local", "readonly", "unset", "set", "shift",
      "sleep", "wait", "exit", "return", "true", "false", ":", "read", "date", "hostname", "whoami", "id", "uname", "nproc",
      "pwd");

  /** curl's short options that take a value (curl --help all). */
  private static final String CURL_VALUED = "AbcCdDeEFHKmoPQrtTuUwxXyYz";

  /**
   * The words naming a file the text writes directly: redirections ({@code >}, {@code >>},
   * {@code >|}, {@code &>}, a here-document into {@code cat > f}); {@code tee}'s files; {@code
   * cp}/{@code mv}/{@code install}/{@code ln}'s target, and the source's last component in it (a
   * target directory holds it); {@code dd of=}; {@code curl -o}/{@code --output}, and with {@code
   * -O}/{@code --remote-name} the URL's last component ({@code -J}: a name only known when it runs);
   * {@code wget -O}/{@code --output-document}, else the URL's last component; the files of {@code
   * sed -i} and {@code perl -i}; failing closed, the words of every other program not known to
   * only read ({@code sort -o s}, {@code uniq a s}, sed's {@code w s}, awk's {@code print > "s"}),
   * or any name for one fed by xargs or find, but {@link #BUILDERS} and {@link #NO_CONTENT}.
   */
  private static List<Word> directlyWritten(ShellReading r) {
    return directlyWritten(r, true);
  }

  /** With {@code all} false, only the programs read by name above (ReadAtStart's archives: no loop back to it). */
  static List<Word> directlyWritten(ShellReading r, boolean all) {
    List<Word> out = new ArrayList<>();
    r.writes().forEach(w -> out.add(w.target()));
    for (ShellCommand o : r.commands()) {
      List<Word> a = o.args();
      List<String> av = o.argValues();
      switch (o.name()) {
        case "tee" -> out.addAll(operands(o));
        case "cp", "mv", "install", "ln" -> {
          out.addAll(namedWords(o));
          List<Word> ops = operands(o);
          for (Word w : ops.size() > 1 || o.name().equals("ln") ? ops : List.<Word>of()) {
            String v = Regexes.replaceFirst(w.value(), "/+$", "");
            String leaf = v.substring(v.lastIndexOf('/') + 1);
            out.add(new Word(leaf, leaf, w.literal()));
          }
        }
        case "dd" -> a.stream().filter(w -> w.value().startsWith("of=")).forEach(w ->
            out.add(new Word(w.value().substring(3), w.value().substring(3), w.literal())));
        case "curl" -> {
          boolean remote = false;
          List<Word> urls = new ArrayList<>();
          for (int i = 0; i < a.size(); i++) {
            String v = av.get(i);
            if (v.startsWith("--")) {
              if (v.startsWith("--output=")) {
                out.add(Word.literal(v.substring(9), v.substring(9)));
              } else if (v.equals("--output") && i + 1 < a.size()) {
                out.add(a.get(++i));
              } else if (v.startsWith("--remote-name")) {
                remote = true;
              } else if (v.equals("--remote-header-name")) {
                out.add(new Word("", "", false));
              } else if (v.equals("--url") && i + 1 < a.size()) {
                urls.add(a.get(++i));
              }
              continue;
            }
            if (!v.startsWith("-") || v.length() < 2) {
              urls.add(a.get(i));
              continue;
            }
            for (int j = 1; j < v.length(); j++) {
              char ch = v.charAt(j);
              remote |= ch == 'O';
              if (ch == 'J') {
                out.add(new Word("", "", false));
              }
              if (CURL_VALUED.indexOf(ch) >= 0) {
                Word value = j + 1 < v.length() ? Word.literal(v.substring(j + 1), v.substring(j + 1))
                    : i + 1 < a.size() ? a.get(++i) : null;
                if (ch == 'o' && value != null) {
                  out.add(value);
                }
                break;
              }
            }
          }
          if (remote) {
            urls.forEach(w -> out.add(urlLeaf(w)));
          }
        }
        case "wget", "wget2" -> {
          boolean named = false;
          for (int i = 0; i < a.size(); i++) {
            String v = av.get(i);
            if (v.startsWith("--output-document=")) {
              named = true;
              out.add(Word.literal(v.substring(18), v.substring(18)));
            } else if (v.equals("--output-document") || v.equals("-O")) {
              named = true;
              if (i + 1 < a.size()) {
                out.add(a.get(++i));
              }
            } else if (Regexes.matches(v, "(?s)-[^-]*O.*")) {
              named = true;
              String value = v.substring(v.indexOf('O') + 1);
              out.add(value.isEmpty() ? (i + 1 < a.size() ? a.get(++i) : new Word("", "", false)) : Word.literal(value, value));
            }
          }
          if (!named) {
            operands(o).forEach(w -> out.add(urlLeaf(w)));
          }
        }
        case "sed", "gsed", "perl" -> {
          if (av.stream().anyMatch(v -> v.startsWith("--in-place") || Regexes.matches(v, "(?s)-[^-]*i.*"))) {
            out.addAll(operands(o));
          }
        }
        default -> { }
      }
    }
    if (!all) {
      return out;
    }
    // Failing closed, as for git's files: any program not known to only read writes what it names
    // (sort -o s, uniq a s, xxd -r h s, openssl -out s, sed's w s, awk's print > "s", link a s),
    // its own scripts aside; one fed by xargs or find writes names only known when it runs.
    List<Word> backupSuffixes = ShellClass.simpleBackupSuffixes(r);
    for (ShellCommand o : r.commands()) {
      String n = o.name();
      // A compiler writing text (gcc -E, --preprocess, -S, -save-temps, -M, -fdump-…, or an option
      // not known to write only objects) writes its input as text, also under names it derives
      // from its input's and output's; cmake -E copies, renames and writes files as asked.
      boolean compiler = n.matches(C_COMPILERS);
      boolean asked = compiler ? compilerWritesText(o, out) : Regexes.matches(n, "c?cmake(-[0-9.]+)?") ? o.argValues().contains("-E")
          : n.matches(ASSEMBLERS) ? !objectOnly(o, AS_OBJECT_OPTIONS.asMatchPredicate(), AS_VALUED)
          : n.matches(LINKERS) && !objectOnly(o, LD_ONLY_OPTIONS.or(LD_OBJECT_OPTIONS.asMatchPredicate()), LD_VALUED);
      if (Set.of("echo", "printf").contains(n) || NO_CONTENT.contains(n) || BUILDERS.matcher(n).matches() && !asked) {
        continue;
      }
      if (n.equals("find")) {
        // What find runs is a command of its own (below); -fprint/-fls name the list it writes.
        List<String> av = o.argValues();
        for (int i = 0; i + 1 < av.size(); i++) {
          if (Regexes.matches(av.get(i), "-(fprint0?|fprintf|fls)")) {
            out.add(o.args().get(i + 1));
          }
        }
        out.addAll(Wrappers.findMayWrite(o.args())); // after a word only known when it runs ("$d" may be -fprint)
        continue;
      }
      if (o.via().stream().anyMatch(v -> v.equals("xargs") || v.startsWith("find ")) && !GIT_READERS.contains(n)) {
        out.add(new Word("", "", false));
        continue;
      }
      // Its own script, and the words of the code it runs (sh -c, watch), which the reading
      // judges as commands of their own.
      List<Word> own = scriptsRun(o);
      own.addAll(preloads(o, new java.util.HashSet<>(), new ArrayList<>())); // node -r ./x reads ./x
      List<String> code = Wrappers.unwrap(n, o.args()).stream().filter(st -> st instanceof Wrappers.Code)
          .map(st -> ((Wrappers.Code) st).text()).toList();
      namedWords(o).stream().filter(w -> !own.contains(w) && code.stream().noneMatch(t -> t.contains(w.value())))
          .forEach(out::add);
      if (!backupSuffixes.isEmpty()) {
        out.addAll(ShellClass.backupNames(o, backupSuffixes)); // SIMPLE_BACKUP_SUFFIX=s cp -b y k writes ks
      }
    }
    // A decompressor writes its operand's name without the suffix (gunzip ks.gz writes ks), or any
    // name (-N); tar and zipnote the members of the text's own bytes: when the data is the text's.
    for (ShellCommand o : r.commands()) {
      if (Regexes.matches(o.name(), "g?tar|bsdtar|zipnote") || derivesNamesFromTextData(r, o)) {
        out.addAll(ReadAtStart.derivedNames(o));
      }
      if (ReadAtStart.extractsTextArchive(r, o)) {
        out.add(new Word("", "", false)); // an archive of the text's own bytes: its members are any name
      }
    }
    makeCopies(r, out);
    return out;
  }

  /** The assemblers among {@link #BUILDERS}, and GNU as's other names. */
  private static final String ASSEMBLERS = "([a-z0-9_]+-)*g?as(-[0-9.]+)?";

  /** The linkers among {@link #BUILDERS}. */
  private static final String LINKERS = "([a-z0-9_]+-)*(ld(\\.(bfd|gold|lld))?|ld\\.lld|lld)(-[0-9.]+)?";

  /** GNU as's options (as --help, Binutils 2.40) that take the next word as their value. */
  private static final Set<String> AS_VALUED = Set.of("-o", "-I", "--defsym", "-defsym", "--debug-prefix-map",
      "-debug-prefix-map");

  /**
   * GNU as's options known to write only the object (getopt_long_only: a long option also with
   * one dash): any other ({@code -a…} listings, which repeat each source line as text, {@code
   * --MD}'s dependency file, {@code @FILE}, an abbreviation) may write text.
   */
  private static final Pattern AS_OBJECT_OPTIONS = Pattern.compile("-o.+|-I.+|-[gWwXZJKLRMnqskfDVv]|-O[012s]?|-Q[yn]"
      + "|--?(gen-debug|gstabs\\+?|gdwarf-[2-5]|gdwarf-cie-version=[0-9]+|gdwarf-sections|32|64|x32|no-warn|warn"
      + "|fatal-warnings|version|help|target-help|keep-locals|mri|nocpp|no-pad-sections|execstack|noexecstack"
      + "|compress-debug-sections(=[a-z-]+)?|nocompress-debug-sections|size-check=[a-z]+|elf-stt-common=[a-z]+"
      + "|sectname-subst|generate-missing-build-notes=[a-z]+|gsframe|traditional-format|strip-local-absolute"
      + "|reduce-memory-overheads|hash-size=[0-9]+|divide|multibyte-handling=[a-z-]+|statistics|dump-config|alternate"
      + "|defsym=.*|debug-prefix-map=.*)|-m[A-Za-z0-9_-]+(=[A-Za-z0-9_.,+-]*)?");

  /** ld's options (ld --help) that take the next word as their value. */
  private static final Set<String> LD_VALUED = Set.of("-o", "--output", "-m", "-e", "--entry", "-T", "--script", "-L",
      "--library-path", "-l", "--library", "-u", "--undefined", "-z", "-h", "-soname", "--soname", "-rpath", "--rpath",
      "-rpath-link", "--rpath-link", "-dynamic-linker", "--dynamic-linker", "-plugin", "--plugin", "-plugin-opt",
      "--plugin-opt", "--sysroot", "-O", "--hash-style", "--build-id", "--version-script", "--defsym", "--wrap");

  /**
   * ld's options known to write only the program (those of {@code -Wl,}, and a few more): any
   * other ({@code -Map}, {@code -M}/{@code --print-map}, {@code --cref}, {@code -t}/{@code --trace},
   * {@code --dependency-file}, {@code @FILE}) may write the inputs' symbol and file names as text.
   */
  private static final java.util.function.Predicate<String> LD_ONLY_OPTIONS = Pattern.compile("-o.+|--output=.*|-m.+|-e.+"
      + "|--entry=.*|-T.+|--script=.*"
      + "|-u.+|--undefined=.*|-r|--relocatable|-i|-shared|-Bshareable|-static|-nostdlib|-plugin(-opt)?=.*|--plugin(-opt)?=.*"
      + "|--sysroot=.*|-x|--discard-all|-X|--discard-locals|--no-relax|-v|-V|--version|--help|-q|--emit-relocs|-n|-N"
      + "|--no-dynamic-linker|-Bsymbolic|-g|--(no-)?warn-.*|--color-diagnostics.*|--no-undefined-version|-nopie"
      + "|-f(ini|ini=.*)|--(no-)?print-gc-sections|--(no-)?ld-generated-unwind-info").asMatchPredicate();

  /**
   * Whether every word of {@code c} is an input, or an option {@code known} (its value among
   * {@code valued}'s next words) to write only an object or program.
   */
  private static boolean objectOnly(ShellCommand c, java.util.function.Predicate<String> known, Set<String> valued) {
    List<Word> a = c.args();
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (!w.literal() || v.indexOf(Word.UNKNOWN) >= 0 || v.startsWith("@")) {
        return false;
      }
      if (valued.contains(v)) {
        i++;
      } else if (v.startsWith("-") && !v.equals("-") && !known.test(v)) {
        return false;
      }
    }
    return true;
  }

  /** The C compiler drivers among {@link #BUILDERS}. */
  private static final String C_COMPILERS = "([a-z0-9_]+-)*(gcc|g\\+\\+|cc|c\\+\\+|clang(\\+\\+)?|tcc|gfortran)(-[0-9.]+)?";

  /** GCC's options (gcc --help) that take the next word as their value. */
  private static final Set<String> CC_VALUED = Set.of("-o", "-x", "-I", "-L", "-l", "-D", "-U", "-include", "-imacros",
      "-isystem", "-iquote", "-idirafter", "-iprefix", "-iwithprefix", "-iwithprefixbefore", "-isysroot", "-T", "-u", "-e",
      "-z", "-B", "-MF", "-MT", "-MQ", "-Xlinker", "-Xassembler", "-Xpreprocessor", "--param", "-aux-info", "-dumpbase",
      "-dumpbase-ext", "-dumpdir");

  /**
   * Options known to write only objects and programs, or to print to standard output: any other
   * ({@code -E}, {@code --preprocess}, {@code -S}, {@code --assemble}, {@code -save-temps}, {@code
   * -M…}, {@code -aux-info}, {@code -dumpbase}, {@code -Wp,}/{@code -Wa,}/{@code -Xlinker}, a word
   * only known when it runs) may write text.
   */
  private static final Pattern CC_OBJECT_OPTIONS = Pattern.compile("-c|-o.+|-O.*|-g.*|-w|-W(?![pal],).*|-I.+|-L.+|-l.+"
      + "|-D.+|-U.+|-x.+|-B.+|-std=.*|--std=.*|-ansi|-pedantic.*|-m.*|-shared|-static.*|-pthreads?|-pipe|-pie|-no-pie"
      + "|-rdynamic|-s|-r|-v|-###|--version|--help.*|--target-help|-dump(version|fullversion|machine|specs)|-print-.*"
      + "|-nostdlib.*|-nostdinc.*|-nodefaultlibs|-nostartfiles|-nolibc|-isystem.+|-iquote.+|-idirafter.+|--sysroot=.*"
      + "|-f(?!(no-)?(dump|callgraph-info|stack-usage|opt-info|save-optimization-record|compare-debug|report-bug|plugin"
      + "|lto-partition|debug-prefix-map|record-gcc-switches)).+|-include|-imacros|-isystem|-iquote|-idirafter|-iprefix"
      + "|-iwithprefix|-iwithprefixbefore|-isysroot|-T|-u|-e|-z|-o|-x|-I|-L|-l|-D|-U|-B|-MF|-MT|-MQ|--param");

  /** The linker options of {@code -Wl,} known to write only the program. */
  private static final Pattern LD_OBJECT_OPTIONS = Pattern.compile("-(-)?(rpath(=.*)?|rpath-link(=.*)?|R|as-needed|no-as-needed"
      + "|z|start-group|end-group|whole-archive|no-whole-archive|soname(=.*)?|h|O[0-9]|gc-sections|no-gc-sections|E|export-dynamic"
      + "|enable-new-dtags|disable-new-dtags|Bstatic|Bdynamic|Bsymbolic.*|version-script(=.*)?|hash-style=.*|build-id(=.*)?"
      + "|s|strip-all|S|strip-debug|no-undefined|allow-shlib-undefined|L.*|l.*|dynamic-linker(=.*)?|pie|no-pie|relax|icf=.*"
      + "|fatal-warnings|warn-common|sort-common|eh-frame-hdr|wrap=.*|defsym=.*|unresolved-symbols=.*)");

  /**
   * Whether compiler {@code c} may write text (a preprocessed, assembly, dependency or dump file):
   * then its words and the names it derives from its inputs' and output's ({@code a.i}, {@code
   * prog-a.s}, {@code a.c.005t.original}, {@code x.d}) are added to {@code out}.
   */
  private static boolean compilerWritesText(ShellCommand c, List<Word> out) {
    List<Word> a = c.args();
    boolean text = false;
    boolean named = false;
    List<String> stems = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (!w.literal() || v.indexOf(Word.UNKNOWN) >= 0) {
        text = true;
        named = true;
        continue;
      }
      if (v.equals("-") || !v.startsWith("-")) {
        String leaf = Regexes.replaceFirst(v, ".*/", "");
        stems.add(Regexes.replaceFirst(leaf, "(.)\\.[^.]*$", "$1"));
        continue;
      }
      if (v.startsWith("-Wl,") && java.util.Arrays.stream(v.substring(4).split(",")).allMatch(p -> !p.startsWith("-")
          || LD_OBJECT_OPTIONS.matcher(p).matches())) {
        continue;
      }
      if (!CC_OBJECT_OPTIONS.matcher(v).matches()) {
        text = true;
        named |= v.startsWith("-dump") || v.startsWith("-save-temps=") && !v.equals("-save-temps=cwd") && !v.equals("-save-temps=obj");
      }
      if (CC_VALUED.contains(v) && i + 1 < a.size()) {
        Word value = a.get(++i);
        if (v.equals("-o") && value.literal()) {
          String leaf = Regexes.replaceFirst(value.value(), ".*/", "");
          stems.add(leaf);
          stems.add(leaf + "-");
          stems.add(Regexes.replaceFirst(leaf, "(.)\\.[^.]*$", "$1"));
        } else if (v.equals("-o")) {
          named = true;
        }
      } else if (Regexes.matches(v, "-o.+")) {
        String leaf = Regexes.replaceFirst(v.substring(2), ".*/", "");
        stems.add(leaf);
        stems.add(leaf + "-");
        stems.add(Regexes.replaceFirst(leaf, "(.)\\.[^.]*$", "$1"));
      }
    }
    if (!text) {
      return false;
    }
    if (named) {
      out.add(new Word("", "", false));
    }
    // Derived names start with a stem and a dot, or the output's name and a dash.
    for (String s : stems) {
      String p = PathPatterns.hasGlob(s) ? "*" : s.endsWith("-") ? s + "*" : s + ".*";
      out.add(Word.literal(p, p));
    }
    return true;
  }

  /**
   * GNU make's built-in rules that copy or generate text rather than compile (make -p -f
   * /dev/null): a target's prerequisite name patterns, {@code %} its name.
   */
  private static final List<String[]> MAKE_TEXT_RULES = List.of(new String[] {"%", "%.sh"}, new String[] {"%", "%,v"},
      new String[] {"%", "RCS/%,v"}, new String[] {"%", "RCS/%"}, new String[] {"%", "s.%"}, new String[] {"%", "SCCS/s.%"},
      new String[] {"%.c", "%.y"}, new String[] {"%.c", "%.l"}, new String[] {"%.c", "%.w"}, new String[] {"%.c", "%.ch"},
      new String[] {"%.r", "%.l"}, new String[] {"%.m", "%.ym"}, new String[] {"%.f", "%.F"}, new String[] {"%.f", "%.r"},
      new String[] {"%.s", "%.S"}, new String[] {"%.tex", "%.w"}, new String[] {"%.tex", "%.ch"}, new String[] {"%.tex", "%.web"},
      new String[] {"%.p", "%.web"}, new String[] {"%.ln", "%.c"}, new String[] {"%.ln", "%.y"}, new String[] {"%.ln", "%.l"},
      new String[] {"%.info", "%.texinfo"}, new String[] {"%.info", "%.texi"}, new String[] {"%.info", "%.txinfo"},
      new String[] {"%.dvi", "%.tex"}, new String[] {"%.dvi", "%.texinfo"}, new String[] {"%.dvi", "%.texi"},
      new String[] {"%.dvi", "%.txinfo"}, new String[] {"%.sym", "%.def"}, new String[] {"%.out", "%"});

  /**
   * make's targets it builds by a built-in rule copying text the text writes ({@code s} from {@code
   * s.sh}: {@code cat s.sh > s}; yacc, lex, RCS, SCCS, cpp of {@code %.S}), or by any rule when the
   * text sets a variable (a compiler's flags: {@code CFLAGS=-E}, {@code CC=…}): written names.
   */
  private static void makeCopies(ShellReading r, List<Word> out) {
    boolean set = r.assignments().stream().anyMatch(as -> Regexes.matches(as.variable(), "[A-Z][A-Z0-9_.]*"));
    for (int round = 0; round < 2; round++) {
      for (ShellCommand c : r.commands()) {
        if (!Regexes.matches(c.name(), "g?make")) {
          continue;
        }
        List<Word> a = c.args();
        boolean assigns = set || a.stream().anyMatch(w -> !w.value().startsWith("-") && w.value().contains("="));
        for (int i = 0; i < a.size(); i++) {
          Word w = a.get(i);
          String v = w.value();
          if (Regexes.matches(v, "-[^-]*[fCIoWE]") || Regexes.matches(v, "--(file|makefile|directory|include-dir|old-file|assume-old|what-if"
              + "|new-file|assume-new|eval)")) {
            i++;
            continue;
          }
          if (v.startsWith("-") || v.contains("=") && w.literal()) {
            continue;
          }
          String leaf = Regexes.replaceFirst(Regexes.replaceFirst(v, "/+$", ""), ".*/", "");
          if (assigns || !w.literal() || leaf.indexOf(Word.UNKNOWN) >= 0
              || makeSources(leaf, 3).stream().anyMatch(p -> out.stream().anyMatch(x -> mayWrite(x, Word.literal(p, p))))) {
            if (!out.contains(w)) {
              out.add(w);
            }
          }
        }
      }
    }
  }

  /** The names make's text rules build {@code target} from, through up to {@code depth} rules. */
  private static Set<String> makeSources(String target, int depth) {
    Set<String> found = new java.util.LinkedHashSet<>();
    if (depth == 0 || target.isEmpty()) {
      return found;
    }
    for (String[] rule : MAKE_TEXT_RULES) {
      String suffix = rule[0].substring(1);
      if (target.length() > suffix.length() && target.endsWith(suffix)) {
        String stem = target.substring(0, target.length() - suffix.length());
        String source = rule[1].replace("%", stem);
        if (found.add(source)) {
          found.addAll(makeSources(Regexes.replaceFirst(source, ".*/", ""), depth - 1));
        }
      }
    }
    return found;
  }

  /** The name curl -O or wget gives a download: the URL's path's last component. */
  private static Word urlLeaf(Word url) {
    String v = Regexes.replaceFirst(url.value(), "[?#].*", "");
    String leaf = v.substring(v.lastIndexOf('/') + 1);
    return new Word(leaf, leaf, url.literal());
  }

  /** A pattern whose end after its last wildcard may end a name of {@link #BUILD_FILE_ENDINGS}. */
  private static boolean mayEndLikeBuildFile(String pattern) {
    String tail = Regexes.replaceFirst(pattern, "(?s).*[*?\\]]", "");
    return List.of(".cmake", ".ninja", ".mk", ".make").stream().anyMatch(e -> e.endsWith(tail));
  }

  /** The build file ({@code files}) and directory ({@code dirs}) options of make, ninja, cmake or cpack name. */
  private static void buildOptions(ShellCommand c, List<Word> files, List<Word> dirs) {
    String n = c.name();
    List<Word> a = c.args();
    if (n.equals("ctest")) {
      ctestOptions(a, files, dirs);
      return;
    }
    boolean make = n.endsWith("make") && !n.endsWith("cmake");
    // Short options with a value (attached or the next word), and those whose value is only attached.
    String withValue = make ? "CfIoWE" : n.equals("ninja") ? "Cfjkldtw" : n.equals("cpack") ? "CGDPRB" : "SBCDUGTAPLWE";
    String optional = make ? "jlO" : "";
    // cmake -P reads its script as CMake code (execute_process) whatever its name: a descriptor,
    // a process substitution or a file the text writes is code the text gives.
    String fileShort = make ? "f" : n.equals("ninja") ? "f" : n.equals("cpack") ? "" : "CP";
    String dirShort = make || n.equals("ninja") ? "C" : n.equals("cpack") ? "" : "S";
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (v.equals("--")) {
        break;
      }
      if (v.startsWith("--")) {
        int eq = v.indexOf('=');
        boolean file = make && (Wrappers.longOption(v, "file") || Wrappers.longOption(v, "makefile"))
            || n.equals("cpack") && Wrappers.longOption(v, "config");
        boolean dir = make && Wrappers.longOption(v, "directory");
        boolean toolchain = Regexes.matches(n, "c?cmake") && Wrappers.longOption(v, "toolchain");
        if (file || dir || toolchain) {
          Word value = eq >= 0 ? new Word(v, v.substring(eq + 1), w.literal()) : i + 1 < a.size() ? a.get(++i) : Word.literal("", "");
          if (toolchain) {
            cmakeCodeFile(value, files);
          } else {
            (file ? files : dirs).add(value);
          }
        }
        continue;
      }
      if (!v.startsWith("-") || v.length() < 2) {
        continue;
      }
      for (int j = 1; j < v.length(); j++) {
        char ch = v.charAt(j);
        if (optional.indexOf(ch) >= 0) {
          break;
        }
        if (withValue.indexOf(ch) >= 0) {
          Word value = j + 1 < v.length() ? new Word(v, v.substring(j + 1), w.literal())
              : i + 1 < a.size() ? a.get(++i) : Word.literal("", "");
          if (ch == 'D' && Regexes.matches(n, "c?cmake")) {
            cmakeCacheCodeFiles(value, files);
          } else if (fileShort.indexOf(ch) >= 0) {
            files.add(value);
          } else if (dirShort.indexOf(ch) >= 0) {
            dirs.add(value);
          }
          break;
        }
        if (!make && Regexes.matches(n, "c?cmake|cpack")) {
          break; // cmake's other options are words of their own (-Wdev, -DVAR=…)
        }
      }
    }
  }

  /** cmake's cache variables naming files of CMake code it reads while configuring. */
  private static final Pattern CMAKE_CODE_FILE_VARS = Pattern.compile("CMAKE_TOOLCHAIN_FILE|CMAKE_PROJECT_(.+_)?INCLUDE(_BEFORE)?"
      + "|CMAKE_PROJECT_TOP_LEVEL_INCLUDES|CMAKE_USER_MAKE_RULES_OVERRIDE(_.+)?");

  /** The code files a {@code -D NAME[:TYPE]=VALUE} names ({@code ;}-list); a name only known when it runs may be one. */
  private static void cmakeCacheCodeFiles(Word d, List<Word> files) {
    String v = d.value();
    int eq = v.indexOf('=');
    String name = Regexes.replaceFirst((eq < 0 ? v : v.substring(0, eq)), ":[^:]*$", "");
    if (name.indexOf(Word.UNKNOWN) >= 0) {
      files.add(d);
    } else if (eq >= 0 && CMAKE_CODE_FILE_VARS.matcher(name).matches()) {
      for (String part : v.substring(eq + 1).split(";")) {
        cmakeCodeFile(new Word(d.source(), part, d.literal() || part.indexOf(Word.UNKNOWN) < 0), files);
      }
    }
  }

  /**
   * A code file cmake reads: compared by its leaf when only the directory is known when it runs
   * ({@code $PWD/t}), else as it is (only known when it runs: counts).
   */
  private static void cmakeCodeFile(Word f, List<Word> files) {
    String v = f.value();
    int u = v.lastIndexOf(Word.UNKNOWN);
    String tail = u < 0 ? v : v.substring(u + 1);
    String leaf = tail.substring(tail.lastIndexOf('/') + 1);
    if (u >= 0 && tail.indexOf('/') >= 0 && !leaf.isEmpty() && !leaf.equals(".") && !leaf.equals("..")) {
      files.add(Word.literal(leaf, leaf));
    } else if (!v.isEmpty()) {
      files.add(f);
    }
  }

  /**
   * ctest's dashboard scripts ({@code -S}, {@code -SP}, {@code -SR}, {@code --script}, {@code
   * --script-new-process}, {@code FILE,DASHBOARD-OPTIONS}) and its test and build directories
   * ({@code --test-dir}, {@code --build-and-test SRC BIN}); a value only known when it runs is kept
   * as it is (and counts).
   */
  private static void ctestOptions(List<Word> a, List<Word> files, List<Word> dirs) {
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (!w.literal() && v.startsWith("-") || !w.literal() && i == 0) {
        files.add(w);
        continue;
      }
      if (v.equals("--test-command")) {
        break; // the rest is the test's command line (Wrappers)
      }
      boolean script = Regexes.matches(v, "-S[PR]?|--script|--script-new-process");
      if (script && i + 1 < a.size() || Regexes.matches(v, "-S[PR]?.+|--script(-new-process)?=.*") && !script) {
        String f = script ? a.get(++i).value() : Regexes.replaceFirst(v, "^(-S[PR]?|--script(-new-process)?=)", "");
        Word fw = script ? a.get(i) : w;
        String name = f.indexOf(',') >= 0 ? f.substring(0, f.indexOf(',')) : f;
        files.add(new Word(fw.source(), name, fw.literal()));
      } else if (v.equals("--test-dir") && i + 1 < a.size()) {
        dirs.add(a.get(++i));
      } else if (v.startsWith("--test-dir=")) {
        dirs.add(new Word(v, v.substring(11), w.literal()));
      } else if (v.equals("--build-and-test")) {
        for (int k = i + 1; k < Math.min(i + 3, a.size()); k++) {
          dirs.add(a.get(k));
        }
      }
    }
  }

  /**
   * The module {@code python… -m MOD} runs with the working directory on its path, empty for a
   * script (whose directory is on it), or null.
   */
  private static String moduleRun(ShellCommand c) {
    if (Regexes.matches(c.name(), "pytest(-3)?|py\\.test(-3)?")) {
      return ""; // imports the test files and conftest.py it finds from the working directory
    }
    if (Regexes.matches(c.name(), "ipython3?|pydoc[0-9.]*|flask") || c.name().equals("pygmentize")
        && c.args().stream().anyMatch(w -> !w.literal() || Regexes.matches(w.value(), "-[a-zA-Z]*x.*"))) {
      // ipython, pydoc (-k walks every module) and flask (app.py, --app MOD) put the working
      // directory on sys.path and import from it; pygmentize -x loads a lexer or formatter file.
      return "";
    }
    if (!Regexes.matches(c.name(), "python[0-9.]*|pypy[0-9.]*")) {
      return null;
    }
    PythonRun run = PythonRun.read(c.argValues());
    if (run.isolated()) {
      return null;
    }
    return run.script() ? "" : run.module() == null ? null : run.module().get(0);
  }

  /**
   * A written word that may be Python code any module imports from the directory first on {@code
   * sys.path} ({@code argparse.py} for {@code -m json.tool}, {@code datetime.py} for {@code -m
   * calendar}): a source, compiled or extension module, a package's {@code __init__}, or a name
   * only known when it runs.
   */
  private static boolean mayWritePythonCode(Word w) {
    return anyWrittenName(w, false, part -> Regexes.matches(part, "(?s).*\\.(py|pyc|pyw|so)|__init__.*")
        || PathPatterns.hasGlob(part) && Regexes.matches(part, "(?s).*\\.(p[^/]*|[^/]*y|[^/]*o|[^/]*c)"));
  }

  /** A written word that may be, or hold, the module or package {@code top}: a path component {@code top} or {@code top.*}. */
  private static boolean mayWriteModule(Word w, String top) {
    return anyWrittenName(w, false, part -> part.equals(top) || part.startsWith(top + ".")
        || PathPatterns.hasGlob(part) && PathPatterns.componentCouldBe(part, Set.of(top, top + ".py")));
  }

  /**
   * Whether a written word may hold a name {@code test} accepts: in any of its brace expansions,
   * any token a script or option value may put a name in, each path component of it (or only the
   * last); a word or name only known when it runs always may.
   */
  private static boolean anyWrittenName(Word w, boolean lastOnly, java.util.function.Predicate<String> test) {
    String v = w.value();
    if (!w.literal() && v.isEmpty()) {
      return true;
    }
    List<String> words = PathPatterns.braces(v);
    if (words == null) {
      return true;
    }
    for (String x : words) {
      for (String token : pathTokens(x)) {
        String trimmed = Regexes.replaceFirst(token, "/+$", "");
        String[] parts = lastOnly ? new String[] {trimmed.substring(trimmed.lastIndexOf('/') + 1)} : Regexes.split(token, "/+");
        for (String part : parts) {
          if (part.indexOf(Word.UNKNOWN) >= 0 || test.test(part)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * Programs that write files under names they derive from their operand or input or by default
   * ({@code split} → {@code xaa}, {@code csplit} → {@code xx00}, {@code gunzip d.gz} → {@code d},
   * an archive's members), so a diff file they write is not among the text's words.
   */
  private static final Set<String> DERIVED_NAME_WRITERS = Set.of("split", "csplit", "gzip", "gunzip", "pigz", "unpigz",
      "bzip2", "bunzip2", "pbzip2", "lbzip2", "xz", "unxz", "pixz", "lzma", "unlzma", "zstd", "unzstd", "zstdmt",
      "lz4", "unlz4", "lzip", "plzip", "lunzip", "lzop", "brotli", "compress", "uncompress", "unzip", "7z", "7za",
      "7zr", "unrar", "tar", "bsdtar", "cpio", "ar", "uudecode", "git");
  /** Of these, the ones reading the session's input as a rule (options not read: fail closed). */
  private static final Set<String> DERIVED_FROM_INPUT = Set.of("split", "csplit", "cpio", "uudecode", "git");

  /**
   * {@code o} may write, under a name it derives, data the text writes or the session's input:
   * split, csplit, cpio -i, uudecode, git mailinfo/mailsplit (git's subcommand only known when it
   * runs too); tar reading its input (no {@code f}, or {@code -}); any such program with an operand
   * the text writes ({@code gzip > d.gz && gunzip d.gz}, compared as in {@link #mayWrite}), only known
   * when it runs, or {@code -}; and any of them where the text runs two (a chain).
   */
  private static boolean derivesNamesFromTextData(ShellReading r, ShellCommand o) {
    boolean backup = writesUnderDerivedName(o);
    if (!DERIVED_NAME_WRITERS.contains(o.name()) && !backup) {
      return false;
    }
    if (backup && (Regexes.matches(o.name(), "g?awk|mawk|nawk") || o.args().stream().anyMatch(w -> w.value().matches(
        "(?s)/dev/(stdin|fd/.*)|/proc/.*")))) {
      return true;
    }
    List<Word> a = o.args();
    List<String> av = o.argValues();
    if (o.name().equals("git")) {
      int sub = Wrappers.gitSubcommand(av);
      if (sub >= a.size() || !Set.of("mailinfo", "mailsplit").contains(av.get(sub)) && a.get(sub).literal()) {
        return false;
      }
    }
    if (DERIVED_FROM_INPUT.contains(o.name()) || r.commands().stream().filter(x -> x != o
        && DERIVED_NAME_WRITERS.contains(x.name()) && !x.name().equals("git")).count() > 0) {
      return true;
    }
    if (o.name().endsWith("tar") && av.stream().noneMatch(v -> v.startsWith("--f") || v.startsWith("-") && !v.startsWith("--")
        && v.indexOf('f') > 0) && (av.isEmpty() || av.get(0).startsWith("-") || av.get(0).indexOf('f') < 0)) {
      return true;
    }
    List<Word> operands = new ArrayList<>();
    for (Word w : a) {
      String v = w.value();
      if (!w.literal() || v.indexOf(Word.UNKNOWN) >= 0 || v.equals("-") || v.startsWith("-si") || v.endsWith("=-")) {
        return true;
      }
      if (!Regexes.replaceAll(v, "[./]", "").isEmpty()) {
        operands.add(w); // a directory (tar -C .) is no data the text writes
      }
      // An archive's name attached to its option: --file=d.tar, tar -xfd.tar.
      int at = v.startsWith("--") ? v.indexOf('=') : o.name().endsWith("tar") && v.startsWith("-") ? v.indexOf('f') : -1;
      if (at > 0 && at + 1 < v.length()) {
        operands.add(Word.literal(v.substring(at + 1), v.substring(at + 1)));
      }
    }
    for (ShellReading.Redirect w : r.writes()) {
      if (operands.stream().anyMatch(d -> mayWrite(w.target(), d))) {
        return true;
      }
    }
    for (ShellCommand x : r.commands()) {
      if (x != o && !Set.of("echo", "printf").contains(x.name())
          && namedWords(x).stream().anyMatch(w -> operands.stream().anyMatch(d -> mayWrite(w, d)))) {
        return true;
      }
    }
    return false;
  }

  /**
   * A command that writes a file under a name derived from a named one or computed: a backup by
   * cp, mv, ln, install, rsync or patch ({@code -b}, {@code --backup[=numbered]}, a suffix or
   * prefix: {@code f~}, {@code f.~1~}, {@code -S .o}); sed or perl {@code -i} with a suffix (the
   * input before the edit, as {@code e.o}); savelog ({@code e.0}); a file renamed by an expression
   * (perl's rename, mmv); awk writing to anything but one literal string ({@code print > ("d" 1)},
   * {@code print > FILENAME "x"}, {@code toupper("d")}), or a program read from a file.
   */
  private static boolean writesUnderDerivedName(ShellCommand c) {
    String n = c.name();
    List<String> av = c.argValues();
    switch (n) {
      case "cp", "mv", "ln", "install", "rsync", "patch" -> {
        String shortOpts = n.equals("patch") ? "bBYz" : "bS";
        return av.stream().anyMatch(v -> v.startsWith("--backup") || v.startsWith("--suffix") || v.startsWith("--prefix")
            || v.startsWith("--basename-prefix")) || shortOpts.chars().anyMatch(f -> flag(c, (char) f));
      }
      case "sed", "gsed", "perl" -> {
        for (String v : av) {
          if (v.equals("--")) {
            return false;
          }
          int i = v.startsWith("-") && !v.startsWith("--") ? v.indexOf('i') : -1;
          // perl's -Ilib, -Mlist::Util, -e'…': the rest of a bundle after such a letter is its value.
          boolean value = n.equals("perl") && i > 0 && Regexes.matches(v.substring(1, i), ".*[IMmeExdDClF0].*");
          if (i > 0 && i + 1 < v.length() && !value || v.startsWith("--in-place=")) {
            return true;
          }
        }
        return false;
      }
      case "savelog", "rename", "prename", "file-rename", "perl-rename", "mmv" -> {
        return true;
      }
      default -> {
        if (!Regexes.matches(n, "g?awk|mawk|nawk")) {
          return false;
        }
      }
    }
    for (Word w : c.args()) {
      String v = w.value();
      if (Regexes.matches(v, "-f.*|--file.*|--include.*|-i.*")) {
        return true;
      }
      java.util.regex.Matcher m = Pattern.compile(">>?").matcher(v);
      while (m.find()) {
        String rest = v.substring(m.end());
        if (!rest.startsWith("=") && !Regexes.matches(rest, "(?s)\\s*\"([^\"\\\\]|\\\\.)*\"\\s*([;}\\n].*)?")) {
          return true;
        }
      }
    }
    return false;
  }

  /** A written word (a path, an option's value, a script's {@code w FILE}) that may be the file {@code d}. */
  private static boolean mayWrite(Word w, Word d) {
    String trimmed = Regexes.replaceFirst(d.value(), "/+$", "");
    String leaf = trimmed.substring(trimmed.lastIndexOf('/') + 1);
    if (leaf.isEmpty() || leaf.equals(".") || leaf.equals("..")) {
      return true;
    }
    return anyWrittenName(w, true, part -> part.equals(leaf) || part.startsWith("-") && part.length() > 2
        && part.substring(2).equals(leaf) || PathPatterns.hasGlob(part) && PathPatterns.componentCouldBe(part, Set.of(leaf)));
  }
}
