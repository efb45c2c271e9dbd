package dev.gatehouse.policy;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

/**
 * Finds sensitive values by their content, the second net after masking by column: {@code email},
 * {@code credit-card} (Luhn-checked), {@code iban} (mod-97-checked), {@code api-key} (AWS, GitHub,
 * GitLab, Slack, Stripe, Google, OpenAI-style keys, and high-entropy values after {@code
 * api_key=}, {@code token:}, {@code secret=}...), {@code private-key} (a PEM {@code BEGIN ...
 * PRIVATE KEY} block, to its END or to the end of the text) and {@code jwt}. RE2/J: matching time
 * is linear in the text, whatever the text.
 */
public final class ContentDetectors {
  /** Every detector name, in the order they run. */
  public static final List<String> NAMES = List.of("email", "credit-card", "iban", "api-key", "private-key", "jwt");

  @FunctionalInterface
  private interface Detector {
    /** Adds the {@code [start, end)} ranges of {@code text} to mask. */
    void find(String text, List<int[]> ranges);
  }

  private static final Pattern EMAIL =
      Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\\.[A-Za-z]{2,}");
  private static final Pattern CARD = Pattern.compile("\\b(?:\\d[ -]?){12,18}\\d\\b");
  private static final Pattern IBAN = Pattern.compile("\\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}\\b");
  private static final Pattern KEY_TOKENS =
      Pattern.compile(
          "\\b(?:(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16}"
              + "|gh[pousr]_[A-Za-z0-9]{36,255}"
              + "|github_pat_[A-Za-z0-9_]{22,255}"
              + "|glpat-[A-Za-z0-9_-]{20,}"
              + "|xox[abposr]-[A-Za-z0-9-]{10,}"
              + "|[sr]k_live_[A-Za-z0-9]{16,}"
              + "|AIza[0-9A-Za-z_-]{35}"
              + "|sk-[A-Za-z0-9_-]{20,})");
  private static final String KEY_WORDS =
      "(?:api[_-]?key|apikey|access[_-]?key(?:[_-]?id)?|secret[_-]?(?:access[_-]?)?key|client[_-]?secret"
          + "|access[_-]?token|auth[_-]?token|refresh[_-]?token|bearer|secret|token|password|passwd)";
  private static final Pattern KEY_ASSIGNMENT =
      Pattern.compile("(?i)" + KEY_WORDS + "[\"']?\\s*[:=]\\s*[\"']?([A-Za-z0-9_\\-./+=~]{16,})");
  /** A key word of {@link #KEY_ASSIGNMENT} ending the text (for {@link #assignmentMayContinue}). */
  private static final Pattern KEY_WORD_AT_END = Pattern.compile("(?i)" + KEY_WORDS + "\\z");
  private static final Pattern PRIVATE_KEY_END = Pattern.compile("-----END [A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----\\z");
  private static final Pattern PRIVATE_KEY =
      Pattern.compile("-----BEGIN [A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----(?s:.*?)(?:-----END [A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----|\\z)");
  private static final Pattern JWT = Pattern.compile("\\beyJ[A-Za-z0-9_-]{5,}\\.eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]*");

  private final List<String> names;
  private final List<Detector> detectors;

  private ContentDetectors(List<String> names, List<Detector> detectors) {
    this.names = names;
    this.detectors = detectors;
  }

  /** The named detectors; an unknown name is an {@link IllegalArgumentException}. */
  public static ContentDetectors of(List<String> names) {
    return of(names, true);
  }

