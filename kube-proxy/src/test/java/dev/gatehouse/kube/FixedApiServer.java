package dev.gatehouse.kube;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The upstream of bench/kube: an HTTP/1.1 server on 127.0.0.1 that answers GETs of a few paths
 * with documents rendered once at start (a Pod, a PodList), as {@code application/json} with a
 * Content-Length, and a 404 {@code Status} for anything else. Its own cost per request is small and
 * the same whichever path asks, so the difference between the direct and the proxied path is the
 * proxy's. (The tests' StandInApiServer is a CRUD store behind a relaying front door: both add their
 * own work and variance to every request.)
 */
final class FixedApiServer implements AutoCloseable {
  private static final byte[] NOT_FOUND = ("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
      + "\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}").getBytes(StandardCharsets.US_ASCII);

  private final Server server;
  private final ServerConnector connector;
  private final LongAdder served = new LongAdder();

  /** Serves {@code documents} (raw path → JSON bytes). */
  FixedApiServer(Map<String, byte[]> documents) throws IOException {
    QueuedThreadPool threads = new QueuedThreadPool(16, 2);
    threads.setName("fixed-api");
    server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendDateHeader(false);
    connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(InetAddress.getLoopbackAddress().getHostAddress());
    connector.setPort(0);
    server.addConnector(connector);
    Map<String, byte[]> docs = Map.copyOf(documents);
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        byte[] doc = "GET".equals(request.getMethod()) ? docs.get(request.getHttpURI().getPath()) : null;
        byte[] body = doc == null ? NOT_FOUND : doc;
        response.setStatus(doc == null ? 404 : 200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        served.increment();
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
      }
    });
    try {
      server.start();
    } catch (Exception e) {
      close();
      throw new IOException("the bench's API server did not start: " + e.getMessage(), e);
    }
  }

  String url() {
    return "http://127.0.0.1:" + connector.getLocalPort();
  }

  /** Requests answered so far (both paths). */
  long served() {
    return served.sum();
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      // stopping anyway
    }
  }
}
