package dev.gatehouse.web.login;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebSessionsTest {
  static final class Ticking extends Clock {
    Instant now = Instant.parse("2026-11-29T07:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void aSessionEndsAfterIdleTimeAndAfterItsMaximumAge() {
    Ticking clock = new Ticking();
    WebSessions sessions = new WebSessions(() -> Duration.ofMinutes(30), () -> Duration.ofHours(2), clock);
    WebSession s = sessions.create("alice@example.com", List.of("dev"));
    assertThat(s.id()).hasSize(43).isNotEqualTo(s.csrf());
    clock.now = clock.now.plus(Duration.ofMinutes(29));
    assertThat(sessions.find(s.id())).isEqualTo(s);
    clock.now = clock.now.plus(Duration.ofMinutes(29)); // used 29 minutes ago: still alive
    assertThat(sessions.find(s.id())).isEqualTo(s);
    clock.now = clock.now.plus(Duration.ofMinutes(30));
    assertThat(sessions.find(s.id())).isNull();

    WebSession t = sessions.create("bob@example.com", List.of());
    for (int i = 0; i < 5; i++) {
      clock.now = clock.now.plus(Duration.ofMinutes(25));
      sessions.find(t.id());
    }
    assertThat(sessions.find(t.id())).as("past the 2h maximum even when busy").isNull();
    assertThat(sessions.find("forged")).isNull();
  }
}
