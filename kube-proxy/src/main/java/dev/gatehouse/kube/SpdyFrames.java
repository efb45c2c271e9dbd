package dev.gatehouse.kube;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.SpdyFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyHeadersFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * SPDY/3.1 framing of one connection, by Netty's codec ({@link SpdyFrameCodec}: frame layout,
 * zlib header blocks with the SPDY/3 dictionary, header name checks), run in two {@link
 * EmbeddedChannel}s and fed bytes by hand — no Netty event loop or socket. One channel reads the
 * client's frames, the other writes frames; each keeps its own compression context, as SPDY has one
 * per direction.
 *
 * <p>Whatever the codec cannot read exactly is {@link Malformed}: an invalid frame, a header block
 * that is invalid or over {@link #MAX_HEADER_BLOCK} bytes once decompressed. A frame the codec did
 * not finish reading is held until its last byte arrives, so only whole frames come out.
 */
final class SpdyFrames implements AutoCloseable {
  /** The decompressed header block of one frame: kubectl's are a few dozen bytes. */
  static final int MAX_HEADER_BLOCK = 16 * 1024;
  /** Data frames come out in pieces of at most this (the frame's own length may be up to 16 MiB). */
  static final int MAX_CHUNK = 64 * 1024;

  private final EmbeddedChannel reader = new EmbeddedChannel(codec());
  private final EmbeddedChannel writer = new EmbeddedChannel(codec());
  private boolean broken;

  /** The client's bytes did not read as SPDY/3.1: the connection is closed, nothing of it is relayed. */
  static final class Malformed extends IOException {
    Malformed(String message) {
      super(message);
    }
  }

  private static SpdyFrameCodec codec() {
    // compression level 6, window bits 15, memory level 8 (zlib's defaults); header names checked
    return new SpdyFrameCodec(SpdyVersion.SPDY_3_1, MAX_CHUNK, MAX_HEADER_BLOCK, 6, 15, 8, true);
  }

  /**
   * The whole frames these bytes complete (the caller releases them). {@code bytes} is read from
   * its position to its limit and left unchanged.
   */
  synchronized List<SpdyFrame> read(ByteBuffer bytes) throws Malformed {
    if (broken) {
      throw new Malformed("the connection already broke the protocol");
    }
    ByteBuf in = Unpooled.copiedBuffer(bytes.duplicate());
    try {
      reader.writeInbound(in);
    } catch (Exception e) { // Netty rethrows the codec's SpdyProtocolException (a checked one) unchecked
      broken = true;
      release(drain());
      throw new Malformed("not a valid SPDY/3.1 frame (" + e.getMessage() + ")");
    }
    List<SpdyFrame> frames = drain();
    for (SpdyFrame f : frames) {
      if (f instanceof SpdyHeadersFrame h && h.isTruncated()) {
        broken = true;
        release(frames);
        throw new Malformed("a header block over " + MAX_HEADER_BLOCK + " bytes");
      }
      if (f instanceof SpdyHeadersFrame h && h.isInvalid()) {
        broken = true;
        release(frames);
        throw new Malformed("a header block that does not read as SPDY/3.1 headers");
      }
    }
    return frames;
  }

  private List<SpdyFrame> drain() {
    List<SpdyFrame> frames = new ArrayList<>();
    Object o;
    while ((o = reader.readInbound()) != null) {
      if (o instanceof SpdyFrame f) {
        frames.add(f);
      } else {
        ReferenceCountUtil.release(o);
      }
    }
    return frames;
  }

  /** The bytes of these frames, in order (header blocks compressed in this connection's context). */
  synchronized byte[] write(SpdyFrame... frames) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (SpdyFrame f : frames) {
      writer.writeOutbound(f);
    }
    Object o;
    while ((o = writer.readOutbound()) != null) {
      ByteBuf b = (ByteBuf) o;
      try {
        byte[] a = new byte[b.readableBytes()];
        b.readBytes(a);
        out.write(a, 0, a.length);
      } finally {
        b.release();
      }
    }
    return out.toByteArray();
  }

  static void release(List<? extends SpdyFrame> frames) {
    for (SpdyFrame f : frames) {
      ReferenceCountUtil.release(f);
    }
  }

  @Override
  public synchronized void close() {
    reader.finishAndReleaseAll();
    writer.finishAndReleaseAll();
  }
}
