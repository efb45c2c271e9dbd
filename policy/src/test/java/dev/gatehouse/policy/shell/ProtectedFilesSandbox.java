package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a text under bash in a throwaway bubblewrap sandbox whose {@code /etc} (a {@code passwd}),
 * {@code /var/log} (an {@code auth.log}) and {@code /dev/sda} (an empty file) are files of a test's
 * temporary directory, and asserts that the text changed one of them (its bytes or its mode): the proof that a finding
 * writes a protected file, never on the host's own.
 */
final class ProtectedFilesSandbox {
  private ProtectedFilesSandbox() {}

  static void assertChangedBy(String text, Path dir) throws Exception {
    Files.createDirectories(dir.resolve("etc/alternatives"));
    Files.writeString(dir.resolve("etc/passwd"), ShellAttack17cfTest.PASSWD);
    // /usr/bin/awk is a link through /etc/alternatives, which the sandbox's own /etc replaces
    Path awk = Path.of("/etc/alternatives/awk");
    if (Files.isSymbolicLink(awk)) {
      Files.createSymbolicLink(dir.resolve("etc/alternatives/awk"), awk.toRealPath());
    }
    Files.createFile(dir.resolve("disk"));
    Files.createDirectories(dir.resolve("log"));
    Files.writeString(dir.resolve("log/auth.log"), "sshd: accepted\n");
    String before = state(dir);
    List<String> cmd = new ArrayList<>(BashDifferentialTest.sandbox());
    cmd.addAll(List.of("--ro-bind", "/usr/bin", "/usr/bin", "--ro-bind", "/usr/sbin", "/usr/sbin",
        "--bind", dir.resolve("etc").toString(), "/etc", "--bind", dir.resolve("disk").toString(), "/dev/sda",
        "--bind", dir.resolve("log").toString(), "/var/log", "--chdir", "/tmp", "/usr/bin/bash", "-c", text));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(state(dir)).as("%s changed the sandbox's files (%s)", text, out.strip()).isNotEqualTo(before);
  }

  private static String state(Path dir) throws Exception {
    // the files' modes too: a chmod that opens a file up (or takes its owner's write) changes no byte (attack 17cl)
    return Files.readString(dir.resolve("etc/passwd")) + "|" + Files.readString(dir.resolve("log/auth.log")) + "|"
        + Files.size(dir.resolve("disk")) + "|" + Files.getPosixFilePermissions(dir.resolve("etc/passwd"))
        + Files.getPosixFilePermissions(dir.resolve("log/auth.log"));
  }
}
