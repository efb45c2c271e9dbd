package dev.gatehouse.gateway.routing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/**
 * A request the gateway answers with one line on stderr and an exit code (docs/architecture.md:
 * 65 unknown target or malformed request, 77 refused by the target's access rules). The line starts with
 * "gatehouse: " so an agent can parse it.
 */
final class Refusal implements Command {
  static final int UNKNOWN_TARGET = 65;
  static final int REFUSED = 77;

  private final int code;
  private final String message;
  private OutputStream err;
  private OutputStream out;
  private ExitCallback exit;

  Refusal(int code, String message) {
    this.code = code;
    this.message = message;
  }

  @Override
  public void start(ChannelSession channel, Environment env) throws IOException {
    boolean pty = channel instanceof GatewayChannel g && g.ptyRequested();
    OutputStream dest = pty ? out : err;
    dest.write(("gatehouse: " + message + (pty ? "\r\n" : "\n")).getBytes(StandardCharsets.UTF_8));
    dest.flush();
    exit.onExit(code, message);
  }

  @Override
  public void destroy(ChannelSession channel) {}

  @Override
  public void setInputStream(InputStream in) {}

  @Override
  public void setOutputStream(OutputStream out) {
    this.out = out;
  }

  @Override
  public void setErrorStream(OutputStream err) {
    this.err = err;
  }

  @Override
  public void setExitCallback(ExitCallback callback) {
    this.exit = callback;
  }
}
