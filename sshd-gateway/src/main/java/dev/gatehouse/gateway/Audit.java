package dev.gatehouse.gateway;

import dev.gatehouse.recorder.AuditCode;
import dev.gatehouse.recorder.AuditLog;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's side of the audit log: one call per event, fields as alternating key/value
 * pairs. {@link #record} throws so callers that must fail closed can (a login that cannot be
 * audited is refused); {@link #tryRecord} is for events on paths that are ending anyway.
 */
public final class Audit {
  private static final Logger LOG = LoggerFactory.getLogger(Audit.class);
  private final AuditLog log;

  public Audit(AuditLog log) {
    this.log = log;
  }

  public void record(AuditCode code, Object... keyValues) throws IOException {
    log.append(code.code(), code.event(), fields(keyValues));
  }

  public void tryRecord(AuditCode code, Object... keyValues) {
    try {
      record(code, keyValues);
    } catch (IOException | RuntimeException e) {
      LOG.error("audit log write failed for {}: {}", code.event(), e.toString());
    }
  }

  public AuditLog log() {
    return log;
  }

  private static Map<String, Object> fields(Object... kv) {
    if (kv.length % 2 != 0) {
      throw new IllegalArgumentException("audit fields come in key/value pairs");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      if (kv[i + 1] != null) {
        m.put((String) kv[i], kv[i + 1]);
      }
    }
    return m;
  }
}
