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
      // Bundler's COMMAND_ALIASES: exec is also e, ex, exe (attack 17cp)
      Map.entry("bundle", Runner.of(Set.of("exec", "e", "ex", "exe"), Set.of("-r", "--retry", "--gemfile"),
          with(QUIET, "--no-color", "--keep-file-descriptors"), 0).shells("console")),
      Map.entry("pnpm", Runner.of(Set.of("exec", "dlx"), Set.of("--filter", "-F", "--resume-from", "-C", "--dir",
          "--workspace-concurrency", "--package", "--allow-build", "--reporter"),
          with(QUIET, "-r", "--recursive", "--parallel", "-c", "--shell-mode", "--report-summary",
              "--no-reporter-hide-prefix", "-w", "--workspace-root", "--reverse", "--stream", "-s", "--silent"), 0)),
      Map.entry("yarn", Runner.of(Set.of("exec", "dlx"), Set.of("-p", "--package"), QUIET, 0).joinedForSh()),
      Map.entry("bunx", Runner.of(Set.of(), Set.of("-p", "--package"), with(QUIET, "--bun", "--silent"), 0)),
      Map.entry("bun", Runner.of(Set.of("x", "exec"), Set.of("-p", "--package"), with(QUIET, "--bun", "--silent"), 0)),
      // pnpx is pnpm dlx (attack 17cp)
      Map.entry("pnpx", Runner.of(Set.of(), Set.of("--package", "--allow-build", "-C", "--dir", "--reporter"),
          with(QUIET, "-c", "--shell-mode", "-s", "--silent"), 0)),
      Map.entry("pipx", Runner.of(Set.of("run"), Set.of("--spec", "--index-url", "-i", "--pip-args", "--python",
          "--fetch-python"), with(QUIET, "--no-cache", "--pypackages", "--path", "--system-site-packages"), 0)),
      Map.entry("mise", Runner.of(Set.of("exec", "x"), Set.of("-j", "--jobs", "-C", "--cd", "-E", "--env"),
          with(QUIET, "--raw", "--no-prepare", "-y", "--yes"), 0).code("-c", "--command").rest(true).shellAlone()
          .shells("en")),
      Map.entry("asdf", Runner.of(Set.of("exec"), Set.of(), Set.of(), 0)),
      // attack pass 17cs: Procfile runners run a command in the application's environment (foreman(1) run,
      // honcho run, forego run, overmind run, heroku local:run): foreman run rails console was judged as foreman
      Map.entry("foreman", Runner.of(Set.of("run"), Set.of("-e", "--env", "-f", "--procfile", "-d", "--root"), QUIET, 0)),
      Map.entry("honcho", Runner.of(Set.of("run"), Set.of("-e", "--env", "-f", "--procfile", "-d", "--app-root"), QUIET, 0)),
      Map.entry("forego", Runner.of(Set.of("run"), Set.of("-e", "-f"), QUIET, 0)),
      Map.entry("overmind", Runner.of(Set.of("run", "r"), Set.of("-e", "--env", "-f", "--procfile", "-d", "--root", "-s",
          "--socket", "-S", "--network"), QUIET, 0)),
      Map.entry("heroku", Runner.of(Set.of("local:run", "run:local"), Set.of("-e", "--env", "-p", "--port"), QUIET, 0)),
      Map.entry("direnv", Runner.of(Set.of("exec"), Set.of(), Set.of(), 1)),
      Map.entry("nix", Runner.of(Set.of("develop", "shell", "env shell"), Set.of("-f", "--file", "--expr", "--profile", "-I",
          "--include", "--override-input", "--redirect", "-k", "--keep", "-u", "--unset", "--chdir", "--phase",
          "--option", "--arg", "--argstr"), with(QUIET, "-i", "--ignore-environment", "--impure", "--offline",
          "--refresh", "--no-write-lock-file", "--build", "--check", "--configure", "--install", "--installcheck",
          "--unpack", "--print-build-logs", "-L"), 0).rest(true, "-c", "--command").shellAlone().shells("repl")),
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
      // attack pass 17cu: the other cloud credential wrappers run their command as aws-vault exec does
      // (saml2aws exec [flags] CMD, infisical run [flags] -- CMD or --command CODE, chamber exec SERVICE -- CMD,
      // envchain NAMESPACE CMD, aws-okta exec PROFILE -- CMD, summon [flags] CMD, berglas exec -- CMD)
      Map.entry("saml2aws", Runner.of(Set.of("exec"), Set.of("-a", "--idp-account", "--idp-provider", "--mfa", "--url",
          "--username", "--password", "--role", "--region", "-p", "--profile", "--exec-profile", "--credentials-file",
          "--session-duration", "--cache-file", "--mfa-token", "--aws-urn", "--config"), with(QUIET, "--skip-verify",
          "--verbose", "--quiet", "--disable-keychain", "--skip-prompt", "--disable-remember-device", "--disable-sessions"), 0)),
      Map.entry("infisical", Runner.of(Set.of("run"), Set.of("-e", "--env", "--path", "--projectId", "--token", "--domain",
          "-t", "--tags", "--watch-interval"), with(QUIET, "--expand", "--include-imports", "--recursive",
          "--secret-overriding", "--silent", "--watch"), 0).code("--command")),
      Map.entry("chamber", Runner.of(Set.of("exec"), Set.of("-b", "--backend", "--kms-key-alias", "-r", "--retries",
          "--min-throttle-delay"), with(QUIET, "--pristine", "--strict", "-v", "--verbose"), 1)),
      Map.entry("envchain", Runner.of(Set.of(), Set.of(), with(QUIET, "-n", "--noecho", "-p", "--require-passphrase",
          "-P", "--no-require-passphrase", "-s", "--set", "-l", "--list", "--unset"), 1)),
      Map.entry("aws-okta", Runner.of(Set.of("exec"), Set.of("-t", "--assume-role-ttl", "--session-ttl", "-b", "--backend",
          "--mfa-provider", "--mfa-factor-type", "--mfa-duo-device", "-r", "--assume-role-arn"), with(QUIET, "-d",
          "--debug"), 1)),
      Map.entry("summon", Runner.of(Set.of(), Set.of("-p", "--provider", "-f", "-D", "-e", "--environment", "--up"),
          with(QUIET, "--yaml", "--ignore-all", "-i", "--ignore"), 0)),
      Map.entry("berglas", Runner.of(Set.of("exec"), Set.of("--project"), with(QUIET, "--local"), 0)),
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

  /**
   * Runners that are Python packages, run by {@code python3 -m MODULE} as by their command
   * ({@code python3 -m dotenv run CMD}, {@code python3 -m uv run CMD}): attack 17cp, proven for
   * python-dotenv.
   */
  private static final Set<String> PYTHON_MODULES = Set.of("dotenv", "uv", "poetry", "pdm", "hatch", "pipenv", "pipx");

  /**
   * The runner and its words when {@code name} is a Python interpreter given {@code -m} of a runner's
   * module, else null.
   */
  static Map.Entry<String, List<Word>> pythonModule(String name, List<Word> a) {
    if (!Regexes.matches(name, "python[0-9.]*|pypy[0-9.]*")) {
      return null;
    }
    List<String> m = ShellClass.PythonRun.read(a.stream().map(Word::value).toList()).resolvedModule();
    // python -m MOD.__main__, runpy MOD, cProfile -m MOD, trace --module MOD: MOD runs (attack 17cq, proven)
    if (m == null || !PYTHON_MODULES.contains(m.get(0)) || m.size() > a.size() + 1) {
      return null;
    }
    return Map.entry(m.get(0), List.copyOf(a.subList(a.size() - m.size() + 1, a.size())));
  }

  /**
   * The same tools under their other installed names (attack 17cq): RubyGems installs Bundler as
   * {@code bundle} and {@code bundler}; Debian names Yarn {@code yarnpkg}; mise was {@code rtx}.
   */
  private static final Map<String, String> ALIASES = Map.of("bundler", "bundle", "yarnpkg", "yarn", "rtx", "mise");

  private static String canonical(String name) {
    return ALIASES.getOrDefault(name, name);
  }

  /** Whether {@code name} is read here. */
  static boolean reads(String name) {
    name = canonical(name);
    return RUNNERS.containsKey(name) || LAUNCHERS.contains(name) || name.equals("nodemon");
  }

  /** What the tool runs: the commands and code to judge, or an unknown step where the reading cannot say. */
  static List<Step> unwrap(String name, List<Word> a) {
    name = canonical(name);
    // the same command read twice (after a -- and as the first operand) is one command: python run
    // twice would read as the second taking the first's input
    return List.copyOf(new java.util.LinkedHashSet<>(read(name, a).steps));
  }

  /** Whether the words start an interactive shell (nested-shell): {@code poetry shell}, {@code nix develop}, {@code aws-vault exec P}. */
  static boolean startsShell(String name, List<Word> a) {
    name = canonical(name);
    var module = pythonModule(name, a);
    if (module != null) {
      return read(module.getKey(), module.getValue()).shell;
    }
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
    if (name.equals("rustup")) {
      a = withoutToolchainOverride(a);
    }
    if (name.equals("pnpm") || name.equals("yarn") || name.equals("devbox")) {
      a = withoutWorkspaceWords(name, a);
    }
    if (name.equals("bundle") && !a.isEmpty() && a.get(0).literal() && Regexes.matches(a.get(0).value(), "_[^_\\s]+_")) {
      // RubyGems' version selector: bundle _2.4.0_ exec CMD runs that Bundler with the words after it (attack 17cq)
      a = a.subList(1, a.size());
    }
    if (name.equals("nix")) {
      int v = options(a, 0, r);
      if (v >= 0 && v < a.size() && a.get(v).value().equals("run")) {
        return new Reading(nixRun(a, v + 1, r), false);
      }
      if (v < 0 && a.stream().anyMatch(w -> w.value().equals("run"))) {
        return unknownOptions(name, List.of());
      }
    }
    List<Step> steps = new ArrayList<>(afterEveryDashDash(a, name, r.bySh));
    steps.addAll(shellNamed(name, a));
    int i = options(a, 0, r);
    if (i < 0) {
      // An option the table does not know: its value may be the subcommand or the command.
      boolean mayRun = r.verbs.isEmpty() || a.stream().anyMatch(w -> !w.literal() || r.verbs.contains(w.value())
          || r.verbs.stream().anyMatch(v -> v.startsWith(w.value() + " ")) || r.shellVerbs.contains(w.value()));
      return mayRun ? unknownOptions(name, steps) : new Reading(steps, false);
    }
    boolean bunShell = false;
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
      } else if (PREFIXED.containsKey(name + " " + verb)) {
        // yarn node ARGS, pipx runpip VENV ARGS, asdf env CMD UTIL ARGS: the program is the tool's word
        Prefixed p = PREFIXED.get(name + " " + verb);
        // the words after the verb are the program's (yarn node -e CODE); an option where an operand
        // stands (pipx runpip -v VENV) is the tool's, not known here
        int from = i + 1 + p.operands;
        if (a.subList(i + 1, Math.min(from, a.size())).stream().anyMatch(w -> !w.literal() || w.value().startsWith("-"))) {
          return unknownOptions(name, steps);
        }
        List<Word> words = new ArrayList<>();
        if (!p.program.isEmpty()) {
          words.add(Word.literal(p.program, p.program));
        }
        if (from < a.size()) {
          words.addAll(a.subList(from, a.size()));
        }
        if (!words.isEmpty()) {
          steps.addAll(Wrappers.inner(words, 0, name));
        }
        return new Reading(steps, false);
      } else if (r.verbs.contains(verb)) {
        i++;
        bunShell = name.equals("bun") && verb.equals("exec");
      } else if (!name.equals("pnpm") || PNPM_COMMANDS.contains(verb)) {
        return new Reading(steps, false);
      }
      // else: pnpm runs a word that is none of its commands as a script or, without one, as a
      // command (pnpm 6.6.1: "pnpm eslint"): the words from it are judged as pnpm exec's
      i = options(a, i, r);
      // hatch run +py=3.12 CMD: a matrix selection (hatch's "+NAME=VALUES"), not the command (attack 17cp)
      while (name.equals("hatch") && i >= 0 && i < a.size() && a.get(i).literal() && a.get(i).value().startsWith("+")) {
        i = options(a, i + 1, r);
      }
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
    if (r.bySh || bunShell || a.subList(0, command).stream().anyMatch(w -> Set.of("-c", "--shell-mode").contains(w.value())
        && name.equals("pnpm"))) {
      steps.add(joined(a.subList(command, a.size()), name));
    }
    return new Reading(steps, false);
  }

  /** nix's options that take two values ({@code --option NAME VALUE}, {@code --argstr NAME VALUE}): attack 17cp. */
  private static final Set<String> TWO_VALUES = Set.of("--option", "--arg", "--argstr", "--override-input",
      "--override-flake", "--arg-from-file", "--arg-from-stdin");

  /**
   * watchexec's {@code --shell SHELL} runs the command's words as SHELL's code ({@code --shell
   * python3 'import os; …'}): a shell whose language is not bash's (or not known here) is unknown;
   * {@code none} runs the words as a command, judged already (attack 17cp).
   */
  private static List<Step> shellNamed(String name, List<Word> a) {
    if (!name.equals("watchexec")) {
      return List.of();
    }
    for (int i = 0; i < a.size(); i++) {
      String v = a.get(i).value();
      if (v.equals("--")) {
        break;
      }
      String shell = v.startsWith("--shell=") ? v.substring(8) : v.equals("--shell") && i + 1 < a.size() ? a.get(i + 1).value() : null;
      boolean known = v.startsWith("--shell=") ? a.get(i).literal() : i + 1 < a.size() && a.get(i + 1).literal();
      if (shell != null) {
        String first = shell.strip().split("\\s+")[0];
        String base = first.substring(first.lastIndexOf('/') + 1);
        if (!known || !base.equals("none") && !Wrappers.BASH_LIKE.contains(base)) {
          return List.of(new Unknown("watchexec runs its command as code of " + shell + ", a language the guard does not read"));
        }
      }
    }
    return List.of();
  }

  private record Prefixed(String program, int operands) {}

  /**
   * Verbs that run a program of the tool's choosing with the words after them: yarn's {@code node}
   * (Yarn 2+ runs node with them), pipx's {@code runpip VENV} (pip in that environment: pipx runpip
   * v install x installs), asdf's {@code env CMD [UTIL …]} (UTIL run in CMD's environment; env by
   * default): attack 17cp.
   */
  private static final Map<String, Prefixed> PREFIXED = Map.of("yarn node", new Prefixed("node", 0),
      "pipx runpip", new Prefixed("pip", 1), "asdf env", new Prefixed("", 1));

  /**
   * pnpm's commands and aliases (pnpm 10 {@code pnpm help --all}, and the npm commands it passes
   * on): any other first word is a script's name or a command pnpm runs ({@code pnpm sh -c CODE}).
   */
  private static final Set<String> PNPM_COMMANDS = Set.of("add", "audit", "bin", "c", "cache", "cat-file", "cat-index",
      "config", "create", "dedupe", "deploy", "dlx", "doctor", "env", "exec", "fetch", "find-hash", "get", "help", "i",
      "ignored-builds", "approve-builds", "import", "init", "install", "install-test", "it", "licenses", "link", "list", "ln",
      "ls", "outdated", "pack", "patch", "patch-commit", "patch-remove", "prune", "publish", "rb", "rebuild", "recursive",
      "multi", "m", "remove", "rm", "root", "run", "run-script", "server", "set", "setup", "start", "store", "t", "test",
      "tst", "un", "uninstall", "unlink", "up", "update", "upgrade", "why", "self-update", "restart", "stop", "access",
      "adduser", "bugs", "deprecate", "dist-tag", "docs", "edit", "info", "login", "logout", "owner", "ping", "prefix",
      "profile", "pkg", "repo", "s", "se", "search", "set-script", "show", "star", "stars", "team", "token", "unpublish",
      "unstar", "v", "version", "view", "whoami", "xmas", "catalog", "sbom", "completion", "x", "node", "inst",
      "ll", "la", "cat", "runtime");

  /**
   * {@code rustup +TOOLCHAIN run …}: the toolchain override ({@code rustup [+toolchain] [COMMAND]})
   * before the verb is rustup's own word, not the verb (attack 17cp, proven).
   */
  static List<Word> withoutToolchainOverride(List<Word> a) {
    List<Word> out = new ArrayList<>();
    boolean verbSeen = false;
    for (Word w : a) {
      if (!verbSeen && w.literal() && w.value().startsWith("+")) {
        continue;
      }
      verbSeen |= !w.literal() || !w.value().startsWith("-");
      out.add(w);
    }
    return out;
  }

  /**
   * The words that only choose where the verb runs, dropped before it: pnpm's {@code recursive}
   * ({@code multi}, {@code m}) and yarn's {@code workspace NAME} and {@code workspaces foreach
   * [OPTIONS]}, whose options run up to the verb (exec, dlx, node) after them (attack 17cp).
   */
  private static List<Word> withoutWorkspaceWords(String name, List<Word> a) {
    List<String> v = a.stream().map(Word::value).toList();
    int at = -1;
    int drop = 0;
    for (int i = 0; i < v.size() && at < 0; i++) {
      if (name.equals("pnpm") && Set.of("recursive", "multi", "m").contains(v.get(i))) {
        at = i;
        drop = 1;
      } else if (name.equals("devbox") && v.get(i).equals("global")) {
        // devbox global run CMD, devbox global shell: the global environment's run and shell (attack 17cq)
        at = i;
        drop = 1;
      } else if (name.equals("yarn") && v.get(i).equals("workspace")) {
        at = i;
        drop = 2;
      } else if (name.equals("yarn") && v.get(i).equals("workspaces") && i + 1 < v.size() && v.get(i + 1).equals("foreach")) {
        at = i;
        int verb = i + 2;
        while (verb < v.size() && !Set.of("exec", "dlx", "node", "run").contains(v.get(verb))) {
          verb++;
        }
        drop = verb - i;
      } else if (!v.get(i).startsWith("-")) {
        break; // the verb itself, or an option's value
      }
    }
    if (at < 0) {
      return a;
    }
    List<Word> out = new ArrayList<>(a.subList(0, at));
    out.addAll(a.subList(Math.min(at + drop, a.size()), a.size()));
    return out;
  }

  /**
   * {@code nix run INSTALLABLE [--] ARGS}: nix runs the installable's main program with the words
   * after it (attack 17cp: the words after {@code --} were judged as a command of their own, {@code
   * nix run nixpkgs#bash -- -c CODE}). The program is judged by the attribute's last name
   * ({@code nixpkgs#bash} runs {@code bash}); as the main program may have another name, words given
   * to it make the text unclassified too. {@code nix run .} alone runs the flake's default app.
   */
  private static List<Step> nixRun(List<Word> a, int from, Runner r) {
    int i = options(a, from, r);
    if (i < 0) {
      return unknownOptions("nix", List.of()).steps;
    }
    if (i >= a.size()) {
      return List.of();
    }
    Word installable = a.get(i);
    List<Word> args = new ArrayList<>();
    boolean ended = false;
    for (Word w : a.subList(i + 1, a.size())) {
      if (!ended && w.literal() && w.value().equals("--")) {
        ended = true;
        continue;
      }
      args.add(w);
    }
    String v = installable.value();
    int hash = v.indexOf('#');
    String attr = hash < 0 ? "" : v.substring(hash + 1);
    attr = attr.substring(attr.lastIndexOf('.') + 1);
    if (!installable.literal() || attr.isEmpty() || !Regexes.matches(attr, "[A-Za-z0-9_+-][A-Za-z0-9_.+-]*")) {
      return args.isEmpty() && installable.literal() ? List.of()
          : List.of(new Unknown("nix run runs a program only known when it runs (" + installable.shown() + ") with words after it"));
    }
    List<Word> words = new ArrayList<>();
    words.add(Word.literal(attr, attr));
    words.addAll(args);
    List<Step> out = new ArrayList<>(Wrappers.inner(words, 0, "nix run"));
    if (!args.isEmpty()) {
      // the program is the package's meta.mainProgram, which need not be its attribute's name
      // (nixpkgs#bashInteractive runs bash): given words, what reads them is only known when it runs
      out.add(new Unknown("nix run gives words to " + installable.shown() + "'s main program, only known when it runs"));
    }
    return out;
  }

  /**
   * Whether the tool sets the environment of what it runs from a file or takes the environment
   * away, as {@code envdir} and {@code chpst -e} do: python-dotenv's and dotenv-cli's {@code dotenv}
   * (a {@code .env} file), {@code dotenvx run}, {@code sops exec-env}, {@code direnv exec} (the
   * {@code .envrc}), {@code --env-file} ({@code uv run}, {@code op run}, {@code devbox run}),
   * {@code nix-shell --pure}, {@code nix develop -i}/{@code --unset}, {@code devbox run --pure},
   * {@code watchexec -E}, {@code daemonize -E}. A file may unset the pager's secure mode the
   * gateway sets ({@code LESSSECURE=}); proven for python-dotenv (attack 17cp).
   */
  static boolean environmentReplaced(String name, List<Word> a) {
    name = canonical(name);
    var module = pythonModule(name, a);
    if (module != null) {
      return environmentReplaced(module.getKey(), module.getValue());
    }
    if (!RUNNERS.containsKey(name) || read(name, a).steps.isEmpty() && !read(name, a).shell) {
      return false;
    }
    List<String> v = a.stream().map(Word::value).toList();
    java.util.function.Predicate<String> has = o -> v.stream().anyMatch(w -> w.equals(o) || w.startsWith(o + "="));
    return switch (name) {
      // python-dotenv's list/get/set/unset read or write the file and run nothing
      case "dotenv" -> {
        int i = options(a, 0, RUNNERS.get(name));
        yield i < 0 || i >= a.size() || !Set.of("list", "get", "set", "unset").contains(a.get(i).value());
      }
      case "dotenvx", "direnv" -> true;
      case "sops" -> v.contains("exec-env");
      case "uv", "uvx", "op" -> has.test("--env-file");
      case "devbox" -> has.test("--env-file") || has.test("--pure") || has.test("-e") || has.test("--env");
      case "nix-shell" -> has.test("--pure");
      case "nix" -> has.test("-i") || has.test("--ignore-environment") || has.test("-u") || has.test("--unset");
      case "watchexec" -> has.test("-E") || has.test("--env");
      case "daemonize" -> has.test("-E");
      default -> false;
    };
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
      if (TWO_VALUES.contains(v)) {
        i += 3;
      } else if (r.withArg.contains(opt) || r.codeOptions.contains(opt)) {
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
