package dev.gatehouse.gateway.psql;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Sees every line before psql does and decides whether psql's backslash meta-commands on it are
 * allowed. SQL itself is judged at the wire by the proxy; what only psql can do — run a shell
 * ({@code \!}, backticks, {@code \g |cmd}), read or write files on the bastion ({@code \i},
 * {@code \o}, {@code \w}, {@code \copy}, {@code \lo_*}), change its environment or directory —
 * must be stopped here, because it never reaches the wire.
 *
 * <p>The guard follows psql's own lexical rules across lines: a backslash inside a quoted string
 * ({@code '...'}, {@code E'...'}, {@code "..."}, {@code $tag$...$tag$}) is text, not a command.
 * Inside comments it is treated as a command anyway (fail closed: an innocent backslash in a
 * comment is refused rather than a guess made). Anything this guard is unsure about is refused.
 */
public final class MetaCommandGuard {
  /** What to do with one line. */
  public sealed interface Decision permits Pass, Refuse {}

  /** Send the line to psql; {@code statementComplete} when psql will now run something. */
  public record Pass(boolean statementComplete) implements Decision {}

  public record Refuse(String command, String reason) implements Decision {}

  private static final Set<String> ALLOWED = Set.of(
      "\\l", "\\l+", "\\x", "\\timing", "\\conninfo", "\\?", "\\h", "\\help", "\\q", "\\quit", "\\echo", "\\pset",
      "\\g", "\\gx", "\\dconfig");
  private static final Pattern DESCRIBE = Pattern.compile("\\\\d[a-zA-Z]{0,3}[S+]{0,2}");
  private static final Set<String> SAFE_PSET = Set.of(
      "format", "border", "null", "expanded", "x", "tuples_only", "t", "footer", "title", "fieldsep", "recordsep",
      "linestyle", "unicode_border_linestyle", "unicode_column_linestyle", "unicode_header_linestyle", "columns",
      "numericlocale", "csv_fieldsep", "xheader_width");

  private enum State { NORMAL, SINGLE, ESCAPE_STRING, IDENT, DOLLAR, BLOCK_COMMENT }

  private State state = State.NORMAL;
  private String dollarTag;
  private int commentDepth;
  private boolean pendingSql;

  /** Whether a statement has been started and not yet terminated by ';' (for the prompt). */
  public boolean inStatement() {
    return pendingSql || state != State.NORMAL;
  }

  /** Forgets an unfinished statement (after Ctrl-C, as psql's own \r would). */
  public void reset() {
    state = State.NORMAL;
    dollarTag = null;
    commentDepth = 0;
    pendingSql = false;
  }

