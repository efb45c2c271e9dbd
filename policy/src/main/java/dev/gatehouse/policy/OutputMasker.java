package dev.gatehouse.policy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Masks a terminal's output stream with the content detectors before anyone sees it: the bytes a
 * program writes go in (any chunking), the same bytes come out with every detected value replaced
 * by its masked form.
 *
 * <p><b>What the detectors read.</b> The text a terminal shows: UTF-8 decoded, escape sequences
 * left out (CSI such as colours {@code ESC[0m}, two- and three-byte ESC sequences, OSC, DCS, SOS,
 * PM and APC strings such as titles, and the same opened by C1 controls, raw or written as UTF-8,
 * as xterm.js and avt open them; a string ends where the terminals agree it ends: CAN, SUB, ESC, a
 * C1 control and, in an OSC, BEL; a string's body is read on its own as well, since a terminal may
 * show a title, and a value in it is masked in place, its bytes written as {@code *}; an open
 * string is held until it ends) and characters that draw nothing and move nothing left out as well
 * (NUL, BEL, SO/SI and the other C0 controls but backspace, tab, line feed, vertical tab, form feed
 * and carriage return, which stay as characters; DEL; C1 controls; format characters such as
 * U+200B, U+200C/D, U+2060, U+FEFF and the soft hyphen U+00AD; variation selectors, U+034F and the
 * other default-ignorable code points). So {@code ab ESC[0m c@exa NUL mple.com} is read as {@code
 * abc@example.com}, as the eye reads it. Where terminals disagree (the chars of a sequence opened
 * by a C1 control, what follows a BEL or a non-ASCII char in a DCS/SOS/PM/APC, a string's rest
 * past {@link #STRING_LIMIT}, a non-ASCII char ending an ESC or CSI sequence, invalid UTF-8), the
 * chars are read both ways: the detectors run on the text with them and without them, and a value
 * of either reading is masked. A masked value's own escape sequences are written after its masked
 * form (colours still end where they ended); everything outside values passes byte for byte,
 * invalid UTF-8 and NULs included.
 *
 * <p><b>Chunks.</b> Output is passed on up to the last point where no value can run across
 * (after a character no detector's value contains, or after a line end where no {@code key:}
 * assignment or PEM block is open); what follows is held back, at most {@link #HOLD_LIMIT} bytes.
 * Masking by chunks so is exactly masking the whole stream at once (a seeded differential test
 * proves it), as long as nothing forces an earlier cut: {@link #flush()} (the caller's idle flush:
 * the program wrote nothing for {@link #idleFlushAfter} its last read, so a prompt is not held) or
 * the hold limit. Then what was passed on stays known (up to {@link #HOLD_LIMIT} characters, and
 * an open PEM block's BEGIN line always): when a value goes on from it, its later part is masked
 * (the value's masked form in place of that part). So a value a program writes with a pause in it
 * shows at most its part before the pause.
 *
 * <p>The detectors run as {@link ContentDetectors} runs them on text: this masker and the
 * PostgreSQL and Kubernetes paths find the same values.
 *
 * <p>Not thread-safe: one stream, one caller at a time.
 */
public final class OutputMasker {
  /** The most bytes held back while a value may still be running on. */
  public static final int HOLD_LIMIT = 16 * 1024;

  /**
   * How long a caller lets held bytes wait for more output before {@link #flush()}, after a read
   * of fewer than {@link #BULK_READ} bytes (a prompt, an echo, a line of output).
   */
  public static final Duration IDLE_FLUSH = Duration.ofMillis(2);

  /**
   * The wait after a read of {@link #BULK_READ} bytes or more: bulk output is flowing, and a gap
   * of a few milliseconds there is the machine being busy, not the program waiting for input.
   */
  public static final Duration BULK_IDLE_FLUSH = Duration.ofMillis(20);

  /** A read this large means bulk output. */
  public static final int BULK_READ = 8 * 1024;

  /** How long to wait for more after a read of {@code lastRead} bytes before {@link #flush()}. */
  public static Duration idleFlushAfter(int lastRead) {
    return lastRead >= BULK_READ ? BULK_IDLE_FLUSH : IDLE_FLUSH;
  }

  /** Input is taken in slices of this size, so the per-character tables stay small. */
  private static final int SLICE = 8 * 1024;

  /** A string sequence (OSC, DCS...) longer than this is read as text again (fail safe). */
  private static final int STRING_LIMIT = 4096;

  /** Where masked output goes. */
  @FunctionalInterface
  public interface Sink {
    void write(byte[] b, int off, int len) throws IOException;
  }

  private enum State { GROUND, ESC, ESC_INTERMEDIATE, CSI, STRING, STRING_ESC }

  private final ContentDetectors detectors;
  private final MaskForm form;
  private final Sink sink;
  private final long[] counts;
  /** The masked form of every value when it does not depend on the value ({@link MaskForm#FULL}), else null. */
  private final byte[] stars;

  // Bytes not yet passed on: buf[0, parsed) read into text/at/width, buf[parsed, len) not yet.
  private byte[] buf = new byte[4096];
  private int len;
  private int parsed;
  private char[] text = new char[1024]; // the chars a terminal shows of buf[0, parsed)
  private int tlen;
  private int[] at = new int[1024]; // byte offset in buf of each char of text
  private byte[] width = new byte[1024]; // its bytes (both halves of a surrogate pair: 4)
  /**
   * Whether each char of text is read two ways: shown by some terminals, swallowed by others (a
   * string's body after a BEL, a sequence opened by a C1 control written as UTF-8...). The
   * detectors read the text both with and without these chars.
   */
  private boolean[] amb = new boolean[1024];
  /** Text passed on since the last safe cut (after a forced one): a value may still run on from it. */
  private String carry = "";
  /** Which chars of carry are read two ways (as {@link #amb}); null when none is. */
  private boolean[] carryAmb;

  private byte[] obuf = new byte[SLICE]; // output of one call, handed to the sink at once
  private int olen;

  private State state = State.GROUND;
  /**
   * The sequence being read was opened by a C1 control (U+009B, U+0090...): xterm.js and avt read
   * one there, terminals that ignore C1 controls show its bytes, so its chars are read both ways.
   */
  private boolean c1Seq;
  /** The string's chars are read both ways as well (text for some terminals, body for others). */
  private boolean ambString;
  /** The string's body is still collected and the string held (false past {@link #STRING_LIMIT}). */
  private boolean holdString;
  /** The string's kind: {@code ]} OSC, {@code P} DCS, {@code X} SOS, {@code ^} PM, {@code _} APC. */
  private int stringKind;
  /** tlen when the string opened (an open string read again drops what it added). */
  private int stringTlen;
  private int stringBytes;
  /** Byte offset in buf of the last ESC read, and of the ESC that opened the string being read. */
  private int escStart;
  private int stringStart;
  /** The body of the string being read: its chars and where each is in buf. */
  private char[] body = new char[256];
  private int[] bodyAt = new int[256];
  private byte[] bodyWidth = new byte[256];
  private int bodyLen;
  /** Where terminals disagree about the string's end: the body is read in parts there as well. */
  private int[] bodyCuts = new int[4];
  private int bodyCutCount;
  /** The stream is ending: a string still open ends with it. */
  private boolean closing;

  public OutputMasker(ContentDetectors detectors, MaskForm form, Sink sink) {
    this.detectors = detectors;
    this.form = form;
    this.sink = sink;
    this.counts = new long[detectors.names().size()];
    this.stars = form == MaskForm.FULL ? MaskForm.STARS.getBytes(StandardCharsets.UTF_8) : null;
  }

  /** Takes output; passes on what can be judged now, masked. */
  public void write(byte[] b, int off, int n) throws IOException {
    while (n > 0) {
      int k = Math.min(n, SLICE);
      append(b, off, k);
      parse();
      pass(false);
      off += k;
      n -= k;
    }
    deliver();
  }

  /** Whether bytes are held back (the caller's idle flush has something to do). */
  public boolean holding() {
    return len > 0;
  }

  /**
   * Passes on everything held, masked as far as it goes: the program is idle. An incomplete UTF-8
   * character (it shows nothing yet) stays.
   */
  public void flush() throws IOException {
    pass(true);
    deliver();
  }

  /** End of the stream: passes on all that is left (a value open at the end runs to the end). */
  public void close() throws IOException {
    closing = true;
    parse();
    pass(true);
    if (len > 0) {
      put(buf, 0, len); // an incomplete UTF-8 character: shown as the terminal shows it
      len = 0;
      parsed = 0;
    }
    carry = "";
    carryAmb = null;
    deliver();
  }

  /** Masked values so far, by detector name (only detectors that masked something). */
  public Map<String, Long> maskedCounts() {
    Map<String, Long> m = new LinkedHashMap<>();
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] > 0) {
        m.put(detectors.names().get(i), counts[i]);
      }
    }
    return m;
  }

  /**
   * The whole-stream reference: {@code stream} read at once, every value masked, no cuts. The
   * streaming masker's output must equal this for any chunking (without idle flushes).
   */
  public static byte[] maskWhole(ContentDetectors detectors, MaskForm form, byte[] stream) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    OutputMasker m = new OutputMasker(detectors, form, out::write);
    m.append(stream, 0, stream.length);
    m.closing = true;
    m.parse();
    String t = new String(m.text, 0, m.tlen);
    m.emit(t, 0, t.length(), m.parsed, m.find(t, m.amb, 0));
    m.put(m.buf, m.parsed, m.len - m.parsed);
    m.deliver();
    return out.toByteArray();
  }

  // ---- reading the terminal's text ------------------------------------------------------------

  private void append(byte[] b, int off, int n) {
    if (len + n > buf.length) {
      buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }
    System.arraycopy(b, off, buf, len, n);
    len += n;
  }

  private void addChar(char c, int start, int w) {
    addChar(c, start, w, false);
  }

  private void addChar(char c, int start, int w, boolean twoWays) {
    room(1);
    text[tlen] = c;
    at[tlen] = start;
    width[tlen] = (byte) w;
    amb[tlen] = twoWays;
    tlen++;
  }

  /** A code point read both ways: shown by some terminals, swallowed by others. */
  private void addAmb(int cp, int start, int w) {
    if (Character.isBmpCodePoint(cp)) {
      addChar((char) cp, start, w, true);
    } else {
      addChar(Character.highSurrogate(cp), start, w, true);
      addChar(Character.lowSurrogate(cp), start, w, true);
    }
  }

  private void room(int n) {
    if (tlen + n > at.length) {
      int size = Math.max(at.length * 2, tlen + n);
      text = java.util.Arrays.copyOf(text, size);
      at = java.util.Arrays.copyOf(at, size);
      width = java.util.Arrays.copyOf(width, size);
      amb = java.util.Arrays.copyOf(amb, size);
    }
  }

  /** Reads buf[parsed, len) into text; stops before an incomplete UTF-8 character. */
  private void parse() {
    int i = parsed;
    final int from = parsed;
    escStart = -1; // an ESC read by an earlier call sits at an offset since moved
    read:
    while (i < len) {
      int b = buf[i] & 0xff;
      switch (state) {
        case GROUND -> {
          if (b < 0x80 && b != 0x1b) {
            // the common case: a run of ASCII (controls included), one char per byte, in one pass
            room(len - i);
            char[] text = this.text;
            int[] at = this.at;
            byte[] width = this.width;
            boolean[] amb = this.amb;
            byte[] buf = this.buf;
            int n = tlen;
            int k = i;
            for (; k < len; k++) {
              byte x = buf[k];
              if (x < 0x20 || x == 0x7f) { // a control, or a byte of UTF-8 (negative)
                if (x < 0 || x == 0x1b) {
                  break; // the run ends
                }
                if (drawsNothing(x)) {
                  continue; // its byte passes on; the detectors do not see it
                }
              }
              text[n] = (char) x;
              at[n] = k;
              width[n] = 1;
              amb[n] = false;
              n++;
            }
            tlen = n;
            i = k;
          } else if (b == 0x1b) {
            state = State.ESC;
            c1Seq = false;
            escStart = i;
            i++;
          } else {
            int n = utf8Length(i);
            if (n == 0) {
              parsed = i;
              return; // wait for the rest of the character
            }
            if (n < 0) {
              if (b <= 0x9f) {
                c1(b, i, 1); // a raw C1 byte: a terminal reading bytes takes it as a C1 control
              } else {
                addAmb('\uFFFD', i, 1); // invalid: U+FFFD on some terminals, nothing on others
              }
              i++;
            } else {
              int cp = decode(i, n);
              if (cp <= 0x9f) {
                c1(cp, i, n); // a C1 control written as UTF-8: xterm.js and avt act on it
              } else if (drawsNothing(cp)) {
                // left out of the text, its bytes passed on
              } else if (Character.isBmpCodePoint(cp)) {
                addChar((char) cp, i, n);
              } else {
                addChar(Character.highSurrogate(cp), i, n);
                addChar(Character.lowSurrogate(cp), i, n);
              }
              i += n;
            }
          }
        }
        case ESC -> {
          if (b >= 0x80) {
            int n = sequenceEndsAt(i);
            if (n == 0) {
              break read; // wait for the rest of the character
            }
            i += n;
            continue;
          }
          i++;
          if (b == '[') {
            state = State.CSI;
          } else if (b == ']' || b == 'P' || b == 'X' || b == '^' || b == '_') {
            openString(b, escStart >= 0 ? escStart : i - 1, false); // else its ESC was passed on: hold from here
          } else if (b >= 0x20 && b <= 0x2f) {
            state = State.ESC_INTERMEDIATE;
          } else if (b == 0x1b) {
            state = State.ESC;
            escStart = i - 1;
          } else if (b == 0x7f) {
            // DEL inside a sequence is ignored (xterm.js, avt): the next byte still ends it
          } else if (b < 0x20 && b != 0x18 && b != 0x1a) {
            if (!drawsNothing(b)) {
              addChar((char) b, i - 1, 1); // a control inside a sequence still acts (as xterm does)
            }
          } else {
            state = State.GROUND; // final byte, or CAN/SUB cancelling
          }
        }
        case ESC_INTERMEDIATE, CSI -> {
          if (b >= 0x80) {
            int n = sequenceEndsAt(i);
            if (n == 0) {
              break read;
            }
            i += n;
            continue;
          }
          i++;
          if (b == 0x1b) {
            state = State.ESC;
            c1Seq = false;
            escStart = i - 1;
          } else if (b == 0x18 || b == 0x1a) {
            state = State.GROUND;
          } else if (b < 0x20) {
            if (!drawsNothing(b)) {
              addChar((char) b, i - 1, 1);
            }
          } else {
            if (c1Seq && b != 0x7f) {
              addChar((char) b, i - 1, 1, true); // shown where the C1 control that opened it is ignored
            }
            if (state == State.CSI ? b >= 0x40 && b <= 0x7e : b >= 0x30 && b <= 0x7e) {
              state = State.GROUND;
            }
          }
        }
        case STRING -> {
          // A string ends where the terminals agree it ends: CAN, SUB, ESC, a C1 control (raw
          // or written as UTF-8; U+009C is ST) and, in an OSC, BEL. Where they disagree, what
          // follows is read both ways (as text and as the string's body): BEL in a DCS, SOS, PM
          // or APC (xterm.js and avt read on, others end the string), a non-ASCII character there
          // (xterm.js ends the string and drops it, avt reads on) and the bytes past
          // STRING_LIMIT. Its body is not part of the text around it; it is read on its own (a
          // terminal may show a title) and a value there is masked in place.
          if (b == 0x07 && stringKind == ']' || b == 0x18 || b == 0x1a) {
            i++;
            endString();
          } else if (b == 0x07) {
            i++;
            stringBytes++;
            bodyCut(); // where a terminal ends the string: its body so far is read on its own too
            ambString = true;
          } else if (b == 0x1b) {
            i++;
            state = State.STRING_ESC;
          } else if (b >= 0x80 && b <= 0x9f) {
            endString(); // a raw C1 byte: a terminal reading bytes ends the string there
            c1(b, i, 1);
            i++;
          } else if (b < 0x80) {
            if (b >= 0x20 && b != 0x7f) {
              stringChar(b, i, 1);
            }
            i++;
            stringBytes++;
          } else {
            int n = utf8Length(i);
            if (n == 0) {
              if (!closing) {
                break read; // wait for the rest of the character (the string is read again, whole)
              }
              n = -1;
            }
            if (n < 0) {
              stringChar('\uFFFD', i, 1);
              i++;
              stringBytes++;
            } else {
              int cp = decode(i, n);
              if (cp <= 0x9f) {
                endString(); // a C1 control written as UTF-8 ends the string on a terminal decoding first
                c1(cp, i, n);
              } else if (stringKind != ']' && !ambString) {
                bodyCut();
                ambString = true; // xterm.js: the string ends here, the char dropped; avt reads on
              } else if (!drawsNothing(cp)) {
                stringChar(cp, i, n);
              }
              i += n;
              stringBytes += n;
            }
          }
          if (state == State.STRING && holdString && stringBytes > STRING_LIMIT) {
            // Some terminal may give up on so long a string and show the rest: the body so far is
            // masked in place, the rest read both ways, as text and not.
            maskBody();
            holdString = false;
            ambString = true;
          }
        }
        case STRING_ESC -> {
          endString();
          escStart = i > from ? i - 1 : -1;
          if (b == '\\') {
            i++;
            state = State.GROUND;
          } else {
            state = State.ESC; // ESC ends the string and starts a sequence of its own
          }
        }
        default -> throw new IllegalStateException(state.toString());
      }
    }
    if (state == State.STRING || state == State.STRING_ESC) {
      if (closing) {
        endString(); // the stream ends inside it: what the body holds is masked all the same
        i = len;
      } else if (holdString) {
        // An open string is held whole and read again when more comes: its body's values are
        // masked in place at its end, so none of it may be passed on before.
        i = stringStart;
        int first = buf[stringStart] & 0xff;
        state = first == 0x1b || first >= 0x80 ? State.GROUND : State.ESC; // from its opener, or from its ']' after an ESC
        tlen = stringTlen;
        bodyLen = 0;
        bodyCutCount = 0;
        ambString = false;
        c1Seq = false;
      }
    }
    parsed = i;
  }

  /**
   * A byte >= 0x80 at i inside an ESC or CSI sequence: a C1 control (raw or as UTF-8) acts as
   * anywhere; any other character ends the sequence and is read both ways (xterm.js drops it,
   * avt takes it as the final byte, a terminal aborting the sequence shows it). Returns its bytes,
   * 0 when it is incomplete.
   */
  private int sequenceEndsAt(int i) {
    int b = buf[i] & 0xff;
    int n = utf8Length(i);
    if (n == 0) {
      if (!closing) {
        return 0;
      }
      n = -1;
    }
    if (n < 0) {
      if (b <= 0x9f) {
        c1(b, i, 1);
      } else {
        state = State.GROUND;
        addAmb('\uFFFD', i, 1);
      }
      return 1;
    }
    int cp = decode(i, n);
    if (cp <= 0x9f) {
      c1(cp, i, n);
    } else {
      state = State.GROUND;
      c1Seq = false;
      if (!drawsNothing(cp)) {
        addAmb(cp, i, n);
      }
    }
    return n;
  }

  /**
   * A C1 control (0x80-0x9F, a raw byte or written as UTF-8) at byte {@code start}: CSI, OSC, DCS,
   * SOS, PM and APC open a sequence (as in xterm.js and avt) whose chars are read both ways, since
   * other terminals ignore the control and show them; the rest draw nothing and end any sequence.
   */
  private void c1(int cp, int start, int n) {
    switch (cp) {
      case 0x9b -> {
        state = State.CSI;
        c1Seq = true;
      }
      case 0x9d -> openString(']', start, true);
      case 0x90 -> openString('P', start, true);
      case 0x98 -> openString('X', start, true);
      case 0x9e -> openString('^', start, true);
      case 0x9f -> openString('_', start, true);
      default -> {
        state = State.GROUND;
        c1Seq = false;
      }
    }
  }

  private void openString(int kind, int start, boolean byC1) {
    state = State.STRING;
    stringKind = kind;
    stringBytes = 0;
    stringStart = start;
    stringTlen = tlen;
    bodyLen = 0;
    bodyCutCount = 0;
    holdString = true;
    ambString = byC1;
    c1Seq = byC1;
  }

  /** A char of a string's body: in the body while it is held, and in the text when read both ways. */
  private void stringChar(int cp, int start, int w) {
    if (holdString) {
      if (Character.isBmpCodePoint(cp)) {
        bodyChar((char) cp, start, w);
      } else {
        bodyChar(Character.highSurrogate(cp), start, w);
        bodyChar(Character.lowSurrogate(cp), start, w);
      }
    }
    if (ambString) {
      addAmb(cp, start, w);
    }
  }

  /** A char of a string's body at byte {@code start} ({@code w} bytes). */
  private void bodyChar(char c, int start, int w) {
    if (bodyLen == bodyAt.length) {
      bodyAt = java.util.Arrays.copyOf(bodyAt, bodyLen * 2);
      bodyWidth = java.util.Arrays.copyOf(bodyWidth, bodyLen * 2);
      body = java.util.Arrays.copyOf(body, bodyLen * 2);
    }
    body[bodyLen] = c;
    bodyAt[bodyLen] = start;
    bodyWidth[bodyLen] = (byte) w;
    bodyLen++;
  }

  /**
   * The string ends: the detectors read its body on its own, and each value's bytes are
   * overwritten with {@code *} in place (same length: the offsets of what was read stay valid).
   */
  private void endString() {
    state = State.GROUND;
    c1Seq = false;
    ambString = false;
    maskBody();
  }

  private void maskBody() {
    if (bodyLen == 0) {
      bodyCutCount = 0;
      return;
    }
    maskBodyPart(0, bodyLen);
    int from = 0;
    for (int k = 0; k < bodyCutCount; k++) {
      maskBodyPart(from, bodyCuts[k]);
      from = bodyCuts[k];
    }
    if (from > 0) {
      maskBodyPart(from, bodyLen);
    }
    bodyCutCount = 0;
    bodyLen = 0;
  }

  /** A point in the body where some terminal ends the string (masked at its end, not now: it may be read again). */
  private void bodyCut() {
    if (bodyCutCount > 0 && bodyCuts[bodyCutCount - 1] == bodyLen || bodyLen == 0) {
      return;
    }
    if (bodyCutCount == bodyCuts.length) {
      bodyCuts = java.util.Arrays.copyOf(bodyCuts, bodyCutCount * 2);
    }
    bodyCuts[bodyCutCount++] = bodyLen;
  }

  private void maskBodyPart(int from, int to) {
    if (to <= from) {
      return;
    }
    String t = new String(body, from, to - from);
    for (int[] v : detectors.values(t)) {
      for (int k = from + v[0]; k < from + v[1]; k++) {
        java.util.Arrays.fill(buf, bodyAt[k], bodyAt[k] + bodyWidth[k], (byte) '*');
      }
      counts[v[2]]++;
    }
  }


  /**
   * Whether a terminal draws nothing for {@code cp} and does not move the cursor: then a value
   * written with it inside shows whole, so the detectors must read it whole. Backspace, tab, line
   * feed, vertical tab, form feed and carriage return move the cursor and stay. Leaving out a
   * character that some terminal does draw (SUB as a glyph) can only join what a value detector
   * then masks: the safe side.
   */
  static boolean drawsNothing(int cp) {
    if (cp < 0x20) {
      return cp < 0x08 || cp > 0x0d;
    }
    if (cp < 0x7f) {
      return false;
    }
    if (cp <= 0x9f) {
      return true; // DEL and the C1 controls
    }
    int type = Character.getType(cp);
    return type == Character.FORMAT // U+00AD, U+200B-U+200F, U+202A-U+202E, U+2060-U+2064, U+FEFF, tags
        || cp == 0x034F // combining grapheme joiner
        || cp >= 0xFE00 && cp <= 0xFE0F || cp >= 0xE0100 && cp <= 0xE01EF // variation selectors
        || cp >= 0x180B && cp <= 0x180F // Mongolian free variation selectors
        || cp == 0x2028 || cp == 0x2029
        // the other default-ignorable code points: zero width in terminals, drawn as nothing by fonts
        || cp == 0x115F || cp == 0x1160 || cp == 0x17B4 || cp == 0x17B5 || cp == 0x3164 || cp == 0xFFA0
        || cp >= 0x2060 && cp <= 0x206F || cp >= 0xFFF0 && cp <= 0xFFF8 || cp >= 0xE0000 && cp <= 0xE0FFF;
  }

  /** Bytes of the UTF-8 character at i: n, 0 when incomplete at the end, -1 when invalid. */
  private int utf8Length(int i) {
    int b = buf[i] & 0xff;
    int n;
    int lo = 0x80;
    int hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) {
      n = 2;
    } else if (b >= 0xe0 && b <= 0xef) {
      n = 3;
      if (b == 0xe0) {
        lo = 0xa0;
      } else if (b == 0xed) {
        hi = 0x9f;
      }
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 4;
      if (b == 0xf0) {
        lo = 0x90;
      } else if (b == 0xf4) {
        hi = 0x8f;
      }
    } else {
      return -1;
    }
    for (int k = 1; k < n; k++) {
      if (i + k >= len) {
        return 0;
      }
      int c = buf[i + k] & 0xff;
      if (c < (k == 1 ? lo : 0x80) || c > (k == 1 ? hi : 0xbf)) {
        return -1;
      }
    }
    return n;
  }

  private int decode(int i, int n) {
    int cp = buf[i] & (n == 2 ? 0x1f : n == 3 ? 0x0f : 0x07);
    for (int k = 1; k < n; k++) {
      cp = (cp << 6) | (buf[i + k] & 0x3f);
    }
    return cp;
  }

  // ---- where to cut, and masking up to the cut -------------------------------------------------

  /**
   * Passes on buf up to the last safe cut; with {@code forced}, everything read (the rest is then
   * remembered as {@link #carry}). Also forced when more than {@link #HOLD_LIMIT} bytes are held.
   */
  private void pass(boolean forced) throws IOException {
    if (len == 0) {
      return;
    }
    if (tlen == 0) {
      // Only escape sequences (and perhaps an incomplete character): nothing a value could hold.
      put(buf, 0, parsed);
      drop(0);
      return;
    }
    String t = carry.isEmpty() ? new String(text, 0, tlen) : carry + new String(text, 0, tlen);
    int c = carry.length();
    boolean[] a = amb; // a[ao + k]: whether t[k] is read both ways
    int ao = 0;
    if (c > 0) {
      a = new boolean[t.length()];
      if (carryAmb != null) {
        System.arraycopy(carryAmb, 0, a, 0, c);
      }
      System.arraycopy(amb, 0, a, c, tlen);
    }
    int p = safeCut(t, c, a);
    if (p > c) {
      List<int[]> values = find(p == t.length() ? t : t.substring(0, p), a, ao);
      emit(t, c, p, p - c < tlen ? at[p - c] : parsed, values);
      carry = "";
      carryAmb = null;
      drop(p - c);
      t = t.substring(p);
      a = amb; // what is left of t is what is left of text
      c = 0;
    }
    if (!forced && len <= HOLD_LIMIT) {
      return;
    }
    if (tlen == 0 && parsed == 0) {
      return; // only an incomplete UTF-8 character is left
    }
    // Forced: pass on all that is read, and remember it, as a value may go on from it.
    List<int[]> values = find(t, a, ao);
    emit(t, c, t.length(), parsed, values);
    carry = carryAfter(t);
    carryAmb = null;
    int kept = Math.min(t.length(), HOLD_LIMIT); // carry ends with the last kept chars of t
    int from = t.length() - kept;
    for (int k = 0; k < kept; k++) {
      if (a[ao + from + k]) {
        if (carryAmb == null) {
          carryAmb = new boolean[carry.length()];
        }
        carryAmb[carry.length() - kept + k] = true;
      }
    }
    drop(tlen);
  }

  /**
   * The values in t (t[k] read both ways when a[ao + k]): those of the text with these chars shown
   * and those of the text without them, a value of the latter spanning the chars it skips;
   * overlapping values joined into one.
   */
  private List<int[]> find(String t, boolean[] a, int ao) {
    List<int[]> shown = detectors.values(t);
    int n = t.length();
    int any = -1;
    for (int k = 0; k < n; k++) {
      if (a[ao + k]) {
        any = k;
        break;
      }
    }
    if (any < 0) {
      return shown;
    }
    StringBuilder hidden = new StringBuilder(n);
    int[] map = new int[n];
    for (int k = 0; k < n; k++) {
      if (!a[ao + k]) {
        map[hidden.length()] = k;
        hidden.append(t.charAt(k));
      }
    }
    List<int[]> other = detectors.values(hidden.toString());
    if (other.isEmpty()) {
      return shown;
    }
    List<int[]> all = new java.util.ArrayList<>(shown.size() + other.size());
    all.addAll(shown);
    for (int[] v : other) {
      all.add(new int[] {map[v[0]], map[v[1] - 1] + 1, v[2]});
    }
    all.sort((x, y) -> Integer.compare(x[0], y[0]));
    List<int[]> joined = new java.util.ArrayList<>(all.size());
    int[] cur = null;
    for (int[] v : all) {
      if (cur != null && v[0] < cur[1]) {
        cur[1] = Math.max(cur[1], v[1]);
      } else {
        cur = new int[] {v[0], v[1], v[2]};
        joined.add(cur);
      }
    }
    return joined;
  }

  /**
   * The last position p in (c, t.length()] after which no value can go on: t[p-1] is a character
   * no detector's value holds, or white space (not a blank) that no open assignment or PEM block
   * spans. -1 when there is none.
   */
  private static int safeCut(String t, int c, boolean[] a) {
    List<int[]> blocks = ContentDetectors.privateKeyBlocks(t);
    // The text without the chars read both ways: a cut must be safe in it as well.
    String h = null;
    int[] hpos = null; // hpos[p]: the chars of h before t's position p
    for (int k = 0; k < t.length(); k++) {
      if (a[k]) {
        StringBuilder sb = new StringBuilder(t.length());
        hpos = new int[t.length() + 1];
        int[] map = new int[t.length()];
        for (int j = 0; j < t.length(); j++) {
          hpos[j] = sb.length();
          if (!a[j]) {
            map[sb.length()] = j;
            sb.append(t.charAt(j));
          }
        }
        hpos[t.length()] = sb.length();
        h = sb.toString();
        blocks = new java.util.ArrayList<>(blocks);
        for (int[] bl : ContentDetectors.privateKeyBlocks(h)) {
          blocks.add(new int[] {map[bl[0]], bl[1] == Integer.MAX_VALUE ? Integer.MAX_VALUE : map[bl[1] - 1] + 1});
        }
        break;
      }
    }
    int p = t.length();
    while (p > c) {
      // Inside a PEM block of either reading: only before it, and before any block that start is in
      // (the readings' blocks overlap: a move out of one may land in another listed before it).
      for (boolean moved = true; moved; ) {
        moved = false;
        for (int[] b : blocks) {
          if (b[0] < p && p < b[1]) {
            p = b[0];
            moved = true;
          }
        }
      }
      if (p <= c) {
        break;
      }
      char ch = t.charAt(p - 1);
      if (a[p - 1]) {
        p--; // read both ways: a value may run across it
        continue;
      }
      if (breaks(ch)) {
        return p;
      }
      if (ch != ' ' && ContentDetectors.isSpace(ch) && !ContentDetectors.assignmentMayContinue(t, p)
          && (h == null || !ContentDetectors.assignmentMayContinue(h, hpos[p]))) {
        return p;
      }
      p--;
    }
    return -1;
  }


  /**
   * Whether no detector's value (or the key word and separator before an {@code api-key} value)
   * can hold {@code ch}: ASCII letters and digits, {@code . _ % + - @ " ' : = / ~}, white space
   * and the two characters RE2's case folding maps onto ASCII letters (the Kelvin sign and the
   * long s) can; everything else cannot. None of the breaks is a word character, so the
   * {@code \b} of a pattern reads the same on both sides of a cut.
   */
  static boolean breaks(char ch) {
    if (ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9') {
      return false;
    }
    return switch (ch) {
      case '.', '_', '%', '+', '-', '@', '"', '\'', ':', '=', '/', '~', ' ', '\t', '\n', '\f', '\r', '\u212A', '\u017F' ->
          false;
      default -> true;
    };
  }

  /**
   * What a forced cut leaves to be remembered: the last {@link #HOLD_LIMIT} characters of t and,
   * when a PEM block is still open and began before them, its BEGIN line in front.
   */
  private static String carryAfter(String t) {
    int from = Math.max(0, t.length() - HOLD_LIMIT);
    String kept = t.substring(from);
    for (int[] b : ContentDetectors.privateKeyBlocks(t)) {
      if (b[1] == Integer.MAX_VALUE && b[0] < from) {
        return ContentDetectors.privateKeyHeader(t, b[0]) + "\n" + kept;
      }
    }
    return kept;
  }

  /**
   * Writes buf[0, byteEnd): the chars t[c, p) of it (t[0, c) is the carry, already passed on)
   * with each value replaced. A value that began in the carry has only its part from c replaced.
   */
  private void emit(String t, int c, int p, int byteEnd, List<int[]> values) throws IOException {
    int pos = 0; // byte position in buf
    for (int[] v : values) {
      int s = Math.max(v[0], c);
      int e = Math.min(v[1], p);
      if (e <= s) {
        continue;
      }
      int first = at[s - c];
      int last = e - c - 1;
      put(buf, pos, first - pos);
      byte[] masked = stars != null ? stars : form.apply(t.substring(v[0], v[1])).getBytes(StandardCharsets.UTF_8);
      put(masked, 0, masked.length);
      counts[v[2]]++;
      // The value's escape sequences (and the bytes of controls inside them), after its mask.
      // (No shortcut by counting: a span of as many bytes as chars may still hold a sequence's bytes
      // where the two readings' chars overlap; the seeded differential test met one, ESC DEL inside a
      // PEM header, whose bytes the shortcut dropped.)
      int cursor = first;
      for (int k = s - c; k <= last; k++) {
        if (at[k] > cursor) {
          put(buf, cursor, at[k] - cursor);
        }
        cursor = Math.max(cursor, at[k] + width[k]);
      }
      pos = cursor;
    }
    if (byteEnd > pos) {
      put(buf, pos, byteEnd - pos);
    }
  }

  private void put(byte[] b, int off, int n) {
    if (n <= 0) {
      return;
    }
    if (olen + n > obuf.length) {
      obuf = java.util.Arrays.copyOf(obuf, Math.max(obuf.length * 2, olen + n));
    }
    System.arraycopy(b, off, obuf, olen, n);
    olen += n;
  }

  /** Hands what was passed on to the sink, in one write. */
  private void deliver() throws IOException {
    if (olen > 0) {
      int n = olen;
      olen = 0;
      sink.write(obuf, 0, n);
    }
    if (obuf.length > 512 * 1024) {
      obuf = new byte[SLICE]; // a burst is over: do not keep its buffer
    }
  }

  /** Forgets the first n chars of text and the bytes before the next one. */
  private void drop(int n) {
    int bytes = n < tlen ? at[n] : parsed;
    int keep = tlen - n;
    if (keep < 0) {
      throw new IllegalStateException("dropping " + n + " chars of " + tlen);
    }
    System.arraycopy(text, n, text, 0, keep);
    tlen = keep;
    System.arraycopy(at, n, at, 0, keep);
    System.arraycopy(width, n, width, 0, keep);
    System.arraycopy(amb, n, amb, 0, keep);
    for (int k = 0; k < keep; k++) {
      at[k] -= bytes;
    }
    System.arraycopy(buf, bytes, buf, 0, len - bytes);
    len -= bytes;
    parsed -= bytes;
  }
}
