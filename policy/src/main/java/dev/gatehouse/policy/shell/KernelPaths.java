package dev.gatehouse.policy.shell;

import java.util.ArrayList;
import java.util.List;

/**
 * Names the kernel resolves through a magic link rather than by their letters: {@code
 * /proc/PID/root} ({@code self}, {@code thread-self}, a number, {@code task/T/}) is the process's
 * root, so {@code /proc/self/root/opt} is {@code /opt}; {@code /proc/PID/cwd/…}, a descriptor's name
 * followed by more components ({@code /dev/fd/3/opt}, {@code /dev/stdin/opt}, {@code
 * /proc/self/fd/3/pts/7}: the directory the descriptor was opened on) and {@code ~+/…}/{@code ~-/…}
 * (the working directory, the previous one) start in a directory the text does not know. The path
 * classes read a word through {@link #resolved}: a root name as the path it reaches, a name in an
 * unknown directory as the same path from the root (where a delete or a write is the worst), and the
 * reading calls the latter unclassified.
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
    if (Regexes.matches(path, "(?s)~[+-](/.*)?")) {
      unknownDir = true;
      changed = true;
      path = path.length() > 2 ? path.substring(2) : "";
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
      String joined = "/" + String.join("/", out);
      String proc = "/proc/[^/]+(/task/[^/]+)?";
      if (Regexes.matches(joined, "(?s)" + proc + "/root")) {
        out.clear();
        changed = true;
      } else if (more && (Regexes.matches(joined, "(?s)" + proc + "/(cwd|fd/[^/]+)")
          || Regexes.matches(joined, "(?s)/dev/(fd/[^/]+|stdin|stdout|stderr)"))) {
        out.clear();
        changed = true;
        unknownDir = true;
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

  /** The word with its path resolved ({@link #resolved}), or the word itself. */
  static Word word(Word w) {
    Resolved r = resolved(w.value());
    return r == null ? w : new Word(w.source(), r.value(), w.literal());
  }
}
