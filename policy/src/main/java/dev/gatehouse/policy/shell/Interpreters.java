package dev.gatehouse.policy.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Shells and language interpreters: how an invocation gets its code — inline ({@code -c}, {@code
 * -e}), from a script file, from standard input, or from a person at a prompt.
 */
final class Interpreters {
  /** How a shell or interpreter gets its code. */
  enum Source {
    /** {@code -c CODE}, {@code -e CODE}: in its arguments. */
    INLINE,
    /** A script file it is given. */
    SCRIPT,
    /** No code given: it reads standard input (a prompt when that is a terminal). */
    STDIN,
    /** It runs a module or does not run code ({@code python3 -m http.server}, {@code bash --version}). */
    OTHER,
    /**
     * A script by a name that may open the terminal or a descriptor rather than a file on disk
     * ({@code bash /dev/tty}, {@code python3 /dev/std?n}, a relative {@code stdin} or {@code 0} in a
     * working directory the text may have moved to {@code /dev} or {@code /proc/self/fd}).
     */
    TERMINAL
  }

  static final Set<String> LANGUAGES = Set.of("python", "python2", "python3", "pypy", "pypy3", "perl", "perl5", "ruby",
      "irb", "node", "nodejs", "deno", "bun", "php", "lua", "luajit", "Rscript", "R", "tclsh", "wish", "expect",
      "osascript", "jshell", "groovy", "scala", "julia", "guile", "racket", "sbcl", "ghci", "erl", "iex", "elixir",
      "powershell", "pwsh", "ipython", "ipython3", "ptpython", "ptipython", "bpython", "bpython3", "ipdb", "pdb",
      "pdb3",
      // attack pass 17cn: interpreters and their prompts that run what is typed at them (OCaml, Prolog, Forth,
      // Lisps, Schemes, the JVM's Python and Ruby, CoffeeScript and TypeScript runners, Clojure, PHP's psysh,
      // Octave, MATLAB, Maxima, PARI/GP, Sage, Jupyter's console, gnuplot (!CMD, system()), GNU dc (!CMD),
      // m4 (syscmd, esyscmd))
      "ocaml", "utop", "swipl", "gforth", "clisp", "ecl", "csi", "chez", "scheme", "petite", "kawa", "jython", "jruby",
      "jirb", "coffee", "ts-node", "tsx", "clojure", "clj", "psysh", "octave", "octave-cli", "matlab", "maxima", "gp",
      "sage", "jupyter-console", "gnuplot", "dc", "m4", "kotlin", "bb", "nbb", "hy", "pry", "radare2", "r2", "rizin",
      // attack pass 17cq: Groovy's shell, MySQL Shell (JavaScript, Python, \system) and mycli (system CMD),
      // Debian's chicken-csi and MIT Scheme
      "groovysh", "mysqlsh", "mycli", "chicken-csi", "mit-scheme");

  /**
   * Interpreters that start their prompt after whatever they load: a file or module given is loaded
   * into the prompt, not run in its place ({@code ghci F.hs}, {@code iex -S mix}, {@code jshell F.jsh},
   * {@code swipl f.pl}, {@code gforth f.fs}, {@code gp f.gp}, {@code csi f.scm}, {@code scheme f.ss});
   * erl starts its shell unless told not to (its {@code -noshell}/{@code -noinput}/{@code -detached}
   * bundles hold {@code e}: read as inline code).
   */
  private static final Set<String> PROMPT_AFTER_LOAD = Set.of("iex", "ghci", "jshell", "erl", "utop", "swipl", "gforth",
      "psysh", "jupyter-console", "chez", "petite", "scheme", "gp", "csi", "radare2", "r2", "rizin");

  /** The short option that leaves a prompt open after the script or code ({@code node -i f.js}, {@code php -a}). */
  private static boolean interactiveLetter(String n, char ch) {
    if (n.startsWith("python") || n.startsWith("pypy") || n.startsWith("lua")
        || Set.of("julia", "jython", "octave", "octave-cli", "racket").contains(n)) {
      return ch == 'i';
    }
    if (n.equals("clisp")) {
      return ch == 'i'; // -i INITFILE: the prompt after it (its value read as clisp's, attack 17cq)
    }
    return n.startsWith("php") && ch == 'a';
  }

  /** The option that takes inline code, per language. */
  private static String inlineOptions(String name) {
    if (name.startsWith("python") || name.startsWith("pypy") || Regexes.matches(name, "(i|pti?)?python3?|bpython3?")) {
      return "c";
    }
    return switch (name) {
      case "perl", "perl5" -> "eE";
      case "ruby", "lua", "luajit", "Rscript", "R", "osascript", "elixir", "erl", "groovy", "scala", "racket", "jrunscript",
          "kotlin", "bb", "nbb" -> "e";
      case "julia" -> "eE";
      case "hy" -> "c";
      case "lldb" -> "oOkK"; // --one-line commands: platform shell CMD, script CODE
      case "radare2", "r2", "rizin" -> "c"; // -c CMDS: !CMD runs a shell
      case "node", "nodejs", "bun" -> "ep";
      case "php" -> "rBRE"; // -B/-R/-E: code run before, for each line of, after the input
      case "expect", "pwsh", "powershell" -> "c";
      case "iex", "ghci", "gforth", "coffee", "jruby", "clj", "clojure", "gnuplot", "dc" -> "e";
      case "ts-node", "tsx", "csi", "chicken-csi" -> "ep";
      // pry -e CODE runs it before its prompt; mysqlsh -e and mycli -e run their code or commands (attack 17cq)
      case "pry", "mysqlsh", "mycli", "groovysh" -> "e";
      case "swipl" -> "gt";
      case "clisp" -> "x";
      case "jython", "guile" -> "c";
      case "kawa" -> "ec";
      case "matlab", "maxima" -> "r";
      default -> "";
    };
  }

  /** Python modules that are an interactive prompt themselves ({@code python3 -m code}). */
  private static final Set<String> REPL_MODULES = Set.of("code", "asyncio", "pdb", "IPython", "ptpython", "bpython",
      "idlelib", "ptipython", "jupyter_console", "pudb", "ipdb",
      // python 3.13's new prompt run by itself, xonsh (a shell in Python), bpython's debugger (attack pass 17cn)
      "_pyrepl", "xonsh", "bpdb");

  private static final Set<String> LONG_INLINE = Set.of("--eval", "--print", "-Command", "-command", "-EncodedCommand",
      "--command", "--expr", "-eval", "--expression", "-batch", "--run-string", "--batch-string");

  private Interpreters() {}

