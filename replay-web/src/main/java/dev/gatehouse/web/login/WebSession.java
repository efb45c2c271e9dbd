package dev.gatehouse.web.login;

import java.time.Instant;
import java.util.List;

/**
 * A logged-in browser: who, with which groups, its CSRF token, and when it started.
 *
 * @param operator logged in with a one-time operator link ({@link LoginLinks}): the bastion's
 *     operator, holding every web role whatever {@code web.roles} says
 */
public record WebSession(String id, String identity, List<String> groups, String csrf, Instant created,
    boolean operator) {
  public WebSession {
    groups = List.copyOf(groups);
  }
}
