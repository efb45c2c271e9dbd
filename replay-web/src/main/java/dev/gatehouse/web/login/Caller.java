package dev.gatehouse.web.login;

import dev.gatehouse.recorder.SessionRecord;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Who is asking: a browser session (cookie; {@code csrf} is its token, {@code sessionId} its id) or
 * a bearer access token ({@code csrf} and {@code sessionId} null). Roles come from the groups at the
 * time of the request.
 *
 * @param since when the credential came to be (the login, or the token's {@code iat}): a
 *     revocation of the identity at or after it ends the credential
 * @param until when a bearer token expires; null for a browser session (its own limits apply)
 * @param operator the bastion's operator, logged in with a one-time link: every web role, and
 *     decides approvals as {@code gatehouse approvals approve --as} does (the operator vouches, no
 *     approver group needed; still never their own request, once per request)
 */
public record Caller(String identity, List<String> groups, Set<String> roles, String csrf, boolean bearer,
    String sessionId, Instant since, Instant until, boolean operator) {
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
