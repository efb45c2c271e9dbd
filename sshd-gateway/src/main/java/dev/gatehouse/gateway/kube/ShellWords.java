package dev.gatehouse.gateway.kube;

import java.util.ArrayList;
import java.util.List;

/**
 * A command line split into words as a POSIX shell (bash) would split it, for a program that runs
 * without a shell: quotes and backslashes are removed as the shell removes them, and everything a
 * shell would do besides splitting — a pipe, a list ({@code ;}, {@code &&}, {@code &}), a
 * redirection, a substitution or expansion ({@code $}, backquotes, {@code ~}, brace expansion), an
 * environment assignment — is refused with a one-line explanation rather than passed on as text
 * the user did not mean. Unquoted glob characters stay as they are (bash leaves a pattern that
 * matches no file unchanged, and the program runs with no files of the user's around it).
 */
final class ShellWords {
  /** The line is not a single simple command: {@code getMessage()} is the one-line explanation. */
  static final class NotASimpleCommand extends Exception {
    private static final long serialVersionUID = 1L;

    NotASimpleCommand(String message) {
      super(message, null, false, false);
    }
  }

  private ShellWords() {}

  static List<String> split(String line) throws NotASimpleCommand {
    List<String> words = new ArrayList<>();
    StringBuilder word = null; // null: between words
    // Brace expansion needs an unquoted '{' ... ',' or '..' ... '}' within one word.
    int braceOpen = -1;
    boolean braceList = false;
    int i = 0;
    int n = line.length();
    while (i < n) {
      char c = line.charAt(i);
      if (c == '\n' || c == '\r') {
        throw new NotASimpleCommand("one command per line: the line holds a line break");
      }
      if (c == ' ' || c == '\t') {
        if (word != null) {
          words.add(word.toString());
          word = null;
          braceOpen = -1;
          braceList = false;
        }
        i++;
        continue;
      }
      if (word == null && c == '#') {
        break; // a comment to the end of the line, as in a shell
      }
      if (word == null && c == '~') {
        throw new NotASimpleCommand("'~' would be a home directory to a shell; quote it ('~') to pass it as text");
      }
      switch (c) {
        case '|' -> throw new NotASimpleCommand("no pipes: kubectl runs without a shell, so '|' cannot be used");
        case ';' -> throw new NotASimpleCommand("one command per line: ';' would start a second one");
        case '&' -> throw new NotASimpleCommand("no '&' or '&&': kubectl runs without a shell, one command per line");
        case '<', '>' -> throw new NotASimpleCommand(
            "no redirections: kubectl runs without a shell on the bastion; use -f - and your own ssh's stdin and stdout");
        case '(', ')' -> throw new NotASimpleCommand("no subshells or '(' ')': quote them to pass them as text");
        case '`' -> throw new NotASimpleCommand("no command substitution: kubectl runs without a shell");
        case '$' -> throw new NotASimpleCommand(
            "no '$' expansion: kubectl runs without a shell; quote it with single quotes to pass it as text");
        default -> { }
      }
      if (word == null) {
        word = new StringBuilder();
        if (words.isEmpty() && assignment(line, i)) {
          throw new NotASimpleCommand("no environment assignments: kubectl gets no variables from the command line");
        }
      }
      if (c == '\'') {
        int end = line.indexOf('\'', i + 1);
        if (end < 0) {
          throw new NotASimpleCommand("a quote (') is not closed");
        }
        if (line.substring(i + 1, end).indexOf('\n') >= 0) {
          throw new NotASimpleCommand("one command per line: the line holds a line break");
        }
        word.append(line, i + 1, end);
        i = end + 1;
        continue;
      }
      if (c == '"') {
        i = doubleQuoted(line, i + 1, word);
        continue;
      }
      if (c == '\\') {
        if (i + 1 >= n) {
          throw new NotASimpleCommand("a backslash ends the line: one command per line");
        }
        char next = line.charAt(i + 1);
        if (next == '\n' || next == '\r') {
          throw new NotASimpleCommand("one command per line: the line holds a line break");
        }
        word.append(next);
        i += 2;
        continue;
      }
      if (c == '{') {
        braceOpen = word.length();
        braceList = false;
      } else if (braceOpen >= 0 && (c == ',' || (c == '.' && i + 1 < n && line.charAt(i + 1) == '.'))) {
        braceList = true;
      } else if (c == '}' && braceOpen >= 0 && braceList) {
        throw new NotASimpleCommand("a shell would expand '{...,...}' into several words; quote it to pass it as text");
      }
      word.append(c);
      i++;
    }
    if (word != null) {
      words.add(word.toString());
    }
    return words;
  }

  /** Inside "...": backslash escapes only $ ` " \ ; expansions are refused. Returns the index after the quote. */
  private static int doubleQuoted(String line, int i, StringBuilder word) throws NotASimpleCommand {
    int n = line.length();
    while (i < n) {
      char c = line.charAt(i);
      switch (c) {
        case '"' -> {
          return i + 1;
        }
        case '$', '`' -> throw new NotASimpleCommand("no '" + c
            + "' expansion inside double quotes: kubectl runs without a shell; use single quotes to pass it as text");
        case '\n', '\r' -> throw new NotASimpleCommand("one command per line: the line holds a line break");
        case '\\' -> {
          if (i + 1 < n && "$`\"\\".indexOf(line.charAt(i + 1)) >= 0) {
            word.append(line.charAt(i + 1));
            i += 2;
          } else {
            word.append(c);
            i++;
          }
        }
        default -> {
          word.append(c);
          i++;
        }
      }
    }
    throw new NotASimpleCommand("a quote (\") is not closed");
  }

  /** {@code NAME=...} as the first word: a shell reads it as an assignment for the command. */
  private static boolean assignment(String line, int i) {
    int j = i;
    if (j >= line.length() || !(Character.isLetter(line.charAt(j)) && line.charAt(j) < 128 || line.charAt(j) == '_')) {
      return false;
    }
    while (j < line.length()) {
      char c = line.charAt(j);
      if (c == '=') {
        return true;
      }
      if (!(c < 128 && (Character.isLetterOrDigit(c) || c == '_'))) {
        return false;
      }
      j++;
    }
    return false;
  }
}
