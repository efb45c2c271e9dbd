package dev.gatehouse.gateway.kube;

import dev.gatehouse.gateway.terminal.ChildProcess;
import dev.gatehouse.gateway.terminal.ExitStatus;
import dev.gatehouse.gateway.terminal.LineEditor;
import dev.gatehouse.gateway.terminal.RecordedOutput;
import dev.gatehouse.gateway.terminal.WindowSize;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.jline.reader.EndOfFileException;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.utils.NonBlockingInputStream;

/**
 * The interactive kubectl console ({@code ssh -t prod-k8s@gw}): the gateway's own line editor
 * (JLine over the SSH channel, as the psql console), prompt {@code prod-k8s> }, in-memory history,
 * Ctrl-C for a fresh line, {@code exit} or Ctrl-D to leave. Each line is read exactly as an exec
 * request is ({@link KubectlCommandLine}); a line that may run starts kubectl on a pseudo-terminal
 * of its own and the console steps aside: the user's keys go to kubectl's terminal unchanged
 * (Ctrl-C there interrupts kubectl, or the container's program under {@code exec -it}), its
 * output comes back, recorded, until it ends and the prompt returns.
 */
final class KubectlConsole {
  private final KubectlSession session;
  private final InputStream in;
  private final RecordedOutput out;
  private final String term;
  private volatile WindowSize size;
  private volatile boolean stopped;
  private volatile ChildProcess running;
  private LineEditor editor;

  KubectlConsole(KubectlSession session, InputStream in, OutputStream out, String term, WindowSize size) {
    this.session = session;
    this.in = in;
    this.out = new RecordedOutput(out, session::recordOutput);
    this.term = term;
    this.size = size;
  }

  /** Runs until exit, Ctrl-D or the session's end; returns the session's exit code. */
  int run() throws IOException {
    editor = new LineEditor(in, out, term, size, "gatehouse-kubectl");
    try {
      while (!stopped) {
        String line;
        try {
          line = editor.readLine(session.target() + "> ");
        } catch (UserInterruptException e) {
          continue; // Ctrl-C at the prompt: a fresh line, as in a shell
        } catch (EndOfFileException e) {
          break;
        }
        if (stopped) {
          break;
        }
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#")) {
          continue;
        }
        if (t.equals("exit") || t.equals("quit") || t.equals("logout")) {
          break;
        }
        KubectlCommandLine.Parsed command;
        try {
          command = KubectlCommandLine.parse(line);
        } catch (KubectlCommandLine.Refused r) {
          session.refusedLine(line, r);
          continue;
        }
        session.lineRuns(line);
        runKubectl(command);
      }
    } finally {
      stopped = true;
      editor.terminal().close();
    }
    return 0; // leaving the console is a normal end, whatever the last command did
  }

  /** One kubectl run on a terminal of its own; the console relays keys and output until it ends. */
  private int runKubectl(KubectlCommandLine.Parsed command) throws IOException {
    Terminal terminal = editor.terminal();
    terminal.writer().flush();
    ChildProcess p = session.startKubectl(command, true, size);
    running = p;
    Attributes saved = terminal.enterRawMode();
    Attributes raw = terminal.getAttributes();
    // Every key goes to kubectl's own terminal, whose line discipline (or kubectl itself) reads it.
    raw.setLocalFlag(Attributes.LocalFlag.ISIG, false);
    raw.setInputFlag(Attributes.InputFlag.ICRNL, false);
    raw.setOutputFlag(Attributes.OutputFlag.OPOST, false);
    terminal.setAttributes(raw);
    // waitFor closes the gateway's copy of kubectl's terminal when kubectl ends: then its output ends.
    java.util.concurrent.CompletableFuture<ExitStatus> exit = new java.util.concurrent.CompletableFuture<>();
    Thread waiter = new Thread(() -> {
      try {
        exit.complete(p.waitFor());
      } catch (InterruptedException e) {
        exit.complete(new ExitStatus(255, "KILL", false));
      }
    }, "gh-kubectl-wait-" + session.id());
    waiter.setDaemon(true);
    waiter.start();
    Thread output = new Thread(() -> relayOutput(p), "gh-kubectl-pty-" + session.id());
    output.setDaemon(true);
    output.start();
    byte[] buf = new byte[4096];
    try {
      NonBlockingInputStream keys = (NonBlockingInputStream) terminal.input();
      while (output.isAlive() && !stopped) {
        int c = keys.read(100);
        if (c < 0) {
          if (c == NonBlockingInputStream.EOF) {
            break;
          }
          continue;
        }
        int n = 0;
        buf[n++] = (byte) c;
        while (n < buf.length && keys.available() > 0) {
          int d = keys.read(1);
          if (d < 0) {
            break;
          }
          buf[n++] = (byte) d;
        }
        session.recordInput(buf, 0, n);
        try {
          p.writeInput(buf, 0, n);
        } catch (IOException e) {
          break; // kubectl ended meanwhile
        }
      }
      if (stopped) {
        p.hangUp();
        p.kill();
      }
      ExitStatus status;
      try {
        status = exit.get();
        output.join(2000);
      } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
        Thread.currentThread().interrupt();
        p.kill();
        status = new ExitStatus(255, "KILL", false);
      }
      return session.finishRun(p, status);
    } finally {
      running = null;
      terminal.setAttributes(saved);
    }
  }

  private void relayOutput(ChildProcess p) {
    byte[] buf = new byte[64 * 1024];
    try {
      int n;
      while ((n = p.readOutput(buf, 0, buf.length)) > 0) {
        out.writeRecorded(buf, 0, n);
      }
    } catch (IOException e) {
      // kubectl's terminal closed
    }
  }

  /** A line of the gateway's own (a refusal, "waiting for approval"), on a line of its own. */
  void println(String text) {
    byte[] b = (text + "\r\n").getBytes(StandardCharsets.UTF_8);
    try {
      out.writeRecorded(b, 0, b.length);
    } catch (IOException e) {
      // the client went away
    }
  }

  void resize(WindowSize s) {
    size = s;
    session.recordResize(s);
    ChildProcess p = running;
    if (p != null) {
      p.resize(s);
    }
    LineEditor e = editor;
    if (e != null) {
      e.resize(s, p == null); // the prompt is redrawn only when the console, not kubectl, has the terminal
    }
  }

  void stop() {
    stopped = true;
    LineEditor e = editor;
    if (e != null) {
      e.closeQuietly();
    }
  }
}
