package dev.gatehouse.gateway.shell;

import dev.gatehouse.gateway.postgres.StatementGate.Decision;
import dev.gatehouse.gateway.postgres.StatementGate.Hold;
import dev.gatehouse.gateway.terminal.OutputBuffer;
import dev.gatehouse.gateway.terminal.RecordedOutput;
import dev.gatehouse.gateway.terminal.WindowSize;
import dev.gatehouse.policy.OutputMasker;
import dev.gatehouse.policy.Verdict;
import dev.gatehouse.policy.shell.ShellJudge;
import dev.gatehouse.policy.shell.ShellJudgement;
import dev.gatehouse.recorder.VisibleText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A shell whose prompt the gateway cannot own (not bash, or bash that never took the
 * integration), judged from the screen ({@code onGuardLost: screen}): a guardrail, never exact.
 *
 * <pre>
 *  keys ──▶ input ──queue──▶ worker: raw to the shell, except Enter (CR or LF), held:
 *                              wait for the echo ─▶ rebuild the line from the ScreenModel
 *                              (cursor's row and its wrapped rows, less the prompt captured at the
 *                              line's first key) ─▶ ShellJudge, as an exec command:
 *                                allow ─▶ Enter to the shell
 *                                block ─▶ reason line, Ctrl-C to the shell (it drops the line)
 *                                review ─▶ "waiting for approval …" (Ctrl-C cancels) ─▶ Enter or as block
 *                              empty line (nothing new on the row: a password) ─▶ Enter
 *                            alternate screen on (vim, less, top): everything raw, Enter not judged
 *  shell's output ──▶ ScreenModel (raw) ──▶ [masker] ──▶ recording, user
 * </pre>
 *
 * The line judged is what the screen shows, not what the shell reads: {@code stty -echo}, a line
 * editor's bindings and completion, output that redraws the row, control characters in pasted
 * text and keys that execute by themselves all make the two differ (docs/security-model.md).
 * Audit lines and markers say {@code source: screen}.
 */
public final class ScreenShell {
  private static final Logger LOG = LoggerFactory.getLogger(ScreenShell.class);
  /** The shell's output must have been quiet this long before a line is rebuilt or a new one started. */
  static final long QUIET_MILLIS = 100;
  /**
   * How long Enter waits at most for the echo of what was typed (and a line start for the shell's
   * prompt): a screen read before the echo came would judge less than was typed. A line whose
   * echo comes later is judged as the screen shows it then; a line typed without echo (a
   * password) waits this long once.
   */
  static final long ECHO_WAIT_MILLIS = 1000;
  /** The line shown when screen mode starts, after the reason. */
  public static final String NOTICE = "commands are now judged from the screen (source: screen)";

  private static final byte[] CLOSED = new byte[0];
  private static final byte CTRL_C = 3;
  private static final byte CTRL_U = 0x15;
  /** The terminal's literal-next (VLNEXT) and readline's quoted-insert. */
  private static final byte CTRL_V = 0x16;
  /** Why a line is refused whose whole the screen does not show (the audit's rule slug). */
  static final String NOT_SHOWN_RULE = "screen-incomplete";
  static final String NOT_SHOWN = "refused: the screen does not show the whole line (screen mode)";

  private final GuardedShell.Session session;
  private final ShellJudge judge;
  private final ShellTerminal shell;
  private final RecordedOutput out;
  private final OutputMasker masker;
  /** The user's screen; also the lock for {@link #lastOutput} and {@link #lastKey}. */
  private final ScreenModel screen;
  private final BlockingQueue<byte[]> keys = new LinkedBlockingQueue<>(4096);
  private long lastOutput = System.nanoTime();
  private long lastKey;
  private volatile boolean holding;
  private volatile Runnable cancelHeld;
  private volatile boolean ended;
  /** The worker's: the prompt captured at the current line's first key (null: no line begun). */
  private ScreenModel.Prompt prompt;
  /** The worker's: the prompt of the last line begun, for a line whose first key went to a full-screen program. */
  private ScreenModel.Prompt lastPrompt;
  /** The worker's: keys went to the shell since the last Enter. */
  private boolean typedSinceEnter;
  /** The worker's: an Enter went to the shell; the next line starts once its output settled. */
  private boolean afterEnter;

  public ScreenShell(GuardedShell.Session session, ShellJudge judge, ShellTerminal shell, RecordedOutput out,
      WindowSize size, Function<OutputMasker.Sink, OutputMasker> masking) {
    this.session = session;
    this.judge = judge;
    this.shell = shell;
    this.out = out;
    this.masker = masking.apply((b, off, len) -> out.writeRecorded(b, off, len));
    this.screen = new ScreenModel(size.columns(), size.rows());
  }

  /** Shows {@code notice} (why the screen mode began) and starts judging lines. */
  public void start(String notice) throws IOException {
    say(notice);
    Thread worker = new Thread(this::work, "gh-screen-" + session.id());
    worker.setDaemon(true);
    worker.start();
  }

  // ---- the shell's output ----------------------------------------------------------------------

  /**
   * The integration's OSC 133 markers are removed here as in guarded mode: the first part the
   * gateway typed as the session opened may still run after the screen mode began (a host slow to
   * read its startup files), and print the setup token, or the hook its nonces. None of them may
   * reach the screen or the recording. A marker of the hook's own shape (a D, A, P, B or C carrying a
   * nonce, an X) means the hook came up late and holds the terminal at its wall, where it would
   * swallow the lines judged from the screen: the session ends. So does a broken marker, as in
   * guarded mode. Other markers (a late S; another shell's own prompt marks) are dropped.
   */
  private final PromptMarkers markers = new PromptMarkers();

  private final PromptMarkers.Sink markerSink = new PromptMarkers.Sink() {
    @Override
    public void text(byte[] b, int off, int len) throws IOException {
      shown(b, off, len);
    }

    @Override
    public void marker(char kind, String payload) {
      if (kind == 'X' || "ADPBC".indexOf(kind) >= 0 && HOOK_NONCE.matcher(payload).find()) {
        endWith("integration-late", "gatehouse: the guard's integration came up after the session went on in screen"
            + " mode; session closed");
      }
    }

    @Override
    public void broken() {
      endWith("guard-output-altered", GuardedShell.MARKERS_ALTERED);
    }
  };

  /** A field of 128 hex digits: the hook's nonces (GuardedShell's), in any of its markers. */
  private static final java.util.regex.Pattern HOOK_NONCE =
      java.util.regex.Pattern.compile("(?:^|;)[0-9a-f]{128}(?:;|$)");

  private void endWith(String reason, String message) {
    if (ended) {
      return;
    }
    session.guardLost(reason, message);
    end();
  }

  /**
   * The shell's output: into the screen model as it is, markers included, so that a marker still
   * open (held until its end comes) is an open control string to the model as it is to a terminal,
   * and a line typed into it is refused as not shown; then, markers removed ({@link #markerSink}),
   * to the user. A whole marker draws nothing either way. Nothing more once the screen mode ended.
   */
  void output(byte[] b, int off, int len) throws IOException {
    if (len <= 0 || ended) {
      return;
    }
    synchronized (screen) {
      screen.feed(b, off, len);
      lastOutput = System.nanoTime();
      screen.notifyAll();
    }
    session.touch();
    markers.feed(b, off, len, markerSink);
  }

  /** Output to show (markers removed): (masked when the policy masks) to the user and the recording. */
  private void shown(byte[] b, int off, int len) throws IOException {
    if (len <= 0 || ended) {
      return;
    }
    if (masker != null) {
      masker.write(b, off, len);
    } else {
      out.writeRecorded(b, off, len);
    }
  }

  /** Copies the shell's output until its terminal closes; then the screen mode ends. */
  public void pumpOutput() {
    OutputBuffer buffer = new OutputBuffer(shell::awaitOutput, 64 * 1024);
    try {
      int n = 0;
      while (!ended) {
        if (masker != null && masker.holding()
            && !shell.awaitOutput((int) OutputMasker.idleFlushAfter(n).toMillis())) {
          masker.flush();
        }
        byte[] buf = buffer.next(n);
        n = shell.readOutput(buf, 0, buf.length);
        if (n <= 0) {
          break;
        }
        output(buf, 0, n);
      }
      if (masker != null) {
        masker.close();
      }
    } catch (IOException e) {
      // the shell's terminal closed
    } catch (RuntimeException e) {
      session.outputMaskingFailed(e); // fail closed: nothing more is shown unmasked
      shell.stopReading();
    } finally {
      end();
    }
  }

  // ---- the user's keys -------------------------------------------------------------------------

  /**
   * The user's keys. While a line waits for approval only Ctrl-C counts (it withdraws the line);
   * other keys typed then are dropped, as they could not be told from the held line's.
   */
  public void input(byte[] b) {
    if (ended) {
      return;
    }
    if (holding) {
      for (byte k : b) {
        if (k == CTRL_C) {
          Runnable r = cancelHeld;
          if (r != null) {
            r.run();
          }
          return;
        }
      }
      return;
    }
    if (!keys.offer(b)) {
      throw new IllegalStateException("screen-mode input queue full");
    }
  }

  /** The client sent EOF: as Ctrl-D typed. */
  public void endOfInput() {
    input(new byte[] {4});
  }

  public void resize(WindowSize size) {
    synchronized (screen) {
      screen.resize(size.columns(), size.rows());
    }
    shell.resize(size);
  }

  public void end() {
    ended = true;
    keys.clear();
    keys.offer(CLOSED);
    Runnable r = cancelHeld;
    if (r != null) {
      r.run();
    }
  }

  private void work() {
    try {
      while (!ended) {
        byte[] b = keys.take();
        if (b == CLOSED) {
          return;
        }
        typed(b);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      LOG.debug("session {}: screen-mode input ended: {}", session.id(), e.toString());
    } catch (RuntimeException e) {
      // Fail closed: no more keys reach the shell; the user can still end the session.
      LOG.warn("session {}: screen-mode input failed; keys are no longer passed on", session.id(), e);
    }
  }

  /** One read of the user's keys: raw up to each Enter, which is judged; a refused line drops the rest. */
  private void typed(byte[] b) throws IOException {
    int from = 0;
    for (int i = 0; i < b.length; i++) {
      if (b[i] != '\r' && b[i] != '\n') {
        continue;
      }
      raw(b, from, i - from);
      from = i + 1;
      if (!enter(b[i])) {
        return; // what was typed after a refused line (a paste) goes with it
      }
    }
    raw(b, from, b.length - from);
  }

  private void raw(byte[] b, int off, int len) throws IOException {
    boolean alternate;
    synchronized (screen) {
      alternate = screen.alternate();
    }
    if (!alternate) {
      // Ctrl-V outside a full-screen program: it makes the next key literal in the tty and in
      // readline, so the Ctrl-C that drops a refused line would go into the line as text and the
      // line would run on the next Enter. A literal control character in a judged line is not
      // something the screen shows either.
      byte[] kept = new byte[len];
      int n = 0;
      for (int i = off; i < off + len; i++) {
        if (b[i] != CTRL_V) {
          kept[n++] = b[i];
        }
      }
      b = kept;
      off = 0;
      len = n;
    }
    if (len == 0) {
      return;
    }
    if (!beginsLine(b, off, len)) {
      // Ctrl-C, Ctrl-Z and the like alone: at once, even while a program floods the screen.
      send(b, off, len);
      return;
    }
    typedSinceEnter = true;
    if (prompt == null) {
      if (afterEnter) {
        awaitQuiet(); // the shell's answer to the last Enter (its next prompt) is on the screen first
        afterEnter = false;
      }
      synchronized (screen) {
        prompt = screen.alternate() ? null : screen.capture();
      }
      if (prompt != null) {
        lastPrompt = prompt;
      }
    }
    send(b, off, len);
  }

  /** Whether keys hold more than control characters (text, or a key's escape sequence such as an arrow). */
  private static boolean beginsLine(byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) {
      if ((b[i] & 0xff) >= 0x20 || b[i] == 0x1b) {
        return true;
      }
    }
    return false;
  }

  private void send(byte[] b, int off, int len) throws IOException {
    shell.writeInput(b, off, len);
    synchronized (screen) {
      lastKey = System.nanoTime();
    }
  }

  /** Enter: true when it went to the shell, false when the line was dropped. */
  private boolean enter(byte key) throws IOException {
    byte[] enter = {key};
    boolean alternate;
    synchronized (screen) {
      alternate = screen.alternate();
    }
    if (alternate) {
      // A full-screen program's key.
      prompt = null;
      typedSinceEnter = false;
      send(enter, 0, 1);
      return true;
    }
    afterEnter = true;
    if (!typedSinceEnter) {
      send(enter, 0, 1); // nothing typed since the last Enter: an empty line
      return true;
    }
    // A line whose first key went to a full-screen program that has ended since: its row is read
    // against the last prompt seen.
    ScreenModel.Prompt p = prompt != null ? prompt : lastPrompt;
    prompt = null;
    typedSinceEnter = false;
    awaitEcho();
    String text;
    String notWhole;
    synchronized (screen) {
      text = screen.alternate() ? "" : screen.rebuild(p);
      notWhole = screen.alternate() ? null : screen.notWhole();
    }
    if (notWhole != null) {
      // Fail closed: what the screen does not show cannot be judged (also a row that looks empty).
      session.screenRefused(text, NOT_SHOWN_RULE, "the screen does not show the whole line: " + notWhole);
      drop("gatehouse: " + NOT_SHOWN);
      return false;
    }
    if (text.isEmpty()) {
      send(enter, 0, 1); // nothing new on the row: a password typed without echo, or an empty line
      return true;
    }
    ShellJudgement j;
    try {
      j = judge.judge(text);
    } catch (RuntimeException | LinkageError x) {
      session.screenRefused(text, "guard-failed", "the command could not be judged");
      drop("gatehouse: blocked by rule guard-failed: the command could not be judged");
      return false;
    }
    session.screenJudged(text, j);
    Verdict v = j.verdict();
    Decision d = v instanceof Verdict.Allow ? Decision.allow()
        : v instanceof Verdict.Block ? new Decision(Decision.BLOCK, v.rule(), v.reason())
        : settle(j, text);
    if (ended) {
      return false;
    }
    if (d.allowed()) {
      send(enter, 0, 1);
      return true;
    }
    drop("gatehouse: " + VisibleText.inline(d.describe()));
    return false;
  }

  private Decision settle(ShellJudgement j, String text) {
    Hold hold = new Hold() {
      @Override
      public void notice(String message) {
        try {
          say("gatehouse: " + VisibleText.inline(message));
        } catch (IOException x) {
          // the client is gone; the wait ends with the session
        }
      }

      @Override
      public AutoCloseable onCancel(Runnable onCancel) {
        cancelHeld = onCancel;
        return () -> cancelHeld = null;
      }
    };
    holding = true;
    try {
      return session.settle(j, text, hold);
    } finally {
      holding = false;
      cancelHeld = null;
    }
  }

  /**
   * The line is refused: its reason shown, then Ctrl-U and Ctrl-C to the shell, which drop the line
   * it holds. Two keys, so that a literal-next still pending in the shell's terminal (one bound to
   * another key with {@code stty lnext}) takes the Ctrl-U as text and the Ctrl-C still interrupts.
   */
  private void drop(String reason) throws IOException {
    say(reason);
    send(new byte[] {CTRL_U, CTRL_C}, 0, 2);
  }

  /** A line of the gateway's own, on a line of its own (after the typed text, if the cursor is not at a line start). */
  private void say(String message) throws IOException {
    // Not through the masker (the pump thread's alone): a value it holds back shows after this line.
    byte[] b;
    synchronized (screen) {
      // A string or sequence the remote left open is ended first, or the terminal would swallow the line.
      b = (screen.closeOpen() + (screen.column() == 0 ? "" : "\r\n") + message + "\r\n")
          .getBytes(StandardCharsets.UTF_8);
      screen.feed(b, 0, b.length);
    }
    out.writeRecorded(b, 0, b.length);
  }

  /** Waits until the shell's output was quiet for {@link #QUIET_MILLIS} (at most {@link #ECHO_WAIT_MILLIS}). */
  private void awaitQuiet() {
    await(false);
  }

  /** Waits for output after the last key sent, then for quiet (at most {@link #ECHO_WAIT_MILLIS} in all). */
  private void awaitEcho() {
    await(true);
  }

  private void await(boolean echo) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ECHO_WAIT_MILLIS);
    long quiet = TimeUnit.MILLISECONDS.toNanos(QUIET_MILLIS);
    synchronized (screen) {
      while (!ended) {
        long now = System.nanoTime();
        boolean echoed = !echo || lastOutput - lastKey > 0;
        long quietFor = now - lastOutput;
        if (echoed && quietFor >= quiet || now - deadline >= 0) {
          return;
        }
        long waitNanos = Math.min(deadline - now, echoed ? quiet - quietFor : quiet);
        try {
          screen.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
