package dev.gatehouse.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponseMaskerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String VALUE_B64 = "aHVudGVyMg=="; // hunter2
  private final ResponseMasker masker = new ResponseMasker(true, List.of("api-key", "private-key", "jwt"));

  private String mask(String json, boolean secretContext) throws Exception {
    JsonNode n = JSON.readTree(json);
    return JSON.writeValueAsString(masker.mask(n, secretContext));
  }

  @Test
  void secretDataAndStringDataAreMaskedKeysKept() throws Exception {
    String out = mask("{\"kind\":\"Secret\",\"metadata\":{\"name\":\"db\"},\"data\":{\"password\":\"" + VALUE_B64
        + "\"},\"stringData\":{\"x\":\"hunter2\"}}", false);
    assertThat(out).doesNotContain(VALUE_B64).doesNotContain("hunter2").contains("\"password\":\"" + ResponseMasker.MASK_BASE64 + "\"")
        .contains("\"x\":\"********\"").contains("\"name\":\"db\"");
  }

  @Test
  void secretListItemsWithoutKindAreMasked() throws Exception {
    String out = mask("{\"kind\":\"SecretList\",\"items\":[{\"metadata\":{\"name\":\"a\"},\"data\":{\"k\":\"" + VALUE_B64 + "\"}}]}", false);
    assertThat(out).doesNotContain(VALUE_B64).contains("\"name\":\"a\"");
  }

  @Test
  void aWatchEventOfASecretIsMasked() throws Exception {
    String out = mask("{\"type\":\"ADDED\",\"object\":{\"kind\":\"Secret\",\"data\":{\"k\":\"" + VALUE_B64 + "\"}}}", true);
    assertThat(out).doesNotContain(VALUE_B64).contains("ADDED");
  }

  @Test
  void tableRowsWithIncludedObjectsAreMasked() throws Exception {
    String out = mask("{\"kind\":\"Table\",\"columnDefinitions\":[],\"rows\":[{\"cells\":[\"db\",\"Opaque\",1],"
        + "\"object\":{\"kind\":\"Secret\",\"metadata\":{\"name\":\"db\"},\"data\":{\"k\":\"" + VALUE_B64 + "\"}}}]}", true);
    assertThat(out).doesNotContain(VALUE_B64).contains("\"db\"");
  }

  @Test
  void theLastAppliedAnnotationOfASecretIsMaskedInside() throws Exception {
    String inner = JSON.writeValueAsString(JSON.readTree("{\"kind\":\"Secret\",\"data\":{\"k\":\"" + VALUE_B64
        + "\"},\"stringData\":{\"p\":\"hunter2\"}}"));
    String doc = "{\"kind\":\"Secret\",\"metadata\":{\"annotations\":{\"" + ResponseMasker.LAST_APPLIED + "\":"
        + JSON.writeValueAsString(inner) + "}},\"data\":{}}";
    String out = mask(doc, false);
    assertThat(out).doesNotContain(VALUE_B64).doesNotContain("hunter2");
  }

  @Test
  void detectorsMaskKeysInOtherObjects() throws Exception {
    String out = mask("{\"kind\":\"ConfigMap\",\"data\":{\"cfg\":\"api_key=AKIAABCDEFGHIJKLMNOP\"}}", false);
    assertThat(out).doesNotContain("AKIAABCDEFGHIJKLMNOP").contains("cfg");
  }

  @Test
  void withSecretsOffNothingButDetectorsApplies() throws Exception {
    ResponseMasker off = new ResponseMasker(false, List.of());
    assertThat(off.active()).isFalse();
    JsonNode n = JSON.readTree("{\"kind\":\"Secret\",\"data\":{\"k\":\"" + VALUE_B64 + "\"}}");
    assertThat(JSON.writeValueAsString(off.mask(n, true))).contains(VALUE_B64);
  }

  @Test
  void protobufIsRemovedFromAccept() {
    assertThat(ProxyHandler.withoutProtobuf("application/vnd.kubernetes.protobuf,application/json")).isEqualTo("application/json");
    assertThat(ProxyHandler.withoutProtobuf("application/vnd.kubernetes.protobuf")).isEqualTo("application/json");
  }
}
