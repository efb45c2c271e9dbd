package dev.gatehouse.policy;

import java.util.List;
import java.util.Random;

/**
 * Seeded SQL texts for differential tests: statements of the form {@code SELECT literal AS name,
 * ...} (so the server returns what it read), built from every lexical form whose reading is easy
 * to get wrong — quotes and their escapes, E'', U&'' with UESCAPE, dollar quotes whose tags also
 * appear in names and comments, names with {@code $} and non-ASCII letters, Unicode spaces the
 * server reads as letters, nested and {@code --} comments ending in CR, newlines, semicolons — and,
 * in some texts, stray pieces of those forms dropped in anywhere.
 */
final class SqlTextGenerator {
  /** Characters a careless lexer takes for blanks; PostgreSQL reads them as letters. */
  static final List<String> UNICODE_SPACES =
      List.of("\u00a0", "\u2003", "\u3000", "\ufeff", "\u200b", "\u2028", "\u0085", "\u1680", "\u202f");

  private static final List<String> BLANKS = List.of(
      " ", " ", " ", "  ", "\t", "\n", "\r\n", "\r", "\f", "\u000b", "/* c */", "/* a /* ; b */ $a$ */",
      "/**/", "-- c ; $a$ '\n", "-- c\r", "--\n", "/*-- ' */", " --$a$\n");

  private static final List<String> STRING_PIECES = List.of(
      "a", "b", "xyz", " ", ";", "$", "$a$", "$$", "--", "/*", "*/", "\"", "\\", "\\'", "\\\\", "''", "\n", "\r",
      "\u00e9", "\u2003", "\u3000", "\ud83d\ude00", "E'", "U&'", "\\n", "\\x41", "\\101", "\\u00e9", "\\0041");

  private static final List<String> NAME_STARTS = List.of("a", "x", "col", "_n", "\u00e9", "\u00c9t\u00e9", "\u03b2", "\u4e2d");

  private static final List<String> NAME_PARTS = List.of("", "1", "$", "$a$", "$$", "b", "_", "\u00e9", "$1", "Z", "\u2003");

  private static final List<String> JUNK = List.of(
      "$a$", "$$", "$b$", "'", "\"", "--", "/*", "*/", ";", "\\", "E'", "U&'", "\n", "\r", "$1", "::", "+",
      "\u00a0", "\u2003", "\u3000", "\ufeff", "\u200b");

  private final Random random;

  SqlTextGenerator(long seed) {
    this.random = new Random(seed);
  }

  String next() {
    StringBuilder b = new StringBuilder();
    if (chance(10)) {
      b.append(blank());
    }
    int statements = 1 + random.nextInt(3);
    for (int k = 0; k < statements; k++) {
      b.append(statement());
      b.append(maybeBlanks()).append(';');
      if (chance(10)) {
        b.append(';');
      }
      b.append(maybeBlanks());
    }
    if (chance(30)) {
      b.append(pick(List.of("-- $a$ ' \" */", "/* $a$ */", "--$a$", "-- x\r$a$", "-- tail")));
    }
    if (chance(35)) {
      int n = 1 + random.nextInt(3);
      for (int k = 0; k < n; k++) {
        int at = random.nextInt(b.length() + 1);
        if (at > 0 && at < b.length() && Character.isLowSurrogate(b.charAt(at))) {
          at++; // never between the halves of one character
        }
        b.insert(at, pick(JUNK));
      }
    }
    return b.toString();
  }

  private String statement() {
    StringBuilder b = new StringBuilder(pick(List.of("SELECT", "select", "SeLeCt")));
    int items = 1 + random.nextInt(3);
    for (int k = 0; k < items; k++) {
      b.append(k == 0 ? blank() : maybeBlanks() + "," + maybeBlanks());
      b.append(literal());
      if (chance(15)) {
        // no blank before the alias, or a Unicode "space" glued to AS: one name to the server
        b.append(blank()).append(pick(List.of("AS", "as"))).append(pick(UNICODE_SPACES)).append(bareName());
      } else {
        b.append(blank()).append(chance(85) ? pick(List.of("AS", "as", "As")) + blank() : "").append(alias());
      }
    }
    return b.toString();
  }

  private String literal() {
    return switch (random.nextInt(11)) {
      case 0, 1 -> "'" + stringBody().replace("'", "''") + "'";
      case 2 -> "'" + stringBody() + "'"; // quotes and backslashes as they come
      case 3 -> pick(List.of("E", "e")) + "'" + eBody() + "'";
      case 4 -> unicodeString();
      case 5 -> dollarQuoted();
      case 6 -> pick(List.of("N", "n")) + "'" + stringBody().replace("'", "''") + "'";
      case 7 -> "'" + stringBody().replace("'", "''") + "'" + continuationBlank() + "'" + stringBody().replace("'", "''") + "'";
      case 8 -> pick(List.of("1", "42", "1.5", ".5", "1e3", "1.5e-3", "2.", "1e+x", "1abc", "0x1F", "1_000", "$1"));
      case 9 -> pick(List.of("B'0101'", "X'1F'", "b'1'\n'0'", "B'01''10'", "x'af'"));
      default -> pick(List.of("'a'", "''", "'\\'", "E'\\''", "'it''s'", "$$$$", "$a$$a$", "'$a$'"));
    };
  }

