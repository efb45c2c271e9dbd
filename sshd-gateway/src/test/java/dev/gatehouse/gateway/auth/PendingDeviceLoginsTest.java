package dev.gatehouse.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The limits on waiting device logins: overall, per address, one per key; places come back. */
class PendingDeviceLoginsTest {
  @Test
  void overallThenPerAddressThenPerKeyAndReleasedPlacesComeBack() {
    PendingDeviceLogins p = new PendingDeviceLogins(3, 2);
    var a = (PendingDeviceLogins.Admitted) p.admit("loopback", "SHA256:a");
    assertThat(p.admit("loopback", "SHA256:b")).isInstanceOf(PendingDeviceLogins.Admitted.class);
    assertThat(((PendingDeviceLogins.Refused) p.admit("loopback", "SHA256:c")).reason())
        .isEqualTo("device-login-busy-address");
    assertThat(((PendingDeviceLogins.Refused) p.admit("192.0.2.7", "SHA256:a")).reason())
        .isEqualTo("device-login-key-pending");
    assertThat(p.admit("192.0.2.7", "SHA256:d")).isInstanceOf(PendingDeviceLogins.Admitted.class);
    var full = (PendingDeviceLogins.Refused) p.admit("198.51.100.1", "SHA256:e");
    assertThat(full.reason()).isEqualTo("device-login-busy");
    assertThat(full.message()).contains("oidc.deviceLogin.maxPending 3");
    assertThat(p.waiting()).isEqualTo(3);

    a.ticket().release();
    a.ticket().release(); // idempotent: a place is given back once
    assertThat(p.waiting()).isEqualTo(2);
    assertThat(p.admit("loopback", "SHA256:a")).isInstanceOf(PendingDeviceLogins.Admitted.class);
    assertThat(p.admit("198.51.100.1", "SHA256:e")).isInstanceOf(PendingDeviceLogins.Refused.class);
  }
}
