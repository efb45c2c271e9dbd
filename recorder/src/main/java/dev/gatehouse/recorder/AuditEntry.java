package dev.gatehouse.recorder;

import java.time.Instant;
import java.util.Map;

/** One line of the audit log, as appended. */
public record AuditEntry(
    long seq,
    Instant time,
    String code,
    String event,
    Map<String, Object> fields,
    String prev,
    String hash) {}
