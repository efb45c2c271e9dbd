package dev.gatehouse.kube.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The upstream of the tests: no kube-apiserver can run here, so fabric8's kubernetes-server-mock in
 * CRUD mode stores objects, and this dispatcher adds what real kubectl needs besides: the legacy
 * discovery documents (/api, /apis, /api/v1, /apis/apps/v1), /version, and {@code Table} answers
 * (with {@code includeObject}) when kubectl asks {@code as=Table}. Every request it sees is kept in
 * {@link #requests()}, so a test can prove the upstream never saw a refused one, and the headers
 * of each, so a test can see the proxy's credentials and impersonation.
 */
public final class StandInApiServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One request the upstream received. */
  public record Seen(String method, String path, String authorization, List<String> impersonateUser,
      List<String> impersonateGroup, String accept) {}

  private final KubernetesMockServer server;
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final ExecFront front;

  /** Held, so the level sticks (JUL keeps loggers weakly): one line per request drowns a failing test's output. */
  private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    QUIET.setLevel(java.util.logging.Level.WARNING);
  }

  public StandInApiServer() {
    KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher();
    Dispatcher d = new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        seen.add(new Seen(request.getMethod(), request.getPath(), request.getHeader("Authorization"),
            request.getHeaders().headers("Impersonate-User"), request.getHeaders().headers("Impersonate-Group"),
            request.getHeader("Accept")));
        return StandInApiServer.this.dispatch(crud, request);
      }
    };
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), d, false);
    server.start(InetAddress.getLoopbackAddress(), 0);
    try {
      front = new ExecFront(server.getPort(), seen::add);
    } catch (IOException e) {
      server.shutdown();
      throw new UncheckedIOException(e);
    }
  }

  /** The front door: exec and attach over WebSocket served by {@link ExecFront}, everything else by the mock. */
  public String url() {
    return "http://127.0.0.1:" + front.port();
  }

  /** The exec and attach streams served so far (path, subprotocol, resizes, stdin). */
  public List<ExecFront.Exec> execs() {
    return front.execs();
  }

  public List<Seen> requests() {
    return List.copyOf(seen);
  }

  /** Creates an object through the CRUD store as a client would (POST to its collection). */
  public void create(String collectionPath, String json) throws IOException, InterruptedException {
    java.net.http.HttpClient c = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
    java.net.http.HttpResponse<String> r = c.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url() + collectionPath))
        .header("Content-Type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) {
      throw new IOException("stand-in refused " + collectionPath + ": " + r.statusCode() + " " + r.body());
    }
    seen.clear();
  }

  private MockResponse dispatch(KubernetesCrudDispatcher crud, RecordedRequest request) {
    String path = request.getPath();
    String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    if (request.getMethod().equals("GET")) {
      String doc = switch (bare) {
        case "/api" -> "api.json";
        case "/apis" -> "apis.json";
        case "/api/v1" -> "api-v1.json";
        case "/apis/apps/v1" -> "apis-apps-v1.json";
        case "/version" -> "version.json";
        default -> null;
      };
      if (doc != null) {
        return json(200, resource(doc));
      }
      if (bare.startsWith("/openapi/")) {
        return json(404, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}");
      }
    }
    java.util.regex.Matcher log = LOG.matcher(bare);
    if (request.getMethod().equals("GET") && log.matches()) {
      // The mock has no log subresource: a few lines of "the container's" output, as text.
      return new MockResponse().setResponseCode(200).setHeader("Content-Type", "text/plain")
          .setBody("started " + log.group(2) + "\nlistening on :8080\n");
    }
    java.util.regex.Matcher scale = SCALE.matcher(bare);
    if (scale.matches()) {
      return scale(crud, request, scale.group(1), scale.group(2), scale.group(3));
    }
    MockResponse r = crud.dispatch(request);
    String accept = request.getHeader("Accept");
    if (request.getMethod().equals("GET") && accept != null && accept.contains("as=Table") && r.code() == 200
        && !path.contains("watch=")) {
      try {
        JsonNode body = JSON.readTree(r.getBody().readUtf8());
        return json(200, JSON.writeValueAsString(table(body, query(path, "includeObject"), bare)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (r.header("Content-Type") == null) {
      r.setHeader("Content-Type", "application/json"); // the API server always names its content type
    }
    return r;
  }

  private static final java.util.regex.Pattern LOG =
      java.util.regex.Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/]+)/log");
  private static final java.util.regex.Pattern SCALE =
      java.util.regex.Pattern.compile("/apis/apps/v1/namespaces/([^/]+)/(deployments|statefulsets|replicasets)/([^/]+)/scale");

  /**
   * The scale subresource the mock lacks: an autoscaling/v1 {@code Scale} read from the stored
   * workload; a PATCH or PUT of it sets the workload's {@code spec.replicas} in the store.
   */
  private static MockResponse scale(KubernetesCrudDispatcher crud, RecordedRequest request, String ns, String kind,
      String name) {
    String path = "/apis/apps/v1/namespaces/" + ns + "/" + kind + "/" + name;
    try {
      if (!request.getMethod().equals("GET")) {
        JsonNode change = JSON.readTree(request.getUtf8Body());
        JsonNode replicas = change.path("spec").path("replicas");
        if (!replicas.isInt()) {
          return json(422, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":422}");
        }
        String patch = "{\"spec\":{\"replicas\":" + replicas.asInt() + "}}";
        MockResponse patched = crud.dispatch(new RecordedRequest("HTTP/1.1", io.fabric8.mockwebserver.dsl.HttpMethod.PATCH,
            path, io.fabric8.mockwebserver.http.Headers.builder().add("Content-Type", "application/merge-patch+json").build(),
            new io.fabric8.mockwebserver.http.Buffer(patch.getBytes(StandardCharsets.UTF_8))));
        if (patched.code() / 100 != 2) {
          return json(patched.code(), "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":"
              + JSON.writeValueAsString("stand-in: " + patched.getBody().readUtf8()) + ",\"code\":" + patched.code() + "}");
        }
      }
      MockResponse got = crud.dispatch(new RecordedRequest("HTTP/1.1", io.fabric8.mockwebserver.dsl.HttpMethod.GET, path,
          io.fabric8.mockwebserver.http.Headers.builder().build(), new io.fabric8.mockwebserver.http.Buffer()));
      if (got.code() / 100 != 2) {
        return json(got.code(), "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":"
            + JSON.writeValueAsString("stand-in: " + got.getBody().readUtf8()) + ",\"code\":" + got.code() + "}");
      }
      JsonNode workload = JSON.readTree(got.getBody().readUtf8());
      ObjectNode s = JSON.createObjectNode();
      s.put("kind", "Scale").put("apiVersion", "autoscaling/v1");
      s.putObject("metadata").put("name", name).put("namespace", ns)
          .put("resourceVersion", workload.path("metadata").path("resourceVersion").asText());
      int n = workload.path("spec").path("replicas").asInt(1);
      s.putObject("spec").put("replicas", n);
      s.putObject("status").put("replicas", n);
      return json(200, JSON.writeValueAsString(s));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String query(String path, String key) {
    int q = path.indexOf('?');
    if (q < 0) {
      return null;
    }
    for (String p : path.substring(q + 1).split("&")) {
      if (p.startsWith(key + "=")) {
        return p.substring(key.length() + 1);
      }
    }
    return null;
  }

  /** A meta.k8s.io/v1 Table as the API server's table convertor would give for these few kinds. */
  private static ObjectNode table(JsonNode body, String includeObject, String path) {
    List<JsonNode> objects = new ArrayList<>();
    if (body.has("items")) {
      body.get("items").forEach(objects::add);
    } else {
      objects.add(body);
    }
    String resource = path.replaceAll(".*/(secrets|pods|namespaces|configmaps|deployments)(/[^/]+)?$", "$1");
    ObjectNode t = JSON.createObjectNode();
    t.put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
    t.putObject("metadata").put("resourceVersion", body.path("metadata").path("resourceVersion").asText("1"));
    ArrayNode cols = t.putArray("columnDefinitions");
    List<String> names = switch (resource) {
      case "secrets" -> List.of("Name", "Type", "Data", "Age");
      case "pods" -> List.of("Name", "Ready", "Status", "Restarts", "Age");
      case "namespaces" -> List.of("Name", "Status", "Age");
      default -> List.of("Name", "Age");
    };
    for (String n : names) {
      cols.addObject().put("name", n).put("type", n.equals("Data") || n.equals("Restarts") ? "integer" : "string")
          .put("format", n.equals("Name") ? "name" : "").put("description", n).put("priority", 0);
    }
    ArrayNode rows = t.putArray("rows");
    for (JsonNode o : objects) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      for (String n : names) {
        switch (n) {
          case "Name" -> cells.add(o.path("metadata").path("name").asText());
          case "Type" -> cells.add(o.path("type").asText("Opaque"));
          case "Data" -> cells.add(o.path("data").size());
          case "Ready" -> cells.add("1/1");
          case "Status" -> cells.add(resource.equals("namespaces") ? "Active" : "Running");
          case "Restarts" -> cells.add(0);
          default -> cells.add("<unknown>");
        }
      }
      if ("Object".equals(includeObject)) {
        ObjectNode full = o.deepCopy();
        if (!full.has("kind")) {
          full.put("kind", body.path("kind").asText("").replaceAll("List$", ""));
          full.put("apiVersion", body.path("apiVersion").asText("v1"));
        }
        row.set("object", full);
      } else if (!"None".equals(includeObject)) {
        ObjectNode meta = row.putObject("object");
        meta.put("kind", "PartialObjectMetadata").put("apiVersion", "meta.k8s.io/v1");
        meta.set("metadata", o.path("metadata").deepCopy());
      }
    }
    return t;
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json").setBody(body);
  }

  private static String resource(String name) {
    try (InputStream in = StandInApiServer.class.getResourceAsStream("/standin/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource standin/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    front.close();
    server.shutdown();
  }
}
