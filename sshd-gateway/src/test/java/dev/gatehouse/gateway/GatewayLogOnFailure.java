package dev.gatehouse.gateway;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Prints the part of the gateway's log (src/test/resources/simplelogger.properties sends it to a
 * file) written during a test, only when that test failed.
 */
final class GatewayLogOnFailure implements BeforeEachCallback, TestWatcher {
  static final Path LOG = Path.of("target/gateway-test.log");
  private static final int MAX_BYTES = 32 * 1024;
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(GatewayLogOnFailure.class);

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    context.getStore(NS).put("start", Files.exists(LOG) ? Files.size(LOG) : 0L);
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    Long start = context.getStore(NS).get("start", Long.class);
    try {
      if (start == null || !Files.exists(LOG)) {
        return;
      }
      try (RandomAccessFile f = new RandomAccessFile(LOG.toFile(), "r")) {
        long from = Math.max(start, f.length() - MAX_BYTES);
        byte[] b = new byte[(int) (f.length() - from)];
        f.seek(from);
        f.readFully(b);
        System.err.printf("----- gateway log during %s -----%n%s----- end of gateway log -----%n",
            context.getDisplayName(), new String(b, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      System.err.println("(gateway log unavailable: " + e + ")");
    }
  }

  @Override
  public void testDisabled(ExtensionContext context, Optional<String> reason) {}
}
