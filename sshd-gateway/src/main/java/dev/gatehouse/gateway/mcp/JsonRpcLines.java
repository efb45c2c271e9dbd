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
 *
 * <p>A line the SDK's transport cannot read as one JSON-RPC message (a batch, a blank line, text
 * that is not a JSON object, an object that is neither request, notification nor response) makes
 * it stop reading for good and answer nothing: {@code onUnreadable} is told, so the session ends
 * rather than stay open with nobody reading.
 */
final class JsonRpcLines {
  private static final JsonFactory JSON = new JsonFactory();

  private final int maxLine;
  private final Runnable onTooLong;
  private final Runnable onUnreadable;
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

  /**
   * {@code onTooLong}: a line read passed {@code maxLine}; {@code onUnreadable}: a line read is not
   * one JSON-RPC message. The SDK's transport stops reading after either.
   */
  JsonRpcLines(int maxLine, Runnable onTooLong, Runnable onUnreadable) {
    this.maxLine = maxLine;
    this.onTooLong = onTooLong;
    this.onUnreadable = onUnreadable;
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
    boolean answer = false;
    try (JsonParser p = JSON.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        if (reading) {
          onUnreadable.run();
        }
        return;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        if (name.equals("id") && p.currentToken() != JsonToken.VALUE_NULL) {
          id = true;
        } else if (name.equals("method")) {
          method = p.currentToken() == JsonToken.VALUE_STRING ? p.getText() : "";
        } else if (name.equals("result") || name.equals("error")) {
          answer = true;
        }
        p.skipChildren();
      }
    } catch (IOException e) {
      if (reading) {
        onUnreadable.run(); // not JSON
      }
      return;
    }
    if (reading && method == null && !answer) {
      onUnreadable.run();
      return;
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
