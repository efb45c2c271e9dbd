package dev.gatehouse.policy;

import com.google.re2j.Pattern;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An operator-written rule ({@code policies.NAME.rules[i]}). It matches a statement when every
 * selector it gives matches: the statement's kind is one of {@code kinds}, it touches one of
 * {@code tables}, calls one of {@code functions}, and {@code pattern} (RE2/J, linear time) is found
 * in its text.
 *
 * <p>A table selector {@code orders} matches {@code orders} in any schema; {@code public.orders}
 * matches {@code public.orders} and the unqualified {@code orders} (the search path may resolve
 * it there: fail closed).
 *
 * <p>A review rule may name its own {@link Approvers}; otherwise the target's decide.
 */
public record Rule(
    String name,
    List<String> kinds,
    List<String> tables,
    List<String> functions,
    Pattern pattern,
    Outcome verdict,
    Approvers approvers) {

  /** What a matching rule says. There is no allow rule: rules only tighten. */
  public enum Outcome {
    BLOCK,
    REVIEW
  }

  public Rule(String name, List<String> kinds, List<String> tables, List<String> functions, Pattern pattern, Outcome verdict) {
    this(name, kinds, tables, functions, pattern, verdict, null);
  }

  public Rule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(verdict, "verdict");
    if (approvers != null && verdict != Outcome.REVIEW) {
      throw new IllegalArgumentException("rule '" + name + "': approvers only make sense with verdict review");
    }
    kinds = lower(kinds);
    tables = lower(tables);
    functions = lower(functions);
    if (kinds.isEmpty() && tables.isEmpty() && functions.isEmpty() && pattern == null) {
      throw new IllegalArgumentException(
          "rule '" + name + "' has no selector (kinds, tables, functions or pattern)");
    }
  }

  private static List<String> lower(List<String> l) {
    return l == null ? List.of() : l.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
  }

  /**
   * Whether this rule matches a statement; {@code pattern} is tried on the text as sent and on the
   * lexer's rendering of it (comments gone, {@code U&"..."} names decoded).
   */
  boolean matches(String kind, java.util.Set<String> stmtTables, java.util.Set<String> stmtFunctions, String sql, String canonical) {
    if (!kinds.isEmpty() && !kinds.contains(kind)) {
      return false;
    }
    if (!tables.isEmpty() && stmtTables.stream().noneMatch(this::tableMatches)) {
      return false;
    }
    if (!functions.isEmpty() && stmtFunctions.stream().noneMatch(functions::contains)) {
      return false;
    }
    return pattern == null || found(pattern, sql) || found(pattern, canonical);
  }

  /**
   * {@code pattern.matcher(text).find()}, without RE2/J's automaton when it is not needed: every
   * statement of a policy goes through its pattern rules (a verdict cache cannot hold them: they
   * read the text, literals included), and the common rule is a plain word such as {@code
   * (?i)pg_sleep}. For such a literal and a text of ASCII only, a (case-folded) substring search
   * finds exactly what RE2 finds; anything else (a metacharacter, a flag, a non-ASCII text, where
   * RE2's case folding also matches characters such as U+017F for {@code s}) goes to RE2.
   */
  static boolean found(Pattern pattern, String text) {
    String regex = pattern.pattern();
    boolean fold = regex.startsWith("(?i)");
    int from = fold ? 4 : 0; // the literal is regex[from..]
    int length = regex.length() - from;
    if (pattern.flags() != 0 || length == 0 || !plainWord(regex, from) || !ascii(text)) {
      return pattern.matcher(text).find();
    }
    if (!fold) {
      return text.contains(regex); // from is 0: the regex is the literal
    }
    // Case-folded: only positions whose first character folds to the literal's are compared
    // further (ASCII on both sides, so folding is exactly RE2's there).
    char first = regex.charAt(from);
    char lower = Character.toLowerCase(first);
    char upper = Character.toUpperCase(first);
    for (int i = 0, last = text.length() - length; i <= last; i++) {
      char c = text.charAt(i);
      if ((c == lower || c == upper) && text.regionMatches(true, i + 1, regex, from + 1, length - 1)) {
        return true;
      }
    }
    return false;
  }

  /** Letters, digits, '_', ' ' and '-' only: characters that mean themselves in a regular expression. */
  private static boolean plainWord(String s, int from) {
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == ' ' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  private static boolean ascii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  private boolean tableMatches(String stmtTable) {
    String t = stmtTable.toLowerCase(Locale.ROOT);
    String bare = t.substring(t.lastIndexOf('.') + 1);
    for (String want : tables) {
      if (want.equals(t)) {
        return true;
      }
      int dot = want.lastIndexOf('.');
      if (dot < 0 ? want.equals(bare) : (t.indexOf('.') < 0 && want.substring(dot + 1).equals(t))) {
        return true;
      }
    }
    return false;
  }

  Verdict verdict(String reason) {
    return verdict == Outcome.BLOCK ? new Verdict.Block(name, reason) : new Verdict.Review(name, reason);
  }
}
