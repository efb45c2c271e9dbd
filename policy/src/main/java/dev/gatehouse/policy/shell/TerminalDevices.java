package dev.gatehouse.policy.shell;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Another session's terminal read by name. On an {@code ssh} target every person is the same host
 * account, which owns every session's {@code /dev/pts/N}: {@code cat /dev/pts/N} reads what the
 * other person types (passwords typed into programs, the lines the gateway types for them, the
 * prompt hook's nonces), racing that session's shell. The session's own terminal stays readable
 * by the names that are its own: {@code /dev/tty}, {@code /dev/stdin}, {@code /dev/fd/N}, {@code
 * /proc/self/fd/N}. One host account per person is the lasting fix; this refuses what the text shows.
 */
final class TerminalDevices {
  private TerminalDevices() {}

  /**
   * Terminal devices other than the session's own {@code /dev/tty}: pseudo-terminals ({@code
   * /dev/pts/N}, {@code /dev/ptmx}, BSD {@code /dev/pty*}), virtual consoles and serial lines
   * ({@code /dev/tty1}, {@code /dev/ttyS0}), {@code /dev/console}, the consoles' screen memory
   * ({@code /dev/vcs*}), their {@code /dev/char}, {@code /dev/serial} and {@code /dev/input} names;
   * the consoles and serial lines not named {@code tty*} a getty logs in on (and so gives to the
   * account, as sshd gives a pts): hypervisor consoles ({@code /dev/hvc0} on KVM's virtio console,
   * Xen and POWER, {@code /dev/hvcs*}, {@code /dev/hvsi*}, Xen's old {@code /dev/xvc0}), s390's
   * {@code /dev/3270/tty*} and {@code /dev/sclp_line*}, Bluetooth and IrDA serial lines ({@code
   * /dev/rfcomm*}, {@code /dev/ircomm*}), callout lines ({@code /dev/cua*}); and a keyboard's raw
   * reports ({@code /dev/hidraw*}, {@code /dev/usb/hiddev*}), which {@code /dev/input} is the other
   * name of; the old names that link to a console or a serial line ({@code /dev/systty}, {@code
   * /dev/modem}, devfs's {@code /dev/vc/N} and {@code /dev/tts/N}); the console's screen as pixels
   * ({@code /dev/fb0}); Raspberry Pi OS's {@code /dev/serial0} and {@code /dev/serial1}, udev's
   * links to the serial console ({@code ttyAMA0}, {@code ttyS0}) a getty logs in on (attack 17cq).
   */
  private static final String TERMINAL = "/dev/(pts|pts/.*|ptmx|pty.*|tty[^/]+|console|vcs.*|char/.*|serial.*|input/.*"
      + "|hvc.*|hvsi.*|xvc.*|3270/.*|sclp_line.*|rfcomm.*|ircomm.*|cua.*|hidraw.*|usb/hiddev.*"
      + "|systty|modem|vc/.*|tts/.*|fb[0-9]+)";

  /**
   * Where a name on the way to a terminal starts ({@code /dev/pts/$n}, {@code /dev/tt*}); also a
   * descriptor's name with more after it ({@code /dev/f?/3/pts/7}, {@code /dev/std?n/pts/7}): the
   * descriptor may be a directory ({@code 3</dev}) the rest is read in.
   */
  private static final Set<String> TERMINAL_STARTS = Set.of("/dev/pts", "/dev/ptmx", "/dev/pty", "/dev/tty", "/dev/console",
      "/dev/vcs", "/dev/char", "/dev/serial", "/dev/input", "/dev/fd/", "/dev/stdin/", "/dev/stdout/", "/dev/stderr/",
      "/dev/hvc", "/dev/hvsi", "/dev/xvc", "/dev/3270", "/dev/sclp_line", "/dev/rfcomm", "/dev/ircomm", "/dev/cua", "/dev/hidraw",
      "/dev/usb/hiddev", "/dev/systty", "/dev/modem", "/dev/vc/", "/dev/tts/", "/dev/fb");

  /**
   * Programs that take a terminal's name without opening it: they list, test or print the name
   * ({@code ls -l /proc/self/fd/0} shows which terminal the session has).
   */
  private static final Set<String> NAME_ONLY = Set.of("ls", "stat", "readlink", "realpath", "test", "[", "[[", "echo",
      "printf", "basename", "dirname", "type");

  /**
   * The first command or read redirection of {@code r} that may read another terminal, or empty. A
   * relative name is taken in the directory the text's last {@code cd} to a literal absolute path
   * went to ({@code cd /dev/pts && cat 7}); after any other {@code cd} the directory is not known.
   */
  static Optional<String> otherTerminalRead(ShellReading r) {
    String cwd = null;
    boolean moved = false;
    for (ShellCommand c : r.commands()) {
      if (c.name().equals("cd") || c.name().equals("pushd") || c.name().equals("popd")) {
        List<Word> a = c.args().stream().filter(w -> !w.value().startsWith("-")).toList();
        Word to = a.isEmpty() || c.name().equals("popd") ? null : a.get(0);
        cwd = to == null || !to.literal() ? null
            : to.value().startsWith("/") ? ShellClass.normalize(to.value())
            : cwd == null ? null : ShellClass.normalize(cwd + "/" + to.value());
        moved = true;
        continue;
      }
      if (NAME_ONLY.contains(c.name())) {
        continue;
      }
      // After a cd the reading does not follow (cd -, cd alone, popd, cd $D) the directory may be /dev.
      String dir = cwd != null ? cwd : moved ? "/dev" : null;
      List<Word> files = fileOperands(c);
      for (Word w : c.args()) {
        if (mayNameTerminal(w) || files.contains(w) && gluedUnknown(w) || dir != null && !w.value().startsWith("/") && !w.value().startsWith("-")
            && mayNameTerminal(new Word(w.source(), dir + "/" + w.value(), w.literal()))) {
          return Optional.of(c.text());
        }
      }
    }
    for (ShellReading.Redirect read : r.reads()) {
      if (mayNameTerminal(read.target())) {
        return Optional.of(read.text());
      }
    }
    return Optional.empty();
  }

  /**
   * Programs whose every operand is a file they read ({@code cat tmp$x}); the {@code grep} family
   * reads every operand after its pattern. Other programs' bare words ({@code nginx@$i},
   * {@code journalctl -u app$n}) are names, not files.
   */
  private static final Set<String> READ_EVERY_OPERAND = Set.of("cat", "tac", "less", "more", "head", "tail", "nl",
      "wc", "od", "xxd", "hexdump", "strings", "md5sum", "sha1sum", "sha256sum", "sha512sum", "base64", "sort", "cut");
  private static final Set<String> GREPS = Set.of("grep", "egrep", "fgrep", "zgrep", "rgrep");

  /**
   * The operands {@code c}'s program opens as files, as far as a glued unknown part matters: every
   * word not starting with {@code -} after the program's name (after {@code --}, every word), the
   * {@code grep} family's after its pattern (all of them when {@code -e} or {@code -f} gives it).
   */
  private static List<Word> fileOperands(ShellCommand c) {
    String name = Regexes.replaceFirst(c.name(), ".*/", "");
    boolean grep = GREPS.contains(name);
    if (!grep && !READ_EVERY_OPERAND.contains(name)) {
      return List.of();
    }
    List<Word> operands = new java.util.ArrayList<>();
    boolean ended = false;
    boolean patternGiven = false;
    for (Word w : c.args()) {
      String v = w.value();
      if (!ended && v.equals("--")) {
        ended = true;
      } else if (!ended && v.startsWith("-") && v.length() > 1) {
        patternGiven |= v.startsWith("-e") || v.startsWith("-f") || v.startsWith("--regexp") || v.startsWith("--file")
            || !v.startsWith("--") && (v.contains("e") || v.contains("f"));
      } else {
        operands.add(w);
      }
    }
    return grep && !patternGiven && !operands.isEmpty() ? operands.subList(1, operands.size()) : operands;
  }

  /**
   * Whether a part only known when it runs follows a known start of {@code w} ({@code tmp$x}: with
   * {@code x=/../../../dev/pts/7} the name climbs from {@code tmp} to the root).
   */
  private static boolean gluedUnknown(Word w) {
    return w.value().indexOf(Word.UNKNOWN) > 0;
  }

  /**
   * Whether {@code w} (an operand, an option's glued value {@code --file=/dev/pts/7}, a read
   * redirection's file) may name another terminal: by its letters, through {@code /proc/PID/fd/N}
   * of another process, or as a pattern or a value only known when it runs whose known start is
   * on the way to one ({@code /dev/pts/*}, {@code /dev/pts/$n}, {@code /dev/$x}, {@code /proc/$pid/fd/0}), or
   * whose start is only known when it runs ({@code "$x"}).
   */
  static boolean mayNameTerminal(Word w) {
    String v = w.value();
    // A word whose start is only known when it runs ({@code "$x"}, {@code $(…)}, {@code --file="$x"})
    // may be any absolute name: {@code x=/dev/pts/7} on an earlier line, {@code read x}.
    int eq = v.startsWith("-") ? v.indexOf('=') : -1;
    if (!v.isEmpty() && v.charAt(0) == Word.UNKNOWN || eq > 0 && eq + 1 < v.length() && v.charAt(eq + 1) == Word.UNKNOWN) {
      return true;
    }
    // A part only known when it runs after any known start of a path ({@code ./$x}, {@code .$x},
    // {@code /tmp$x}, {@code ~/$x}) may be {@code /../../dev/pts/7}: the name may climb to any
    // terminal ({@code nginx@$i}, with no slash before it, is a unit's or a word's name).
    int unknown = v.indexOf(Word.UNKNOWN);
    if (unknown > 0 && (!v.startsWith("-") || eq > 0 && unknown > eq)) {
      String start = v.substring(v.startsWith("-") ? eq + 1 : 0, unknown);
      if (start.indexOf('/') >= 0 || start.startsWith(".") || start.startsWith("~")) {
        return true;
      }
    }
    // Another user's home ({@code ~sys} is {@code /dev} on Debian): a start only known when it runs.
    if (RelativePaths.otherHomeRest(eq > 0 ? v.substring(eq + 1) : v) != null) {
      return true;
    }
    for (int at = v.indexOf('/'); at >= 0; at = v.indexOf('/', at + 1)) {
      boolean starts = at == 0 || "=:,".indexOf(v.charAt(at - 1)) >= 0 || v.startsWith("/dev/", at) || v.startsWith("/proc/", at);
      if (!starts) {
        // Only where a path may start: the word's, a glued value's ({@code --file=}, {@code -f/dev/…}).
        continue;
      }
      if (namesTerminal(v.substring(at), w)) {
        return true;
      }
    }
    // A relative name climbing out of an unknown directory ({@code ../../dev/pts/7}): taken from the root.
    String climbed = Regexes.replaceFirst(v, "^(\\.\\.?/+)+", "");
    return v.startsWith("..") && (climbed.startsWith("dev/") || climbed.startsWith("proc/")) && namesTerminal("/" + climbed, w);
  }

  private static boolean namesTerminal(String path, Word w) {
    int unknown = unknownFrom(path, w);
    if (unknown < 0) {
      String p = ShellClass.normalize(path);
      Optional<DescriptorNames.Named> d = DescriptorNames.of(path);
      return Regexes.matches(p, TERMINAL) || d.isPresent() && !d.get().own();
    }
    String known = path.substring(0, unknown);
    String rest = path.substring(unknown);
    // /dev/./$x, /dev//tty?, /tmp/../dev/./$x: the known start as the kernel reads it.
    String tidy = ShellClass.normalize(known);
    if ((known.endsWith("/") || known.endsWith("/.")) && !tidy.endsWith("/")) {
      tidy += "/";
    }
    known = tidy;
    for (String start : TERMINAL_STARTS) {
      if (start.startsWith(known) || known.startsWith(start)) {
        return true;
      }
    }
    // /proc/$pid/fd/0, /proc/[0-9]*/fd/*: another process's descriptors; /proc/$pid/status is not one.
    boolean proc = "/proc/".startsWith(known) || known.startsWith("/proc/");
    return proc && (rest.contains("fd") || known.contains("/fd") || !rest.contains("/") || known.length() < "/proc/".length());
  }

  /** Where the part of {@code path} only known when it runs (or a pattern) starts; -1 when it is all known. */
  private static int unknownFrom(String path, Word w) {
    int at = path.indexOf(Word.UNKNOWN);
    if (CommandReader.isPattern(w)) {
      for (char g : new char[] {'*', '?', '['}) {
        int i = path.indexOf(g);
        if (i >= 0 && (at < 0 || i < at)) {
          at = i;
        }
      }
    }
    return at;
  }
}
