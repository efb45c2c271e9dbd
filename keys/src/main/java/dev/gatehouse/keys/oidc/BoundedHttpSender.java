package dev.gatehouse.keys.oidc;

import com.nimbusds.common.contenttype.ContentType;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPRequestSender;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.http.ReadOnlyHTTPRequest;
import com.nimbusds.oauth2.sdk.http.ReadOnlyHTTPResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Sends the Nimbus SDK's requests (token endpoint, discovery) through {@link ProviderHttp}: one
 * deadline for the whole exchange (a provider trickling its answer cannot hold the caller), at most
 * {@code maxBody} bytes of the answer read (Nimbus's own sender reads a whole answer into memory
 * however large), no redirects. Answers are taken as JSON, the only kind these endpoints give.
 */
public final class BoundedHttpSender implements HTTPRequestSender, AutoCloseable {
  /** Headers the JDK client sets itself and refuses from a caller. */
  private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

  private final int maxBody;
  private final ProviderHttp http;

  public BoundedHttpSender(int maxBody, Duration deadline) {
    this.maxBody = maxBody;
    this.http = new ProviderHttp(deadline);
  }

  @Override
  public ReadOnlyHTTPResponse send(ReadOnlyHTTPRequest request) throws IOException {
    ProviderHttp.Answer answer;
    if (request.getMethod() == HTTPRequest.Method.GET) {
      answer = ProviderHttp.await(http.get(request.getURI(), maxBody));
    } else if (request.getMethod() == HTTPRequest.Method.POST) {
      Map<String, String> headers = new LinkedHashMap<>();
      for (Map.Entry<String, List<String>> h : request.getHeaderMap().entrySet()) {
        if (!h.getValue().isEmpty() && !RESTRICTED.contains(h.getKey().toLowerCase(Locale.ROOT))) {
          headers.put(h.getKey(), h.getValue().get(0));
        }
      }
      answer = ProviderHttp.await(http.post(request.getURI(), headers, request.getBody(), maxBody));
    } else {
      throw new IOException("only GET and POST are sent to the identity provider, not " + request.getMethod());
    }
    HTTPResponse out = new HTTPResponse(answer.status());
    out.setEntityContentType(ContentType.APPLICATION_JSON);
    if (answer.body().length > 0) {
      out.setBody(answer.text());
    }
    return out;
  }

  @Override
  public void close() {
    http.close();
  }
}
