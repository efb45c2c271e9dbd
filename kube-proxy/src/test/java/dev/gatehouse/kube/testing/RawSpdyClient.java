package dev.gatehouse.kube.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdySessionStatus;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A SPDY/3.1 client at the byte level, for tests that break the protocol on purpose: it writes an
 * HTTP upgrade and then whatever bytes a test made (Netty's codec encodes the frames, with one
 * header-compression context per client, as a real client keeps), and reads the proxy's answer
 * frame by frame until the connection closes.
 */
public final class RawSpdyClient implements AutoCloseable {
  private final EmbeddedChannel encoder = new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));

  /** A SYN_STREAM opening stream {@code id} with the {@code streamtype} header kubectl sends. */
  public static DefaultSpdySynStreamFrame syn(int id, String type) {
    DefaultSpdySynStreamFrame f = new DefaultSpdySynStreamFrame(id, 0, (byte) 0);
    f.headers().set("streamtype", type);
    return f;
  }

  /** The upgrade request kubectl sends for a SPDY stream. */
  public static String head(String path, String token, String upgrade, String protocol) {
    return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\n"
        + "Connection: Upgrade\r\nUpgrade: " + upgrade + "\r\nX-Stream-Protocol-Version: " + protocol + "\r\n"
        + "Content-Length: 0\r\n\r\n";
  }

  /** The bytes of {@code frames}, encoded in this client's compression context. */
  public byte[] frames(Object... frames) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object f : frames) {
      encoder.writeOutbound(f);
    }
    Object o;
    while ((o = encoder.readOutbound()) != null) {
      ByteBuf b = (ByteBuf) o;
      byte[] a = new byte[b.readableBytes()];
      b.readBytes(a);
      b.release();
      out.writeBytes(a);
    }
    return out.toByteArray();
  }

  @Override
  public void close() {
    encoder.finishAndReleaseAll();
  }

  /** What the proxy answered: the HTTP head, then (after a 101) its frames until it closed. */
  public record Answer(String head, String body, List<Object> frames, boolean closed) {
    public List<Integer> replies() {
      return frames.stream().filter(f -> f instanceof SpdySynReplyFrame).map(f -> ((SpdySynReplyFrame) f).streamId()).toList();
    }

    public String data(int stream) {
      StringBuilder b = new StringBuilder();
      for (Object f : frames) {
        if (f instanceof SpdyDataFrame d && d.streamId() == stream) {
          b.append(d.content().toString(StandardCharsets.UTF_8));
        }
      }
      return b.toString();
    }

    public SpdySessionStatus goAway() {
      return frames.stream().filter(f -> f instanceof SpdyGoAwayFrame).map(f -> ((SpdyGoAwayFrame) f).status())
          .findFirst().orElse(null);
    }
  }

  /**
   * Sends {@code head} to the proxy at {@code port}, then (after a 101) {@code after}, in one write
   * or a byte at a time; reads until the proxy closes (or 15 s pass: {@code closed} false).
   */
  public static Answer upgradeThen(int port, String head, byte[] after, boolean byteByByte) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(15_000);
      s.setTcpNoDelay(true);
      OutputStream out = s.getOutputStream();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream h = new ByteArrayOutputStream();
      while (!h.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
        int c = in.read();
        if (c < 0) {
          break;
        }
        h.write(c);
      }
      String hs = h.toString(StandardCharsets.ISO_8859_1);
      if (!hs.startsWith("HTTP/1.1 101")) {
        int len = 0;
        for (String line : hs.split("\r\n")) {
          if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
            len = Integer.parseInt(line.substring(15).strip());
          }
        }
        return new Answer(hs, new String(in.readNBytes(len), StandardCharsets.UTF_8), List.of(), false);
      }
      if (byteByByte) {
        for (byte b : after) {
          out.write(b);
          out.flush();
        }
      } else {
        out.write(after);
        out.flush();
      }
      EmbeddedChannel reader = new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
      List<Object> frames = new ArrayList<>();
      boolean closed = false;
      byte[] buf = new byte[8192];
      try {
        int n;
        while ((n = in.read(buf)) > 0) {
          reader.writeInbound(Unpooled.copiedBuffer(buf, 0, n));
          Object f;
          while ((f = reader.readInbound()) != null) {
            frames.add(f);
          }
        }
        closed = true;
      } catch (java.net.SocketException e) {
        closed = true; // reset by the proxy: closed as well
      } catch (java.net.SocketTimeoutException e) {
        closed = false;
      }
      List<Object> copies = new ArrayList<>(frames);
      reader.finishAndReleaseAll();
      return new Answer(hs, "", copies, closed);
    }
  }
}
