package dev.gatehouse.policy.shell;

import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * {@link String#matches}, {@link String#replaceFirst}, {@link String#replaceAll} and {@link
 * String#split} with the pattern compiled once: the judge asks hundreds of name and option
 * patterns per command, and compiling them on every call was over half its time. Same results as
 * the String methods. Only for the constant patterns written in this package's source, so the
 * cache holds a fixed, small set.
 */
final class Regexes {
  private static final ConcurrentHashMap<String, Pattern> COMPILED = new ConcurrentHashMap<>();

  private Regexes() {}

  private static Pattern compiled(String regex) {
    Pattern p = COMPILED.get(regex);
    return p != null ? p : COMPILED.computeIfAbsent(regex, Pattern::compile);
  }

  static boolean matches(String text, String regex) {
    return compiled(regex).matcher(text).matches();
  }

  static String replaceFirst(String text, String regex, String replacement) {
    return compiled(regex).matcher(text).replaceFirst(replacement);
  }

  static String replaceAll(String text, String regex, String replacement) {
    return compiled(regex).matcher(text).replaceAll(replacement);
  }

  static String[] split(String text, String regex) {
    return compiled(regex).split(text, 0);
  }
}
