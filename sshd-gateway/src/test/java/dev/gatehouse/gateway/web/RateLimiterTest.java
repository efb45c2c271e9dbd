package dev.gatehouse.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  static final class Manual extends Clock {
    long millis = Instant.parse("2026-11-29T07:00:00Z").toEpochMilli();

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
      return Instant.ofEpochMilli(millis);
    }
  }

  @Test
  void aKeyGetsItsBurstThenOneRequestPerRefill() {
    Manual clock = new Manual();
    RateLimiter limiter = new RateLimiter(30, clock);
    for (int i = 0; i < 30; i++) {
      assertThat(limiter.allow("10.0.0.1")).isTrue();
    }
    assertThat(limiter.allow("10.0.0.1")).isFalse();
    assertThat(limiter.allow("10.0.0.2")).as("another key has its own bucket").isTrue();
    clock.millis += 2_000;
    assertThat(limiter.allow("10.0.0.1")).isTrue();
    assertThat(limiter.allow("10.0.0.1")).isFalse();
  }

  @Test
  void requestsFromEverMoreAddressesDoNotGrowTheMapWithoutBound() {
    Manual clock = new Manual();
    RateLimiter limiter = new RateLimiter(30, clock);
    // A flood from distinct addresses (an IPv6 /64 has 2^64 of them), one request each, every 10 ms.
    for (int i = 0; i < 3 * RateLimiter.MAX_KEYS; i++) {
      limiter.allow("2001:db8::" + Integer.toHexString(i));
      clock.millis += 10;
      assertThat(limiter.keys()).isLessThanOrEqualTo(RateLimiter.MAX_KEYS);
    }
    // The addresses of the last minute are remembered: one of them is still limited after its burst.
    String recent = "2001:db8::" + Integer.toHexString(3 * RateLimiter.MAX_KEYS - 1);
    int allowed = 0;
    while (limiter.allow(recent)) {
      allowed++;
    }
    assertThat(allowed).isEqualTo(29);
  }

  @Test
  void whenEveryRememberedKeyIsRecentANewKeyIsRefused() {
    Manual clock = new Manual();
    RateLimiter limiter = new RateLimiter(30, clock);
    for (int i = 0; i < RateLimiter.MAX_KEYS; i++) {
      assertThat(limiter.allow("k" + i)).isTrue();
    }
    assertThat(limiter.allow("newcomer")).isFalse();
    assertThat(limiter.allow("k1")).as("known keys keep their bucket").isTrue();
    clock.millis += 60_000;
    assertThat(limiter.allow("newcomer")).as("once the flood's keys are a minute quiet").isTrue();
  }
}
