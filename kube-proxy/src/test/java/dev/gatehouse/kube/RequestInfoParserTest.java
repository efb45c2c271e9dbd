package dev.gatehouse.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.policy.KubeRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The RequestInfo rules of k8s.io/apiserver (endpoints/request/requestinfo.go), case by case:
 * method, path, query → resource?, verb, group, version, namespace, resource, subresource, name.
 * Rows follow the forms its comment lists and the branches of NewRequestInfo.
 */
class RequestInfoParserTest {

  @ParameterizedTest(name = "{0} {1}?{2}")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      // non-resource: fewer than three parts, or not under /api or /apis
      "GET|/|-|false|get|||||| ",
      "GET|/api|-|false|get||||||",
      "GET|/api/v1|-|false|get||||||",
      "GET|/apis/apps|-|false|get||||||",
      "GET|/apis/apps/v1|-|false|get||||||",
      "GET|/healthz|-|false|get||||||",
      "POST|/logs/x/y|-|false|post||||||",
      "GET|/version|-|false|get||||||",
      // core resources
      "GET|/api/v1/namespaces|-|true|list||v1||namespaces||",
      "GET|/api/v1/namespaces/prod|-|true|get||v1|prod|namespaces||prod",
      "DELETE|/api/v1/namespaces/prod|-|true|delete||v1|prod|namespaces||prod",
      "PUT|/api/v1/namespaces/prod/finalize|-|true|update||v1|prod|namespaces|finalize|prod",
      "GET|/api/v1/namespaces/prod/status|-|true|get||v1|prod|namespaces|status|prod",
      "GET|/api/v1/namespaces/app/pods|-|true|list||v1|app|pods||",
      "GET|/api/v1/namespaces/app/pods/web-1|-|true|get||v1|app|pods||web-1",
      "HEAD|/api/v1/namespaces/app/pods/web-1|-|true|get||v1|app|pods||web-1",
      "POST|/api/v1/namespaces/app/pods/web-1/exec|command=sh|true|create||v1|app|pods|exec|web-1",
      "GET|/api/v1/namespaces/app/pods/web-1/exec|command=sh|true|get||v1|app|pods|exec|web-1",
      "GET|/api/v1/namespaces/app/pods/web-1/log/extra/parts|-|true|get||v1|app|pods|log|web-1",
      "GET|/api/v1/pods|-|true|list||v1||pods||",
      "DELETE|/api/v1/namespaces/app/pods|-|true|deletecollection||v1|app|pods||",
      "OPTIONS|/api/v1/namespaces/app/pods|-|true|||v1|app|pods||",
      "GET|/api/v1/nodes/n1/proxy/metrics|-|true|get||v1||nodes|proxy|n1",
      // groups
      "GET|/apis/apps/v1/namespaces/app/deployments|-|true|list|apps|v1|app|deployments||",
      "PATCH|/apis/apps/v1/namespaces/app/deployments/web/scale|-|true|patch|apps|v1|app|deployments|scale|web",
      "DELETE|/apis/apiextensions.k8s.io/v1/customresourcedefinitions/x.example.com|-|true|delete|apiextensions.k8s.io|v1||customresourcedefinitions||x.example.com",
      "POST|/apis/rbac.authorization.k8s.io/v1/clusterrolebindings|-|true|create|rbac.authorization.k8s.io|v1||clusterrolebindings||",
      // watch: the query flag (first value; false and 0 are list), and the verb in the path
      "GET|/api/v1/namespaces/app/pods|watch=true|true|watch||v1|app|pods||",
      "GET|/api/v1/namespaces/app/pods|watch=1|true|watch||v1|app|pods||",
      "GET|/api/v1/namespaces/app/pods|watch=|true|watch||v1|app|pods||",
      "GET|/api/v1/namespaces/app/pods|watch=false|true|list||v1|app|pods||",
      "GET|/api/v1/namespaces/app/pods|watch=0&watch=1|true|list||v1|app|pods||",
      "GET|/api/v1/namespaces/app/pods|watch=FALSE|true|list||v1|app|pods||",
      "GET|/api/v1/watch/namespaces/app/pods|-|true|watch||v1|app|pods||",
      "GET|/api/v1/watch/pods|-|true|watch||v1||pods||",
      "GET|/api/v1/watch/namespaces/app/pods/web-1|-|true|watch||v1|app|pods||web-1",
      // proxy verb: no subresource
      "GET|/api/v1/proxy/namespaces/app/pods/web-1/a/b|-|true|proxy||v1|app|pods||web-1",
      // fieldSelector metadata.name names a list
      "GET|/api/v1/namespaces/app/secrets|fieldSelector=metadata.name%3Ddb|true|list||v1|app|secrets||db",
      "GET|/api/v1/namespaces/app/secrets|fieldSelector=metadata.name%3D%3Ddb|true|list||v1|app|secrets||db",
      "GET|/api/v1/namespaces/app/secrets|fieldSelector=metadata.name%21%3Ddb|true|list||v1|app|secrets||",
      "GET|/api/v1/namespaces/app/secrets|fieldSelector=metadata.name%3Db,metadata.name%3Da|true|list||v1|app|secrets||a",
      "GET|/api/v1/namespaces/app/secrets|fieldSelector=metadata.name%3D..|true|list||v1|app|secrets||",
      "GET|/api/v1/namespaces/app/secrets|fieldSelector=metadata.name%3Da%3Db|true|list||v1|app|secrets||",
      "GET|/api/v1/namespaces/app/secrets|fieldSelector=metadata.name%3Ddb&limit=x|true|list||v1|app|secrets||",
      "GET|/api/v1/namespaces/app/secrets|watch=true&fieldSelector=metadata.name%3Ddb|true|watch||v1|app|secrets||db",
      "DELETE|/api/v1/namespaces/app/secrets|fieldSelector=metadata.name%3Ddb|true|deletecollection||v1|app|secrets||",
      // trailing slash is trimmed, as Go's strings.Trim
      "GET|/api/v1/namespaces/app/pods/|-|true|list||v1|app|pods||",
  })
  void parsesAsTheApiServerDoes(String method, String path, String query, boolean resource, String verb, String group,
      String version, String namespace, String res, String sub, String name) throws Exception {
    KubeRequest r = RequestInfoParser.parse(method, path, query);
    assertThat(r.resourceRequest()).isEqualTo(resource);
    assertThat(r.verb()).isEqualTo(n(verb));
    assertThat(r.apiGroup()).isEqualTo(n(group));
    assertThat(r.apiVersion()).isEqualTo(n(version));
    assertThat(r.namespace()).isEqualTo(n(namespace));
    assertThat(r.resource()).isEqualTo(n(res));
    assertThat(r.subresource()).isEqualTo(n(sub));
    assertThat(r.name()).isEqualTo(n(name).strip());
  }

  private static String n(String s) {
    return s == null ? "" : s;
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "/api/v1/watch", // a special verb with nothing after it: the server errors too
      "/api/v1/proxy",
      "/api/v1/namespaces//pods", // empty segment
      "/api/v1/namespaces/app/pods/%2e%2e", // dot segment
      "/api/v1/namespaces/a%2Fb/pods", // escaped slash inside a segment
      "/api/v1/namespaces/app/pods/%zz", // invalid escape
      "/api/v1/namespaces/app/pods/a%00b", // control character
      "api/v1/pods", // not absolute
  })
  void refusesWhatItCannotReadExactly(String path) {
    assertThatThrownBy(() -> RequestInfoParser.parse("GET", path, null)).isInstanceOf(RequestInfoParser.Unparseable.class);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "DELETE|/api/v1/namespaces/prod|DELETE namespaces/prod",
      "GET|/api/v1/namespaces/app/secrets/db|GET secrets/db in namespace app",
      "PATCH|/apis/apps/v1/namespaces/app/deployments/web/scale|PATCH deployments.apps/web/scale in namespace app",
      "GET|/metrics|GET /metrics",
  })
  void describesARequestInOneLine(String method, String path, String line) throws Exception {
    assertThat(RequestInfoParser.parse(method, path, null).describe()).isEqualTo(line);
  }
}
