/**
 * Policy: SQL classification, rules, verdicts and masking detectors. Knows no SSH, no sockets and
 * no recordings (an enforcer rule bans {@code org.apache.sshd}).
 *
 * <pre>
 *  query string ──▶ SqlLexer ──▶ statements (split at ; outside quotes, $tag$, comments)
 *                                  │ each: fingerprint (literals → ?) ─▶ cache hit? ──┐
 *                                  ▼                                               │
 *                          StatementAnalyzer: kind by leading keywords (lexer),     │
 *                          function net, nested DML net, WHERE/ON by JSqlParser     │
 *                          (SqlParsing: time limit, own daemon pool)               │
 *                                  ▼                                               │
 *                          Analysis (kind, tables, functions, findings) ◀──────────┘
 *                                  ▼
 *                          SqlPolicy: block / review lists, operator rules, unclassified
 *                                  ▼
 *                          StatementVerdict … ─▶ Judgement (strictest)
 * </pre>
 *
 * <p>Statement kinds: select, insert, update, delete, merge, ddl, role, grant, truncate, set,
 * reset, show, copy, do, prepare, execute, deallocate, begin, commit, rollback, savepoint,
 * release, declare, fetch, move, close, listen, notify, unlisten, explain, call, maintenance,
 * lock, discard, load, system, unclassified ({@link dev.gatehouse.policy.StatementKinds}).
 */
package dev.gatehouse.policy;
