package dev.gatehouse.gateway.postgres;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** The stream to the client; both session threads write whole messages under its lock. */
final class ClientOutput {
  private final OutputStream out;

  ClientOutput(OutputStream raw) {
    this.out = new BufferedOutputStream(raw, 65536);
  }

  synchronized void send(char type, byte[] body) throws IOException {
    Wire.write(out, type, body);
  }

  synchronized void sendByte(int b) throws IOException {
    out.write(b);
    out.flush();
  }

  synchronized void flush() throws IOException {
    out.flush();
  }
}
