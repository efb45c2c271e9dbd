package dev.gatehouse.gateway.routing;

import dev.gatehouse.gateway.auth.AuthenticatedUser;
import java.io.IOException;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.PtyMode;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.channel.ChannelDataReceiver;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.channel.ChannelSessionFactory;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.session.Session;

/**
 * A session channel with the gateway's rules on channel requests: a pty only when the certificate
 * has {@code permit-pty}; client environment limited to LANG, LC_*, TERM and GATEHOUSE_*; agent
 * and X11 forwarding refused; and an {@code exit-signal} reply when the child was killed.
 */
public final class GatewayChannel extends ChannelSession {
  private static final int MAX_ENV_VALUE = 1024;
  private static final int MAX_ENV_VARS = 64;
  private final Map<String, String> clientEnv = new ConcurrentHashMap<>();
  private volatile boolean ptyRequested;
  private volatile boolean execNotText;
  private volatile String exitSignal;
  private volatile boolean coreDumped;

  public static final ChannelSessionFactory FACTORY =
      new ChannelSessionFactory() {
        @Override
        public Channel createChannel(Session session) {
          return new GatewayChannel();
        }
      };

  public boolean ptyRequested() {
    return ptyRequested;
  }

  /** Whether the exec request's command was not text (invalid UTF-8 or a NUL byte). */
  public boolean execNotText() {
    return execNotText;
  }

  /** The receiver client data goes to now (a session started from the menu replaces the menu's). */
  ChannelDataReceiver dataReceiver() {
    return receiver;
  }

  /** The environment the client sent that passed the filter. */
  public Map<String, String> clientEnvironment() {
    return Map.copyOf(clientEnv);
  }

  /** Set before the exit callback when the child died of a signal. */
  public void exitBySignal(String signal, boolean core) {
    this.exitSignal = signal;
    this.coreDumped = core;
  }

  static boolean acceptedEnv(String name) {
    return name.equals("LANG")
        || name.startsWith("LC_")
        || name.equals("TERM")
        || name.startsWith("GATEHOUSE_");
  }

  /**
   * A locale the gateway passes on: C or POSIX, or one in UTF-8. In a locale of another character
   * set (GBK, Big5, Shift_JIS) a byte of a multi-byte character can be a backslash or a quote to
   * ASCII readers: bash would read a guarded line otherwise than the guard read it, and psql would
   * pick a client encoding the proxy refuses.
   */
  static final Pattern SAFE_LOCALE = Pattern.compile("(?i)(C|POSIX|[A-Za-z]{1,8}(_[A-Za-z0-9]{1,8})?)(\\.(UTF-?8))?(@[A-Za-z0-9]{1,16})?");

  static boolean acceptedEnvValue(String name, String value) {
    if (name.equals("LANG") || name.startsWith("LC_")) {
      var m = SAFE_LOCALE.matcher(value);
      // A locale without a codeset in its name is C/POSIX only: "zh_CN" alone is GB2312.
      return value.isEmpty() || (m.matches() && (m.group(4) != null || m.group(2) == null && m.group(1).matches("(?i)C|POSIX")));
    }
    return true;
  }

  @Override
  protected RequestHandler.Result handleEnvParsed(String name, String value) throws IOException {
    if (!acceptedEnv(name)
        || value == null
        || !acceptedEnvValue(name, value)
        || value.length() > MAX_ENV_VALUE
        || value.indexOf('\0') >= 0
        || clientEnv.size() >= MAX_ENV_VARS) {
      return RequestHandler.Result.ReplyFailure;
    }
    clientEnv.put(name, value);
    return super.handleEnvParsed(name, value);
  }

  @Override
  protected RequestHandler.Result handleExec(String request, Buffer buffer, boolean wantReply) throws IOException {
    // MINA decodes the command as UTF-8, replacing what is not: look at the bytes the client sent.
    int at = buffer.rpos();
    byte[] raw = buffer.getBytes();
    buffer.rpos(at);
    execNotText = !dev.gatehouse.gateway.shell.ExecGuard.isText(raw);
    return super.handleExec(request, buffer, wantReply);
  }

  @Override
  protected RequestHandler.Result handlePtyReqParsed(
      String term, int cols, int rows, int width, int height, Map<PtyMode, Integer> modes)
      throws IOException {
    AuthenticatedUser user = getSession().getAttribute(AuthenticatedUser.KEY);
    if (user == null || !user.permitPty()) {
      return RequestHandler.Result.ReplyFailure;
    }
    ptyRequested = true;
    return super.handlePtyReqParsed(term, cols, rows, width, height, modes);
  }

  @Override
  protected RequestHandler.Result handleAgentForwarding(String request, Buffer buffer, boolean wantReply) {
    return RequestHandler.Result.ReplyFailure;
  }

  @Override
  protected RequestHandler.Result handleX11Forwarding(String request, Buffer buffer, boolean wantReply) {
    return RequestHandler.Result.ReplyFailure;
  }

  @Override
  protected RequestHandler.Result handleSubsystem(String request, Buffer buffer, boolean wantReply) {
    // No sftp or other subsystems: nothing may move files past the recording.
    return RequestHandler.Result.ReplyFailure;
  }

  @Override
  protected void closeShell(int exitValue, boolean closeImmediately) throws IOException {
    String signal = exitSignal;
    if (signal == null || isClosing()) {
      super.closeShell(exitValue, closeImmediately);
      return;
    }
    // RFC 4254 6.10: a child killed by a signal is reported with exit-signal, not exit-status.
    if (out != null) {
      out.close();
    }
    if (err != null) {
      err.close();
    }
    sendEof();
    Buffer buffer = getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_REQUEST, 64);
    buffer.putUInt(getRecipient());
    buffer.putString("exit-signal");
    buffer.putBoolean(false);
    buffer.putString(signal);
    buffer.putBoolean(coreDumped);
    buffer.putString("");
    buffer.putString("");
    writePacket(buffer);
    commandExitFuture.setClosed();
    close(closeImmediately);
  }
}
