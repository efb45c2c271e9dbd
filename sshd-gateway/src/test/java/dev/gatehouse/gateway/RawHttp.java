package dev.gatehouse.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * HTTP/1.1 over a plain socket, so a test controls every byte a hostile client would send (no
 * client library fixes a request up or refuses to send it): the head as given, then a body that a
 * {@link Body} streams from another thread while the answer is read, until the server answers or
 * closes. Loopback only.
 */
final class RawHttp {
  /** Writes a request body; stops early when {@code answered} turns true. */
  @FunctionalInterface
  interface Body {
    void write(OutputStream out, AtomicBoolean answered, AtomicLong sent) throws IOException, InterruptedException;
  }

  /** What came back; {@code sent} is how many body bytes the client got to write. */
  record Answer(int status, Map<String, String> headers, String body, long sent) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  static final Body NO_BODY = (out, answered, sent) -> { };

  private RawHttp() {}

  static Answer exchange(int port, String head) throws IOException, InterruptedException {
    return exchange(port, head, NO_BODY, Duration.ofSeconds(30));
  }

  /** Sends {@code head} (request line and headers, CRLF-terminated, blank line included), then {@code body}. */
  static Answer exchange(int port, String head, Body body, Duration timeout) throws IOException, InterruptedException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setSoTimeout((int) timeout.toMillis());
      OutputStream out = s.getOutputStream();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      AtomicBoolean answered = new AtomicBoolean();
      AtomicLong sent = new AtomicLong();
      Thread writer = new Thread(() -> {
        try {
          body.write(out, answered, sent);
          out.flush();
        } catch (IOException | InterruptedException e) {
          // The server stopped reading (it answered and closed): what a refusal looks like.
        }
      }, "raw-http-body");
      writer.setDaemon(true);
      writer.start();
      try {
        return read(s.getInputStream(), answered, sent);
      } finally {
        answered.set(true);
        writer.join(10_000);
      }
    }
  }

  /** A body of {@code total} bytes in chunks of {@code chunk} ("Transfer-Encoding: chunked"). */
  static Body chunked(long total, int chunk) {
    return (out, answered, sent) -> {
      byte[] data = new byte[chunk];
      java.util.Arrays.fill(data, (byte) 'x');
      byte[] size = (Integer.toHexString(chunk) + "\r\n").getBytes(StandardCharsets.US_ASCII);
      while (sent.get() < total && !answered.get()) {
        out.write(size);
        out.write(data);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        sent.addAndGet(chunk);
      }
      out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    };
  }

  /** {@code total} raw bytes (for a declared Content-Length). */
  static Body plain(long total) {
    return (out, answered, sent) -> {
      byte[] data = new byte[64 * 1024];
      java.util.Arrays.fill(data, (byte) 'x');
      while (sent.get() < total && !answered.get()) {
        int n = (int) Math.min(data.length, total - sent.get());
        out.write(data, 0, n);
        sent.addAndGet(n);
      }
    };
  }

  /** {@code first} now, then nothing for {@code pause}: a client that stalls mid-body. */
  static Body stalling(String first, Duration pause) {
    return (out, answered, sent) -> {
      out.write(first.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      sent.addAndGet(first.length());
      long until = System.nanoTime() + pause.toNanos();
      while (!answered.get() && System.nanoTime() < until) {
        Thread.sleep(50);
      }
    };
  }

  private static Answer read(InputStream in, AtomicBoolean answered, AtomicLong sent) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the server closed the connection without an answer (got: "
            + head.toString(StandardCharsets.ISO_8859_1) + ")");
      }
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    answered.set(true);
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.merge(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip(),
            (a, b) -> a + ", " + b);
      }
    }
    byte[] body;
    String length = headers.get("content-length");
    if (length != null) {
      body = in.readNBytes(Integer.parseInt(length));
    } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      while (true) {
        String size = line(in);
        int n = Integer.parseInt(size.split(";")[0].strip(), 16);
        if (n == 0) {
          break;
        }
        b.write(in.readNBytes(n));
        line(in);
      }
      body = b.toByteArray();
    } else {
      body = in.readNBytes(1 << 20);
    }
    return new Answer(status, headers, new String(body, StandardCharsets.UTF_8), sent.get());
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return b.toString();
  }
}
