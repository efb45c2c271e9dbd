package dev.gatehouse.gateway.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A file named on the command line that cannot be read: missing, unreadable or a directory. The
 * message is the one line the user sees (the path, what is wrong, what to do); the CLI exits 66
 * (sysexits EX_NOINPUT).
 */
final class InputFileUnusable extends IOException {
  static final int EXIT_NO_INPUT = 66;

  InputFileUnusable(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Reads a UTF-8 text file named by an option; {@code hint} says what to do when it is missing
   * (e.g. how to make it).
   */
  static String readText(Path file, String option, String hint) throws InputFileUnusable {
    try {
      if (Files.isDirectory(file)) {
        throw new InputFileUnusable(option + " " + file + ": is a directory, not a file", null);
      }
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new InputFileUnusable(option + " " + file + ": no such file" + (hint == null ? "" : "; " + hint), e);
    } catch (AccessDeniedException e) {
      throw new InputFileUnusable(option + " " + file + ": permission denied (run as a user who can read it)", e);
    } catch (InputFileUnusable e) {
      throw e;
    } catch (IOException e) {
      throw new InputFileUnusable(option + " " + file + ": cannot read it (" + e.getMessage() + ")", e);
    }
  }
}
