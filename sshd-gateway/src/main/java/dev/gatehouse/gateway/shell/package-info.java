/**
 * The shell guard on {@code command} and {@code ssh} targets: an exec request's command is judged
 * by the target's {@code type: shell} policy before anything runs.
 *
 * <pre>
 *  ssh web-1@gw 'CMD' ─▶ GatewayChannel (raw bytes: not UTF-8 or a NUL ─▶ 65)
 *                     ─▶ ExecGuard: ShellJudge (bash grammar, every command)
 *                          allow  ─▶ audit GH3000I, marker ─▶ the target runs CMD
 *                          block  ─▶ audit GH3001W, marker, "gatehouse: blocked by rule R: …" ─▶ 77
 *                          review ─▶ ApprovalGate (bound to the exact text):
 *                                      approved ─▶ runs │ denied/expired ─▶ 75 │ NOWAIT ─▶ 76
 *                                      no approvers ─▶ 77
 * </pre>
 */
package dev.gatehouse.gateway.shell;
