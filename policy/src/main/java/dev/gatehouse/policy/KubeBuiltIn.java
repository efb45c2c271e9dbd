package dev.gatehouse.policy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The built-in classes of Kubernetes requests that a {@code type: kubernetes} policy blocks or
 * reviews by name ({@code block: [delete-namespace]}). Each matches on the request as the API server
 * reads it (verb, group, resource, subresource) and, for {@code privileged-workload}, on the body.
 */
public enum KubeBuiltIn {
  DELETE_NAMESPACE("delete-namespace"),
  DELETE_NODE("delete-node"),
  DELETE_CRD("delete-crd"),
  /** PersistentVolumes and PersistentVolumeClaims: with a Delete reclaim policy the data goes too. */
  DELETE_PERSISTENT_VOLUME("delete-persistent-volume"),
  /** Client Impersonate-* headers, and minting a service account's token (serviceaccounts/token). */
  IMPERSONATE("impersonate"),
  EXEC("exec"),
  ATTACH("attach"),
  PORTFORWARD("portforward"),
  /** The API server as a proxy into the cluster: nodes/proxy, pods/proxy, services/proxy, the proxy verb. */
  NODE_PROXY("node-proxy"),
  DELETE("delete"),
  DELETECOLLECTION("deletecollection"),
  /** create/update/patch/delete of anything in rbac.authorization.k8s.io. */
  RBAC_WRITE("rbac-write"),
  /** get/list/watch of Secrets (values are masked all the same when mask.secrets is on). */
  SECRETS_READ("secrets-read"),
  /**
   * A create/update/patch whose body sets privileged, hostPID, hostIPC or hostNetwork to anything
   * but false, a hostPath, or added capabilities.
   */
  PRIVILEGED_WORKLOAD("privileged-workload");

  private static final Set<String> DELETES = Set.of("delete", "deletecollection");
  private static final Set<String> WRITES = Set.of("create", "update", "patch", "delete", "deletecollection");
  private static final Set<String> READS = Set.of("get", "list", "watch");
  /** Resources whose objects carry a pod template or are pods: an unreadable body here is taken as privileged. */
  private static final Set<String> POD_BEARING = Set.of("pods", "podtemplates", "replicationcontrollers", "deployments",
      "replicasets", "statefulsets", "daemonsets", "jobs", "cronjobs");

  private static final Set<String> UPDATES = Set.of("update", "patch");

  private final String label;

