/**
 * OpenID Connect ID token verification: the first step of exchanging a login at the company's
 * identity provider for a short-lived SSH certificate.
 *
 * <pre>
 *  login client / device flow ──► IdP ──► ID token (JWT, minutes)
 *  POST /v1/certificates {idToken} ──► IdTokenVerifier.verify
 *      parse, alg allow-list (asymmetric only) ──► iss == oidc.issuer
 *      ──► OidcProvider: discovery + JWKS (cached; unknown kid ⇒ re-fetch ≤ 1/30 s; fail closed)
 *      ──► signature ──► aud/azp ──► exp, nbf, iat fresh (skew) ──► identity, groups
 *      ──► ReplayGuard.firstUse(jti) (SQLite, shared by processes)
 *      ──► VerifiedToken | TokenRejected(reason slug)
 * </pre>
 *
 * <p>Knows nimbus (JOSE, OIDC discovery), never the SSH server or the web layer.
 */
package dev.gatehouse.keys.oidc;
