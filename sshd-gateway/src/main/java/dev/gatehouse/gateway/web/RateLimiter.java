package dev.gatehouse.gateway.web;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A token bucket per key (identity or source address): {@code perMinute} requests, bursting to that many. */
final class RateLimiter {
  private final int perMinute;
  private final Clock clock;
  private final Map<String, double[]> buckets = new ConcurrentHashMap<>();

  RateLimiter(int perMinute, Clock clock) {
    this.perMinute = perMinute;
    this.clock = clock;
  }

  boolean allow(String key) {
    long now = clock.millis();
    double[] b = buckets.computeIfAbsent(key, k -> new double[] {perMinute, now});
    synchronized (b) {
      double refill = (now - b[1]) * perMinute / 60_000.0;
      b[0] = Math.min(perMinute, b[0] + refill);
      b[1] = now;
      if (b[0] >= 1) {
        b[0] -= 1;
        return true;
      }
      return false;
    }
  }
}
