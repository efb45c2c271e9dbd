package dev.gatehouse.gateway.mcp;

import dev.gatehouse.gateway.GatewayServices;
import dev.gatehouse.gateway.auth.AuthenticatedUser;
import dev.gatehouse.gateway.routing.GatewayChannel;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reserved SSH user {@code mcp}: the MCP stdio transport (newline-delimited JSON-RPC) on the
 * channel's stdin and stdout, for an agent whose config runs {@code ssh mcp@gatehouse}. The person
 * is the certificate's, as for every session; one connection is one recorded session.
 *
 * <pre>
 *  agent ─ssh mcp@gw─▶ channel stdin ─▶ StdioServerTransportProvider (MCP SDK) ─▶ McpAsyncServer
 *                                                 tools ─▶ GatehouseTools (on the gateway's pumps)
 *  agent ◀──────────── channel stdout ◀─ JSON-RPC responses; stderr: one line when refused
 *  stdin ends ─▶ calls in flight finish and are answered ─▶ recording closed ─▶ exit 0
 * </pre>
 *
 * No pty (JSON-RPC is not for a terminal) and no command: both are refused with exit 65.
 */
public final class McpSshCommand implements Command {
  private static final Logger LOG = LoggerFactory.getLogger(McpSshCommand.class);
  static final int EXIT_MALFORMED = 65;
  /** The longest JSON-RPC line read from the agent. */
  static final int MAX_LINE = 4 << 20;

  private final GatewayServices services;
  private final AuthenticatedUser user;
  private final String command;
  private final AtomicBoolean ended = new AtomicBoolean();
  private InputStream in;
  private OutputStream out;
  private OutputStream err;
  private ExitCallback exit;
  private volatile McpConnection connection;
  private volatile McpAsyncServer server;

  public McpSshCommand(GatewayServices services, AuthenticatedUser user, String command) {
    this.services = services;
    this.user = user;
    this.command = command;
  }

  @Override
  public void start(ChannelSession channel, Environment env) {
    boolean pty = channel instanceof GatewayChannel g && g.ptyRequested();
    if (pty || command != null) {
      say("gatehouse: mcp speaks MCP (JSON-RPC) on stdin and stdout: run it as `ssh -T mcp@gatehouse` from an"
          + " agent's MCP config, with no command");
      exit.onExit(EXIT_MALFORMED, "not an mcp stdio session");
      return;
    }
    McpConnection c = new McpConnection(services, user, "ssh", () -> end(0, null));
    // Opening the recording may wait on the disk and the index: not on MINA's threads.
    services.pumps().execute(() -> {
      if (!c.open()) {
        say("gatehouse: session refused: the recording cannot be written; tell the bastion's operator");
        exit.onExit(1, "recording unavailable");
        return;
      }
      connection = c;
      LOG.info("mcp session {} started: {} from {}", c.id(), user.identity(), user.clientAddress());
      JsonRpcLines lines = new JsonRpcLines(MAX_LINE, () -> services.pumps().execute(() -> {
        say("gatehouse: a JSON-RPC line longer than " + MAX_LINE + " bytes; session closed");
        end(EXIT_MALFORMED, "line-too-long");
      }));
      StdioServerTransportProvider transport = new StdioServerTransportProvider(McpToolSpecs.MAPPER,
          new UntilCallsAnswered(in, lines), new CountingAnswers(out, lines), MAX_LINE);
      server = McpToolSpecs.server(transport, exchange -> c, services.pumps(),
          McpSshCommand.class.getPackage().getImplementationVersion());
    });
  }

  /**
   * The agent's input, counting the requests read; at its end, waits until each was answered (the
   * SDK's transport stops writing once its input ended), then ends the session. Requests the SDK
   * never answers (before initialization, batches, dropped lines) do not hold it (JsonRpcLines).
   */
  private final class UntilCallsAnswered extends FilterInputStream {
    private final JsonRpcLines lines;

    UntilCallsAnswered(InputStream in, JsonRpcLines lines) {
      super(in);
      this.lines = lines;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n;
      try {
        n = super.read(b, off, len);
      } catch (IOException e) {
        services.pumps().execute(() -> end(0, "client-closed"));
        throw e;
      }
      if (n < 0) {
        int dropped = lines.awaitAnswered(connection::callsRunning);
        if (dropped > 0) {
          LOG.info("mcp session {}: input ended; {} request(s) the server will not answer (sent before"
              + " initialization, or not understood)", connection.id(), dropped);
        }
        services.pumps().execute(() -> end(0, "exit"));
        return -1;
      }
      lines.read(b, off, n);
      return n;
    }
  }

  /** The agent's output, counting the answers written. */
  private static final class CountingAnswers extends java.io.FilterOutputStream {
    private final JsonRpcLines lines;

    CountingAnswers(OutputStream out, JsonRpcLines lines) {
      super(out);
      this.lines = lines;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      lines.written(b, off, len);
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }
  }

  private void end(int code, String reason) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    McpAsyncServer s = server;
    if (s != null) {
      s.close();
    }
    McpConnection c = connection;
    if (c != null) {
      c.close(reason);
      LOG.info("mcp session {} ended ({})", c.id(), reason);
    }
    exit.onExit(code, reason == null ? "ended" : reason);
  }

  private void say(String line) {
    try {
      err.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      err.flush();
    } catch (IOException e) {
      // client gone
    }
  }

  @Override
  public void destroy(ChannelSession channel) {
    // The channel closed (client gone, or we ended): calls in flight are stopped with the session.
    McpConnection c = connection;
    if (c != null) {
      c.close("client-closed");
    }
    McpAsyncServer s = server;
    if (s != null) {
      s.close();
    }
  }

  @Override
  public void setInputStream(InputStream in) {
    this.in = in;
  }

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
