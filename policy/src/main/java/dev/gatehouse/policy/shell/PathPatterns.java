package dev.gatehouse.policy.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
    int open = s.indexOf('[');
    // A [ with a ] anywhere after it, as bash takes a pattern ([].-] is one: a leading ] is a member).
    return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || open >= 0 && s.lastIndexOf(']') > open;
  }

  /**
   * The words bash's brace expansion makes of the value {@code s} ({@code a{b,c}d}, {@code {1..3}},
   * {@code {01..03}}, {@code {a..c}}, nested, as bash reads them: {@link BraceExpansion#ofValue});
   * null when there would be more than {@link #MAX_WORDS}. Quoting is not known here: a quoted
   * brace is expanded too (more paths judged, never fewer).
   */
  static List<String> braces(String s) {
    return BraceExpansion.ofValue(s);
  }

  /** More {@code [} than this in one pattern: it is read as any name (bounds the work on a long word). */
  static final int MAX_BRACKETS = 64;

  /**
   * Where the bracket expression opening at {@code open} ends, read as bash reads one ({@code
   * lib/glob/sm_loop.c} BRACKMATCH, POSIX XCU 2.13.1): after the {@code [} and an optional {@code !}
   * or {@code ^}, a {@code ]} is a member, not the end ({@code [].-]} is one of {@code ] . -},
   * {@code [!]]} any character but {@code ]}); a {@code [:class:]}, {@code [=c=]} or {@code [.c.]}
   * inside holds a {@code ]} of its own; a backslash quotes the next character. -1 when it has no
   * end, or a {@code /} comes first (bash matches a pathname one component at a time): bash then
   * reads the {@code [} as itself. One pass: each kind of inner element's end is searched forward once.
   */
  static int bracketEnd(String s, int open) {
    int slash = s.indexOf('/', open);
    int componentEnd = slash < 0 ? s.length() : slash;
    int[] elementEnds = {-1, -1, -1}; // the last found end of [: [= [. (-2: none further on)
    int i = open + 1;
    if (i < componentEnd && (s.charAt(i) == '!' || s.charAt(i) == '^')) {
      i++;
    }
    if (i < componentEnd && s.charAt(i) == ']') {
      i++;
    }
    while (i < componentEnd) {
      char c = s.charAt(i);
      if (c == ']') {
        return i;
      }
      if (c == '\\') {
        i += 2;
        continue;
      }
      int close = c == '[' ? elementEnd(s, i, elementEnds) : -1;
      i = close > 0 && close < componentEnd ? close + 2 : i + 1;
    }
    return -1;
  }

  /** Where the {@code :]}, {@code =]} or {@code .]} ending an element {@code [:…:]} opened at {@code at} is, or -1. */
  private static int elementEnd(String s, int at, int[] found) {
    int kind = at + 1 < s.length() ? ":=.".indexOf(s.charAt(at + 1)) : -1;
    if (kind < 0 || found[kind] == -2) {
      return -1;
    }
    if (found[kind] < at + 2) {
      int close = s.indexOf(s.charAt(at + 1) + "]", at + 2);
      found[kind] = close < 0 ? -2 : close;
    }
    return found[kind] < 0 ? -1 : found[kind];
  }

  /**
   * {@code pattern} with each bracket expression (read by {@link #bracketEnd}) replaced by {@code
   * ?}: one character, maybe not any literal the set holds. Null when it has more than {@link
   * #MAX_BRACKETS} {@code [}.
   */
  static String bracketsAsAnyCharacter(String pattern) {
    StringBuilder out = new StringBuilder(pattern.length());
    int brackets = 0;
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c != '[') {
        out.append(c);
        continue;
      }
      if (++brackets > MAX_BRACKETS) {
        return null;
      }
      int end = bracketEnd(pattern, i);
      if (end < 0) {
        out.append(c);
      } else {
        out.append('?');
        i = end;
      }
    }
    return out.toString();
  }

  /** Classes that hold {@code -} (and every other punctuation character), and those that hold none. */
  private static final Set<String> PUNCTUATION_CLASSES = Set.of("punct", "graph", "print");
  private static final Set<String> OTHER_CLASSES = Set.of("alpha", "digit", "alnum", "upper", "lower", "space", "blank",
      "cntrl", "xdigit");

  /**
   * Whether a name {@code pattern} matches may start with {@code ch}, a punctuation character
   * ({@code -}): a leading {@code *} or {@code ?}, a leading bracket whose set may hold it (a member,
   * a range around it by code point, as bash 5.2's default {@code globasciiranges} and glibc order
   * ranges, {@code [:punct:]}, {@code [:graph:]}, {@code [:print:]}, {@code [=-=]}, {@code [.-.]};
   * what is not read here, a named collating element or an unknown class, may; negated, a set
   * that does not surely hold it), or {@code ch} itself.
   */
  static boolean mayStartWith(String pattern, char ch) {
    if (pattern.isEmpty()) {
      return false;
    }
    char first = pattern.charAt(0);
    if (first == '*' || first == '?' || EXTGLOB.matcher(pattern).lookingAt()) {
      return true;
    }
    int end = first == '[' ? bracketEnd(pattern, 0) : -1;
    if (end < 0) {
      return first == ch;
    }
    boolean negated = pattern.charAt(1) == '!' || pattern.charAt(1) == '^';
    int[] elementEnds = {-1, -1, -1};
    boolean member = false;
    boolean unsure = false;
    int i = negated ? 2 : 1;
    if (pattern.charAt(i) == ']') {
      member = ch == ']';
      i++;
    }
    while (i < end) {
      char c = pattern.charAt(i);
      int close = c == '[' ? elementEnd(pattern, i, elementEnds) : -1;
      if (close > 0 && close < end) {
        String name = pattern.substring(i + 2, close);
        if (pattern.charAt(i + 1) == ':') {
          member |= PUNCTUATION_CLASSES.contains(name);
          unsure |= !PUNCTUATION_CLASSES.contains(name) && !OTHER_CLASSES.contains(name);
        } else {
          member |= name.equals(String.valueOf(ch));
          unsure |= name.length() != 1; // a named collating element ([.hyphen.]): not read here
        }
        unsure |= close + 3 < end && pattern.charAt(close + 2) == '-'; // a range from it
        i = close + 2;
        continue;
      }
      char low = c == '\\' && i + 1 < end ? pattern.charAt(++i) : c;
      if (i + 2 < end && pattern.charAt(i + 1) == '-') {
        char high = pattern.charAt(i + 2);
        unsure |= high == '[' || high == '\\'; // a range up to an element or a quoted character: not read here
        member |= low <= ch && ch <= high;
        i += 3;
      } else {
        member |= low == ch;
        i++;
      }
    }
    return unsure || member != negated;
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
