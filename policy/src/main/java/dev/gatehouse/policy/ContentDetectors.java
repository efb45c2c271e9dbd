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
              if (!prefilter || mayHoldKeyToken(t)) {
                all(KEY_TOKENS, t, r);
              }
              if (!prefilter || mayHoldKeyAssignment(t)) {
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
              case "email" -> (t, r) -> {
                if (t.indexOf('@') >= 0) {
                  full.find(t, r);
                }
              };
              case "credit-card" -> (t, r) -> {
                if (asciiDigits(t, 13)) {
                  full.find(t, r);
                }
              };
              case "iban" -> (t, r) -> {
                if (asciiDigits(t, 2)) {
                  full.find(t, r);
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
    for (String l : KEY_TOKEN_LITERALS) {
      if (t.contains(l)) {
        return true;
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
      char c = t.charAt(i);
      char f = c < 128 ? (char) (c | 0x20) : 0;
      if (f == 'k' || f == 's' || f == 't' || f == 'b' || f == 'p' || c >= 128) {
        for (String root : KEY_ROOTS) {
          if (t.regionMatches(true, i, root, 0, root.length())) {
            return true;
          }
        }
      }
    }
    return false;
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
    List<int[]> ranges = new ArrayList<>();
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
    List<int[]> values = new ArrayList<>();
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
