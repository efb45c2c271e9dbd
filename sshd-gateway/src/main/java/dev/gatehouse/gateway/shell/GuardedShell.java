package dev.gatehouse.gateway.shell;

import dev.gatehouse.gateway.postgres.StatementGate.Decision;
import dev.gatehouse.gateway.postgres.StatementGate.Hold;
import dev.gatehouse.gateway.terminal.LineEditor;
import dev.gatehouse.gateway.terminal.OutputBuffer;
import dev.gatehouse.gateway.terminal.RecordedOutput;
import dev.gatehouse.gateway.terminal.WindowSize;
import dev.gatehouse.policy.shell.ShellJudge;
import dev.gatehouse.policy.shell.ShellJudgement;
import dev.gatehouse.policy.shell.ShellState;
import dev.gatehouse.policy.OutputMasker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jline.reader.EOFError;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import org.jline.reader.Parser;
import org.jline.reader.SyntaxError;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;

/**
 * An interactive bash under the shell guard: the gateway owns the prompt. bash runs with the
 * gateway's integration ({@link BashIntegration}), whose OSC 133 markers tell the gateway when bash
 * waits at its prompt; the markers are removed from what the user sees and from the recording.
 *
 * <pre>
 *  state      client input goes to            bash's output
 *  STARTING   the line editor (kept)          hidden (the integration's own lines)
 *  PROMPTING  the line editor                 A: the nonce is sent (its echo, if any, hidden); P…B: the prompt text
 *  AT_PROMPT  the line editor: Enter ─▶ judge ─▶ allow: line + \n to bash ─▶ SENT
 *                                              block: one line, a fresh prompt
 *                                              review: held for approval (Ctrl-C cancels)
 *  SENT       held until C                    the terminal's echo of the line hidden, all else shown
 *  RUNNING    raw to bash's terminal          shown; D: exit status, then held; A: back to PROMPTING
 * </pre>
 *
 * The hook prints D (the command ended, with the nonce the last A announced) and A (with a fresh
 * nonce) together; a D without that nonce is a program's output and is ignored. From a D on, client
 * input is held, never passed raw: bash is at its prompt and would read it as a command. If no A
 * follows within {@link #DONE_TO_PROMPT}, the hook did not run to its prompt (something broke it)
 * and the guard is lost. An A is the hook's only when its payload is {@code <nonce>;<next
 * nonce>;<$BASHOPTS>;<$->;<GLOBIGNORE set>;<POSIX mode>} (128 hex digits each, from the kernel's random source;
 * then the shell options the next line is judged from), its nonce is the one the hook's
 * previous A announced (the first A, while starting, only announces) and neither was seen before
 * in the session; any other is ignored (a program's output). The hook's P and B (the prompt's
 * text between them) and bash's C (from {@code PS0}) carry the next nonce that A announced, a value
 * no other process can know yet (it reaches the terminal only at the next prompt's wall): a P or B
 * without it is ignored like such an A, and only a C with it starts the line sent. So a C is only taken for a line the
 * gateway sent after a prompt the hook itself brought up. A line sent whose C never came when
 * the next A comes was thrown away by the hook's wall: it is reported as not run. The hook prints X when it finds what it stands on broken
 * (a read-only variable or function it needs, no POSIX mode): the guard is lost at once.
 *
 * Past the start, only the exact echo of what the gateway typed into bash is left out: any other
 * byte (a background job's output, a program that forged a marker) is shown and recorded. With
 * output masking (the policy's {@code mask.detectors}) everything shown of bash's, the prompt
 * text included, goes through an {@link OutputMasker} after the markers are removed, then to the
 * recording and the user; the masker is flushed at each marker (a prompt is never held back) and
 * when bash stays quiet for {@link OutputMasker#idleFlushAfter} its last read.
 *
 * A {@code C} marker (a command started) that does not follow a line the gateway sent, or does not
 * carry the announced nonce, means bash read a command the gateway did not judge or a program forged
 * the marker: the guard is lost and the session ends.
 */
public final class GuardedShell {
  /** How long bash may take to read its startup files and show the first guarded prompt. */
  static final Duration FIRST_PROMPT = Duration.ofSeconds(20);
  /** A physical line longer than this could be cut by the terminal's canonical line buffer (4095). */
  static final int MAX_PHYSICAL_LINE = 4000;
  /** bash (without readline) reads its input in reads of at most this many bytes ({@code input.c}, {@code localbuf}). */
  static final int ONE_READ = 1024;
  /**
   * How long the hook may take from its D marker to its A (both come from one printf in the same
   * hook run, so milliseconds; generous for a loaded host or a slow link).
   */
  static final Duration DONE_TO_PROMPT = Duration.ofSeconds(10);
  /**
   * How long bash may take from the nonce line the gateway typed for the hook's wall to the prompt
   * (its B): the wall ends as soon as bash reads the line, then the hook expands {@code PS1} (which
   * may run commands of the user's).
   */
  static final Duration WALL_TO_PROMPT = Duration.ofSeconds(20);
  /** The form of the hook's nonce: hex digits of the kernel's random source. */
  private static final java.util.regex.Pattern NONCE = java.util.regex.Pattern.compile("[0-9a-f]{128}");
  /** Shown when a marker came altered or broken (guarded and screen mode alike). */
  static final String MARKERS_ALTERED = "gatehouse: the shell's prompt markers reached the gateway altered (a terminal"
      + " output setting, or output written into them); session closed";

  /** What the guarded shell needs of its session. */
  public interface Session {
    String id();

