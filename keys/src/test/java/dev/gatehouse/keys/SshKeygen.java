package dev.gatehouse.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real /usr/bin/ssh-keygen, as an operator would run it. */
final class SshKeygen {
  record Result(int exitCode, String output) {}

  private SshKeygen() {}

  static Result run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("/usr/bin/ssh-keygen");
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("ssh-keygen finished").isTrue();
    return new Result(process.exitValue(), output);
  }

  static String ok(String... args) throws IOException, InterruptedException {
    Result result = run(args);
    assertThat(result.exitCode()).as("ssh-keygen %s:%n%s", String.join(" ", args), result.output()).isZero();
    return result.output();
  }

  /** Makes a new key pair with ssh-keygen; returns the private key path (public is path.pub). */
  static Path newKey(Path dir, String name, String type) throws IOException, InterruptedException {
    Path key = dir.resolve(name);
    List<String> args = new ArrayList<>(List.of("-q", "-N", "", "-C", name, "-f", key.toString(), "-t", type));
    if (type.equals("rsa")) {
      args.addAll(List.of("-b", "3072"));
    } else if (type.equals("ecdsa")) {
      args.addAll(List.of("-b", "256"));
    }
    ok(args.toArray(String[]::new));
    return key;
  }

  static PublicKey publicKey(Path privateKey) throws IOException {
    return OpenSshKeyFiles.readPublicKey(Path.of(privateKey + ".pub"));
  }

  static PublicKey certificate(Path privateKey) throws IOException {
    return OpenSshKeyFiles.readPublicKey(Path.of(privateKey + "-cert.pub"));
  }
}
