package dev.gatehouse.kube.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stand-in API server's front door: every connection is relayed byte for byte to fabric8's
 * mock, except a WebSocket upgrade to a pod's {@code exec} or {@code attach}, which is served here
 * in {@code v5.channel.k8s.io} (or {@code v4}), the channel protocol of the API server: one binary
 * message per chunk, its first byte the channel (0 stdin, 1 stdout, 2 stderr, 3 status, 4 resize,
 * 255 close in v5). Behind it runs a tiny "shell": it echoes typed input on a terminal, answers
 * {@code echo TEXT} with TEXT, ends at {@code exit} (or stdin's end; {@code exit N} with exit code N) with a {@code Status} on
 * channel 3. The WebSocket framing (RFC 6455) is written here by hand: the mock negotiates no v5.
 *
 * <p>A pod's {@code portforward} is served here too, as kubectl 1.30+ asks for it: a WebSocket with
 * the subprotocol {@code SPDY/3.1+portforward.k8s.io} carrying SPDY/3.1 frames (read and written
 * with Netty's SPDY codec, which the mock's Vert.x brings along). Each forwarded connection is a
 * pair of SPDY streams (headers {@code streamtype} data or error, {@code port}, {@code requestid});
 * port {@value #ECHO_PORT} echoes every byte, any other port answers on the error stream as the
 * kubelet does when nothing listens there.
 */
public final class ExecFront implements AutoCloseable {
  private static final Pattern STREAM = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/]+)/(exec|attach|portforward)");
  /** The one port of a pod that "listens" behind the stand-in's port-forward: it echoes. */
  public static final int ECHO_PORT = 80;
  static final String PORT_FORWARD = "SPDY/3.1+portforward.k8s.io";
  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  /** {@code exit N} (as the command, or a line of the shell): the stream ends with exit code N. */
  private static final Pattern EXIT = Pattern.compile("exit (\\d{1,3})");

  /**
   * One exec, attach or port-forward the front served: the request, the chosen subprotocol, resizes
   * and stdin it got (for a port-forward: the bytes that reached the pod's port, and the ports asked for as resizes {port, 0}).
   */
  public record Exec(String path, Map<String, List<String>> headers, String protocol, List<int[]> resizes, StringBuilder stdin) {}

  private final ServerSocket server;
  private final int mockPort;
  private final List<Exec> execs = new CopyOnWriteArrayList<>();
  private final java.util.function.Consumer<StandInApiServer.Seen> seen;
  private volatile boolean closed;

  ExecFront(int mockPort, java.util.function.Consumer<StandInApiServer.Seen> seen) throws IOException {
    this.mockPort = mockPort;
    this.seen = seen;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::accept, "standin-front");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return server.getLocalPort();
  }

  List<Exec> execs() {
    return List.copyOf(execs);
  }

  private void accept() {
    while (!closed) {
      try {
        Socket s = server.accept();
        Thread t = new Thread(() -> serve(s), "standin-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  /**
   * Request by request (a client keeps its connection for several, and the JDK's WebSocket may
   * reuse one): each is relayed to the mock with its body, until one is an exec or attach upgrade.
   */
  private void serve(Socket s) {
    Socket mock = null;
    try (s) {
      InputStream in = new BufferedInputStream(s.getInputStream());
      while (true) {
        byte[] head;
        try {
          head = readHead(in);
        } catch (IOException e) {
          return; // the client closed its connection
        }
        String text = new String(head, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r\n");
        String[] requestLine = lines[0].split(" ");
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
          int c = lines[i].indexOf(':');
          if (c > 0) {
            headers.computeIfAbsent(lines[i].substring(0, c).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                .add(lines[i].substring(c + 1).strip());
          }
        }
        String target = requestLine.length > 1 ? requestLine[1] : "/";
        String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
        String upgrade = first(headers, "upgrade");
        if (upgrade != null && upgrade.equalsIgnoreCase("websocket") && STREAM.matcher(path).matches()) {
          if (mock != null) {
            mock.close();
          }
          seen.accept(new StandInApiServer.Seen(requestLine[0], target, first(headers, "authorization"),
              headers.getOrDefault("impersonate-user", List.of()), headers.getOrDefault("impersonate-group", List.of()),
              first(headers, "accept")));
          webSocket(s, in, target, headers);
          return;
        }
        if (mock == null) {
          mock = new Socket(InetAddress.getLoopbackAddress(), mockPort);
          Socket m = mock;
          Thread down = new Thread(() -> pipe(in(m), out(s)), "standin-down");
          down.setDaemon(true);
          down.start();
        }
        OutputStream up = mock.getOutputStream();
        up.write(head);
        String chunked = first(headers, "transfer-encoding");
        if (chunked != null && chunked.toLowerCase(Locale.ROOT).contains("chunked")) {
          pipe(in, up); // bodies of unknown length: the rest of the connection goes to the mock as it is
          return;
        }
        String length = first(headers, "content-length");
        if (length != null) {
          up.write(in.readNBytes(Integer.parseInt(length.strip())));
        }
        up.flush();
      }
    } catch (IOException | RuntimeException e) {
      // the connection ended
    } finally {
      if (mock != null) {
        try {
          mock.close();
        } catch (IOException e) {
          // closing anyway
        }
      }
    }
  }

  private static InputStream in(Socket s) {
    try {
      return s.getInputStream();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static OutputStream out(Socket s) {
    try {
      return s.getOutputStream();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void pipe(InputStream in, OutputStream out) {
    byte[] buf = new byte[16384];
    try {
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side closed
    }
  }

  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("connection closed in the request head");
      }
      b.write(c);
      matched = (c == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (c == '\r' ? 1 : 0);
      if (b.size() > 65536) {
        throw new IOException("request head too long");
      }
    }
    return b.toByteArray();
  }

  private static String first(Map<String, List<String>> h, String name) {
    List<String> v = h.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  // ---- the WebSocket exec ----

  private void webSocket(Socket s, InputStream in, String target, Map<String, List<String>> headers) throws IOException {
    List<String> offered = new ArrayList<>();
    for (String h : headers.getOrDefault("sec-websocket-protocol", List.of())) {
      for (String p : h.split(",")) {
        offered.add(p.strip());
      }
    }
    String protocol = offered.contains("v5.channel.k8s.io") ? "v5.channel.k8s.io"
        : offered.contains("v4.channel.k8s.io") ? "v4.channel.k8s.io"
        : offered.contains("v4.base64.channel.k8s.io") ? "v4.base64.channel.k8s.io" : null;
    if (target.contains("/portforward")) {
      protocol = offered.contains(PORT_FORWARD) ? PORT_FORWARD : null;
    }
    OutputStream out = s.getOutputStream();
    if (protocol == null) {
      out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      return;
    }
    String accept;
    try {
      accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
          .digest((first(headers, "sec-websocket-key") + GUID).getBytes(StandardCharsets.ISO_8859_1)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
        + accept + "\r\nSec-WebSocket-Protocol: " + protocol + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    Exec exec = new Exec(target, headers, protocol, new CopyOnWriteArrayList<>(), new StringBuilder());
    execs.add(exec);
    if (protocol.equals(PORT_FORWARD)) {
      portForward(in, out, exec);
      return;
    }
    Map<String, List<String>> q = query(target);
    boolean tty = q.getOrDefault("tty", List.of("false")).contains("true");
    List<String> command = q.getOrDefault("command", List.of());
    boolean base64 = protocol.contains("base64");
    Shell shell = new Shell(out, tty, base64);
    if (!command.isEmpty() && !command.get(0).equals("sh")) {
      String cmd = String.join(" ", command);
      Matcher exit = EXIT.matcher(cmd);
      if (exit.matches()) {
        shell.exit(Integer.parseInt(exit.group(1)));
        return;
      }
      shell.run(cmd);
      shell.exit();
      return;
    }
    if (tty) {
      shell.send(1, "$ ");
    }
    StringBuilder line = new StringBuilder();
    ByteArrayOutputStream message = new ByteArrayOutputStream();
    while (!shell.done) {
      int b0 = in.read();
      int b1 = in.read();
      if (b0 < 0 || b1 < 0) {
        return;
      }
      int opcode = b0 & 0x0f;
      byte[] payload = payload(in, b1);
      if (opcode == 0x8) {
        frame(out, 0x8, new byte[] {0x03, (byte) 0xe8});
        return;
      }
      if (opcode == 0x9) {
        frame(out, 0xA, payload);
        continue;
      }
      message.write(payload);
      if ((b0 & 0x80) == 0) {
        continue; // more fragments follow
      }
      byte[] m = message.toByteArray();
      message.reset();
      if (m.length == 0) {
        continue;
      }
      int channel = base64 ? m[0] - '0' : m[0] & 0xff;
      String data = base64
          ? new String(Base64.getDecoder().decode(new String(m, 1, m.length - 1, StandardCharsets.US_ASCII)),
              StandardCharsets.UTF_8)
          : new String(m, 1, m.length - 1, StandardCharsets.UTF_8);
      switch (channel) {
        case 0 -> {
          exec.stdin().append(data);
          for (char c : data.toCharArray()) {
            if (tty) {
              shell.send(1, c == '\r' ? "\r\n" : String.valueOf(c));
            }
            if (c == '\r' || c == '\n') {
              String cmd = line.toString().strip();
              line.setLength(0);
              Matcher exit = EXIT.matcher(cmd);
              if (cmd.equals("exit") || exit.matches()) {
                shell.exit(cmd.equals("exit") ? 0 : Integer.parseInt(exit.group(1)));
                break;
              }
              if (!cmd.isEmpty()) {
                shell.run(cmd);
              }
              if (tty) {
                shell.send(1, "$ ");
              }
            } else {
              line.append(c);
            }
          }
        }
        case 4 -> {
          Matcher w = Pattern.compile("\"Width\":(\\d+)").matcher(data);
          Matcher h = Pattern.compile("\"Height\":(\\d+)").matcher(data);
          if (w.find() && h.find()) {
            exec.resizes().add(new int[] {Integer.parseInt(w.group(1)), Integer.parseInt(h.group(1))});
          }
        }
        case 255 -> shell.exit(); // v5: the client closed stdin
        default -> { }
      }
    }
  }

  // ---- the port-forward ----

  /** SPDY/3.1 over the WebSocket's binary messages, until the client closes it. */
  private static void portForward(InputStream in, OutputStream out, Exec exec) throws IOException {
    io.netty.channel.embedded.EmbeddedChannel spdy = new io.netty.channel.embedded.EmbeddedChannel(
        new io.netty.handler.codec.spdy.SpdyFrameCodec(io.netty.handler.codec.spdy.SpdyVersion.SPDY_3_1));
    Map<Integer, String> types = new java.util.HashMap<>();
    Map<Integer, String> requestOf = new java.util.HashMap<>();
    Map<String, int[]> pairs = new java.util.HashMap<>(); // requestid -> {data stream, error stream}
    java.io.ByteArrayOutputStream message = new java.io.ByteArrayOutputStream();
    try {
      while (true) {
        int b0 = in.read();
        int b1 = in.read();
        if (b0 < 0 || b1 < 0) {
          return;
        }
        int opcode = b0 & 0x0f;
        byte[] payload = payload(in, b1);
        if (opcode == 0x8) {
          frame(out, 0x8, new byte[] {0x03, (byte) 0xe8});
          return;
        }
        if (opcode == 0x9) {
          frame(out, 0xA, payload);
          continue;
        }
        if (opcode == 0xA) {
          continue;
        }
        message.write(payload);
        if ((b0 & 0x80) == 0) {
          continue;
        }
        spdy.writeInbound(io.netty.buffer.Unpooled.wrappedBuffer(message.toByteArray()));
        message.reset();
        Object f;
        while ((f = spdy.readInbound()) != null) {
          if (f instanceof io.netty.handler.codec.spdy.SpdySynStreamFrame syn) {
            int id = syn.streamId();
            String type = syn.headers().getAsString("streamtype");
            String port = syn.headers().getAsString("port");
            String request = syn.headers().getAsString("requestid");
            types.put(id, type);
            requestOf.put(id, request);
            int[] pair = pairs.computeIfAbsent(request, k -> new int[2]);
            pair["error".equals(type) ? 1 : 0] = id;
            // One header at least: Netty writes an empty block as no bytes, which the client's zlib reader refuses.
            io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame reply = new io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame(id);
            reply.headers().set("streamtype", type);
            spdy.writeOutbound(reply);
            if ("data".equals(type)) {
              exec.resizes().add(new int[] {Integer.parseInt(port), 0});
              if (!String.valueOf(ECHO_PORT).equals(port)) {
                // the kubelet's answer when nothing listens: on the error stream, then both end
                if (pair[1] != 0) {
                  spdy.writeOutbound(new io.netty.handler.codec.spdy.DefaultSpdyDataFrame(pair[1], io.netty.buffer.Unpooled
                      .copiedBuffer("error forwarding port " + port + ": connection refused", StandardCharsets.UTF_8)));
                }
                end(spdy, pair);
              }
            }
          } else if (f instanceof io.netty.handler.codec.spdy.SpdyDataFrame d) {
            int id = d.streamId();
            byte[] data = new byte[d.content().readableBytes()];
            d.content().readBytes(data);
            d.release();
            if ("data".equals(types.get(id))) {
              synchronized (exec.stdin()) {
                exec.stdin().append(new String(data, StandardCharsets.ISO_8859_1));
              }
              if (data.length > 0) {
                spdy.writeOutbound(new io.netty.handler.codec.spdy.DefaultSpdyDataFrame(id,
                    io.netty.buffer.Unpooled.wrappedBuffer(data)));
              }
              if (d.isLast()) {
                end(spdy, pairs.get(requestOf.get(id)));
              }
            }
          } else if (f instanceof io.netty.handler.codec.spdy.SpdyPingFrame ping) {
            spdy.writeOutbound(new io.netty.handler.codec.spdy.DefaultSpdyPingFrame(ping.id()));
          } else if (f instanceof io.netty.util.ReferenceCounted rc) {
            rc.release();
          }
        }
        io.netty.buffer.ByteBuf o;
        while ((o = spdy.readOutbound()) != null) {
          byte[] bytes = new byte[o.readableBytes()];
          o.readBytes(bytes);
          o.release();
          frame(out, 0x2, bytes);
        }
      }
    } finally {
      spdy.finishAndReleaseAll();
    }
  }

  /** Both streams of one forwarded connection end (FIN), as the kubelet's do once the port's side closed. */
  private static void end(io.netty.channel.embedded.EmbeddedChannel spdy, int[] pair) {
    for (int id : pair) {
      if (id != 0) {
        io.netty.handler.codec.spdy.DefaultSpdyDataFrame fin = new io.netty.handler.codec.spdy.DefaultSpdyDataFrame(id);
        fin.setLast(true);
        spdy.writeOutbound(fin);
      }
    }
  }

  /** A frame's payload after its second byte: extended length, mask, data (unmasked). */
  private static byte[] payload(InputStream in, int b1) throws IOException {
    long len = b1 & 0x7f;
    if (len == 126) {
      len = (in.read() << 8) | in.read();
    } else if (len == 127) {
      len = 0;
      for (int i = 0; i < 8; i++) {
        len = (len << 8) | in.read();
      }
    }
    byte[] mask = (b1 & 0x80) != 0 ? in.readNBytes(4) : null;
    byte[] payload = in.readNBytes((int) len);
    if (mask != null) {
      for (int i = 0; i < payload.length; i++) {
        payload[i] ^= mask[i % 4];
      }
    }
    return payload;
  }

  /** The "container's" shell: a few answers on the channels. */
  private static final class Shell {
    private final OutputStream out;
    private final boolean tty;
    /** v4.base64.channel.k8s.io: text messages, the channel as an ASCII digit, the data in base64. */
    private final boolean base64;
    volatile boolean done;

    Shell(OutputStream out, boolean tty, boolean base64) {
      this.out = out;
      this.tty = tty;
      this.base64 = base64;
    }

    void run(String cmd) throws IOException {
      String nl = tty ? "\r\n" : "\n";
      if (cmd.startsWith("echo ")) {
        send(1, cmd.substring(5) + nl);
      } else {
        send(tty ? 1 : 2, "sh: " + cmd.split(" ")[0] + ": not found" + nl);
      }
    }

    void exit() throws IOException {
      exit(0);
    }

    /** The kubelet's answer on the status channel: Success, or Failure with the exit code as its cause. */
    void exit(int code) throws IOException {
      if (done) {
        return;
      }
      done = true;
      send(3, code == 0 ? "{\"metadata\":{},\"status\":\"Success\"}"
          : "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"command terminated with non-zero exit code: "
              + "exit status " + code + "\",\"reason\":\"NonZeroExitCode\",\"details\":{\"causes\":[{\"reason\":"
              + "\"ExitCode\",\"message\":\"" + code + "\"}]}}");
      frame(out, 0x8, new byte[] {0x03, (byte) 0xe8});
    }

    synchronized void send(int channel, String text) throws IOException {
      byte[] t = text.getBytes(StandardCharsets.UTF_8);
      if (base64) {
        frame(out, 0x1, ((char) ('0' + channel) + Base64.getEncoder().encodeToString(t)).getBytes(StandardCharsets.US_ASCII));
        return;
      }
      byte[] m = new byte[t.length + 1];
      m[0] = (byte) channel;
      System.arraycopy(t, 0, m, 1, t.length);
      frame(out, 0x2, m);
    }
  }

  private static synchronized void frame(OutputStream out, int opcode, byte[] payload) throws IOException {
    ByteArrayOutputStream f = new ByteArrayOutputStream();
    f.write(0x80 | opcode);
    if (payload.length < 126) {
      f.write(payload.length);
    } else if (payload.length < 65536) {
      f.write(126);
      f.write(payload.length >> 8);
      f.write(payload.length & 0xff);
    } else {
      f.write(127);
      for (int i = 7; i >= 0; i--) {
        f.write((int) ((long) payload.length >> (8 * i)) & 0xff);
      }
    }
    f.write(payload);
    out.write(f.toByteArray());
    out.flush();
  }

  private static Map<String, List<String>> query(String target) {
    Map<String, List<String>> q = new LinkedHashMap<>();
    int i = target.indexOf('?');
    if (i < 0) {
      return q;
    }
    for (String pair : target.substring(i + 1).split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      q.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }
    return q;
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