  private String continuationBlank() {
    return pick(List.of("\n", " \n ", "\r\n", "\t-- c\n", "\n-- c\n  ", "\n/* c */\n", " ", "\n\f", " --c\r", "\u000b\n", "\n\u2003"));
  }

  private String stringBody() {
    StringBuilder b = new StringBuilder();
    int n = random.nextInt(5);
    for (int k = 0; k < n; k++) {
      b.append(pick(STRING_PIECES));
    }
    return b.toString();
  }

  private String eBody() {
    StringBuilder b = new StringBuilder();
    int n = random.nextInt(5);
    for (int k = 0; k < n; k++) {
      b.append(pick(List.of("a", "\\n", "\\t", "\\\\", "\\'", "''", "\\x41", "\\x4", "\\xg", "\\101", "\\7", "\\303\\251",
          "\\u00e9", "\\U0001F600", "\\uD83D\\uDE00", "\\uD83D", "\\u12", "\\q", "\\b", "\\v", "\\0", "\\xff", "$a$", ";", "\u2003")));
    }
    return b.toString();
  }

  private String unicodeString() {
    String esc = chance(30) ? pick(List.of("!", "#", "*", "\\", "a", "+", "'", "ab")) : null;
    String e = esc == null ? "\\" : esc;
    StringBuilder b = new StringBuilder(pick(List.of("U&'", "u&'")));
    int n = random.nextInt(4);
    for (int k = 0; k < n; k++) {
      b.append(pick(List.of("a", e + "0041", e + "+01F600", e + e, e + "D83D" + e + "DE00", e + "0000", e + "00", ";", "''", "\\")));
    }
    b.append('\'');
    if (esc != null) {
      b.append(blank()).append(pick(List.of("UESCAPE", "uescape"))).append(blank())
          .append(pick(List.of("'" + esc.replace("'", "''") + "'", "E'" + esc + "'", "$$" + esc + "$$")));
    }
    return b.toString();
  }

  private String dollarQuoted() {
    String tag = pick(List.of("", "", "a", "tag", "\u00e9", "_1", "A"));
    String body = stringBody() + (chance(30) ? "$" + pick(List.of("a", "b", "tag", "")) + "$" : "") + stringBody();
    if (body.contains("$" + tag + "$")) {
      body = "x";
    }
    return "$" + tag + "$" + body + "$" + tag + "$";
  }

  private String alias() {
    return switch (random.nextInt(6)) {
      case 0, 1 -> bareName();
      case 2 -> "\"" + quotedName().replace("\"", "\"\"") + "\"";
      case 3 -> pick(List.of("U&\"", "u&\"")) + pick(List.of("d\\0061t\\+000061", "\\00e9", "a\\\\b", "x", "\\D83D\\DE00", "\\0000"))
          + "\"" + (chance(30) ? blank() + "UESCAPE" + blank() + "'\\'" : "");
      case 4 -> pick(UNICODE_SPACES) + pick(List.of("$a$", "x", "$$", "$b$")) + (chance(50) ? pick(UNICODE_SPACES) : "");
      default -> bareName() + (chance(20) ? "x".repeat(60) : "");
    };
  }

  private String bareName() {
    StringBuilder b = new StringBuilder(pick(NAME_STARTS));
    int n = random.nextInt(3);
    for (int k = 0; k < n; k++) {
      b.append(pick(NAME_PARTS));
    }
    if (chance(20)) {
      b.setCharAt(0, Character.toUpperCase(b.charAt(0)));
    }
    return b.toString();
  }

  private String quotedName() {
    StringBuilder b = new StringBuilder();
    int n = 1 + random.nextInt(3);
    for (int k = 0; k < n; k++) {
      b.append(pick(List.of("a", "B", " ", ";", "$a$", "'", "\"", "--", "\u2003", "\u00e9", "/*")));
    }
    return b.toString();
  }

  private String blank() {
    return chance(80) ? " " : pick(BLANKS);
  }

  private String maybeBlanks() {
    return chance(50) ? "" : blank();
  }

  private boolean chance(int percent) {
    return random.nextInt(100) < percent;
  }

  private <T> T pick(List<T> from) {
    return from.get(random.nextInt(from.size()));
  }
}
