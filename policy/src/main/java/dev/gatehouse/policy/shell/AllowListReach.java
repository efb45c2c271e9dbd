package dev.gatehouse.policy.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code mode: allow-list} refuses of a listed program beyond its name, where the judge cannot
 * see the place or the descriptor a word reaches: the working directory bash is in (typed lines are
 * judged one by one, and bash keeps the directory of an earlier line), descriptors an earlier line
 * left open, devices met while recursing, and files less reads keys from. Failing closed: each
 * refusal names the form to write instead where there is one.
 */
final class AllowListReach {
  private AllowListReach() {}

  /** The directories holding other sessions' terminals, by the name of the root's entry. */
  private static final Set<String> DEVICE_DIRS = Set.of("dev", "proc");

  /**
   * A {@code cd} (or {@code pushd}, {@code popd}) that may leave the working directory where the
   * judge cannot follow it into {@code /dev} or {@code /proc}, or a relative name that may reach
   * them: the first such command or read redirection, or empty. With every {@code cd} so judged
   * the working directory is never under {@code /dev} or {@code /proc}, whatever an earlier line did,
   * and a relative name reaches them only through a component {@code dev} or {@code proc}.
   */
  static Optional<String> leavesSight(ShellReading r) {
    for (ShellCommand c : r.commands()) {
      String n = c.name();
      if (n.equals("cd") || n.equals("pushd") || n.equals("popd")) {
        String why = changesDirectoryOutOfSight(c);
        if (why != null) {
          return Optional.of(why);
        }
        continue;
      }
      for (Word w : c.args()) {
        if (mayReachDeviceDirectory(w)) {
          return Optional.of("a relative name that may reach /dev or /proc from where the shell is: " + c.text());
        }
      }
    }
    for (ShellReading.Redirect read : r.reads()) {
      if (mayReachDeviceDirectory(read.target())) {
        return Optional.of("a relative name that may reach /dev or /proc from where the shell is: " + read.text());
      }
    }
    return Optional.empty();
  }