  /** Judges one input line (without its newline) and advances the lexical state. */
  public Decision line(String line) {
    if (line.indexOf('\0') >= 0 || line.chars().anyMatch(c -> c < 0x20 && c != '\t')) {
      return new Refuse("control character", "control characters are not allowed in a line");
    }
    State s = state;
    String tag = dollarTag;
    int depth = commentDepth;
    boolean pending = pendingSql;
    boolean complete = false;
    int i = 0;
    int n = line.length();
    while (i < n) {
      char c = line.charAt(i);
      switch (s) {
        case SINGLE -> {
          if (c == '\'') {
            if (i + 1 < n && line.charAt(i + 1) == '\'') {
              i++;
            } else {
              s = State.NORMAL;
            }
          }
          i++;
        }
        case ESCAPE_STRING -> {
          if (c == '\\') {
            i += 2;
            continue;
          }
          if (c == '\'') {
            if (i + 1 < n && line.charAt(i + 1) == '\'') {
              i++;
            } else {
              s = State.NORMAL;
            }
          }
          i++;
        }
        case IDENT -> {
          if (c == '"') {
            s = State.NORMAL;
          }
          i++;
        }
        case DOLLAR -> {
          if (line.startsWith(tag, i)) {
            s = State.NORMAL;
            i += tag.length();
            tag = null;
          } else {
            i++;
          }
        }
        case BLOCK_COMMENT -> {
          if (c == '\\') {
            return meta(line, i);
          } else if (line.startsWith("/*", i)) {
            depth++;
            i += 2;
          } else if (line.startsWith("*/", i)) {
            depth--;
            i += 2;
            if (depth == 0) {
              s = State.NORMAL;
            }
          } else {
            i++;
          }
        }
        case NORMAL -> {
          if (c == '\\') {
            Decision d = meta(line, i);
            if (d instanceof Refuse) {
              return d;
            }
            // An allowed meta-command takes the rest of the line (psql reads its arguments there)
            // and, if it executes the buffer (\g, \gx), completes the statement.
            String word = word(line, i);
            if (word.equals("\\g") || word.equals("\\gx")) {
              pending = false; // \g runs the query buffer, like ';'
            }
            complete = true; // psql acts on the line now: wait for its output
            i = n;
            continue;
          }
          if (c == '\'') {
            boolean escape = i > 0 && (line.charAt(i - 1) == 'E' || line.charAt(i - 1) == 'e')
                && (i < 2 || !Character.isLetterOrDigit(line.charAt(i - 2)));
            s = escape ? State.ESCAPE_STRING : State.SINGLE;
            pending = true;
            i++;
          } else if (c == '"') {
            s = State.IDENT;
            pending = true;
            i++;
          } else if (c == '$') {
            String t = dollarTag(line, i);
            if (t != null) {
              s = State.DOLLAR;
              tag = t;
              pending = true;
              i += t.length();
            } else {
              pending = true;
              i++;
            }
          } else if (line.startsWith("--", i)) {
            // psql treats backslashes in -- comments as text, but refuse them (fail closed).
            int b = line.indexOf('\\', i);
            if (b >= 0) {
              return meta(line, b);
            }
            i = n;
          } else if (line.startsWith("/*", i)) {
            s = State.BLOCK_COMMENT;
            depth = 1;
            i += 2;
          } else if (c == ';') {
            pending = false;
            complete = true;
            i++;
          } else {
            if (!Character.isWhitespace(c)) {
              pending = true;
            }
            i++;
          }
        }
        default -> throw new IllegalStateException(s.toString());
      }
    }
    state = s;
    dollarTag = tag;
    commentDepth = depth;
    pendingSql = pending;
    return new Pass(complete);
  }

  private static String word(String line, int at) {
    int e = at + 1;
    while (e < line.length() && !Character.isWhitespace(line.charAt(e)) && line.charAt(e) != '\\') {
      e++;
    }
    if (e == at + 1 && e < line.length() && line.charAt(e) == '\\') {
      e++; // "\\" (a separator)
    }
    return line.substring(at, e);
  }

  /** Judges the meta-command starting at {@code at} and everything after it on the line. */
  private Decision meta(String line, int at) {
    String word = word(line, at);
    String rest = line.substring(at + word.length());
    if (rest.indexOf('`') >= 0) {
      return new Refuse(word, "backtick interpolation runs a shell command");
    }
    if (rest.indexOf('\\') >= 0) {
      // A second command on the same line: judge it too.
      Decision next = meta(rest, rest.indexOf('\\'));
      if (next instanceof Refuse) {
        return next;
      }
    }
    String lower = word.toLowerCase(Locale.ROOT);
    boolean allowed = ALLOWED.contains(word) || DESCRIBE.matcher(word).matches();
    if (!allowed) {
      return new Refuse(word, "the psql meta-command " + word + " is not allowed through Gatehouse");
    }
    String args = rest.trim();
    if ((lower.equals("\\g") || lower.equals("\\gx")) && !args.isEmpty()) {
      return new Refuse(word, word + " with an argument writes to a file or a pipe");
    }
    if (lower.equals("\\pset")) {
      String option = args.isEmpty() ? "" : args.split("\\s+")[0];
      if (!option.isEmpty() && !SAFE_PSET.contains(option)) {
        return new Refuse(word, "\\pset " + option + " is not allowed");
      }
    }
    if ((lower.equals("\\x") || lower.equals("\\timing")) && !args.matches("(?i)(|on|off|auto)")) {
      return new Refuse(word, word + " takes only on, off or auto here");
    }
    return new Pass(true);
  }

  /** "$tag$" starting at i, or null when the dollar does not open a dollar quote. */
  private static String dollarTag(String line, int i) {
    int j = i + 1;
    while (j < line.length() && (Character.isLetterOrDigit(line.charAt(j)) || line.charAt(j) == '_')) {
      j++;
    }
    if (j < line.length() && line.charAt(j) == '$') {
      String tag = line.substring(i, j + 1);
      if (tag.length() > 2 && Character.isDigit(tag.charAt(1))) {
        return null; // $1 is a parameter, not a tag
      }
      return tag;
    }
    return null;
  }
}
