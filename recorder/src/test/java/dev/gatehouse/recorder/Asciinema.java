package dev.gatehouse.recorder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real asciinema. If it is not installed the test fails: playability is the point.
 *
 * <p>`asciinema cat` opens /dev/tty (to put the terminal in raw mode), which a test JVM does not
 * have; `script` gives it a pseudo-terminal as controlling tty while its stdout goes to a file, so
 * we read exactly the bytes it prints, untouched by any terminal line discipline.
 */
final class Asciinema {
  private Asciinema() {}

  /** What `asciinema cat FILE` prints, as bytes. Fails on a non-zero exit or after 30 s. */
  static byte[] cat(Path file) throws IOException, InterruptedException {
    Path out = Files.createTempFile("asciinema", ".out");
    Path err = Files.createTempFile("asciinema", ".err");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(
              "script", "-qec", "asciinema cat \"$GH_CAST\" > \"$GH_OUT\" 2> \"$GH_ERR\"",
              "/dev/null");
      pb.environment().put("GH_CAST", file.toString());
      pb.environment().put("GH_OUT", out.toString());
      pb.environment().put("GH_ERR", err.toString());
      pb.environment().put("LC_ALL", "C.UTF-8");
      pb.environment().put("PYTHONIOENCODING", "utf-8");
      pb.environment().put("SHELL", "/bin/sh");
      pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
      pb.redirectErrorStream(true);
      Process p = pb.start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("asciinema cat " + file + " did not finish in 30 s");
      }
      if (p.exitValue() != 0) {
        throw new AssertionError(
            "asciinema cat " + file + " exited " + p.exitValue() + ": " + Files.readString(err));
      }
      return Files.readAllBytes(out);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  static String catString(Path file) throws IOException, InterruptedException {
    return new String(cat(file), StandardCharsets.UTF_8);
  }
}