  // Compiled once: the judge asks this for every command of every text.
  private static final java.util.regex.Pattern VERSIONED_LANGUAGE = java.util.regex.Pattern.compile(
      "python[0-9.]+|pypy[0-9.]*|perl[0-9.]+|ruby[0-9.]+|php[0-9.]+|lua[0-9.]+|node[0-9]+"
      + "|tclsh[0-9.]+|wish[0-9.]+|irb[0-9.]+|guile-?[0-9.]+|jrunscript|lldb|jjs|rhino|ksh[0-9]*|mksh|yash|posh|hush"
      // lli: LLVM IR's interpreter/JIT, its module from a file or standard input (a call to system() is a command)
      + "|lli(-[0-9.]+)?");

  static boolean isLanguage(String name) {
    return LANGUAGES.contains(name) || VERSIONED_LANGUAGE.matcher(name).matches();
  }

  /**
   * A debugger or a prompt given as the script: {@code perl -d} (its debugger reads commands and
   * runs perl typed at it), a python run on the file of a prompt module ({@code …/code.py},
   * {@code pdb.py}).
   */
  static boolean debuggerOrReplScript(ShellCommand c) {
    String n = c.name();
    if (Regexes.matches(n, "i?pdb3?")) {
      return true; // python -m pdb by its launcher: -c and the prompt take Python (!CMD, os.system)
    }
    for (Word w : c.args()) {
      String v = w.value();
      if (v.equals("--")) {
        break;
      }
      if (n.startsWith("perl") && v.startsWith("-") && !v.startsWith("--")) {
        for (int i = 1; i < v.length(); i++) {
          char ch = v.charAt(i);
          if (ch == 'd') {
            return true;
          }
          if ("eEIMmlx0iCD".indexOf(ch) >= 0) {
            break; // the rest of the bundle is this switch's value
          }
        }
      }
      if ((n.startsWith("python") || n.startsWith("pypy")) && Regexes.matches(v, ".*/(code|pdb|asyncio/__main__|idlelib/.*)\\.py")) {
        return true;
      }
    }
    return false;
  }

  static boolean isShellOrLanguage(String name) {
    return Wrappers.isShell(name) || isLanguage(name);
  }

  /** Where {@code c}'s code comes from; {@link Source#OTHER} for a command that is neither a shell nor a language. */
  /**
   * The one word that makes each interpreter print its version (or build information) and exit,
   * by its manual; given alone it reads no code (attack 17cq: the prompts added by 17cn refused
   * {@code ocaml -version}, {@code kotlin -version}, {@code gforth -v}, {@code r2 -v}).
   */
  private static final java.util.Map<String, Set<String>> VERSION_ONLY = java.util.Map.ofEntries(
      java.util.Map.entry("node", Set.of("-v")), java.util.Map.entry("nodejs", Set.of("-v")),
      java.util.Map.entry("perl", Set.of("-v", "-V")), java.util.Map.entry("php", Set.of("-v", "-i", "-m")),
      java.util.Map.entry("ruby", Set.of("-v")), java.util.Map.entry("lua", Set.of("-v")),
      java.util.Map.entry("luajit", Set.of("-v")), java.util.Map.entry("julia", Set.of("-v")),
      java.util.Map.entry("elixir", Set.of("-v")), java.util.Map.entry("irb", Set.of("-v")),
      java.util.Map.entry("groovy", Set.of("-v")), java.util.Map.entry("bun", Set.of("-v")),
      java.util.Map.entry("ocaml", Set.of("-version", "-vnum")), java.util.Map.entry("kotlin", Set.of("-version")),
      java.util.Map.entry("scala", Set.of("-version")), java.util.Map.entry("gforth", Set.of("-v")),
      java.util.Map.entry("r", Set.of("-v")), java.util.Map.entry("radare", Set.of("-v", "-V")),
      java.util.Map.entry("rizin", Set.of("-v")));

  static Source source(ShellCommand c) {
    Source s = sourceRead(c);
    if (c.name().equals("racket") && s == Source.STDIN && c.args().stream().allMatch(Word::literal)
        && c.args().stream().noneMatch(w -> Regexes.matches(w.value(), "-[A-Za-z]*i[A-Za-z]*|--repl"))
        && c.args().stream().anyMatch(w -> Regexes.matches(w.value(), "-[A-Za-z]*[tlpfruk][A-Za-z]*"))) {
      // racket starts its prompt only without a program: -t FILE, -l LIB, -p, -f, -r, -u, -k give one
      return Source.SCRIPT;
    }
    return s;
  }

