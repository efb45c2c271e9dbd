/**
 * The replay web: OIDC login, the JSON API over the session index, recordings and approvals, the
 * live view, metrics and the UI's pages. Knows the recorder and the keys' token checks, never SSH.
 *
 * <pre>
 *  request ─▶ Router ─▶ login.Authenticator (Bearer JWT | gh_session cookie) ─▶ CSRF on POST
 *          ├─▶ SessionsApi ─▶ SearchIndex (FTS5) / IntegrityCheck / RecordingDownload (Range, streamed)
 *          ├─▶ LiveTail (WebSocket, follows the .cast file)
 *          ├─▶ ApprovalsApi ─▶ Approvals (the gateway's desk)
 *          └─▶ Pages (classpath web/), Metrics (fed by the audit stream)
 * </pre>
 */
package dev.gatehouse.web;
