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
  /** A create/update/patch whose body sets privileged, hostPID, hostIPC, hostNetwork, hostPath or added capabilities. */
  PRIVILEGED_WORKLOAD("privileged-workload");

  private static final Set<String> DELETES = Set.of("delete", "deletecollection");
  private static final Set<String> WRITES = Set.of("create", "update", "patch", "delete", "deletecollection");
  private static final Set<String> READS = Set.of("get", "list", "watch");
  /** Resources whose objects carry a pod template or are pods: an unreadable body here is taken as privileged. */
  private static final Set<String> POD_BEARING = Set.of("pods", "podtemplates", "replicationcontrollers", "deployments",
      "replicasets", "statefulsets", "daemonsets", "jobs", "cronjobs");

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
      case DELETE_NAMESPACE -> r.resourceRequest() && core && res.equals("namespaces") && DELETES.contains(r.verb());
      case DELETE_NODE -> r.resourceRequest() && core && res.equals("nodes") && DELETES.contains(r.verb());
      case DELETE_CRD -> r.resourceRequest() && r.apiGroup().equals("apiextensions.k8s.io")
          && res.equals("customresourcedefinitions") && DELETES.contains(r.verb());
      case DELETE_PERSISTENT_VOLUME -> r.resourceRequest() && core
          && (res.equals("persistentvolumes") || res.equals("persistentvolumeclaims")) && DELETES.contains(r.verb());
      case IMPERSONATE -> r.impersonation()
          || (r.resourceRequest() && core && res.equals("serviceaccounts") && sub.equals("token"));
      case EXEC -> r.resourceRequest() && core && res.equals("pods") && sub.equals("exec");
      case ATTACH -> r.resourceRequest() && core && res.equals("pods") && sub.equals("attach");
      case PORTFORWARD -> r.resourceRequest() && core && res.equals("pods") && sub.equals("portforward");
      case NODE_PROXY -> r.resourceRequest() && (r.verb().equals("proxy") || (core && sub.equals("proxy")
          && (res.equals("nodes") || res.equals("pods") || res.equals("services"))));
      case DELETE -> r.resourceRequest() && r.verb().equals("delete");
      case DELETECOLLECTION -> r.resourceRequest() && r.verb().equals("deletecollection");
      case RBAC_WRITE -> r.resourceRequest() && r.apiGroup().equals("rbac.authorization.k8s.io") && WRITES.contains(r.verb());
      case SECRETS_READ -> r.resourceRequest() && core && res.equals("secrets") && READS.contains(r.verb());
      case PRIVILEGED_WORKLOAD -> r.resourceRequest() && Set.of("create", "update", "patch").contains(r.verb())
          && ((r.bodyUnreadable() && (POD_BEARING.contains(res) || !core)) || privileged(r.body()));
    };
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
        if (FLAGS.contains(k) && Boolean.TRUE.equals(v)) {
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
