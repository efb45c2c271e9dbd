package dev.gatehouse.policy.shell;

import java.nio.file.Files;
import java.nio.file.Path;

/** Which programs the machine running the tests has (sandbox proofs skip a finding whose program is missing). */
final class TestPrograms {
  private TestPrograms() {}

  static boolean onPath(String name) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
        return true;
      }
    }
    return false;
  }
}
