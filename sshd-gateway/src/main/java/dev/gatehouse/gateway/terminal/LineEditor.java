package dev.gatehouse.gateway.terminal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.jline.keymap.KeyMap;
import org.jline.reader.Binding;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.Reference;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The gateway's own line editor for a console session (psql, kubectl): JLine over the SSH
 * channel's streams, never the bastion's own terminal, with an in-memory history of 500 lines (no
 * history file) and no {@code !} event expansion.
 *
 * <p>Ctrl-C at the prompt is a key like any other, read in order with the keys typed before it.
 * As a terminal signal (ISIG) it would be raised by JLine's input pump the moment it arrives,
 * ahead of keys still waiting to be read: {@code get no} then Ctrl-C left {@code get no} on the
 * fresh line. {@link #readLine} therefore reads with ISIG off and Ctrl-C bound to an interrupt
 * widget; outside the prompt (a command running, a held approval) the signal stays on, so the
 * consoles' INT handlers still cancel what runs.
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
    reader.getWidgets().put(INTERRUPT_WIDGET, () -> {
      throw new UserInterruptException(reader.getBuffer().toString());
    });
    for (String map : new String[] {LineReader.EMACS, LineReader.VIINS, LineReader.VICMD}) {
      KeyMap<Binding> keys = reader.getKeyMaps().get(map);
      if (keys != null) {
        keys.bind(new Reference(INTERRUPT_WIDGET), KeyMap.ctrl('C'));
      }
    }
  }

  private static final String INTERRUPT_WIDGET = "gatehouse-interrupt";

  /**
   * One line from the prompt, with Ctrl-C read in order (see the class comment); throws
   * {@link UserInterruptException} for Ctrl-C and {@link org.jline.reader.EndOfFileException} for
   * Ctrl-D on an empty line or the end of input, as {@link LineReader#readLine(String)}.
   */
  public String readLine(String prompt) {
    Attributes before = terminal.getAttributes();
    Attributes keysInOrder = new Attributes(before);
    keysInOrder.setLocalFlag(Attributes.LocalFlag.ISIG, false);
    terminal.setAttributes(keysInOrder);
    try {
      return reader.readLine(prompt);
    } finally {
      terminal.setAttributes(before);
    }
  }

  public Terminal terminal() {
    return terminal;
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
