package dev.gatehouse.gateway.session;

import dev.gatehouse.gateway.auth.AuthenticatedUser;

/** A recorded session in progress, as the registry sees it: who, and how to end it. */
public interface LiveSession {
  String id();

  AuthenticatedUser user();

  String target();

  /**
   * Ends the session: the user sees {@code message} (one line), the child is hung up, the
   * recording is closed. {@code reason} is the audit slug (killed, revoked, expired, drain...).
   */
  void terminate(String reason, String message);

  /** A line to the user and a marker in the recording; the session goes on. */
  void warn(String message);

  /** Whether the session has ended (its recording is closed). */
  boolean ended();

  /** Writes a checkpoint of its recording so far to the audit log (see SessionRecording#checkpoint). */
  default void checkpoint() {}
}
