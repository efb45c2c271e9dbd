package dev.gatehouse.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.policy.KubeRequest;
import dev.gatehouse.policy.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How the proxy reads request bodies: what the API server could read otherwise is refused. */
class BodyTreeTest {
  private static Object read(String contentType, String body) throws Exception {
    return ProxyHandler.bodyTree(contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void plainJsonAndYamlAreRead() throws Exception {
    assertThat(read("application/json", "{\"spec\":{\"hostNetwork\":false}}"))
        .isEqualTo(Map.of("spec", Map.of("hostNetwork", false)));
    assertThat(read("application/yaml", "spec:\n  hostNetwork: y\n")).isEqualTo(Map.of("spec", Map.of("hostNetwork", "y")));
  }

  @Test
  void aRepeatedJsonKeyOrASecondValueIsAmbiguous() {
    assertThatThrownBy(() -> read("application/json", "{\"spec\":{\"hostNetwork\":true},\"spec\":{}}"))
        .isInstanceOf(ProxyHandler.AmbiguousBody.class);
    assertThatThrownBy(() -> read("application/merge-patch+json", "{\"a\":1} {\"b\":2}"))
        .isInstanceOf(ProxyHandler.AmbiguousBody.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "spec:\n  containers: [{name: c, stdin: &t true}]\n  hostNetwork: *t\n",
      "spec:\n  hostNetwork: !!bool true\n",
      "spec:\n  <<: {hostNetwork: true}\n",
      "spec: {hostNetwork: true}\nspec: {}\n",
      "spec: {}\n---\nspec: {hostNetwork: true}\n",
  })
  void yamlThatGoYamlReadsOtherwiseIsAmbiguous(String yaml) {
    assertThatThrownBy(() -> read("application/yaml", yaml)).isInstanceOf(ProxyHandler.AmbiguousBody.class);
  }

  @Test
  void theApproverIsShownTheContainerAndCommandOfAnExec() {
    KubeRequest r = new KubeRequest("GET", "/api/v1/namespaces/app/pods/web-1/exec", true, "get", "", "v1", "app", "pods",
        "exec", "web-1", List.of(), false, null, false);
    Verdict.Review v = ProxyHandler.withWhatRuns(r, new Verdict.Review("exec", r.describe()),
        "command=sh&command=-c&command=rm+-rf+%2Fdata&container=web&stdout=true");
    assertThat(v.reason())
        .isEqualTo("GET pods/web-1/exec in namespace app; container=web command=[\"sh\",\"-c\",\"rm -rf /data\"]");
  }

  @Test
  void aBase64ChannelMessageIsDecodedForTheRecording() {
    assertThat(StreamRelay.decodeText("1aGk=")).isEqualTo("hi".getBytes(StandardCharsets.UTF_8));
    assertThat(StreamRelay.decodeText("1not base64!")).isNull();
  }
}
