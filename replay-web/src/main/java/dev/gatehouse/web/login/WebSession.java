package dev.gatehouse.web.login;

import java.time.Instant;
import java.util.List;

/** A logged-in browser: who, with which groups, its CSRF token, and when it started. */
public record WebSession(String id, String identity, List<String> groups, String csrf, Instant created) {
  public WebSession {
    groups = List.copyOf(groups);
  }
}