  private static Source sourceRead(ShellCommand c) {
    String n = c.name();
    List<Word> a = c.args();
    if (Wrappers.isShell(n)) {
      return shellSource(a);
    }
    if (!isLanguage(n)) {
      return Source.OTHER;
    }
    if (a.size() == 1 && a.get(0).literal()
        && VERSION_ONLY.getOrDefault(n.replaceAll("[0-9.]+$", ""), Set.of()).contains(a.get(0).value())) {
      return Source.OTHER; // node -v, php -v, ocaml -version: the version printed, no prompt (attack 17cq)
    }
    if (n.startsWith("tclsh") || n.startsWith("wish")) {
      return tclSource(a);
    }
    boolean python = n.startsWith("python") || n.startsWith("pypy");
    String inline = inlineOptions(n);
    String valued = valueOptions(n);
    Set<String> longValued = longValueOptions(n);
    boolean unsure = false;
    boolean interactive = PROMPT_AFTER_LOAD.contains(n); // python -i: a prompt after the script, module or code
    if ((n.equals("deno") || n.equals("bun")) && !a.isEmpty() && a.get(0).literal() && a.get(0).value().equals("repl")) {
      return Source.STDIN; // deno repl, bun repl: the prompt
    }
    if (n.equals("deno") && !a.isEmpty() && (!a.get(0).literal() || a.get(0).value().equals("eval"))) {
      return Source.INLINE; // deno eval CODE
    }
    if ((n.equals("deno") || n.equals("bun")) && !a.isEmpty() && a.get(0).literal() && a.get(0).value().equals("run")) {
      // deno run [OPTIONS] SCRIPT: read as the script after the subcommand (a data: URL is code)
      return source(new ShellCommand(c.name(), c.path(), a.subList(1, a.size()), c.text(), c.via(), c.stdin(), c.upstream()));
    }
    for (int i = 0; i < a.size(); i++) {
      String v = a.get(i).value();
      // An option the tables do not know, without =, may take this word as its value
      // (node --max-old-space-size 4096): then the script is not this word.
      boolean afterUnknownLong = unsure;
      unsure = false;
      if (LONG_INLINE.contains(v) || v.startsWith("--eval=") || v.startsWith("--print=")) {
        return Source.INLINE;
      }
      if (v.equals("--") || v.equals("-")) {
        return interactive || !(i + 1 < a.size() && !v.equals("-")) ? Source.STDIN : Source.SCRIPT;
      }
      if (v.startsWith("-") && v.length() > 1 && !v.startsWith("--")) {
        if (v.equals("-V") || v.equals("--version") || v.equals("-h")) {
          return Source.OTHER;
        }
        if (n.startsWith("perl")) {
          Source s = perlBundle(v);
          if (s != null) {
            return s;
          }
          if (Regexes.matches(v, "-[^IeEmM]*I")) {
            i++; // perl -I DIR: the next word is the directory
          }
          continue;
        }
        if (n.equals("ocaml") && v.equals("-init")) {
          interactive = true; // ocaml -init FILE: the toplevel's prompt after FILE (attack 17cq)
          i++;
          continue;
        }
        for (int j = 1; j < v.length(); j++) {
          char ch = v.charAt(j);
          if (inline.indexOf(ch) >= 0) {
            return Source.INLINE;
          }
          if (interactiveLetter(n, ch)) {
            interactive = true;
            continue;
          }
          if (valued.indexOf(ch) < 0) {
            continue;
          }
          boolean attached = j + 1 < v.length();
          Word value = attached ? new Word(v.substring(j + 1), v.substring(j + 1), a.get(i).literal())
              : i + 1 < a.size() ? a.get(i + 1) : new Word("", "", true);
          if (!attached) {
            i++;
          }
          if (python && ch == 'm') {
            // python -m module; the ones that are themselves a prompt read the terminal.
            Source s = moduleSource(value.value(), a, i + 1);
            return interactive && s != Source.INLINE ? Source.STDIN : s;
          }
          if (n.startsWith("ruby") && ch == 'S') {
            // ruby -S NAME runs NAME found in PATH: irb or pry is a prompt
            return Set.of("irb", "pry").contains(value.value()) || isLanguage(value.value()) || !value.literal()
                ? Source.STDIN : Source.SCRIPT;
          }
          if (n.startsWith("php") && (ch == 'f' || ch == 'F')) {
            return scriptOrStdin(value.value()); // php -f FILE, -F FILE: the script
          }
          if (ch == 'r' && n.startsWith("node") && preloadsInline(value)) {
            return Source.INLINE;
          }
          break;
        }
        continue;
      }
      if (v.startsWith("--")) {
        if (v.equals("--version") || v.equals("--help")) {
          return Source.OTHER;
        }
        int eq = v.indexOf('=');
        String name = eq < 0 ? v : v.substring(0, eq);
        if (n.startsWith("php") && Set.of("--run", "--process-begin", "--process-code", "--process-end").contains(name)) {
          return Source.INLINE;
        }
        if (n.startsWith("node") && (name.equals("--env-file") || name.equals("--env-file-if-exists"))) {
          return Source.INLINE; // its NODE_OPTIONS (--import=data:…) are options read from the file
        }
        if (n.startsWith("php") && (name.equals("--file") || name.equals("--process-file"))) {
          return eq >= 0 ? scriptOrStdin(v.substring(eq + 1)) : i + 1 < a.size() ? scriptOrStdin(a.get(i + 1).value()) : Source.STDIN;
        }
        if (name.equals("--interactive") && (n.equals("julia") || n.startsWith("octave"))
            || n.startsWith("octave") && name.equals("--persist")) {
          interactive = true; // julia, octave: a prompt after the script
          continue;
        }
        if (n.equals("sbcl") && name.equals("--script")) {
          return eq >= 0 ? scriptOrStdin(v.substring(eq + 1)) : i + 1 < a.size() ? scriptOrStdin(a.get(i + 1).value()) : Source.STDIN;
        }
        if (longValued.contains(name)) {
          Word value = eq >= 0 ? new Word(v.substring(eq + 1), v.substring(eq + 1), a.get(i).literal())
              : i + 1 < a.size() ? a.get(i + 1) : new Word("", "", true);
          if (NODE_PRELOADS.contains(name) && preloadsInline(value)) {
            return Source.INLINE; // node --import=data:…: a module given inline, run before the script
          }
          if (eq < 0) {
            i++;
          }
          continue;
        }
        unsure = eq < 0;
        continue;
      }
      if (afterUnknownLong && i + 1 == a.size() && !v.contains("/") && !v.contains(".")) {
        return Source.STDIN; // the value of an option we do not know, or a script: it may read its code from standard input
      }
      if (Regexes.matches(v, "(?is)data:.*") && (n.startsWith("node") || n.equals("deno") || n.equals("bun"))) {
        return Source.INLINE; // a script given inline as a data: URL
      }
      return interactive ? Source.STDIN : scriptOrStdin(v);
    }
    return Source.STDIN;
  }

  /**
   * Short options that take a value (the rest of the bundle, else the next word), per language;
   * a value taken for the script would hide that the interpreter reads its code from standard
   * input ({@code perl -I DIR}, {@code node -r MOD}) — perl's are read by {@link #perlBundle}.
   */
  private static String valueOptions(String name) {
    if (name.startsWith("python") || name.startsWith("pypy")) {
      return "mWXQ";
    }
    if (name.startsWith("node") || name.equals("bun")) {
      return "rC";
    }
    if (name.startsWith("ruby")) {
      return "CEIrS";
    }
    if (name.equals("julia")) {
      return "LJCtp"; // julia -L FILE loads it and starts the prompt
    }
    if (name.startsWith("lua")) {
      return "lj";
    }
    if (name.equals("irb") || name.equals("jirb")) {
      return "rI"; // irb -r LIB: a library loaded into the prompt, not a script
    }
    if (name.equals("guile")) {
      return "lLxCe"; // guile -l FILE loads FILE and starts its prompt
    }
    if (name.equals("racket")) {
      // racket -l LIB, -t FILE, -f FILE, -p PKG load and go on reading its options: -l racket/base -e
      // CODE runs CODE (attack 17cq); -r and -u take the script and the rest as its arguments
      return "ftlpkWLXSAGNIC";
    }
    if (name.equals("clisp")) {
      return "iBMmEpLN"; // clisp -i FILE loads it and starts the prompt (attack 17cq)
    }
    if (name.equals("m4")) {
      return "DUItFRlLo";
    }
    if (name.startsWith("php")) {
      return "cdzftSF";
    }
    return "";
  }

