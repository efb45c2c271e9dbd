package dev.gatehouse.policy.shell;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Files a program reads as code when it starts, named by how it is started rather than by a
 * word the judge reads as code: a login shell's profiles, a configuration moved by an option or variable. A
 * text that writes (or may write) such a file and then starts the program runs what it wrote.
 */
final class ReadAtStart {
  private ReadAtStart() {}

  /**
   * What a login bash or sh sources before its {@code -c} code: {@code ~/.bash_profile}, else
   * {@code ~/.bash_login}, else {@code ~/.profile} (sh: {@code ~/.profile}); {@code ~/.bash_logout}
   * on {@code exit}; the {@code ~/.bashrc} (and what it sources) a profile commonly sources;
   * {@code /etc/profile*} too. Compared by name wherever the text writes them (a {@code cd} may move).
   */
  private static final Set<String> PROFILES = Set.of(".profile", ".bash_profile", ".bash_login", ".bash_logout",
      ".bashrc", ".bash_aliases", "profile", "bash.bashrc");

  private static final Set<String> SHELLS = Set.of("bash", "sh", "dash", "rbash", "ksh", "mksh", "posh");

  /**
   * Programs that write files under names the text does not spell: archive members, copies into a
   * directory ({@code cp -r d/. ~}), checkouts.
   */
  private static final Set<String> DERIVED_WRITERS = Set.of("cp", "mv", "rsync", "ln", "install", "tar", "bsdtar",
      "cpio", "unzip", "7z", "7za", "7zr", "unrar", "ar", "pax", "git", "patch", "split", "csplit", "uudecode",
      "busybox", "scp", "sftp", "wget", "curl", "gunzip", "unxz", "bunzip2", "unzstd", "zstd", "gzip", "xz", "bzip2");

  /** A login shell run by a text that writes, or may write, one of {@link #PROFILES}. */
  static Optional<String> loginShellReadsWrittenProfile(ShellReading r) {
    for (ShellCommand c : r.commands()) {
      if (!loginShell(c)) {
        continue;
      }
      if (mayWrite(r, c, w -> mayName(w, PROFILES))) {
        return Optional.of(c.text());
      }
    }
    return Optional.empty();
  }

