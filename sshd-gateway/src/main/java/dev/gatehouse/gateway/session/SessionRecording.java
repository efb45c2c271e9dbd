package dev.gatehouse.gateway.session;

import dev.gatehouse.gateway.Audit;
import dev.gatehouse.gateway.auth.AuthenticatedUser;
import dev.gatehouse.recorder.AsciicastWriter;
import dev.gatehouse.recorder.AuditCode;
import dev.gatehouse.recorder.ClosedRecording;
import dev.gatehouse.recorder.RecordingCheckpoint;
import dev.gatehouse.recorder.RecordingHeader;
import dev.gatehouse.recorder.Recordings;
import dev.gatehouse.recorder.SessionIndex;
import dev.gatehouse.recorder.SessionRecord;
import dev.gatehouse.recorder.SessionState;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * One session's recording and its index row and audit lines, opened before the target starts
 * (nothing runs unrecorded) and closed exactly once.
 */
public final class SessionRecording {
  private final String id;
  private final Path dataDir;
  private final AsciicastWriter writer;
  private final SessionIndex index;
  private final Audit audit;
  private final AuthenticatedUser user;
  private final String target;
  private final boolean recordInput;
  private final RecordingFeed feed;
  private volatile ClosedRecording closed;
  private volatile java.util.Map<String, Long> masked; // null: the session's output was not masked

  private SessionRecording(
      String id, Path dataDir, AsciicastWriter writer, SessionIndex index, Audit audit,
      AuthenticatedUser user, String target, boolean recordInput) {
    this.id = id;
    this.dataDir = dataDir;
    this.writer = writer;
    this.index = index;
    this.audit = audit;
    this.user = user;
    this.target = target;
    this.recordInput = recordInput;
    this.feed = new RecordingFeed(writer, id);
  }

  /**
   * Opens the recording file, the index row and the session-start audit line; any failure refuses
   * the session. {@code command} is an exec session's command (null when interactive).
   */
  public static SessionRecording open(
      Path dataDir, SessionIndex index, Audit audit, String id, AuthenticatedUser user, String target,
      int columns, int rows, String term, String title, boolean recordInput, String command) throws IOException {
    Instant start = Instant.now();
    Path file = Recordings.pathFor(dataDir, id, start);
    AsciicastWriter writer =
        AsciicastWriter.create(
            file,
            new RecordingHeader(columns, rows, start, term, title, id, user.identity(), target, user.clientAddress()));
    try {
      index.started(
          new SessionRecord(
              id, user.identity(), target, user.clientAddress(), start, null, null, 0,
              dataDir.relativize(file).toString(), null, SessionState.ACTIVE, null, command));
      audit.record(
          AuditCode.SESSION_START,
          "sessionId", id,
          "identity", user.identity(),
          "target", target,
          "client", user.clientAddress(),
          "serial", Long.toUnsignedString(user.serial()),
          "recording", dataDir.relativize(file).toString());
    } catch (IOException | RuntimeException e) {
      try {
        writer.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    return new SessionRecording(id, dataDir, writer, index, audit, user, target, recordInput);
  }

  public String id() {
    return id;
  }

  public void output(byte[] b, int off, int len) throws IOException {
    feed.output(b, off, len);
  }

  public void input(byte[] b, int off, int len) throws IOException {
    if (recordInput) {
      feed.input(b, off, len);
    }
  }

  public void resize(int columns, int rows) throws IOException {
    feed.resize(columns, rows);
  }

  public void marker(String label) throws IOException {
    feed.marker(label);
  }

  /**
   * Writes a {@code recording-checkpoint} line: the size and SHA-256 of what is on disk so far. A
   * recording cut by a crash is checked against its last one, so that whoever can write the data
   * directory cannot change what was recorded before it unseen. Nothing once closed.
   */
  public synchronized void checkpoint() {
    if (closed != null) {
      return;
    }
    RecordingCheckpoint c = writer.checkpoint();
    if (c != null) {
      audit.recordLater(AuditCode.RECORDING_CHECKPOINT, "sessionId", id, "size", c.size(), "sha256", c.sha256());
    }
  }

  /**
   * The values the session's output masking replaced, by detector: the session-end line carries
   * them as {@code masked} (a session whose output was not masked has no such field).
   */
  public void maskedValues(java.util.Map<String, Long> byDetector) {
    masked = java.util.Map.copyOf(byDetector);
  }

  /** Closes the file, writes the index row and the session-end audit line (with the file's SHA-256). */
  public synchronized void close(Integer exitStatus, String signal, String endReason) {
    if (closed != null) {
      return;
    }
    SessionState state = SessionState.CLOSED;
    String sha = null;
    audit.flush(); // the session's statement lines before its session-end line
    try {
      feed.finish();
    } catch (IOException e) {
      state = SessionState.INTERRUPTED;
      audit.tryRecord(AuditCode.RECORDING_FAILED, "sessionId", id, "error", e.getMessage());
    }
    long bytes = writer.bytesWritten();
    try {
      closed = writer.close();
      sha = closed.sha256();
      bytes = closed.outputBytes();
    } catch (IOException e) {
      state = SessionState.INTERRUPTED;
      audit.tryRecord(AuditCode.RECORDING_FAILED, "sessionId", id, "error", e.getMessage());
    }
    try {
      index.ended(id, Instant.now(), exitStatus, signal, bytes, sha, state);
    } catch (IOException e) {
      audit.tryRecord(AuditCode.RECORDING_FAILED, "sessionId", id, "error", "index: " + e.getMessage());
    }
    Object[] fields = {
        "sessionId", id,
        "identity", user.identity(),
        "target", target,
        "exitStatus", exitStatus,
        "signal", signal,
        "reason", endReason,
        "bytes", bytes,
        "sha256", sha};
    java.util.Map<String, Long> m = masked;
    if (m != null) {
      fields = java.util.Arrays.copyOf(fields, fields.length + 2);
      fields[fields.length - 2] = "masked";
      fields[fields.length - 1] = new java.util.TreeMap<>(m);
    }
    audit.tryRecord(AuditCode.SESSION_END, fields);
  }

  Path dataDir() {
    return dataDir;
  }
}
