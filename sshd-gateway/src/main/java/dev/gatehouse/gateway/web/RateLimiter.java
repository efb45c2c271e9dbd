package dev.gatehouse.gateway.web;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per key (identity or source address): {@code perMinute} requests, bursting to that
 * many. The map of buckets is bounded: a bucket idle for a minute is full again, the same as none,
 * so past {@link #MAX_KEYS} keys those are dropped; if that many keys were all used within the last
 * minute (a flood from that many addresses), a new key is refused until some go quiet.
 */
final class RateLimiter {
  static final int MAX_KEYS = 100_000;
  private static final long REFILL_MS = 60_000;

  private final int perMinute;
  private final Clock clock;
  private final Map<String, double[]> buckets = new ConcurrentHashMap<>();
  private volatile long lastSweep = Long.MIN_VALUE / 2;

  RateLimiter(int perMinute, Clock clock) {
    this.perMinute = perMinute;
    this.clock = clock;
  }

  boolean allow(String key) {
    long now = clock.millis();
    double[] b = buckets.get(key);
    if (b == null) {
      if (buckets.size() >= MAX_KEYS) {
        // A sweep walks every bucket: at most one a second, whatever the flood.
        if (now - lastSweep < 1000) {
          return false;
        }
        lastSweep = now;
        buckets.values().removeIf(x -> {
          synchronized (x) {
            return now - x[1] >= REFILL_MS;
          }
        });
        if (buckets.size() >= MAX_KEYS) {
          return false;
        }
      }
      b = buckets.computeIfAbsent(key, k -> new double[] {perMinute, now});
    }
    synchronized (b) {
      double refill = (now - b[1]) * perMinute / (double) REFILL_MS;
      b[0] = Math.min(perMinute, b[0] + refill);
      b[1] = now;
      if (b[0] >= 1) {
        b[0] -= 1;
        return true;
      }
      return false;
    }
  }

  int keys() {
    return buckets.size();
  }
}
