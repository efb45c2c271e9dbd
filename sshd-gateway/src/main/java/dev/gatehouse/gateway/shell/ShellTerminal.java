package dev.gatehouse.gateway.shell;

import dev.gatehouse.gateway.terminal.ChildProcess;
import dev.gatehouse.gateway.terminal.TerminalReaders;
import dev.gatehouse.gateway.terminal.WindowSize;
import java.io.IOException;

/**
 * The terminal of the bash a {@link GuardedShell} guards: a pseudo-terminal on the bastion (a
 * {@code command} target's child) or the pty of a channel on an {@code ssh} target's host. The
 * guard only types into it and reads what it shows, so both look the same to it.
 */
public interface ShellTerminal {
  /** Types bytes into the terminal (blocks while the other side does not take them). */
  void writeInput(byte[] b, int off, int len) throws IOException;

  /** Reads what the terminal shows; -1 when it closed or reading was stopped. */
  int readOutput(byte[] b, int off, int len) throws IOException;

  /** Waits up to {@code millis} for output to read; false when the terminal stayed quiet. */
  boolean awaitOutput(int millis);

  /** Ends reading: a waiting {@link #readOutput} returns -1. */
  void stopReading();

  /** The user's EOF: Ctrl-D typed at bash's own prompt (it exits). */
  void closeInput() throws IOException;

  void resize(WindowSize size);

  /**
   * Whether {@link #holdForShell} can keep the terminal to bash alone: a {@code command} target's
   * pseudo-terminal, whose processes the gateway sees; not an {@code ssh} target's.
   */
  default boolean canHoldForShell() {
    return false;
  }

  /**
   * Keeps the terminal to bash alone until {@link #releaseFromShell}: no other process can open it,
   * and none that holds it could read it. Returns null when it is held, else the other reader
   * (why not; a background job that only holds the line back is {@link TerminalReaders.Reader#job}).
   */
  default TerminalReaders.Reader holdForShell() {
    return new TerminalReaders.Reader("the terminal's other readers cannot be seen", false);
  }

  /** Lets every process open the terminal again (a command started, or the line was dropped). */
  default void releaseFromShell() {}

  /** A child process's pseudo-terminal on the bastion. */
  static ShellTerminal of(ChildProcess child) {
    return new ShellTerminal() {
      @Override
      public void writeInput(byte[] b, int off, int len) throws IOException {
        child.writeInput(b, off, len);
      }

      @Override
      public int readOutput(byte[] b, int off, int len) throws IOException {
        return child.readOutput(b, off, len);
      }

      @Override
      public boolean awaitOutput(int millis) {
        return child.awaitOutput(true, millis);
      }

      @Override
      public void stopReading() {
        child.stopReading();
      }

      @Override
      public void closeInput() throws IOException {
        child.closeInput();
      }

      @Override
      public void resize(WindowSize size) {
        child.resize(size);
      }

      @Override
      public boolean canHoldForShell() {
        return true;
      }

      @Override
      public TerminalReaders.Reader holdForShell() {
        return child.holdTerminalForShell();
      }

      @Override
      public void releaseFromShell() {
        child.releaseTerminal();
      }
    };
  }
}
