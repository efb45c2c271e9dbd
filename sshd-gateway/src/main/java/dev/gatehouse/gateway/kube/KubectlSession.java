package dev.gatehouse.gateway.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.gateway.GatewayServices;
import dev.gatehouse.gateway.auth.AuthenticatedUser;
import dev.gatehouse.gateway.config.TargetConfig;
import dev.gatehouse.gateway.routing.StreamedSession;
import dev.gatehouse.gateway.sandbox.Sandbox;
import dev.gatehouse.gateway.sandbox.SocketDirectories;
import dev.gatehouse.gateway.terminal.ChildProcess;
import dev.gatehouse.gateway.terminal.ExitStatus;
import dev.gatehouse.gateway.terminal.UnixUser;
import dev.gatehouse.gateway.terminal.WindowSize;
import dev.gatehouse.kube.KubeProxy;
import dev.gatehouse.kube.ProxySession;
import dev.gatehouse.policy.KubeRequest;
import dev.gatehouse.policy.Verdict;
import dev.gatehouse.recorder.AuditCode;
import dev.gatehouse.recorder.VisibleText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.Signal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code kubernetes} target session on the bastion: real kubectl, in its session's sandbox as
 * the target's runAs user, talking only to the target's API proxy with this session's token.
 *
 * <pre>
 *  exec:        ssh prod-k8s@gw 'get pods -n app' ─▶ KubectlCommandLine (shell words, allow-list)
 *               ─▶ kubectl (sandbox; kubeconfig → proxy /session/TOKEN) ─▶ KubeProxy ─▶ API server
 *               a refusal: exit 77 (75/76 for approvals) and the one "gatehouse: ..." line on stderr,
 *               taken from the proxy's own verdict for this session, not from kubectl's output
 *  interactive: ssh -t prod-k8s@gw ─▶ KubectlConsole (JLine, prompt "prod-k8s> ") ─▶ each line as above,
 *               kubectl on a pty of its own (so exec -it works), every byte recorded
 * </pre>
 *
 * <p>The kubeconfig exists only in a directory of this session (0711 with an unguessable name,
 * the file itself readable by the runAs user only), bound into the sandbox at {@link
 * Sandbox#KUBE_DIR}; the upstream credentials are never in the sandbox, nor is any other file of
 * the bastion's. kubectl gets no variables of the client's ({@code KUBECONFIG}, {@code KUBECTL_*}
 * are never passed).
 */
public final class KubectlSession extends StreamedSession {
  private static final Logger LOG = LoggerFactory.getLogger(KubectlSession.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int EXIT_MALFORMED = 65;

  /** A refusal seen during one kubectl run: the line the exec path prints and its exit code. */
  record Refusal(String line, int exitCode, String proxyMessage) {}

  private volatile String term = "dumb";
  private volatile WindowSize size;
  private Path sessionDir;
  private volatile KubeProxy proxy;
  private volatile String token;
  private volatile KubeReviews reviews;
  private volatile ChildProcess kubectl;
  private volatile KubectlConsole console;
  private final AtomicReference<Refusal> refusal = new AtomicReference<>();
  private final Map<Verdict.Block, KubeReviews.Refused> reviewRefusals = new ConcurrentHashMap<>();
  private volatile boolean refusalShown;
  /** Held while the recording closes, and while a proxy report writes its marker. */
  private final Object ending = new Object();

  public KubectlSession(GatewayServices services, TargetConfig target, AuthenticatedUser user, String execCommand) {
    super(services, target, user, execCommand);
  }

  @Override
  protected void begin(Environment env, WindowSize size, String term) {
    this.size = size;
    this.term = term;
    if (execCommand == null && !pty) {
      sayQuietly("gatehouse: the kubectl console of '" + target.name() + "' needs a terminal (ssh -t), or pass the "
          + "command: ssh " + target.name() + "@gatehouse 'get pods'");
      exitCallback.onExit(EXIT_MALFORMED, "no terminal");
      return;
    }
    if (!openRecording(size.columns(), size.rows(), term)) {
      exitCallback.onExit(1, "recording unavailable");
      return;
    }
    KubectlCommandLine.Parsed parsed = null;
    if (execCommand != null) {
      try {
        parsed = KubectlCommandLine.parse(execCommand);
      } catch (KubectlCommandLine.Refused r) {
        int code = refusedLine(execCommand, r);
        endReason = "blocked";
        finishRecording(code, null);
        exitCallback.onExit(code, r.getMessage());
        return;
      }
    }
    started();
    KubectlCommandLine.Parsed command = parsed;
    env.addSignalListener((ch, s) -> resized(windowSize(env)), Signal.WINCH);
    // Starting the proxy resolves secrets and may wait: not on MINA's threads.
    services.pumps().execute(named("kubectl-start-" + id, () -> launch(command)));
  }

  /**
   * A line that cannot run: the user's one line, the audit line and the marker. Returns the exit
   * code: 65 for what is not one simple command, 77 for what the allow-list refuses.
   */
  int refusedLine(String line, KubectlCommandLine.Refused r) {
    String rule = r.syntax() ? "kubectl-shell-syntax" : "kubectl-allow-list";
    services.audit().tryRecord(AuditCode.STATEMENT_BLOCKED, "sessionId", id, "identity", user.identity(),
        "target", target.name(), "rule", rule, "reason", r.getMessage(), "statement", line);
    mark("blocked " + rule + ": " + dev.gatehouse.recorder.StatementMarker.text(line));
    String text = r.syntax() ? "gatehouse: " + r.getMessage() : "gatehouse: blocked by rule " + rule + ": " + r.getMessage();
    if (console == null) {
      sayQuietly(text);
    } else {
      console.println(text);
    }
    return r.syntax() ? EXIT_MALFORMED : KubeReviews.EXIT_BLOCKED;
  }

  private void launch(KubectlCommandLine.Parsed command) {
    try {
      openProxy();
    } catch (IOException | RuntimeException e) {
      targetUnavailable("open the kubernetes proxy", e);
      end(1);
      return;
    }
    int code;
    try {
      if (command != null) {
        code = runExec(command);
      } else {
        console = new KubectlConsole(this, in, out, term, size);
        code = console.run();
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("session {} ended: {}", id, e.toString());
      code = 1;
    }
    end(code);
  }

  /** The target's proxy, this session's token on it, and the kubeconfig that names both. */
  private void openProxy() throws IOException {
    proxy = services.kube().proxy(target);
    var policy = services.kube().policyFor(target);
    reviews = new KubeReviews(services.approvals(), target, policy, approvalSession(),
        "1".equals(channel.clientEnvironment().get("GATEHOUSE_NOWAIT")), new KubeReviews.Outcomes() {
          @Override
          public void notice(String line) {
            KubectlConsole c = console;
            if (c != null) {
              c.println(line);
            } else {
              sayQuietly(line);
            }
          }

          @Override
          public void refused(KubeReviews.Refused r) {
            reviewRefusals.put(r.verdict(), r);
          }
        });
    token = proxy.open(new ProxySession(user.identity(), user.groups(), policy, this::completed, reviews,
        this::streamOpened));
    sessionDir = SocketDirectories.create();
    writeKubeconfig(services, target, proxy, token, sessionDir);
  }

  /**
   * The kubeconfig naming the proxy and a session's token on it, in a session directory: only the
   * runAs user reads it (the token in it is the session's whole authority).
   */
  static void writeKubeconfig(GatewayServices services, TargetConfig target, KubeProxy proxy, String token,
      Path sessionDir) throws IOException {
    Path kubeconfig = sessionDir.resolve("kubeconfig");
    String ns = target.kubernetes().namespace() == null ? "default" : target.kubernetes().namespace();
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("apiVersion", "v1");
    config.put("kind", "Config");
    config.put("clusters", List.of(Map.of("name", target.name(), "cluster", Map.of("server", proxy.sessionUrl(token)))));
    config.put("users", List.of(Map.of("name", "gatehouse", "user", Map.of())));
    config.put("contexts", List.of(Map.of("name", target.name(),
        "context", Map.of("cluster", target.name(), "user", "gatehouse", "namespace", ns))));
    config.put("current-context", target.name());
    Files.createFile(kubeconfig, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(kubeconfig, JSON.writeValueAsBytes(config));
    UnixUser runAs = services.runAsUsers().get(target.name());
    if (runAs != null) {
      Files.setAttribute(kubeconfig, "unix:uid", runAs.uid());
      Files.setAttribute(kubeconfig, "unix:gid", runAs.gid());
      Files.setPosixFilePermissions(kubeconfig, PosixFilePermissions.fromString("r--------"));
    }
  }

  /** kubectl's whole environment: its kubeconfig, and no program to find besides itself. */
  static Map<String, String> kubectlEnv() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HOME", "/tmp");
    env.put("KUBECONFIG", Sandbox.KUBE_DIR + "/kubeconfig");
    env.put("PATH", "/usr/bin"); // kubectl alone is there: no plugin, editor or diff program to find
    env.put("KUBE_EDITOR", "/nonexistent");
    env.put("EDITOR", "/nonexistent");
    return env;
  }

  /** Every request of this session's kubectl: audit line, marker, and the refusal the exec path reports. */
  private void completed(ProxySession.Exchange e) {
    KubeRequest r = e.request();
    Verdict v = e.verdict();
    boolean quiet = v instanceof Verdict.Allow && (r.discovery() || r.health());
    synchronized (ending) {
      // The proxy reports a forwarded request after its answer went out: kubectl may have ended,
      // and the session with it, by then. The audit line is written all the same; the marker only
      // into a recording that is still open.
      requestJudged(r.describe(), v.label(), v.rule(), v.reason(), e.status(), e.millis(), "kubectl",
          !quiet && !isFinished());
    }
    if (!e.forwarded() && v instanceof Verdict.Block b) {
      KubeReviews.Refused review = reviewRefusals.remove(b);
      String message = KubeProxy.refusalMessage(b);
      refusal.set(review != null ? new Refusal(review.line(), review.exitCode(), message)
          : new Refusal(message, KubeReviews.EXIT_BLOCKED, message));
    }
  }

  /**
   * An exec or attach stream opened: its marker. Its bytes are not taken from the proxy: kubectl
   * shows them on its own terminal (or stdout), which this session records already.
   */
  private ProxySession.Stream streamOpened(KubeRequest r, String pod, String container, List<String> command,
      boolean tty) {
    synchronized (ending) {
      if (!isFinished()) {
        mark(streamMarker(r, pod, container, command));
      }
    }
    return null;
  }

  /** {@code exec pod web-1 container web in namespace app: sh -c date}. */
  static String streamMarker(KubeRequest r, String pod, String container, List<String> command) {
    return r.subresource() + " pod " + VisibleText.inline(pod)
        + (container.isEmpty() ? "" : " container " + VisibleText.inline(container))
        + (r.namespace().isEmpty() ? "" : " in namespace " + VisibleText.inline(r.namespace()))
        + (command.isEmpty() ? "" : ": " + dev.gatehouse.recorder.StatementMarker.text(String.join(" ", command)));
  }

  // ---- one kubectl run ----

  /** Starts kubectl for one checked command, on a pty or on pipes. */
  ChildProcess startKubectl(KubectlCommandLine.Parsed command, boolean withPty, WindowSize sz) throws IOException {
    refusal.set(null);
    reviews.newRun();
    refusalShown = false;
    Map<String, String> env = kubectlEnv();
    for (Map.Entry<String, String> c : channel.clientEnvironment().entrySet()) {
      if (c.getKey().equals("LANG") || c.getKey().startsWith("LC_")) {
        env.put(c.getKey(), c.getValue());
      }
    }
    if (withPty) {
      env.put("TERM", term);
    }
    Sandbox.Launch launch = services.sandbox().kubectl(services.runAsUsers().get(target.name()), sessionDir,
        command.argv(), withPty);
    ChildProcess p = withPty ? ChildProcess.startWithPty(launch, env, sz) : ChildProcess.startWithPipes(launch, env);
    kubectl = p;
    return p;
  }

  /** After a run: waiting approvals are cancelled; the refusal (if any) decides the exit code. */
  int finishRun(ChildProcess p, ExitStatus status) {
    KubeReviews r = reviews;
    if (r != null) {
      r.cancelWaiting("client-cancelled");
    }
    p.stopReading();
    p.closeDescriptors();
    kubectl = null;
    Refusal seen = refusal.get();
    if (seen != null) {
      return seen.exitCode();
    }
    return status.signalled() ? 128 + signalNumber(status.signal()) : status.code();
  }

  private static int signalNumber(String name) {
    return switch (name == null ? "" : name) {
      case "INT" -> 2;
      case "KILL" -> 9;
      case "TERM" -> 15;
      case "HUP" -> 1;
      default -> 1;
    };
  }

  private int runExec(KubectlCommandLine.Parsed command) throws IOException {
    ChildProcess p = startKubectl(command, pty, size);
    CountDownLatch pumps = new CountDownLatch(p.hasPty() ? 1 : 2);
    services.pumps().execute(named("kubectl-out-" + id, () -> pump(p, true, pumps)));
    if (!p.hasPty()) {
      services.pumps().execute(named("kubectl-err-" + id, () -> pump(p, false, pumps)));
    }
    services.pumps().execute(named("kubectl-in-" + id, () -> feed(p)));
    ExitStatus status;
    try {
      status = p.waitFor();
      if (!pumps.await(2, TimeUnit.SECONDS)) {
        LOG.debug("session {}: kubectl's output did not end with it", id);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.kill();
      status = new ExitStatus(255, "KILL", false);
    }
    int code = finishRun(p, status);
    Refusal seen = refusal.get();
    if (seen != null) {
      endReason = "blocked";
      if (!refusalShown) {
        sayQuietly(seen.line());
      }
    }
    return code;
  }

  /** The client's stdin to kubectl (-f - reads it); its end closes kubectl's stdin. */
  private void feed(ChildProcess p) {
    byte[] buf = new byte[32 * 1024];
    try {
      int n;
      while ((n = in.read(buf)) > 0) {
        touch();
        if (recording != null && services.config().recording().input()) {
          recording.input(buf, 0, n);
        }
        p.writeInput(buf, 0, n);
      }
      if (!p.hasPty()) {
        p.closeInput();
      }
    } catch (IOException e) {
      // kubectl ended, or the client went away.
    }
  }

  /** kubectl's stdout (or its terminal) and stderr to the client, recorded; stderr line by line (see errorLine). */
  private void pump(ChildProcess p, boolean stdout, CountDownLatch done) {
    try {
      relayChildOutput(p, stdout, this::errorLine);
    } catch (IOException e) {
      LOG.debug("session {} kubectl pump ended: {}", id, e.toString());
    } finally {
      done.countDown();
    }
  }

  /**
   * One line of kubectl's stderr as the user sees it: kubectl prints the proxy's refusal as {@code
   * Error from server (Forbidden): gatehouse: blocked by rule …}; the user gets the one documented
   * line in its place (and not both). The refusal is the proxy's verdict for this session, told to
   * it before kubectl got its answer; kubectl's text only says where the line goes.
   */
  private byte[] errorLine(byte[] line) {
    Refusal seen = refusal.get();
    if (seen == null) {
      return line;
    }
    String text = new String(line, StandardCharsets.UTF_8);
    if (!text.contains(seen.proxyMessage())) {
      return line;
    }
    if (refusalShown) {
      return new byte[0];
    }
    refusalShown = true;
    return (seen.line() + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private void resized(WindowSize s) {
    size = s;
    KubectlConsole c = console;
    if (c != null) {
      c.resize(s);
    } else {
      ChildProcess p = kubectl;
      if (p != null && p.hasPty()) {
        p.resize(s);
      }
      recordResize(s);
    }
  }

  // ---- what the console needs ----

  void recordOutput(byte[] b, int off, int len) throws IOException {
    touch();
    recording.output(b, off, len);
  }

  void recordResize(WindowSize s) {
    try {
      recording.resize(s.columns(), s.rows());
    } catch (IOException e) {
      recordingFailed(e);
    }
  }

  void recordInput(byte[] b, int off, int len) throws IOException {
    touch();
    if (services.config().recording().input()) {
      recording.input(b, off, len);
    }
  }

  /** A console line that runs: its marker. */
  void lineRuns(String line) {
    mark("kubectl " + VisibleText.inline(line));
  }

  // ---- the end ----

  private void end(int code) {
    KubeReviews r = reviews;
    if (r != null) {
      r.cancelWaiting("session-ended");
    }
    boolean first;
    synchronized (ending) {
      first = finishRecording(code, null);
    }
    if (!first) {
      cleanUp();
      return;
    }
    endChild(kubectl);
    cleanUp();
    exited(code);
  }

  private void cleanUp() {
    KubeProxy px = proxy;
    if (px != null) {
      px.close(token);
    }
    try {
      if (sessionDir != null) {
        Files.deleteIfExists(sessionDir.resolve("kubeconfig"));
        Files.deleteIfExists(sessionDir);
      }
    } catch (IOException e) {
      LOG.debug("session {}: removing its kubeconfig: {}", id, e.toString());
    }
  }

  @Override
  protected void stopTarget() {
    KubectlConsole c = console;
    if (c != null) {
      c.stop();
    }
    ChildProcess p = kubectl;
    if (p != null) {
      p.hangUp();
      p.kill();
    }
    KubeReviews r = reviews;
    if (r != null) {
      r.cancelWaiting("session-ended");
    }
  }
}
