package dev.gatehouse.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.policy.KubeRequest;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The key an approval is bound to and the text an approver reads: the same parts of the request. */
class ReviewedRequestTest {
  private static final String BINDINGS = "/apis/rbac.authorization.k8s.io/v1/namespaces/app/rolebindings";

  /** The request as the proxy reviews it: parsed, its body read as {@code contentType}. */
  static ReviewedRequest of(String method, String path, String query, String contentType, String body)
      throws Exception {
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    KubeRequest r = RequestInfoParser.parse(method, path, query);
    if (bytes.length > 0) {
      r = r.withBody(ProxyHandler.bodyTree(contentType, bytes), false);
    }
    return ReviewedRequest.of(r, method, method, path, query, contentType, bytes);
  }

  @Test
  void everyPartOfTheRequestChangesTheKeyTheContentTypeToo() throws Exception {
    String patch = "{\"roleRef\":{\"name\":\"edit\"}}";
    List<ReviewedRequest> requests = List.of(
        of("PATCH", BINDINGS + "/team", null, "application/merge-patch+json", patch),
        of("PATCH", BINDINGS + "/team", null, "application/strategic-merge-patch+json", patch),
        of("PATCH", BINDINGS + "/team", null, "application/json", patch),
        of("PATCH", BINDINGS + "/team", "dryRun=All", "application/merge-patch+json", patch),
        of("PATCH", BINDINGS + "/other", null, "application/merge-patch+json", patch),
        of("PUT", BINDINGS + "/team", null, "application/merge-patch+json", patch),
        of("PATCH", BINDINGS + "/team", null, "application/merge-patch+json", "{\"roleRef\":{\"name\":\"admin\"}}"));
    Set<String> keys = new HashSet<>();
    Set<String> texts = new HashSet<>();
    requests.forEach(r -> {
      keys.add(r.key());
      texts.add(r.text());
    });
    assertThat(keys).as("one key each").hasSize(requests.size());
    assertThat(texts).as("one text each: the approver can tell them apart").hasSize(requests.size());
    assertThat(of("PATCH", BINDINGS + "/team", null, "application/merge-patch+json", patch).key())
        .isEqualTo(requests.get(0).key());
  }

  @Test
  void aQueryValueCannotStartALineAndTheDecodedValueIsShown() throws Exception {
    ReviewedRequest r = of("DELETE", "/api/v1/namespaces/app/pods", "labelSelector=tier%3Dcache%0Abody%3A%20none",
        null, null);
    assertThat(r.text()).isEqualTo("DELETE pods in namespace app\n"
        + "DELETE /api/v1/namespaces/app/pods?labelSelector=tier%3Dcache%0Abody%3A%20none\n"
        + "query labelSelector: tier=cache\\nbody: none\n"
        + "Content-Type: (none)\n"
        + "body: none");
  }

  @Test
  void aBindingShowsItsGrantBeforeTheBodyAndABodyThatIsNotUtf8IsShownAsBase64() throws Exception {
    String binding = "{\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"cluster-admin\"},"
        + "\"subjects\":[{\"kind\":\"User\",\"name\":\"eve\"},{\"kind\":\"ServiceAccount\",\"name\":\"ci\",\"namespace\":\"ops\"}]}";
    assertThat(of("POST", BINDINGS, null, "application/json", binding).text())
        .contains("\ngrants ClusterRole cluster-admin to User eve, ServiceAccount ci in namespace ops\nbody: ")
        .endsWith("\n" + binding);
    byte[] latin1 = "{\"a\":\"\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
    KubeRequest pod = RequestInfoParser.parse("POST", "/api/v1/namespaces/app/configmaps", null);
    String text = ReviewedRequest.of(pod, "POST", "POST", "/api/v1/namespaces/app/configmaps", null,
        "application/json", latin1).text();
    assertThat(text).contains(", not UTF-8 text: shown as base64\n" + java.util.Base64.getEncoder().encodeToString(latin1));
  }
}
