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
  private static final Pattern KEY_ASSIGNMENT =
      Pattern.compile(
          "(?i)(?:api[_-]?key|apikey|access[_-]?key(?:[_-]?id)?|secret[_-]?(?:access[_-]?)?key|client[_-]?secret"
              + "|access[_-]?token|auth[_-]?token|refresh[_-]?token|bearer|secret|token|password|passwd)"
              + "[\"']?\\s*[:=]\\s*[\"']?([A-Za-z0-9_\\-./+=~]{16,})");
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
    List<Detector> ds = new ArrayList<>();
    for (String n : names) {
      ds.add(
          switch (n) {
            case "email" -> (t, r) -> all(EMAIL, t, r);
            case "credit-card" -> ContentDetectors::cards;
            case "iban" -> ContentDetectors::ibans;
            case "api-key" -> (t, r) -> {
              all(KEY_TOKENS, t, r);
              assignments(t, r);
            };
            case "private-key" -> (t, r) -> all(PRIVATE_KEY, t, r);
            case "jwt" -> ContentDetectors::jwts;
            default -> throw new IllegalArgumentException(
                "'" + n + "' is no content detector (" + String.join(", ", NAMES) + ")");
          });
    }
    return new ContentDetectors(List.copyOf(names), List.copyOf(ds));
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
    List<int[]> ranges = new ArrayList<>();
    for (Detector d : detectors) {
      d.find(text, ranges);
    }
    if (ranges.isEmpty()) {
      return text;
    }
    ranges.sort(Comparator.comparingInt((int[] r) -> r[0]).thenComparingInt(r -> -r[1]));
    StringBuilder b = new StringBuilder(text.length());
    int pos = 0;
    int k = 0;
    while (k < ranges.size()) {
      int start = ranges.get(k)[0];
      int end = ranges.get(k)[1];
      k++;
      while (k < ranges.size() && ranges.get(k)[0] < end) {
        end = Math.max(end, ranges.get(k)[1]);
        k++;
      }
      if (start < pos) {
        start = pos;
      }
      b.append(text, pos, start).append(form.apply(text.substring(start, end)));
      pos = end;
    }
    return b.append(text, pos, text.length()).toString();
  }

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
