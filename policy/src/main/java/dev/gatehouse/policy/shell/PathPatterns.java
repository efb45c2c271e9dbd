package dev.gatehouse.policy.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Paths written with brace expansion or pathname patterns, judged as every path they could stand
 * for. bash expands {@code /dev/sd{a..a}} to {@code /dev/sda} and {@code /etc/passw?} to
 * {@code /etc/passwd} before the command runs; the classes match paths by name, so a path is
 * brace-expanded here (as bash does, to a bounded number of words) and a pattern counts as a name
 * it could match, without looking at the file system: a sound over-approximation, never an
 * expansion that could miss a file.
 */
final class PathPatterns {
  private PathPatterns() {}

  /** More words than this from one brace expansion: the word could be anything. */
  static final int MAX_WORDS = 256;

  /** Whether {@code s} holds a pathname pattern character ({@code *}, {@code ?}, {@code [...]}). */
  static boolean hasGlob(String s) {
    if (EXTGLOB.matcher(s).find()) {
      return true;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '*' || c == '?' || c == '[' && s.indexOf(']', i + 1) > i + 1) {
        return true;
      }
    }
    return false;
  }

  /**
   * The words bash's brace expansion makes of {@code s} ({@code a{b,c}d}, {@code {1..3}},
   * {@code {a..c}}, nested); null when there would be more than {@link #MAX_WORDS}. Quoting is not
   * known here: a quoted brace is expanded too (more paths judged, never fewer).
   */
  static List<String> braces(String s) {
    List<String> out = new ArrayList<>();
    return expand(s, out, 0) ? out : null;
  }

  private static boolean expand(String s, List<String> out, int depth) {
    if (depth > 20) {
      return false;
    }
    int open = -1;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) != '{' || i > 0 && s.charAt(i - 1) == '$') {
        continue;
      }
      int close = matching(s, i);
      if (close < 0) {
        continue;
      }
      String inside = s.substring(i + 1, close);
      List<String> parts = topLevelCommas(inside);
      List<String> alts;
      if (parts.size() > 1) {
        alts = parts;
      } else {
        alts = sequence(inside);
        if (alts == null) {
          continue; // not an expansion ({x}, {}): literal braces
        }
      }
      if (alts.size() > MAX_WORDS) {
        return false;
      }
      open = i;
      String pre = s.substring(0, open);
      String post = s.substring(close + 1);
      for (String a : alts) {
        if (!expand(pre + a + post, out, depth + 1) || out.size() > MAX_WORDS) {
          return false;
        }
      }
      return true;
    }
    out.add(s);
    return out.size() <= MAX_WORDS;
  }

  private static int matching(String s, int open) {
    int depth = 0;
    for (int i = open; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return i;
      }
    }
    return -1;
  }

  private static List<String> topLevelCommas(String inside) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int from = 0;
    for (int i = 0; i < inside.length(); i++) {
      char c = inside.charAt(i);
      if (c == '{') {
        depth++;
      } else if (c == '}') {
        depth--;
      } else if (c == ',' && depth == 0) {
        parts.add(inside.substring(from, i));
        from = i + 1;
      }
    }
    parts.add(inside.substring(from));
    return parts;
  }

  private static final Pattern NUMBERS = Pattern.compile("([+-]?[0-9]+)\\.\\.([+-]?[0-9]+)(?:\\.\\.([+-]?[0-9]+))?");
  private static final Pattern LETTERS = Pattern.compile("([A-Za-z])\\.\\.([A-Za-z])(?:\\.\\.([+-]?[0-9]+))?");

  /** {@code 1..3}, {@code a..c}, with an optional step; null when {@code inside} is not one. */
  private static List<String> sequence(String inside) {
    Matcher n = NUMBERS.matcher(inside);
    Matcher l = LETTERS.matcher(inside);
    long from;
    long to;
    long step;
    boolean letters;
    if (n.matches()) {
      try {
        from = Long.parseLong(n.group(1));
        to = Long.parseLong(n.group(2));
        step = n.group(3) == null ? 1 : Math.abs(Long.parseLong(n.group(3)));
      } catch (NumberFormatException e) {
        return List.of("", "x".repeat(MAX_WORDS)); // too long: more words than judged
      }
      letters = false;
    } else if (l.matches()) {
      from = l.group(1).charAt(0);
      to = l.group(2).charAt(0);
      step = l.group(3) == null ? 1 : Math.abs(Long.parseLong(l.group(3)));
      letters = true;
    } else {
      return null;
    }
    if (step == 0) {
      step = 1;
    }
    List<String> out = new ArrayList<>();
    long count = Math.abs(to - from) / step + 1;
    if (count > MAX_WORDS) {
      for (int i = 0; i <= MAX_WORDS; i++) {
        out.add("");
      }
      return out;
    }
    for (long v = from; from <= to ? v <= to : v >= to; v += from <= to ? step : -step) {
      out.add(letters ? String.valueOf((char) v) : Long.toString(v));
    }
    return out;
  }

  /** An extglob pattern ({@code @(etc)}, {@code !(x)}, {@code +(…)}): matched as any name. */
  private static final Pattern EXTGLOB = Pattern.compile("[?*+@!]\\(");

  /**
   * A Java pattern for one pathname pattern: {@code *} and {@code ?} within one path component,
   * ignoring case ({@code nocaseglob}). As bash does by default, a pattern that starts with a
   * pattern character does not match a name starting with a dot ({@code shopt -s dotglob} and
   * {@code GLOBIGNORE}, which change that, are unclassified: see CommandReader).
   */
  static Pattern glob(String pattern) {
    if (EXTGLOB.matcher(pattern).find()) {
      return Pattern.compile("(?s).*");
    }
    StringBuilder re = new StringBuilder();
    if (!pattern.isEmpty() && "*?[".indexOf(pattern.charAt(0)) >= 0) {
      re.append("(?!\\.)");
    }
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '*') {
        re.append("[^/]*");
      } else if (c == '?') {
        re.append("[^/]");
      } else if (c == '[' && pattern.indexOf(']', i + 2) > 0) {
        int close = pattern.indexOf(']', i + 2);
        String set = pattern.substring(i + 1, close);
        boolean negate = set.startsWith("!") || set.startsWith("^");
        if (negate) {
          set = set.substring(1);
        }
        StringBuilder cls = new StringBuilder(negate ? "[^/" : "[");
        for (int k = 0; k < set.length(); k++) {
          char s = set.charAt(k);
          if (s == '-' && k > 0 && k + 1 < set.length()) {
            cls.append('-');
          } else if (Character.isLetterOrDigit(s)) {
            cls.append(s);
          } else {
            cls.append('\\').append(s);
          }
        }
        re.append(cls.append(']'));
        i = close;
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    try {
      return Pattern.compile(re.toString(), Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
    } catch (java.util.regex.PatternSyntaxException e) {
      return Pattern.compile("[^/]*"); // a class bash reads otherwise: any name
    }
  }

  /**
   * Whether {@code raw}, brace-expanded and then taken as a pathname pattern, could name a path
   * that {@code p} matches in full. A pattern counts when the literal part before its first
   * pattern character can be continued to a match ({@link Matcher#hitEnd}): what follows is not
   * looked at, so this may say yes where no such file could match, never no where one could.
   */
  static boolean couldMatch(Pattern p, String raw) {
    List<String> words = braces(raw);
    if (words == null) {
      return true;
    }
    for (String w : words) {
      String n = ShellClass.normalize(w);
      if (!hasGlob(n)) {
        if (p.matcher(n).matches()) {
          return true;
        }
        continue;
      }
      int first = firstGlob(n);
      if (first == 0 && !n.startsWith("/")) {
        continue; // a relative pattern expands to relative names, which no absolute path class matches
      }
      Matcher m = p.matcher(n.substring(0, first));
      if (m.matches() || m.hitEnd()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Like {@link #couldMatch}, for a pattern found anywhere in the path that names its last
   * component (history files): a pattern in the last component counts when some name the class
   * looks for could be written with its literal start and end.
   */
  static boolean couldFind(Pattern p, List<String> names, Pattern nameShape, String raw) {
    List<String> words = braces(raw);
    if (words == null) {
      return true;
    }
    for (String w : words) {
      String n = ShellClass.normalize(w);
      if (!hasGlob(n)) {
        if (p.matcher(n).find()) {
          return true;
        }
        continue;
      }
      int slash = n.lastIndexOf('/');
      String last = n.substring(slash + 1);
      if (!hasGlob(last)) {
        // A pattern in a directory: any directory could hold the file.
        if (p.matcher("/" + last).find() || last.equals("fish_history")) {
          return true;
        }
        continue;
      }
      Pattern g = glob(last);
      for (String name : names) {
        if (g.matcher(name).matches()) {
          return true;
        }
      }
      String start = last.substring(0, firstGlob(last));
      if (start.isEmpty()) {
        continue; // starts with a pattern character: no dot name, and every other name was tried above
      }
      int end = lastGlob(last);
      String tail = last.substring(end + 1);
      Matcher m = nameShape.matcher(start);
      boolean startFits = m.matches() || m.hitEnd();
      boolean tailFits = tail.isEmpty() || names.stream().anyMatch(x -> x.endsWith(tail)) || tail.endsWith("_history");
      if (startFits && tailFits) {
        return true;
      }
    }
    return false;
  }

  private static int firstGlob(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '*' || c == '?' || c == '[' && s.indexOf(']', i + 1) > i + 1
          || (c == '@' || c == '!' || c == '+') && i + 1 < s.length() && s.charAt(i + 1) == '(') {
        return i;
      }
    }
    return s.length();
  }

  private static int lastGlob(String s) {
    for (int i = s.length() - 1; i >= 0; i--) {
      char c = s.charAt(i);
      if (c == '*' || c == '?' || c == ']' && s.lastIndexOf('[', i - 1) >= 0) {
        return i;
      }
    }
    return -1;
  }

  /** Whether the pathname pattern {@code component} could match one of {@code names}. */
  static boolean componentCouldBe(String component, java.util.Collection<String> names) {
    if (!hasGlob(component)) {
      return names.contains(component);
    }
    Pattern g = glob(component);
    return names.stream().anyMatch(x -> g.matcher(x).matches());
  }
}
