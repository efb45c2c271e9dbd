package dev.gatehouse.recorder.search;

/**
 * Turns terminal output into the text a person saw, for the search index: escape sequences (CSI,
 * OSC, DCS and the like, and two-byte ESC sequences) and control characters are dropped, a carriage
 * return or line feed ends a line, a backspace takes back the character before it. Sequences split
 * across calls are carried over. Not a screen model: text overwritten by cursor movement stays.
 */
final class TerminalText {
  private enum State { TEXT, ESC, CSI, STRING, STRING_ESC }

  private State state = State.TEXT;
  private final StringBuilder out = new StringBuilder();

  /** Feeds output; appends the visible text to the pending buffer. */
  void feed(CharSequence s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (state) {
        case TEXT -> text(c);
        case ESC -> {
          if (c == '[') {
            state = State.CSI;
          } else if (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_') {
            state = State.STRING;
          } else if (c >= 0x20 && c <= 0x2f) {
            // intermediate byte (e.g. ESC ( B): the final byte follows
          } else {
            state = State.TEXT;
          }
        }
        case CSI -> {
          if (c >= 0x40 && c <= 0x7e) {
            state = State.TEXT;
          } else if (c == 0x1b) {
            state = State.ESC;
          }
        }
        case STRING -> {
          if (c == 0x07) {
            state = State.TEXT;
          } else if (c == 0x1b) {
            state = State.STRING_ESC;
          }
        }
        case STRING_ESC -> state = c == '\\' ? State.TEXT : State.STRING;
      }
    }
  }

  private void text(char c) {
    if (c == 0x1b) {
      state = State.ESC;
    } else if (c == '\n' || c == '\r') {
      if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
        out.append('\n');
      }
    } else if (c == '\b') {
      if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
        out.setLength(out.length() - 1);
      }
    } else if (c == '\t') {
      out.append(' ');
    } else if (c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0)) {
      out.append(c);
    }
  }

  int length() {
    return out.length();
  }

  boolean endsLine() {
    return out.length() > 0 && out.charAt(out.length() - 1) == '\n';
  }

  /** The text collected so far; the buffer is emptied (escape state is kept). */
  String take() {
    String s = out.toString();
    out.setLength(0);
    return s;
  }
}
