package dev.gatehouse.gateway.postgres;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the real /usr/bin/psql or pgbench against the proxy, with no password and no psqlrc. */
final class Psql {
  record Result(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }
  }

  private Psql() {}

  static String conninfo(int port, String extra) {
    return "host=127.0.0.1 port=" + port + " user=whoever dbname=whatever sslmode=prefer " + extra;
  }

  static Result psql(String conninfo, String stdin, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/psql", "-X", "-At", conninfo));
    cmd.addAll(List.of(args));
    if (stdin != null) {
      cmd.addAll(List.of("-f", "-"));
    }
    return run(cmd, stdin);
  }

  static Result run(List<String> cmd, String stdin) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
    pb.environment().put("PGCONNECT_TIMEOUT", "10");
    Process p = pb.start();
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    String out = read(p.getInputStream());
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(cmd + " did not finish");
    }
    return new Result(p.exitValue(), out, err.get(10, TimeUnit.SECONDS));
  }

  private static String read(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      return "<" + e + ">";
    }
  }
}
