package dev.gatehouse.policy.shell;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Code npm and pip run from a setting or a package file rather than from a word the judge reads
 * as code: npm's lifecycle scripts of a {@code package.json} the text writes, npm's command
 * settings ({@code editor}, {@code script-shell}, {@code init-module}…) given by option, variable,
 * {@code npm config set} or a user configuration the text writes, pip's {@code config edit} editor.
 */
final class PackageScripts {
  private PackageScripts() {}

  /**
   * npm settings whose value is a command or code npm runs: {@code config edit}/{@code edit} spawn
   * {@code editor}; scripts and {@code npm exec --call} run with {@code script-shell}; {@code
   * explore} with {@code shell}; {@code init} runs {@code init-module}; {@code docs}/{@code repo}
   * open {@code browser}, {@code help} a {@code viewer}; git dependencies run {@code git}; {@code
   * node-options} and {@code node-gyp} reach every script.
   */
  private static final Set<String> NPM_CODE_SETTINGS = Set.of("editor", "script-shell", "shell", "init-module",
      "init.module", "browser", "viewer", "git", "node-options", "node-gyp", "call");

  /**
   * Files npm reads as code in the package it works on (or a parent, or a dependency under {@code
   * node_modules}): the {@code scripts} of {@code package.json}, a project {@code .npmrc} (its
   * settings above), {@code binding.gyp} (the default {@code install} script runs node-gyp on it),
   * and the global configuration {@code PREFIX/etc/npmrc} (wherever the global prefix is moved to).
   */
  private static final Set<String> NPM_PACKAGE_FILES = Set.of("package.json", ".npmrc", "binding.gyp", "npmrc");

  /** npm commands that run no script and no setting's command. */
  private static final Set<String> NPM_QUIET = Set.of("ls", "list", "la", "ll", "view", "v", "info", "show",
      "search", "s", "se", "find", "outdated", "whoami", "ping", "root", "prefix", "explain", "why", "query", "get",
      "help-search");

  /** npm options (beside the settings above) that take the next word as their value. */
  private static final Set<String> NPM_VALUE_OPTIONS = Set.of("-C", "--prefix", "-w", "--workspace", "--loglevel",
      "--registry", "--cache", "-L", "--location", "--tag", "--otp", "--omit", "--include", "-p", "--package",
      "--userconfig", "--globalconfig");

  static Optional<String> runsWhatTheTextSets(ShellReading r) {
    for (ShellReading.Assignment a : r.assignments()) {
      if (a.value() == null || a.value().value().isEmpty()) {
        continue;
      }
      String v = a.variable();
      // npm reads npm_config_* in any case, the rest of the name with - for _; pip reads PIP_ options by the lower-cased rest.
      if (v.regionMatches(true, 0, "npm_config_", 0, 11)
          && NPM_CODE_SETTINGS.contains(v.substring(11).replace('_', '-').toLowerCase(Locale.ROOT))
          || v.startsWith("PIP_") && v.substring(4).equalsIgnoreCase("editor")) {
        return Optional.of(a.text());
      }
    }
    for (ShellCommand c : r.commands()) {
      if ((c.name().equals("npm") || c.name().equals("npx")) && npmRuns(r, c) || pipEditorRuns(c)) {
        return Optional.of(c.text());
      }
    }
    return Optional.empty();
  }

