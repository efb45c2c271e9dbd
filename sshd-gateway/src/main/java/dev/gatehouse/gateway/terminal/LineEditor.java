package dev.gatehouse.gateway.terminal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The gateway's own line editor for a console session (psql, kubectl): JLine over the SSH
 * channel's streams, never the bastion's own terminal, with an in-memory history of 500 lines (no
 * history file) and no {@code !} event expansion. JLine's edit-and-execute (Ctrl-X Ctrl-E, {@code v}
 * in vi command mode) is gone: it writes the line to a file on the bastion and opens an editor
 * there, on the gateway's host, with the gateway's rights.
 */
public final class LineEditor {
  private final Terminal terminal;
  private final LineReader reader;

  /** {@code appName} names the console to JLine ({@code gatehouse-psql}). */
  public LineEditor(InputStream in, OutputStream out, String term, WindowSize size, String appName) throws IOException {
    terminal = TerminalBuilder.builder().system(false).streams(in, out).type(term)
        .size(new Size(size.columns(), size.rows())).encoding(StandardCharsets.UTF_8).build();
    reader = LineReaderBuilder.builder().terminal(terminal).appName(appName)
        .variable(LineReader.HISTORY_FILE, null).variable(LineReader.HISTORY_SIZE, 500)
        .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true).build();
    // A widget that does nothing and fails: JLine beeps, the line stays as it was.
    reader.getWidgets().put(LineReader.EDIT_AND_EXECUTE_COMMAND, () -> false);
  }

  public Terminal terminal() {
    return terminal;
  }

  /**
   * One line, as {@link LineReader#readLine(String)}. While it reads, JLine turns a Ctrl-C into an
   * interrupt of the reading thread; one that came as the line was accepted is left set, and it
   * means nothing past the editor: left set, it ended a guarded shell's wait for its next prompt,
   * and NIO closes any channel the thread then uses (the audit log's, a recording's). Cleared here.
   */
  public String readLine(String prompt) {
    try {
      return reader.readLine(prompt);
    } finally {
      Thread.interrupted();
    }
  }

  public LineReader reader() {
    return reader;
  }

  /** The client's window changed; {@code redraw}: the line being edited is drawn again for it. */
  public void resize(WindowSize s, boolean redraw) {
    terminal.setSize(new Size(s.columns(), s.rows()));
    if (redraw) {
      terminal.raise(Terminal.Signal.WINCH);
    }
  }

  /** Ends the editor from another thread: a line being read ends (the session is ending anyway). */
  public void closeQuietly() {
    try {
      terminal.close();
    } catch (IOException e) {
      // Ending anyway.
    }
  }
}
