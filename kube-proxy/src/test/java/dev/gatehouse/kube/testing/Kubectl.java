package dev.gatehouse.kube.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Real kubectl (/usr/bin/kubectl) as the tests' client, with its own HOME and kubeconfig. */
public final class Kubectl {
  public static final Path BINARY = Path.of("/usr/bin/kubectl");

  /** What kubectl printed and how it ended. */
  public record Result(int exit, String out, String err) {}

  private final Path home;
  private final Path kubeconfig;

  private Kubectl(Path home, Path kubeconfig) {
    this.home = home;
    this.kubeconfig = kubeconfig;
  }

  /** kubectl against {@code server}, with a bearer {@code token} (null: no credentials at all). */
  public static Kubectl against(Path dir, String server, String token) throws IOException {
    Path home = Files.createDirectories(dir.resolve("home"));
    Path kc = dir.resolve("kubeconfig");
    String user = token == null ? "{}" : "{token: \"" + token + "\"}";
    Files.writeString(kc, "apiVersion: v1\nkind: Config\nclusters:\n- name: t\n  cluster: {server: \"" + server + "\"}\n"
        + "users:\n- name: u\n  user: " + user + "\ncontexts:\n- name: c\n  context: {cluster: t, user: u, namespace: default}\n"
        + "current-context: c\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(kc, PosixFilePermissions.fromString("rw-------"));
    return new Kubectl(home, kc);
  }

  /** kubectl with a kubeconfig written elsewhere (e.g. by {@code gatehouse kubeconfig}). */
  public static Kubectl withConfig(Path home, Path kubeconfig) {
    return new Kubectl(home, kubeconfig);
  }

  public Result run(String... args) throws IOException, InterruptedException {
    return runWithInput(null, args);
  }

  public Result runWithInput(String stdin, String... args) throws IOException, InterruptedException {
    return runWithEnv(java.util.Map.of(), stdin, args);
  }

  /** Like {@link #runWithInput}, with variables added to kubectl's environment (e.g. {@code KUBECTL_*} switches). */
  public Result runWithEnv(java.util.Map<String, String> env, String stdin, String... args)
      throws IOException, InterruptedException {
    ProcessBuilder pb = builder(env, args);
    Path out = Files.createTempFile(home, "out", ".txt");
    Path err = Files.createTempFile(home, "err", ".txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("kubectl " + String.join(" ", args) + " did not end in 90 s");
    }
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  /**
   * kubectl left running (e.g. {@code port-forward}), its stdout and stderr together in {@code
   * output}; the caller stops it.
   */
  public Process start(Path output, String... args) throws IOException {
    return startWithEnv(java.util.Map.of(), output, args);
  }

  /** Like {@link #start}, with variables added to kubectl's environment (e.g. {@code KUBECTL_*} switches). */
  public Process startWithEnv(java.util.Map<String, String> env, Path output, String... args) throws IOException {
    ProcessBuilder pb = builder(env, args);
    pb.redirectErrorStream(true).redirectOutput(output.toFile());
    Process p = pb.start();
    p.getOutputStream().close();
    return p;
  }

  private ProcessBuilder builder(java.util.Map<String, String> env, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(BINARY.toString());
    cmd.add("--kubeconfig=" + kubeconfig);
    cmd.add("--request-timeout=30s");
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().clear();
    pb.environment().put("HOME", home.toString());
    pb.environment().put("PATH", "/usr/bin:/bin");
    pb.environment().putAll(env);
    return pb;
  }
}
