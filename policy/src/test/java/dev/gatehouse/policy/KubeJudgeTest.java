package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KubeJudgeTest {
  private static KubeRequest req(String method, String verb, String group, String ns, String res, String sub, String name,
      Object body) {
    group = n(group);
    ns = n(ns);
    sub = n(sub);
    name = n(name);
    String path = "/api" + (group.isEmpty() ? "/v1" : "s/" + group + "/v1") + (ns.isEmpty() ? "" : "/namespaces/" + ns)
        + "/" + res + (name.isEmpty() ? "" : "/" + name) + (sub.isEmpty() ? "" : "/" + sub);
    return new KubeRequest(method, path, true, verb, group, "v1", ns, res, sub, name, List.of(), false, body, false);
  }

  private static String n(String s) {
    return s == null ? "" : s;
  }

  private static final KubeJudge DEFAULT = new KubeJudge(KubePolicy.BUILT_IN_DEFAULT);

  @ParameterizedTest(name = "{0} {1} {3}/{4}/{5} -> {7} {8}")
  @CsvSource(delimiter = '|', value = {
      "DELETE|delete||prod|namespaces||prod|block|delete-namespace",
      "DELETE|deletecollection|||namespaces|||block|delete-namespace",
      "DELETE|delete|||nodes||n1|block|delete-node",
      "DELETE|delete|apiextensions.k8s.io||customresourcedefinitions||x.example.com|block|delete-crd",
      "DELETE|delete|||persistentvolumes||pv1|block|delete-persistent-volume",
      "POST|create||app|serviceaccounts|token|sa|block|impersonate",
      "POST|create||app|pods|exec|web|review|exec",
      "GET|get||app|pods|attach|web|review|attach",
      "POST|create||app|pods|portforward|web|review|portforward",
      "GET|get|||nodes|proxy|n1|review|node-proxy",
      "DELETE|delete||app|pods||web|review|delete",
      "DELETE|deletecollection||app|pods|||review|deletecollection",
      "POST|create|rbac.authorization.k8s.io||clusterrolebindings|||review|rbac-write",
      "GET|get||app|secrets||db|review|secrets-read",
      "GET|list||app|secrets|||review|secrets-read",
      "GET|list||app|pods|||allow|",
      "GET|get||app|pods|log|web|allow|",
      "PATCH|patch|apps|app|deployments|scale|web|allow|",
      "POST|create||app|pods|eviction|web|review|delete",
      "PATCH|patch||app|pods|ephemeralcontainers|web|review|exec",
      "PUT|update||app|pods|ephemeralcontainers|web|review|exec",
      "GET|get||app|pods|ephemeralcontainers|web|allow|",
      "PATCH|patch||prod|namespaces||prod|allow|",
  })
  void theDefaultPolicy(String method, String verb, String group, String ns, String res, String sub, String name,
      String verdict, String rule) {
    Verdict v = DEFAULT.judge(req(method, verb, group, ns, res, sub, name, null));
    assertThat(v.label()).isEqualTo(verdict);
    assertThat(v.rule()).isEqualTo(rule == null || rule.isEmpty() ? null : rule);
  }

  @Test
  void theReasonIsTheRequestInOneLine() {
    Verdict v = DEFAULT.judge(req("DELETE", "delete", "", "prod", "namespaces", "", "prod", null));
    assertThat(v.reason()).isEqualTo("DELETE namespaces/prod");
  }

  @Test
  void privilegedWorkloadsAreFoundInAnyPodTemplateOrPatch() {
    Map<String, Object> deployment = Map.of("spec", Map.of("template", Map.of("spec", Map.of("hostNetwork", true,
        "containers", List.of(Map.of("name", "c"))))));
    assertThat(DEFAULT.judge(req("POST", "create", "apps", "app", "deployments", "", "", deployment)).rule())
        .isEqualTo("privileged-workload");
    Map<String, Object> pod = Map.of("spec", Map.of("containers", List.of(Map.of("securityContext",
        Map.of("capabilities", Map.of("add", List.of("SYS_ADMIN")))))));
    assertThat(DEFAULT.judge(req("POST", "create", "", "app", "pods", "", "", pod)).rule()).isEqualTo("privileged-workload");
    List<Object> jsonPatch = List.of(Map.of("op", "add", "path", "/spec/template/spec/containers/0/securityContext/privileged", "value", true));
    assertThat(DEFAULT.judge(req("PATCH", "patch", "apps", "app", "deployments", "", "web", jsonPatch)).rule())
        .isEqualTo("privileged-workload");
    Map<String, Object> volumes = Map.of("spec", Map.of("volumes", List.of(Map.of("name", "h", "hostPath", Map.of("path", "/")))));
    assertThat(DEFAULT.judge(req("PUT", "update", "", "app", "pods", "", "p", volumes)).rule()).isEqualTo("privileged-workload");
    Map<String, Object> plain = Map.of("spec", Map.of("hostNetwork", false, "containers", List.of(Map.of("name", "c"))));
    assertThat(DEFAULT.judge(req("POST", "create", "", "app", "pods", "", "", plain)).label()).isEqualTo("allow");
  }

  @ParameterizedTest(name = "hostNetwork: {0}")
  @CsvSource({"y", "yes", "on", "true", "1", "TRUE"})
  void anyValueOfAPrivilegeFlagButFalseIsPrivileged(String spelling) {
    Map<String, Object> pod = Map.of("spec", Map.of("hostNetwork", spelling, "containers", List.of(Map.of("name", "c"))));
    assertThat(DEFAULT.judge(req("POST", "create", "", "app", "pods", "", "", pod)).rule()).isEqualTo("privileged-workload");
  }

  @Test
  void anOwnerReferenceOnAProtectedObjectIsItsDelete() {
    Map<String, Object> owned = Map.of("metadata", Map.of("ownerReferences", List.of(Map.of("kind", "Namespace", "name", "gone"))));
    assertThat(DEFAULT.judge(req("PATCH", "patch", "", "prod", "namespaces", "", "prod", owned)).rule())
        .isEqualTo("delete-namespace");
    assertThat(DEFAULT.judge(req("PUT", "update", "", "", "nodes", "", "n1", owned)).rule()).isEqualTo("delete-node");
    assertThat(DEFAULT.judge(req("PATCH", "patch", "", "", "persistentvolumes", "", "pv1", owned)).rule())
        .isEqualTo("delete-persistent-volume");
    assertThat(DEFAULT.judge(req("PATCH", "patch", "apiextensions.k8s.io", "", "customresourcedefinitions", "", "x", owned))
        .rule()).isEqualTo("delete-crd");
    List<Object> jsonPatch = List.of(Map.of("op", "add", "path", "/metadata/ownerReferences", "value", List.of()));
    assertThat(DEFAULT.judge(req("PATCH", "patch", "", "prod", "namespaces", "status", "prod", jsonPatch)).rule())
        .isEqualTo("delete-namespace");
    Map<String, Object> cleared = new LinkedHashMap<>();
    cleared.put("ownerReferences", null);
    assertThat(DEFAULT.judge(req("PATCH", "patch", "", "prod", "namespaces", "", "prod", Map.of("metadata", cleared)))
        .label()).isEqualTo("allow");
    KubeRequest unreadable = req("PATCH", "patch", "", "prod", "namespaces", "", "prod", null).withBody(null, true);
    assertThat(DEFAULT.judge(unreadable).rule()).isEqualTo("delete-namespace");
  }

  @Test
  void nonResourcePathsOtherThanDiscoveryAreUnclassified() {
    KubeRequest metrics = new KubeRequest("GET", "/metrics", false, "get", "", "", "", "", "", "", List.of(), false, null, false);
    assertThat(DEFAULT.judge(metrics).rule()).isEqualTo("unclassified");
    KubeRequest api = new KubeRequest("GET", "/apis/apps/v1", false, "get", "", "", "", "", "", "", List.of(), false, null, false);
    assertThat(DEFAULT.judge(api).label()).isEqualTo("allow");
    assertThat(api.discovery()).isTrue();
  }

  @Test
  void operatorRulesFromConfigTightenByVerbResourceAndNamespace() {
    Map<String, Object> policies = new LinkedHashMap<>();
    policies.put("default-kube", Map.of("type", "kubernetes",
        "block", List.of("delete-namespace"),
        "review", List.of(),
        "rules", List.of(
            Map.of("name", "prod-secrets", "verbs", List.of("get", "list", "watch"), "resources", List.of("secrets"),
                "namespaces", List.of("prod"), "verdict", "block"),
            Map.of("name", "scale", "verbs", List.of("patch", "update"), "resources", List.of("deployments/scale"),
                "verdict", "review")),
        "mask", Map.of("secrets", true, "detectors", List.of("jwt"))));
    policies.put("default-sql", Map.of("block", List.of("drop-table")));
    KubePolicy p = PolicyConfig.parseKubernetes(policies).get("default-kube");
    assertThat(PolicyConfig.parse(policies)).containsOnlyKeys("default-sql");
    assertThat(PolicyConfig.types(policies)).containsEntry("default-kube", "kubernetes").containsEntry("default-sql", "sql");
    KubeJudge j = new KubeJudge(p);
    assertThat(j.judge(req("GET", "get", "", "prod", "secrets", "", "db", null)).rule()).isEqualTo("prod-secrets");
    assertThat(j.judge(req("GET", "list", "", "", "secrets", "", "", null)).rule())
        .as("a list across all namespaces reads prod's too").isEqualTo("prod-secrets");
    assertThat(j.judge(req("GET", "get", "", "app", "secrets", "", "db", null)).label()).isEqualTo("allow");
    assertThat(j.judge(req("PATCH", "patch", "apps", "app", "deployments", "scale", "web", null)).label()).isEqualTo("review");
    assertThat(j.judge(req("PATCH", "patch", "apps", "app", "deployments", "", "web", null)).label()).isEqualTo("allow");
  }

  @Test
  void badKubernetesPoliciesFailNamingTheKey() {
    assertThatThrownBy(() -> PolicyConfig.parseKubernetes(Map.of("k", Map.of("type", "kubernetes", "block", List.of("drop-table")))))
        .hasMessageStartingWith("policies.k.block[0]: 'drop-table' is no built-in kubernetes class");
    assertThatThrownBy(() -> PolicyConfig.parseKubernetes(Map.of("k", Map.of("type", "kubernetes", "unclassified", "allow"))))
        .hasMessageStartingWith("policies.k.unclassified: 'allow' is never allowed");
    assertThatThrownBy(() -> PolicyConfig.parseKubernetes(Map.of("k", Map.of("type", "kubernetes", "rules",
        List.of(Map.of("name", "r", "verbs", List.of("explode"), "verdict", "block"))))))
        .hasMessageStartingWith("policies.k.rules[0].verbs[0]: 'explode' is no API verb");
    assertThatThrownBy(() -> PolicyConfig.parse(Map.of("s", Map.of("type", "fish"))))
        .hasMessageStartingWith("policies.s.type: 'fish' must be sql, kubernetes or shell");
    assertThatCode(() -> PolicyConfig.parse(Map.of("s", Map.of("type", "kubernetes", "maxRowsChanged", 5))))
        .as("the SQL parser leaves kubernetes policies to parseKubernetes").doesNotThrowAnyException();
    assertThatThrownBy(() -> PolicyConfig.parseKubernetes(Map.of("s", Map.of("type", "kubernetes", "maxRowsChanged", 5))))
        .hasMessageStartingWith("policies.s.maxRowsChanged: unknown key");
  }
}