  /** node's options that load a module before the script; a value given inline ({@code data:}) is code. */
  private static final Set<String> NODE_PRELOADS = Set.of("--require", "--import", "--loader", "--experimental-loader");

  /** Long options that take the next word as their value unless given with {@code =}, per language. */
  private static Set<String> longValueOptions(String name) {
    if (name.startsWith("python") || name.startsWith("pypy")) {
      return Set.of("--check-hash-based-pycs");
    }
    if (name.startsWith("node") || name.equals("bun")) {
      return NODE_LONG_VALUES;
    }
    if (name.startsWith("ruby")) {
      return Set.of("--encoding", "--external-encoding", "--internal-encoding", "--enable", "--disable", "--dump",
          "--backtrace-limit", "--crash-report", "--parser");
    }
    if (name.startsWith("php")) {
      return Set.of("--php-ini", "--define", "--zend-extension", "--docroot", "--server", "--rf", "--rc", "--re", "--ri",
          "--rz");
    }
    if (name.equals("sbcl")) {
      // sbcl --load FILE loads it and starts the prompt (--script FILE is read above)
      return Set.of("--load", "--core", "--userinit", "--sysinit", "--dynamic-space-size", "--control-stack-size",
          "--tls-limit");
    }
    if (name.equals("irb") || name.equals("jirb")) {
      return Set.of("--context-mode", "--prompt", "--prompt-mode", "--back-trace-limit", "--inf-ruby-mode");
    }
    return Set.of();
  }

  private static final Set<String> NODE_LONG_VALUES = Set.of("--require", "--import", "--loader", "--experimental-loader",
      "--conditions", "--title", "--input-type", "--inspect-port", "--debug-port", "--redirect-warnings", "--env-file",
      "--env-file-if-exists", "--icu-data-dir", "--openssl-config", "--tls-cipher-list", "--tls-keylog",
      "--unhandled-rejections", "--dns-result-order", "--diagnostic-dir", "--report-dir", "--report-directory",
      "--report-filename", "--report-signal", "--heapsnapshot-signal", "--heapsnapshot-near-heap-limit",
      "--max-http-header-size", "--experimental-policy", "--policy-integrity", "--secure-heap", "--secure-heap-min",
      "--disable-proto", "--disable-warning", "--experimental-specifier-resolution", "--es-module-specifier-resolution",
      "--experimental-default-type", "--experimental-sea-config", "--experimental-config-file", "--cpu-prof-dir",
      "--cpu-prof-name", "--cpu-prof-interval", "--heap-prof-dir", "--heap-prof-name", "--heap-prof-interval",
      "--watch-path", "--test-name-pattern", "--test-skip-pattern", "--test-reporter", "--test-reporter-destination",
      "--test-shard", "--test-concurrency", "--test-timeout", "--localstorage-file", "--run", "--snapshot-blob",
      "--build-snapshot-config", "--trace-event-categories", "--trace-event-file-pattern", "--stack-size",
      "--stack-trace-limit", "--max-old-space-size", "--max-semi-space-size", "--use-largepages", "--v8-pool-size",
      "--allow-fs-read", "--allow-fs-write", "--watch-kill-signal", "--inspect-publish-uid");

  /** A module node loads before the script, given as code ({@code data:…}, another scheme, a descriptor) or unknown. */
  private static boolean preloadsInline(Word w) {
    String v = w.value();
    return !w.literal() || Regexes.matches(v, "(?is)[a-z][a-z0-9+.-]+:.*") && !Regexes.matches(v, "(?i)node:.*") || !regularPath(w) && !v.isEmpty();
  }

  /**
   * One bundle of perl switches: inline code for {@code -e}/{@code -E} anywhere in it (a switch
   * that takes the rest of the bundle may hide one: fail closed), and for {@code -M}/{@code -m}
   * whose value is more than a module and an import list: perl inserts {@code use VALUE;} in the
   * program, so {@code -M'POSIX;CODE'} is code. Null when the bundle gives no code.
   */
  private static Source perlBundle(String v) {
    for (int j = 1; j < v.length(); j++) {
      char ch = v.charAt(j);
      if (ch == 'e' || ch == 'E') {
        return Source.INLINE;
      }
      if (ch == 'M' || ch == 'm') {
        return v.substring(j + 1).matches(PERL_MODULE) ? null : Source.INLINE;
      }
      if (ch == 'I') {
        return null; // -IDIR: the rest is the directory
      }
    }
    return null;
  }

  /** A module name with an optional import list ({@code -MList::Util=sum,max}, {@code -M-warnings}). */
  private static final String PERL_MODULE = "-?[A-Za-z_][A-Za-z0-9_]*(::[A-Za-z0-9_]+)*(=[A-Za-z0-9_:,.+/-]*)?";

  /**
   * A python module run by {@code -m}: a prompt ({@code code}, {@code pdb}), inline code ({@code
   * timeit}'s statements and {@code -s} setup are Python in the arguments; {@code pickle} unpickles
   * its files or input, and a pickle calls any function; {@code doctest} runs the examples of the
   * files it is given; {@code mailcap} runs the command a mailcap file holds for a type), or a runner of another module or script ({@code cProfile}, {@code profile},
   * {@code trace}, {@code runpy MODULE}), read in turn.
   */
  private static Source moduleSource(String module, List<Word> a, int next) {
    if (REPL_MODULES.contains(Regexes.split(module, "\\.")[0]) || module.indexOf(Word.UNKNOWN) >= 0) {
      return Source.STDIN;
    }
    if (Set.of("timeit", "pickle", "doctest", "mailcap").contains(module)) {
      return Source.INLINE;
    }
    if (module.equals("runpy")) {
      return next < a.size() ? moduleSource(a.get(next).value(), a, next + 1) : Source.OTHER;
    }
    if (!Set.of("cProfile", "profile", "trace").contains(module)) {
      return Source.OTHER;
    }
    boolean trace = module.equals("trace");
    boolean traceModule = false;
    for (int k = next; k < a.size(); k++) {
      String w = a.get(k).value();
      if (w.equals("--")) {
        continue;
      }
      if (!trace && (w.equals("-m") || w.startsWith("-m"))) {
        String m = w.length() > 2 ? w.substring(2) : k + 1 < a.size() ? a.get(k + 1).value() : "";
        return moduleSource(m, a, w.length() > 2 ? k + 1 : k + 2);
      }
      // argparse (trace) and optparse (cProfile, profile) take any unambiguous abbreviation of a long option
      // (--mod, --out, --ignore-mod): read by prefix, as they do (attack pass 17cn)
      if (trace && abbreviates(w, "--module", 4)) {
        traceModule = true;
        continue;
      }
      boolean valued = trace ? w.matches("-[fC]") || abbreviatesAny(w, "--file", "--coverdir", "--ignore-module", "--ignore-dir")
          : w.matches("-[os]") || abbreviatesAny(w, "--outfile", "--sort");
      if (valued) {
        k++;
        continue;
      }
      if (w.startsWith("-") && !w.equals("-")) {
        continue;
      }
      return traceModule ? moduleSource(w, a, k + 1) : scriptOrStdin(w);
    }
    return Source.OTHER;
  }