  private static String changesDirectoryOutOfSight(ShellCommand c) {
    if (c.name().equals("popd")) {
      return "popd goes to a directory the line does not name: " + c.text();
    }
    List<Word> a = c.args();
    Word to = null;
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (w.literal() && v.equals("--")) {
        to = i + 1 < a.size() ? a.get(i + 1) : null;
        break;
      }
      if (w.literal() && v.startsWith("-") && v.length() > 1 && !(c.name().equals("pushd") && Regexes.matches(v, "-[0-9]+"))) {
        continue; // -L, -P, -e, -@
      }
      to = w;
      break;
    }
    if (to == null) {
      // cd alone is the login's home (HOME is not set by an allowed text); pushd alone swaps with the stack's top.
      return c.name().equals("pushd") ? "pushd goes to a directory the line does not name: " + c.text() : null;
    }
    String v = to.value();
    int depth = 0;
    if (!to.literal()) {
      boolean home = v.equals("~") || v.startsWith("~/") && !v.substring(2).contains(String.valueOf(Word.UNKNOWN));
      if (!home || CommandReader.isPattern(to)) {
        return c.name() + " to a directory only known when it runs (~+, ~-, ~user, a variable, a pattern): " + c.text();
      }
      v = v.equals("~") ? "" : v.substring(2);
      depth = 1; // the login's home is below the root
    } else if (v.equals("-") || c.name().equals("pushd") && Regexes.matches(v, "[+-][0-9]+")) {
      return c.name() + " to the previous or a stacked directory, which the line does not name: " + c.text();
    } else if (v.startsWith("/")) {
      String p = ShellClass.normalize(v);
      for (String d : DEVICE_DIRS) {
        if (p.equals("/" + d) || p.startsWith("/" + d + "/")) {
          return c.name() + " into /" + d + ", where a relative name may be another session's terminal: " + c.text();
        }
      }
      if (KernelPaths.linksIntoDeviceTree(p)) {
        return c.name() + " into a link to a directory under /dev or /proc (/run/shm is /dev/shm: ../pts/N from there is"
            + " another session's terminal): " + c.text();
      }
      return null;
    } else if (!(v.equals(".") || v.equals("..") || v.startsWith("./") || v.startsWith("../"))) {
      return c.name() + " to a name bash may look up in CDPATH (write ./" + v + "): " + c.text();
    }
    List<String> parts = new ArrayList<>(List.of(v.split("/+")));
    parts.add("");
    return reachesDeviceDirectory(parts, depth, true, false) ? c.name()
        + " into a directory that may be /dev or /proc (from the root, where an earlier line may have gone): " + c.text() : null;
  }

  /**
   * Whether a component before the last of the relative name {@code parts} may be {@code dev} or
   * {@code proc} where the name may be at the root: the working directory may be the root, and
   * {@code ..} climbs towards it; a component only known when it runs may be any path.
   */
  private static boolean reachesDeviceDirectory(List<String> parts, int depth, boolean literal, boolean pattern) {
    for (int i = 0; i + 1 < parts.size(); i++) {
      String part = parts.get(i);
      if (part.indexOf(Word.UNKNOWN) >= 0) {
        return true;
      }
      if (depth <= 0 && mayBe(part, literal, pattern)) {
        return true;
      }
      // shm/../pts/7 from /run (an earlier line's cd): the kernel follows /run/shm to /dev/shm
      // before the .., wherever the name starts, so a link's name climbed out of lands in /dev.
      if (parts.get(i + 1).equals("..") && mayBeDeviceLink(part, literal, pattern)) {
        return true;
      }
      if (part.equals("..")) {
        depth--;
      } else if (!part.isEmpty() && !part.equals(".")) {
        depth++;
      }
    }
    return false;
  }

  /**
   * Whether {@code w}, or an option's value glued to it ({@code --file=dev/pts/7}, {@code
   * -fdev/pts/7}), is a relative name with a component before its last that may be {@code dev} or
   * {@code proc} ({@code dev/pts/7}, {@code ./proc/1/fd/0}, {@code x/../dev/tty1}, {@code d*}{@code
   * /pts/7}, {@code "$d"/pts/7}): from the root, or after a climbing {@code cd}, that is the device's.
   */
  static boolean mayReachDeviceDirectory(Word w) {
    String v = w.value();
    List<String> pieces = new ArrayList<>();
    if (v.startsWith("-")) {
      int eq = v.indexOf('=');
      pieces.add(eq >= 0 ? v.substring(eq + 1) : v);
    } else {
      pieces.add(v);
    }
    boolean literal = w.literal();
    boolean pattern = !literal && CommandReader.isPattern(w);
    for (String piece : pieces) {
      if (piece.startsWith("/")) {
        continue; // an absolute name is TerminalDevices's
      }
      List<String> parts = new ArrayList<>(List.of(piece.split("/", -1)));
      while (!parts.isEmpty() && parts.get(parts.size() - 1).isEmpty()) {
        parts.remove(parts.size() - 1);
      }
      int depth = 0;
      if (!parts.isEmpty() && parts.get(0).startsWith("~") && !literal) {
        // ~/x is under the login's home; ~user, ~+ and ~- may be the root.
        depth = parts.get(0).equals("~") ? 1 : 0;
        parts.set(0, ".");
      } else if (!parts.isEmpty() && v.startsWith("-") && v.indexOf('=') < 0) {
        // -fdev/pts/7: the option letters before the name
        String first = parts.get(0);
        if (parts.size() > 1 && (first.endsWith("dev") || first.endsWith("proc") || first.indexOf(Word.UNKNOWN) >= 0
            || parts.get(1).equals("..") && DEVICE_LINK_NAMES.stream().anyMatch(first::endsWith))) {
          return true; // -fdev/pts/7, -fshm/../pts/7
        }
        parts.set(0, ".");
      }
      if (reachesDeviceDirectory(parts, depth, literal, pattern)) {
        return true;
      }
    }
    return false;
  }

  /** The last component of a link {@link KernelPaths#linkTarget} knows into /dev or /proc ({@code /run/shm}). */
  private static final Set<String> DEVICE_LINK_NAMES = Set.of("shm");

  private static boolean mayBeDeviceLink(String part, boolean literal, boolean pattern) {
    if (literal || !pattern || !PathPatterns.hasGlob(part)) {
      return DEVICE_LINK_NAMES.contains(part);
    }
    var re = PathPatterns.glob(part);
    return DEVICE_LINK_NAMES.stream().anyMatch(d -> re.matcher(d).matches());
  }

  private static boolean mayBe(String part, boolean literal, boolean pattern) {
    if (part.indexOf(Word.UNKNOWN) >= 0) {
      return true;
    }
    if (literal || !pattern || !PathPatterns.hasGlob(part)) {
      return DEVICE_DIRS.contains(part);
    }
    var re = PathPatterns.glob(part);
    return DEVICE_DIRS.stream().anyMatch(d -> re.matcher(d).matches());
  }

  private static final Set<String> GREPS = Set.of("grep", "egrep", "fgrep", "rgrep");
  /** grep's long options that take a value (the next word when not glued with {@code =}). */
  private static final List<String> GREP_VALUED = List.of("regexp", "file", "exclude", "exclude-from", "exclude-dir",
      "include", "max-count", "after-context", "before-context", "context", "directories", "devices", "group-separator",
      "label", "binary-files");

  /**
   * A grep that may recurse ({@code -r}, {@code -R}, {@code -d recurse}, rgrep) and read the
   * devices it meets ({@code -D read}, {@code --devices=read}, any abbreviation, or an option only
   * known when it runs): it reads another session's {@code /dev/pts/N} below any directory above
   * it, {@code .} after a {@code cd /} included. grep skips devices while recursing unless told.
   */
  static Optional<String> recursiveDeviceRead(ShellCommand c) {
    if (!GREPS.contains(c.name())) {
      return Optional.empty();
    }
    boolean recursive = c.name().equals("rgrep");
    boolean devices = false;
    List<Word> a = c.args();
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (w.literal() && v.equals("--")) {
        break;
      }
      if (!w.literal() && (v.isEmpty() || v.charAt(0) == Word.UNKNOWN || v.startsWith("-"))) {
        recursive = true; // a word only known when it runs may be -rDread
        devices = true;
        continue;
      }
      if (v.startsWith("--")) {
        int eq = v.indexOf('=');
        String value = eq >= 0 ? v.substring(eq + 1) : null;
        if (value == null && GREP_VALUED.stream().anyMatch(o -> Wrappers.longOption(v, o)) && !Wrappers.longOption(v, "recursive")
            && !Wrappers.longOption(v, "dereference-recursive") && i + 1 < a.size()) {
          value = a.get(++i).value();
        }
        recursive |= Wrappers.longOption(v, "recursive") || Wrappers.longOption(v, "dereference-recursive")
            || Wrappers.longOption(v, "directories") && (value == null || !skipsOrReads(value, "read", "skip"));
        devices |= Wrappers.longOption(v, "devices") && (value == null || !skipsOrReads(value, "skip"));
        continue;
      }
      if (v.startsWith("-") && v.length() > 1) {
        for (int k = 1; k < v.length(); k++) {
          char o = v.charAt(k);
          if (o == 'r' || o == 'R') {
            recursive = true;
          }
          if ("efmABCdD".indexOf(o) >= 0) {
            String value = k + 1 < v.length() ? v.substring(k + 1) : i + 1 < a.size() ? a.get(++i).value() : "";
            recursive |= o == 'd' && !skipsOrReads(value, "read", "skip");
            devices |= o == 'D' && !skipsOrReads(value, "skip");
            break;
          }
        }
      }
    }
    return recursive && devices ? Optional.of("grep recursing with devices read (-D read; a word only known when it runs"
        + " may be one: give a pattern by -e, files after --) reads other sessions' terminals: " + c.text()) : Optional.empty();
  }

  /** Whether argmatch reads {@code value} as one of {@code actions} (a non-empty start of one). */
  private static boolean skipsOrReads(String value, String... actions) {
    if (value.isEmpty() || value.indexOf(Word.UNKNOWN) >= 0) {
      return false;
    }
    for (String a : actions) {
      if (a.startsWith(value)) {
        return true;
      }
    }
    return false;
  }

  /**
   * less given a key file, by any spelling less 590 takes ({@code -k}, {@code --lesskey-src}, {@code
   * --lesskey-content}, an abbreviation, any case, in a bundle, the letter 0x01), or a word only known
   * when it runs where it reads options: a lesskey source's {@code #env} section sets {@code
   * LESSHISTFILE} and the like ahead of the environment, and less reads {@code --lesskey-src} in its
   * secure mode too.
   */
  static Optional<String> lessKeyFile(ShellCommand c) {
    if (!c.name().equals("less")) {
      return Optional.empty();
    }
    for (Word w : c.args()) {
      String v = w.value();
      if (w.literal() && v.equals("--")) {
        break;
      }
      if (!w.literal() && (v.isEmpty() || v.charAt(0) == Word.UNKNOWN)) {
        return Optional.of("less given a word only known when it runs where it reads options (it may name a key file): "
            + c.text());
      }
      if (v.length() > 1 && (v.startsWith("-") || v.startsWith("+"))) {
        if (ShellClass.lessLongOption(v, "lesskey-file") || ShellClass.lessLongOption(v, "lesskey-src")
            || ShellClass.lessLongOption(v, "lesskey-content") || v.toLowerCase(java.util.Locale.ROOT).startsWith("--lesskey")
            || Wrappers.readLessWord(v).anyOption()
            || Wrappers.readLessWord(v).names().stream().anyMatch(o -> o.equals("k") || o.startsWith("lesskey"))) {
          return Optional.of("less reads keys and variables (#env: LESSHISTFILE) from a key file: " + c.text());
        }
      }
    }
    return Optional.empty();
  }

  /**
   * {@code journalctl --cursor-file=FILE}: journalctl writes the last shown entry's cursor to FILE
   * (systemd 252), replacing what it held, wherever the account may write. getopt_long takes any
   * unambiguous prefix: {@code --cursor-} and longer is this option; a word only known when it runs
   * where journalctl reads options may be it. Also its other writing actions, by any prefix
   * getopt_long takes: {@code --update-catalog} ({@code --upd}) writes {@code
   * /var/lib/systemd/catalog/database}, under {@code --root=DIR} wherever the account may write
   * ({@code DIR/var/lib/systemd/catalog/database}), and {@code --setup-keys} ({@code --set}) writes a
   * new sealing key into {@code /var/log/journal/MACHINE-ID/fss} ({@code --force}: over the old one).
   */
  static Optional<String> journalCursorFile(ShellCommand c) {
    if (!c.name().equals("journalctl")) {
      return Optional.empty();
    }
    for (Word w : c.args()) {
      String v = w.value();
      if (w.literal() && v.equals("--")) {
        break;
      }
      if (!w.literal() && (v.isEmpty() || v.charAt(0) == Word.UNKNOWN) || v.startsWith("--cursor-")) {
        return Optional.of("journalctl may write the cursor file it is given (--cursor-file): " + c.text());
      }
      if (Wrappers.longOption(v, "update-catalog") || Wrappers.longOption(v, "setup-keys")) {
        return Optional.of("journalctl writes a file (--update-catalog: the catalog's database, under --root too;"
            + " --setup-keys: the sealing key): " + c.text());
      }
    }
    return Optional.empty();
  }

  /**
   * At the prompt: a {@code {name}} redirection, which bash keeps open in the shell after the line
   * (a later line writes the file through {@code /dev/fd/N} by the kernel's reopening), or a write to
   * the name of a descriptor above 2 that the line does not open itself (one an earlier line left
   * open). The first found, or empty.
   */
  static Optional<String> descriptorBeyondTheLine(ShellReading r) {
    for (ShellReading.Assignment a : r.assignments()) {
      if (a.value() != null && a.value().source().equals("{" + a.name() + "}")) {
        return Optional.of("a named descriptor stays open in the shell for later lines: " + a.text());
      }
    }
    for (ShellReading.Redirect w : r.writes()) {
      if (!w.target().literal() || w.through() != null) {
        continue;
      }
      var d = DescriptorNames.of(w.target().value());
      if (d.isEmpty() || d.get().descriptor() < 3) {
        continue;
      }
      String n = String.valueOf(d.get().descriptor());
      boolean opened = false;
      for (ShellReading.Redirect o : r.reads()) {
        opened |= Regexes.matches(o.text(), "(?s)0*" + n + "[<>].*");
      }
      for (ShellReading.Redirect o : r.writes()) {
        opened |= Regexes.matches(o.text(), "(?s)0*" + n + "[<>].*");
      }
      if (!opened) {
        return Optional.of("writes through the name of a descriptor the line does not open (an earlier line's): " + w.text());
      }
    }
    return Optional.empty();
  }
}
