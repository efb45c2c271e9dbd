package dev.gatehouse.policy.shell;

import java.util.ArrayList;
import java.util.List;

/**
 * Names the kernel resolves through a magic link rather than by their letters: {@code
 * /proc/PID/root} ({@code self}, {@code thread-self}, a number, {@code task/T/}) is the process's
 * root, so {@code /proc/self/root/opt} is {@code /opt}; {@code /proc/PID/cwd/…}, a descriptor's name
 * followed by more components ({@code /dev/fd/3/opt}, {@code /dev/stdin/opt}, {@code
 * /proc/self/fd/3/pts/7}: the directory the descriptor was opened on) and {@code ~+/…}/{@code ~-/…}
 * (the working directory, the previous one; {@code ~N}, {@code ~+N}, {@code ~-N} from the directory
 * stack) start in a directory the text does not know. The path classes read a word through {@link
 * #resolved}: a root name as the path it reaches, a name in an unknown directory as the same path
 * from the root (where a delete or a write is the worst), and the reading calls the latter
 * unclassified. A pattern in a component before a link's name is read as a name that may be the
 * link ({@code /proc/self/roo?}, {@code /dev/f?/3/etc}). The kernel follows a link before a {@code
 * ..} after it: the links whose target is known by its letters are followed ({@link #linkTarget}:
 * {@code /dev/fd/../root} is {@code /proc/self/root}; a pattern that may match such a link's name,
 * {@code /var/r?n/..}, is read through the link, in a directory not known), and a {@code ..} after any component under
 * {@code /proc}, {@code /dev} or {@code /sys} also makes the name one in an unknown directory.
 */
final class KernelPaths {
  private KernelPaths() {}

  /**
   * A word's path as the kernel reaches it.
   *
   * @param value the word's value with the path resolved (a glued option value's prefix, {@code of=}, kept)
   * @param unknownDirectory whether the path starts in a directory only known when it runs
   */
  record Resolved(String value, boolean unknownDirectory) {}