  /** {@code w} is {@code option} or an abbreviation of it at least {@code min} characters long, without {@code =VALUE}. */
  private static boolean abbreviates(String w, String option, int min) {
    return w.length() >= min && w.indexOf('=') < 0 && option.startsWith(w);
  }

  private static boolean abbreviatesAny(String w, String... options) {
    for (String o : options) {
      if (abbreviates(w, o, 3)) {
        return true;
      }
    }
    return false;
  }

  /**
   * tclsh and wish take a script only as their first word ({@code tclsh FILE}, {@code tclsh
   * -encoding NAME FILE}); any other start leaves them reading standard input.
   */
  private static Source tclSource(List<Word> a) {
    if (a.isEmpty()) {
      return Source.STDIN;
    }
    String first = a.get(0).value();
    if (first.equals("-encoding")) {
      return a.size() > 2 && !a.get(2).value().startsWith("-") ? scriptOrStdin(a.get(2).value()) : Source.STDIN;
    }
    return first.startsWith("-") ? Source.STDIN : scriptOrStdin(first);
  }

  /**
   * The name {@code v} as the kernel resolves it, as far as the name tells (symlinks aside, but for
   * the descriptors'): {@code //}, {@code .} and {@code dir/..} collapsed; {@code /dev/fd}, {@code
   * /dev/stdin}, {@code /dev/stdout}, {@code /dev/stderr} as {@code /proc/self/fd/…}; {@code
   * /proc/X/task/Y/…} as {@code /proc/X/…}; {@code /proc/X/root} as the root. A relative name, or
   * one under {@code /proc/X/cwd} or below a descriptor ({@code /dev/fd/3/stdin}, {@code
   * /dev/fd/3/../stdin}: 3 may be a directory) starts in a directory the text does not know: it is
   * returned relative. Unknown parts and patterns are kept as they are.
   */
  static String opened(String v) {
    if (v.isEmpty() || v.equals("-")) {
      return v;
    }
    boolean unknownDir = !v.startsWith("/");
    List<String> out = new ArrayList<>();
    for (String part : Regexes.split(v, "/+")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      boolean belowDescriptor = !unknownDir && out.size() == 4 && out.get(0).equals("proc") && out.get(2).equals("fd");
      if (belowDescriptor) {
        unknownDir = true;
        out.clear();
        if (part.equals("..")) {
          continue;
        }
      }
      if (part.equals("..")) {
        if (!out.isEmpty()) {
          out.remove(out.size() - 1);
        }
        continue;
      }
      out.add(part);
      if (unknownDir) {
        continue;
      }
      if (out.size() == 2 && out.get(0).equals("dev")) {
        switch (part) {
          case "fd" -> out = new ArrayList<>(List.of("proc", "self", "fd"));
          case "stdin" -> out = new ArrayList<>(List.of("proc", "self", "fd", "0"));
          case "stdout" -> out = new ArrayList<>(List.of("proc", "self", "fd", "1"));
          case "stderr" -> out = new ArrayList<>(List.of("proc", "self", "fd", "2"));
          default -> {}
        }
      } else if (out.size() == 4 && out.get(0).equals("proc") && out.get(2).equals("task")) {
        out.subList(2, 4).clear();
      } else if (out.size() == 3 && out.get(0).equals("proc") && part.equals("root")) {
        out.clear();
      } else if (out.size() == 3 && out.get(0).equals("proc") && part.equals("cwd")) {
        unknownDir = true;
        out.clear();
      }
    }
    return (unknownDir ? "" : "/") + String.join("/", out);
  }

  /** A file name that is a file descriptor ({@code /dev/stdin}, {@code /dev/fd/N}, {@code /proc/self/fd/N}, {@code -}), however spelt. */
  static boolean descriptorPath(String v) {
    return v.equals("-") || Regexes.matches(opened(v), "/proc/[^/]+/fd/([0-9]+|" + Word.UNKNOWN + "+)");
  }

  /**
   * A file name that opens the session's terminal: {@code /dev/tty}, {@code /dev/pts/N}, the
   * console, and the names of descriptors 0–2 ({@code /dev/stdin}, {@code /dev/fd/1}, {@code
   * /proc/self/fd/2}, {@code /proc/$$/fd/0}), which are the terminal unless redirected, however
   * spelt ({@code /dev/./stdin}, {@code /usr/../dev/stdin}, {@code /proc/self/root/dev/tty}). A
   * pattern or an unknown part that could continue the name under {@code /dev} or {@code /proc}
   * ({@code /dev/pts/$n}, {@code /d?v/stdin}, {@code /proc/*}{@code /fd/0}) is taken to be one: a
   * shell reading the terminal by name reads what the person types next, unjudged.
   */
  static boolean terminalPath(String v) {
    String r = opened(v);
    if (Regexes.matches(r, "/dev/(tty[0-9A-Za-z]*|pts/[^/]+|console|char/.*)")
        || Regexes.matches(r, "/proc/[^/]+/fd/([012]|" + Word.UNKNOWN + "+)")) {
      return true;
    }
    int open = firstOpen(r);
    if (open == r.length() || !r.startsWith("/") || descriptorPath(v)) {
      return false;
    }
    String known = r.substring(0, open);
    return "/dev/".startsWith(known) || "/proc/".startsWith(known) || known.startsWith("/dev/") || known.startsWith("/proc/");
  }

  /** Where the first unknown part or pattern character of {@code r} is; its length when there is none. */
  private static int firstOpen(String r) {
    for (int i = 0; i < r.length(); i++) {
      char ch = r.charAt(i);
      if (ch == Word.UNKNOWN || ch == '*' || ch == '?' || ch == '[' || ch == '{'
          || (ch == '@' || ch == '!' || ch == '+') && i + 1 < r.length() && r.charAt(i + 1) == '(') {
        return i;
      }
    }
    return r.length();
  }

  /** The last part of a name under {@code /dev} or {@code /proc} that opens the terminal or a descriptor. */
  private static final Pattern TERMINAL_LEAF = Pattern.compile("stdin|stdout|stderr|tty[0-9A-Za-z]*|console|[0-9]+(:[0-9]+)?");