    /** The line was judged: its audit line and recording marker (as for an exec command). */
    void judged(String text, ShellJudgement j);

    /** A line refused before judging (not text, too long): audit and marker as a block. */
    void refused(String text, String rule, String reason);

    /** Settles a review with approvals; may wait (the hold's cancel ends the wait). */
    Decision settle(ShellJudgement j, String text, Hold hold);

    /** A command the gateway handed to bash finished: its exit status and duration (null when unknown). */
    void finished(String text, String verdict, String rule, Integer exitStatus, Long millis);

    /**
     * A line the gateway handed to bash never ran: the hook's wall at the next prompt threw it away
     * before bash read it (no command start was reported for it).
     */
    void drained(String text, String verdict, String rule);

    /** An approved nested shell started ({@code resumed} false) or its prompt came back (true). */
    void guardSuspended(String text, boolean resumed);

    /** The guard cannot stand: the session must end with {@code message} shown. */
    void guardLost(String reason, String message);

    /**
     * The guard never stood and the policy says {@code onGuardLost: screen}: the session goes on in
     * screen mode ({@link ScreenShell}, which shows {@code message}); audited as the guard lost, with
     * the mode.
     */
    void guardToScreen(String reason, String message);

    /** A line rebuilt from the screen was judged: its audit line and marker, {@code source: screen}. */
    void screenJudged(String text, ShellJudgement j);

    /** A line rebuilt from the screen was refused before judging: audit and marker as a block, {@code source: screen}. */
    void screenRefused(String text, String rule, String reason);

    /**
     * The start of the line shown when the integration did not bring up a guarded prompt ({@code
     * why}: what happened instead); the caller adds how the session goes on.
     */
    default String notIntegrated(String why) {
      return "gatehouse: the shell's prompt integration did not start (" + why + ")";
    }

    void touch();

    /** The output masker failed: the session must end (fail closed). */
    void outputMaskingFailed(RuntimeException e);
  }

  private enum State { STARTING, PROMPTING, AT_PROMPT, SENT, RUNNING, SCREEN, ENDED }

  private final Session session;
  private final ShellJudge judge;
  private final ShellTerminal bash;
  private final RecordedOutput out;
  private final String term;
  private final PromptMarkers markers = new PromptMarkers();
  private final QueueInput editorInput = new QueueInput();
  private final List<byte[]> held = new ArrayList<>();
  private final Object lock = new Object();
  private State state = State.STARTING;
  private boolean capturing;
  private String prompt = "$ ";
  /** The line bash runs now (for the D marker), its verdict, rule, and start time. */
  private String running;
  private String runningVerdict;
  private String runningRule;
  private boolean runningNested;
  private long runningSince;
  /** bash reported the running command done (D) and its A has not come yet: client input is held. */
  private boolean done;
  /** Counts D markers, so a stale deadline does nothing. */
  private long doneCount;
  /**
   * A D in the hook's form came with a nonce that is not the announced one, while a line ran: a
   * program's output (keys are not held for it), or the hook's chain broken by something not
   * foreseen. Either way a prompt must come within {@link #DONE_TO_PROMPT}, else the guard is lost.
   */
  private boolean strayDone;
  /**
   * The shell options the hook's last A reported ({@link ShellState#fromHook}): the next line runs
   * with them, and is judged from them.
   */
  private volatile ShellState promptOptions = ShellState.DEFAULTS;
  /**
   * The token of the integration's first part while its second part is still to be typed (null
   * before {@link #integrate} and once the second part is typed).
   */
  private String setupToken;
  /** Draws each session's setup token (one generator for all sessions: seeding it is not on each session's start). */
  private static final java.security.SecureRandom TOKENS = new java.security.SecureRandom();
  /** Every nonce the hook sent this session: one seen again is not a fresh wall. */
  private final java.util.Set<String> nonces = new java.util.HashSet<>();
  /** The nonce the hook's last A announced for its next one (null until the first A). */
  private String expectedNonce;
  /** The nonce of the hook's last A (its wall), for {@link #repeatsLastPrompt}. */
  private String lastWall;
  /** How many digits of the next nonce the raw input since the last prompt holds in order, for {@link #typesNonce}. */
  private int nonceTyped;
  /** A Ctrl-C came in the same chunk as the Enter ahead of it: it belongs to the line being entered. */
  private volatile boolean interruptAfterEnter;
  private volatile WindowSize size;
  private volatile LineEditor editor;
  private volatile Runnable cancelHeld;
  private volatile boolean ended;
  /** The integration's first prompt came: from here on the gateway owns the prompt. */
  private volatile boolean prompted;
  /** bash's output as shown (markers removed) goes through this when the policy masks output; else null. */
  private final OutputMasker masker;
  /** Masks each prompt's text on its own (null without masking); it writes into {@link #maskedPrompt}. */
  private final OutputMasker promptMasker;
  private final ByteArrayOutputStream maskedPrompt = new ByteArrayOutputStream();
  private final ByteArrayOutputStream promptBytes = new ByteArrayOutputStream();
  /** The echo the terminal may give of what the gateway typed into bash (the line, the nonce): left out once. */
  private byte[] echo = new byte[0];
  private int echoed;
  private final Function<OutputMasker.Sink, OutputMasker> masking;
  /** Set when the integration never came up and the policy says {@code onGuardLost: screen}. */
  private volatile ScreenShell screen;

