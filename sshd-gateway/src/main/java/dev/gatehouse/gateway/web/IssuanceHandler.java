package dev.gatehouse.gateway.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.gateway.Audit;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.config.OidcConfig;
import dev.gatehouse.keys.CertificateAuthority;
import dev.gatehouse.keys.CertificateLedger;
import dev.gatehouse.keys.PublicKeys;
import dev.gatehouse.web.Replies;
import dev.gatehouse.web.RequestBody;
import dev.gatehouse.keys.UserCertificateRequest;
import dev.gatehouse.keys.oidc.IdTokenVerifier;
import dev.gatehouse.keys.oidc.TokenRejected;
import dev.gatehouse.keys.oidc.VerifiedToken;
import dev.gatehouse.recorder.AuditCode;
import java.io.IOException;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/config} and {@code POST /v1/certificates}: an ID token from the company's
 * identity provider buys a short-lived SSH certificate for the caller's own public key.
 *
 * <pre>
 *  gatehouse login ──GET /v1/config──▶ issuer, clientId, scopes, sshHost, sshPort, knownHosts
 *  gatehouse login ──(IdP: code+PKCE or device grant)──▶ ID token
 *  gatehouse login ──POST /v1/certificates {idToken, publicKey}──▶ verify token (iss, aud, exp, iat,
 *      signature, once) ─▶ sign key: key id = identity, groups ─▶ ledger (serial, sub, iss) ─▶ audit
 * </pre>
 *
 * A bad, stale, replayed or foreign token gets 401 with its reason slug and never a certificate, as
 * does one issued before a revocation of its identity ({@code revoked}). The body is bounded before
 * it is read ({@link RequestBody}: 64 KiB, 10 s).
 */