  /** Such names, for a pattern to be tried on. */
  private static final List<String> TERMINAL_LEAVES = List.of("stdin", "stdout", "stderr", "tty", "tty1", "ttyS0", "console",
      "0", "1", "2", "3", "9", "10", "255", "136:0");

  /**
   * Whether the script name {@code v} may open the terminal or a descriptor: a {@link
   * #terminalPath} or {@link #descriptorPath} however spelt, or a name whose directory is not
   * known (relative: the working directory may be {@code /dev} or {@code /dev/fd} after a {@code
   * cd}, at the prompt after an earlier line's; an unknown part or a pattern in the directory; a
   * {@code .} or {@code source} of a bare name searches {@code PATH}) and whose last part is, or
   * could be, such a name ({@code stdin}, {@code 0}, {@code tty}, {@code $f}, {@code std?n}).
   */
  static boolean namesTerminal(String v) {
    List<String> words = PathPatterns.braces(v);
    if (words == null) {
      return true;
    }
    for (String w : words) {
      if (terminalPath(w) || descriptorPath(w)) {
        return true;
      }
      String r = opened(w);
      int slash = r.lastIndexOf('/');
      String leaf = r.substring(slash + 1);
      boolean dirKnown = r.startsWith("/") && firstOpen(r) > slash;
      if (leaf.indexOf(Word.UNKNOWN) >= 0 || !dirKnown && (TERMINAL_LEAF.matcher(leaf).matches()
          || PathPatterns.hasGlob(leaf) && PathPatterns.componentCouldBe(leaf, TERMINAL_LEAVES))) {
        return true;
      }
    }
    return false;
  }

  /**
   * A command that gives the terminal or a descriptor another name, which a later {@code bash s},
   * {@code . ./s} or {@code bash < s} then reads as a script on disk: {@code ln} (symbolic or hard,
   * any options), {@code link} and {@code cp -s}/{@code -l} whose source may open the terminal or
   * a descriptor ({@link #namesTerminal}: {@code /dev/stdin}, {@code /proc/self/fd/0}, {@code
   * /dev/fd/0}, a name only known when it runs); {@code mv}, and {@code cp -P}/{@code -d}/{@code
   * -a}/{@code -r} or {@code rsync -l}/{@code -a} (which copy a symbolic link as one; also with an
   * option only known when it runs) of a source named as one ({@code mv /dev/stdin s}; a name
   * wholly only known when it runs, {@code cp -r "$src" …}, stays theirs). The last operand is the
   * new name, unless a target directory is given ({@code -t DIR}): then every operand counts. An
   * archiver naming one ({@link #archivesTerminal}) and a find that may find one running a program
   * on it ({@link #findCopiesTerminal}) count too; so do an archiver reading the names to archive
   * ({@link #archivesNamesRead}: tar's {@code -T}, zip's {@code -@}, only known when it runs) and
   * git putting a symbolic link whose target is data into the index or a tree ({@link
   * #gitLinksData}), which a checkout then makes.
   */
  static boolean linksTerminal(ShellCommand c) {
    String n = c.name();
    List<Word> a = c.args();
    if (n.equals("git")) {
      return gitLinksData(c.argValues());
    }
    if (archivesNamesRead(n, c.argValues())) {
      return true;
    }
    if (ARCHIVERS.contains(n) || n.equals("zip") && c.argValues().stream().anyMatch(v -> Regexes.matches(v, "(?s)-[^-]*y.*")
        || Wrappers.longOption(v, "symlinks") || v.startsWith(String.valueOf(Word.UNKNOWN)))) {
      // An archive holds a symbolic link as one and its extraction renames it at will (tar
      // --transform, pax -s): a word naming the terminal, a descriptor or their directory counts.
      boolean root = a.stream().anyMatch(w -> opened(archiverPath(w.value())).equals("/"));
      for (int i = 0; i < a.size(); i++) {
        String v = a.get(i).value();
        if (tarNumberOption(n, v)) {
          // A count, not a name (tar refuses anything but digits): --strip-components=1, or 1 after it.
          if (v.indexOf('=') < 0 && i + 1 < a.size() && Regexes.matches(a.get(i + 1).value(), "[0-9]+")) {
            i++;
          }
          continue;
        }
        if (archivesTerminal(archiverPath(v), root)) {
          return true;
        }
      }
      return false;
    }
    if (n.equals("find")) {
      return findCopiesTerminal(a);
    }
    boolean unknownOption = a.stream().anyMatch(w -> !w.literal() && w.value().startsWith(String.valueOf(Word.UNKNOWN)));
    // 2: makes a link (any source that may name the terminal counts); 1: moves or copies a
    // symbolic link as one (a source named as the terminal or a descriptor counts).
    int links = switch (n) {
      case "ln", "link" -> 2;
      case "mv" -> 1;
      case "cp" -> a.stream().anyMatch(w -> Regexes.matches(w.value(), "(?s)-[^-]*[sl].*")
          || Wrappers.longOption(w.value(), "symbolic-link") || Wrappers.longOption(w.value(), "link")) ? 2
          : unknownOption || a.stream().anyMatch(w -> Regexes.matches(w.value(), "(?s)-[^-]*[PdarR].*")
          || Wrappers.longOption(w.value(), "no-dereference") || Wrappers.longOption(w.value(), "archive")
          || Wrappers.longOption(w.value(), "recursive")) ? 1 : 0;
      case "rsync" -> unknownOption || a.stream().anyMatch(w -> Regexes.matches(w.value(), "(?s)-[^-]*[la].*")
          || Wrappers.longOption(w.value(), "links") || Wrappers.longOption(w.value(), "archive")) ? 1 : 0;
      default -> 0;
    };
    if (links == 0) {
      return false;
    }
    List<Word> ops = ShellClass.operands(c);
    boolean targetDir = c.argValues().stream().anyMatch(v -> Regexes.matches(v, "(?s)-[^-]*t.*") && !n.equals("rsync")
        || Wrappers.longOption(v, "target-directory"));
    List<Word> sources = targetDir || ops.size() < 2 ? ops : ops.subList(0, ops.size() - 1);
    for (Word w : sources) {
      String v = w.value();
      boolean named = terminalPath(v) || descriptorPath(v) || Regexes.matches(opened(v), "(?s)/proc/[^/]+/fd(/.*)?");
      if (named || namesTerminal(v) && (links == 2 || v.indexOf(Word.UNKNOWN) < 0)) {
        return true;
      }
    }
    return false;
  }