  /**
   * With {@code prefilter}, each pattern runs only on texts holding what every match of it must
   * hold (an {@code @}, enough digits, a literal prefix, a key word): RE2/J scans without a DFA, at
   * a few MB/s for patterns with no literal start, and most values hold none of these. Without it
   * (for the test that proves the two agree) every pattern always runs.
   */
  static ContentDetectors of(List<String> names, boolean prefilter) {
    List<Detector> ds = new ArrayList<>();
    for (String n : names) {
      Detector d =
          switch (n) {
            case "email" -> (t, r) -> all(EMAIL, t, r);
            case "credit-card" -> ContentDetectors::cards;
            case "iban" -> ContentDetectors::ibans;
            case "api-key" -> (t, r) -> {
              int hints = prefilter ? keyHints(t) : KEY_TOKEN | KEY_ASSIGNMENT_HINT;
              if (!prefilter) {
                all(KEY_TOKENS, t, r);
              } else if ((hints & KEY_TOKEN) != 0) {
                keyTokensInRuns(t, r);
              }
              if ((hints & KEY_ASSIGNMENT_HINT) != 0) {
                assignments(t, r);
              }
            };
            case "private-key" -> (t, r) -> all(PRIVATE_KEY, t, r);
            case "jwt" -> ContentDetectors::jwts;
            default -> throw new IllegalArgumentException(
                "'" + n + "' is no content detector (" + String.join(", ", NAMES) + ")");
          };
      if (prefilter) {
        Detector full = d;
        d =
            switch (n) {
              case "email" -> ContentDetectors::emailsAroundAts;
              case "credit-card" -> (t, r) -> {
                if (asciiDigits(t, 13)) {
                  cardsInRuns(t, r);
                }
              };
              case "iban" -> (t, r) -> {
                if (asciiDigits(t, 2)) {
                  inRuns(t, r, ContentDetectors::ibanRunEnd, 15, ContentDetectors::ibans);
                }
              };
              case "private-key" -> (t, r) -> {
                if (t.contains("-----BEGIN ")) {
                  full.find(t, r);
                }
              };
              case "jwt" -> (t, r) -> {
                if (t.contains("eyJ")) {
                  full.find(t, r);
                }
              };
              default -> full;
            };
      }
      ds.add(d);
    }
    return new ContentDetectors(List.copyOf(names), List.copyOf(ds));
  }

  // ---- prefilters: conditions every match of a pattern meets (RE2's \d is ASCII only) -------------
  //
  // RE2/J runs without a DFA, so a pattern with no literal start costs microseconds per character
  // of text scanned. Where every match lies within a run of a few kinds of characters, the pattern
  // runs only on the runs that can hold a match, each with one character of context on either
  // side (what its \b reads). A match never crosses a run's end, and the search after a match goes
  // on from its end in the run as it would in the whole text, so the matches are the same.

  /** Where a run starting at i ends (exclusive), and how many of its characters count. */
  @FunctionalInterface
  private interface RunEnd {
    /** Returns {@code end << 32 | counted}. */
    long at(String t, int i);
  }

  private static boolean digit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean upperOrDigit(char c) {
    return c >= 'A' && c <= 'Z' || digit(c);
  }

  /** {@code \d(?:[ -]?\d)*}: what a card match is made of; counts the digits. */
  private static long cardRunEnd(String t, int i) {
    if (!digit(t.charAt(i))) {
      return -1;
    }
    int n = t.length();
    int j = i + 1;
    int digits = 1;
    while (true) {
      if (j < n && digit(t.charAt(j))) {
        j++;
      } else if (j + 1 < n && (t.charAt(j) == ' ' || t.charAt(j) == '-') && digit(t.charAt(j + 1))) {
        j += 2;
      } else {
        break;
      }
      digits++;
    }
    return (long) j << 32 | digits;
  }

  /** {@code [A-Z0-9](?: ?[A-Z0-9])*}: what an IBAN match is made of; counts the characters. */
  private static long ibanRunEnd(String t, int i) {
    if (!upperOrDigit(t.charAt(i))) {
      return -1;
    }
    int n = t.length();
    int j = i + 1;
    int count = 1;
    while (true) {
      if (j < n && upperOrDigit(t.charAt(j))) {
        j++;
      } else if (j + 1 < n && t.charAt(j) == ' ' && upperOrDigit(t.charAt(j + 1))) {
        j += 2;
      } else {
        break;
      }
      count++;
    }
    return (long) j << 32 | count;
  }

  /** Runs {@code find} on each run holding at least {@code least} counted characters, with context. */
  private static void inRuns(String t, List<int[]> ranges, RunEnd runs, int least, Detector find) {
    int n = t.length();
    int i = 0;
    while (i < n) {
      long run = runs.at(t, i);
      if (run < 0) {
        i++;
        continue;
      }
      int end = (int) (run >>> 32);
      if ((int) run >= least) {
        int from = Math.max(0, i - 1);
        int to = Math.min(n, end + 1);
        int before = ranges.size();
        find.find(t.substring(from, to), ranges);
        shift(ranges, before, from);
      }
      i = end;
    }
  }

