package dev.gatehouse.gateway.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.gateway.Audit;
import dev.gatehouse.keys.CertificateLedger;
import dev.gatehouse.keys.KeyBinding;
import dev.gatehouse.recorder.AuditCode;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A person's own key bindings, for {@code ssh approvals@gw bindings} and {@code unbind}: so that
 * someone whose device-login code was relayed to an attacker can see the attacker's key bound to
 * their name, from which address, and end it.
 *
 * <pre>
 *  ssh approvals@gw bindings [--format json]     every binding of the caller's identity, with state
 *  ssh approvals@gw 'unbind SHA256:… [reason]'   revoke + remove one of them (GH4003W key-unbound)
 * </pre>
 *
 * Only bindings of the caller's own identity are shown or removed; asking for anyone else's key
 * gets the same answer as asking for a key that is bound to nobody.
 */
public final class OwnBindings {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a command printed and its exit status (0, or 77 refused). */
  public record Outcome(int exitCode, String out, String err) {}

  private final CertificateLedger ledger;
  private final Audit audit;

  public OwnBindings(CertificateLedger ledger, Audit audit) {
    this.ledger = ledger;
    this.audit = audit;
  }

  public Outcome list(AuthenticatedUser user, boolean json) throws IOException {
    Instant now = Instant.now();
    List<KeyBinding> mine = ledger.bindings(user.identity());
    if (json) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (KeyBinding b : mine) {
        rows.add(row(b, ledger.state(b, now)));
      }
      return new Outcome(0, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(rows), "");
    }
    if (mine.isEmpty()) {
      return new Outcome(0, "no keys are bound to " + user.identity(), "");
    }
    StringBuilder out = new StringBuilder(String.format("%-8s  %-51s  %-39s  %-20s  %s%n",
        "STATE", "KEY", "BOUND FROM", "BOUND AT", "VALID UNTIL"));
    for (KeyBinding b : mine) {
      out.append(String.format("%-8s  %-51s  %-39s  %-20s  %s%n", ledger.state(b, now).label(), b.keyFingerprint(),
          b.boundFrom().isEmpty() ? "-" : b.boundFrom(), b.boundAt().truncatedTo(ChronoUnit.SECONDS),
          b.validBefore().truncatedTo(ChronoUnit.SECONDS)));
    }
    out.append("End one with: ssh approvals@<gateway> 'unbind <KEY> [reason]'");
    return new Outcome(0, out.toString(), "");
  }

  public Outcome unbind(AuthenticatedUser user, String fingerprint, String reason) throws IOException {
    var found = ledger.binding(fingerprint);
    if (found.isEmpty() || !found.get().identity().equals(user.identity())) {
      return new Outcome(77, "", "gatehouse: refused (no-such-binding): no key " + printable(fingerprint)
          + " is bound to " + user.identity() + "; see: ssh approvals@<gateway> bindings");
    }
    String why = reason == null ? "" : reason;
    // Only a binding of this identity's, in the same statement that removes it: if the key was
    // bound to someone else since the look-up above, nothing is removed.
    var removed = ledger.unbindKey(fingerprint, user.identity(), why, "owner:" + user.identity());
    if (removed.isEmpty()) {
      return new Outcome(77, "", "gatehouse: refused (no-such-binding): key " + printable(fingerprint) + " was unbound meanwhile");
    }
    KeyBinding b = removed.get();
    audit.tryRecord(AuditCode.KEY_UNBOUND, "fingerprint", b.keyFingerprint(), "identity", b.identity(),
        "serial", Long.toUnsignedString(b.serial()), "boundFrom", b.boundFrom(), "by", user.identity(), "via", "ssh",
        "client", user.clientAddress(), "reason", why);
    return new Outcome(0, "unbound " + b.keyFingerprint() + " (serial " + Long.toUnsignedString(b.serial())
        + "); sessions that use it end within a second", "");
  }

  /** The JSON form of a binding, also for {@code gatehouse ca bindings --format json}. */
  public static Map<String, Object> row(KeyBinding b, KeyBinding.State state) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("serial", Long.toUnsignedString(b.serial()));
    m.put("fingerprint", b.keyFingerprint());
    m.put("identity", b.identity());
    m.put("groups", b.groups());
    m.put("state", state.label());
    m.put("boundAt", b.boundAt().toString());
    m.put("validBefore", b.validBefore().toString());
    m.put("boundFrom", b.boundFrom());
    return m;
  }

  private static String printable(String s) {
    return DeviceLoginAttempt.printable(s);
  }
}
