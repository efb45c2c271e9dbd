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
 *
 * Interactively, {@link dev.gatehouse.gateway.shell.GuardedShell} owns bash's prompt (exact);
 * where no guarded prompt comes up and the policy says {@code onGuardLost: screen},
 * {@link dev.gatehouse.gateway.shell.ScreenShell} judges each line as a {@link
 * dev.gatehouse.gateway.shell.ScreenModel} of the user's screen shows it at Enter (a guardrail).
 */
package dev.gatehouse.gateway.shell;