  KubeBuiltIn(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  public static Optional<KubeBuiltIn> byLabel(String label) {
    return Arrays.stream(values()).filter(b -> b.label.equals(label)).findFirst();
  }

  public static List<String> labels() {
    return Arrays.stream(values()).map(KubeBuiltIn::label).toList();
  }

  /** Whether {@code r} belongs to this class. */
  public boolean matches(KubeRequest r) {
    boolean core = r.apiGroup().isEmpty();
    String res = r.resource();
    String sub = r.subresource();
    return switch (this) {
      case DELETE_NAMESPACE -> r.resourceRequest() && core && res.equals("namespaces") && deletes(r);
      case DELETE_NODE -> r.resourceRequest() && core && res.equals("nodes") && deletes(r);
      case DELETE_CRD -> r.resourceRequest() && r.apiGroup().equals("apiextensions.k8s.io")
          && res.equals("customresourcedefinitions") && deletes(r);
      case DELETE_PERSISTENT_VOLUME -> r.resourceRequest() && core
          && (res.equals("persistentvolumes") || res.equals("persistentvolumeclaims")) && deletes(r);
      case IMPERSONATE -> r.impersonation()
          || (r.resourceRequest() && core && res.equals("serviceaccounts") && sub.equals("token"));
      // kubectl debug adds an ephemeral container: a command run inside the pod, as exec runs one.
      case EXEC -> r.resourceRequest() && core && res.equals("pods") && (sub.equals("exec")
          || (sub.equals("ephemeralcontainers") && UPDATES.contains(r.verb())));
      case ATTACH -> r.resourceRequest() && core && res.equals("pods") && sub.equals("attach");
      case PORTFORWARD -> r.resourceRequest() && core && res.equals("pods") && sub.equals("portforward");
      case NODE_PROXY -> r.resourceRequest() && (r.verb().equals("proxy") || (core && sub.equals("proxy")
          && (res.equals("nodes") || res.equals("pods") || res.equals("services"))));
      case DELETE -> r.resourceRequest() && (r.verb().equals("delete") || eviction(r));
      case DELETECOLLECTION -> r.resourceRequest() && r.verb().equals("deletecollection");
      case RBAC_WRITE -> r.resourceRequest() && r.apiGroup().equals("rbac.authorization.k8s.io") && WRITES.contains(r.verb());
      case SECRETS_READ -> r.resourceRequest() && core && res.equals("secrets") && READS.contains(r.verb());
      case PRIVILEGED_WORKLOAD -> r.resourceRequest() && Set.of("create", "update", "patch").contains(r.verb())
          && ((r.bodyUnreadable() && (POD_BEARING.contains(res) || !core)) || privileged(r.body()));
    };
  }

  /** An Eviction (what kubectl drain sends) deletes its pod: a create of pods/NAME/eviction. */
  private static boolean eviction(KubeRequest r) {
    return r.apiGroup().isEmpty() && r.resource().equals("pods") && r.subresource().equals("eviction")
        && r.verb().equals("create");
  }

  /**
   * The delete of an object, or an update/patch that hands it to the garbage collector: an owner
   * reference (to an owner that does not exist, or is deleted later) gets the object deleted by the
   * cluster. An update or patch whose body cannot be read counts as one.
   */
  private static boolean deletes(KubeRequest r) {
    if (DELETES.contains(r.verb())) {
      return true;
    }
    return UPDATES.contains(r.verb()) && (r.bodyUnreadable() || setsOwnerReferences(r.body()));
  }

  /**
   * Whether a body (an object, a merge or strategic-merge patch, or a JSON patch's operations)
   * sets {@code metadata.ownerReferences} to anything but null or an empty list.
   */
  static boolean setsOwnerReferences(Object body) {
    if (body instanceof Map<?, ?> m && m.get("metadata") instanceof Map<?, ?> meta && meta.containsKey("ownerReferences")) {
      Object refs = meta.get("ownerReferences");
      return refs != null && !(refs instanceof List<?> l && l.isEmpty());
    }
    if (body instanceof List<?> ops) {
      for (Object o : ops) {
        if (o instanceof Map<?, ?> op && op.get("path") instanceof String path
            && path.startsWith("/metadata/ownerReferences") && !"remove".equals(op.get("op")) && !"test".equals(op.get("op"))) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Whether a body (an object, a strategic-merge or merge patch, or a JSON patch's operations) sets
   * any privilege anywhere in it: {@code privileged}, {@code hostPID}, {@code hostIPC}, {@code
   * hostNetwork} true, a {@code hostPath} volume, or {@code capabilities.add}. Searched everywhere, not
   * at known paths, so pod templates inside custom resources count too.
   */
  static boolean privileged(Object node) {
    if (node instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        String k = String.valueOf(e.getKey());
        Object v = e.getValue();
        // Anything but false or absent counts: the API server's YAML reads y, yes, on (and their
        // capitals) as true where a JSON reader sees a string.
        if (FLAGS.contains(k) && v != null && !Boolean.FALSE.equals(v)) {
          return true;
        }
        if (k.equals("hostPath") && v != null) {
          return true;
        }
        if (k.equals("capabilities") && v instanceof Map<?, ?> caps && caps.get("add") instanceof List<?> add && !add.isEmpty()) {
          return true;
        }
        if (k.equals("path") && v instanceof String p && m.containsKey("op") && jsonPatchSetsPrivilege(p, m.get("value"))) {
          return true;
        }
        if (privileged(v)) {
          return true;
        }
      }
      return false;
    }
    if (node instanceof List<?> l) {
      for (Object o : l) {
        if (privileged(o)) {
          return true;
        }
      }
    }
    return false;
  }

  private static final Set<String> FLAGS = Set.of("privileged", "hostPID", "hostIPC", "hostNetwork");

  /** A JSON patch operation ({@code {"op":"add","path":"/spec/hostNetwork","value":true}}). */
  private static boolean jsonPatchSetsPrivilege(String path, Object value) {
    String last = path.substring(path.lastIndexOf('/') + 1);
    if (FLAGS.contains(last) && !Boolean.FALSE.equals(value)) {
      return true;
    }
    return path.contains("/hostPath") || path.contains("/capabilities/add") || (last.equals("capabilities") && value != null);
  }
}
