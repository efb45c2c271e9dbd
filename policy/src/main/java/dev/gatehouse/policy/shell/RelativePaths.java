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
 * pushd DIR}, {@code env -C DIR}, each literal and absolute): after {@code cd /etc}, {@code >>
 * passwd} is {@code >> /etc/passwd}, and after {@code cd /proc}, {@code self/root/etc} is {@code
 * /etc} ({@link KernelPaths}). Where the working directory is not known (a typed line: a {@code cd}
 * on an earlier line is not seen), a relative name that reaches a kernel link from {@code /proc} or
 * {@code /dev} ({@code self/root/etc}, {@code fd/3/etc}, {@code stdin/etc}) is read as it would be
 * there, and makes the text unclassified. A word that starts with a part only known when it runs
 * glued to a name ({@code ${x}etc}, {@code "$PWD"etc}) is read as that name from the root: the
 * unknown part may be {@code /} or end in one. The commands and writes of this reading are judged
 * by the path classes only, in addition to (never instead of) the text's own reading: a relative
 * name whose directory is not known is still judged as the reading made it.
 */
final class RelativePaths {
  private RelativePaths() {}

  /** The classes that judge a command's or a redirection's path. */
  static final Set<ShellClass> PATH_CLASSES = EnumSet.of(ShellClass.RECURSIVE_DELETE_ROOT, ShellClass.FILESYSTEM_FORMAT,
      ShellClass.RAW_DEVICE_WRITE, ShellClass.POWER, ShellClass.HISTORY_TAMPER, ShellClass.AUDIT_TAMPER,
      ShellClass.USER_CHANGE, ShellClass.SCHEDULER_CHANGE);

  /**
   * The commands and writes whose words read otherwise from the directories the text changes to
   * (only those), and why the text is unclassified (a relative name through a kernel link from a
   * directory not known), or null.
   */
  record Reading(List<ShellCommand> commands, List<ShellReading.Redirect> writes, String unknown) {}

  /** An option's glued value: {@code of=sda}, {@code --output=x}. */
  private static final Pattern OPTION_VALUE = Pattern.compile("(?s)(-{0,2}[A-Za-z][A-Za-z0-9_.-]*=)(.*)");

  /** The directories a text may change to whose relative names are read again. */
  static final int MAX_DIRECTORIES = 16;

  static Reading of(ShellReading r) {
    Set<String> dirs = new LinkedHashSet<>();
    for (ShellCommand c : r.commands()) {
      dirs.addAll(directories(c));
    }
    String[] unknown = {null};
    List<String> bases = new ArrayList<>(dirs);
    if (bases.size() > MAX_DIRECTORIES) {
      // Bounds the words read again; so many directories in one text are no everyday line.
      unknown[0] = "the text changes to more than " + MAX_DIRECTORIES + " directories";
      bases = new ArrayList<>(bases.subList(0, MAX_DIRECTORIES));
    }
    bases.add(null); // the directory not known
    List<ShellCommand> commands = new ArrayList<>();
    List<ShellReading.Redirect> writes = new ArrayList<>();
    for (String d : bases) {
      for (ShellCommand c : r.commands()) {
        List<Word> args = new ArrayList<>(c.args().size());
        boolean changed = false;
        for (Word w : c.args()) {
          Word j = joined(d, w, unknown);
          changed |= j != w;
          args.add(j);
        }
        if (changed) {
          commands.add(new ShellCommand(c.name(), c.path(), args, c.text(), c.via(), c.stdin(), c.upstream()));
        }
      }
      for (ShellReading.Redirect w : r.writes()) {
        Word j = joined(d, w.target(), unknown);
        if (j != w.target()) {
          writes.add(new ShellReading.Redirect(j, w.text(), w.through()));
        }
      }
    }
    return new Reading(commands, writes, unknown[0]);
  }

  /** The literal absolute directories {@code c} changes to: {@code cd DIR}, {@code pushd DIR}, {@code env -C DIR}. */
  static List<String> directories(ShellCommand c) {
    List<Word> named = switch (c.name()) {
      case "cd", "pushd" -> ShellClass.operands(c);
      case "env" -> Wrappers.envChdirs(c.args());
      default -> List.of();
    };
    List<String> out = new ArrayList<>();
    for (Word w : named) {
      if (w != null && w.literal() && w.value().startsWith("/")) {
        out.add(w.value());
      }
    }
    return out;
  }

  /** {@code w} read from directory {@code d} (null: not known), or {@code w} itself when that reads it alike. */
  private static Word joined(String d, Word w, String[] unknown) {
    String v = w.value();
    String prefix = "";
    Matcher m = OPTION_VALUE.matcher(v);
    if (m.matches()) {
      prefix = m.group(1);
      v = m.group(2);
    } else if (v.startsWith("-")) {
      return w;
    }
    if (v.isEmpty()) {
      return w;
    }
    if (v.charAt(0) == Word.UNKNOWN) {
      // ${x}etc, "$PWD"etc: the unknown part may be / (or end in one), so the name may be one at the root.
      int k = 0;
      while (k < v.length() && v.charAt(k) == Word.UNKNOWN) {
        k++;
      }
      String rest = v.substring(k);
      if (d != null || rest.isEmpty() || rest.startsWith("/") || rest.indexOf(Word.UNKNOWN) >= 0) {
        return w;
      }
      return at(w, prefix, "/" + rest, unknown);
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