  /**
   * {@link #cardsWithoutRegex} on each run of {@link #cardRunEnd} with at least 13 digits, with one
   * character of context on either side: {@link #inRuns} for cards, read in place (no copies).
   */
  private static void cardsInRuns(String t, List<int[]> ranges) {
    int n = t.length();
    int i = 0;
    while (i < n) {
      if (!digit(t.charAt(i))) {
        i++;
        continue;
      }
      long run = cardRunEnd(t, i);
      int end = (int) (run >>> 32);
      if ((int) run >= 13) {
        cardsWithoutRegex(t, Math.max(0, i - 1), Math.min(n, end + 1), ranges);
      }
      i = end;
    }
  }

  private static void shift(List<int[]> ranges, int from, int by) {
    for (int k = from; k < ranges.size(); k++) {
      int[] r = ranges.get(k);
      r[0] += by;
      r[1] += by;
    }
  }

  private static boolean tokenChar(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || digit(c) || c == '_' || c == '-';
  }

  /**
   * {@link #KEY_TOKENS} on each run of {@code [A-Za-z0-9_-]} (what every token is made of) of at
   * least 15 characters (the shortest token, {@code xoxb-} and ten) that holds a token's literal.
   */
  private static void keyTokensInRuns(String t, List<int[]> ranges) {
    int n = t.length();
    int i = 0;
    while (i < n) {
      if (!tokenChar(t.charAt(i))) {
        i++;
        continue;
      }
      int end = i + 1;
      while (end < n && tokenChar(t.charAt(end))) {
        end++;
      }
      if (end - i >= 15) {
        String run = t.substring(i, end);
        if (mayHoldKeyToken(run)) {
          int from = Math.max(0, i - 1);
          int before = ranges.size();
          all(KEY_TOKENS, t.substring(from, Math.min(n, end + 1)), ranges);
          shift(ranges, before, from);
        }
      }
      i = end;
    }
  }

  /**
   * Where {@link #EMAIL} ends when its domain starts at {@code from} of a run of domain characters
   * ending at {@code end}, or -1: what RE2's leftmost-first search picks, without running it (the
   * NFA costs microseconds a value). The labels of {@code (?:\.label)*} are whole dot-separated
   * segments (each is followed by a dot), so greedy means: as many leading segments as are valid
   * labels (alphanumeric at both ends, hyphens inside) with a segment after them that starts with
   * two letters, which the final {@code \.[A-Za-z]{2,}} takes with all its leading letters.
   */
  static int emailDomainEnd(String t, int from, int end) {
    // Segment j may be the final label when j >= 1 and segments 0..j-1 are all valid labels: the
    // last such segment that starts with two letters wins. One pass, no lists.
    int best = -1;
    int s = from;
    int j = 0;
    for (int i = from; i <= end; i++) {
      if (i == end || t.charAt(i) == '.') {
        if (j >= 1) {
          int k = s;
          while (k < i && asciiLetter(t.charAt(k))) {
            k++;
          }
          if (k - s >= 2) {
            best = k;
          }
        }
        if (!validLabel(t, s, i)) {
          break; // no later segment has only valid labels before it
        }
        s = i + 1;
        j++;
      }
    }
    return best;
  }

  private static boolean asciiLetter(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
  }

  private static boolean validLabel(String t, int start, int end) {
    if (end <= start) {
      return false;
    }
    char first = t.charAt(start);
    char last = t.charAt(end - 1);
    return first != '-' && last != '-'; // the segment holds only letters, digits and hyphens
  }

  /**
   * {@link #CARD} and the Luhn check on one run of digits with single separators, without the
   * regex: from each start where {@code \b} holds (the text's start, or after a character that is
   * not a word character), greedy {@code {12,18}} takes the most digits, 13 to 19, whose last is
   * followed by a non-word character or the end; the search goes on after the match, Luhn or not.
   */
  static void cardsWithoutRegex(String t, List<int[]> ranges) {
    cardsWithoutRegex(t, 0, t.length(), ranges);
  }

