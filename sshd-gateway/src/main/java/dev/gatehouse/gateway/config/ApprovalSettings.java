package dev.gatehouse.gateway.config;

import java.net.URI;
import java.time.Duration;

/**
 * {@code approvals: {ttl: 10m, webhook: https://hooks.example.com/...}}. {@code ttl} is how long a
 * request waits for a decision, and how long an approved statement stays usable for its retry;
 * {@code webhook} receives a JSON POST (Slack-compatible {@code text}) for every new request;
 * {@code accessGrace} is how long a session stays open after its access window ended (after a
 * warning; default 1m).
 */
public record ApprovalSettings(Duration ttl, String webhook, Duration accessGrace) {
  public ApprovalSettings {
    accessGrace = accessGrace == null ? Duration.ofMinutes(1) : accessGrace;
    if (accessGrace.isNegative() || accessGrace.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("accessGrace: " + accessGrace + " must be between 0 and 1h");
    }
    ttl = ttl == null ? Duration.ofMinutes(10) : ttl;
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(Duration.ofDays(7)) > 0) {
      throw new IllegalArgumentException("ttl: " + ttl + " must be positive and at most 7d");
    }
    if (webhook != null && (webhook.startsWith("env:") || webhook.startsWith("file:"))) {
      webhook = webhook.strip(); // a Slack hook URL is a secret: resolved at use, never logged
    } else if (webhook != null) {
      URI u;
      try {
        u = URI.create(webhook.strip());
      } catch (IllegalArgumentException e) {
        // Never quote the value: a hook URL usually carries its token.
        throw new IllegalArgumentException("webhook: not a URL (give https://... or env:NAME / file:/path)");
      }
      if (!"https".equals(u.getScheme()) && !"http".equals(u.getScheme()) || u.getHost() == null) {
        throw new IllegalArgumentException("webhook: scheme '" + u.getScheme() + "' (or a missing host): must be an http(s) URL");
      }
      webhook = u.toString();
    }
  }

  public static ApprovalSettings defaults() {
    return new ApprovalSettings(null, null, null);
  }

  /** The hook's URL, resolving {@code env:}/{@code file:}; null when none is set. */
  public URI webhookUri() throws java.io.IOException {
    if (webhook == null) {
      return null;
    }
    String u = webhook.startsWith("http") ? webhook : new String(Secrets.resolve(webhook, "approvals.webhook"), java.nio.charset.StandardCharsets.UTF_8).strip();
    return URI.create(u);
  }
}
