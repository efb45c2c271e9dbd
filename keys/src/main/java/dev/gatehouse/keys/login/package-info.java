/**
 * The {@code gatehouse login} client: an OIDC login (authorization code with PKCE on a loopback
 * redirect, or the device grant) whose ID token buys an SSH certificate from the gateway, stored
 * beside an ed25519 key under {@code ~/.gatehouse} with an ssh_config snippet so plain {@code ssh}
 * works.
 *
 * <pre>
 *  Login ──GatewayClient──▶ /v1/config ──ProviderDiscovery──▶ AuthorizationCodeFlow | DeviceFlow
 *        ──LoginFiles (key)──▶ GatewayClient /v1/certificates ──LoginFiles──▶ cert, known_hosts, ssh_config
 * </pre>
 *
 * Knows HTTP, OIDC and OpenSSH files; never the gateway's server or sessions.
 */
package dev.gatehouse.keys.login;