  private static boolean npmRuns(ShellReading r, ShellCommand c) {
    List<Word> a = c.args();
    int operands = 0;
    boolean unsure = false;
    boolean runs = c.name().equals("npx"); // npm exec: its words name a package, not an npm command
    boolean options = true;
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (!w.literal() && (options || operands == 0)) {
        return true; // an option or the command only known when it runs
      }
      if (options && v.equals("--")) {
        options = false;
        continue;
      }
      if (options && v.startsWith("-") && v.length() > 1) {
        int eq = v.indexOf('=');
        String key = Regexes.replaceFirst((eq < 0 ? v : v.substring(0, eq)), "^--?", "").toLowerCase(Locale.ROOT);
        // nopt expands an abbreviation of a setting (--ed=, --scr=, --init-m=).
        if (key.length() >= 2 && NPM_CODE_SETTINGS.stream().anyMatch(s -> s.startsWith(key))) {
          return true;
        }
        boolean config = key.length() >= 5 && ("userconfig".startsWith(key) || "globalconfig".startsWith(key));
        Word value = eq >= 0 ? new Word(v, v.substring(eq + 1), w.literal()) : i + 1 < a.size() ? a.get(i + 1) : null;
        if (config && value != null && ReadAtStart.fileTheTextMayWrite(r, c, value)) {
          return true;
        }
        if (eq < 0 && (NPM_VALUE_OPTIONS.contains(v) || config)) {
          i++;
        } else if (eq < 0 && operands == 0) {
          unsure = true; // an option that may take the next word: the command may be the word after
        }
        continue;
      }
      // npm takes a command by any unique abbreviation (npm conf set).
      if (operands == 0 && (v.equals("c") || v.equals("set") || v.length() >= 3 && "config".startsWith(v))
          && npmConfigSetsCode(a.subList(i + 1, a.size()), v.equals("set"))) {
        return true;
      }
      if (operands == 0 || operands == 1 && unsure) {
        runs |= !quiet(a, i);
      }
      operands++;
    }
    for (ShellReading.Assignment as : r.assignments()) {
      if (as.value() != null && Regexes.matches(as.variable().toLowerCase(Locale.ROOT), "npm_config_(user|global)config")
          && ReadAtStart.fileTheTextMayWrite(r, c, as.value())) {
        return true;
      }
    }
    return runs && (writesPackageFile(r, c) || globalPrefixWritten(r, c));
  }

  /**
   * A global prefix ({@code PREFIX}, {@code npm_config_prefix} in any case, or {@code --prefix}
   * with {@code -g}/{@code --global}/{@code --location=global}) the text writes into: npm reads
   * its global configuration from {@code PREFIX/etc/npmrc}.
   */
  private static boolean globalPrefixWritten(ShellReading r, ShellCommand c) {
    List<Word> prefixes = new java.util.ArrayList<>();
    for (ShellReading.Assignment as : r.assignments()) {
      if (as.value() != null && (as.variable().equals("PREFIX") || as.variable().equalsIgnoreCase("npm_config_prefix"))) {
        prefixes.add(as.value());
      }
    }
    List<Word> a = c.args();
    boolean global = a.stream().anyMatch(w -> Regexes.matches(w.value(), "-g|--global|--location=global")
        || w.value().equals("--location") && a.indexOf(w) + 1 < a.size() && a.get(a.indexOf(w) + 1).value().equals("global"));
    for (int i = 0; global && i < a.size(); i++) {
      String v = a.get(i).value();
      if (v.equals("--prefix") && i + 1 < a.size()) {
        prefixes.add(a.get(i + 1));
      } else if (v.startsWith("--prefix=")) {
        prefixes.add(new Word(v, v.substring(9), a.get(i).literal()));
      }
    }
    return prefixes.stream().anyMatch(p -> ReadAtStart.dirTheTextMayWrite(r, c, p));
  }

  /** Whether the npm command at {@code i} runs no script: a quiet command, or {@code config get}/{@code list}. */
  private static boolean quiet(List<Word> a, int i) {
    if (i < 0) {
      return false;
    }
    String v = a.get(i).value();
    if (v.equals("c") || v.length() >= 3 && "config".startsWith(v)) {
      return a.subList(i + 1, a.size()).stream().filter(w -> !w.value().startsWith("-")).findFirst()
          .filter(w -> w.literal() && Set.of("get", "list", "ls").contains(w.value())).isPresent();
    }
    return NPM_QUIET.contains(v);
  }

  /** {@code npm config set KEY VALUE} (or {@code KEY=VALUE}) of a code setting, or of a key only known when it runs. */
  private static boolean npmConfigSetsCode(List<Word> rest, boolean set) {
    boolean setting = set;
    for (Word w : rest) {
      String v = w.value();
      if (v.startsWith("-")) {
        continue;
      }
      if (!setting) {
        if (!w.literal()) {
          return true;
        }
        if (!v.equals("set")) {
          return false;
        }
        setting = true;
        continue;
      }
      if (!w.literal()) {
        return true;
      }
      int eq = v.indexOf('=');
      String key = (eq < 0 ? v : v.substring(0, eq)).replace('_', '-').toLowerCase(Locale.ROOT);
      if (NPM_CODE_SETTINGS.contains(key) || Regexes.matches(key, "(user|global)config")) {
        return true;
      }
    }
    return false;
  }

  /**
   * A file of {@link #NPM_PACKAGE_FILES} the text writes, wherever it is (npm finds the package in
   * a parent directory, {@code --prefix}, {@code cd}), or a write whose name is only known when it
   * runs; {@code npm pkg set}, {@code sed -i}/{@code perl -i} of one; a copy into a directory may
   * bring one. An archive extracted or a checkout is a package brought in.
   */
  private static boolean writesPackageFile(ShellReading r, ShellCommand run) {
    for (ShellReading.Redirect w : r.writes()) {
      if (ReadAtStart.mayName(w.target(), NPM_PACKAGE_FILES)) {
        return true;
      }
    }
    for (ShellCommand o : r.commands()) {
      if (o == run || Set.of("echo", "printf").contains(o.name())) {
        continue;
      }
      // npm pkg set scripts.x=CMD writes the package's scripts; sed -i and perl -i rewrite a file in place.
      if (o.name().equals("npm") && o.argValues().contains("pkg")) {
        return true;
      }
      boolean inPlace = Regexes.matches(o.name(), "g?sed|perl") && o.argValues().stream()
          .anyMatch(v -> Regexes.matches(v, "(?s)-[^-]*i.*") || v.startsWith("--in-place"));
      if (inPlace && o.args().stream().anyMatch(w -> ReadAtStart.mayName(w, NPM_PACKAGE_FILES))) {
        return true;
      }
      boolean copy = Set.of("cp", "mv", "ln", "rsync", "install").contains(o.name());
      for (Word w : ShellClass.namedWords(o)) {
        String n = ShellClass.normalize(w.value());
        if (ReadAtStart.mayName(w, NPM_PACKAGE_FILES) || copy && (n.endsWith("/") || n.equals(".") || n.equals("..")
            || n.endsWith("/.") || n.endsWith("/.."))) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * {@code pip config edit} runs {@code --editor} (any abbreviation optparse takes) or {@code
   * PIP_EDITOR} with {@code sh -c} ({@code EDITOR}/{@code VISUAL} are read as code where they are set).
   */
  private static boolean pipEditorRuns(ShellCommand c) {
    List<String> av = c.argValues();
    if (Regexes.matches(c.name(), "python[0-9.]*|pypy[0-9.]*")) {
      List<String> m = ShellClass.PythonRun.read(av).module();
      if (m == null || !m.get(0).equals("pip")) {
        return false;
      }
      av = m.subList(1, m.size());
    } else if (!Regexes.matches(c.name(), "pip[0-9.]*")) {
      return false;
    }
    if (!av.contains("config")) {
      return false;
    }
    return av.stream().anyMatch(v -> {
      String k = Regexes.replaceFirst(v, "(?s)=.*", "");
      return k.length() >= 4 && k.startsWith("--") && "--editor".startsWith(k);
    }) || c.args().stream().anyMatch(w -> !w.literal() && w.value().startsWith("-"));
  }
}
