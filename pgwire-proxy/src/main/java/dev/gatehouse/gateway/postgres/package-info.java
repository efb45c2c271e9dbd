/**
 * The PostgreSQL wire-protocol (v3) proxy: every statement is judged before the server sees it,
 * and every result is masked before the client sees it. The proxy alone holds the target's
 * credentials.
 *
 * <pre>
 *  client (psql, pgbench, JDBC)        PgProxySession                     PostgreSQL
 *   │ SSLRequest / GSSENCRequest ──────▶ 'N' (already inside SSH / a local socket)
 *   │ StartupMessage (user, db ignored;  │ allow-listed parameters only;
 *   │   options/replication: FATAL) ───▶ │ TCP, TLS (verify-full), SCRAM ───▶ │
 *   │ ◀── AuthenticationOk, ParameterStatus…, proxy's own BackendKeyData, ReadyForQuery
 *   │
 *   │ client→server thread (run()):      │                                   │
 *   │ Query ───────────────────────────▶ │ StatementGate.judge ─ allow ─────▶ │
 *   │                                    │   block/review: a failing stand-in │
 *   │                                    │   statement (aborts a transaction) │
 *   │ Parse/Bind/Describe/Execute… Sync ▶│ buffered to Sync/Flush; every Parse│
 *   │                                    │   and Execute judged; a review is  │
 *   │                                    │   settled per Execute (one use of  │
 *   │                                    │   one approval; twice in a batch:  │
 *   │                                    │   refused); all or none ──────────▶│
 *   │                                    │ a write (maxRowsChanged, RowLimit):│
 *   │                                    │   snapshot; S; check ─ one implicit▶│
 *   │                                    │   transaction: an over-limit check │
 *   │                                    │   fails and the server undoes S    │
 *   │ FunctionCall ─────────────────────▶│ refused like a blocked statement   │
 *   │ CopyData/Done/Fail ───────────────▶│ only while the server is in COPY IN▶│
 *   │                                    │                                   │
 *   │ server→client thread (ServerToClient), in lockstep with Pending steps:  │
 *   │ ◀── RowDescription (masker picks columns by table OID + attnum) ◀───────│
 *   │ ◀── DataRow (masked / content detectors) ◀──────────────────────────────│
 *   │ ◀── a counted Query's results held until its check passed; the hidden  │
 *   │       statements' results swallowed; a failed check → review (held for │
 *   │       approval and re-run, or refused)                                  │
 *   │ ◀── ErrorResponse 42501 "blocked by rule R: reason" in place of the     │
 *   │       stand-in's error; ReadyForQuery with the server's own status      │
 *   │ ◀── Notice/Notification/Error fields through the content detectors     │
 *   │ CancelRequest (fresh connection) ─▶ CancelRegistry ─ server's real keys▶│
 * </pre>
 *
 * <p>Where the client's bytes are pushed by the thread that receives them (an {@code ssh -L}
 * channel's I/O thread: {@link PgProxySession#pushed}), the client→server side runs on that
 * thread after the startup, with no hand-off per statement: {@link ClientInbox} hands a message to
 * the session's own thread only when handling it might wait (a review, a refusal's audit line, a
 * parse of a statement not seen before or a catalog lookup: {@code NoWaiting}, COPY data, a server
 * that has not read what it was sent), and every message
 * after it follows it there, in order, until that thread has caught up.
 *
 * <p>Buffers are bounded: an extended batch up to 64 MiB or 100,000 messages, 1,024 answered
 * units in flight (the client thread waits when the server falls behind), 10,000 named statements
 * and portals. A malformed message ends the session with a FATAL; the gateway goes on.
 */
package dev.gatehouse.gateway.postgres;