  /**
   * An archiver whose names to archive are read when it runs, so not judged as words: GNU tar's
   * and bsdtar's {@code -T FILE}/{@code --files-from} (also bundled, {@code cfT}, and in any mode:
   * the list may be the input, {@code -T -}, or a file the text writes), star's {@code list=};
   * zip's {@code -@} (names from its input) when it keeps links as links ({@code -y}, {@code
   * --symlinks}, an option only known when it runs).
   */
  private static boolean archivesNamesRead(String n, List<String> av) {
    if (n.equals("zip")) {
      boolean links = av.stream().anyMatch(v -> Regexes.matches(v, "(?s)-[^-]*y.*") || Wrappers.longOption(v, "symlinks")
          || v.startsWith(String.valueOf(Word.UNKNOWN)));
      return links && av.stream().anyMatch(v -> Regexes.matches(v, "(?s)-[^-]*@.*") || Wrappers.longOption(v, "names-stdin"));
    }
    if (!Set.of("tar", "gtar", "bsdtar", "star").contains(n)) {
      return false;
    }
    for (int i = 0; i < av.size(); i++) {
      String v = av.get(i);
      if (Wrappers.longOption(v, "files-from") || v.startsWith("list=") || v.indexOf(Word.UNKNOWN) >= 0 && v.startsWith("-")) {
        return true;
      }
      boolean old = i == 0 && !v.startsWith("-");
      if (old || v.startsWith("-") && !v.startsWith("--")) {
        for (int j = old ? 0 : 1; j < v.length(); j++) {
          char ch = v.charAt(j);
          if (ch == 'T') {
            return true;
          }
          if ("bCfFgHIKLNVX".indexOf(ch) >= 0 && !old) {
            break; // its value follows, attached or as the next word
          }
        }
      }
    }
    return false;
  }

  /**
   * git putting a symbolic link (mode 120000) whose target is data into the index or a tree, which
   * a checkout ({@code git checkout -- s}, {@code checkout-index}, {@code read-tree -u}) then makes
   * in the working tree ({@code s -> /dev/stdin}): {@code update-index --cacheinfo} with such a mode
   * or one only known when it runs, {@code update-index --index-info}, {@code mktree}, {@code
   * fast-import}, {@code unpack-objects} and {@code index-pack --stdin} (modes from the input),
   * {@code hash-object -w} of another type than a blob (a tree).
   */
  private static boolean gitLinksData(List<String> av) {
    int sub = Wrappers.gitSubcommand(av);
    if (sub >= av.size()) {
      return false;
    }
    List<String> rest = av.subList(sub + 1, av.size());
    switch (av.get(sub)) {
      case "mktree", "fast-import", "unpack-objects" -> {
        return true;
      }
      case "index-pack" -> {
        return rest.stream().anyMatch(v -> Wrappers.longOption(v, "stdin"));
      }
      case "hash-object" -> {
        boolean write = rest.stream().anyMatch(v -> Regexes.matches(v, "-[^-]*w.*"));
        for (int i = 0; i < rest.size(); i++) {
          String v = rest.get(i);
          String type = v.equals("-t") && i + 1 < rest.size() ? rest.get(i + 1) : v.startsWith("-t") && v.length() > 2
              ? v.substring(2) : v.startsWith("--type") ? v.substring(v.indexOf('=') + 1) : null;
          if (write && (type != null && !type.equals("blob") || Wrappers.longOption(v, "literally"))) {
            return true;
          }
        }
        return false;
      }
      case "update-index" -> {
        for (int i = 0; i < rest.size(); i++) {
          String v = rest.get(i);
          if (Wrappers.longOption(v, "index-info") || v.indexOf(Word.UNKNOWN) >= 0 && v.startsWith("-")) {
            return true;
          }
          if (Wrappers.longOption(v, "cacheinfo")) {
            String info = v.indexOf('=') >= 0 ? v.substring(v.indexOf('=') + 1) : i + 1 < rest.size() ? rest.get(i + 1) : "";
            String mode = info.split(",", 2)[0];
            if (!Regexes.matches(mode, "[0-7]{1,8}") || (Long.parseLong(mode, 8) & 0170000) == 0120000) {
              return true;
            }
          }
        }
        return false;
      }
      default -> {
        return false;
      }
    }
  }

  /** Programs that archive a symbolic link as one (and, extracting, give it any name). */
  private static final Set<String> ARCHIVERS = Set.of("tar", "gtar", "bsdtar", "star", "cpio", "pax", "afio");

  /** GNU tar's long options whose value is a number, by any abbreviation getopt_long takes. */
  private static final List<String> TAR_NUMBER_OPTIONS =
      List.of("strip-components", "blocking-factor", "record-size", "tape-length", "level", "occurrence");

  /** {@code --strip-components=N} (digits only) or {@code --strip-components} whose value is the next word. */
  private static boolean tarNumberOption(String n, String v) {
    if (!n.equals("tar") && !n.equals("gtar") || !v.startsWith("--")) {
      return false;
    }
    int eq = v.indexOf('=');
    if (eq >= 0 && !Regexes.matches(v.substring(eq + 1), "[0-9]+")) {
      return false;
    }
    return TAR_NUMBER_OPTIONS.stream().anyMatch(o -> Wrappers.longOption(v, o));
  }

  /** The path an archiver's word names: an option's attached value ({@code -C/dev}, {@code --directory=/dev}), else the word. */
  private static String archiverPath(String v) {
    if (!v.startsWith("-") || v.equals("-")) {
      return v;
    }
    int eq = v.indexOf('=');
    int slash = v.indexOf('/');
    return eq >= 0 ? v.substring(eq + 1) : slash >= 0 ? v.substring(slash) : "";
  }

  /**
   * An archiver's or find's word that may name the terminal, a descriptor or a directory holding
   * them ({@code /dev}, {@code /dev/fd}, {@code /proc/self}, {@code fd}; {@code dev} or {@code proc}
   * beside a {@code /}): a name wholly only known when it runs stays the archive's own, as for cp.
   */
  private static boolean archivesTerminal(String v, boolean root) {
    if (v.isEmpty() || v.equals("-")) {
      return false;
    }
    String r = opened(v);
    if (terminalPath(v) || descriptorPath(v) || Regexes.matches(r, "(?s)/dev|/proc(/[^/]+(/fd)?)?")
        || Regexes.matches(r, "(?s)([^/].*/)?(fd|pts|self|thread-self)") || root && Regexes.matches(r, "(?s)(dev|proc)(/.*)?")) {
      return true;
    }
    return v.indexOf(Word.UNKNOWN) < 0 && !r.equals("/dev/null") && namesTerminal(v);
  }