  /**
   * {@code masking} makes an output masker writing to the sink it is given, or returns null when
   * the policy masks no output.
   */
  public GuardedShell(Session session, ShellJudge judge, ShellTerminal bash, OutputStream channelOut,
      RecordedOutput.Recorder recorder, String term, WindowSize size, Function<OutputMasker.Sink, OutputMasker> masking) {
    this.session = session;
    this.judge = judge;
    this.bash = bash;
    this.out = new RecordedOutput(channelOut, recorder);
    this.term = term;
    this.size = size;
    this.masking = masking;
    this.masker = masking.apply((b, off, len) -> out.writeRecorded(b, off, len));
    this.promptMasker = masker == null ? null : masking.apply(maskedPrompt::write);
  }

  /**
   * Types the integration's first part into bash; call once, right after bash started. The second
   * part follows on the first part's S marker ({@link BashIntegration#firstPart}).
   */
  public void integrate() throws IOException {
    byte[] token = new byte[16];
    TOKENS.nextBytes(token);
    String hex = java.util.HexFormat.of().formatHex(token);
    byte[] first = BashIntegration.firstPart(hex);
    synchronized (lock) {
      setupToken = hex;
    }
    bash.writeInput(first, 0, first.length);
  }

  /** Whether the integration brought up its first guarded prompt (false: bash never took it). */
  public boolean prompted() {
    return prompted;
  }

  /** Whether the session went on in screen mode because the integration never came up. */
  public boolean screenMode() {
    return screen != null;
  }

  // ---- client input --------------------------------------------------------------------------

  /** Client bytes: raw to bash while a command runs, else to the gateway's line editor. */
  public void input(byte[] b) throws IOException {
    ScreenShell s = screen;
    if (s != null) {
      s.input(b);
      return;
    }
    synchronized (lock) {
      switch (state) {
        case RUNNING -> {
          if (done) {
            held.add(b); // bash is back at its prompt: nothing goes to it raw until the next A
          } else if (typesNonce(b)) {
            // The next wall line ends in that nonce: typed raw, it would end the hook's drain of
            // type-ahead early and what follows it would run unjudged. Not forwarded.
            lost("nonce-typed", "gatehouse: guard-tamper: the input typed while a command ran carries the"
                + " guard's nonce; session closed");
          } else {
            bash.writeInput(b, 0, b.length);
          }
          return;
        }
        case SENT -> {
          if (b.length == 1 && b[0] == 3) {
            bash.writeInput(b, 0, 1); // Ctrl-C while bash has not started the line: it drops it
          } else {
            held.add(b);
          }
          return;
        }
        default -> {
          int ctrlC = ctrlCAfterEnter(b);
          if (ctrlC < 0) {
            editorInput.offer(b);
          } else {
            // Enter and Ctrl-C in one chunk: the line editor's terminal raises Ctrl-C as a signal
            // as it arrives, before the line ahead of it is read, so it would clear nothing and
            // the line would still go on. It is kept for the line instead: it withdraws the line's
            // hold, or the line itself before bash gets it.
            interruptAfterEnter = true;
            editorInput.offer(java.util.Arrays.copyOfRange(b, 0, ctrlC));
            if (ctrlC + 1 < b.length) {
              editorInput.offer(java.util.Arrays.copyOfRange(b, ctrlC + 1, b.length));
            }
          }
        }
      }
    }
  }

  /** The index of the first Ctrl-C that follows an Enter in {@code b}, or -1. */
  static int ctrlCAfterEnter(byte[] b) {
    boolean enter = false;
    for (int i = 0; i < b.length; i++) {
      if (b[i] == '\r' || b[i] == '\n') {
        enter = true;
      } else if (b[i] == 3 && enter) {
        return i;
      }
    }
    return -1;
  }

  /** The client sent EOF: as Ctrl-D. */
  public void endOfInput() throws IOException {
    input(new byte[] {4});
  }

  // ---- bash's output ---------------------------------------------------------------------------

  /** Copies bash's terminal output to the user (markers removed) until bash's terminal closes. */
  public void pumpOutput() {
    OutputBuffer buffer = new OutputBuffer(bash::awaitOutput, 64 * 1024);
    PromptMarkers.Sink sink = new PromptMarkers.Sink() {
      @Override
      public void text(byte[] b, int off, int len) throws IOException {
        output(b, off, len);
      }

      @Override
      public void marker(char kind, String payload) throws IOException {
        GuardedShell.this.marker(kind, payload);
      }

      @Override
      public void broken() {
        markerAltered();
      }
    };
    try {
      int n = 0;
      while (true) {
        if (masker != null && masker.holding()
            && !bash.awaitOutput((int) OutputMasker.idleFlushAfter(n).toMillis())) {
          masker.flush(); // bash is quiet: what is held (a value may go on) is shown now
        }
        byte[] buf = buffer.next(n);
        n = bash.readOutput(buf, 0, buf.length);
        if (n <= 0) {
          break;
        }
        session.touch();
        ScreenShell s = screen;
        if (s != null) {
          // The screen mode took over the terminal: this chunk and the rest are its, with what
          // may be the start of a marker held from the last one (its rest must not show as text).
          byte[] held = markers.drainHeld();
          s.output(held, 0, held.length);
          s.output(buf, 0, n);
          s.pumpOutput();
          break;
        }
        markers.feed(buf, 0, n, sink);
      }
      if (masker != null) {
        masker.close();
      }
    } catch (IOException e) {
      // bash's terminal closed.
    } catch (RuntimeException e) {
      // Fail closed: nothing more of bash's output is shown unmasked; the session ends.
      session.outputMaskingFailed(e);
      bash.stopReading();
    } finally {
      end();
    }
  }

