package dev.gatehouse.policy;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One Kubernetes API request as the API server reads it: the fields of k8s.io/apiserver's {@code
 * RequestInfo} (verb, API group and version, namespace, resource, subresource, name), plus what the
 * judge needs besides: the HTTP method and path, whether the client asked to impersonate someone,
 * and the request body as a tree of {@code Map}, {@code List} and scalars (or {@link #bodyUnreadable}
 * when there was a body this module cannot read, e.g. protobuf).
 *
 * <p>The proxy builds it (dev.gatehouse.kube.RequestInfoParser); {@code gatehouse policy test}
 * builds it from a JSON line. This module never parses HTTP.
 */
public record KubeRequest(
    String method,
    String path,
    boolean resourceRequest,
    String verb,
    String apiGroup,
    String apiVersion,
    String namespace,
    String resource,
    String subresource,
    String name,
    List<String> parts,
    boolean impersonation,
    Object body,
    boolean bodyUnreadable) {

  public KubeRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    verb = verb == null ? "" : verb;
    apiGroup = apiGroup == null ? "" : apiGroup;
    apiVersion = apiVersion == null ? "" : apiVersion;
    namespace = namespace == null ? "" : namespace;
    resource = resource == null ? "" : resource;
    subresource = subresource == null ? "" : subresource;
    name = name == null ? "" : name;
    parts = parts == null ? List.of() : List.copyOf(parts);
  }

  /** The same request with a body (the proxy judges the path first, then reads a bounded body). */
  public KubeRequest withBody(Object newBody, boolean unreadable) {
    return new KubeRequest(method, path, resourceRequest, verb, apiGroup, apiVersion, namespace, resource, subresource,
        name, parts, impersonation, newBody, unreadable);
  }

  /** The same request, marked as carrying client {@code Impersonate-*} headers. */
  public KubeRequest withImpersonation() {
    return new KubeRequest(method, path, resourceRequest, verb, apiGroup, apiVersion, namespace, resource, subresource,
        name, parts, true, body, bodyUnreadable);
  }

  /** {@code resource} or {@code resource/subresource}, as RBAC names it. */
  public String resourcePath() {
    return subresource.isEmpty() ? resource : resource + "/" + subresource;
  }

  /**
   * Discovery: the GETs kubectl and every client make to learn the API (/api, /apis, their groups
   * and versions, /version, /openapi). Audited, never a recording marker.
   */
  public boolean discovery() {
    if (resourceRequest || !(method.equals("GET") || method.equals("HEAD"))) {
      return false;
    }
    List<String> p = segments(path);
    if (p.isEmpty()) {
      return false;
    }
    return switch (p.get(0)) {
      case "api" -> p.size() <= 2;
      case "apis" -> p.size() <= 3;
      case "version" -> p.size() == 1;
      case "openapi" -> p.size() >= 2 && (p.get(1).equals("v2") || p.get(1).equals("v3"));
      default -> false;
    };
  }

  /** Health endpoints (/healthz, /livez, /readyz and their checks): read-only, no data. */
  public boolean health() {
    if (resourceRequest || !(method.equals("GET") || method.equals("HEAD"))) {
      return false;
    }
    List<String> p = segments(path);
    return !p.isEmpty() && (p.get(0).equals("healthz") || p.get(0).equals("livez") || p.get(0).equals("readyz"));
  }

  /**
   * One line for people and agents: {@code DELETE namespaces/prod}, {@code GET secrets/db in
   * namespace app}, {@code GET /metrics} for a non-resource path.
   */
  public String describe() {
    String m = method.toUpperCase(Locale.ROOT);
    if (!resourceRequest) {
      return m + " " + path;
    }
    StringBuilder b = new StringBuilder(m).append(' ');
    if (!apiGroup.isEmpty()) {
      b.append(resource).append('.').append(apiGroup);
    } else {
      b.append(resource);
    }
    if (!name.isEmpty()) {
      b.append('/').append(name);
    }
    if (!subresource.isEmpty()) {
      b.append('/').append(subresource);
    }
    boolean namespaceItself = resource.equals("namespaces") && apiGroup.isEmpty();
    if (!namespace.isEmpty() && !namespaceItself) {
      b.append(" in namespace ").append(namespace);
    }
    return b.toString();
  }

  private static List<String> segments(String path) {
    String p = path;
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p.isEmpty() ? List.of() : List.of(p.split("/", -1));
  }
}
