package dev.gatehouse.web;

import dev.gatehouse.keys.oidc.AccessTokenVerifier;
import dev.gatehouse.keys.oidc.IdTokenVerifier;
import dev.gatehouse.recorder.AuditCode;
import dev.gatehouse.recorder.ChainWitness;
import dev.gatehouse.recorder.SessionIndex;
import dev.gatehouse.recorder.search.SearchIndex;
import dev.gatehouse.web.login.LoginLinks;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * What the gateway supplies to the web side. {@link #config()} is read on every request, so a
 * reloaded configuration (roles, say) applies at once.
 */
public interface ReplayWebContext {
  WebConfig config();

  /** Checks the ID token of a browser login (also gives the provider's endpoints); null without oidc. */
  IdTokenVerifier idTokens();

  /** Checks bearer access tokens on the JSON API; null without oidc (then bearer tokens are refused). */
  AccessTokenVerifier accessTokens();

  SessionIndex index();

  SearchIndex search();

  /** Recording paths in the index are relative to this. */
  Path dataDir();

  Path auditFile();

  LiveSessions live();

  /**
   * What this gateway process saw of the audit chain: its start-up repair's head (sessions that
   * began before it are not run here) and the heads it wrote to the journal since, checked again.
   */
  ChainWitness chainWitness();

  /** Null when the gateway has no approvals. */
  Approvals approvals();

  /**
   * Whether a credential of {@code identity} that came to be at {@code since} (a browser login, a
   * token's {@code iat}) is covered by a revocation of the identity ({@code ca revoke --identity}).
   */
  boolean revoked(String identity, Instant since) throws IOException;

  /** Writes one audit line (key/value pairs); never throws. */
  void audit(AuditCode code, Object... keyValues);

  /** Writes one audit line, or throws: for what must not happen unaudited (a login). */
  void auditOrFail(AuditCode code, Object... keyValues) throws IOException;

  /** The one-time operator links in the gateway's store ({@code web.localLogin}). */
  LoginLinks loginLinks();
}
