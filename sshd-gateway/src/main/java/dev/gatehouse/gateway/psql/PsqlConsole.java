package dev.gatehouse.gateway.psql;

import dev.gatehouse.gateway.terminal.ChildProcess;
import dev.gatehouse.gateway.terminal.LineEditor;
import dev.gatehouse.gateway.terminal.RecordedOutput;
import dev.gatehouse.gateway.terminal.WindowSize;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jline.reader.EndOfFileException;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;

/**
 * The interactive front of a psql session: the gateway edits each line (JLine over the SSH
 * channel), judges its meta-commands, and only then hands it to psql, which runs without readline,
 * echo or prompts behind it. After each complete statement the console sends psql a private
 * {@code \echo} marker and waits for it in psql's output, so the next prompt appears only when
 * psql has finished (Ctrl-C meanwhile cancels the statement).
 */
final class PsqlConsole {
  private final PsqlSession session;
  private final InputStream in;
  private final RecordedOutput out;
  private final String term;
  private final ChildProcess psql;
  private final MetaCommandGuard guard;
  private final byte[] marker;
  private volatile WindowSize size;
  private volatile boolean stopped;
  private volatile CountDownLatch synced = new CountDownLatch(1);
  private volatile boolean psqlGone;
  /** psql's output up to the next marker is the answer to the console's own line: not shown. */
  private volatile boolean hideUntilSynced;
  private LineEditor editor;

  PsqlConsole(PsqlSession session, InputStream in, OutputStream out, String term, WindowSize size, ChildProcess psql) {
    this.session = session;
    this.in = in;
    this.out = new RecordedOutput(out, session::recordOutput);
    this.term = term;
    this.size = size;
    this.psql = psql;
    this.guard = new MetaCommandGuard(session::standardConformingStrings);
    byte[] r = new byte[12];
    new SecureRandom().nextBytes(r);
    this.marker = ("__gatehouse_" + HexFormat.of().formatHex(r) + "__").getBytes(StandardCharsets.US_ASCII);
  }

  /** Runs until psql ends; returns the session's exit code. */
  int run() throws IOException {
    editor = new LineEditor(in, out, term, size, "gatehouse-psql");
    Terminal terminal = editor.terminal();
    terminal.handle(Terminal.Signal.INT, s -> interruptPsql());
    Thread pump = new Thread(this::pumpPsqlOutput, "gh-psql-pty-" + session.id());
    pump.setDaemon(true);
    pump.start();
    try {
      // psql's banner, then the first prompt.
      sync();
      while (!stopped && !psqlGone) {
        String prompt = session.target() + (guard.inStatement() ? "-> " : "=> ");
        String line;
        try {
          line = editor.readLine(prompt);
        } catch (UserInterruptException e) {
          if (guard.outsideQuotesAndComments()) {
            // As Ctrl-C at psql's own prompt: the query buffer cleared, a fresh prompt, no message.
            // psql's "\r" clears it; its "Query buffer reset (cleared)." is not shown, and the next
            // prompt waits until psql has read the line, so nothing of psql's lands after it.
            guard.reset();
            hideUntilSynced = true;
            send("\\r\n");
            sync();
            guard.psqlCaughtUp();
          } else {
            // Inside a string or comment psql would read \r as text: resetting only the guard
            // would leave it reading the next lines differently from psql.
            terminal.writer().println("gatehouse: inside a quoted string or comment; close it to start over");
            terminal.writer().flush();
          }
          continue;
        } catch (EndOfFileException e) {
          line = "\\q";
        }
        if (stopped || psqlGone) {
          break;
        }
        MetaCommandGuard.Decision d = guard.line(line);
        if (d instanceof MetaCommandGuard.Refuse r) {
          terminal.writer().println("gatehouse: " + r.reason());
          terminal.writer().flush();
          session.refused(r);
          continue;
        }
        send(line + "\n");
        if (((MetaCommandGuard.Pass) d).statementComplete()) {
          if (line.strip().equals("\\q") || line.strip().equals("\\quit")) {
            break;
          }
          sync();
          guard.psqlCaughtUp();
        }
      }
    } finally {
      stopped = true;
      psql.closeInput();
      terminal.close();
    }
    try {
      pump.join(TimeUnit.SECONDS.toMillis(3));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  private void send(String text) throws IOException {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    psql.writeInput(b, 0, b.length);
  }

  /** Asks psql to echo the marker and waits until it has (everything before it is done). */
  private void sync() throws IOException {
    CountDownLatch latch = new CountDownLatch(1);
    synced = latch;
    send("\\echo " + new String(marker, StandardCharsets.US_ASCII) + "\n");
    try {
      while (!latch.await(200, TimeUnit.MILLISECONDS)) {
        if (stopped || psqlGone) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void interruptPsql() {
    try {
      psql.writeInput(new byte[] {3}, 0, 1); // ^C on psql's terminal: SIGINT, psql cancels the query
    } catch (IOException e) {
      // psql is gone.
    }
  }

  /** psql's terminal output to the user, minus the markers; counts the markers down. */
  private void pumpPsqlOutput() {
    byte[] buf = new byte[64 * 1024];
    byte[] held = new byte[0];
    try {
      int n;
      while ((n = psql.readOutput(buf, 0, buf.length)) > 0) {
        byte[] data = new byte[held.length + n];
        System.arraycopy(held, 0, data, 0, held.length);
        System.arraycopy(buf, 0, data, held.length, n);
        int from = 0;
        while (true) {
          int at = indexOf(data, marker, from);
          if (at < 0) {
            break;
          }
          if (!hideUntilSynced) {
            out.writeRecorded(data, from, at - from);
          }
          hideUntilSynced = false;
          from = at + marker.length;
          while (from < data.length && (data[from] == '\r' || data[from] == '\n')) {
            from++;
          }
          synced.countDown();
        }
        // Hold back a tail that could be the start of a marker split across reads.
        int keep = Math.min(marker.length - 1, data.length - from);
        int flushTo = data.length - keep;
        if (keep > 0 && !startsPartialMarker(data, flushTo)) {
          flushTo = data.length;
        }
        if (!hideUntilSynced) {
          out.writeRecorded(data, from, flushTo - from);
        }
        held = java.util.Arrays.copyOfRange(data, flushTo, data.length);
      }
    } catch (IOException e) {
      // psql's terminal closed.
    } finally {
      psqlGone = true;
      synced.countDown();
    }
  }

  private boolean startsPartialMarker(byte[] data, int from) {
    for (int i = from; i < data.length; i++) {
      if (data[i] == marker[0]) {
        int len = data.length - i;
        boolean match = true;
        for (int k = 0; k < len && k < marker.length; k++) {
          if (data[i + k] != marker[k]) {
            match = false;
            break;
          }
        }
        if (match) {
          return true;
        }
      }
    }
    return false;
  }

  private static int indexOf(byte[] data, byte[] pattern, int from) {
    outer:
    for (int i = from; i <= data.length - pattern.length; i++) {
      for (int k = 0; k < pattern.length; k++) {
        if (data[i + k] != pattern[k]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  void resize(WindowSize s) {
    size = s;
    psql.resize(s);
    session.recordResize(s);
    LineEditor e = editor;
    if (e != null) {
      e.resize(s, true);
    }
  }

  void stop() {
    stopped = true;
    synced.countDown();
    LineEditor e = editor;
    if (e != null) {
      e.closeQuietly();
    }
  }
}
