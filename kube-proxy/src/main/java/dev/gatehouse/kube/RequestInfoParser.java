package dev.gatehouse.kube;

import dev.gatehouse.policy.KubeRequest;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a request line as the Kubernetes API server's {@code RequestInfoFactory} (k8s.io/apiserver,
 * endpoints/request/requestinfo.go) does, so the proxy judges what the server will act on:
 *
 * <ul>
 *   <li>the path is percent-decoded (as Go's {@code url.URL.Path}), trimmed of {@code /} at both
 *       ends and split at {@code /}; fewer than three parts, or a first part other than {@code api}
 *       / {@code apis}, is a non-resource request whose verb is the lower-case method;
 *   <li>{@code /api/{version}/...} has no group; {@code /apis/{group}/{version}/...} needs four
 *       parts or is non-resource;
 *   <li>{@code watch} and {@code proxy} right after the version are verbs taken from the path (and
 *       need a part after them); otherwise POST is create, GET/HEAD get, PUT update, PATCH patch,
 *       DELETE delete, any other method no verb;
 *   <li>{@code namespaces/{ns}} sets the namespace and, when a part follows that is not {@code
 *       status} or {@code finalize}, what follows is the resource; the parts are then resource,
 *       name, subresource (no subresource for {@code proxy});
 *   <li>a get without a name is {@code list}, or {@code watch} when the first {@code watch} query
 *       value is anything but {@code false}/{@code 0}; its name comes from a {@code fieldSelector}
 *       that requires {@code metadata.name} to equal a valid path segment; a delete without a name
 *       is {@code deletecollection}.
 * </ul>
 *
 * <p>Stricter than the server where a proxy must be (never forward what cannot be read exactly):
 * a path with an invalid escape, a control character, an empty, {@code .} or {@code ..} segment, or
 * an escaped {@code /} inside a segment is refused, as is a special verb with nothing after it.
 */
public final class RequestInfoParser {
  private static final Set<String> API_PREFIXES = Set.of("api", "apis");
  private static final Set<String> GROUPLESS_PREFIXES = Set.of("api");
  private static final Set<String> SPECIAL_VERBS = Set.of("proxy", "watch");
  private static final Set<String> SPECIAL_VERBS_NO_SUBRESOURCES = Set.of("proxy");
  private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

  /** A request line the proxy cannot read exactly: never forwarded. */
  public static final class Unparseable extends Exception {
    public Unparseable(String message) {
      super(message);
    }
  }

  private RequestInfoParser() {}

  /**
   * Parses {@code method} and the raw (still percent-encoded) {@code rawPath} and {@code rawQuery}
   * (null when absent) of one request.
   */
  public static KubeRequest parse(String method, String rawPath, String rawQuery) throws Unparseable {
    if (method == null || method.isEmpty() || !method.chars().allMatch(c -> c >= 'A' && c <= 'Z')) {
      throw new Unparseable("method '" + method + "' is not an HTTP method");
    }
    if (rawPath == null || !rawPath.startsWith("/")) {
      throw new Unparseable("the path must start with /");
    }
    List<String> parts = splitPath(rawPath);
    String path = decodedPath(rawPath);
    String verb = method.toLowerCase(Locale.ROOT);
    if (parts.size() < 3 || !API_PREFIXES.contains(parts.get(0))) {
      return nonResource(method, path, verb);
    }
    String apiPrefix = parts.get(0);
    List<String> current = parts.subList(1, parts.size());
    String group = "";
    if (!GROUPLESS_PREFIXES.contains(apiPrefix)) {
      if (current.size() < 3) {
        return nonResource(method, path, verb);
      }
      group = current.get(0);
      current = current.subList(1, current.size());
    }
    String version = current.get(0);
    current = current.subList(1, current.size());
    if (SPECIAL_VERBS.contains(current.get(0))) {
      if (current.size() < 2) {
        throw new Unparseable("unable to determine kind and namespace from " + path);
      }
      verb = current.get(0);
      current = current.subList(1, current.size());
    } else {
      verb = switch (method) {
        case "POST" -> "create";
        case "GET", "HEAD" -> "get";
        case "PUT" -> "update";
        case "PATCH" -> "patch";
        case "DELETE" -> "delete";
        default -> "";
      };
    }
    String namespace = "";
    if (current.get(0).equals("namespaces")) {
      if (current.size() > 1) {
        namespace = current.get(1);
        if (current.size() > 2 && !NAMESPACE_SUBRESOURCES.contains(current.get(2))) {
          current = current.subList(2, current.size());
        }
      }
    }
    String resource = "";
    String name = "";
    String subresource = "";
    if (current.size() >= 3 && !SPECIAL_VERBS_NO_SUBRESOURCES.contains(verb)) {
      subresource = current.get(2);
    }
    if (current.size() >= 2) {
      name = current.get(1);
    }
    if (current.size() >= 1) {
      resource = current.get(0);
    }
    if (name.isEmpty() && verb.equals("get")) {
      Map<String, List<String>> query = query(rawQuery);
      List<String> watch = query.getOrDefault("watch", List.of());
      if (!watch.isEmpty()) {
        String w = watch.get(0).toLowerCase(Locale.ROOT);
        verb = w.equals("false") || w.equals("0") ? "list" : "watch";
      } else {
        verb = "list";
      }
      if (listOptionsDecode(query)) {
        List<String> fs = query.getOrDefault("fieldSelector", List.of());
        if (!fs.isEmpty()) {
          String selected = FieldSelector.exactMatch(fs.get(0), "metadata.name");
          if (selected != null && validPathSegmentName(selected)) {
            name = selected;
          }
        }
      }
    }
    if (name.isEmpty() && verb.equals("delete")) {
      verb = "deletecollection";
    }
    return new KubeRequest(method, path, true, verb, group, version, namespace, resource, subresource, name,
        List.copyOf(current), false, null, false);
  }

  private static KubeRequest nonResource(String method, String path, String verb) {
    return new KubeRequest(method, path, false, verb, "", "", "", "", "", "", List.of(), false, null, false);
  }

  /**
   * Whether the query decodes as the server's ListOptions would: a fieldSelector that does not
   * parse, or a limit/timeoutSeconds that is no integer, makes the server ignore the field selector's
   * name (it logs "Couldn't parse request" and keeps only the watch flag). A labelSelector is not
   * checked here: a bad one fails the request at the server.
   */
  private static boolean listOptionsDecode(Map<String, List<String>> query) {
    for (String intParam : List.of("limit", "timeoutSeconds")) {
      List<String> v = query.get(intParam);
      if (v != null && !v.isEmpty()) {
        try {
          Long.parseLong(v.get(0));
        } catch (NumberFormatException e) {
          return false;
        }
      }
    }
    List<String> fs = query.get("fieldSelector");
    return fs == null || fs.isEmpty() || FieldSelector.parses(fs.get(0));
  }

  /** k8s.io/apimachinery path.IsValidPathSegmentName: not . or .., no / or %. */
  static boolean validPathSegmentName(String name) {
    return !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0 && name.indexOf('%') < 0;
  }

  /** The decoded path segments, strict: see the class comment. */
  static List<String> splitPath(String rawPath) throws Unparseable {
    String trimmed = rawPath;
    int start = 0;
    int end = trimmed.length();
    while (start < end && trimmed.charAt(start) == '/') {
      start++;
    }
    while (end > start && trimmed.charAt(end - 1) == '/') {
      end--;
    }
    trimmed = trimmed.substring(start, end);
    if (trimmed.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String raw : trimmed.split("/", -1)) {
      String seg = unescape(raw, false);
      if (seg.isEmpty()) {
        throw new Unparseable("empty path segment in " + rawPath);
      }
      if (seg.equals(".") || seg.equals("..")) {
        throw new Unparseable("dot segment in " + rawPath);
      }
      if (seg.indexOf('/') >= 0) {
        throw new Unparseable("escaped / in a path segment of " + rawPath);
      }
      out.add(seg);
    }
    return Collections.unmodifiableList(out);
  }

  private static String decodedPath(String rawPath) throws Unparseable {
    return unescape(rawPath, false);
  }

  /** Go's url.ParseQuery as Request.URL.Query() uses it: bad pairs (a ';' or a bad escape) are dropped. */
  static Map<String, List<String>> query(String rawQuery) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return out;
    }
    for (String pair : rawQuery.split("&", -1)) {
      if (pair.isEmpty() || pair.indexOf(';') >= 0) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        out.computeIfAbsent(unescape(k, true), x -> new ArrayList<>()).add(unescape(v, true));
      } catch (Unparseable e) {
        // dropped, as Go drops it
      }
    }
    return out;
  }

  /** Percent-decoding as Go's url.unescape: {@code +} is a space only in a query. */
  static String unescape(String s, boolean query) throws Unparseable {
    ByteArrayOutputStream b = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length() || hex(s.charAt(i + 1)) < 0 || hex(s.charAt(i + 2)) < 0) {
          throw new Unparseable("invalid escape in " + s);
        }
        b.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
        i += 2;
      } else if (c == '+' && query) {
        b.write(' ');
      } else if (c < 0x20 || c == 0x7f) {
        throw new Unparseable("control character in " + (query ? "the query" : "the path"));
      } else if (c < 0x80) {
        b.write(c);
      } else {
        // A whole code point: one half of a surrogate pair on its own would be encoded as '?'.
        int cp = s.codePointAt(i);
        if (Character.isSurrogate(c) && Character.charCount(cp) == 1) {
          throw new Unparseable("a lone surrogate in " + (query ? "the query" : "the path"));
        }
        byte[] u = new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        b.write(u, 0, u.length);
        i += Character.charCount(cp) - 1;
      }
    }
    String out = b.toString(java.nio.charset.StandardCharsets.UTF_8);
    if (!query && out.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
      throw new Unparseable("control character in the path");
    }
    return out;
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
