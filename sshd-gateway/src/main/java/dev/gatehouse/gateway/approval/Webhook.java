package dev.gatehouse.gateway.approval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.recorder.VisibleText;
import dev.gatehouse.recorder.approval.ApprovalKind;
import dev.gatehouse.recorder.approval.ApprovalRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
  static final int MAX_STATEMENT_CHARS = 10_000;
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
    byte[] body = VisibleText.json(JSON.writeValueAsString(payload(r, link))).getBytes(StandardCharsets.UTF_8);
    sender.execute(() -> send(hook, body, r.id(), 2));
  }

  /**
   * The announcement. {@code text} is what a person reads in the chat: plain text ({@code mrkdwn}
   * off, so nothing in a statement or reason formats, links or mentions; {@code &}, {@code <},
   * {@code >} escaped as Slack requires), the statement whole on its own lines behind the same
   * {@code | } gutter as {@code ssh approvals@ list}, requester text made visible ({@link
   * VisibleText}). {@code request} is the exact data, JSON-escaped.
   */
  static ObjectNode payload(ApprovalRequest r, String link) {
    StringBuilder t = new StringBuilder("Gatehouse approval request ").append(r.id()).append(": ")
        .append(VisibleText.inline(r.requester()));
    if (r.kind() == ApprovalKind.ACCESS) {
      t.append(" asks for access to ").append(VisibleText.inline(r.target())).append(" for ")
          .append(ApprovalJson.duration(r.accessDuration()));
    } else {
      t.append(" asks to run on ").append(VisibleText.inline(r.target()));
    }
    t.append(r.rule() == null ? "" : " (rule " + VisibleText.inline(r.rule()) + ")").append(":\n");
    StringBuilder text = new StringBuilder(slackEscape(t.toString()));
    t.setLength(0);
    if (r.kind() != ApprovalKind.ACCESS) {
      // Chat tools cut long messages (Slack at 40,000 characters) without saying so: cut first, and
      // say so, with the size and SHA-256 of the whole and where to read it whole. The cut counts
      // the escaped text, which is what the chat tool counts.
      text.append(ApprovalText.statement(r, MAX_STATEMENT_CHARS, Webhook::slackEscape));
    }
    if (r.reason() != null && !r.reason().isBlank()) {
      t.append(r.kind() == ApprovalKind.ACCESS ? "reason: " : "why: ").append(VisibleText.inline(r.reason())).append('\n');
    }
    t.append("Approvers: ").append(VisibleText.inline(String.join(", ", r.approverGroups())))
        .append(", expires ").append(r.expiresAt()).append(".\n")
        .append(link == null ? "Decide: ssh approvals@<gateway> 'approve " + r.id() + "'" : "Decide: " + link);
    ObjectNode n = JSON.createObjectNode();
    n.put("text", text.append(slackEscape(t.toString())).toString());
    n.put("mrkdwn", false);
    n.set("request", ApprovalJson.of(r));
    if (link != null) {
      n.put("url", link);
    }
    return n;
  }

  /** Slack reads {@code <...>} as links and mentions: the three characters it asks to escape. */
  static String slackEscape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
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