  private void output(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return;
    }
    synchronized (lock) {
      if (state == State.STARTING || state == State.ENDED) {
        return; // the integration's own lines
      }
      if (state == State.PROMPTING && capturing) {
        promptBytes.write(b, off, len);
        return;
      }
      if (state == State.PROMPTING || state == State.SENT) {
        // The terminal's echo of the nonce or of the line the gateway typed is left out, byte for
        // byte; from the first byte that is not that echo on, everything is shown.
        while (len > 0 && echoed < echo.length && b[off] == echo[echoed]) {
          echoed++;
          off++;
          len--;
        }
        if (len == 0) {
          return;
        }
        echoed = echo.length;
      }
    }
    show(b, off, len);
  }

  /** bash's output (markers removed) to the recording and the user, through the masker when there is one. */
  private void show(byte[] b, int off, int len) throws IOException {
    if (masker != null) {
      masker.write(b, off, len);
    } else {
      out.writeRecorded(b, off, len);
    }
  }

  /** The echo of {@code typed} the terminal gives: its line ends as CR LF. */
  private void expectEcho(String typed) {
    echo = typed.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
    echoed = 0;
  }

  /** The prompt's bytes as shown: masked on their own when the policy masks output. */
  private String promptShown() throws IOException {
    byte[] raw = promptBytes.toByteArray();
    promptBytes.reset();
    if (promptMasker == null) {
      return new String(raw, StandardCharsets.UTF_8);
    }
    promptMasker.write(raw, 0, raw.length);
    promptMasker.close();
    String shown = maskedPrompt.toString(StandardCharsets.UTF_8);
    maskedPrompt.reset();
    return shown;
  }

  /**
   * Something wrote into bash's output as it left the hook, or the terminal rewrote it: a marker
   * broken ({@link PromptMarkers.Sink#broken}) or one of the hook's kinds whose nonce came in
   * capitals ({@link #altered}). Either may be the hook's own marker (an output setting such as
   * {@code olcuc} set by a background job between the hook's {@code stty} and its markers, a key's
   * echo written into them): the gateway could neither take it nor tell it from a program's, and
   * would wait without a prompt. The guard is lost.
   */
  private void markerAltered() {
    synchronized (lock) {
      if (screen != null || state == State.ENDED) {
        return;
      }
      lost("guard-output-altered", MARKERS_ALTERED);
    }
  }

  /**
   * Whether a field of {@code payload} is a nonce the terminal rewrote: 64 or more characters with
   * no lower-case letter and at least one of the hex letters in capitals ({@code olcuc}). The hook
   * prints its nonces as 128 lower-case hex digits; no field of its markers is otherwise that long
   * and in capitals.
   */
  static boolean altered(String payload) {
    for (String f : payload.split(";", -1)) {
      if (f.length() >= 64 && f.chars().noneMatch(Character::isLowerCase) && f.chars().anyMatch(c -> c >= 'A' && c <= 'F')) {
        return true;
      }
    }
    return false;
  }

  private void marker(char kind, String payload) throws IOException {
    if (screen != null) {
      return; // the screen mode has the terminal: no marker means anything there
    }
    if ("ABCDP".indexOf(kind) >= 0 && altered(payload)) {
      markerAltered();
      return;
    }
    if (masker != null) {
      masker.flush(); // what came before the marker is shown before the prompt is drawn
    }
    List<byte[]> flush = null;
    String resumed = null;
    synchronized (lock) {
      switch (kind) {
        case 'A' -> {
          if (repeatsLastPrompt(payload)) {
            return; // the hook run again at once: the wall line typed for the first is still to be read
          }
          String wall = hookPrompt(payload);
          if (wall == null) {
            return; // not the hook's (a program's output, or a wall already passed)
          }
          payload = wall;
          done = false;
          strayDone = false;
          if (state == State.SENT || state == State.RUNNING) {
            if (state == State.SENT) {
              if (bash.canHoldForShell()) {
                bash.releaseFromShell(); // the text is gone: nothing is left to keep to bash
              }
              drained(); // the hook threw the line away before bash read it: it never ran
            } else {
              finishRunning(null);
            }
            if (runningNested) {
              resumed = running;
            }
            running = null;
            runningNested = false;
            // What was typed while the line waited for bash goes to the next prompt's editor.
            for (byte[] b : held) {
              editorInput.offer(b);
            }
            held.clear();
          }
          if (state != State.ENDED) {
            state = State.PROMPTING;
            capturing = false;
            promptBytes.reset();
            expectEcho(payload + "\n");
            byte[] reply = (payload + "\n").getBytes(StandardCharsets.US_ASCII);
            bash.writeInput(reply, 0, reply.length);
            // The wall passes as soon as bash reads the nonce line: a prompt (B) that does not
            // follow means something else took that line from the terminal.
            promptDueWithin(WALL_TO_PROMPT);
          }
        }
        case 'P' -> {
          if (!announced(payload)) {
            return; // not the hook's: its text stays output (shown and recorded), as for a B
          }
          if (state == State.PROMPTING) {
            capturing = true;
            promptBytes.reset();
          }
        }
        case 'B' -> {
          if (!announced(payload)) {
            return; // not the hook's: a program's output, ignored as an A that is not the hook's is
          }
          if (state == State.PROMPTING) {
            prompt = shownPrompt(promptShown());
            state = State.AT_PROMPT;
            prompted = true;
            lock.notifyAll();
          }
        }
        case 'C' -> {
          // Only bash's PS0 carries the announced nonce: a C without it never starts the line
          // sent (no raw path opens); like any C that is not the start of that line, it ends the
          // session below (fail closed, as before: the guard cannot tell what read the terminal).
          if (state == State.SENT && announced(payload)) {
            state = State.RUNNING;
            runningSince = System.nanoTime();
            releaseTerminal(); // bash read the whole text: the command may open /dev/tty
            flush = new ArrayList<>(held);
            held.clear();
            for (byte[] b : flush) {
              if (typesNonce(b)) {
                // Keys typed before the command started go to it raw: the same check as while it runs.
                lost("nonce-typed", "gatehouse: guard-tamper: the input typed while a command ran carries the"
                    + " guard's nonce; session closed");
                return;
              }
            }
          } else if (state != State.ENDED) {
            // bash started a command it did not get from the gateway.
            lost("unjudged-command", "gatehouse: the shell started a command the guard did not see; session closed");
            return;
          }
        }
        case 'S' -> {
          // The first part put the terminal's input settings right: the rest of the integration
          // now reaches bash as typed. Taken once, while starting, with the session's token.
          if (state == State.STARTING && setupToken != null && sameNonce(setupToken, payload)) {
            setupToken = null;
            byte[] rest = BashIntegration.secondPart(bash.canHoldForShell());
            bash.writeInput(rest, 0, rest.length);
          }
        }
        case 'X' -> {
          String why = payload.matches("[a-z-]{1,40}") ? payload : "unknown";
          lost("guard-hook-broken", "gatehouse: the shell's prompt integration was broken (" + why + "); session closed");
          return;
        }
        case 'D' -> {
          // The hook's D carries this prompt's nonce (announced by the last A, typed into the
          // terminal only after this D): a program printing a D of its own can neither hold the
          // keys typed to it nor put an exit status of its choosing into the audit.
          int semi = payload.indexOf(';');
          if (semi < 0 || !announced(payload.substring(semi + 1))) {
            if (semi >= 0 && NONCE.matcher(payload.substring(semi + 1)).matches()
                && (state == State.RUNNING || state == State.SENT)) {
              strayDone = true;
              promptDueWithin(DONE_TO_PROMPT);
            }
            return;
          }
          payload = payload.substring(0, semi);
          if (state == State.RUNNING || state == State.SENT) {
            done = true;
            promptDueWithin(DONE_TO_PROMPT);
          }
          if (state == State.RUNNING && running != null) {
            Integer status = null;
            try {
              status = Integer.parseInt(payload.strip());
            } catch (NumberFormatException e) {
              // unknown
            }
            finishRunning(status);
          }
        }
        default -> {
          // not ours
        }
      }
    }
    if (resumed != null) {
      session.guardSuspended(resumed, true);
    }
    if (flush != null) {
      for (byte[] b : flush) {
        bash.writeInput(b, 0, b.length);
      }
    }
  }

  /**
   * The nonce to answer when {@code payload} ({@code <nonce>;<next nonce>;<$BASHOPTS>;<$->;<GLOBIGNORE set>;<POSIX mode>}) is the hook's A, else
   * null. The first A (while the integration starts) only announces; every later one must carry
   * the nonce the one before it announced. A program's output can print an A with any fresh
   * nonce, but not that one: it exists only in the marker (removed from the output) and in the
   * hook's own variable. Either nonce seen before in the session is refused. The options (what
   * {@link ShellState#fromHook} reads, else the A is not the hook's) are kept for the next line's
   * judgement.
   */
  private String hookPrompt(String payload) {
    String[] fields = payload.split(";", -1);
    if (fields.length != 6) {
      return null;
    }
    String wall = fields[0];
    String next = fields[1];
    java.util.Optional<ShellState> options = ShellState.fromHook(fields[2], fields[3], fields[4], fields[5]);
    if (!NONCE.matcher(wall).matches() || !NONCE.matcher(next).matches() || wall.equals(next) || options.isEmpty()
        || nonces.contains(next) || (expectedNonce == null ? state != State.STARTING : !expectedNonce.equals(wall))
        || expectedNonce == null && nonces.contains(wall)) {
      return null;
    }
    nonces.add(wall);
    nonces.add(next);
    lastWall = wall;
    expectedNonce = next;
    nonceTyped = 0;
    promptOptions = options.get();
    return wall;
  }

  /**
   * Whether {@code payload} is the hook's last A again, while its prompt has not come: the same
   * nonce and the same next nonce. The hook moves on to the next nonce right after it prints its
   * A; a Ctrl-C that lands between the two makes bash run the hook again, which prints that A
   * again. Its next nonce is still known only to bash and the gateway, so no other program can
   * repeat it. Nothing is typed for it: the wall line typed for the first is still unread (the
   * first run never reached its wall), and the second run's wall reads it.
   */
  private boolean repeatsLastPrompt(String payload) {
    String[] fields = payload.split(";", -1);
    return state == State.PROMPTING && fields.length == 6 && lastWall != null && expectedNonce != null
        && sameNonce(lastWall, fields[0]) && sameNonce(expectedNonce, fields[1])
        && ShellState.fromHook(fields[2], fields[3], fields[4], fields[5]).isPresent();
  }

  /**
   * Whether {@code payload} (of a D, P, B or C marker) is the next nonce the hook's last A announced:
   * the hook prints it in its D, P and B, and bash's {@code PS0} in its C. That value is only ever in
   * bash's output (which only the gateway reads; the marker is removed) and in the hook's variable
   * until the next prompt's wall, where the gateway types it into the terminal; by then this B and
   * this C are no longer expected (the next A announces another). So a program's output, or a
   * process that reads the terminal, cannot forge a D, a P, a B or a C (the D comes just before the
   * A that types it). A D, a P or a B that does not carry it is ignored as output, as an A that is not the hook's is (it moves the gateway nowhere: the
   * prompt comes with the hook's own; what follows a forged P stays output, shown and recorded,
   * never held as prompt text); a C that does not carry it never starts the line sent, and ends
   * the session as any C does that is not bash starting that line.
   */
  private boolean announced(String payload) {
    String m = expectedNonce;
    return m != null && sameNonce(m, payload);
  }

  /** {@code got} is the nonce {@code known}, compared in constant time (how long it takes tells nothing of it). */
  private static boolean sameNonce(String known, String got) {
    return java.security.MessageDigest.isEqual(known.getBytes(StandardCharsets.US_ASCII), got.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Whether the raw input passed to bash since the last prompt, with {@code b} added, could make
   * the terminal hand bash a line ending in the nonce the next wall line will carry (announced by
   * the last A). The terminal edits what it is given before bash reads it: erase, word-erase,
   * kill and literal-next characters (whichever bytes the running program set for them) remove
   * bytes, {@code istrip} clears the eighth bit, {@code iuclc} lowers case. So the check is not a
   * substring match but whether the nonce's digits appear in order among the bytes typed, each
   * taken without its eighth bit and in lower case: every line the terminal can make of the input
   * is such a subsequence. The nonce is 128 hex digits from the kernel: ordinary typing does not
   * hold them in order (a paste of kilobytes of hex digits while one command runs can, and ends
   * the session: the guard cannot tell it from typing the nonce).
   */
  boolean typesNonce(byte[] b) {
    String n = expectedNonce;
    if (n == null) {
      return false;
    }
    for (byte x : b) {
      if (nonceTyped >= n.length()) {
        break;
      }
      char c = Character.toLowerCase((char) (x & 0x7f));
      if (c == n.charAt(nonceTyped)) {
        nonceTyped++;
      }
    }
    return nonceTyped >= n.length();
  }

  /** The line sent to bash was thrown away by the hook's wall before bash read it (no C came). */
  private void drained() {
    if (running == null || runningVerdict == null) {
      return;
    }
    session.drained(running, runningVerdict, runningRule);
    runningVerdict = null;
  }

  /** Numbers this D and ends the session if no A comes within {@code limit} of it ({@link #promptOverdue}). */
  private void promptDueWithin(Duration limit) {
    long mine = ++doneCount;
    java.util.concurrent.CompletableFuture.delayedExecutor(limit.toMillis(), TimeUnit.MILLISECONDS)
        .execute(() -> promptOverdue(mine));
  }

  /** No A came within {@link #DONE_TO_PROMPT} of the D numbered {@code which}: the hook did not reach its prompt. */
  private void promptOverdue(long which) {
    synchronized (lock) {
      if ((done || strayDone || state == State.PROMPTING) && doneCount == which && state != State.ENDED) {
        lost("guard-hook-stalled", "gatehouse: the shell's prompt integration did not bring up a prompt after a command;"
            + " session closed");
      }
    }
  }

  /** Reports the running line once (the D marker, or the next prompt without one). */
  private void finishRunning(Integer status) {
    if (running == null || runningVerdict == null) {
      return;
    }
    Long ms = state == State.RUNNING ? TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - runningSince) : null;
    session.finished(running, runningVerdict, runningRule, status, ms);
    runningVerdict = null;
  }

  /** The prompt as the line editor shows it: the user's PS1, without control characters other than ESC. */
  private static String shownPrompt(String p) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c >= 0x20 && c != 0x7f || c == 0x1b) {
        b.append(c);
      }
    }
    String s = b.toString();
    return s.length() > 500 ? s.substring(s.length() - 500) : s;
  }

  /**
   * The integration never brought up its first prompt and the policy says {@code onGuardLost:
   * screen}: the terminal is handed to a {@link ScreenShell} (client input and the shell's output
   * go to it from now on). Only before the first guarded prompt: a guard lost later always ends
   * the session (see {@link dev.gatehouse.policy.shell.ShellPolicy.OnGuardLost}).
   */
  private void toScreen(String reason, String message) throws IOException {
    state = State.SCREEN;
    ScreenShell s = new ScreenShell(session, judge, bash, out, size, masking);
    screen = s; // keys typed from now on queue for it
    session.guardToScreen(reason, message);
    s.start(message);
  }

  private void lost(String reason, String message) {
    if (state == State.ENDED) {
      return;
    }
    state = State.ENDED;
    ended = true;
    session.guardLost(reason, message);
    LineEditor e = editor;
    if (e != null) {
      e.closeQuietly();
    }
  }

  // ---- the prompt ----------------------------------------------------------------------------

  /** The line editor's loop; returns when bash ends, the user ends the session, or the guard is lost. */
  public void run() throws IOException {
    LineEditor e = new LineEditor(editorInput, out, term, size, "gatehouse-shell");
    editor = e;
    ((org.jline.reader.impl.LineReaderImpl) e.reader()).setParser(new CompleteLines());
    e.reader().setVariable(LineReader.SECONDARY_PROMPT_PATTERN, "> ");
    Terminal terminal = e.terminal();
    terminal.handle(Terminal.Signal.INT, s -> {
      Runnable r = cancelHeld;
      if (r != null) {
        r.run();
      }
    });
    try {
      if (!awaitPrompt(FIRST_PROMPT)) {
        synchronized (lock) {
          if (!ended && state != State.ENDED) {
            String why = session.notIntegrated("no guarded prompt within " + FIRST_PROMPT.toSeconds() + " s");
            if (judge.policy().onGuardLost() == dev.gatehouse.policy.shell.ShellPolicy.OnGuardLost.SCREEN) {
              toScreen("integration-did-not-start", why + "; " + ScreenShell.NOTICE);
            } else {
              lost("integration-did-not-start", why + "; session closed");
            }
          }
        }
        return;
      }
      while (!ended) {
        String p;
        synchronized (lock) {
          p = prompt;
        }
        String line;
        try {
          line = e.readLine(p);
        } catch (UserInterruptException x) {
          continue; // Ctrl-C: the line is cleared, a fresh prompt
        } catch (EndOfFileException x) {
          if (!ended) {
            hangUp();
          }
          return;
        }
        if (ended) {
          return;
        }
        if (line.isBlank()) {
          interruptAfterEnter = false;
          continue;
        }
        handle(line);
        if (!awaitPrompt(null)) {
          return;
        }
      }
    } finally {
      e.closeQuietly();
    }
  }

  private void handle(String line) throws IOException {
    String refusal = unsendable(line);
    if (refusal != null) {
      interruptAfterEnter = false;
      session.refused(line, "not-text", refusal);
      say("gatehouse: blocked by rule not-text: " + refusal);
      return;
    }
    String split = bash.canHoldForShell() ? null : severalReads(line);
    if (split != null) {
      interruptAfterEnter = false;
      session.refused(line, "terminal-shared", split);
      say("gatehouse: blocked by rule terminal-shared: " + split);
      return;
    }
    ShellJudgement j;
    try {
      j = judge.judgeTyped(line, promptOptions);
    } catch (RuntimeException | LinkageError x) {
      interruptAfterEnter = false;
      session.refused(line, "guard-failed", "the command could not be judged");
      say("gatehouse: blocked by rule guard-failed: the command could not be judged");
      return;
    }
    session.judged(line, j);
    Hold hold = new Hold() {
      @Override
      public void notice(String message) {
        try {
          say("gatehouse: " + dev.gatehouse.recorder.VisibleText.inline(message));
        } catch (IOException x) {
          // the client is gone; the wait ends with the session
        }
      }

      @Override
      public AutoCloseable onCancel(Runnable onCancel) {
        cancelHeld = onCancel;
        if (interruptAfterEnter) {
          interruptAfterEnter = false;
          onCancel.run(); // the Ctrl-C came with the Enter
        }
        return () -> cancelHeld = null;
      }
    };
    dev.gatehouse.policy.Verdict v = j.verdict();
    Decision d = v instanceof dev.gatehouse.policy.Verdict.Allow ? Decision.allow()
        : v instanceof dev.gatehouse.policy.Verdict.Block ? new Decision(Decision.BLOCK, v.rule(), v.reason())
        : session.settle(j, line, hold);
    if (!d.allowed()) {
      interruptAfterEnter = false;
      say("gatehouse: " + dev.gatehouse.recorder.VisibleText.inline(d.describe()));
      return;
    }
    String verdict = j.verdict().label().equals("review") ? "allow" : j.verdict().label();
    if (interruptAfterEnter) {
      // A Ctrl-C typed with the Enter: the line is withdrawn before bash gets it, as a terminal
      // drops a line that Ctrl-C catches before the shell read it. (Passed on to bash once the
      // command starts, it could come before the command has the terminal and be lost.)
      interruptAfterEnter = false;
      session.drained(line, verdict, j.verdict().rule());
      say("^C");
      return;
    }
    boolean nested = "nested-shell".equals(j.verdict().rule());
    if (nested) {
      session.guardSuspended(line, false);
    }
    send(line, verdict, j.verdict().rule(), nested);
  }

  /** Why a line cannot be handed to bash's terminal exactly as judged, or null. */
  static String unsendable(String line) {
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c < 0x20 && c != '\t' && c != '\n' || c == 0x7f || c >= 0x80 && c < 0xa0) {
        return "the line holds a control character (U+" + String.format("%04X", (int) c) + ")";
      }
    }
    for (String physical : line.split("\n", -1)) {
      if (physical.getBytes(StandardCharsets.UTF_8).length > MAX_PHYSICAL_LINE) {
        return "a line longer than " + MAX_PHYSICAL_LINE + " bytes (the terminal would cut it)";
      }
    }
    return null;
  }

  private void send(String line, String verdict, String rule, boolean nested) throws IOException {
    byte[] b = (line + "\n").getBytes(StandardCharsets.UTF_8);
    synchronized (lock) {
      if (state != State.AT_PROMPT) {
        return;
      }
      dev.gatehouse.gateway.terminal.TerminalReaders.Reader otherReader =
          bash.canHoldForShell() ? bash.holdForShell() : null;
      if (otherReader != null && otherReader.job()) {
        // A background job that could make itself the foreground (it ignores SIGTTOU: GNU
        // timeout does) and read: an ordinary job, so this line waits for it, the session goes on.
        interruptAfterEnter = false;
        String why = "a background job can take the terminal (" + otherReader.why()
            + "); the line is not sent until it ends";
        session.refused(line, "terminal-shared", why);
        say("gatehouse: blocked by rule terminal-shared: " + why);
        if (nested) {
          session.guardSuspended(line, true); // the nested shell never started
        }
        return;
      }
      if (otherReader != null) {
        // bash reads the text in several reads (a physical line at most, and 1024 bytes at most
        // each): a second reader of the terminal would take part of it between two of them, and
        // bash would run the rest glued to the next line, never judged.
        String why = "another process of the session can read the terminal (" + otherReader.why() + ")";
        session.refused(line, "guard-tamper", why);
        say("gatehouse: blocked by rule guard-tamper: " + why);
        lost("terminal-shared", "gatehouse: guard-tamper: " + why + "; session closed");
        return;
      }
      state = State.SENT;
      expectEcho(line + "\n");
      running = line;
      runningVerdict = verdict;
      runningRule = rule;
      runningNested = nested;
      bash.writeInput(b, 0, b.length);
    }
  }

  /**
   * bash started the text sent (its C marker): the terminal is opened to every process again, then
   * PS0's wait is answered ({@link BashIntegration#RELEASED}), before any key typed meanwhile.
   */
  private void releaseTerminal() throws IOException {
    if (bash.canHoldForShell()) {
      bash.releaseFromShell();
      bash.writeInput(BashIntegration.RELEASED, 0, BashIntegration.RELEASED.length);
    }
  }

  /**
   * Why a text cannot go to a terminal the gateway cannot keep to bash alone (an {@code ssh}
   * target's), or null: bash reads its input in reads of at most one physical line and
   * {@link #ONE_READ} bytes, and between two reads another process of the host's session could take
   * part of the text. A text bash takes in one read (one line, with its newline at most
   * {@link #ONE_READ} bytes) is read whole by one reader.
   */
  static String severalReads(String line) {
    if (line.indexOf('\n') >= 0) {
      return "a text of several lines (on an ssh target another process could read part of it; run it as a script)";
    }
    if (line.getBytes(StandardCharsets.UTF_8).length + 1 > ONE_READ) {
      return "a line longer than " + (ONE_READ - 1) + " bytes (on an ssh target another process could read part of it)";
    }
    return null;
  }

  /** Waits for the next guarded prompt; false when the session ends first (or, with a limit, on timeout). */
  private boolean awaitPrompt(Duration limit) {
    long deadline = limit == null ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
    synchronized (lock) {
      while (state != State.AT_PROMPT) {
        if (ended || state == State.ENDED) {
          return false;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          lock.wait(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 500));
        } catch (InterruptedException x) {
          // Only the line editor interrupts this thread (a late Ctrl-C): the session's end is
          // `ended`, looked at on every turn.
        }
      }
      return true;
    }
  }

  private void say(String message) throws IOException {
    byte[] b = (message + "\r\n").getBytes(StandardCharsets.UTF_8);
    out.writeRecorded(b, 0, b.length);
  }

  private void hangUp() {
    try {
      bash.closeInput(); // Ctrl-D at bash's own prompt: it exits
    } catch (IOException x) {
      // gone
    }
  }

  public void resize(WindowSize s) {
    size = s;
    ScreenShell sc = screen;
    if (sc != null) {
      sc.resize(s);
      return;
    }
    bash.resize(s);
    LineEditor e = editor;
    if (e != null) {
      e.resize(s, false);
    }
  }

  /** bash ended or the session is ending. */
  public void end() {
    ScreenShell sc = screen;
    if (sc != null) {
      sc.end();
    }
    synchronized (lock) {
      if (state != State.ENDED) {
        finishRunning(null);
      }
      state = State.ENDED;
      ended = true;
      lock.notifyAll();
    }
    editorInput.close();
    Runnable r = cancelHeld;
    if (r != null) {
      r.run();
    }
    LineEditor e = editor;
    if (e != null) {
      e.closeQuietly();
    }
  }

  /**
   * Lines as bash would need them whole: an open quote, a trailing backslash, an unfinished
   * here-document or compound command asks for another line (JLine's secondary prompt).
   */
  private static final class CompleteLines implements Parser {
    private final DefaultParser words = new DefaultParser();

    @Override
    public ParsedLine parse(String line, int cursor, ParseContext context) throws SyntaxError {
      if (context == ParseContext.ACCEPT_LINE && Incomplete.check(line)) {
        throw new EOFError(-1, -1, "incomplete", "more");
      }
      try {
        return words.parse(line, cursor, ParseContext.SPLIT_LINE);
      } catch (SyntaxError e) {
        return words.parse("", 0, ParseContext.SPLIT_LINE);
      }
    }
  }

  /** Client input for the line editor: bytes queued by {@link #input}, read by JLine's pump. */
  private static final class QueueInput extends InputStream {
    private static final byte[] CLOSED = new byte[0];
    // Linked, not an array: an idle session holds no 4096-slot array, and the bound is the same.
    private final BlockingQueue<byte[]> queue = new LinkedBlockingQueue<>(4096);
    private byte[] current;
    private int pos;
    private volatile boolean closed;

    void offer(byte[] b) {
      if (!closed && !queue.offer(b)) {
        throw new IllegalStateException("line editor input queue full");
      }
    }

    @Override
    public void close() {
      closed = true;
      queue.offer(CLOSED);
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      while (current == null || pos >= current.length) {
        try {
          current = queue.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return -1;
        }
        pos = 0;
        if (current == CLOSED) {
          queue.offer(CLOSED);
          return -1;
        }
      }
      int n = Math.min(len, current.length - pos);
      System.arraycopy(current, pos, b, off, n);
      pos += n;
      return n;
    }
  }
}
