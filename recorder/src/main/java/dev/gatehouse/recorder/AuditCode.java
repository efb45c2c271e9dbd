package dev.gatehouse.recorder;

/**
 * Stable audit codes. Scripts and SIEM rules match on the code, so a code never changes meaning; a
 * new kind of event gets a new code. The last letter is the severity: I info, W warning, E error.
 */
public enum AuditCode {
  AUTH_OK("GH1000I", "auth-ok", "a user authenticated"),
  AUTH_FAILED("GH1001W", "auth-failed", "authentication failed; field reason is a slug"),
  CONNECTION_REFUSED("GH1002W", "connection-refused", "a connection was refused by limits"),
  LOCAL_LOGIN(
      "GH1003I", "local-login",
      "the bastion's operator logged in to the web with a one-time link (web.localLogin); carries linkId, issuedBy"),
  LOCAL_LOGIN_FAILED(
      "GH1004W", "local-login-failed",
      "a one-time operator link was refused; field reason is a slug (token-unknown, token-used, token-expired,"
          + " local-login-off)"),
  LOCAL_LOGIN_LINK(
      "GH1005I", "local-login-link",
      "a one-time operator link was made (gatehouse serve, gatehouse web login-link); carries linkId, expiresAt, via,"
          + " never the link"),
  SESSION_START("GH2000I", "session-start", "a session to a target started"),
  SESSION_END("GH2001I", "session-end", "a session ended; carries sessionId and sha256"),
  SESSION_KILLED("GH2002W", "session-killed", "a session was ended by an operator"),
  SESSION_INTERRUPTED(
      "GH2003W", "session-interrupted",
      "a session was cut by a gateway crash; found at start and its recording repaired: carries sha256 (after the"
          + " repair) and what the repair found (foundSha256, foundSize, size)"),
  RECORDING_FAILED("GH2004E", "recording-failed", "writing the recording failed; session ended"),
  TARGET_FAILED(
      "GH2005W", "target-failed", "the target could not be reached or refused the gateway (reason slug)"),
  STATEMENT_ALLOWED("GH3000I", "statement-allowed", "policy allowed a statement or command"),
  STATEMENT_BLOCKED("GH3001W", "statement-blocked", "policy blocked a statement or command"),
  REVIEW_REQUESTED(
      "GH3002I", "review-requested", "a statement, command or access waits for approval; carries requestId"),
  CERTIFICATE_ISSUED("GH4000I", "certificate-issued", "a user certificate was issued"),
  CERTIFICATE_REVOKED("GH4001W", "certificate-revoked", "a certificate was revoked"),
  GATEWAY_START("GH5000I", "gateway-start", "the gateway started"),
  GATEWAY_STOP("GH5001I", "gateway-stop", "the gateway stopped"),
  AUDIT_CHAIN_HEAD("GH5002I", "audit-chain-head", "periodic record of the chain head"),
  KEY_BOUND("GH4002I", "key-bound", "a plain key was bound to an identity after a device login"),
  KEY_UNBOUND(
      "GH4003W", "key-unbound",
      "a key binding was removed and its serial revoked, by its owner (via ssh) or an operator (ca unbind)"),
  RECORDING_PRUNED(
      "GH2006I", "recording-pruned", "retention removed a finished recording; carries sessionId and sha256"),
  SESSION_REFUSED("GH2007W", "session-refused", "a session was refused before it started (reason slug)"),
  SHELL_GUARD_SUSPENDED(
      "GH3020I", "shell-guard-suspended",
      "an approved nested shell or interpreter runs: its input is not judged until the guarded prompt returns"
          + " (state suspended) or it did return (state resumed)"),
  SHELL_GUARD_LOST(
      "GH3021W", "shell-guard-lost",
      "the guarded shell started a command the gateway did not hand it, or its prompt integration never started"
          + " (reason slug); mode end: the session ends; mode screen (onGuardLost: screen, integration never"
          + " started): the session goes on with lines judged from the screen"),
  APPROVAL_DECIDED(
      "GH3003I", "approval-decided", "an approver approved or denied a request; carries requestId, approver, via"),
  APPROVAL_USED(
      "GH3004I", "approval-used", "a statement ran, or a session opened, under an approval; names the approvers"),
  APPROVAL_REFUSED(
      "GH3005W", "approval-refused", "a decision was refused (reason slug: self-approval, not-an-approver, ...)"),
  APPROVAL_CLOSED(
      "GH3006I", "approval-closed", "a request ended without a decision: expired or cancelled (reason slug)"),
  RECORDING_CHECKPOINT(
      "GH2009I", "recording-checkpoint",
      "a live session's recording so far (every minute): sessionId, size, sha256 of its first size bytes; a"
          + " recording cut by a crash is checked against its last one"),
  SESSION_INDEX_ALTERED(
      "GH2008W", "session-index-altered",
      "at start the index called a session active although the audit log had already ended it: the recording was"
          + " left as found and the row restored from the end line; carries what was found"),
  SESSION_END_UNWITNESSED(
      "GH2010W", "session-end-unwitnessed",
      "at start a session's end line was found after the last chain head the gateway had logged to the journal"
          + " (written after that point: a gateway stopped before logging its head, or the line was added while none"
          + " ran): the chain cannot vouch for it; carries endSeq, endEvent, endSha256, journaledSeq, recordingSha256"),
  AUDIT_CHAIN_REWRITTEN(
      "GH5003E", "audit-chain-rewritten",
      "a line whose hash the gateway had logged to the journal was changed or removed; carries lineSeq, expectedHash and detail"),
  MCP_TOOL_CALL(
      "GH3008I", "mcp-tool-call",
      "an agent called a tool of the MCP server: sessionId, identity, tool, target, arguments (the statement or"
          + " command; never secrets), verdict (allow, block, review, pending, denied, expired, error), rule, reason"),
  STATEMENT_ERROR_HIDDEN(
      "GH3007I", "statement-error-hidden",
      "an error or notice about a statement touching a masked column reached the client with its SQLSTATE only;"
          + " carries the original text (field error)"),
  PORT_FORWARD_ENDED(
      "GH3009I", "port-forward-ended",
      "a kubectl port-forward through the Kubernetes proxy ended; carries request, bytesToPod and bytesFromPod (the"
          + " forwarded connections' bytes, counted, never recorded) and durationMs");

  private final String code;
  private final String event;
  private final String meaning;

  AuditCode(String code, String event, String meaning) {
    this.code = code;
    this.event = event;
    this.meaning = meaning;
  }

  public String code() {
    return code;
  }

  public String event() {
    return event;
  }

  public String meaning() {
    return meaning;
  }

  @Override
  public String toString() {
    return code;
  }
}
