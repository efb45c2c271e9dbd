package dev.gatehouse.kube;

import java.util.ArrayList;
import java.util.List;

/**
 * The part of k8s.io/apimachinery's {@code fields.ParseSelector} that decides a request's name: the
 * selector is split into terms at unescaped commas, the terms are sorted, each is split at its first
 * {@code !=}, {@code ==} or {@code =} (even an escaped one: the field has no escapes), and values are unescaped
 * ({@code \\}, {@code \,}, {@code \=}; any other escape is an error). {@code RequiresExactMatch}
 * answers the value of the first (sorted) {@code =}/{@code ==} term on the field.
 */
final class FieldSelector {
  private static final String[] OPERATORS = {"!=", "==", "="};

  private record Term(String field, String op, String value) {}

  private FieldSelector() {}

  static boolean parses(String selector) {
    return terms(selector) != null;
  }

  /** The value {@code field} must equal, or null (no such term, or the selector does not parse). */
  static String exactMatch(String selector, String field) {
    List<Term> terms = terms(selector);
    if (terms == null) {
      return null;
    }
    for (Term t : terms) {
      if (t.field().equals(field) && !t.op().equals("!=")) {
        return t.value();
      }
    }
    return null;
  }

  private static List<Term> terms(String selector) {
    List<String> parts = splitTerms(selector);
    parts.sort(null);
    List<Term> out = new ArrayList<>();
    for (String part : parts) {
      if (part.isEmpty()) {
        continue;
      }
      Term t = splitTerm(part);
      if (t == null) {
        return null;
      }
      String v = unescapeValue(t.value());
      if (v == null) {
        return null;
      }
      out.add(new Term(t.field(), t.op(), v));
    }
    return out;
  }

  private static List<String> splitTerms(String s) {
    List<String> terms = new ArrayList<>();
    if (s.isEmpty()) {
      return terms;
    }
    int start = 0;
    boolean escaped = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == ',') {
        terms.add(s.substring(start, i));
        start = i + 1;
      }
    }
    terms.add(s.substring(start));
    return terms;
  }

  /** No escaping on the left: the first operator anywhere splits the term (as Go's splitTerm). */
  private static Term splitTerm(String term) {
    for (int i = 0; i < term.length(); i++) {
      for (String op : OPERATORS) {
        if (term.startsWith(op, i)) {
          return new Term(term.substring(0, i), op, term.substring(i + op.length()));
        }
      }
    }
    return null;
  }

  private static String unescapeValue(String s) {
    if (s.indexOf('\\') < 0 && s.indexOf('=') < 0 && s.indexOf(',') < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    boolean escaped = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (escaped) {
        if (c != '\\' && c != ',' && c != '=') {
          return null;
        }
        b.append(c);
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == ',' || c == '=') {
        return null; // unescaped , and = are not allowed in a value
      } else {
        b.append(c);
      }
    }
    return escaped ? null : b.toString();
  }
}
