package dev.gatehouse.gateway.shell;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Whether bash would read more lines before it runs a text: an open quote ({@code '…}, {@code
 * "…}, {@code $'…}), a backquote or {@code $(} left open, a line ending in a backslash, or a
 * here-document whose end word has not come. The gateway then asks for the next line and judges
 * the whole text at once. Compound commands left open ({@code if} without {@code fi}) are not
 * counted: bash reads those over several lines too, and the guard then sees the part typed so far
 * as unclassified or as it is, never less than bash will run.
 */
final class Incomplete {
  private Incomplete() {}

  static boolean check(String text) {
    Deque<Character> open = new ArrayDeque<>(); // ' " ` ( for $( and ( and ANSI-C 'a'
    Deque<String> heredocs = new ArrayDeque<>();
    int n = text.length();
    int i = 0;
    boolean wordStart = true;
    while (i < n) {
      char c = text.charAt(i);
      Character top = open.peek();
      if (top != null && (top == '\'' || top == 'a')) {
        if (top == 'a' && c == '\\' && i + 1 < n) {
          i += 2;
          continue;
        }
        if (c == '\'') {
          open.pop();
        }
        i++;
        continue;
      }
      if (c == '\\') {
        if (i + 1 >= n) {
          return true; // a trailing backslash continues the line
        }
        i += 2;
        wordStart = false;
        continue;
      }
      if (top != null && top == '"') {
        if (c == '"') {
          open.pop();
        } else if (c == '`') {
          open.push('`');
        } else if (c == '$' && i + 1 < n && text.charAt(i + 1) == '(') {
          open.push('(');
          i++;
        }
        i++;
        continue;
      }
      switch (c) {
        case '\'' -> {
          if (i > 0 && text.charAt(i - 1) == '$') {
            open.push('a');
          } else {
            open.push('\'');
          }
        }
        case '"' -> open.push('"');
        case '`' -> {
          if (top != null && top == '`') {
            open.pop();
          } else {
            open.push('`');
          }
        }
        case '(' -> open.push('(');
        case ')' -> {
          if (top != null && top == '(') {
            open.pop();
          }
        }
        case '#' -> {
          if (wordStart) {
            while (i < n && text.charAt(i) != '\n') {
              i++;
            }
            continue;
          }
        }
        case '<' -> {
          if (i + 2 < n && text.charAt(i + 1) == '<' && text.charAt(i + 2) == '<') {
            i += 3; // a here-string: one word, no body
            continue;
          }
          if (i + 1 < n && text.charAt(i + 1) == '<' && (i + 2 >= n || text.charAt(i + 2) != '<')) {
            int j = i + 2;
            if (j < n && text.charAt(j) == '-') {
              j++;
            }
            while (j < n && (text.charAt(j) == ' ' || text.charAt(j) == '\t')) {
              j++;
            }
            StringBuilder w = new StringBuilder();
            while (j < n && " \t\n;&|<>()".indexOf(text.charAt(j)) < 0) {
              char d = text.charAt(j);
              if (d != '\'' && d != '"' && d != '\\') {
                w.append(d);
              }
              j++;
            }
            if (w.length() > 0) {
              heredocs.add(w.toString());
            }
            i = j;
            continue;
          }
        }
        case '\n' -> {
          if (open.isEmpty() && !heredocs.isEmpty()) {
            // The here-documents' bodies follow this line, each up to its end word.
            int j = i + 1;
            while (!heredocs.isEmpty()) {
              String end = heredocs.peek();
              int lineEnd = text.indexOf('\n', j);
              if (j > n || j == n && lineEnd < 0) {
                return true;
              }
              String l = lineEnd < 0 ? text.substring(j) : text.substring(j, lineEnd);
              if (l.stripLeading().equals(end) || l.equals(end)) {
                heredocs.poll();
              }
              if (lineEnd < 0) {
                return !heredocs.isEmpty();
              }
              j = lineEnd + 1;
            }
            i = j;
            wordStart = true;
            continue;
          }
        }
        default -> {
          // ordinary
        }
      }
      wordStart = c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' || c == '(';
      i++;
    }
    return !open.isEmpty() || !heredocs.isEmpty();
  }
}
