package dev.gatehouse.gateway.session;

import java.io.IOException;

/**
 * Thrown to a pump that hands the recording an event after the session began to close it: the
 * event can no longer be written, so the pump must not show it either. Not a write failure: the
 * session is ending already, and nothing more is audited for it.
 */
public final class RecordingEnded extends IOException {
  private static final long serialVersionUID = 1L;

  RecordingEnded(String sessionId) {
    super("the recording of session " + sessionId + " is closing: nothing more is recorded or shown");
  }
}
