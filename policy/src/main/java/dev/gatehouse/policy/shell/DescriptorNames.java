package dev.gatehouse.policy.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The names through which a process reaches an open descriptor: {@code /dev/fd/N}, {@code
 * /dev/stdin}, {@code /dev/stdout}, {@code /dev/stderr}, {@code /proc/self/fd/N} ({@code
 * thread-self}, {@code task/T/}) and {@code /proc/PID/fd/N}. On Linux bash opens these with {@code
 * open(2)} like any file, and the kernel follows the magic link to the file the descriptor was
 * opened on and opens that file afresh, with the redirection's own flags: {@code 3<FILE >/dev/fd/3}
 * writes FILE, although descriptor 3 was opened for reading. And a name with components after the
 * descriptor ({@code /dev/fd/3/../7}) is resolved in the directory the descriptor is, not by its
 * letters.
 */
final class DescriptorNames {
  private DescriptorNames() {}

  /**
   * A descriptor reached by name.
   *
   * @param descriptor its number
   * @param own whether it is the process's own descriptor ({@code /dev/fd}, {@code /proc/self});
   *     false for {@code /proc/PID/fd/N}, which may be another process's (or the shell's own, by its PID)
   * @param beyond the components after the descriptor ({@code ../7}), empty when there are none
   */
  record Named(int descriptor, boolean own, String beyond) {}

  /**
   * The descriptor an absolute {@code path} names, read component by component as the kernel does
   * up to the descriptor ({@code /dev/./fd/3} is {@code /dev/fd/3}), or empty.
   */
  static Optional<Named> of(String path) {
    if (!path.startsWith("/")) {
      return Optional.empty();
    }
    String[] parts = Regexes.split(path.substring(1), "/+");
    List<String> prefix = new ArrayList<>();
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (!prefix.isEmpty()) {
          prefix.remove(prefix.size() - 1);
        }
        continue;
      }
      prefix.add(part);
      Optional<Named> named = named(prefix, String.join("/", java.util.Arrays.asList(parts).subList(i + 1, parts.length)));
      if (named.isPresent()) {
        return named;
      }
    }
    return Optional.empty();
  }

  private static Optional<Named> named(List<String> p, String rest) {
    String joined = "/" + String.join("/", p);
    String beyond = Regexes.replaceFirst(rest, "^/+", "");
    if (Regexes.matches(joined, "/dev/fd/[0-9]+")) {
      return Optional.of(new Named(number(p.get(2)), true, beyond));
    }
    switch (joined) {
      case "/dev/stdin" -> {
        return Optional.of(new Named(0, true, beyond));
      }
      case "/dev/stdout" -> {
        return Optional.of(new Named(1, true, beyond));
      }
      case "/dev/stderr" -> {
        return Optional.of(new Named(2, true, beyond));
      }
      default -> {
        // /proc/self/fd/N, /proc/thread-self/fd/N, /proc/PID/fd/N, /proc/PID/task/TID/fd/N
        if (Regexes.matches(joined, "/proc/[^/]+/(task/[^/]+/)?fd/[0-9]+")) {
          String pid = p.get(1);
          boolean own = (pid.equals("self") || pid.equals("thread-self"));
          return Optional.of(new Named(number(p.get(p.size() - 1)), own, beyond));
        }
        return Optional.empty();
      }
    }
  }

  /** A descriptor's digits; a number too large for one is no open descriptor (-1). */
  private static int number(String digits) {
    try {
      return Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
