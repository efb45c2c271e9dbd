package dev.gatehouse.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.gatehouse.policy.KubeRequest;
import dev.gatehouse.policy.Verdict;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.zip.GZIPInputStream;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.ProxyConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request through the proxy, in order: find the session; refuse client impersonation; parse
 * the request line as the API server does ({@link RequestInfoParser}); read a bounded body; judge;
 * only then forward, with the proxy's own credentials (and Impersonate-* of the session's person);
 * then mask the response on its way back. Whatever cannot be read exactly is refused, never
 * forwarded. Refusals are {@code Status} objects, as the API server's own errors, so kubectl prints
 * {@code Error from server (Forbidden): gatehouse: blocked by rule ...}.
 */
final class ProxyHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyHandler.class);
  /** The API server itself refuses bodies over 3 MiB; a little more, for the size of JSON patches. */
  static final int MAX_BODY = 8 * 1024 * 1024;
  /** A whole (non-watch) JSON response is read to mask it: a list of 5,000 Secrets is far below this. */
  static final int MAX_RESPONSE = 512 * 1024 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();
  /**
   * Reads request bodies as strictly as the API server could read them differently: a repeated
   * key (Go's decoder merges repeated objects, Jackson keeps the last) or anything after the value
   * is refused, never guessed at.
   */
  private static final ObjectMapper STRICT_JSON = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
  private static final YAMLMapper YAML = YAMLMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  /** Never sent upstream: hop-by-hop, the client's credentials, what the JDK client sets itself, encodings. */
  private static final Set<String> DROPPED_REQUEST = Set.of("connection", "keep-alive", "proxy-connection",
      "proxy-authorization", "proxy-authenticate", "te", "trailer", "transfer-encoding", "upgrade", "host",
      "content-length", "expect", "authorization", "accept-encoding", "http2-settings");
  private static final Set<String> DROPPED_RESPONSE = Set.of("connection", "keep-alive", "proxy-connection",
      "transfer-encoding", "content-length", "content-encoding", "trailer", "upgrade", "te");

  /** On the bearer door, {@code /session/<token>/...}: the session's kubeconfig puts its token in the server URL. */
  static final String SESSION_PREFIX = "/session/";

  private final String target;
  private final Upstream upstream;
  private final BiFunction<String, String, ProxySession> sessions;

  ProxyHandler(String target, Upstream upstream, BiFunction<String, String, ProxySession> sessions) {
    this.target = target;
    this.upstream = upstream;
    this.sessions = sessions;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    long start = System.nanoTime();
    try {
      if (!serve(request, response, callback, start)) {
        callback.succeeded();
      }
    } catch (Throwable t) {
      LOG.debug("kubernetes proxy {}: request ended: {}", target, t.toString());
      callback.failed(t);
    }
    return true;
  }

  /** Serves one request; true when the callback was handed on (a stream upgrade) rather than left to the caller. */
  private boolean serve(Request request, Response response, Callback callback, long start) throws IOException {
    String door = request.getConnectionMetaData().getConnector().getName();
    String rawPath = request.getHttpURI().getPath();
    String token = token(request, door);
    if (token == null && KubeProxy.BEARER.equals(door) && rawPath != null && rawPath.startsWith(SESSION_PREFIX)) {
      // kubectl sends no bearer token to an http:// server: the kubeconfig's server URL carries it
      int end = rawPath.indexOf('/', SESSION_PREFIX.length());
      token = rawPath.substring(SESSION_PREFIX.length(), end < 0 ? rawPath.length() : end);
      rawPath = end < 0 ? "/" : rawPath.substring(end);
    }
    ProxySession session = sessions.apply(door, token);
    if (session == null) {
      status(response, 401, "Unauthorized", "gatehouse: no session for this connection (the session ended or the token is wrong)");
      return false;
    }
    String method = request.getMethod();
    KubeRequest r;
    try {
      r = RequestInfoParser.parse(method, rawPath, request.getHttpURI().getQuery());
    } catch (RequestInfoParser.Unparseable e) {
      KubeRequest seen = new KubeRequest(method, String.valueOf(rawPath), false, "", "", "", "",
          "", "", "", List.of(), false, null, false);
      Verdict v = new Verdict.Block("unparseable", seen.describe() + ": " + e.getMessage());
      finish(session, response, seen, v, 400, "BadRequest", start);
      return false;
    }
    for (HttpField f : request.getHeaders()) {
      if (f.getLowerCaseName().startsWith("impersonate-")) {
        r = r.withImpersonation();
        break;
      }
    }
    if (r.impersonation()) {
      // Never forwarded, whatever the policy: the person is the session's, not the client's to choose.
      Verdict v = new Verdict.Block("impersonate", r.describe() + " with Impersonate-* headers");
      finish(session, response, r, v, 403, "Forbidden", start);
      return false;
    }
    byte[] body;
    try (InputStream in = Content.Source.asInputStream(request)) {
      body = in.readNBytes(MAX_BODY + 1);
    }
    if (body.length > MAX_BODY) {
      Verdict v = new Verdict.Block("body-too-large", r.describe() + ": request body over " + MAX_BODY + " bytes");
      finish(session, response, r, v, 413, "RequestEntityTooLarge", start);
      return false;
    }
    if (body.length > 0) {
      String ct = request.getHeaders().get("Content-Type");
      Object tree;
      try {
        tree = bodyTree(ct, body);
      } catch (AmbiguousBody e) {
        // Judged as a body the proxy cannot read (a pod-bearing one is a privileged workload); what
        // that does not block is still refused: an ambiguous body is never forwarded.
        KubeRequest unreadable = r.withBody(null, true);
        Verdict v = session.judge().judge(unreadable);
        if (v instanceof Verdict.Block) {
          finish(session, response, unreadable, v, 403, "Forbidden", start);
        } else {
          finish(session, response, unreadable, new Verdict.Block("ambiguous-body", r.describe() + ": " + e.getMessage()),
              400, "BadRequest", start);
        }
        return false;
      } catch (IOException e) {
        Verdict v = new Verdict.Block("unreadable-body", r.describe() + ": body of type " + ct + " cannot be read: "
            + firstLine(e.getMessage()));
        finish(session, response, r, v, 415, "UnsupportedMediaType", start);
        return false;
      }
      r = r.withBody(tree, false);
    }
    Verdict verdict = session.judge().judge(r);
    String contentType = request.getHeaders().get("Content-Type");
    if (verdict instanceof Verdict.Review review) {
      try {
        // kubectl opens a stream over WebSocket (GET) and falls back to SPDY (POST): one approval covers both.
        String keyMethod = request.getHeaders().get("Upgrade") != null ? "STREAM" : method; // as streamKey below
        review = withWhatRuns(r, review, request.getHttpURI().getQuery());
        Verdict decided = session.reviews().decide(r, review, ReviewedRequest.of(r, keyMethod, method, rawPath,
            request.getHttpURI().getQuery(), contentType, body));
        verdict = decided instanceof Verdict.Allow ? review : decided;
        if (!(decided instanceof Verdict.Allow)) {
          finish(session, response, r, decided, 403, "Forbidden", start);
          return false;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        finish(session, response, r, new Verdict.Block(review.rule(), review.reason() + " (approval wait ended)"), 403,
            "Forbidden", start);
        return false;
      }
    } else if (verdict instanceof Verdict.Block) {
      finish(session, response, r, verdict, 403, "Forbidden", start);
      return false;
    }
    String upgrade = request.getHeaders().get("Upgrade");
    if (upgrade != null) {
      String streamKey = ReviewedRequest.key("STREAM", rawPath, request.getHttpURI().getQuery(), contentType, body);
      boolean pods = r.resourceRequest() && r.apiGroup().isEmpty() && r.resource().equals("pods");
      if (upgrade.equalsIgnoreCase("websocket") && pods && StreamRelay.RELAYED.contains(r.subresource())) {
        return relay(session, request, response, callback, rawPath, r, verdict, start, streamKey);
      }
      if (upgrade.equalsIgnoreCase("websocket") && pods && r.subresource().equals("portforward")
          && session.forwards() != null) {
        return forwardPorts(session, request, response, callback, rawPath, r, verdict, start, streamKey);
      }
      // SPDY (kubectl before 1.30, or told not to use WebSocket): the same relays behind a SPDY front.
      boolean spdy = upgrade.regionMatches(true, 0, "SPDY/", 0, 5);
      if (spdy && pods && StreamRelay.RELAYED.contains(r.subresource())) {
        return SpdyUpgrade.exec(upstream, session, request, response, callback, rawPath, r, verdict, start, streamKey);
      }
      if (spdy && pods && r.subresource().equals("portforward") && session.forwards() != null) {
        return SpdyUpgrade.portForward(upstream, session, request, response, callback, rawPath, r, verdict, start,
            streamKey);
      }
      String why = notRelayed(r, upgrade, session, session.takeStreamFailure(streamKey));
      status(response, 501, "NotImplemented", "gatehouse: " + why);
      session.listener().completed(new ProxySession.Exchange(r, verdict, 501, millis(start), false, why));
      return false;
    }
    forward(session, request, rawPath, response, r, verdict, body, start);
    return false;
  }

  /**
   * Why a stream upgrade is not relayed, as the one line kubectl shows ({@code error: unable to
   * upgrade connection: ...}): port-forward on a session without forwards (kubectl on the bastion),
   * or an upgrade of anything but exec, attach and port-forward, or in a protocol other than
   * WebSocket and SPDY. A WebSocket attempt that failed before (kubectl falls back to SPDY then) is
   * named, or the user would only see the fallback's refusal.
   */
  static String notRelayed(KubeRequest r, String upgrade, ProxySession session, String webSocketFailure) {
    boolean pods = r.resourceRequest() && r.apiGroup().isEmpty() && r.resource().equals("pods");
    StringBuilder b = new StringBuilder(r.describe()).append(": ");
    if (pods && r.subresource().equals("portforward") && session.forwards() == null) {
      b.append("port-forward is not available here: it would listen on the bastion; forward the target with "
          + "ssh -L and run kubectl port-forward on your own machine");
    } else {
      b.append("this stream is not relayed (exec, attach and port-forward over WebSocket or SPDY/3.1 are; this is ")
          .append(printable(upgrade)).append(")");
    }
    if (webSocketFailure != null) {
      b.append("; the WebSocket attempt before failed: ").append(webSocketFailure);
    }
    return b.toString();
  }

  /** A header from the client, in a message: control characters escaped, at most 64 characters. */
  private static String printable(String s) {
    return SpdyExecRelay.printable(s);
  }

  /**
   * A port-forward over WebSocket ({@link PortForwardRelay}): the API server's side first, then the
   * client's upgrade with the subprotocol the API server chose. Counted, not recorded.
   */
  private boolean forwardPorts(ProxySession session, Request request, Response response, Callback callback,
      String rawPath, KubeRequest r, Verdict verdict, long start, String streamKey) {
    org.eclipse.jetty.websocket.server.ServerWebSocketContainer container =
        org.eclipse.jetty.websocket.server.ServerWebSocketContainer.get(request.getContext());
    List<String> protocols = subprotocols(request);
    if (protocols.stream().noneMatch(PortForwardRelay.PROTOCOLS::contains)) {
      String why = r.describe() + ": port-forward is relayed in " + PortForwardRelay.PROTOCOLS
          + " only (kubectl 1.30 and later), not in " + protocols;
      status(response, 400, "BadRequest", "gatehouse: " + why);
      session.listener().completed(new ProxySession.Exchange(r, verdict, 400, millis(start), false, why));
      return false;
    }
    PortForwardRelay.Opened opened = PortForwardRelay.open(upstream, session, rawPath, request.getHttpURI().getQuery(),
        protocols.stream().filter(PortForwardRelay.PROTOCOLS::contains).toList(), java.time.Duration.ofSeconds(30));
    if (opened.relay() == null || container == null) {
      String why = opened.error() != null ? opened.error() : "the proxy cannot take WebSocket upgrades";
      if (opened.relay() != null) {
        opened.relay().abandon();
      }
      session.streamFailed(streamKey, why);
      status(response, 502, "ServiceUnavailable", "gatehouse: " + why);
      session.listener().completed(new ProxySession.Exchange(r, verdict, 502, millis(start), true, why));
      return false;
    }
    session.listener().completed(new ProxySession.Exchange(r, verdict, 101, millis(start), true, null));
    boolean upgraded = container.upgrade((rq, rs, cb) -> {
      rs.setAcceptedSubProtocol(opened.subprotocol());
      // told only now: a forward the client never got is neither marked nor audited as one
      return opened.relay().clientEndpoint(session.forwards().opened(r, PortForwardRelay.pod(r)));
    }, request, response, callback);
    if (!upgraded) {
      opened.relay().abandon();
    }
    return upgraded;
  }

  private static List<String> subprotocols(Request request) {
    List<String> protocols = new java.util.ArrayList<>();
    for (String h : request.getHeaders().getValuesList("Sec-WebSocket-Protocol")) {
      for (String p : h.split(",")) {
        if (!p.isBlank()) {
          protocols.add(p.strip());
        }
      }
    }
    return protocols;
  }

  /**
   * An exec or attach over WebSocket: the API server's side first (with the proxy's credentials
   * and the client's subprotocols), then the client's upgrade with the subprotocol the API server
   * chose. A stream the API server does not open is answered as a normal error, never upgraded.
   */
  private boolean relay(ProxySession session, Request request, Response response, Callback callback, String rawPath,
      KubeRequest r, Verdict verdict, long start, String streamKey) {
    org.eclipse.jetty.websocket.server.ServerWebSocketContainer container =
        org.eclipse.jetty.websocket.server.ServerWebSocketContainer.get(request.getContext());
    List<String> protocols = subprotocols(request);
    String query = request.getHttpURI().getQuery();
    StreamRelay.Target t = StreamRelay.target(r, query);
    ProxySession.Stream stream = session.streams().opened(r, t.pod(), t.container(), t.command(), t.tty());
    StreamRelay.Opened opened = StreamRelay.open(upstream, session, rawPath, query, protocols, stream,
        java.time.Duration.ofSeconds(30));
    if (opened.relay() == null || container == null) {
      String why = opened.error() != null ? opened.error() : "the proxy cannot take WebSocket upgrades";
      if (stream != null) {
        stream.closed();
      }
      session.streamFailed(streamKey, why);
      status(response, 502, "ServiceUnavailable", "gatehouse: " + why);
      session.listener().completed(new ProxySession.Exchange(r, verdict, 502, millis(start), true, why));
      return false;
    }
    session.listener().completed(new ProxySession.Exchange(r, verdict, 101, millis(start), true, null));
    return container.upgrade((rq, rs, cb) -> {
      if (opened.subprotocol() != null && !opened.subprotocol().isEmpty()) {
        rs.setAcceptedSubProtocol(opened.subprotocol());
      }
      return opened.relay();
    }, request, response, callback);
  }

  /**
   * An exec or attach is approved on what it runs: the container and the command, as the API
   * server reads them from the query (each argument quoted, so where one ends is plain), added to
   * the reason the approver is shown.
   */
  static Verdict.Review withWhatRuns(KubeRequest r, Verdict.Review review, String rawQuery) {
    if (!r.resourceRequest() || !r.apiGroup().isEmpty() || !r.resource().equals("pods")
        || !StreamRelay.RELAYED.contains(r.subresource())) {
      return review;
    }
    Map<String, List<String>> q = RequestInfoParser.query(rawQuery);
    StringBuilder b = new StringBuilder(review.reason());
    List<String> container = q.getOrDefault("container", List.of());
    b.append("; container=").append(container.isEmpty() ? "(default)" : container.get(0));
    List<String> command = q.getOrDefault("command", List.of());
    if (!command.isEmpty()) {
      try {
        b.append(" command=").append(JSON.writeValueAsString(command));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return new Verdict.Review(review.rule(), b.toString());
  }

  private static String token(Request request, String door) {
    if (KubeProxy.TUNNEL.equals(door)) {
      EndPoint ep = request.getConnectionMetaData().getConnection().getEndPoint();
      while (ep != null) {
        if (ep instanceof ProxyConnectionFactory.ProxyEndPoint p) {
          byte[] t = p.getTLV(KubeProxy.TOKEN_TLV);
          return t == null ? null : new String(t, StandardCharsets.US_ASCII);
        }
        ep = ep instanceof EndPoint.Wrapper w ? w.unwrap() : null;
      }
      return null;
    }
    String auth = request.getHeaders().get("Authorization");
    if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    return auth.substring(7).strip();
  }

  /** A body that the API server may read differently from the proxy: refused, never forwarded. */
  static final class AmbiguousBody extends IOException {
    AmbiguousBody(String message) {
      super(message);
    }
  }

  static Object bodyTree(String contentType, byte[] body) throws IOException {
    String ct = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    int semi = ct.indexOf(';');
    String base = (semi < 0 ? ct : ct.substring(0, semi)).strip();
    if (base.equals("application/json") || base.equals("application/merge-patch+json")
        || base.equals("application/strategic-merge-patch+json") || base.equals("application/json-patch+json")) {
      try {
        return STRICT_JSON.readValue(body, Object.class);
      } catch (StreamReadException e) {
        if (e.getMessage() != null && e.getMessage().startsWith("Duplicate field")) {
          throw new AmbiguousBody("a key appears twice in one object");
        }
        throw e;
      } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
        if (e.getMessage() != null && e.getMessage().startsWith("Trailing token")) {
          throw new AmbiguousBody("more than one JSON value");
        }
        throw e;
      }
    }
    if (base.equals("application/apply-patch+yaml") || base.equals("application/yaml")) {
      try {
        plainYaml(body);
        return YAML.readValue(body, Object.class);
      } catch (StreamReadException e) {
        if (e.getMessage() != null && e.getMessage().startsWith("Duplicate field")) {
          throw new AmbiguousBody("a key appears twice in one mapping");
        }
        throw e;
      }
    }
    throw new IOException("only JSON and YAML bodies are read (no protobuf)");
  }

  /**
   * The API server reads YAML with go-yaml (aliases resolved, merge keys merged, YAML 1.1 tags),
   * Jackson does not read these the same way: a body with an anchor, an alias, an explicit tag, a
   * merge key or more than one document is refused rather than read two ways.
   */
  private static void plainYaml(byte[] body) throws IOException {
    try (YAMLParser p = (YAMLParser) YAML.getFactory().createParser(body)) {
      int depth = 0;
      int roots = 0;
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (p.isCurrentAlias()) {
          throw new AmbiguousBody("YAML aliases are not read (write the value out)");
        }
        if (p.getObjectId() != null) {
          throw new AmbiguousBody("YAML anchors are not read");
        }
        if (p.getTypeId() != null) {
          throw new AmbiguousBody("explicit YAML tags are not read");
        }
        if (t == JsonToken.FIELD_NAME && p.currentName().equals("<<")) {
          throw new AmbiguousBody("YAML merge keys are not read");
        }
        if (depth == 0 && t != JsonToken.END_OBJECT && t != JsonToken.END_ARRAY && ++roots > 1) {
          throw new AmbiguousBody("more than one YAML document");
        }
        if (t.isStructStart()) {
          depth++;
        } else if (t.isStructEnd()) {
          depth--;
        }
      }
    }
  }

  private void forward(ProxySession session, Request request, String rawPath, Response response, KubeRequest r,
      Verdict verdict, byte[] body, long start) throws IOException {
    String query = request.getHttpURI().getQuery();
    URI base = upstream.server();
    String basePath = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/+$", "");
    URI uri = URI.create(base.getScheme() + "://" + base.getRawAuthority() + basePath + rawPath
        + (query == null ? "" : "?" + query));
    HttpRequest.Builder b = HttpRequest.newBuilder(uri);
    for (HttpField f : request.getHeaders()) {
      String n = f.getLowerCaseName();
      if (DROPPED_REQUEST.contains(n) || n.startsWith("impersonate-")) {
        continue;
      }
      if (n.equals("accept")) {
        b.header("Accept", withoutProtobuf(f.getValue()));
        continue;
      }
      b.header(f.getName(), f.getValue());
    }
    if (request.getHeaders().get("Accept") == null) {
      b.header("Accept", "application/json");
    }
    b.header("Accept-Encoding", "identity");
    upstream.identify(session, b::header);
    String method = request.getMethod();
    b.method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    HttpResponse<InputStream> up;
    try {
      up = upstream.client().send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (IOException e) {
      String why = "the API server did not answer: " + firstLine(e.getMessage());
      status(response, 502, "ServiceUnavailable", "gatehouse: " + why);
      session.listener().completed(new ProxySession.Exchange(r, verdict, 502, millis(start), true, why));
      return;
    }
    try (InputStream raw = up.body()) {
      InputStream in = raw;
      String encoding = up.headers().firstValue("Content-Encoding").orElse("identity").toLowerCase(Locale.ROOT);
      if (encoding.equals("gzip")) {
        in = new GZIPInputStream(raw);
      } else if (!encoding.equals("identity")) {
        String why = "the API server answered in encoding " + encoding;
        status(response, 502, "ServiceUnavailable", "gatehouse: " + why);
        session.listener().completed(new ProxySession.Exchange(r, verdict, 502, millis(start), true, why));
        return;
      }
      String error = respond(session, r, up, in, response, method.equals("HEAD"));
      session.listener().completed(new ProxySession.Exchange(r, verdict, error == null ? up.statusCode() : 502,
          millis(start), true, error));
    }
  }

  /** Sends the upstream's answer, masked; returns why it could not be sent, or null. */
  private String respond(ProxySession session, KubeRequest r, HttpResponse<InputStream> up, InputStream in,
      Response response, boolean head) throws IOException {
    String ct = up.headers().firstValue("Content-Type").orElse("");
    String ctl = ct.toLowerCase(Locale.ROOT);
    ResponseMasker masker = session.masker();
    boolean secretContext = r.resourceRequest() && r.apiGroup().isEmpty() && r.resource().equals("secrets");
    boolean json = ctl.startsWith("application/json") || ctl.contains("+json");
    boolean text = ctl.startsWith("text/");
    boolean watch = r.verb().equals("watch") || ctl.contains("stream=watch");
    if (!head && !json && !text) {
      // Nothing we cannot read goes back to the client (protobuf, octet streams) unless it is empty.
      byte[] probe = in.readNBytes(1);
      if (probe.length > 0) {
        String why = "the API server answered with content type '" + ct + "', which the proxy cannot inspect";
        status(response, 502, "ServiceUnavailable", "gatehouse: " + why);
        return why;
      }
    }
    response.setStatus(up.statusCode());
    for (Map.Entry<String, List<String>> h : up.headers().map().entrySet()) {
      String n = h.getKey().toLowerCase(Locale.ROOT);
      if (DROPPED_RESPONSE.contains(n) || n.startsWith(":")) {
        continue;
      }
      for (String v : h.getValue()) {
        response.getHeaders().add(h.getKey(), v);
      }
    }
    if (head) {
      return null;
    }
    OutputStream out = Content.Sink.asOutputStream(response);
    try (out) {
      if (json && watch) {
        try (MappingIterator<JsonNode> events = JSON.readerFor(JsonNode.class).readValues(in)) {
          while (events.hasNextValue()) {
            JsonNode e = events.nextValue();
            out.write(JSON.writeValueAsBytes(masker.active() ? masker.mask(e, secretContext) : e));
            out.write('\n');
            out.flush();
          }
        }
      } else if (json) {
        byte[] all = in.readNBytes(MAX_RESPONSE + 1);
        if (all.length > MAX_RESPONSE) {
          throw new IOException("response over " + MAX_RESPONSE + " bytes");
        }
        if (all.length == 0) {
          return null;
        }
        if (!masker.active()) {
          out.write(all);
          return null;
        }
        byte[] masked;
        try {
          masked = masker.maskDocument(all, secretContext);
        } catch (JsonProcessingException e) {
          throw new IOException("the API server's JSON does not parse: " + firstLine(e.getOriginalMessage()), e);
        }
        out.write(masked);
      } else if (masker.detects()) {
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        while ((line = lines.readLine()) != null) {
          out.write((masker.maskText(line) + "\n").getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
      } else {
        byte[] buf = new byte[16 * 1024];
        int n;
        while ((n = in.read(buf)) > 0) {
          out.write(buf, 0, n);
          out.flush();
        }
      }
    }
    return null;
  }

  /** The Accept header without protobuf types; only JSON (and text) can be masked. */
  static String withoutProtobuf(String accept) {
    StringBuilder b = new StringBuilder();
    for (String part : accept.split(",")) {
      String p = part.strip();
      if (p.isEmpty() || p.toLowerCase(Locale.ROOT).contains("protobuf")) {
        continue;
      }
      if (b.length() > 0) {
        b.append(',');
      }
      b.append(p);
    }
    return b.length() == 0 ? "application/json" : b.toString();
  }

  private void finish(ProxySession session, Response response, KubeRequest r, Verdict v, int code, String reason,
      long start) {
    // The session hears of the refusal before the client does: a caller that reads the client's
    // output (the gateway's exec path) then always knows the verdict behind an error it sees.
    session.listener().completed(new ProxySession.Exchange(r, v, code, millis(start), false, null));
    status(response, code, reason, refusal(v));
  }

  /** The one line an agent can parse: {@code gatehouse: blocked by rule delete-namespace: DELETE namespaces/prod}. */
  static String refusal(Verdict v) {
    return "gatehouse: blocked by rule " + v.rule() + ": " + v.reason();
  }

  /** An API-server style {@code Status} answer. */
  static void status(Response response, int code, String reason, String message) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("kind", "Status");
    s.put("apiVersion", "v1");
    s.put("metadata", Map.of());
    s.put("status", "Failure");
    s.put("message", message);
    s.put("reason", reason);
    s.put("code", code);
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a Status map always serializes", e);
    }
    response.setStatus(code);
    response.getHeaders().put("Content-Type", "application/json");
    response.getHeaders().put("Content-Length", bytes.length);
    try (OutputStream out = Content.Sink.asOutputStream(response)) {
      out.write(bytes);
    } catch (IOException e) {
      LOG.debug("client went away before its refusal: {}", e.toString());
    }
  }

  static long millis(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
