package dev.gatehouse.kube;

import static dev.gatehouse.kube.ReviewedRequestTest.of;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.policy.KubeRequest;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Tried against the approval key and the approver's text of a held Kubernetes request; these held. */
class ReviewedRequestHeldAttack19dTest {
  private static final String PODS = "/api/v1/namespaces/app/pods";

  @Test
  void spellingsTheServerMayReadAlikeStillGetKeysAndTextsOfTheirOwn() throws Exception {
    String body = "{\"metadata\":{\"labels\":{\"a\":\"b\"}}}";
    List<ReviewedRequest> rs = List.of(
        of("DELETE", PODS, "labelSelector=a+b", null, null),
        of("DELETE", PODS, "labelSelector=a%20b", null, null),
        of("DELETE", PODS, "labelSelector=x&labelSelector=y", null, null),
        of("DELETE", PODS, "labelSelector=y&labelSelector=x", null, null),
        of("DELETE", PODS + "/", null, null, null),
        of("PATCH", PODS + "/web-1", null, "application/merge-patch+json", body),
        of("PATCH", PODS + "/web-1", null, "application/merge-patch+json; charset=utf-8", body),
        of("PATCH", PODS + "/web-1", null, "Application/Merge-Patch+JSON", body));
    Set<String> keys = new HashSet<>();
    Set<String> texts = new HashSet<>();
    rs.forEach(r -> {
      keys.add(r.key());
      texts.add(r.text());
    });
    assertThat(keys).hasSize(rs.size());
    assertThat(texts).hasSize(rs.size());
  }

  @Test
  void everyRepeatedValueIsShownAndASemicolonPairGoGoesWithoutIsOnlyInTheRawLine() throws Exception {
    String text = of("DELETE", PODS, "labelSelector=tier%3Dweb&labelSelector=tier%3Ddb;x&dryRun=All", null, null).text();
    assertThat(text).contains("?labelSelector=tier%3Dweb&labelSelector=tier%3Ddb;x&dryRun=All\n")
        .contains("query labelSelector: tier=web\n").contains("query dryRun: All\n")
        .doesNotContain("query labelSelector: tier=db");
  }

  @Test
  void pathsTheServerWouldNormaliseAreRefusedBeforeAnyApproval() {
    for (String p : List.of(PODS + "//web-1", PODS + "/./web-1", PODS + "/x/../web-1", PODS + "/web%2F1")) {
      assertThatThrownBy(() -> RequestInfoParser.parse("DELETE", p, null)).as(p)
          .isInstanceOf(RequestInfoParser.Unparseable.class);
    }
  }

  @Test
  void aBodyThatIsNotUtf8IsShownAsBase64AndABomIsMadeVisibleLater() throws Exception {
    byte[] latin1 = "{\"a\":\"\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
    KubeRequest r = RequestInfoParser.parse("POST", PODS, null);
    String text = ReviewedRequest.of(r, "POST", "POST", PODS, null, "application/json", latin1).text();
    assertThat(text).contains("not UTF-8 text: shown as base64\n")
        .endsWith(java.util.Base64.getEncoder().encodeToString(latin1));
  }
}
