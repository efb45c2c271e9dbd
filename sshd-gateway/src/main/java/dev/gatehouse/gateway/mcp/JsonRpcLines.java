package dev.gatehouse.gateway.mcp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Counts the JSON-RPC requests read from a stdio agent and the responses written to it, line by
 * line, so that the end of the agent's input can wait for the answers still owed (a script may
 * write its requests and close its stdin at once). Only top-level keys are looked at.
 *
 * <p>Only answers the SDK will give are waited for: {@code initialize}, and other requests once
 * the {@code notifications/initialized} notification came (the SDK holds a request read before it
 * until then, and answers nothing to a batch or a line that is not a JSON-RPC object). Behind
 * that, the wait also ends when no call is running and nothing was written for {@link #IDLE}: a
 * request the SDK dropped otherwise cannot hold the session open.
 */
final class JsonRpcLines {
  private static final JsonFactory JSON = new JsonFactory();

  private final int maxLine;
  private final Runnable onTooLong;
  private final ByteArrayOutputStream in = new ByteArrayOutputStream();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  /** How long the end of input waits on answers while nothing runs and nothing is written. */
  static final Duration IDLE = Duration.ofSeconds(5);
  private boolean initialized;
  private int heldUntilInitialized;
  private long lastWritten = System.nanoTime();
  private boolean inTooLong;
  private boolean outTooLong;
  private int owed;

  /** {@code onTooLong}: a line read passed {@code maxLine} (the SDK's transport stops reading then). */
  JsonRpcLines(int maxLine, Runnable onTooLong) {
    this.maxLine = maxLine;
    this.onTooLong = onTooLong;
  }

  synchronized void read(byte[] b, int off, int len) {
    inTooLong = scan(in, inTooLong, b, off, len, true);
  }

  synchronized void written(byte[] b, int off, int len) {
    outTooLong = scan(out, outTooLong, b, off, len, false);
    lastWritten = System.nanoTime();
    notifyAll();
  }

  /**
   * Blocks until every request read so far that the SDK answers was answered, or no call is
   * running ({@code callsRunning}) and nothing was written for {@link #IDLE}, or the thread is
   * interrupted. Returns the number of answers given up on.
   */
  synchronized int awaitAnswered(BooleanSupplier callsRunning) {
    long idleFrom = Math.max(lastWritten, System.nanoTime());
    try {
      while (owed > 0) {
        long quiet = System.nanoTime() - Math.max(idleFrom, lastWritten);
        if (quiet >= IDLE.toNanos() && !callsRunning.getAsBoolean()) {
          return owed;
        }
        wait(200);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  private boolean scan(ByteArrayOutputStream line, boolean tooLong, byte[] b, int off, int len, boolean reading) {
    int from = off;
    for (int i = off; i < off + len; i++) {
      if (b[i] == '\n') {
        if (!tooLong) {
          line.write(b, from, i - from);
          count(line.toByteArray(), reading);
        }
        line.reset();
        tooLong = false;
        from = i + 1;
      }
    }
    if (!tooLong) {
      line.write(b, from, off + len - from);
      if (line.size() > maxLine) {
        // The transport refuses such a line too, and stops reading: the session ends.
        line.reset();
        tooLong = true;
        if (reading) {
          onTooLong.run();
        }
      }
    }
    return tooLong;
  }

  private void count(byte[] line, boolean reading) {
    boolean id = false;
    String method = null;
    try (JsonParser p = JSON.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        if (name.equals("id") && p.currentToken() != JsonToken.VALUE_NULL) {
          id = true;
        } else if (name.equals("method")) {
          method = p.currentToken() == JsonToken.VALUE_STRING ? p.getText() : "";
        }
        p.skipChildren();
      }
    } catch (IOException e) {
      return; // not JSON: the transport answers nothing to it either
    }
    if (reading && id && method != null) {
      if (initialized || method.equals("initialize")) {
        owed++;
      } else {
        heldUntilInitialized++;
      }
    } else if (reading && method != null && method.equals("notifications/initialized") && !initialized) {
      initialized = true;
      owed += heldUntilInitialized;
      heldUntilInitialized = 0;
    } else if (!reading && id && method == null) {
      owed = Math.max(0, owed - 1);
    }
  }
}
