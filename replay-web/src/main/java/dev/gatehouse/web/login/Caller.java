package dev.gatehouse.web.login;

import dev.gatehouse.recorder.SessionRecord;
import java.util.List;
import java.util.Set;

/**
 * Who is asking: a browser session (cookie; {@code csrf} is its token) or a bearer access token
 * ({@code csrf} null). Roles come from the groups at the time of the request.
 */
public record Caller(String identity, List<String> groups, Set<String> roles, String csrf, boolean bearer) {
  public Caller {
    groups = List.copyOf(groups);
    roles = Set.copyOf(roles);
  }

  public boolean auditor() {
    return roles.contains("auditor");
  }

  public boolean approver() {
    return roles.contains("approver");
  }

  /** Auditors see every session; everyone sees their own. */
  public boolean maySee(SessionRecord s) {
    return auditor() || identity.equals(s.identity());
  }
}
