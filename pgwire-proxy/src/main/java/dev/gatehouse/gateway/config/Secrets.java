package dev.gatehouse.gateway.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Secret references in the config: {@code env:NAME} or {@code file:/path}, resolved when used,
 * never logged. A plain value is refused so secrets do not end up in the config file itself.
 */
public final class Secrets {
  private Secrets() {}

  public static byte[] resolve(String ref, String key) throws IOException {
    if (ref == null) {
      throw new IOException(key + ": missing");
    }
    if (ref.startsWith("file:")) {
      Path p = Path.of(ref.substring(5));
      try {
        return Files.readAllBytes(p);
      } catch (IOException e) {
        throw new IOException(key + ": cannot read " + p + ": " + e.getMessage(), e);
      }
    }
    if (ref.startsWith("env:")) {
      String v = System.getenv(ref.substring(4));
      if (v == null) {
        throw new IOException(key + ": environment variable " + ref.substring(4) + " is not set");
      }
      return v.getBytes(StandardCharsets.UTF_8);
    }
    throw new IOException(key + ": use env:NAME or file:/path (a secret is never written into the config)");
  }
}