  /** find's {@code -regex} (an emacs regular expression, near enough Java's) matching a descriptor's name; fails closed. */
  private static boolean regexMayFindTerminal(String re) {
    try {
      Pattern p = Pattern.compile(re, Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
      return re.indexOf(Word.UNKNOWN) >= 0 || List.of("/dev/stdin", "/proc/self/fd/0", "/dev/fd/0", "/dev/tty", "./stdin",
          "./fd/0", "./0").stream().anyMatch(x -> p.matcher(x).matches());
    } catch (java.util.regex.PatternSyntaxException e) {
      return true;
    }
  }

  /** Programs find may run on what it finds without making a name for it: they only read or print. */
  private static final Set<String> FIND_READERS = Set.of("ls", "stat", "file", "cat", "head", "tail", "wc", "echo",
      "printf", "readlink", "realpath", "basename", "dirname", "test", "[", "grep", "du", "md5sum", "sha256sum", "true",
      "false");

  /**
   * find whose start points or name tests may name the terminal or a descriptor ({@code find /dev -name
   * stdin}) running, on what it finds, a program that is not known to only read: {@code -exec cp
   * -P {} s} copies the link as one, where cp's own source is only known when it runs.
   */
  private static boolean findCopiesTerminal(List<Word> a) {
    boolean names = false;
    boolean runs = false;
    boolean expression = false;
    for (int i = 0; i < a.size(); i++) {
      String v = a.get(i).value();
      expression |= v.startsWith("-") || v.equals("(") || v.equals("!");
      if (Regexes.matches(v, "-i?(name|path|wholename|lname)") && i + 1 < a.size()) {
        names |= archivesTerminal(a.get(++i).value(), false);
        continue;
      }
      if (Regexes.matches(v, "-i?regex") && i + 1 < a.size()) {
        names |= regexMayFindTerminal(a.get(++i).value());
        continue;
      }
      if (Regexes.matches(v, "-(exec|execdir|ok|okdir)")) {
        Word p = i + 1 < a.size() ? a.get(i + 1) : null;
        runs |= p != null && (!p.literal() || !FIND_READERS.contains(Regexes.replaceFirst(p.value(), ".*/", "")));
        while (i + 1 < a.size() && !Regexes.matches(a.get(i + 1).value(), "[;+]")) {
          i++;
        }
        continue;
      }
      // The start points; a test's value (-maxdepth 1) is not a name.
      names |= !expression && archivesTerminal(v, false);
    }
    return names && runs;
  }

  /**
   * Whether {@code w} names a file on disk the way a script's file is named: a literal word, not
   * a process substitution, not a device under {@code /dev} (other than {@code /dev/null}) and not
   * a descriptor by name ({@code /dev/fd/N}, {@code /proc/self/fd/N}, {@code -}). Anything else may
   * be the session's terminal.
   */
  static boolean regularPath(Word w) {
    String v = w.value();
    if (!w.literal() || v.isEmpty() || w.source().startsWith("<(") || w.source().startsWith(">(")) {
      return false;
    }
    String r = opened(v);
    if (terminalPath(v) || descriptorPath(v) || Regexes.matches(r, "/proc/.*/fd(/.*)?")) {
      return false;
    }
    if (!r.startsWith("/")) {
      return !namesTerminal(v);
    }
    return !r.startsWith("/dev/") || r.equals("/dev/null");
  }

  /**
   * Whether {@code c} (a shell, an interpreter, {@code source} or {@code .}) is given the
   * terminal by name as code: {@code bash /dev/tty}, {@code . /dev/tty}, {@code python3
   * /proc/self/fd/0}; or a descriptor past 2 by name while its input is the terminal ({@code bash
   * /dev/fd/3 3</dev/tty}: a redirection from the terminal makes the command's input the terminal).
   */
  static boolean readsTerminalByName(ShellCommand c) {
    if (!isShellOrLanguage(c.name()) && !c.name().equals("source") && !c.name().equals(".")) {
      return false;
    }
    for (Word w : c.args()) {
      String v = w.value();
      if (terminalPath(v) || !v.equals("-") && descriptorPath(v) && c.inputMayBeTerminal()) {
        return true;
      }
    }
    if (c.name().equals("source") || c.name().equals(".")) {
      Word f = sourcedFile(c);
      return f != null && namesTerminal(f.value());
    }
    return source(c) == Source.TERMINAL;
  }

  /** The file {@code source} or {@code .} reads; null when none is given. */
  private static Word sourcedFile(ShellCommand c) {
    List<Word> a = c.args();
    return a.isEmpty() ? null : a.get(a.get(0).value().equals("--") && a.size() > 1 ? 1 : 0);
  }

  /** A script read from a descriptor is code from standard input or from a file the text opened: not a script on disk. */
  private static Source scriptOrStdin(String v) {
    if (!descriptorPath(v)) {
      return namesTerminal(v) ? Source.TERMINAL : Source.SCRIPT;
    }
    return v.equals("-") || Regexes.matches(opened(v), "/proc/[^/]+/fd/0") ? Source.STDIN : Source.INLINE;
  }

  private static Source shellSource(List<Word> a) {
    boolean stdinFlag = false;
    for (int i = 0; i < a.size(); i++) {
      String v = a.get(i).value();
      if (v.equals("--") || v.equals("-")) {
        return i + 1 < a.size() && !stdinFlag ? Source.SCRIPT : Source.STDIN;
      }
      if (v.equals("--version") || v.equals("--help")) {
        return Source.OTHER;
      }
      if (v.equals("--rcfile") || v.equals("--init-file")) {
        i++;
        continue;
      }
      if (v.startsWith("--")) {
        continue;
      }
      if ((v.startsWith("-") || v.startsWith("+")) && v.length() > 1) {
        for (int j = 1; j < v.length(); j++) {
          char ch = v.charAt(j);
          if (ch == 'c') {
            return Source.INLINE;
          }
          if (ch == 's') {
            stdinFlag = true;
          }
          if (ch == 'o' || ch == 'O') {
            i++;
          }
        }
        continue;
      }
      return stdinFlag ? Source.STDIN : scriptOrStdin(v);
    }
    return Source.STDIN;
  }

  /** A shell or interpreter that takes its code from standard input ({@code . /dev/stdin} too, however spelt). */
  static boolean readsCodeFromStdin(ShellCommand c) {
    if (c.name().equals("source") || c.name().equals(".")) {
      Word f = sourcedFile(c);
      return f != null && scriptOrStdin(f.value()) == Source.STDIN;
    }
    return isShellOrLanguage(c.name()) && source(c) == Source.STDIN;
  }
}