  /** {@link #cardsWithoutRegex(String, List)} on {@code t[lo, hi)} as if it were the whole text. */
  private static void cardsWithoutRegex(String t, int lo, int hi, List<int[]> ranges) {
    int n = hi;
    int i = lo;
    while (i < n) {
      if (!digit(t.charAt(i)) || i > lo && wordChar(t.charAt(i - 1))) {
        i++;
        continue;
      }
      // digit ends: positions after the 1st, 2nd... digit of the run from i
      int best = -1;
      int digits = 0;
      int j = i;
      while (j < n && digit(t.charAt(j)) && digits < 19) {
        digits++;
        j++;
        if (digits >= 13 && (j == n || !wordChar(t.charAt(j)))) {
          best = j;
        }
        if (j + 1 < n && (t.charAt(j) == ' ' || t.charAt(j) == '-') && digit(t.charAt(j + 1))) {
          j++;
        }
      }
      if (best < 0) {
        i++;
        continue;
      }
      if (luhn(t, i, best)) {
        ranges.add(new int[] {i, best});
      }
      i = best;
    }
  }

  private static boolean wordChar(char c) {
    return asciiLetter(c) || digit(c) || c == '_';
  }

  private static boolean localChar(char c) {
    return tokenChar(c) || c == '.' || c == '%' || c == '+';
  }

  private static boolean domainChar(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || digit(c) || c == '.' || c == '-';
  }

  /**
   * {@link #EMAIL} around each {@code @}: a match holds exactly one, its local part is a run of
   * local-part characters before it (from the end of the previous match at the earliest, where the
   * whole-text search would go on) and its domain a run of domain characters after it.
   */
  private static void emailsAroundAts(String t, List<int[]> ranges) {
    int n = t.length();
    int lastEnd = 0;
    int at = t.indexOf('@');
    while (at >= 0) {
      int s = at;
      while (s > lastEnd && localChar(t.charAt(s - 1))) {
        s--;
      }
      int e = at + 1;
      while (e < n && domainChar(t.charAt(e))) {
        e++;
      }
      if (s < at && e - at > 4) {
        int end = emailDomainEnd(t, at + 1, e);
        if (end > 0) {
          ranges.add(new int[] {s, end});
          lastEnd = end;
        }
      }
      at = t.indexOf('@', Math.max(at + 1, lastEnd));
    }
  }

