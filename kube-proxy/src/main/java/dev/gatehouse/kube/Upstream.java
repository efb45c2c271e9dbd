package dev.gatehouse.kube;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.function.BiConsumer;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The API server behind the proxy and the proxy's own credentials for it: a bearer {@code token}, or
 * a client certificate and key (PEM), and {@code rootCert} (PEM CA certificates the server's
 * certificate must chain to; the JDK's trust store when absent). With {@code impersonate}, every
 * request also carries Impersonate-User/-Group of the session's person, so the cluster's RBAC and
 * audit log see them (the proxy's credentials then need the {@code impersonate} verb). The secrets
 * are resolved by the caller; nothing here is ever logged ({@link #toString()} names the server only).
 */
public final class Upstream implements AutoCloseable {
  private final URI server;
  private final byte[] token;
  private final boolean impersonate;
  private final HttpClient client;
  /** The TLS context of {@link #client} (null for http://), shared by {@link #tunnels}. */
  private final SSLContext tls;
  private final Duration connectTimeout;
  /** Started at the first port-forward: most proxies never need it. */
  private org.eclipse.jetty.websocket.client.WebSocketClient tunnels;

  private Upstream(URI server, byte[] token, boolean impersonate, HttpClient client, SSLContext tls,
      Duration connectTimeout) {
    this.server = server;
    this.token = token;
    this.impersonate = impersonate;
    this.client = client;
    this.tls = tls;
    this.connectTimeout = connectTimeout;
  }

  /**
   * @param rootCert PEM CA certificates, or null for the JDK's trust store
   * @param token the bearer token, or null
   * @param clientCert PEM client certificate chain, or null (then {@code clientKey} too)
   * @param clientKey PEM private key (PKCS#8 or PKCS#1/SEC1), or null
   */
  public static Upstream of(URI server, byte[] rootCert, byte[] token, byte[] clientCert, byte[] clientKey,
      boolean impersonate, Duration connectTimeout) throws IOException {
    String scheme = server.getScheme();
    if (!"https".equals(scheme) && !"http".equals(scheme)) {
      throw new IOException("kubernetes.server: '" + server + "' must be an https:// (or, on loopback, http://) URL");
    }
    if ((clientCert == null) != (clientKey == null)) {
      throw new IOException("kubernetes.clientCert and kubernetes.clientKey go together");
    }
    HttpClient.Builder b = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(connectTimeout);
    SSLContext tls = null;
    if ("https".equals(scheme)) {
      tls = tls(rootCert, clientCert, clientKey);
      b.sslContext(tls);
    }
    byte[] t = token == null ? null : new String(token, StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
    return new Upstream(server, t, impersonate, b.build(), tls, connectTimeout);
  }

  URI server() {
    return server;
  }

  HttpClient client() {
    return client;
  }

  /**
   * The WebSocket client for port-forward streams (Jetty's: the JDK's refuses to offer a
   * subprotocol such as {@code SPDY/3.1+portforward.k8s.io}), with the same trust and client
   * certificate as {@link #client()} and the server's name verified.
   */
  synchronized org.eclipse.jetty.websocket.client.WebSocketClient tunnels() throws IOException {
    if (tunnels == null) {
      org.eclipse.jetty.client.HttpClient http = new org.eclipse.jetty.client.HttpClient();
      http.setName("kube-upstream-tunnels");
      http.setFollowRedirects(false);
      http.setConnectTimeout(connectTimeout.toMillis());
      org.eclipse.jetty.util.ssl.SslContextFactory.Client ssl = new org.eclipse.jetty.util.ssl.SslContextFactory.Client();
      if (tls != null) {
        ssl.setSslContext(tls);
      }
      ssl.setEndpointIdentificationAlgorithm("HTTPS");
      http.setSslContextFactory(ssl);
      org.eclipse.jetty.websocket.client.WebSocketClient ws = new org.eclipse.jetty.websocket.client.WebSocketClient(http);
      ws.setIdleTimeout(Duration.ofDays(1)); // a quiet forward stays open; the session's own limits end it
      ws.setMaxBinaryMessageSize(StreamRelay.MAX_MESSAGE);
      ws.setMaxTextMessageSize(StreamRelay.MAX_MESSAGE);
      try {
        ws.start();
      } catch (Exception e) {
        throw new IOException("the WebSocket client for port-forward did not start: " + e.getMessage(), e);
      }
      tunnels = ws;
    }
    return tunnels;
  }

  @Override
  public synchronized void close() {
    if (tunnels != null) {
      try {
        tunnels.stop();
      } catch (Exception e) {
        // stopping anyway
      }
      tunnels = null;
    }
  }

  /** The Authorization header value, or null when the client certificate authenticates. */
  private String authorization() {
    return token == null ? null : "Bearer " + new String(token, StandardCharsets.UTF_8);
  }

  /**
   * The headers that say who asks, on a request or a stream alike: the proxy's bearer token (none
   * when its client certificate authenticates) and, with {@code impersonate}, the person and their
   * groups.
   */
  void identify(ProxySession session, BiConsumer<String, String> header) {
    String auth = authorization();
    if (auth != null) {
      header.accept("Authorization", auth);
    }
    if (impersonate) {
      header.accept("Impersonate-User", session.identity());
      for (String g : session.groups()) {
        header.accept("Impersonate-Group", g);
      }
    }
  }

  private static SSLContext tls(byte[] rootCert, byte[] clientCert, byte[] clientKey) throws IOException {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (rootCert != null) {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        int i = 0;
        for (Certificate c : certificates(rootCert, "kubernetes.rootCert")) {
          trust.setCertificateEntry("ca-" + i++, c);
        }
        tmf.init(trust);
      } else {
        tmf.init((KeyStore) null);
      }
      KeyManagerFactory kmf = null;
      if (clientCert != null) {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        char[] pw = new char[0];
        Collection<? extends Certificate> chain = certificates(clientCert, "kubernetes.clientCert");
        keys.setKeyEntry("client", privateKey(clientKey), pw, chain.toArray(new Certificate[0]));
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, pw);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IOException("kubernetes TLS setup: " + e.getMessage(), e);
    }
  }

  private static Collection<? extends Certificate> certificates(byte[] pem, String key) throws IOException {
    try {
      Collection<? extends Certificate> cs =
          CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem));
      if (cs.isEmpty()) {
        throw new IOException(key + ": no certificate in the PEM");
      }
      return cs;
    } catch (java.security.cert.CertificateException e) {
      throw new IOException(key + ": not PEM certificates: " + e.getMessage(), e);
    }
  }

  private static PrivateKey privateKey(byte[] pem) throws IOException {
    try (PEMParser p = new PEMParser(new InputStreamReader(new ByteArrayInputStream(pem), StandardCharsets.US_ASCII))) {
      Object o = p.readObject();
      JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
      if (o instanceof PEMKeyPair kp) {
        return conv.getKeyPair(kp).getPrivate();
      }
      if (o instanceof PrivateKeyInfo info) {
        return conv.getPrivateKey(info);
      }
      throw new IOException("kubernetes.clientKey: not an unencrypted PEM private key");
    } finally {
      Arrays.fill(pem, (byte) 0);
    }
  }

  @Override
  public String toString() {
    return "Upstream[" + server + (impersonate ? ", impersonating" : "") + "]";
  }
}
