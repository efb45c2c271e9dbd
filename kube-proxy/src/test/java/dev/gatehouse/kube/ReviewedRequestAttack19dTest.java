package dev.gatehouse.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.policy.KubeRequest;
import org.junit.jupiter.api.Test;

/**
 * Finding: a query value with a character outside the Basic Multilingual Plane, sent as itself
 * (not percent-encoded), is decoded one UTF-16 half at a time: each half alone encodes as
 * {@code ?}, so the approver's decoded line shows {@code ??} where the API server (Go's
 * url.QueryUnescape keeps the bytes) reads the character.
 */
class ReviewedRequestAttack19dTest {
  @Test
  void aRawSupplementaryCharacterInTheQueryIsShownDecodedAsTheServerReadsIt() throws Exception {
    String query = "labelSelector=team%3D\uD83D\uDE00";
    KubeRequest r = RequestInfoParser.parse("DELETE", "/api/v1/namespaces/app/pods", query);
    String text = ReviewedRequest.of(r, "DELETE", "DELETE", "/api/v1/namespaces/app/pods", query, null, new byte[0])
        .text();
    assertThat(text).contains("query labelSelector: team=\uD83D\uDE00\n");
    assertThat(RequestInfoParser.query(query).get("labelSelector")).containsExactly("team=\uD83D\uDE00");
  }
}