  /**
   * A shell started as a login shell: {@code -l} in its options (bundled too), {@code --login},
   * or an argv0 beginning with {@code -} ({@code exec -l}, {@code exec -a -bash}, a name only
   * known when it runs).
   */
  private static boolean loginShell(ShellCommand c) {
    if (c.name().equals("exec")) {
      List<Word> a = c.args();
      for (int i = 0; i < a.size(); i++) {
        Word w = a.get(i);
        String v = w.value();
        if (!w.literal() && i + 1 < a.size()) {
          return true;
        }
        if (v.equals("--") || !v.startsWith("-")) {
          return false;
        }
        if (Regexes.matches(v, "-[cl]*l[cl]*")) {
          return i + 1 < a.size();
        }
        if (Regexes.matches(v, "-[cl]*a")) {
          if (i + 1 >= a.size()) {
            return false;
          }
          Word n = a.get(++i);
          if (!n.literal() || n.value().startsWith("-")) {
            return true;
          }
        }
      }
      return false;
    }
    if (!SHELLS.contains(c.name())) {
      return false;
    }
    List<Word> a = c.args();
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (!w.literal()) {
        return true;
      }
      if (v.equals("--") || v.equals("-")) {
        return false;
      }
      if (v.equals("--login")) {
        return true;
      }
      if (v.equals("--rcfile") || v.equals("--init-file")) {
        i++;
      } else if ((v.startsWith("-") || v.startsWith("+")) && v.length() > 1 && !v.startsWith("--")) {
        if (v.indexOf('l', 1) > 0) {
          return true;
        }
        // -o/-O take a value each.
        i += (int) v.chars().filter(ch -> ch == 'o' || ch == 'O').count();
      } else if (!v.startsWith("--")) {
        return false; // the -c code or a script: what follows is its arguments
      }
    }
    return false;
  }

  /**
   * {@code kubectl config set-credentials --exec-command=CMD} ({@code --exec-*}, {@code
   * --auth-provider*}) or {@code kubectl config set users.U.exec.command CMD}: kubectl writes the
   * credential plugin into the configuration every later kubectl reads. A word only known when it
   * runs may be one.
   */
  private static boolean setsCredentialPlugin(ShellCommand c) {
    List<String> av = c.argValues();
    int config = av.indexOf("config");
    if (config < 0) {
      return false;
    }
    List<Word> rest = c.args().subList(config + 1, c.args().size());
    boolean credentials = av.contains("set-credentials");
    boolean set = av.subList(config + 1, av.size()).contains("set");
    if (!credentials && !set) {
      return false;
    }
    return rest.stream().anyMatch(w -> !w.literal() || credentials && (w.value().startsWith("--exec")
        || w.value().startsWith("--auth-provider")) || set && Regexes.matches(
        w.value().toLowerCase(java.util.Locale.ROOT), "(?s).*(exec|auth-provider|authprovider).*"));
  }

  /**
   * Where a program reads a configuration (or code) that runs commands, moved from its usual place
   * by an option or a variable: kubectl's {@code --kubeconfig} (its {@code users[].user.exec}
   * credential plugin runs before kubectl contacts the server), docker's {@code --config DIR}/{@code DOCKER_CONFIG} (runs every
   * {@code cli-plugins/docker-*} for its metadata), aws's {@code AWS_CONFIG_FILE}/{@code
   * AWS_SHARED_CREDENTIALS_FILE} ({@code credential_process}, plugins), sqlite3's {@code -init}
   * ({@code .shell}), ipython's profile and IPython directories ({@code startup/*.py}, {@code
   * ipython_config.py}) and {@code --config}, ninja's {@code -f} (its {@code command =} lines), curl's
   * {@code -K} (its {@code output =} writes any file, a startup file too), wget's {@code --config}
   * (its {@code use_askpass} runs a program), psql's {@code -f} and
   * {@code PSQLRC}/{@code PGSYSCONFDIR} ({@code \! CMD}), GnuPG's {@code --homedir DIR} and {@code
   * --options FILE} (by any start GnuPG takes: {@code --home DIR}, {@code --opt=FILE}; {@code
   * gpg.conf}'s {@code agent-program ./s} runs when gpg needs its agent, {@code --card-status}).
   *
   * @param dir whether the option names a directory whose files are read
   */
  private record Moved(Set<String> programs, Set<String> options, Set<String> variables, boolean dir) {}

  /** apt's programs, which all read its configuration. */
  private static final Set<String> APT_NAMES = Set.of("apt", "apt-get", "apt-cache", "apt-mark", "apt-config", "apt-cdrom",
      "apt-ftparchive", "apt-sortpkgs", "apt-extracttemplates", "aptitude");

  /**
   * GnuPG's programs: each reads its options from its home directory ({@code --homedir}, {@code
   * GNUPGHOME}, else {@code ~/.gnupg}) or {@code --options FILE}, and starts gpg-agent there.
   */
  private static final Set<String> GNUPG_NAMES = Set.of("gpg", "gpg2", "gpgv", "gpgv2", "gpgsm", "gpg-agent", "dirmngr",
      "dirmngr-client", "scdaemon", "keyboxd", "gpgconf", "gpg-connect-agent", "gpg-card", "gpgtar", "gpg-zip",
      "gpg-wks-client", "gpg-wks-server", "gpgcompose");

  private static final List<Moved> MOVED = List.of(
      new Moved(Set.of("kubectl"), Set.of("--kubeconfig"), Set.of(), false),
      new Moved(Set.of("docker"), Set.of("--config"), Set.of("DOCKER_CONFIG"), true),
      new Moved(Set.of("aws"), Set.of(), Set.of("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"), false),
      new Moved(Set.of("sqlite3", "sqlite"), Set.of("-init", "--init"), Set.of(), false),
      new Moved(Set.of("ipython", "ipython3"), Set.of("--profile-dir", "--ipython-dir"), Set.of("IPYTHONDIR"), true),
      new Moved(Set.of("ipython", "ipython3"), Set.of("--config"), Set.of(), false),
      new Moved(Set.of("ninja"), Set.of("-f"), Set.of(), false),
      new Moved(Set.of("curl"), Set.of("-K", "--config"), Set.of(), false),
      // wget's --config FILE is the wgetrc it reads instead of ~/.wgetrc (use_askpass runs a program).
      new Moved(Set.of("wget"), Set.of("--config"), Set.of(), false),
      // psql's -f (by any unique prefix of --file) and its startup file (\! CMD runs there);
      // PGSYSCONFDIR holds the system-wide psqlrc.
      new Moved(PsqlClient.NAMES, Set.of("-f", "--fi", "--fil", "--file"), Set.of("PSQLRC"), false),
      new Moved(PsqlClient.NAMES, Set.of(), Set.of("PGSYSCONFDIR"), true),
      // apt's -c FILE and APT_CONFIG: hooks (APT::Update::Pre-Invoke), dpkg's program and options.
      new Moved(APT_NAMES, Set.of("-c", "--config-file"), Set.of("APT_CONFIG"), false),
      // GnuPG's home holds gpg.conf, gpg-agent.conf, dirmngr.conf, scdaemon.conf, common.conf, …
      // (programs to start: agent-program, pinentry-program, …); GNUPGHOME is read below, for any program.
      new Moved(GNUPG_NAMES, Set.of("--homedir"), Set.of(), true),
      new Moved(GNUPG_NAMES, Set.of("--options"), Set.of(), false));

  /**
   * At most this many characters of names a moved directory brings are judged (the size of the
   * longest text): a text that brings more counts, failing closed. A name of {@link #PATH_MAX} or
   * more is no file a program opens (ENAMETOOLONG) and is not judged.
   */
  private static final int MAX_MOVED_CHARS = 65_536;

  private static final int PATH_MAX = 4_096;

  /**
   * A directory the text writes files into and then moves, copies or links whole ({@code mv d
   * .config/gdb}, {@code cp -r d .docker}, {@code ln -s ../d .config/gdb}): each written file
   * {@code SOURCE/REST} becomes {@code TARGET/REST} (renamed, or {@code cp -R d/.}) or {@code
   * TARGET/LEAF/REST} (into an existing directory), which may be a startup file ({@link
   * ShellClass#startupFile}) no word of the line names. A link's relative source is read from the
   * link's directory; a source only known when it runs, or a pattern, may be any written directory.
   * The commands are read in order, so a tree moved twice is followed.
   */
  static Optional<String> movesWrittenDirectoryOntoStartupFile(ShellReading r) {
    TreeSet<String> written = new TreeSet<>();
    r.writes().forEach(w -> written.add(relativePath(w.target().value())));
    for (ShellCommand o : r.commands()) {
      if (Set.of("echo", "printf").contains(o.name()) || WrittenThenRun.NO_CONTENT.contains(o.name())) {
        continue;
      }
      ShellClass.namedWords(o).forEach(w -> written.add(relativePath(w.value())));
      outputWords(o).forEach(w -> written.add(relativePath(w.value())));
      List<Word> ops = Set.of("cp", "mv", "install", "ln").contains(o.name()) ? ShellClass.operands(o) : List.of();
      for (Word s : ops.subList(0, Math.max(0, ops.size() - 1))) { // cp f d/ writes d/f
        written.add(relativePath(ops.get(ops.size() - 1).value() + "/" + leafOf(s.value())));
      }
    }
    int judgedChars = 0;
    for (ShellCommand c : r.commands()) {
      if (!Set.of("cp", "mv", "ln", "rsync").contains(c.name())) {
        continue;
      }
      List<Word> ops = ShellClass.operands(c);
      Word target = ops.isEmpty() ? null : ops.get(ops.size() - 1);
      List<Word> sources = ops.isEmpty() ? ops : ops.subList(0, ops.size() - 1);
      List<Word> a = c.args();
      for (int i = 0; i < a.size(); i++) {
        String v = a.get(i).value();
        if ((v.equals("-t") || Wrappers.longOption(v, "target-directory") && v.indexOf('=') < 0) && i + 1 < a.size()) {
          target = a.get(i + 1);
          sources = ops;
        } else if (Wrappers.longOption(v, "target-directory") && v.indexOf('=') > 0) {
          target = new Word(v, v.substring(v.indexOf('=') + 1), a.get(i).literal());
          sources = ops;
        }
      }
      if (target == null) {
        continue;
      }
      String t = relativePath(target.value());
      String dirOfTarget = t.lastIndexOf('/') < 0 ? "" : t.substring(0, t.lastIndexOf('/') + 1);
      for (Word s : sources) {
        String sv = s.value();
        List<String> dirs = new ArrayList<>(List.of(relativePath(sv)));
        if (c.name().equals("ln") && !sv.startsWith("/")) {
          dirs.add(relativePath(dirOfTarget + sv));
          dirs.add(relativePath(t + "/" + sv));
        }
        boolean any = sv.indexOf(Word.UNKNOWN) >= 0 || PathPatterns.hasGlob(sv);
        List<String> rests = restsUnder(written, dirs, any, MAX_MOVED_CHARS - judgedChars + 1);
        for (String rest : rests) {
          for (String name : List.of(t + "/" + rest, t + "/" + leafOf(sv) + "/" + rest)) {
            if (name.length() >= PATH_MAX) {
              continue;
            }
            judgedChars += name.length();
            if (judgedChars > MAX_MOVED_CHARS || ShellClass.startupFile(new Word(name, name, target.literal()))) {
              return Optional.of(c.text());
            }
            written.add(relativePath(name)); // a later mv may move the tree again (mv d e; mv e .gnupg)
          }
        }
      }
    }
    return Optional.empty();
  }

  /** A path as the judge compares it: {@code .}, {@code ..} and doubled slashes resolved, no trailing slash. */
  private static String relativePath(String p) {
    String n = p.startsWith("/") ? ShellClass.normalize(p) : ShellClass.normalize("/" + p).substring(1);
    return n.equals("/") ? n : Regexes.replaceFirst(n, "/+$", "");
  }

  private static String leafOf(String p) {
    String n = Regexes.replaceFirst(p, "/+$", "");
    return n.substring(n.lastIndexOf('/') + 1);
  }

  /**
   * What follows one of {@code dirs} in the written paths ({@code d/gdb/gdbinit} under {@code d}:
   * {@code gdb/gdbinit}); with {@code any}, every end of each after a slash, shortest first. Ends
   * of {@link #PATH_MAX} or more are left out; past {@code budget} characters in all, no more.
   */
  private static List<String> restsUnder(TreeSet<String> written, List<String> dirs, boolean any, int budget) {
    List<String> out = new ArrayList<>();
    int chars = 0;
    if (any) {
      for (String f : written) {
        for (int i = f.length(); chars <= budget; ) {
          int slash = f.lastIndexOf('/', i - 1);
          String end = f.substring(slash + 1);
          if (end.length() >= PATH_MAX) {
            break;
          }
          if (!end.isEmpty()) {
            out.add(end);
            chars += end.length();
          }
          if (slash < 0) {
            break;
          }
          i = slash;
        }
      }
      return out;
    }
    for (String d : dirs) {
      // The paths under d sort between "d/" and "d0" ('0' follows '/'); under "" every relative one.
      String prefix = d.isEmpty() || d.equals("/") ? d : d + "/";
      Set<String> under = prefix.isEmpty() ? written : written.subSet(prefix, false, prefix.substring(0, prefix.length() - 1) + '0', false);
      for (String f : under) {
        if (chars > budget) {
          return out;
        }
        int length = f.length() - prefix.length();
        if (f.startsWith(prefix) && !(prefix.isEmpty() && f.startsWith("/")) && length > 0 && length < PATH_MAX) {
          out.add(f.substring(prefix.length()));
          chars += length;
        }
      }
    }
    return out;
  }

  /**
   * A program of {@link #MOVED} whose configuration is named, by its option or a variable the text
   * sets ({@code X=d prog}, {@code export X=d}), as a file or directory the text writes or may
   * write, or that is no regular file named literally (ninja's {@code -f /dev/stdin}); {@code aws
   * configure set} of a key that runs or loads code; kubectl writing a credential plugin; ipython given a setting by {@code
   * --Class.trait=} (its {@code exec_lines}, {@code exec_files}, {@code extensions} are code).
   */
  static Optional<String> configurationTheTextWrites(ShellReading r) {
    for (ShellReading.Assignment as : r.assignments()) {
      // Every program that runs gpg reads GNUPGHOME's configuration, not only GnuPG's own (git
      // commit -S, git verify-commit: dirmngr-program with auto-key-retrieve); empty, it is ~/.gnupg.
      Word home = as.value();
      if (as.variable().equals("GNUPGHOME") && home != null && !(home.literal() && home.value().isEmpty())
          && (GitFiles.temporaryFile(home, r) ? writesUnderNewDirectory(r) : dirTheTextMayWrite(r, null, home))) {
        return Optional.of(as.text());
      }
    }
    for (ShellCommand c : r.commands()) {
      if (c.name().equals("aws") && awsSetsCode(c) || c.name().equals("kubectl") && setsCredentialPlugin(c) || Regexes.matches(c.name(), "ipython3?") && c.args().stream()
          .anyMatch(w -> !w.literal() && w.value().startsWith("-") || Regexes.matches(w.value(), "(?s)--?[A-Za-z_]\\w*\\..*"))) {
        return Optional.of(c.text());
      }
      // dpkg-buildpackage runs debian/rules (and its hooks in debian/source): a write under debian/ may be it.
      if (Regexes.matches(c.name(), "dpkg-buildpackage|debuild|dpkg-source") && dirTheTextMayWrite(r, c, Word.literal("debian", "debian"))) {
        return Optional.of(c.text());
      }
      // gpg's default home is ~/.gnupg, the session's starting directory: a directory moved, copied
      // or linked there whole (mv g .gnupg) brings its gpg.conf (by name, .gnupg/gpg.conf is a startup file).
      if (GNUPG_NAMES.contains(c.name()) && r.commands().stream().anyMatch(o -> o != c
          && outputWords(o).stream().anyMatch(w -> mayName(w, Set.of(".gnupg"))))) {
        return Optional.of(c.text());
      }
      for (Moved m : MOVED) {
        if (!m.programs().contains(c.name())) {
          continue;
        }
        List<Word> named = new ArrayList<>();
        for (ShellReading.Assignment as : r.assignments()) {
          if (m.variables().contains(as.variable()) && as.value() != null) {
            named.add(as.value());
          }
        }
        List<Word> a = c.args();
        for (int i = 0; i < a.size(); i++) {
          Word w = a.get(i);
          String v = w.value();
          if (v.equals("--") && !c.name().startsWith("sqlite")) {
            break;
          }
          for (String o : m.options()) {
            if (v.startsWith(o + "=")) {
              named.add(new Word(v, v.substring(o.length() + 1), w.literal()));
            } else if (v.equals(o) && i + 1 < a.size()) {
              named.add(a.get(i + 1));
            } else if (c.name().equals("curl") && o.equals("--config") && Wrappers.longOption(v, "config") && i + 1 < a.size()) {
              named.add(a.get(i + 1)); // curl takes a long option by any unique start (--conf FILE)
            } else if (c.name().equals("wget") && Wrappers.longOption(v, o.substring(2))) {
              // wget's getopt_long takes it by any unique start, its value attached (--conf=FILE) or next.
              int eq = v.indexOf('=');
              named.add(eq > 0 ? new Word(v, v.substring(eq + 1), w.literal()) : i + 1 < a.size() ? a.get(i + 1) : Word.literal("", ""));
            } else if (GNUPG_NAMES.contains(c.name()) && v.startsWith("--") && gnupgStartOf(v, o)) {
              // GnuPG takes a long option by any start (--home DIR, --opt=FILE).
              int eq = v.indexOf('=');
              named.add(eq > 0 ? new Word(v, v.substring(eq + 1), w.literal()) : i + 1 < a.size() ? a.get(i + 1) : Word.literal("", ""));
            } else if (o.length() == 2 && Regexes.matches(v, c.name().equals("curl") ? "(?s)-[^-].*" : "(?s)-[^-]+")) {
              // A getopt bundle: ninja -nvf FILE, -fFILE (its -C, -j, -k, -l, -d, -t, -w take the
              // rest); curl -sK FILE, -KFILE.
              String flags = c.name().equals("ninja") ? Regexes.replaceAll(v, "(?s)[Cjkldtw].*", "")
                  : APT_NAMES.contains(c.name()) ? Regexes.replaceAll(v, "(?s)[otaPp].*", "")
                  : PsqlClient.NAMES.contains(c.name()) ? Regexes.replaceAll(v, "(?s)[cdhLopPRTUvF].*", "")
                  : c.name().equals("curl") ? Regexes.replaceAll(v, "(?s)[" + ShellClass.CURL_SHORT_ARG.replace("K", "") + "].*", "") : v;
              int f = flags.indexOf(o.charAt(1));
              if (f > 0) {
                named.add(f + 1 < v.length() ? new Word(v, v.substring(f + 1), w.literal())
                    : i + 1 < a.size() ? a.get(i + 1) : Word.literal("", ""));
              }
            } else if (!w.literal() && v.startsWith("-")) {
              // A word only known when it runs that may spell the option: its value is unknown too.
              int u = v.indexOf(Word.UNKNOWN);
              String k = u < 0 ? v : v.substring(0, u);
              if (o.startsWith(k) || k.startsWith(o) || o.length() == 2 && Regexes.matches(k, "(?s)-[^-]*")) {
                named.add(w);
              }
            }
          }
        }
        for (Word f : named) {
          if (!m.dir() && (!Interpreters.regularPath(f) || f.value().equals("-")) && !(f.literal() && f.value().equals("/dev/null"))
              || (m.dir() ? dirTheTextMayWrite(r, c, f) : fileTheTextMayWrite(r, c, f))) {
            return Optional.of(c.text());
          }
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Whether the text may write under a directory mktemp makes new ({@code GNUPGHOME="$(mktemp -d)"}):
   * only by a name holding it, which the text spells with a word only known when it runs ({@code
   * "$GNUPGHOME/gpg.conf"}, {@code cp f "$t"}), or by a relative name after a {@code cd}.
   */
  private static boolean writesUnderNewDirectory(ShellReading r) {
    if (r.writes().stream().anyMatch(w -> !w.target().literal())) {
      return true;
    }
    for (ShellCommand o : r.commands()) {
      if (Set.of("cd", "pushd", "popd").contains(o.name())) {
        return true;
      }
      if (!Set.of("echo", "printf").contains(o.name()) && !WrittenThenRun.NO_CONTENT.contains(o.name())
          && o.args().stream().anyMatch(w -> !w.literal())) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code v}'s name (before any {@code =}) is a start of GnuPG's long option {@code o}, beyond {@code --}. */
  private static boolean gnupgStartOf(String v, String o) {
    String name = v.indexOf('=') < 0 ? v : v.substring(0, v.indexOf('='));
    return name.length() > 2 && o.startsWith(name);
  }

  /**
   * {@code aws configure set KEY VALUE} writes {@code ~/.aws/config} (no path on the line): a key
   * that runs a command ({@code credential_process}, {@code cli_pager}) or loads a module ({@code
   * plugins.*}); a key only known when it runs may be one.
   */
  private static boolean awsSetsCode(ShellCommand c) {
    List<String> av = c.argValues();
    int configure = av.indexOf("configure");
    if (configure < 0 || !av.subList(configure, av.size()).contains("set")) {
      return false;
    }
    return c.args().stream().skip(configure).anyMatch(w -> !w.literal()
        || Regexes.matches(w.value().toLowerCase(java.util.Locale.ROOT), "(?s).*(process|pager|plugin).*"));
  }

  /** A configuration file the text may write: by the file's leaf, or any write when its name is only known when it runs. */
  static boolean fileTheTextMayWrite(ShellReading r, ShellCommand c, Word f) {
    String fv = ShellClass.normalize(f.value());
    int u = fv.lastIndexOf(Word.UNKNOWN);
    String end = u < 0 ? fv : fv.substring(u + 1);
    String leaf = end.substring(end.lastIndexOf('/') + 1);
    Set<String> names = leaf.isEmpty() || u >= 0 && end.indexOf('/') < 0 ? null : Set.of(leaf);
    return mayWrite(r, c, w -> names == null || mayName(w, names) || containsDirOf(w, fv));
  }

  /**
   * A write into a directory: any written path with a component that may be the directory's last
   * (a cd may lie between), one containing it, or any write when its name is only known when it runs.
   */
  static boolean dirTheTextMayWrite(ShellReading r, ShellCommand c, Word d) {
    String dv = Regexes.replaceFirst(ShellClass.normalize(d.value()), "/+$", "");
    String leaf = dv.substring(dv.lastIndexOf('/') + 1);
    boolean any = !d.literal() || leaf.isEmpty() || leaf.equals(".") || leaf.equals("..");
    return mayWrite(r, c, w -> {
      if (any || containsDirOf(w, dv)) {
        return true;
      }
      List<String> words = PathPatterns.braces(w.value());
      if (words == null) {
        return true;
      }
      for (String x : words) {
        for (String part : Regexes.split(ShellClass.normalize(x), "/+")) {
          if (part.equals("..") || PathPatterns.componentCouldBe(part, Set.of(leaf))) {
            return true;
          }
        }
      }
      return false;
    });
  }

  /** A written word that is a directory the file is in ({@code cp -r d/. .}, {@code tar -C dir}). */
  private static boolean containsDirOf(Word w, String file) {
    if (!w.literal()) {
      return true;
    }
    String d = Regexes.replaceFirst(ShellClass.normalize(w.value()), "/+$", "");
    return d.isEmpty() || d.equals(".") || d.equals("..") || file.startsWith(d + "/");
  }

  private interface WordTest {
    boolean test(Word w);
  }

  /** Whether a redirection or a command of {@code r} other than {@code run} may write a word that passes {@code t}. */
  private static boolean mayWrite(ShellReading r, ShellCommand run, WordTest t) {
    List<Word> written = new ArrayList<>();
    r.writes().forEach(w -> written.add(w.target()));
    for (ShellCommand o : r.commands()) {
      // echo and printf write by redirection only; chmod, mkdir, touch, export, … write no content.
      if (o == run || Set.of("echo", "printf").contains(o.name()) || WrittenThenRun.NO_CONTENT.contains(o.name())) {
        continue;
      }
      if (DERIVED_WRITERS.contains(o.name()) || dpkgExtracts(o)
          || o.via().stream().anyMatch(v -> v.equals("xargs") || v.startsWith("find "))) {
        return true;
      }
      if (gnupgWritesOnlyOutput(o)) {
        written.addAll(outputOptionWords(o));
        continue;
      }
      written.addAll(ShellClass.namedWords(o));
      written.addAll(derivedNames(o)); // lz4 -m .profile.lz4, unlzma .profile.lzma
    }
    return written.stream().anyMatch(t::test);
  }

  /**
   * A GnuPG program (not gpgtar or gpg-zip, which extract archives) that writes a file only by
   * {@code --output}: its other words ({@code --homedir DIR}, key ids, files it reads) name nothing
   * it writes (its home gets keyrings and a trust database, no program to start). Not so with
   * {@code --decrypt-files}/{@code --encrypt-files}/{@code --multifile} (names derived from the
   * operands), a short bundle with {@code o}, or an option only known when it runs.
   */
  private static boolean gnupgWritesOnlyOutput(ShellCommand o) {
    if (!GNUPG_NAMES.contains(o.name()) || Set.of("gpgtar", "gpg-zip").contains(o.name())) {
      return false;
    }
    List<Word> a = o.args();
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      String before = i > 0 ? a.get(i - 1).value() : "";
      boolean homeOrOptions = gnupgStartOf(before, "--homedir") || gnupgStartOf(before, "--options");
      if (Regexes.matches(v, "(?s)--(decrypt-|encrypt-|multi).*|-[^-]*o.*")
          || !w.literal() && !homeOrOptions && (v.isEmpty() || v.charAt(0) == Word.UNKNOWN || v.startsWith("-"))) {
        return false;
      }
    }
    return true;
  }

  /**
   * A word that may name a file whose last component is one of {@code names}: by its value, by
   * its known end after a part only known when it runs, or as a pattern.
   */
  static boolean mayName(Word w, Set<String> names) {
    List<String> words = PathPatterns.braces(w.value());
    if (words == null) {
      return true;
    }
    for (String x : words.stream().flatMap(x -> Arrays.stream(ShellClass.pathTokens(x))).toList()) {
      String n = Regexes.replaceFirst(ShellClass.normalize(x), "/+$", "");
      int u = n.lastIndexOf(Word.UNKNOWN);
      String end = u < 0 ? n : n.substring(u + 1);
      int slash = end.lastIndexOf('/');
      String leaf = end.substring(slash + 1);
      if (u >= 0 && slash < 0) {
        if (names.stream().anyMatch(m -> m.endsWith(leaf))) {
          return true;
        }
        continue;
      }
      if (leaf.isEmpty() || PathPatterns.componentCouldBe(leaf, names)) {
        return true;
      }
    }
    return false;
  }

  /** A known end naming a data file, which no program reads at its start. */
  private static final java.util.regex.Pattern DATA_END =
      java.util.regex.Pattern.compile("(?s).*\\.(txt|csv|tsv|log|out|dat|json|xml|html|md|err|tmp|bak|gz|tgz|zip|tar|bz2|xz|zst)");

  /**
   * A file the text writes under a name whose last part is only known when it runs ({@code
   * f=$(printf '\\056lesskey'); printf … > "$f"}, {@code sort -o "$1"}, {@code curl -o "$n"},
   * {@code tee "$x"}, {@code cp a "$d"}): in a session that starts in the home directory it may be
   * {@code .lesskey}, {@code .psqlrc}, {@code .kube/config}'s directory or any other file read at
   * start ({@link ShellClass#startupFile} by name), so it counts as one: unless each unknown part
   * is a variable the text sets first to plain literals (then the values are judged by name), the
   * word is all of mktemp's output, or its known end names a data file ({@code "$x.log"}). A file
   * written on an earlier line is the stated limit, as for a script.
   */
  static Optional<String> writesUnknownStartupName(ShellReading r) {
    List<Word> environment = ShellClass.simpleBackupSuffixes(r);
    for (ShellReading.Redirect w : r.writes()) {
      if (unknownStartupName(w.target(), r)) {
        return Optional.of(w.text());
      }
    }
    for (ShellCommand c : r.commands()) {
      for (Word w : outputWords(c)) {
        if (unknownStartupName(w, r)) {
          return Optional.of(c.text());
        }
      }
      for (Word w : otherWrittenWords(c)) {
        if (unknownStartupName(w, r)) {
          return Optional.of(c.text());
        }
      }
      for (Word w : derivedNames(c)) {
        if (ShellClass.startupFile(w) || unknownStartupName(w, r)) {
          return Optional.of(c.text());
        }
      }
      // A backup suffixed by the SIMPLE_BACKUP_SUFFIX the text sets (ShellClass.namedWords has -S's).
      for (Word w : environment.isEmpty() ? List.<Word>of() : ShellClass.backupNames(c, environment)) {
        if (ShellClass.startupFile(w) || unknownStartupName(w, r)) {
          return Optional.of(c.text());
        }
      }
      if (extractsTextArchive(r, c)) {
        return Optional.of(c.text());
      }
    }
    return Optional.empty();
  }

  /** The programs {@link #outputWords} reads exactly. */
  private static final Set<String> OUTPUT_WORDS_READ = Set.of("tee", "cp", "mv", "install", "ln", "uniq", "dd", "curl",
      "sort", "shuf", "wget", "wget2");

  /**
   * Programs that write no file named by a word of theirs (a container's or unit's logs, a
   * process, a host): {@code docker logs $id}, {@code systemctl status $u}.
   */
  private static final Set<String> NAMES_NO_FILE = Set.of("systemctl", "journalctl", "ping", "ps", "pgrep", "pkill",
      "killall", "getent", "host", "dig", "nslookup", "man", "printenv", "expr", "seq", "ss", "netstat", "ip", "uptime",
      "free", "df", "lsof");

  /** Of docker, podman and kubectl, the subcommands that write no local file named by a word. */
  private static final Set<String> CONTAINER_NO_FILE = Set.of("logs", "ps", "inspect", "stop", "start", "restart", "kill",
      "rm", "rmi", "top", "stats", "describe", "get", "delete", "port", "pause", "unpause", "wait", "images", "version",
      "info", "exec", "scale", "rollout", "events");

  /**
   * Failing closed, as {@code WrittenThenRun.directlyWritten} does for the written-then-run rule:
   * the words of any other program not known to only read ({@code iconv -o}, {@code xxd -r h s},
   * {@code openssl … -out s}, {@code csplit -f P -b S}: {@link ShellClass#namedWords}), but the
   * programs that write no content ({@code WrittenThenRun.NO_CONTENT}: kill, mkdir, …) or no file
   * named by a word ({@link #NAMES_NO_FILE}, docker/podman/kubectl's {@link #CONTAINER_NO_FILE}).
   */
  private static List<Word> otherWrittenWords(ShellCommand c) {
    String n = c.name();
    if (OUTPUT_WORDS_READ.contains(n) || Set.of("echo", "printf").contains(n) || WrittenThenRun.NO_CONTENT.contains(n)
        || NAMES_NO_FILE.contains(n)) {
      return List.of();
    }
    if (Set.of("docker", "podman", "kubectl").contains(n)) {
      List<Word> a = c.args();
      for (int i = 0; i < a.size(); i++) {
        if (!a.get(i).literal()) {
          break;
        }
        if (!a.get(i).value().startsWith("-")) {
          if (CONTAINER_NO_FILE.contains(a.get(i).value())) {
            return List.of();
          }
          break;
        }
      }
    }
    if (COMPRESSORS.contains(n) && !decompresses(c)) {
      // Compressing writes each operand's name and a suffix (a data end); zstd's -o names the
      // output, lz4's second operand (without -m) too.
      List<Word> a = c.args();
      List<Word> out = new ArrayList<>();
      if (n.equals("lz4") && !lz4Multiple(c.argValues()) && lz4Operands(c).size() > 1) {
        out.add(lz4Operands(c).get(1));
      }
      for (int i = 0; i < a.size(); i++) {
        String v = a.get(i).value();
        if (!a.get(i).literal() && v.startsWith("-") || v.startsWith("--") && Wrappers.longOption(v, "output")) {
          out.add(a.get(i));
        } else if (Regexes.matches(v, "(?s)-[^-]*o.*")) {
          out.add(v.endsWith("o") && i + 1 < a.size() ? a.get(i + 1) : a.get(i));
        }
      }
      return out;
    }
    return outputOptionWords(c);
  }

  /** Option names programs commonly give their output file (iconv, patch, gpg, openssl, uudecode, pandoc, …). */
  private static final List<String> OUTPUT_OPTIONS = List.of("-o", "-out", "--out", "--output", "--output-file",
      "--outfile", "--output-document");

  /**
   * A program's output file named by an output option ({@code iconv -o "$n"}, {@code --output=},
   * {@code openssl … -out "$n"}, glued {@code -o"$n"}) and the output operands of the programs that
   * take one ({@code xxd -r IN OUT}; csplit's and split's {@code -f}/{@code --prefix} and split's
   * prefix operand, whose names start with it). Not every word of every program: a computed
   * argument of {@code vim "$f"}, {@code jq . "$f"}, {@code make "$target"} is not a file written.
   */
  private static List<Word> outputOptionWords(ShellCommand c) {
    List<Word> a = c.args();
    List<Word> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      int eq = v.indexOf('=');
      String name = eq < 0 ? v : v.substring(0, eq);
      if (OUTPUT_OPTIONS.contains(name) || v.startsWith("--") && Wrappers.longOption(v, "output")) {
        if (eq >= 0) {
          int se = w.source().indexOf('=');
          out.add(new Word(se < 0 ? "" : w.source().substring(se + 1), v.substring(eq + 1), w.literal()));
        } else if (i + 1 < a.size()) {
          out.add(a.get(i + 1));
        }
      } else if (v.startsWith("-o") && !v.startsWith("--") && v.length() > 2 && v.indexOf(Word.UNKNOWN) >= 2) {
        // getopt takes the rest of the word as -o's value (iconv -o./"$n"), not only an unknown part right after it.
        out.add(new Word(w.source().substring(Math.min(2, w.source().length())), v.substring(2), w.literal()));
      }
    }
    List<Word> ops = ShellClass.operands(c);
    switch (c.name()) {
      case "xxd" -> {
        if (a.stream().anyMatch(w -> Regexes.matches(w.value(), "-[^-]*r.*|--?revert")) && ops.size() > 1) {
          out.add(ops.get(ops.size() - 1));
        }
      }
      case "csplit", "split" -> {
        for (int i = 0; i + 1 < a.size(); i++) {
          String v = a.get(i).value();
          if (v.equals("-f") || v.startsWith("--") && Wrappers.longOption(v, "prefix") && v.indexOf('=') < 0) {
            out.add(a.get(i + 1));
          } else if (v.startsWith("--") && Wrappers.longOption(v, "prefix")) {
            out.add(new Word("", v.substring(v.indexOf('=') + 1), a.get(i).literal()));
          }
        }
        if (c.name().equals("split") && ops.size() > 1) {
          out.add(ops.get(ops.size() - 1));
        }
      }
      default -> { }
    }
    return out;
  }

  /** gzip's suffixes, in any letter case: gzip lowercases a name's end before comparing it ({@code .TGZ} to {@code .tar}). */
  private static final String GZIP_ENDS = "(?i:\\.gz|\\.z|-gz|-z|_z|\\.tgz|\\.taz)";

  /**
   * The suffixes each decompressor strips from an operand's name, as it reads them ({@code .t…}
   * ones to {@code .tar}); all but gzip's in their letter case: gzip (and uncompress, a gzip
   * script) {@link #GZIP_ENDS}, pigz also {@code .zz}, {@code -zz}, {@code .zip}; bzip2 {@code
   * .bz2}, {@code .bz}, {@code .tbz2}, {@code .tbz}; xz, lzma and unlzma (any format xz reads)
   * {@code .xz}, {@code .txz}, {@code .lzma}, {@code .tlz}, {@code .lz}; zstd {@code .zst},
   * {@code .zstd}, {@code .tzst} and the formats it reads ({@code .gz}, {@code .tgz}, {@code .xz},
   * {@code .txz}, {@code .lzma}, {@code .lz4}, {@code .tlz4}); lz4 {@code .lz4}; lzip {@code .lz},
   * {@code .tlz}; brotli {@code .br}; lzop {@code .lzo}, {@code .tzo}; pixz {@code .xz}, {@code .txz}, {@code .tpxz}.
   */
  private static final String[][] ENDS_BY_PROGRAM = {{GZIP_ENDS, "gzip", "gunzip", "compress", "uncompress"},
      {GZIP_ENDS + "|\\.zz|-zz|\\.zip", "pigz", "unpigz"}, {"\\.bz2|\\.bz|\\.tbz2|\\.tbz", "bzip2", "bunzip2", "pbzip2", "lbzip2"},
      {"\\.xz|\\.txz|\\.lzma|\\.tlz|\\.lz", "xz", "unxz", "lzma", "unlzma"}, {"\\.xz|\\.txz|\\.tpxz", "pixz"},
      {"\\.zst|\\.zstd|\\.tzst|\\.gz|\\.tgz|\\.xz|\\.txz|\\.lzma|\\.lz4|\\.tlz4", "zstd", "unzstd", "zstdmt"},
      {"\\.lz4", "lz4", "unlz4"}, {"\\.lz|\\.tlz", "lzip", "lunzip", "plzip"}, {"\\.br", "brotli"}, {"\\.lzo|\\.tzo", "lzop"}};

  private static final java.util.Map<String, java.util.regex.Pattern> STRIPPED_ENDS = strippedEnds();

  /** Of any decompressor, an end it strips. */
  private static final java.util.regex.Pattern COMPRESSED_END =
      compressedEnd(String.join("|", Arrays.stream(ENDS_BY_PROGRAM).map(e -> e[0]).toList()));

  /** bzip2 and lzip name the output of an operand without a suffix of theirs {@code NAME.out}. */
  private static final Set<String> NAME_OUT = Set.of("bzip2", "bunzip2", "pbzip2", "lbzip2", "lzip", "lunzip", "plzip");

  private static java.util.Map<String, java.util.regex.Pattern> strippedEnds() {
    java.util.Map<String, java.util.regex.Pattern> m = new java.util.HashMap<>();
    for (String[] e : ENDS_BY_PROGRAM) {
      for (int i = 1; i < e.length; i++) {
        m.put(e[i], compressedEnd(e[0]));
      }
    }
    return java.util.Map.copyOf(m);
  }

  /** A name (not only a directory's {@code /}) ending in one of {@code ends}, a closing quote after it in a source. */
  private static java.util.regex.Pattern compressedEnd(String ends) {
    return java.util.regex.Pattern.compile("(?s)(.*[^/])(" + ends + ")(\"?)");
  }

  /** Decompressors by name; {@link #COMPRESSORS} decompress with {@code -d}/{@code --decompress}/{@code --uncompress}. */
  private static final Set<String> DECOMPRESSORS = Set.of("gunzip", "unxz", "bunzip2", "unzstd", "unlzma", "unlz4",
      "lunzip", "unpigz", "uncompress");
  private static final Set<String> COMPRESSORS = Set.of("gzip", "xz", "bzip2", "zstd", "zstdmt", "lzma", "lz4", "lzip",
      "plzip", "pigz", "pbzip2", "lbzip2", "pixz", "brotli", "compress", "lzop");

  /** The first commands of a pipe whose bytes are the text's own data. */
  private static final Set<String> TEXT_BYTES = Set.of("printf", "echo", "base64", "base32", "basenc", "xxd", "yes");

  /** Any name. */
  private static final Word ANY_NAME = new Word("", String.valueOf(Word.UNKNOWN), false);

  /**
   * A decompressor run by {@code c}: by name, a compressor with {@code -d}, or lz4 choosing to by
   * its operand ({@link #lz4DecompressesByName}); writing to standard output or testing, none.
   */
  static boolean decompresses(ShellCommand c) {
    String n = c.name();
    boolean lz4 = n.equals("lz4");
    boolean d = DECOMPRESSORS.contains(n) || lz4 && lz4DecompressesByName(c);
    boolean stdout = false;
    for (String v : c.argValues()) {
      if (v.equals("--")) {
        break;
      }
      if (v.startsWith("--")) {
        d |= Wrappers.longOption(v, "decompress") || Wrappers.longOption(v, "uncompress");
        stdout |= Wrappers.longOption(v, "stdout") || Wrappers.longOption(v, "to-stdout") || Wrappers.longOption(v, "test")
            || Wrappers.longOption(v, "list");
      } else if (v.startsWith("-") && v.length() > 1) {
        // zstd's -o FILE and gzip's -S SUF end a bundle; what follows is their value.
        String flags = Regexes.replaceFirst(v, "(?s)[oS].*", "");
        d |= flags.indexOf('d') > 0;
        // lz4's -l is its legacy format, not a listing (lz4 -dl a.lz4 writes a).
        stdout |= flags.indexOf('c') > 0 || flags.indexOf('t') > 0 || flags.indexOf('l') > 0 && !lz4;
      }
    }
    return (d && (DECOMPRESSORS.contains(n) || COMPRESSORS.contains(n))) && !stdout;
  }

  /**
   * lz4 without {@code -d} or {@code -z} (lz4 1.9 {@code -H}): its first operand ending in {@code
   * .lz4} (one only known when it runs may) chooses decompression, of every operand with {@code
   * -m}/{@code -r}; without them into its second operand, else into the name without {@code .lz4}
   * when standard output is a terminal, which the judge cannot know.
   */
  private static boolean lz4DecompressesByName(ShellCommand c) {
    for (String v : c.argValues()) {
      if (v.startsWith("--") ? v.equals("--compress") : v.startsWith("-") && Regexes.matches(v, "(?s)-[^D]*z.*")) {
        return false;
      }
    }
    List<Word> ops = lz4Operands(c);
    if (ops.isEmpty()) {
      return false;
    }
    String first = ops.get(0).value();
    int u = first.lastIndexOf(Word.UNKNOWN);
    // One only known when it runs may end in .lz4, unless its known end cannot.
    return first.endsWith(".lz4") || u >= 0 && ".lz4".endsWith(first.substring(u + 1));
  }

  /** lz4's operands: its words but options and {@code -D}'s dictionary. */
  private static List<Word> lz4Operands(ShellCommand c) {
    return ShellClass.operandsTaking(c.args(), v -> Regexes.matches(v, "-[^BD]*D")); // -D FILE (after -B, D is a block mode)
  }

  /** lz4's {@code -m}/{@code --multiple} or {@code -r}: every operand is an input. */
  private static boolean lz4Multiple(List<String> av) {
    return av.stream().anyMatch(v -> v.equals("--multiple") || !v.startsWith("--") && Regexes.matches(v, "(?s)-[^D]*[mr].*"));
  }

  /**
   * The names a decompressor or archiver derives rather than the text spelling them: {@code
   * gunzip X.gz} (gzip/xz/bzip2/zstd {@code -d}, unxz, bunzip2, unzstd, …) writes {@code X}, by
   * the suffixes each strips ({@link #STRIPPED_ENDS}; bzip2 and lzip name another {@code X.out}),
   * lz4 also its second operand; with
   * {@code -N}/{@code --name} (the name in the gzip header), {@code -S} (a suffix of its own) or
   * an operand only partly known past its suffix, any name. tar extracting an archive that is the
   * text's own bytes ({@code printf … | tar -xz}, a here-string) or the session's input (no
   * {@code f}, or {@code f -}): its members are that data, any name. {@code zipnote -w} renames
   * an archive's members to names in its input: any name.
   */
  static List<Word> derivedNames(ShellCommand c) {
    String n = c.name();
    List<String> av = c.argValues();
    if (n.equals("zipnote")) {
      return av.stream().anyMatch(v -> Regexes.matches(v, "(?s)-[^-]*w.*") || Wrappers.longOption(v, "write"))
          ? List.of(ANY_NAME) : List.of();
    }
    if (Regexes.matches(n, "g?tar|bsdtar")) {
      return tarReadsTextBytes(c) ? List.of(ANY_NAME) : List.of();
    }
    if (n.equals("split") || n.equals("csplit")) {
      return splitNames(c);
    }
    if (!decompresses(c)) {
      return List.of();
    }
    List<Word> out = new ArrayList<>();
    for (String v : av) {
      if (v.startsWith("--") ? Wrappers.longOption(v, "name") || Wrappers.longOption(v, "suffix")
          : v.startsWith("-") && Regexes.matches(Regexes.replaceFirst(v, "(?s)o.*", ""), "(?s)-[^-]*[NS].*")) {
        return List.of(ANY_NAME);
      }
    }
    java.util.regex.Pattern end = STRIPPED_ENDS.getOrDefault(n, COMPRESSED_END);
    List<Word> outputDirs = ZSTD_NAMES.contains(n) ? zstdOutputDirs(c.args()) : List.of();
    List<Word> operands = ShellClass.operands(c).stream().filter(w -> outputDirs.stream().noneMatch(d -> d == w)).toList();
    if ((n.equals("lz4") || n.equals("unlz4")) && !lz4Multiple(av)) {
      // lz4 FILE.lz4 OUT writes OUT, as it names it.
      operands = lz4Operands(c);
      if (operands.size() > 1) {
        return List.of(operands.get(1));
      }
    }
    for (Word w : operands) {
      java.util.regex.Matcher m = end.matcher(w.value());
      if (!m.matches()) {
        // No suffix it knows: bzip2 and lzip write NAME.out, the others refuse the file, unless
        // the word is only known when it runs.
        if (!w.literal()) {
          out.add(w);
        } else if (NAME_OUT.contains(n) && !w.value().equals("-")) {
          out.add(new Word(w.source() + ".out", w.value() + ".out", true));
        }
        continue;
      }
      String ext = m.group(2).toLowerCase(java.util.Locale.ROOT);
      String tail = ext.startsWith(".t") && ext.length() > 3 ? ".tar" : "";
      java.util.regex.Matcher s = end.matcher(w.source());
      String src = s.matches() ? s.group(1) + tail + s.group(3) : w.source();
      out.add(new Word(src, m.group(1) + tail, w.literal()));
    }
    return outputDirs.isEmpty() ? out : underOutputDirs(out, outputDirs);
  }

  /** The names zstd derives and writes under {@code --output-dir-flat}/{@code --output-dir-mirror}, else none. */
  static List<Word> namesUnderOutputDirs(ShellCommand c) {
    return zstdOutputDirs(c.args()).isEmpty() ? List.of() : derivedNames(c);
  }

  /** zstd's names: {@code zstdmt} and {@code unzstd} are zstd (zstdcat writes to standard output). */
  private static final Set<String> ZSTD_NAMES = Set.of("zstd", "zstdmt", "unzstd");

  /** More {@code --output-dir-*} values than this count as any directory. */
  private static final int OUTPUT_DIRS_READ = 8;

  /** The characters of names joined under output directories past which they count as any name. */
  private static final long OUTPUT_DIR_NAMES_BUILT = 1 << 16;

  /**
   * zstd's {@code --output-dir-flat DIR} and {@code --output-dir-mirror DIR} (zstdcli.c reads each
   * by its exact start, its value after {@code =} or as the next word, anywhere among the
   * operands): the words that are DIR, each an option's value rather than an input.
   */
  private static List<Word> zstdOutputDirs(List<Word> a) {
    List<Word> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      String v = a.get(i).value();
      if (v.equals("--")) {
        break;
      }
      for (String option : List.of("--output-dir-flat", "--output-dir-mirror")) {
        if (v.startsWith(option)) {
          boolean glued = v.length() > option.length() && v.charAt(option.length()) == '=';
          Word w = a.get(i);
          if (glued) {
            String dir = v.substring(option.length() + 1);
            out.add(new Word(dir, dir, w.literal()));
          } else if (i + 1 < a.size()) {
            out.add(a.get(++i));
          }
          break;
        }
      }
    }
    return out;
  }

  /**
   * {@code names} as a program writes them under an output directory: zstd's {@code
   * --output-dir-flat DIR} (DIR + the name's leaf) or {@code --output-dir-mirror DIR} (DIR + the
   * input's path, without a leading {@code /} or {@code ./}; one holding {@code ..} is refused),
   * curl's {@code --output-dir DIR} (DIR + each {@code -o} name or {@code -O} URL leaf): each name
   * joined whole and by its leaf, so {@code --output-dir-flat .kube config.zst} writes {@code
   * .kube/config}. A DIR only known when it runs may be any directory: the names under it count
   * as computed. More than {@link #OUTPUT_DIRS_READ} directories, or names past the budget, are any name.
   */
  static List<Word> underOutputDirs(List<Word> names, List<Word> dirs) {
    if (dirs.size() > OUTPUT_DIRS_READ) {
      return List.of(ShellClass.COMPUTED_NAME);
    }
    List<Word> out = new ArrayList<>();
    long built = 0;
    for (Word dir : dirs) {
      boolean known = dir.value().indexOf(Word.UNKNOWN) < 0;
      String prefix = Regexes.replaceFirst(dir.value(), "/+$", "") + "/";
      for (Word w : names) {
        String v = w.value();
        for (String name : List.of(v, v.substring(v.lastIndexOf('/') + 1))) {
          if ((built += prefix.length() + name.length()) > OUTPUT_DIR_NAMES_BUILT) {
            return List.of(ShellClass.COMPUTED_NAME);
          }
          out.add(known ? new Word(dir.source() + "/" + w.source(), prefix + name, dir.literal() && w.literal())
              : new Word(ShellClass.COMPUTED_NAME.source(), prefix + name, false));
        }
      }
    }
    return out;
  }

  /**
   * The names split and csplit write: the prefix (split's second operand or {@code x}, csplit's
   * {@code -f}/{@code --prefix} or {@code xx}), then split's generated suffix ({@code -a N}
   * letters, {@code -d} digits, {@code -x} hex; by default two letters that widen) and {@code
   * --additional-suffix}, or csplit's {@code -b}/{@code --suffix-format} printf format ({@code
   * %02d} by default, {@code -n N}: {@code %0Nd}; {@code %.0d} prints piece 0 as nothing). Each
   * name where there are few, else a pattern ({@code .lessk*}) compared as a glob; none when the
   * prefix is only known when it runs ({@link #outputOptionWords} has it).
   */
  private static List<Word> splitNames(ShellCommand c) {
    boolean csplit = c.name().equals("csplit");
    String valued = csplit ? "bfn" : "abClnt";
    String prefix = null;
    String format = "%02d";
    String alphabet = "abcdefghijklmnopqrstuvwxyz";
    String extra = "";
    int length = -1;
    boolean known = true;
    List<Word> ops = new ArrayList<>();
    List<Word> a = c.args();
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (v.equals("--")) {
        ops.addAll(a.subList(i + 1, a.size()));
        break;
      }
      String opt = null;
      Word value = null;
      if (v.startsWith("--")) {
        int eq = v.indexOf('=');
        for (String o : csplit ? List.of("prefix", "suffix-format", "digits")
            : List.of("suffix-length", "additional-suffix", "numeric-suffixes", "hex-suffixes")) {
          if (Wrappers.longOption(v, o)) {
            opt = o;
          }
        }
        if (opt == null) {
          if (eq < 0 && Regexes.matches(v, "--(b|by|byt|byte|bytes|li|lin|line|lines|line-b.*|n|nu|num|numb|numbe|number"
              + "|se|sep.*|f|fi|fil|filt|filte|filter)")) {
            i++; // split's valued options other than the names'
          }
          known &= w.literal();
          continue;
        }
        boolean optional = opt.endsWith("-suffixes");
        if (eq >= 0) {
          value = new Word("", v.substring(eq + 1), w.literal());
        } else if (!optional && i + 1 < a.size()) {
          value = a.get(++i);
        }
      } else if (v.startsWith("-") && v.length() > 1) {
        for (int j = 1; j < v.length(); j++) {
          char ch = v.charAt(j);
          if (!csplit && (ch == 'd' || ch == 'x')) {
            alphabet = ch == 'd' ? "0123456789" : "0123456789abcdef";
          } else if (valued.indexOf(ch) >= 0) {
            opt = String.valueOf(ch);
            value = j + 1 < v.length() ? new Word("", v.substring(j + 1), w.literal()) : i + 1 < a.size() ? a.get(++i) : null;
            break;
          } else if (ch == Word.UNKNOWN) {
            known = false;
          }
        }
        if (opt == null) {
          continue;
        }
      } else {
        ops.add(w);
        continue;
      }
      if (value != null && !value.literal()) {
        if (opt.equals("f") || opt.equals("prefix")) {
          return List.of();
        }
        known = false;
        continue;
      }
      String x = value == null ? null : value.value();
      switch (opt) {
        case "f", "prefix" -> prefix = x;
        case "b", "suffix-format" -> format = x;
        case "n", "digits" -> format = "%0" + x + "d";
        case "a", "suffix-length" -> length = x != null && Regexes.matches(x, "[0-9]{1,3}") ? Integer.parseInt(x) : -2;
        case "additional-suffix" -> extra = x;
        case "numeric-suffixes", "hex-suffixes" -> alphabet = opt.startsWith("n") ? "0123456789" : "0123456789abcdef";
        default -> { }
      }
    }
    if (!csplit) {
      if (ops.size() > 1) {
        if (!ops.get(1).literal()) {
          return List.of();
        }
        prefix = ops.get(1).value();
      }
    }
    prefix = prefix == null ? (csplit ? "xx" : "x") : prefix;
    if (format == null || extra == null || length == -2) {
      known = false;
    }
    List<Word> out = new ArrayList<>();
    String any = prefix + "*";
    if (known && csplit) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?s)((?:[^%]|%%)*)%([-+ #0']*)([0-9]*)(?:\\.([0-9]*))?([diuoxX])"
          + "((?:[^%]|%%)*)").matcher(format);
      if (m.matches()) {
        String pre = m.group(1).replace("%%", "%");
        String post = m.group(6).replace("%%", "%");
        for (int k = 0; k < 1000; k++) {
          String name = prefix + pre + printfInteger(k, m.group(2), m.group(3), m.group(4), m.group(5).charAt(0)) + post;
          out.add(Word.literal(name, name));
        }
        // Pieces past 999 have a longer number: compared as a pattern.
        any = prefix + pre + "[0-9a-fA-FxX+ ]*" + post;
      }
    } else if (known) {
      int n = length < 0 ? 2 : length;
      double count = Math.pow(alphabet.length(), n);
      if (n > 0 && count <= 1000) {
        for (int k = 0; k < (int) count; k++) {
          StringBuilder s = new StringBuilder();
          for (int d = 0, r = k; d < n; d++, r /= alphabet.length()) {
            s.insert(0, alphabet.charAt(r % alphabet.length()));
          }
          String name = prefix + s + extra;
          out.add(Word.literal(name, name));
        }
      }
      // Past the last name of the default length the suffix widens.
      any = length < 0 || count > 1000 ? prefix + "*" + extra : null;
    }
    if (any != null) {
      // A literal part holding a pattern's characters is compared as any name with the prefix.
      String literalParts = any.replace("[0-9a-fA-FxX+ ]*", "").replace("*", "");
      out.add(Regexes.matches(literalParts, "(?s).*[*?\\[\\]{}].*") ? Word.literal(prefix, prefix + "*")
          : Word.literal(any, any));
    }
    return out;
  }

  /** printf's {@code %d}/{@code %i}/{@code %u}/{@code %o}/{@code %x}/{@code %X} of a number at least 0, with flags, width and precision. */
  private static String printfInteger(int k, String flags, String width, String precision, char conversion) {
    int radix = conversion == 'o' ? 8 : conversion == 'x' || conversion == 'X' ? 16 : 10;
    String digits = Integer.toString(k, radix);
    digits = conversion == 'X' ? digits.toUpperCase(java.util.Locale.ROOT) : digits;
    String sign = radix == 10 && flags.indexOf('+') >= 0 ? "+" : radix == 10 && flags.indexOf(' ') >= 0 ? " " : "";
    if (precision != null) {
      int p = precision.isEmpty() ? 0 : Integer.parseInt(precision);
      digits = p == 0 && k == 0 ? "" : "0".repeat(Math.max(0, p - digits.length())) + digits;
    }
    if (flags.indexOf('#') >= 0) {
      digits = radix == 8 && !digits.startsWith("0") ? "0" + digits : radix == 16 && k != 0 ? (conversion == 'X' ? "0X" : "0x") + digits : digits;
    }
    int w = width.isEmpty() ? 0 : Integer.parseInt(width);
    String body = sign + digits;
    if (body.length() >= w) {
      return body;
    }
    if (flags.indexOf('-') >= 0) {
      return body + " ".repeat(w - body.length());
    }
    if (flags.indexOf('0') >= 0 && precision == null) {
      return sign + "0".repeat(w - body.length()) + digits;
    }
    return " ".repeat(w - body.length()) + body;
  }

  /** Archivers that extract the files of an archive operand (or their input). */
  private static final Set<String> EXTRACTORS = Set.of("unzip", "jar", "7z", "7za", "7zr", "unrar", "ar", "pax", "cpio",
      "bsdcpio", "funzip");

  /**
   * An archive made of the text's own bytes extracted: tar (extracting), unzip, jar, 7z, unrar,
   * ar, pax, cpio, {@code python3 -m zipfile}/{@code tarfile}, whose archive is a file the text
   * writes from its own bytes ({@link #textBytesFiles}: {@code printf … > a.tgz; tar xzf a.tgz},
   * {@code tar -xz < a.tgz}, {@code cat a.tgz | tar -xz}, {@code gzip -dc a.tgz | tar -x}) or a
   * process substitution in a text that makes bytes ({@code tar -xzf <(printf …)}, {@code tar -xz
   * < <(printf …)}): the members are that data, any name. Compared by last component, as a script
   * written then run is. An archive brought in ({@code curl -o a.tgz URL && tar xzf a.tgz}, one
   * already on disk) is the stated limit.
   */
  static boolean extractsTextArchive(ShellReading r, ShellCommand c) {
    String n = c.name();
    List<String> av = c.argValues();
    boolean python = Regexes.matches(n, "python[0-9.]*") && av.stream().anyMatch(v -> Regexes.matches(v, "(-m)?(zip|tar)file"));
    if (!python && !EXTRACTORS.contains(n) && !(Regexes.matches(n, "g?tar|bsdtar") && tarExtracts(av)) && !dpkgExtracts(c)) {
      return false;
    }
    if (r.commands().stream().noneMatch(ReadAtStart::makesBytes)) {
      return false;
    }
    List<Word> own = textBytesFiles(r);
    if (c.stdin() == ShellCommand.Stdin.SUBSTITUTION
        || c.stdin() == ShellCommand.Stdin.FILE && !c.upstream().isEmpty() && sameArchive(own, Word.literal(c.upstream().get(0), c.upstream().get(0)))) {
      return true;
    }
    boolean unzip = n.equals("unzip") || n.equals("funzip");
    for (Word w : c.args()) {
      String v = w.value();
      // unzip looks for OPERAND, then OPERAND.zip and OPERAND.ZIP (unzip -q a opens a.zip).
      if (w.source().startsWith("<(") || sameArchive(own, w) || unzip && !v.startsWith("-")
          && (sameArchive(own, new Word(w.source() + ".zip", v + ".zip", w.literal()))
              || sameArchive(own, new Word(w.source() + ".ZIP", v + ".ZIP", w.literal())))) {
        return true;
      }
      // Glued: --file=a.tgz, tar -xzfa.tgz.
      int at = v.startsWith("--") ? v.indexOf('=') : v.startsWith("-") || w == c.args().get(0) ? v.indexOf('f') : -1;
      if (at > 0 && at + 1 < v.length() && sameArchive(own, new Word("", v.substring(at + 1), w.literal()))) {
        return true;
      }
    }
    if (c.inputFromCommand()) {
      for (ShellCommand x : r.commands()) {
        // Its upstream reads the archive (gzip -dc a.tgz, gzip -dc < a.tgz) or makes the bytes
        // itself (openssl base64 -d <<< …, uudecode, sed/awk printing escapes).
        if (x != c && c.upstream().contains(x.name()) && (x.args().stream().anyMatch(w -> sameArchive(own, w))
            || x.stdin() == ShellCommand.Stdin.FILE && !x.upstream().isEmpty()
                && sameArchive(own, Word.literal(x.upstream().get(0), x.upstream().get(0)))
            || makesBytes(x))) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * dpkg-deb's actions that write a package's members into a directory: {@code -x}/{@code
   * --extract}, {@code -X}/{@code --vextract}, {@code -R}/{@code --raw-extract}, {@code -e}/{@code
   * --control} (tar extracts the control members too, by any name); dpkg hands {@code -x}, {@code
   * -X} and {@code -e} to it (its {@code -R} is {@code --recursive}). Short options bundle, and
   * {@code -z}/{@code -Z}/{@code -S} (dpkg's {@code -D}) take the rest of the word, as dpkg's parser reads them.
   */
  static boolean dpkgExtracts(ShellCommand c) {
    boolean deb = c.name().equals("dpkg-deb");
    if (!deb && !c.name().equals("dpkg")) {
      return false;
    }
    for (String v : c.argValues()) {
      if (v.equals("--")) {
        break;
      }
      if (Set.of("--extract", "--vextract", "--control").contains(v) || deb && v.equals("--raw-extract")
          || !v.startsWith("--") && Regexes.matches(v, deb ? "(?s)-[^zZS]*[xXRe].*" : "(?s)-[^D]*[xXe].*")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Programs that turn text into other bytes besides {@link #TEXT_BYTES}: decoders and programs
   * that print escapes of their own code. Failing closed, any of them, and any command fed a
   * here-document or here-string, counts as making the text's bytes.
   */
  private static final Set<String> BYTES_FROM_TEXT = Set.of("openssl", "uudecode", "basenc", "sed", "gsed", "awk",
      "gawk", "mawk", "nawk", "perl", "python", "python3", "python2", "ruby", "node", "php", "tclsh", "lua", "dd", "tr",
      "od", "xxd", "base64", "base32");

  private static boolean makesBytes(ShellCommand x) {
    return TEXT_BYTES.contains(x.name()) || BYTES_FROM_TEXT.contains(x.name()) || x.stdin() == ShellCommand.Stdin.TEXT;
  }

  /** tar's options extract: {@code x} in its first bundle (with or without a dash) or a short bundle, {@code --extract}, {@code --get}. */
  private static boolean tarExtracts(List<String> av) {
    for (int i = 0; i < av.size(); i++) {
      String v = av.get(i);
      if (v.startsWith("--") ? Wrappers.longOption(v, "extract") || Wrappers.longOption(v, "get")
          : (v.startsWith("-") || i == 0) && Regexes.replaceFirst(Regexes.replaceFirst(v, "^-", ""), "(?s)[fCTXbHKNgLVI].*", "")
              .indexOf('x') >= 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Files a text that makes bytes (printf, echo, base64, xxd, a here-document) writes: its
   * redirections ({@code printf … > a.zip}, {@code printf … | gzip -d > a.tar}) and {@code xxd
   * -r}'s output. Redirections are not tied to their command here, so any counts.
   */
  private static List<Word> textBytesFiles(ShellReading r) {
    List<Word> out = new ArrayList<>();
    r.writes().forEach(w -> out.add(w.target()));
    for (ShellCommand x : r.commands()) {
      if (TEXT_BYTES.contains(x.name())) {
        out.addAll(outputOptionWords(x));
      }
      if (makesBytes(x)) {
        out.addAll(ShellClass.namedWords(x)); // openssl base64 -d -out a.tgz <<< …
      }
    }
    // Another writer's copy or name of it (tee a.zip, dd of=, cp/mv/ln -s a b.zip): any file the
    // text writes by name, but what curl or wget bring in.
    Set<String> brought = new java.util.HashSet<>();
    r.commands().stream().filter(x -> Regexes.matches(x.name(), "curl|wget2?"))
        .forEach(x -> outputWords(x).forEach(w -> brought.add(w.value())));
    for (Word w : WrittenThenRun.directlyWritten(r, false)) {
      if (!brought.contains(w.value()) || out.stream().anyMatch(o -> o.value().equals(w.value()))) {
        out.add(w);
      }
    }
    // A program naming one of them may copy or rename it by any name it names (link a b.zip), a
    // decompressor by the name it derives (gzip -d a.tgz writes a.tar).
    for (int pass = 0; pass < 3; pass++) {
      for (ShellCommand x : r.commands()) {
        if (Regexes.matches(x.name(), "curl|wget2?")
            || ShellClass.namedWords(x).stream().noneMatch(w -> sameArchive(out, w))) {
          continue;
        }
        ShellClass.namedWords(x).stream().filter(w -> !out.contains(w)).forEach(out::add);
        if (decompresses(x)) {
          derivedNames(x).stream().filter(w -> !out.contains(w)).forEach(out::add);
        }
      }
    }
    return out;
  }

  /** A written word that may be the archive {@code d}: by last component, or a name only known when it runs; a directory is none. */
  private static boolean sameArchive(List<Word> written, Word d) {
    String dv = Regexes.replaceFirst(d.value(), "/+$", "");
    String leaf = dv.substring(dv.lastIndexOf('/') + 1);
    if (d.literal() && (leaf.isEmpty() || leaf.equals(".") || leaf.equals("..") || leaf.startsWith("-"))) {
      return false;
    }
    for (Word w : written) {
      String wv = Regexes.replaceFirst(w.value(), "/+$", "");
      String wl = wv.substring(wv.lastIndexOf('/') + 1);
      // Either may be a pattern: the shell's (tar -xzf a.t*) or unzip's own (unzip '*.zip').
      if (!w.literal() && wl.indexOf(Word.UNKNOWN) >= 0 || leaf.indexOf(Word.UNKNOWN) >= 0 && !written.isEmpty()
          || wl.equals(leaf) || PathPatterns.hasGlob(wl) && PathPatterns.componentCouldBe(wl, Set.of(leaf))
          || PathPatterns.hasGlob(leaf) && PathPatterns.componentCouldBe(leaf, Set.of(wl))) {
        return true;
      }
    }
    return false;
  }

  /** tar extracting from its input (no {@code f}, or {@code f -}) when that input is the text's own bytes or the session's. */
  private static boolean tarReadsTextBytes(ShellCommand c) {
    List<String> av = c.argValues();
    boolean extract = false;
    String file = null;
    for (int i = 0; i < av.size(); i++) {
      String v = av.get(i);
      if (v.startsWith("--")) {
        extract |= Wrappers.longOption(v, "extract") || Wrappers.longOption(v, "get");
        if (Wrappers.longOption(v, "file")) {
          file = v.indexOf('=') > 0 ? v.substring(v.indexOf('=') + 1) : i + 1 < av.size() ? av.get(i + 1) : "-";
        }
      } else if (v.startsWith("-") || i == 0) {
        // tar's first word is a bundle of letters even without its dash (tar xzf a.tgz).
        String letters = Regexes.replaceFirst(v, "^-", "");
        int f = letters.indexOf('f');
        String modes = f < 0 ? letters : letters.substring(0, f);
        extract |= modes.indexOf('x') >= 0;
        if (f >= 0) {
          file = f + 1 < letters.length() ? letters.substring(f + 1) : i + 1 < av.size() ? av.get(i + 1) : "-";
        }
      }
    }
    if (!extract || file != null && !file.equals("-")) {
      return false;
    }
    return c.stdin() == ShellCommand.Stdin.TERMINAL || c.stdin() == ShellCommand.Stdin.TEXT
        || c.inputFromCommand() && c.upstream().stream().anyMatch(TEXT_BYTES::contains);
  }

  /** The words of the programs that write a file named on their line: tee, cp/mv/install/ln's target, dd of=, curl -o, wget -O, sort/shuf -o, uniq's output. */
  private static List<Word> outputWords(ShellCommand c) {
    List<Word> a = c.args();
    List<Word> out = new ArrayList<>();
    List<Word> ops = ShellClass.operands(c);
    switch (c.name()) {
      case "tee" -> out.addAll(ops);
      case "cp", "mv", "install", "ln" -> {
        if (!ops.isEmpty()) {
          out.add(ops.get(ops.size() - 1));
        }
        for (int i = 0; i < a.size(); i++) {
          String v = a.get(i).value();
          if ((v.equals("-t") || Wrappers.longOption(v, "target-directory") && v.indexOf('=') < 0) && i + 1 < a.size()) {
            out.add(a.get(i + 1));
          }
        }
      }
      case "uniq" -> {
        if (ops.size() > 1) {
          out.add(ops.get(1));
        }
      }
      case "dd" -> a.stream().filter(w -> w.value().startsWith("of=")).forEach(w ->
          out.add(new Word(w.source().replaceFirst("^of=", ""), w.value().substring(3), w.literal())));
      default -> {
        String valued = switch (c.name()) {
          case "curl", "sort", "shuf" -> "o";
          case "wget", "wget2" -> "O";
          default -> null;
        };
        if (valued == null) {
          break;
        }
        for (int i = 0; i < a.size(); i++) {
          String v = a.get(i).value();
          int at = v.startsWith("-") && !v.startsWith("--") ? v.indexOf(valued, 1) : -1;
          if (at == v.length() - 1 || Wrappers.longOption(v, c.name().startsWith("wget") ? "output-document" : "output")
              && v.indexOf('=') < 0) {
            if (i + 1 < a.size()) {
              out.add(a.get(i + 1));
            }
          } else if (at > 0) {
            // Glued: -o"$f", -sSLo"$f" (the rest of the word is the name).
            String src = a.get(i).source();
            int s0 = src.indexOf(valued, 1);
            out.add(new Word(s0 < 0 ? "" : src.substring(s0 + 1), v.substring(at + 1), a.get(i).literal()));
          } else if (v.startsWith("--") && v.indexOf('=') > 0
              && Wrappers.longOption(v, c.name().startsWith("wget") ? "output-document" : "output")) {
            int eq = a.get(i).source().indexOf('=');
            out.add(new Word(eq < 0 ? "" : a.get(i).source().substring(eq + 1), v.substring(v.indexOf('=') + 1), a.get(i).literal()));
          }
        }
      }
    }
    return out;
  }

  private static boolean unknownStartupName(Word w, ShellReading r) {
    String v = w.value();
    int u = v.lastIndexOf(Word.UNKNOWN);
    // A compressed end is no data file when the text decompresses: gunzip "$n.gz" writes "$n".
    boolean stripped = COMPRESSED_END.matcher(v.substring(Math.max(u, 0))).matches() && r.commands().stream()
        .anyMatch(c -> decompresses(c) || !derivedNames(c).isEmpty());
    if (w.literal() || u < 0 || v.indexOf('/', u) >= 0 || DATA_END.matcher(v.substring(u + 1)).matches() && !stripped
        || GitFiles.temporaryFile(w, r)) {
      return false;
    }
    List<String> values = GitFiles.literalValues(w, r);
    if (values != null) {
      return values.stream().anyMatch(x -> ShellClass.startupFile(Word.literal(x, x)));
    }
    return true;
  }
}
