package dev.gatehouse.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.policy.KubePolicy;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Benchmark harness, not a test (no test runner picks it up; bench/kube runs it): the Kubernetes
 * API proxy alone, no SSH, in one JVM with its upstream and its client.
 *
 * <ol>
 *   <li><b>Added latency.</b> A {@link FixedApiServer} serves one Pod and a PodList of 200 pods;
 *       a {@link KubeProxy} stands in front of it with a session under the built-in default
 *       kubernetes policy (the judge, Secret masking and the api-key, private-key and jwt detectors
 *       over every string of every JSON answer), reached as kubectl on the bastion reaches it
 *       ({@code /session/<token>/...}, the bearer door). One JDK HttpClient (HTTP/1.1, keep-alive,
 *       {@code Accept: application/json}) makes sequential GETs, the same client on both paths:
 *       per repeat, the pod case then the list case, each direct and through the proxy, the order
 *       of the two paths alternating from repeat to repeat. Each request is timed from send to
 *       the last byte of the body; every answer's status and length are checked.
 *   <li><b>Masking throughput.</b> The proxy's own call for a whole JSON answer, {@link
 *       ResponseMasker#maskDocument} (parse, mask, write), over a SecretList of 5,000 Secrets and,
 *       for comparison, a ConfigMapList of 5,000 ConfigMaps (the detectors only), next to the same
 *       parse and write without masking; the four interleaved, repeated. MB/s of input (10^6 bytes).
 *       The masked output is checked once before timing: every Secret value masked, every planted
 *       token gone.
 * </ol>
 *
 * <pre>
 *   java -cp CLASSPATH dev.gatehouse.kube.KubeProxyBenchMain --out results.json [--gets 1000]
 *       [--list-gets 200] [--pods 200] [--repeats 3] [--warmup-gets 2000] [--warmup-list-gets 200]
 *       [--secrets 5000] [--config-maps 5000] [--mask-repeats 3] [--mask-passes 3] [--mask-warmup 2]
 * </pre>
 *
 * Writes every measurement, with the 1-minute loadavg before and after each, to {@code --out} as
 * JSON (bench/kube_report.py makes the page), and a summary to stderr.
 */
public final class KubeProxyBenchMain {
  static final String NAMESPACE = "app";
  static final String POD_PATH = "/api/v1/namespaces/app/pods/web-0";
  static final String LIST_PATH = "/api/v1/namespaces/app/pods";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What to run; counts as on the command line. */
  record Options(int gets, int listGets, int pods, int repeats, int warmupGets, int warmupListGets, int secrets,
      int configMaps, int maskRepeats, int maskPasses, int maskWarmup, Path out) {
    Options {
      for (int n : new int[] {gets, listGets, pods, repeats, secrets, configMaps, maskRepeats, maskPasses}) {
        if (n < 1) {
          throw new IllegalArgumentException("every count must be at least 1 (warm-ups at least 0)");
        }
      }
      if (warmupGets < 0 || warmupListGets < 0 || maskWarmup < 0) {
        throw new IllegalArgumentException("warm-up counts must be at least 0");
      }
    }

    static Options parse(String[] args) {
      Map<String, String> a = new LinkedHashMap<>();
      for (int i = 0; i < args.length; i += 2) {
        if (!args[i].startsWith("--") || i + 1 >= args.length) {
          throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'");
        }
        a.put(args[i].substring(2), args[i + 1]);
      }
      Options o = new Options(num(a, "gets", 1000), num(a, "list-gets", 200), num(a, "pods", 200),
          num(a, "repeats", 3), num(a, "warmup-gets", 2000), num(a, "warmup-list-gets", 200), num(a, "secrets", 5000),
          num(a, "config-maps", 5000), num(a, "mask-repeats", 3), num(a, "mask-passes", 3), num(a, "mask-warmup", 2),
          Path.of(a.getOrDefault("out", "kube-bench.json")));
      a.keySet().removeAll(List.of("gets", "list-gets", "pods", "repeats", "warmup-gets", "warmup-list-gets", "secrets",
          "config-maps", "mask-repeats", "mask-passes", "mask-warmup", "out"));
      if (!a.isEmpty()) {
        throw new IllegalArgumentException("unknown option(s): " + a.keySet());
      }
      return o;
    }

    private static int num(Map<String, String> a, String key, int dflt) {
      String v = a.get(key);
      return v == null ? dflt : Integer.parseInt(v);
    }
  }

