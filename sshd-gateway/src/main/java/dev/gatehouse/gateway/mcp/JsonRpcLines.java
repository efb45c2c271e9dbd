package dev.gatehouse.gateway.mcp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Counts the JSON-RPC requests read from a stdio agent and the responses written to it, line by
 * line, so that the end of the agent's input can wait for the answers still owed (a script may
 * write its requests and close its stdin at once). Only top-level keys are looked at.
 */
final class JsonRpcLines {
  private static final JsonFactory JSON = new JsonFactory();

  private final int maxLine;
  private final Runnable onTooLong;
  private final ByteArrayOutputStream in = new ByteArrayOutputStream();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
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
    notifyAll();
  }

  /** Blocks until every request read so far was answered (or the thread is interrupted). */
  synchronized void awaitAnswered() {
    try {
      while (owed > 0) {
        wait(1000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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
    boolean method = false;
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
          method = true;
        }
        p.skipChildren();
      }
    } catch (IOException e) {
      return; // not JSON: the transport answers nothing to it either
    }
    if (reading && id && method) {
      owed++;
    } else if (!reading && id && !method) {
      owed = Math.max(0, owed - 1);
    }
  }
}
