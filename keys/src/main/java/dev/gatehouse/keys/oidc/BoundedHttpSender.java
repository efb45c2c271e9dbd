package dev.gatehouse.keys.oidc;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.http.HTTPRequestSender;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.http.ReadOnlyHTTPRequest;
import com.nimbusds.oauth2.sdk.http.ReadOnlyHTTPResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Sends the Nimbus SDK's requests (token endpoint, discovery) with the JDK's HTTP client and reads
 * at most {@code maxBody} bytes of the answer: Nimbus's own sender reads a whole answer into memory
 * however large, so a broken or hostile provider could exhaust the heap. No redirects are followed.
 */
public final class BoundedHttpSender implements HTTPRequestSender {
  /** Headers the JDK client sets itself and refuses from a caller. */
  private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

  private final int maxBody;
  private final HttpClient http;

  public BoundedHttpSender(int maxBody, Duration connectTimeout) {
    this.maxBody = maxBody;
    this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(connectTimeout).build();
  }

  @Override
  public ReadOnlyHTTPResponse send(ReadOnlyHTTPRequest request) throws IOException {
    HttpRequest.Builder b = HttpRequest.newBuilder(request.getURI());
    if (request.getReadTimeout() > 0) {
      b.timeout(Duration.ofMillis(request.getReadTimeout()));
    }
    for (Map.Entry<String, List<String>> h : request.getHeaderMap().entrySet()) {
      if (!RESTRICTED.contains(h.getKey().toLowerCase(Locale.ROOT))) {
        h.getValue().forEach(v -> b.header(h.getKey(), v));
      }
    }
    String body = request.getBody();
    b.method(request.getMethod().name(),
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<InputStream> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while calling " + request.getURI());
    }
    byte[] bytes;
    try (InputStream in = r.body()) {
      bytes = in.readNBytes(maxBody + 1);
    }
    if (bytes.length > maxBody) {
      throw new IOException(request.getURI() + " answered more than " + maxBody + " bytes");
    }
    HTTPResponse out = new HTTPResponse(r.statusCode());
    r.headers().map().forEach((name, values) -> out.setHeader(name, values.toArray(String[]::new)));
    String type = r.headers().firstValue("Content-Type").orElse(null);
    if (type != null) {
      try {
        out.setContentType(type);
      } catch (ParseException e) {
        // Left without a content type: the parser then refuses the answer as not JSON.
      }
    }
    if (bytes.length > 0) {
      out.setBody(new String(bytes, StandardCharsets.UTF_8));
    }
    return out;
  }
}
