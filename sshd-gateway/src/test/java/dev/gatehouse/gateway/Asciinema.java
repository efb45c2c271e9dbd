package dev.gatehouse.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The real asciinema. `asciinema cat` opens /dev/tty, which a test JVM does not have; `script`
 * gives it a pseudo-terminal while its stdout goes to a file (as in recorder's tests).
 */
final class Asciinema {
  private Asciinema() {}

  /** What `asciinema cat FILE` prints. Fails on a non-zero exit or after 30 s. */
  static String cat(Path file) throws IOException, InterruptedException {
    Path out = Files.createTempFile("asciinema", ".out");
    Path err = Files.createTempFile("asciinema", ".err");
    try {
      ProcessBuilder pb =
          new ProcessBuilder("script", "-qec", "asciinema cat \"$GH_CAST\" > \"$GH_OUT\" 2> \"$GH_ERR\"", "/dev/null");
      pb.environment().put("GH_CAST", file.toString());
      pb.environment().put("GH_OUT", out.toString());
      pb.environment().put("GH_ERR", err.toString());
      pb.environment().put("LC_ALL", "C.UTF-8");
      pb.environment().put("PYTHONIOENCODING", "utf-8");
      pb.environment().put("SHELL", "/bin/sh");
      pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
      pb.redirectErrorStream(true);
      Process p = pb.start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("asciinema cat " + file + " did not finish in 30 s");
      }
      if (p.exitValue() != 0) {
        throw new AssertionError("asciinema cat " + file + " exited " + p.exitValue() + ": " + Files.readString(err));
      }
      return Files.readString(out, StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
