package dev.gatehouse.gateway.approval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.recorder.approval.ApprovalKind;
import dev.gatehouse.recorder.approval.ApprovalRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code approvals.webhook}: a JSON POST for every new request, Slack-compatible ({@code text},
 * with a link where a person decides) and with the request's fields for other receivers. Sent in
 * the background with a 5 s timeout and one retry; a failing hook is logged (without its URL,
 * which often carries a token) and never holds up the request.
 */
final class Webhook implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Webhook.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "gh-approvals-webhook");
    t.setDaemon(true);
    return t;
  });
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5))
      .followRedirects(HttpClient.Redirect.NEVER)
      .build();

  void announce(URI hook, ApprovalRequest r, String link) throws IOException {
    if (hook == null) {
      return;
    }
    byte[] body = JSON.writeValueAsBytes(payload(r, link));
    sender.execute(() -> send(hook, body, r.id(), 2));
  }

  static ObjectNode payload(ApprovalRequest r, String link) {
    String what = r.kind() == ApprovalKind.ACCESS
        ? "access to *" + r.target() + "* for " + ApprovalJson.duration(r.accessDuration())
        : "on *" + r.target() + "*: `" + oneLine(r.statement()) + "`";
    String text = "Gatehouse approval request " + r.id() + ": " + r.requester() + " asks " + what
        + (r.rule() == null ? "" : " (rule " + r.rule() + ")")
        + (r.reason() == null ? "" : " — " + r.reason())
        + ". Approvers: " + String.join(", ", r.approverGroups()) + ", expires " + r.expiresAt() + "."
        + (link == null ? " Decide: ssh approvals@<gateway> 'approve " + r.id() + "'" : " Decide: " + link);
    ObjectNode n = JSON.createObjectNode();
    n.put("text", text);
    n.set("request", ApprovalJson.of(r));
    if (link != null) {
      n.put("url", link);
    }
    return n;
  }

  private static String oneLine(String s) {
    String one = s.replaceAll("\\s+", " ").strip();
    return one.length() > 300 ? one.substring(0, 300) + "…" : one;
  }

  private void send(URI hook, byte[] body, String id, int attempts) {
    for (int i = 1; i <= attempts; i++) {
      try {
        HttpResponse<Void> resp = http.send(
            HttpRequest.newBuilder(hook).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
            HttpResponse.BodyHandlers.discarding());
        if (resp.statusCode() / 100 == 2) {
          return;
        }
        LOG.warn("approvals.webhook answered {} for request {} (attempt {})", resp.statusCode(), id, i);
      } catch (IOException e) {
        LOG.warn("approvals.webhook unreachable for request {} (attempt {}): {}", id, i, e.getClass().getSimpleName());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() {
    sender.shutdown();
  }
}
