package dev.gatehouse.policy.shell;

import dev.gatehouse.policy.shell.Wrappers.Code;
import dev.gatehouse.policy.shell.Wrappers.Inner;
import dev.gatehouse.policy.shell.Wrappers.Step;
import dev.gatehouse.policy.shell.Wrappers.Unknown;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Developers' and operators' tools that run the command after their own words: language
 * environments ({@code poetry run}, {@code uv run}, {@code uvx}, {@code pipenv run}, {@code pdm
 * run}, {@code hatch run}, {@code rustup run}, {@code bundle exec}, {@code pnpm exec}/{@code dlx},
 * {@code yarn exec}/{@code dlx}, {@code bunx}, {@code pipx run}, {@code mise exec}, {@code asdf
 * exec}, {@code direnv exec}, {@code nix develop -c}, {@code nix shell -c}, {@code nix-shell
 * --run}, {@code devbox run}), secret injectors ({@code op run}, {@code doppler run}, {@code
 * dotenv}, {@code dotenvx run}, {@code aws-vault exec}, {@code sops exec-env}) and job helpers
 * ({@code lockf}, {@code nq}, {@code tsp}, {@code entr}, {@code watchexec}, {@code nodemon
 * --exec}, {@code ccache}, {@code distcc}, {@code icecc}, {@code bear}, {@code scan-build};
 * {@code xvfb-run}, {@code cpulimit}, {@code trickle}, {@code daemonize} and {@code chpst} are
 * read in {@link Wrappers}).
 *
 * <p>Each was a way past the guard: {@code poetry run rm -rf /} was judged as {@code poetry} alone.
 * Their options are many and change between versions, so the reading fails closed: an option
 * word not in the tool's table below (exact words; {@code --name=value} for a long one) makes the
 * text unclassified where a command may follow, and the words after every {@code --} are judged as
 * a command too (an option's value may be a {@code --}: {@code op run --env-file -- -- rm -rf /}).
 * Where the tool runs its command through {@code sh -c} ({@code sops exec-env}, {@code watchexec},
 * {@code entr -s}, {@code pnpm exec -c}) the joined words are judged as code as well.
 */
final class Runners {
  private Runners() {}

  /**
   * One tool's reading: the subcommands that run a command ({@code verbs}, two words for {@code uv
   * tool run}; empty when the tool itself runs it), its option words taking a value and not,
   * positional words between them and the command ({@code rustup run TOOLCHAIN}), options whose
   * value is shell code ({@code nix-shell --run}), options after which the rest is the command
   * ({@code nix develop --command}), whether the command words are run by {@code sh -c}, and whether
   * the verb without a command starts an interactive shell ({@code shellVerbs} start one always).
   */
  record Runner(Set<String> verbs, Set<String> withArg, Set<String> noArg, int operands, Set<String> codeOptions,
      Set<String> restOptions, boolean restOnly, boolean bySh, boolean shellWithoutCommand, Set<String> shellVerbs) {
    static Runner of(Set<String> verbs, Set<String> withArg, Set<String> noArg, int operands) {
      return new Runner(verbs, withArg, noArg, operands, Set.of(), Set.of(), false, false, false, Set.of());
    }

    Runner code(String... options) {
      return new Runner(verbs, withArg, noArg, operands, Set.of(options), restOptions, restOnly, bySh, shellWithoutCommand, shellVerbs);
    }

    /** Options after which the rest is the command; {@code only}: the words before are not one ({@code nix shell PKG -c CMD}). */
    Runner rest(boolean only, String... options) {
      return new Runner(verbs, withArg, noArg, operands, codeOptions, Set.of(options), only, bySh, shellWithoutCommand, shellVerbs);
    }

    Runner joinedForSh() {
      return new Runner(verbs, withArg, noArg, operands, codeOptions, restOptions, restOnly, true, shellWithoutCommand, shellVerbs);
    }

    Runner shellAlone() {
      return new Runner(verbs, withArg, noArg, operands, codeOptions, restOptions, restOnly, bySh, true, shellVerbs);
    }

    Runner shells(String... verbs) {
      return new Runner(this.verbs, withArg, noArg, operands, codeOptions, restOptions, restOnly, bySh, shellWithoutCommand,
          Set.of(verbs));
    }
  }

  private static final Set<String> QUIET = Set.of("-q", "--quiet", "-v", "--verbose", "-h", "--help", "-V", "--version");

  private static Set<String> with(Set<String> base, String... more) {
    Set<String> s = new java.util.HashSet<>(base);
    s.addAll(List.of(more));
    return Set.copyOf(s);
  }

  /** The tables, from each tool's manual or {@code --help} (versions of 2025). */
  private static final Map<String, Runner> RUNNERS = Map.ofEntries(
      Map.entry("poetry", Runner.of(Set.of("run"), Set.of("-C", "--directory", "-P", "--project"),
          with(QUIET, "--ansi", "--no-ansi", "-n", "--no-interaction", "--no-plugins", "--no-cache", "-vv", "-vvv"), 0)
          .shells("shell")),
      Map.entry("uv", Runner.of(Set.of("run", "tool run"), Set.of("--extra", "--group", "--no-group", "--only-group",
          "--with", "-w", "--with-editable", "--with-requirements", "--env-file", "--package", "--index", "--default-index",
          "--index-url", "-i", "--extra-index-url", "--find-links", "-f", "--index-strategy", "--keyring-provider",
          "--resolution", "--prerelease", "--exclude-newer", "--config-setting", "-C", "--link-mode", "-p", "--python",
          "--python-platform", "--directory", "--project", "--config-file", "--cache-dir", "--color", "--from",
          "--allow-insecure-host", "--refresh-package", "--reinstall-package", "-P", "--upgrade-package"),
          with(QUIET, "--all-extras", "--no-dev", "--dev", "--only-dev", "--no-default-groups", "--all-groups",
              "--no-editable", "--exact", "--isolated", "--no-sync", "--locked", "--frozen", "--all-packages",
              "--no-project", "--offline", "--no-cache", "-n", "--native-tls", "--no-progress", "--no-config",
              "--preview", "--no-python-downloads", "--managed-python", "--no-managed-python", "-U", "--upgrade",
              "--refresh", "--reinstall", "--compile-bytecode", "--no-build-isolation", "--no-build", "--no-binary",
              "--no-sources", "--no-env-file", "--active", "-s", "--script", "--gui-script"), 0).rest(false, "-m", "--module")),
      Map.entry("uvx", Runner.of(Set.of(), Set.of("--from", "--with", "-w", "--with-editable", "--with-requirements",
          "-p", "--python", "--index", "--default-index", "--index-url", "-i", "--extra-index-url", "--directory",
          "--project", "--config-file", "--cache-dir", "--color"),
          with(QUIET, "--isolated", "--offline", "--no-cache", "-n", "--native-tls", "--no-config", "-U", "--upgrade",
              "--refresh", "--reinstall"), 0)),
      Map.entry("rustup", Runner.of(Set.of("run"), Set.of(), with(QUIET, "--install"), 1)),
      Map.entry("pipenv", Runner.of(Set.of("run"), Set.of("--python", "--pypi-mirror"),
          with(QUIET, "--site-packages", "--no-site-packages", "--clear"), 0).shells("shell")),
      Map.entry("pdm", Runner.of(Set.of("run"), Set.of("-p", "--project", "-e", "--skip", "--venv"),
          with(QUIET, "-l", "--list", "-j", "--json", "-s", "--site-packages", "--recreate", "-g", "--global"), 0)),
      Map.entry("hatch", Runner.of(Set.of("run"), Set.of("-e", "--env", "-p", "--project", "--data-dir", "--cache-dir",
          "--config"), with(QUIET, "--color", "--no-color", "-i", "--interactive"), 0).shells("shell")),
      Map.entry("bundle", Runner.of(Set.of("exec"), Set.of("-r", "--retry", "--gemfile"),
          with(QUIET, "--no-color", "--keep-file-descriptors"), 0)),
      Map.entry("pnpm", Runner.of(Set.of("exec", "dlx"), Set.of("--filter", "-F", "--resume-from", "-C", "--dir",
          "--workspace-concurrency", "--package", "--allow-build", "--reporter"),
          with(QUIET, "-r", "--recursive", "--parallel", "-c", "--shell-mode", "--report-summary",
              "--no-reporter-hide-prefix", "-w", "--workspace-root", "--reverse", "--stream", "-s", "--silent"), 0)),
      Map.entry("yarn", Runner.of(Set.of("exec", "dlx"), Set.of("-p", "--package"), QUIET, 0).joinedForSh()),
      Map.entry("bunx", Runner.of(Set.of(), Set.of("-p", "--package"), with(QUIET, "--bun", "--silent"), 0)),
      Map.entry("bun", Runner.of(Set.of("x"), Set.of("-p", "--package"), with(QUIET, "--bun", "--silent"), 0)),
      Map.entry("pipx", Runner.of(Set.of("run"), Set.of("--spec", "--index-url", "-i", "--pip-args", "--python",
          "--fetch-python"), with(QUIET, "--no-cache", "--pypackages", "--path", "--system-site-packages"), 0)),
      Map.entry("mise", Runner.of(Set.of("exec", "x"), Set.of("-j", "--jobs", "-C", "--cd", "-E", "--env"),
          with(QUIET, "--raw", "--no-prepare", "-y", "--yes"), 0).code("-c", "--command").rest(true).shellAlone()),
      Map.entry("asdf", Runner.of(Set.of("exec"), Set.of(), Set.of(), 0)),
      Map.entry("direnv", Runner.of(Set.of("exec"), Set.of(), Set.of(), 1)),
      Map.entry("nix", Runner.of(Set.of("develop", "shell"), Set.of("-f", "--file", "--expr", "--profile", "-I",
          "--include", "--override-input", "--redirect", "-k", "--keep", "-u", "--unset", "--chdir", "--phase",
          "--option", "--arg", "--argstr"), with(QUIET, "-i", "--ignore-environment", "--impure", "--offline",
          "--refresh", "--no-write-lock-file", "--build", "--check", "--configure", "--install", "--installcheck",
          "--unpack", "--print-build-logs", "-L"), 0).rest(true, "-c", "--command").shellAlone()),
      Map.entry("nix-shell", Runner.of(Set.of(), Set.of("-A", "--attr", "-I", "--include", "-j", "--max-jobs",
          "--cores", "--keep", "--exclude", "-o"), with(QUIET, "--pure", "--impure", "-E", "--expr", "--show-trace",
          "-p", "--packages"), 0).code("--run", "--command").rest(true).shellAlone()),
      Map.entry("devbox", Runner.of(Set.of("run"), Set.of("-c", "--config", "-e", "--env", "--env-file",
          "--environment"), with(QUIET, "--pure", "-l", "--list", "--omit-nix-env"), 0).shells("shell")),
      Map.entry("op", Runner.of(Set.of("run"), Set.of("--env-file", "--account", "--cache", "--config",
          "--encoding", "--session", "--format"), with(QUIET, "--no-masking", "--debug", "--iso-timestamps",
          "--no-color"), 0)),
      Map.entry("doppler", Runner.of(Set.of("run"), Set.of("-p", "--project", "-c", "--config", "--token",
          "--fallback", "--mount", "--mount-format", "--mount-template", "--name-transformer", "--api-host",
          "--dashboard-host", "--configuration", "--scope"), with(QUIET, "--preserve-env", "--forward-signals",
          "--no-fallback", "--fallback-only", "--fallback-readonly", "--only-secrets", "--debug", "--no-check-version",
          "--silent", "--no-read-env", "--enable-dns-resolver"), 0).code("--command")),
      // dotenv-cli (node: dotenv -e FILE -- CMD) and python-dotenv (dotenv -f FILE run CMD) share the name
      Map.entry("dotenv", Runner.of(Set.of(), Set.of("-e", "-v", "-p", "-f", "--file", "-q", "--quote", "--export"),
          with(QUIET, "--no-expand", "--debug", "--override", "--no-override"), 0)),
      Map.entry("dotenvx", Runner.of(Set.of("run"), Set.of("-f", "--env-file", "-fk", "--env-keys-file", "-e",
          "--env", "--convention", "--ignore", "-l", "--log-level"), with(QUIET, "-o", "--overload", "--strict",
          "--debug", "--quiet"), 0)),
      Map.entry("aws-vault", Runner.of(Set.of("exec"), Set.of("-d", "--duration", "--region", "-t", "--mfa-token",
          "--backend", "--prompt", "--keychain", "--secret-service-collection", "--pass-dir", "--pass-prefix",
          "--file-dir"), with(QUIET, "-n", "--no-session", "-j", "--json", "-s", "--server", "--ec2-server",
          "--ecs-server", "--lazy", "--stdout", "--debug"), 1).code("--pass-cmd").shellAlone()),
      Map.entry("sops", Runner.of(Set.of("exec-env", "exec-file"), Set.of("--user", "--filename", "--input-type",
          "--output-type", "--config"), with(QUIET, "--background", "--no-fifo", "--same-process"), 1).joinedForSh()),
      Map.entry("lockf", Runner.of(Set.of(), Set.of("-t"), Set.of("-k", "-n", "-s", "-T", "-w"), 1)),
      Map.entry("nq", Runner.of(Set.of(), Set.of(), with(QUIET, "-c", "-q", "-t"), 0)),
      // task-spooler (Debian names it tsp; moreutils' ts is a filter); its queries take an optional job id
      Map.entry("tsp", Runner.of(Set.of(), Set.of("-L", "-D", "-W", "-N"), Set.of("-n", "-E", "-g", "-f", "-m", "-d",
          "-B", "-K", "-C", "-l", "-S", "-t", "-c", "-p", "-o", "-i", "-s", "-r", "-w", "-k", "-u", "-U", "-h", "-V", "-T",
          "-M"), 0)),
      Map.entry("entr", Runner.of(Set.of(), Set.of(), Set.of("-a", "-c", "-cc", "-d", "-n", "-p", "-r", "-z", "-x"), 0)
          .code("-s")),
      Map.entry("watchexec", Runner.of(Set.of(), Set.of("-w", "--watch", "-e", "--exts", "-f", "--filter", "-i",
          "--ignore", "--shell", "-d", "--debounce", "--delay-run", "--poll", "--signal", "--stop-signal",
          "--stop-timeout", "--workdir", "--env", "-E", "--project-origin", "--timeout", "--on-busy-update",
          "--filter-file", "--ignore-file", "--emit-events-to", "--color", "--log-file"), with(QUIET, "-c", "--clear",
          "-r", "--restart", "-n", "-N", "--notify", "-o", "-p", "--postpone", "--no-vcs-ignore",
          "--no-project-ignore", "--no-global-ignore", "--no-default-ignore", "--no-discover-ignore", "-1",
          "--no-process-group", "--wrap-process", "--print-events", "--fs-events", "--no-meta", "--stdin-quit",
          "-W", "--watch-when-idle"), 0).joinedForSh()),
      Map.entry("bear", Runner.of(Set.of(), Set.of("-o", "--output", "--config", "-l", "--library"),
          with(QUIET, "-a", "--append", "--force-preload", "--force-wrapper"), 0)),
      Map.entry("scan-build", Runner.of(Set.of(), Set.of("-o", "--use-cc", "--use-c++", "-enable-checker",
          "-disable-checker", "-analyzer-config", "-maxloop", "--exclude", "--html-title", "--use-analyzer",
          "-load-plugin"), with(QUIET, "-k", "--keep-going", "--view", "--status-bugs", "-plist", "-plist-html",
          "--keep-empty", "-stats", "-internal-stats", "--force-analyze-debug-code", "-no-failure-reports",
          "--keep-cc", "-sarif"), 0)));

  /** Compilers' launchers: {@code ccache gcc …} runs gcc; a first word that is an option is the launcher's own (no command). */
  private static final Set<String> LAUNCHERS = Set.of("ccache", "distcc", "icecc", "sccache");

  /** Whether {@code name} is read here. */
  static boolean reads(String name) {
    return RUNNERS.containsKey(name) || LAUNCHERS.contains(name) || name.equals("nodemon");
  }

  /** What the tool runs: the commands and code to judge, or an unknown step where the reading cannot say. */
  static List<Step> unwrap(String name, List<Word> a) {
    // the same command read twice (after a -- and as the first operand) is one command: python run
    // twice would read as the second taking the first's input
    return List.copyOf(new java.util.LinkedHashSet<>(read(name, a).steps));
  }

  /** Whether the words start an interactive shell (nested-shell): {@code poetry shell}, {@code nix develop}, {@code aws-vault exec P}. */
  static boolean startsShell(String name, List<Word> a) {
    return reads(name) && read(name, a).shell;
  }

  private record Reading(List<Step> steps, boolean shell) {}

  private static Reading read(String name, List<Word> a) {
    if (LAUNCHERS.contains(name)) {
      if (!a.isEmpty() && !a.get(0).literal()) {
        return new Reading(List.of(new Unknown(name + " given a first word only known when it runs")), false);
      }
      boolean own = a.isEmpty() || a.get(0).value().startsWith("-");
      return new Reading(own ? List.of() : Wrappers.inner(a, 0, name), false);
    }
    if (name.equals("nodemon")) {
      return new Reading(codeOf(a, Set.of("-x", "--exec"), name), false);
    }
    Runner r = RUNNERS.get(name);
    List<Step> steps = new ArrayList<>(afterEveryDashDash(a, name, r.bySh));
    int i = options(a, 0, r);
    if (i < 0) {
      // An option the table does not know: its value may be the subcommand or the command.
      boolean mayRun = r.verbs.isEmpty() || a.stream().anyMatch(w -> !w.literal() || r.verbs.contains(w.value())
          || r.verbs.stream().anyMatch(v -> v.startsWith(w.value() + " ")) || r.shellVerbs.contains(w.value()));
      return mayRun ? unknownOptions(name, steps) : new Reading(steps, false);
    }
    // code options anywhere before a -- (nix-shell -p hello --command CODE: -p takes the words after it)
    int dashes = a.stream().map(Word::value).toList().indexOf("--");
    steps.addAll(codeOf(a.subList(0, dashes < 0 ? a.size() : dashes), r.codeOptions, name));
    if (!r.verbs.isEmpty() || !r.shellVerbs.isEmpty()) {
      if (i >= a.size()) {
        return new Reading(steps, false);
      }
      String verb = a.get(i).value();
      String two = i + 1 < a.size() ? verb + " " + a.get(i + 1).value() : "";
      if (r.shellVerbs.contains(verb)) {
        return new Reading(steps, true);
      }
      if (r.verbs.contains(two)) {
        i += 2;
      } else if (r.verbs.contains(verb)) {
        i++;
      } else {
        return new Reading(steps, false);
      }
      i = options(a, i, r);
      if (i < 0) {
        return unknownOptions(name, steps);
      }
    }
    // uv run -m MOD: only where uv's own options end (python's -m after the command is python's)
    List<Integer> rests = r.restOnly ? restOptions(a, r)
        : i < a.size() && r.restOptions.contains(a.get(i).value()) ? List.of(i + 1) : List.of();
    for (int rest : rests) {
      // nix develop --command CMD …, uv run -m MOD …: the rest is the command (the module is python's).
      // Every such word counts: one may be an option's value (nix develop --argstr x -c -c CMD).
      steps.addAll(r.restOnly ? Wrappers.inner(a, rest, name) : Wrappers.inner(asPython(a.subList(rest - 1, a.size())), 0, name));
    }
    if (!rests.isEmpty() && r.restOnly) {
      return new Reading(steps, false);
    }
    int command = i + r.operands;
    if (command >= a.size() || r.restOnly) {
      // mise exec TOOL@VERSION without -- CMD, nix develop without --command: the tool starts a shell
      boolean runs = steps.stream().anyMatch(s -> s instanceof Code || s instanceof Inner);
      return new Reading(steps, r.shellWithoutCommand && !runs);
    }
    if (r.restOptions.contains(a.get(command).value())) {
      return new Reading(steps, false); // uv run -m MOD: read above as python -m MOD
    }
    steps.addAll(Wrappers.inner(a, command, name));
    Word first = a.get(command);
    if (name.equals("hatch") && first.literal() && first.value().indexOf(':') > 0) {
      // hatch run ENV:CMD ARGS runs CMD in the environment ENV
      List<Word> words = new ArrayList<>(a.subList(command, a.size()));
      String cmd = first.value().substring(first.value().indexOf(':') + 1);
      words.set(0, Word.literal(cmd, cmd));
      steps.addAll(Wrappers.inner(words, 0, name));
    }
    if (name.equals("dotenv") && a.get(command).value().equals("run")) {
      // python-dotenv's CLI has the same name: dotenv [-f FILE] run [--override] CMD (proven)
      int after = options(a, command + 1, r);
      steps.addAll(after < 0 ? unknownOptions(name, List.of()).steps : Wrappers.inner(a, after, name));
    }
    if (r.bySh || a.subList(0, command).stream().anyMatch(w -> Set.of("-c", "--shell-mode").contains(w.value())
        && name.equals("pnpm"))) {
      steps.add(joined(a.subList(command, a.size()), name));
    }
    return new Reading(steps, false);
  }

  /**
   * The index after the option words from {@code from} (and their values), or -1 at an option the
   * table does not know. A lone {@code --} ends them.
   */
  private static int options(List<Word> a, int from, Runner r) {
    int i = from;
    while (i < a.size()) {
      if (!a.get(i).literal()) {
        return -1; // an option, its value or the command? Only known when it runs.
      }
      String v = a.get(i).value();
      if (v.equals("--")) {
        return i + 1;
      }
      if (!v.startsWith("-") || v.equals("-")) {
        return i;
      }
      int eq = v.indexOf('=');
      String opt = v.startsWith("--") && eq > 0 ? v.substring(0, eq) : v;
      if (r.restOptions.contains(opt)) {
        return i;
      }
      if (r.withArg.contains(opt) || r.codeOptions.contains(opt)) {
        i += opt.equals(v) ? 2 : 1;
      } else if (r.noArg.contains(v)) {
        i++;
      } else if (Regexes.matches(v, "-[A-Za-z0-9]{2,}") && bundle(v, r) >= 0) {
        i += 1 + bundle(v, r);
      } else {
        return -1;
      }
    }
    return i;
  }

  /**
   * A bundle of short flags ({@code -rc}): how many words after it it takes (1 when its last
   * letter takes a value), or -1 when a letter is not in the table or takes a value before the end.
   */
  private static int bundle(String v, Runner r) {
    for (int j = 1; j < v.length(); j++) {
      String o = "-" + v.charAt(j);
      if (r.withArg.contains(o) || r.codeOptions.contains(o) || r.restOptions.contains(o)) {
        return j == v.length() - 1 && !r.codeOptions.contains(o) && !r.restOptions.contains(o) ? 1 : -1;
      }
      if (!r.noArg.contains(o)) {
        return -1;
      }
    }
    return 0;
  }

  /** The index after each rest option ({@code --command}, {@code -c}, {@code -m}) before a {@code --}. */
  private static List<Integer> restOptions(List<Word> a, Runner r) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < a.size() && !r.restOptions.isEmpty(); i++) {
      String v = a.get(i).value();
      if (v.equals("--")) {
        break;
      }
      if (r.restOptions.contains(v)) {
        out.add(i + 1);
      }
    }
    return out;
  }

  /** {@code -m MOD ARGS} read as {@code python -m MOD ARGS}. */
  private static List<Word> asPython(List<Word> fromM) {
    List<Word> out = new ArrayList<>();
    out.add(Word.literal("python", "python"));
    out.addAll(fromM);
    return out;
  }

  /** The values of the code options anywhere in the words, as code; one only known when it runs is unknown. */
  private static List<Step> codeOf(List<Word> a, Set<String> codeOptions, String name) {
    List<Step> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      String v = a.get(i).value();
      int eq = v.indexOf('=');
      if (v.startsWith("--") && eq > 0 && codeOptions.contains(v.substring(0, eq))) {
        out.add(a.get(i).literal() ? new Code(v.substring(eq + 1), name) : new Unknown(name + " runs code only known when it runs"));
      } else if (codeOptions.contains(v)) {
        boolean known = i + 1 < a.size() && a.get(i + 1).literal();
        out.add(known ? new Code(a.get(i + 1).value(), name) : new Unknown(name + " " + v + " without code the guard can read"));
        i++;
      }
    }
    return out;
  }

  /** The words after each {@code --}, judged as a command (and as code where the tool joins them for sh). */
  private static List<Step> afterEveryDashDash(List<Word> a, String name, boolean bySh) {
    List<Step> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i).literal() && a.get(i).value().equals("--") && i + 1 < a.size()) {
        out.addAll(Wrappers.inner(a, i + 1, name));
        if (bySh) {
          out.add(joined(a.subList(i + 1, a.size()), name));
        }
      }
    }
    return out;
  }

  private static Step joined(List<Word> words, String name) {
    if (words.stream().anyMatch(w -> !w.literal())) {
      return new Unknown(name + " runs its words through sh, some only known when it runs");
    }
    return new Code(String.join(" ", words.stream().map(Word::value).toList()), name + " (sh -c)");
  }

  private static Reading unknownOptions(String name, List<Step> steps) {
    List<Step> out = new ArrayList<>(steps);
    out.add(new Unknown("an option of " + name + " the guard does not know (or a word only known when it runs),"
        + " whose value may be the command it runs"));
    return new Reading(out, false);
  }
}