  private static boolean asciiDigits(String t, int atLeast) {
    int n = 0;
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c >= '0' && c <= '9' && ++n >= atLeast) {
        return true;
      }
    }
    return false;
  }

  /** Every alternative of {@link #KEY_TOKENS} holds one of these (the pattern is case-sensitive). */
  private static final List<String> KEY_TOKEN_LITERALS =
      List.of("AKIA", "ASIA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "gh", "github_pat_", "glpat-",
          "xox", "k_live_", "AIza", "sk-");

  static boolean mayHoldKeyToken(String t) {
    for (int i = 0; i < t.length(); i++) {
      if (keyTokenAt(t, i)) {
        return true;
      }
    }
    return false;
  }

  /** Whether one of {@link #KEY_TOKEN_LITERALS} starts at {@code i}. */
  private static boolean keyTokenAt(String t, int i) {
    // Trying only the literals that start with the character at hand.
    char c = t.charAt(i);
    if (c == 'A' || c == 'g' || c == 'x' || c == 'k' || c == 's') {
      char next = i + 1 < t.length() ? t.charAt(i + 1) : 0;
      // the second character first: AK AS AG AI AR AN, gh gi gl, xo, k_, sk
      if (c == 'A' && "KSGIRN".indexOf(next) < 0 || c == 'g' && next != 'h' && next != 'i' && next != 'l'
          || c == 'x' && next != 'o' || c == 'k' && next != '_' || c == 's' && next != 'k') {
        return false;
      }
      for (String l : KEY_TOKEN_LITERALS) {
        if (l.charAt(0) == c && t.startsWith(l, i)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Every key word of {@link #KEY_ASSIGNMENT} holds one of these. */
  private static final String[] KEY_ROOTS = {"key", "secret", "token", "bearer", "passw"};

  /**
   * A {@code :} or {@code =} and one of the key words' roots, compared without case as Java does
   * ({@code regionMatches} with {@code ignoreCase}), which folds at least what RE2's {@code (?i)}
   * folds: Java also maps the Kelvin sign to k, the long s to s and the dotted and dotless i to i.
   */
  static boolean mayHoldKeyAssignment(String t) {
    if (t.indexOf(':') < 0 && t.indexOf('=') < 0) {
      return false;
    }
    for (int i = 0; i < t.length(); i++) {
      if (keyRootAt(t, i)) {
        return true;
      }
    }
    return false;
  }

  /** Whether one of {@link #KEY_ROOTS} starts at {@code i}, compared as {@link #mayHoldKeyAssignment} does. */
  private static boolean keyRootAt(String t, int i) {
    char c = t.charAt(i);
    if (c >= 128) {
      for (String root : KEY_ROOTS) {
        if (t.regionMatches(true, i, root, 0, root.length())) {
          return true;
        }
      }
      return false;
    }
    // each root starts with its own letter: at most one comparison per character
    String root = switch (c | 0x20) {
      case 'k' -> "key";
      case 's' -> "secret";
      case 't' -> "token";
      case 'b' -> "bearer";
      case 'p' -> "passw";
      default -> null;
    };
    // a root's second letter is e, o or a, which no other character folds to: compare it first
    return root != null && i + 1 < t.length() && (t.charAt(i + 1) | 0x20) == root.charAt(1)
        && t.regionMatches(true, i, root, 0, root.length());
  }

  /** {@link #keyHints} bits: {@link #mayHoldKeyToken}, and {@link #mayHoldKeyAssignment}. */
  private static final int KEY_TOKEN = 1;
  private static final int KEY_ASSIGNMENT_HINT = 2;
  private static final int KEY_SEPARATOR = 4;

  /** What each ASCII character may start or be, in {@link #keyHints}' bits. */
  private static final byte[] KEY_HINT = new byte[128];

  static {
    for (char c : "Agxks".toCharArray()) {
      KEY_HINT[c] |= KEY_TOKEN;
    }
    for (char c : "kstbpKSTBP".toCharArray()) {
      KEY_HINT[c] |= KEY_ASSIGNMENT_HINT;
    }
    KEY_HINT[':'] |= KEY_SEPARATOR;
    KEY_HINT['='] |= KEY_SEPARATOR;
  }

  /**
   * {@link #mayHoldKeyToken} and {@link #mayHoldKeyAssignment} in one pass over {@code t}: a
   * table lookup per character, the comparisons only where a literal or a root may start.
   */
  static int keyHints(String t) {
    int n = t.length();
    int found = 0;
    for (int i = 0; i < n && found != (KEY_TOKEN | KEY_ASSIGNMENT_HINT | KEY_SEPARATOR); i++) {
      char c = t.charAt(i);
      int h = c < 128 ? KEY_HINT[c] : KEY_ASSIGNMENT_HINT;
      if (h == 0) {
        continue;
      }
      if ((h & KEY_SEPARATOR) != 0) {
        found |= KEY_SEPARATOR;
      }
      if ((h & KEY_TOKEN) != 0 && (found & KEY_TOKEN) == 0 && keyTokenAt(t, i)) {
        found |= KEY_TOKEN;
      }
      if ((h & KEY_ASSIGNMENT_HINT) != 0 && (found & KEY_ASSIGNMENT_HINT) == 0 && keyRootAt(t, i)) {
        found |= KEY_ASSIGNMENT_HINT;
      }
    }
    boolean assignment = (found & (KEY_ASSIGNMENT_HINT | KEY_SEPARATOR)) == (KEY_ASSIGNMENT_HINT | KEY_SEPARATOR);
    return (found & KEY_TOKEN) | (assignment ? KEY_ASSIGNMENT_HINT : 0);
  }

  public List<String> names() {
    return names;
  }

  /** Whether any detector finds something in {@code text}. */
  public boolean matches(String text) {
    if (text == null || text.isEmpty()) {
      return false;
    }
    List<int[]> ranges = new ArrayList<>();
    for (Detector d : detectors) {
      d.find(text, ranges);
      if (!ranges.isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** {@code text} with every detected value replaced by its masked form. */
  public String mask(String text, MaskForm form) {
    if (text == null || text.isEmpty() || detectors.isEmpty()) {
      return text;
    }
    List<int[]> values = values(text);
    if (values.isEmpty()) {
      return text;
    }
    StringBuilder b = new StringBuilder(text.length());
    int pos = 0;
    for (int[] v : values) {
      b.append(text, pos, v[0]).append(form.apply(text.substring(v[0], v[1])));
      pos = v[1];
    }
    return b.append(text, pos, text.length()).toString();
  }

  /**
   * The values to mask in {@code text}, in order and apart: {@code [start, end, detector]} where
   * overlapping finds of several detectors are one value, named after the detector of its first
   * find ({@code detector} indexes {@link #names()}).
   */
  List<int[]> values(String text) {
    // sized for a value every few dozen characters (bulk output full of values), so it rarely grows
    List<int[]> ranges = new ArrayList<>(Math.min(1024, 8 + text.length() / 16));
    for (int i = 0; i < detectors.size(); i++) {
      int before = ranges.size();
      detectors.get(i).find(text, ranges);
      for (int k = before; k < ranges.size(); k++) {
        int[] r = ranges.get(k);
        ranges.set(k, new int[] {r[0], r[1], i});
      }
    }
    if (ranges.isEmpty()) {
      return ranges;
    }
    ranges.sort(Comparator.comparingInt((int[] r) -> r[0]).thenComparingInt(r -> -r[1]));
    List<int[]> values = new ArrayList<>(ranges.size());
    int pos = 0;
    int k = 0;
    while (k < ranges.size()) {
      int start = ranges.get(k)[0];
      int end = ranges.get(k)[1];
      int detector = ranges.get(k)[2];
      k++;
      while (k < ranges.size() && ranges.get(k)[0] < end) {
        end = Math.max(end, ranges.get(k)[1]);
        k++;
      }
      if (start < pos) {
        start = pos;
      }
      values.add(new int[] {start, end, detector});
      pos = end;
    }
    return values;
  }

  // ---- where a stream may be cut (OutputMasker) ----------------------------------------------------

  /**
   * Whether a value could run on from {@code text[..end)} when {@code text[end - 1]} is white
   * space: only an {@code api-key} assignment can ({@code token:} and its value may stand on
   * different lines), so this asks whether the text up to {@code end} ends in a key word, an
   * optional quote, white space and at most one {@code :} or {@code =} with white space after it.
   */
  static boolean assignmentMayContinue(CharSequence text, int end) {
    int j = end;
    while (j > 0 && isSpace(text.charAt(j - 1))) {
      j--;
    }
    if (j > 0 && (text.charAt(j - 1) == ':' || text.charAt(j - 1) == '=')) {
      j--;
      while (j > 0 && isSpace(text.charAt(j - 1))) {
        j--;
      }
    }
    if (j > 0 && (text.charAt(j - 1) == '"' || text.charAt(j - 1) == '\'')) {
      j--;
    }
    // Every key word ends in y, d, t, n or r, letters RE2's (?i) folds only to their other case.
    if (j == 0 || "ydtnrYDTNR".indexOf(text.charAt(j - 1)) < 0) {
      return false;
    }
    int from = Math.max(0, j - 32); // the longest key word is 20 characters
    return KEY_WORD_AT_END.matcher(text.subSequence(from, j)).find();
  }

  /** RE2's {@code \s}. */
  static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
  }

  /**
   * The {@code [start, end]} spans of the {@code private-key} detector's matches in {@code text};
   * a block with no END line yet ends at {@link Integer#MAX_VALUE} (it runs on past the text).
   */
  static List<int[]> privateKeyBlocks(String text) {
    List<int[]> blocks = new ArrayList<>();
    if (!text.contains("-----BEGIN ")) {
      return blocks;
    }
    Matcher m = PRIVATE_KEY.matcher(text);
    while (m.find()) {
      boolean closed = PRIVATE_KEY_END.matcher(m.group()).find();
      blocks.add(new int[] {m.start(), closed ? m.end() : Integer.MAX_VALUE});
    }
    return blocks;
  }

  /** The BEGIN line of a private-key block starting at {@code start} of {@code text}. */
  static String privateKeyHeader(String text, int start) {
    Matcher m = PRIVATE_KEY_HEADER.matcher(text.substring(start));
    return m.lookingAt() ? m.group() : "";
  }

  private static final Pattern PRIVATE_KEY_HEADER = Pattern.compile("-----BEGIN [A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----");

  // ---- detectors ---------------------------------------------------------------------------------

  private static void all(Pattern p, String text, List<int[]> ranges) {
    Matcher m = p.matcher(text);
    while (m.find()) {
      ranges.add(new int[] {m.start(), m.end()});
    }
  }

  private static void cards(String text, List<int[]> ranges) {
    Matcher m = CARD.matcher(text);
    while (m.find()) {
      String digits = m.group().replace(" ", "").replace("-", "");
      if (digits.length() >= 13 && digits.length() <= 19 && luhn(digits)) {
        ranges.add(new int[] {m.start(), m.end()});
      }
    }
  }

  /** {@link #luhn(String)} of the digits of {@code t[from, to)}, its blanks and hyphens left out. */
  private static boolean luhn(String t, int from, int to) {
    int sum = 0;
    boolean twice = false;
    for (int i = to - 1; i >= from; i--) {
      char c = t.charAt(i);
      if (c == ' ' || c == '-') {
        continue;
      }
      int d = c - '0';
      if (d < 0 || d > 9) {
        return false;
      }
      if (twice) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      twice = !twice;
    }
    return sum % 10 == 0;
  }

  static boolean luhn(String digits) {
    int sum = 0;
    boolean twice = false;
    for (int i = digits.length() - 1; i >= 0; i--) {
      int d = digits.charAt(i) - '0';
      if (d < 0 || d > 9) {
        return false;
      }
      if (twice) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      twice = !twice;
    }
    return sum % 10 == 0;
  }

  private static void ibans(String text, List<int[]> ranges) {
    Matcher m = IBAN.matcher(text);
    while (m.find()) {
      // the greedy match may run into a following word ("... 3000 AND"): try it shorter, at spaces
      String s = m.group();
      for (int end = s.length(); end > 0; end = s.lastIndexOf(' ', end - 1)) {
        String compact = s.substring(0, end).replace(" ", "");
        if (compact.length() >= 15 && compact.length() <= 34 && mod97(compact)) {
          ranges.add(new int[] {m.start(), m.start() + end});
          break;
        }
      }
    }
  }

  /** ISO 13616: the first four characters moved to the end, letters as 10..35, mod 97 is 1. */
  static boolean mod97(String iban) {
    String r = iban.substring(4) + iban.substring(0, 4);
    int mod = 0;
    for (int i = 0; i < r.length(); i++) {
      char c = r.charAt(i);
      int v;
      if (c >= '0' && c <= '9') {
        v = c - '0';
        mod = (mod * 10 + v) % 97;
      } else if (c >= 'A' && c <= 'Z') {
        v = c - 'A' + 10;
        mod = (mod * 100 + v) % 97;
      } else {
        return false;
      }
    }
    return mod == 1;
  }

  private static void assignments(String text, List<int[]> ranges) {
    Matcher m = KEY_ASSIGNMENT.matcher(text);
    while (m.find()) {
      String v = m.group(1);
      if (entropy(v) >= 3.0) {
        ranges.add(new int[] {m.start(1), m.end(1)});
      }
    }
  }

  /** Shannon entropy in bits per character. */
  static double entropy(String s) {
    int[] counts = new int[128];
    int other = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 128) {
        counts[c]++;
      } else {
        other++;
      }
    }
    double h = 0;
    for (int c : counts) {
      if (c > 0) {
        double p = (double) c / s.length();
        h -= p * Math.log(p) / Math.log(2);
      }
    }
    if (other > 0) {
      double p = (double) other / s.length();
      h -= p * Math.log(p) / Math.log(2);
    }
    return h;
  }

  private static void jwts(String text, List<int[]> ranges) {
    Matcher m = JWT.matcher(text);
    while (m.find()) {
      String header = m.group().substring(0, m.group().indexOf('.'));
      try {
        String json = new String(Base64.getUrlDecoder().decode(header), StandardCharsets.UTF_8).strip();
        if (json.startsWith("{") && json.contains("\"alg\"")) {
          ranges.add(new int[] {m.start(), m.end()});
        }
      } catch (IllegalArgumentException e) {
        // not base64url: not a JWT
      }
    }
  }
}