final class IssuanceHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(IssuanceHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY = 64 * 1024;
  /** Groups an SSH certificate can carry; Keycloak's "/dba" full paths lose their slash. */
  private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9._@-]+");

  private final Supplier<GatewayConfig> config;
  private final CertificateAuthority ca;
  private final CertificateLedger ledger;
  private final IdTokenVerifier verifier;
  private final Audit audit;
  private final RateLimiter perAddress;
  private final RateLimiter perIdentity;
  private final IntSupplier sshPort;

  IssuanceHandler(
      Supplier<GatewayConfig> config, IntSupplier sshPort, CertificateAuthority ca, CertificateLedger ledger,
      IdTokenVerifier verifier, Audit audit, Clock clock) {
    this.config = config;
    this.sshPort = sshPort;
    this.ca = ca;
    this.ledger = ledger;
    this.verifier = verifier;
    this.audit = audit;
    this.perAddress = new RateLimiter(30, clock);
    this.perIdentity = new RateLimiter(10, clock);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String path = Request.getPathInContext(request);
    if (path.equals("/v1/config")) {
      if (!HttpMethod.GET.is(request.getMethod())) {
        return Replies.error(response, callback, 405, "method-not-allowed", "use GET");
      }
      return Replies.json(response, callback, 200, configDocument());
    }
    if (path.equals("/v1/certificates")) {
      if (!HttpMethod.POST.is(request.getMethod())) {
        return Replies.error(response, callback, 405, "method-not-allowed", "use POST");
      }
      issue(request, response, callback);
      return true;
    }
    return false;
  }

  private ObjectNode configDocument() {
    GatewayConfig c = config.get();
    OidcConfig oidc = c.oidc();
    ObjectNode doc = JSON.createObjectNode();
    doc.put("issuer", oidc == null ? null : oidc.issuer().toString());
    doc.put("clientId", oidc == null ? null : oidc.clientId());
    doc.set("scopes", JSON.valueToTree(oidc == null ? List.of() : oidc.scopes()));
    String host = c.ssh().hostNames().get(0);
    // The port the SSH server is bound to: ssh.listen may say 0 (a free port).
    int port = sshPort.getAsInt();
    doc.put("sshHost", host);
    doc.put("sshPort", port);
    List<String> names = new ArrayList<>();
    for (String h : c.ssh().hostNames()) {
      names.add(port == 22 ? h : "[" + h + "]:" + port);
    }
    doc.put("knownHosts", ca.knownHostsLine(names));
    return doc;
  }

  private void issue(Request request, Response response, Callback callback) {
    String client = Request.getRemoteAddr(request);
    GatewayConfig c = config.get();
    if (c.oidc() == null || verifier == null) {
      Replies.error(response, callback, 503, "oidc-not-configured", "this gateway has no oidc section");
      return;
    }
    if (!perAddress.allow(client)) {
      refuse(response, callback, 429, "rate-limited", "too many requests from " + client, null, client);
      return;
    }
    // Over 64 KiB (declared or streamed) or slower than 10 s: refused, audited, the rest never read.
    RequestBody.read(request, response, callback, MAX_BODY, bytes -> issue(bytes, c, client, response, callback),
        (slug, message) -> audit.tryRecord(AuditCode.AUTH_FAILED, "reason", slug, "detail", message, "client", client,
            "via", "POST /v1/certificates"));
  }

  private void issue(byte[] bytes, GatewayConfig c, String client, Response response, Callback callback) {
    JsonNode body;
    try {
      body = JSON.readTree(bytes);
    } catch (IOException e) {
      refuse(response, callback, 400, "malformed-request", "body is not JSON", null, client);
      return;
    }
    if (body == null || !body.path("idToken").isTextual() || !body.path("publicKey").isTextual()) {
      refuse(response, callback, 400, "malformed-request", "need {\"idToken\": ..., \"publicKey\": ...}", null, client);
      return;
    }
    PublicKey key;
    try {
      key = PublicKeys.parseUserKey(body.get("publicKey").asText());
    } catch (IOException e) {
      refuse(response, callback, 400, "bad-public-key", e.getMessage(), null, client);
      return;
    }
    VerifiedToken token;
    try {
      token = verifier.verify(body.get("idToken").asText());
    } catch (TokenRejected e) {
      int status = e.reason().equals("provider-unavailable") || e.reason().equals("replay-check-failed") ? 503 : 401;
      refuse(response, callback, status, e.reason(), e.getMessage(), null, client);
      return;
    }
    try {
      // A token from before a revocation of its identity buys no certificate after it.
      if (ledger.isIdentityRevoked(token.identity(), token.issuedAt())) {
        refuse(response, callback, 401, TokenRejected.REVOKED, "access of " + token.identity() + " was revoked; log in again",
            token.identity(), client);
        return;
      }
    } catch (IOException e) {
      refuse(response, callback, 503, "revocation-check-failed", "the revocations cannot be read", token.identity(), client);
      return;
    }
    if (!perIdentity.allow(token.identity())) {
      refuse(response, callback, 429, "rate-limited", "too many certificates for " + token.identity(), token.identity(), client);
      return;
    }
    List<String> groups = new ArrayList<>();
    for (String g : token.groups()) {
      String name = g.startsWith("/") ? g.substring(1) : g;
      if (GROUP.matcher(name).matches()) {
        groups.add(name);
      } else {
        LOG.warn("group '{}' of {} cannot go into an SSH certificate and is left out", g, token.identity());
      }
    }
    Duration ttl = c.oidc().certificateTtl();
    OpenSshCertificate cert;
    try {
      cert = ca.signUserCertificate(key, UserCertificateRequest.of(token.identity(), groups, ttl), ledger,
          "oidc:" + token.issuer() + " sub=" + token.subject());
      audit.record(AuditCode.CERTIFICATE_ISSUED,
          "serial", Long.toUnsignedString(cert.getSerial()),
          "identity", token.identity(),
          "groups", String.join(",", groups),
          "subject", token.subject(),
          "issuer", token.issuer(),
          "validBefore", java.time.Instant.ofEpochSecond(cert.getValidBefore()).toString(),
          "issuedBy", "oidc",
          "client", client);
    } catch (IOException | IllegalArgumentException e) {
      LOG.error("certificate for {} not issued: {}", token.identity(), e.toString());
      Replies.error(response, callback, 500, "issue-failed", "the certificate could not be issued");
      return;
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("certificate", PublicKeyEntry.toString(cert));
    out.put("identity", token.identity());
    out.set("groups", JSON.valueToTree(groups));
    out.put("validBefore", java.time.Instant.ofEpochSecond(cert.getValidBefore()).toString());
    out.put("serial", Long.toUnsignedString(cert.getSerial()));
    Replies.json(response, callback, 200, out);
  }

  private void refuse(Response response, Callback callback, int status, String reason, String message,
      String identity, String client) {
    audit.tryRecord(AuditCode.AUTH_FAILED, "reason", reason, "detail", message, "identity", identity,
        "client", client, "via", "POST /v1/certificates");
    Replies.error(response, callback, status, reason, message);
  }
}
