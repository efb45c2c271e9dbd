package dev.gatehouse.kube;

import dev.gatehouse.policy.KubeRequest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A request held for review, as its approval is bound to it and as the approver sees it: one
 * {@link #key} over the method, raw path, raw query, Content-Type and body bytes, and one {@link
 * #text} that shows each of those same parts, so an approver decides on exactly what the approval
 * will let through.
 *
 * <pre>
 * DELETE pods in namespace app                                   (what the API server reads: KubeRequest.describe)
 * DELETE /api/v1/namespaces/app/pods?labelSelector=tier%3Dcache  (the request line, as sent)
 * query labelSelector: tier=cache                                (each query parameter, decoded as the API server does)
 * Content-Type: application/json                                 (or "(none)")
 * grants ClusterRole cluster-admin to User alice@example.com     (RoleBinding / ClusterRoleBinding bodies)
 * body: 245 bytes, sha256 3f2a…                                  (or "body: none")
 * {"apiVersion": …}                                              (the body as sent, whole)
 * </pre>
 *
 * The text is stored as the request's statement; every place that shows it makes control and
 * invisible characters visible (VisibleText). Decoded query values are escaped here already, so a
 * line break in a value cannot start a line that looks like one of the lines above. The body is
 * last: everything after its {@code body:} line is the body. A body that is not UTF-8 is shown as
 * base64, never decoded into something else.
 */
public final class ReviewedRequest {
  private final String key;
  private final String text;

  private ReviewedRequest(String key, String text) {
    this.key = key;
    this.text = text;
  }

  /**
   * @param keyMethod the method the approval is bound to ({@code STREAM} for a stream upgrade, which
   *     kubectl tries over WebSocket (GET) and SPDY (POST): one approval covers both)
   * @param method the request's own method, shown
   */
  public static ReviewedRequest of(KubeRequest request, String keyMethod, String method, String rawPath,
      String rawQuery, String contentType, byte[] body) {
    return new ReviewedRequest(key(keyMethod, rawPath, rawQuery, contentType, body),
        text(request, keyMethod, method, rawPath, rawQuery, contentType, body));
  }

  /** What the approval is bound to: an approval given for one key is never used for another. */
  public String key() {
    return key;
  }

  /** What the approver sees (the request's statement). */
  public String text() {
    return text;
  }

  /**
   * The SHA-256 of the method, the raw path, the raw query, the Content-Type and the body's bytes,
   * each length-prefixed (so no two different requests share a key). The Content-Type is in it
   * because it decides what a body means: the same bytes are a merge patch, a strategic merge patch
   * or a JSON patch by their type alone.
   */
  static String key(String method, String rawPath, String query, String contentType, byte[] body) {
    MessageDigest d = sha256();
    for (byte[] part : new byte[][] {method.getBytes(StandardCharsets.UTF_8), rawPath.getBytes(StandardCharsets.UTF_8),
        (query == null ? "" : query).getBytes(StandardCharsets.UTF_8),
        (contentType == null ? "" : contentType).getBytes(StandardCharsets.UTF_8), body}) {
      d.update(ByteBuffer.allocate(8).putLong(part.length).array());
      d.update(part);
    }
    return "kube:" + HexFormat.of().formatHex(d.digest());
  }

  static String text(KubeRequest request, String keyMethod, String method, String rawPath, String rawQuery,
      String contentType, byte[] body) {
    StringBuilder b = new StringBuilder(oneLine(request.describe())).append('\n');
    b.append(oneLine(method.toUpperCase(Locale.ROOT))).append(' ').append(oneLine(rawPath));
    if (rawQuery != null) {
      b.append('?').append(oneLine(rawQuery));
    }
    if ("STREAM".equals(keyMethod)) {
      b.append("  (a stream: the approval covers it over WebSocket or SPDY)");
    }
    b.append('\n');
    for (Map.Entry<String, List<String>> q : RequestInfoParser.query(rawQuery).entrySet()) {
      for (String v : q.getValue()) {
        b.append("query ").append(oneLine(q.getKey())).append(": ").append(oneLine(v)).append('\n');
      }
    }
    b.append("Content-Type: ").append(contentType == null ? "(none)" : oneLine(contentType)).append('\n');
    String grants = grants(request);
    if (grants != null) {
      b.append(grants).append('\n');
    }
    if (body.length == 0) {
      return b.append("body: none").toString();
    }
    b.append("body: ").append(String.format(Locale.ROOT, "%,d", body.length)).append(" bytes, sha256 ")
        .append(HexFormat.of().formatHex(sha256().digest(body)));
    String utf8 = utf8(body);
    if (utf8 == null) {
      b.append(", not UTF-8 text: shown as base64\n").append(Base64.getMimeEncoder(76, new byte[] {'\n'})
          .encodeToString(body));
    } else {
      b.append('\n').append(utf8);
    }
    return b.toString();
  }

  /**
   * For a RoleBinding or ClusterRoleBinding body: the role it grants and to whom, on one line
   * ({@code grants ClusterRole cluster-admin to User alice, Group ops}) — before the body, so a
   * list that shows only the first part of a long body still shows it. Null for anything else (a
   * JSON patch, a list of operations, is read in the body itself).
   */
  static String grants(KubeRequest r) {
    boolean binding = r.resourceRequest() && r.apiGroup().equals("rbac.authorization.k8s.io")
        && (r.resource().equals("rolebindings") || r.resource().equals("clusterrolebindings"));
    if (!binding || !(r.body() instanceof Map<?, ?> body)) {
      return null;
    }
    StringBuilder b = new StringBuilder("grants ");
    if (body.get("roleRef") instanceof Map<?, ?> ref) {
      b.append(field(ref, "kind")).append(' ').append(field(ref, "name"));
    } else {
      b.append("(no roleRef)");
    }
    List<String> to = new ArrayList<>();
    if (body.get("subjects") instanceof List<?> subjects) {
      for (Object s : subjects) {
        if (s instanceof Map<?, ?> m) {
          String ns = m.get("namespace") == null ? "" : " in namespace " + field(m, "namespace");
          to.add(field(m, "kind") + " " + field(m, "name") + ns);
        } else {
          to.add(oneLine(String.valueOf(s)));
        }
      }
    }
    if (body.get("subjects") == null) {
      b.append(" (subjects: not in this body)"); // a patch of the roleRef alone
    } else {
      b.append(" to ").append(to.isEmpty() ? "nobody" : String.join(", ", to));
    }
    return b.toString();
  }

  private static String field(Map<?, ?> m, String name) {
    Object v = m.get(name);
    return v == null ? "(none)" : oneLine(String.valueOf(v));
  }

  /**
   * A value on one line: its line ends written as the escapes VisibleText uses (VisibleText, where
   * the text is shown, escapes every other control character; only these would start a new line).
   */
  private static String oneLine(String s) {
    return s.replace("\r", "\\r").replace("\n", "\\n");
  }

  private static String utf8(byte[] body) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always there", e);
    }
  }
}