  private KubeProxyBenchMain() {}

  public static void main(String[] args) throws Exception {
    Options o;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("usage: KubeProxyBenchMain --out FILE [--gets N] [--list-gets N] [--pods N] [--repeats N] "
          + "[--warmup-gets N] [--warmup-list-gets N] [--secrets N] [--config-maps N] [--mask-repeats N] "
          + "[--mask-passes N] [--mask-warmup N]: " + e.getMessage());
      System.exit(64);
      return;
    }
    ObjectNode result = run(o);
    Files.writeString(o.out(), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
  }

  /** Runs both parts; the JSON written to {@code --out}. */
  static ObjectNode run(Options o) throws Exception {
    ObjectNode result = JSON.createObjectNode();
    ObjectNode jvm = result.putObject("jvm");
    jvm.put("version", System.getProperty("java.vm.name") + " " + Runtime.version());
    jvm.put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
    jvm.put("flags", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
    jvm.put("availableProcessors", Runtime.getRuntime().availableProcessors());
    result.set("options", JSON.valueToTree(Map.of("gets", o.gets(), "listGets", o.listGets(), "pods", o.pods(),
        "repeats", o.repeats(), "warmupGets", o.warmupGets(), "warmupListGets", o.warmupListGets(),
        "secrets", o.secrets(), "configMaps", o.configMaps(), "maskRepeats", o.maskRepeats(),
        "maskPasses", o.maskPasses())));
    result.put("policy", KubePolicy.BUILT_IN_DEFAULT.name());
    latency(o, result);
    masking(o, result);
    return result;
  }

  // ---- 1. added latency per request -------------------------------------------------------------

  private static void latency(Options o, ObjectNode result) throws Exception {
    SyntheticObjects objects = new SyntheticObjects(16);
    byte[] pod = objects.podDocument(NAMESPACE, "web-0");
    byte[] list = objects.podList(NAMESPACE, o.pods());
    ObjectNode docs = result.putObject("documents");
    docs.put("podBytes", pod.length).put("podListBytes", list.length).put("pods", o.pods());
    Map<Integer, Integer> proxyStatuses = new ConcurrentHashMap<>();
    try (FixedApiServer api = new FixedApiServer(Map.of(POD_PATH, pod, LIST_PATH, list));
        KubeProxy proxy = KubeProxy.start("bench-k8s", Upstream.of(URI.create(api.url()), null,
            "bench-upstream-token".getBytes(StandardCharsets.UTF_8), null, null, true, Duration.ofSeconds(5)))) {
      // The session as the gateway opens one, minus its listener's audit line and recording marker.
      String token = proxy.open(new ProxySession("bench@example.com", List.of("sre"), KubePolicy.BUILT_IN_DEFAULT,
          e -> proxyStatuses.merge(e.status(), 1, Integer::sum), null));
      Map<String, String> bases = Map.of("direct", api.url(), "proxy", proxy.sessionUrl(token));
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5)).build();

      // What each path answers, once: the proxy must hand back the same document (nothing in it to mask).
      Map<String, Integer> expectedLength = new LinkedHashMap<>();
      for (String kase : List.of("pod", "list")) {
        String path = kase.equals("pod") ? POD_PATH : LIST_PATH;
        HttpResponse<byte[]> direct = get(client, bases.get("direct") + path);
        HttpResponse<byte[]> proxied = get(client, bases.get("proxy") + path);
        if (direct.statusCode() != 200 || proxied.statusCode() != 200) {
          throw new IOException(kase + ": direct answered " + direct.statusCode() + ", the proxy " + proxied.statusCode()
              + ": " + new String(proxied.body(), StandardCharsets.UTF_8));
        }
        JsonNode d = JSON.readTree(direct.body());
        JsonNode p = JSON.readTree(proxied.body());
        if (!d.equals(p)) {
          throw new IOException(kase + ": the proxy's answer is not the upstream's document");
        }
        if (kase.equals("list") && p.path("items").size() != o.pods()) {
          throw new IOException("the list through the proxy has " + p.path("items").size() + " items, not " + o.pods());
        }
        expectedLength.put("direct-" + kase, direct.body().length);
        expectedLength.put("proxy-" + kase, proxied.body().length);
      }

      log("warm-up: %d pod GETs and %d list GETs per path", o.warmupGets(), o.warmupListGets());
      for (String path : List.of("direct", "proxy")) {
        timedGets(client, bases.get(path) + POD_PATH, o.warmupGets(), expectedLength.get(path + "-pod"));
        timedGets(client, bases.get(path) + LIST_PATH, o.warmupListGets(), expectedLength.get(path + "-list"));
      }

      ArrayNode runs = result.putArray("latencyRuns");
      for (int r = 1; r <= o.repeats(); r++) {
        List<String> order = r % 2 == 1 ? List.of("direct", "proxy") : List.of("proxy", "direct");
        for (String kase : List.of("pod", "list")) {
          int n = kase.equals("pod") ? o.gets() : o.listGets();
          for (String path : order) {
            String load = loadavg();
            long[] nanos = timedGets(client, bases.get(path) + (kase.equals("pod") ? POD_PATH : LIST_PATH), n,
                expectedLength.get(path + "-" + kase));
            ObjectNode run = runs.addObject();
            run.put("case", kase).put("path", path).put("repeat", r).put("n", n)
                .put("bytes", expectedLength.get(path + "-" + kase)).put("loadBefore", load).put("loadAfter", loadavg());
            summarize(nanos, run);
            log("repeat %d %-4s %-6s n=%d p50 %.0f us p99 %.0f us", r, kase, path, n, run.get("p50us").asDouble(),
                run.get("p99us").asDouble());
          }
        }
      }
      ObjectNode seen = result.putObject("proxyStatuses");
      proxyStatuses.forEach((k, v) -> seen.put(String.valueOf(k), v));
      if (proxyStatuses.keySet().stream().anyMatch(s -> s != 200)) {
        throw new IOException("the proxy answered other than 200: " + proxyStatuses);
      }
      result.put("upstreamRequests", api.served());
    }
  }

  private static HttpResponse<byte[]> get(HttpClient client, String url) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/json").GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /** {@code n} sequential GETs; each one's time from send to the body's last byte, in ns. */
  private static long[] timedGets(HttpClient client, String url, int n, int expectedLength)
      throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/json").GET().build();
    long[] nanos = new long[n];
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
      nanos[i] = System.nanoTime() - t0;
      if (r.statusCode() != 200 || r.body().length != expectedLength) {
        throw new IOException(url + " answered " + r.statusCode() + " with " + r.body().length + " bytes, expected 200 with "
            + expectedLength);
      }
    }
    return nanos;
  }

  private static void summarize(long[] nanos, ObjectNode into) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    into.put("p50us", rank(s, 0.50) / 1e3).put("p90us", rank(s, 0.90) / 1e3).put("p99us", rank(s, 0.99) / 1e3)
        .put("minUs", s[0] / 1e3).put("maxUs", s[s.length - 1] / 1e3)
        .put("meanUs", Arrays.stream(s).average().orElse(0) / 1e3);
  }

  /** The nearest-rank percentile of sorted values. */
  static long rank(long[] sorted, double p) {
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  // ---- 2. masking throughput --------------------------------------------------------------------

  private static void masking(Options o, ObjectNode result) throws IOException {
    SyntheticObjects objects = new SyntheticObjects(17);
    byte[] secrets = objects.secretList(NAMESPACE, o.secrets());
    byte[] configMaps = objects.configMapList(NAMESPACE, o.configMaps());
    KubePolicy policy = KubePolicy.BUILT_IN_DEFAULT;
    ResponseMasker masker = new ResponseMasker(policy.maskSecrets(), policy.detectors());
    ObjectNode lists = result.putObject("maskLists");
    lists.putObject("secrets").put("items", o.secrets()).put("bytes", secrets.length)
        .put("secretContext", true);
    lists.putObject("configMaps").put("items", o.configMaps()).put("bytes", configMaps.length)
        .put("secretContext", false).put("plantedTokens", objects.planted.size());
    lists.put("detectors", String.join(",", policy.detectors())).put("maskSecrets", policy.maskSecrets());
    checkSecretsMasked(masker.maskDocument(secrets, true), o.secrets());
    checkTokensMasked(configMaps, masker.maskDocument(configMaps, false), objects.planted);

    record Variant(String list, String op, byte[] input, boolean secretContext) {}
    List<Variant> variants = List.of(new Variant("secrets", "mask", secrets, true),
        new Variant("secrets", "parse+write", secrets, true), new Variant("configMaps", "mask", configMaps, false),
        new Variant("configMaps", "parse+write", configMaps, false));
    log("masking: %d Secrets (%d bytes), %d ConfigMaps (%d bytes); warm-up %d passes each", o.secrets(),
        secrets.length, o.configMaps(), configMaps.length, o.maskWarmup());
    long sink = 0;
    for (Variant v : variants) {
      for (int i = 0; i < o.maskWarmup(); i++) {
        sink += pass(masker, v.op(), v.input(), v.secretContext());
      }
    }
    ArrayNode runs = result.putArray("maskRuns");
    for (int r = 1; r <= o.maskRepeats(); r++) {
      List<Variant> order = new java.util.ArrayList<>(variants);
      if (r % 2 == 0) {
        java.util.Collections.reverse(order);
      }
      for (Variant v : order) {
        String load = loadavg();
        long gc0 = gcMillis();
        long t0 = System.nanoTime();
        for (int i = 0; i < o.maskPasses(); i++) {
          sink += pass(masker, v.op(), v.input(), v.secretContext());
        }
        long ns = System.nanoTime() - t0;
        double mbps = (double) v.input().length * o.maskPasses() / (ns / 1e9) / 1e6;
        runs.addObject().put("list", v.list()).put("op", v.op()).put("repeat", r).put("passes", o.maskPasses())
            .put("seconds", ns / 1e9).put("mbPerS", mbps).put("gcMillis", gcMillis() - gc0)
            .put("loadBefore", load).put("loadAfter", loadavg());
        log("repeat %d %-10s %-11s %.1f MB/s", r, v.list(), v.op(), mbps);
      }
    }
    result.put("outputBytesSeen", sink); // keeps the work observable
  }

  private static int pass(ResponseMasker masker, String op, byte[] input, boolean secretContext) throws IOException {
    return op.equals("mask")
        ? masker.maskDocument(input, secretContext).length
        : JSON.writeValueAsBytes(JSON.readTree(input)).length;
  }

  /** Every Secret's data, and the data in its last-applied annotation, is the mask and nothing else. */
  private static void checkSecretsMasked(byte[] masked, int expected) throws IOException {
    JsonNode items = JSON.readTree(masked).path("items");
    if (items.size() != expected) {
      throw new IOException("masked SecretList has " + items.size() + " items, not " + expected);
    }
    for (JsonNode s : items) {
      requireMasked(s.path("data"), s);
      JsonNode last = s.path("metadata").path("annotations").path(ResponseMasker.LAST_APPLIED);
      if (!last.isMissingNode()) {
        requireMasked(JSON.readTree(last.asText()).path("data"), s);
      }
    }
  }

  private static void requireMasked(JsonNode data, JsonNode secret) throws IOException {
    if (data.isEmpty()) {
      throw new IOException("a Secret without data in the bench's list: " + secret.path("metadata").path("name"));
    }
    for (JsonNode value : data) {
      if (!value.asText().equals(ResponseMasker.MASK_BASE64)) {
        throw new IOException("an unmasked value in Secret " + secret.path("metadata").path("name"));
      }
    }
  }

  /** The planted tokens are in the input and none is left in the output (all share two prefixes). */
  private static void checkTokensMasked(byte[] input, byte[] masked, List<String> planted) throws IOException {
    String in = new String(input, StandardCharsets.UTF_8);
    String out = new String(masked, StandardCharsets.UTF_8);
    List<String> prefixes = List.of("ghp_", "eyJhbGciOiJSUzI1NiJ9.");
    int found = 0;
    for (String prefix : prefixes) {
      found += occurrences(in, prefix);
      if (out.contains(prefix)) {
        throw new IOException("a planted token (" + prefix + "...) survived masking");
      }
    }
    if (planted.isEmpty() || found < planted.size()) {
      throw new IOException("the ConfigMapList lacks its planted tokens (" + found + " of " + planted.size() + ")");
    }
  }

  private static int occurrences(String text, String s) {
    int n = 0;
    for (int i = text.indexOf(s); i >= 0; i = text.indexOf(s, i + 1)) {
      n++;
    }
    return n;
  }

  private static long gcMillis() {
    long sum = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      sum += Math.max(0, gc.getCollectionTime());
    }
    return sum;
  }

  /** The three loadavg figures, or "n/a" where /proc is not there. */
  static String loadavg() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | ArrayIndexOutOfBoundsException e) {
      return "n/a";
    }
  }

  private static void log(String format, Object... args) {
    System.err.printf("[kube-bench] " + format + "%n", args);
  }
}