  /** The word's value resolved, or null when it names no such path. */
  static Resolved resolved(String v) {
    int at = 0;
    if (!v.startsWith("/") && !v.startsWith("~")) {
      int eq = v.indexOf('=');
      if (eq <= 0 || !Regexes.matches(v.substring(0, eq), "-{0,2}[A-Za-z][A-Za-z0-9_.-]*")) {
        return null;
      }
      at = eq + 1;
    }
    String prefix = v.substring(0, at);
    String path = v.substring(at);
    boolean unknownDir = false;
    boolean changed = false;
    if (Regexes.matches(path, "(?s)~[+-]?[0-9]*(/.*)?") && !path.equals("~") && !path.startsWith("~/")) {
      // ~+ and ~- (the working and the previous directory), ~N, ~+N, ~-N (bash's directory stack).
      unknownDir = true;
      changed = true;
      int slash = path.indexOf('/');
      path = slash < 0 ? "" : path.substring(slash);
    } else if (!path.startsWith("/")) {
      return null;
    }
    String[] parts = Regexes.split(path, "/+");
    List<String> out = new ArrayList<>();
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (!out.isEmpty() && PathPatterns.componentCouldBe(out.get(0), LINKED_TREES)) {
          // Under /proc, /dev or /sys a component may be a link the kernel follows before ..
          // (/dev/fd/.. is /proc/PID): the directory .. leads to is not known by the letters.
          unknownDir = true;
          changed = true;
        }
        List<String> target = linkTarget(out);
        if (target == null) {
          // A pattern that may match a link's name (/var/r?n, /var/*, /dev/f[d]): bash expands it
          // to the link, which the kernel follows before ..; the path is one in a directory not
          // known by its letters, read through the link.
          target = patternLinkTarget(out);
          unknownDir |= target != null;
        }
        if (target != null) {
          out.clear();
          out.addAll(target);
          changed = true;
        }
        if (!out.isEmpty()) {
          out.remove(out.size() - 1);
        }
        continue;
      }
      out.add(part);
      boolean more = false;
      for (int k = i + 1; k < parts.length; k++) {
        more |= !parts[k].isEmpty() && !parts[k].equals(".");
      }
      boolean root = procLink(out, "root");
      boolean unknown = more && (procLink(out, "cwd") || procDescriptor(out) || devDescriptor(out));
      if (root || unknown) {
        out.clear();
        changed = true;
        unknownDir |= unknown;
      }
    }
    if (!changed) {
      return null;
    }
    String resolved = "/" + String.join("/", out);
    if (path.endsWith("/") && !resolved.endsWith("/")) {
      resolved += "/";
    }
    return new Resolved(prefix + resolved, unknownDir);
  }

  /** The trees whose names include links the kernel follows (a process's, a descriptor's). */
  private static final List<String> LINKED_TREES = List.of("proc", "dev", "sys");

  private static boolean could(String component, String... names) {
    return PathPatterns.componentCouldBe(component, List.of(names));
  }

  /**
   * Whether {@code out} may be {@code /proc/P/link} or {@code /proc/P/task/T/link} (a pattern in any
   * component before the link's name may match it: {@code /proc/self/roo?}, {@code /pro?/self/root}).
   */
  private static boolean procLink(List<String> out, String link) {
    int n = out.size();
    return (n == 3 || n == 5 && could(out.get(2), "task")) && could(out.get(0), "proc") && could(out.get(n - 1), link);
  }

  /** Whether {@code out} may be {@code /proc/P/fd/N} or {@code /proc/P/task/T/fd/N}. */
  private static boolean procDescriptor(List<String> out) {
    int n = out.size();
    return (n == 4 || n == 6 && could(out.get(2), "task")) && could(out.get(0), "proc") && could(out.get(n - 2), "fd");
  }

  /** Whether {@code out} may be {@code /dev/fd/N} or {@code /dev/stdin} (stdout, stderr). */
  private static boolean devDescriptor(List<String> out) {
    int n = out.size();
    return n >= 2 && could(out.get(0), "dev")
        && (n == 3 && could(out.get(1), "fd") || n == 2 && could(out.get(1), "stdin", "stdout", "stderr"));
  }

  /**
   * What the kernel reads for {@code out} when it is a link whose target is known by its letters
   * ({@code /dev/fd} is {@code /proc/self/fd}, {@code /proc/net} is {@code /proc/self/net}, {@code
   * /proc/thread-self} is {@code /proc/self/task/T}, {@code /var/run} is {@code /run}); null otherwise.
   */
  static List<String> linkTarget(List<String> out) {
    String joined = "/" + String.join("/", out);
    return switch (joined) {
      case "/dev/fd" -> List.of("proc", "self", "fd");
      case "/proc/net", "/proc/mounts" -> List.of("proc", "self", out.get(1));
      case "/proc/thread-self" -> List.of("proc", "self", "task", "thread");
      case "/var/run" -> List.of("run");
      case "/var/lock" -> List.of("run", "lock");
      // Debian's and Ubuntu's compatibility link to /dev/shm: /run/shm/../pts/7 is /dev/pts/7
      case "/run/shm", "/var/run/shm" -> List.of("dev", "shm");
      default -> null;
    };
  }

  /** The links {@link #linkTarget} follows, by name. */
  private static final List<List<String>> LINKS = List.of(List.of("dev", "fd"), List.of("proc", "net"),
      List.of("proc", "mounts"), List.of("proc", "thread-self"), List.of("var", "run"), List.of("var", "lock"),
      List.of("run", "shm"), List.of("var", "run", "shm"));

  /**
   * Whether a directory of the absolute {@code path} (normalized) is a link {@link #linkTarget}
   * knows into {@code /dev} or {@code /proc} ({@code /run/shm}, {@code /var/run/shm/x}): bash's
   * {@code cd} keeps the link's name, the kernel's working directory is the target, and a relative
   * {@code ..} climbs from there.
   */
  static boolean linksIntoDeviceTree(String path) {
    List<String> parts = new ArrayList<>();
    for (String part : Regexes.split(path, "/+")) {
      if (part.isEmpty()) {
        continue;
      }
      parts.add(part);
      List<String> target = linkTarget(parts);
      if (target == null) {
        target = patternLinkTarget(parts);
      }
      if (target != null && !target.isEmpty() && (target.get(0).equals("dev") || target.get(0).equals("proc"))) {
        return true;
      }
    }
    return false;
  }

  /** The target of a link {@code out} may name through a pattern in its components, or null. */
  private static List<String> patternLinkTarget(List<String> out) {
    if (out.isEmpty() || PathPatterns.hasGlob(out.get(0))) {
      return null; // /*/*/..: read by its letters (a pattern at the top, /*, is the strictest there)
    }
    for (List<String> link : LINKS) {
      if (link.size() != out.size() || link.equals(out)) {
        continue;
      }
      boolean may = true;
      for (int i = 0; i < link.size() && may; i++) {
        may = PathPatterns.componentCouldBe(out.get(i), List.of(link.get(i)));
      }
      if (may) {
        return linkTarget(link);
      }
    }
    return null;
  }

  /** The word with its path resolved ({@link #resolved}), or the word itself. */
  static Word word(Word w) {
    Resolved r = resolved(w.value());
    return r == null ? w : new Word(w.source(), r.value(), w.literal());
  }
}
