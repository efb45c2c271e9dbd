package dev.gatehouse.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Pods, Secrets and ConfigMaps shaped as kube-apiserver returns them in JSON (metadata with uid,
 * resourceVersion, labels, ownerReferences and managedFields; a pod's spec and status as a
 * Deployment's pod has them), generated from a seed so every run measures the same bytes. For
 * bench/kube only: the upstream's documents and the lists to mask.
 *
 * <p>Secrets carry 2–5 keys of 32–2,000 bytes each before base64 (passwords, tokens, and one Secret
 * in five a TLS pair of PEM size); one Secret or ConfigMap in four has kubectl's
 * last-applied-configuration annotation, which repeats the whole manifest (values included) as
 * JSON text, as {@code kubectl apply} leaves it. One ConfigMap in twenty has a token or a JWT in a
 * value, for the content detectors to find ({@link #planted}).
 */
final class SyntheticObjects {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] WORDS = ("server listen port timeout retries upstream cache size log level info "
      + "debug worker threads queue max min connect read write pool host path enabled feature flag region "
      + "replicas metrics endpoint interval seconds bytes limit batch").split(" ");
  private static final String B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private final Random random;
  /** The secret-looking strings put into ConfigMaps, which masking must remove. */
  final List<String> planted = new ArrayList<>();

  SyntheticObjects(long seed) {
    this.random = new Random(seed);
  }

  // ---- pods -------------------------------------------------------------------------------------

  /** A PodList of {@code n} pods of one Deployment in {@code namespace}. */
  byte[] podList(String namespace, int n) {
    ObjectNode list = JSON.createObjectNode();
    list.put("kind", "PodList").put("apiVersion", "v1");
    list.putObject("metadata").put("resourceVersion", "48213977");
    ArrayNode items = list.putArray("items");
    for (int i = 0; i < n; i++) {
      ObjectNode p = pod(namespace, "web-7c9f8d6b5-" + suffix(i));
      p.remove("kind");
      p.remove("apiVersion"); // items of a list carry no kind, as the API server writes them
      items.add(p);
    }
    return bytes(list);
  }

  byte[] podDocument(String namespace, String name) {
    return bytes(pod(namespace, name));
  }

  private ObjectNode pod(String namespace, String name) {
    ObjectNode p = JSON.createObjectNode();
    p.put("kind", "Pod").put("apiVersion", "v1");
    ObjectNode meta = metadata(p, namespace, name);
    meta.put("generateName", "web-7c9f8d6b5-");
    meta.putObject("labels").put("app", "web").put("pod-template-hash", "7c9f8d6b5").put("tier", "frontend");
    meta.putArray("ownerReferences").addObject().put("apiVersion", "apps/v1").put("kind", "ReplicaSet")
        .put("name", "web-7c9f8d6b5").put("uid", uid()).put("controller", true).put("blockOwnerDeletion", true);
    ArrayNode managed = meta.putArray("managedFields");
    ObjectNode m1 = managed.addObject().put("manager", "kube-controller-manager").put("operation", "Update")
        .put("apiVersion", "v1").put("time", "2026-11-28T10:15:02Z").put("fieldsType", "FieldsV1");
    ObjectNode f1 = m1.putObject("fieldsV1");
    f1.putObject("f:metadata").putObject("f:labels").putObject("f:app");
    f1.putObject("f:spec").putObject("f:containers").putObject("k:{\"name\":\"web\"}").putObject("f:image");
    ObjectNode m2 = managed.addObject().put("manager", "kubelet").put("operation", "Update").put("apiVersion", "v1")
        .put("time", "2026-11-28T10:15:09Z").put("fieldsType", "FieldsV1").put("subresource", "status");
    m2.putObject("fieldsV1").putObject("f:status").putObject("f:conditions").putObject("k:{\"type\":\"Ready\"}")
        .putObject("f:status");

    ObjectNode spec = p.putObject("spec");
    ObjectNode c = spec.putArray("containers").addObject();
    c.put("name", "web").put("image", "registry.example.com/shop/web:1.42.3").put("imagePullPolicy", "IfNotPresent");
    c.putArray("ports").addObject().put("name", "http").put("containerPort", 8080).put("protocol", "TCP");
    ArrayNode env = c.putArray("env");
    for (String[] kv : new String[][] {{"LOG_LEVEL", "info"}, {"HTTP_PORT", "8080"}, {"REGION", "eu-central-1"},
        {"CACHE_URL", "redis://cache.app.svc:6379/0"}, {"FEATURE_FLAGS", "checkout-v2,search-beta"}}) {
      env.addObject().put("name", kv[0]).put("value", kv[1]);
    }
    env.addObject().put("name", "DB_PASSWORD").putObject("valueFrom").putObject("secretKeyRef").put("name", "db")
        .put("key", "password");
    ObjectNode res = c.putObject("resources");
    res.putObject("limits").put("cpu", "500m").put("memory", "512Mi");
    res.putObject("requests").put("cpu", "100m").put("memory", "256Mi");
    ObjectNode probe = c.putObject("readinessProbe");
    probe.putObject("httpGet").put("path", "/healthz").put("port", 8080).put("scheme", "HTTP");
    probe.put("periodSeconds", 10).put("timeoutSeconds", 1).put("successThreshold", 1).put("failureThreshold", 3);
    c.putArray("volumeMounts").addObject().put("name", "kube-api-access-" + suffix(random.nextInt(10_000)))
        .put("readOnly", true).put("mountPath", "/var/run/secrets/kubernetes.io/serviceaccount");
    c.put("terminationMessagePath", "/dev/termination-log").put("terminationMessagePolicy", "File");
    spec.put("restartPolicy", "Always").put("terminationGracePeriodSeconds", 30).put("dnsPolicy", "ClusterFirst")
        .put("serviceAccountName", "web").put("serviceAccount", "web").put("nodeName", "node-" + random.nextInt(40))
        .put("schedulerName", "default-scheduler").put("priority", 0).put("enableServiceLinks", true)
        .put("preemptionPolicy", "PreemptLowerPriority");
    spec.putObject("securityContext");
    ArrayNode tol = spec.putArray("tolerations");
    for (String t : new String[] {"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"}) {
      tol.addObject().put("key", t).put("operator", "Exists").put("effect", "NoExecute").put("tolerationSeconds", 300);
    }
    ObjectNode vol = spec.putArray("volumes").addObject().put("name", "kube-api-access-x7k2p");
    ArrayNode sources = vol.putObject("projected").put("defaultMode", 420).putArray("sources");
    sources.addObject().putObject("serviceAccountToken").put("expirationSeconds", 3607).put("path", "token");
    sources.addObject().putObject("configMap").put("name", "kube-root-ca.crt").putArray("items").addObject()
        .put("key", "ca.crt").put("path", "ca.crt");

    ObjectNode status = p.putObject("status");
    status.put("phase", "Running");
    ArrayNode conds = status.putArray("conditions");
    for (String t : new String[] {"PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"}) {
      conds.addObject().put("type", t).put("status", "True").putNull("lastProbeTime")
          .put("lastTransitionTime", "2026-11-28T10:15:0" + random.nextInt(10) + "Z");
    }
    String ip = "10.244." + random.nextInt(256) + "." + random.nextInt(256);
    status.put("hostIP", "10.0.3." + random.nextInt(256)).put("podIP", ip).put("startTime", "2026-11-28T10:15:02Z");
    status.putArray("podIPs").addObject().put("ip", ip);
    ObjectNode cs = status.putArray("containerStatuses").addObject();
    cs.put("name", "web").put("ready", true).put("restartCount", random.nextInt(3)).put("started", true)
        .put("image", "registry.example.com/shop/web:1.42.3")
        .put("imageID", "registry.example.com/shop/web@sha256:" + hex(64))
        .put("containerID", "containerd://" + hex(64));
    cs.putObject("state").putObject("running").put("startedAt", "2026-11-28T10:15:08Z");
    cs.putObject("lastState");
    status.put("qosClass", "Burstable");
    return p;
  }

  // ---- secrets and config maps ------------------------------------------------------------------

  /** A SecretList of {@code n} Secrets (items without kind, as the API server writes them). */
  byte[] secretList(String namespace, int n) {
    return list("SecretList", namespace, n, true);
  }

  /** A ConfigMapList of {@code n} ConfigMaps; some values hold a planted token ({@link #planted}). */
  byte[] configMapList(String namespace, int n) {
    return list("ConfigMapList", namespace, n, false);
  }

  private byte[] list(String kind, String namespace, int n, boolean secrets) {
    ObjectNode list = JSON.createObjectNode();
    list.put("kind", kind).put("apiVersion", "v1");
    list.putObject("metadata").put("resourceVersion", "48213977");
    ArrayNode items = list.putArray("items");
    for (int i = 0; i < n; i++) {
      items.add(secrets ? secret(namespace, "app-secret-" + i) : configMap(namespace, "app-config-" + i, i));
    }
    return bytes(list);
  }

  private ObjectNode secret(String namespace, String name) {
    ObjectNode s = JSON.createObjectNode();
    ObjectNode meta = metadata(s, namespace, name);
    meta.putObject("labels").put("app", "web").put("app.kubernetes.io/managed-by", "kubectl");
    ObjectNode data = JSON.createObjectNode();
    boolean tls = random.nextInt(5) == 0;
    if (tls) {
      data.put("tls.crt", b64(pem("CERTIFICATE", 1_100 + random.nextInt(700))));
      data.put("tls.key", b64(pem("PRIVATE KEY", 1_600 + random.nextInt(300))));
      s.put("type", "kubernetes.io/tls");
    } else {
      int keys = 2 + random.nextInt(4);
      String[] names = {"username", "password", "api-token", "client-secret", "config.json"};
      for (int k = 0; k < keys; k++) {
        data.put(names[k], b64(randomText(valueLength(), ALNUM)));
      }
      s.put("type", "Opaque");
    }
    s.set("data", data);
    managedBy(meta, "data");
    if (random.nextInt(4) == 0) {
      lastApplied(meta, "Secret", namespace, name, "data", data);
    }
    return s;
  }

  private ObjectNode configMap(String namespace, String name, int index) {
    ObjectNode c = JSON.createObjectNode();
    ObjectNode meta = metadata(c, namespace, name);
    meta.putObject("labels").put("app", "web").put("app.kubernetes.io/managed-by", "kubectl");
    ObjectNode data = JSON.createObjectNode();
    int keys = 2 + random.nextInt(4);
    String[] names = {"app.properties", "logging.yaml", "nginx.conf", "features.json", "README"};
    for (int k = 0; k < keys; k++) {
      data.put(names[k], configText(valueLength()));
    }
    if (index % 20 == 7) {
      String token = random.nextBoolean()
          ? "ghp_" + randomText(36, ALNUM)
          : "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ3ZWIiLCJleHAiOjE3OTk5OTk5OTl9." + randomText(43, ALNUM);
      planted.add(token);
      data.put("app.properties", data.path("app.properties").asText() + "\nupstream.auth=" + token + "\n");
    }
    c.set("data", data);
    managedBy(meta, "data");
    if (random.nextInt(4) == 0) {
      lastApplied(meta, "ConfigMap", namespace, name, "data", data);
    }
    return c;
  }

  /** 32–2,000 bytes, most values short (passwords, ids), some long (certificates, config files). */
  private int valueLength() {
    return (int) Math.round(32 * Math.pow(2_000.0 / 32, random.nextDouble()));
  }

  private String configText(int length) {
    StringBuilder b = new StringBuilder(length + 32);
    while (b.length() < length) {
      b.append(WORDS[random.nextInt(WORDS.length)]).append('.').append(WORDS[random.nextInt(WORDS.length)])
          .append(" = ").append(random.nextInt(4) == 0 ? String.valueOf(random.nextInt(10_000)) : WORDS[random.nextInt(WORDS.length)])
          .append('\n');
    }
    return b.substring(0, length);
  }

  private String pem(String label, int bodyLength) {
    StringBuilder b = new StringBuilder("-----BEGIN " + label + "-----\n");
    String body = randomText(bodyLength, B64);
    for (int i = 0; i < body.length(); i += 64) {
      b.append(body, i, Math.min(body.length(), i + 64)).append('\n');
    }
    return b.append("-----END ").append(label).append("-----\n").toString();
  }

  private ObjectNode metadata(ObjectNode o, String namespace, String name) {
    ObjectNode meta = o.putObject("metadata");
    meta.put("name", name).put("namespace", namespace).put("uid", uid())
        .put("resourceVersion", String.valueOf(40_000_000 + random.nextInt(9_000_000)))
        .put("creationTimestamp", "2026-11-" + (10 + random.nextInt(18)) + "T0" + random.nextInt(10) + ":12:44Z");
    return meta;
  }

  private static void managedBy(ObjectNode meta, String field) {
    ObjectNode m = meta.putArray("managedFields").addObject().put("manager", "kubectl-client-side-apply")
        .put("operation", "Update").put("apiVersion", "v1").put("time", "2026-11-28T09:02:11Z")
        .put("fieldsType", "FieldsV1");
    ObjectNode f = m.putObject("fieldsV1");
    f.putObject("f:" + field);
    f.putObject("f:metadata").putObject("f:annotations").putObject("f:kubectl.kubernetes.io/last-applied-configuration");
  }

  private static void lastApplied(ObjectNode meta, String kind, String namespace, String name, String field,
      ObjectNode values) {
    ObjectNode m = JSON.createObjectNode();
    m.put("apiVersion", "v1").put("kind", kind);
    m.putObject("metadata").put("name", name).put("namespace", namespace);
    m.set(field, values.deepCopy());
    try {
      meta.putObject("annotations").put(ResponseMasker.LAST_APPLIED, JSON.writeValueAsString(m) + "\n");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a tree always serializes", e);
    }
  }

  private String uid() {
    return new UUID(random.nextLong(), random.nextLong()).toString();
  }

  private String hex(int n) {
    return randomText(n, "0123456789abcdef");
  }

  private String randomText(int n, String alphabet) {
    char[] c = new char[n];
    for (int i = 0; i < n; i++) {
      c[i] = alphabet.charAt(random.nextInt(alphabet.length()));
    }
    return new String(c);
  }

  private static String suffix(int i) {
    return Integer.toString(46_656 + i, 36); // five characters, as a ReplicaSet's pod names have
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] bytes(ObjectNode o) {
    try {
      return JSON.writeValueAsBytes(o);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a tree always serializes", e);
    }
  }
}
