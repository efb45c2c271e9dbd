package dev.gatehouse.web.login;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Browser sessions, server side, in memory: the cookie carries only a random 256-bit id. A session
 * ends after {@code idle} without a request and after {@code max} in any case; a gateway restart
 * ends them all (users log in again, the IdP usually remembers them). At most {@link #MAX}
 * sessions; past that, expired ones are swept and then the oldest dropped.
 */
public final class WebSessions {
  static final int MAX = 10_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  private record Entry(WebSession session, Instant lastSeen) {}

  private final Map<String, Entry> sessions = new ConcurrentHashMap<>();
  private final Supplier<Duration> idle;
  private final Supplier<Duration> max;
  private final Clock clock;

  public WebSessions(Supplier<Duration> idle, Supplier<Duration> max, Clock clock) {
    this.idle = idle;
    this.max = max;
    this.clock = clock;
  }

  public WebSession create(String identity, List<String> groups) {
    return create(identity, groups, false);
  }

  /** A session of the bastion's operator, from a one-time link ({@link WebSession#operator()}). */
  public WebSession createOperator(String identity) {
    return create(identity, List.of(), true);
  }

  private WebSession create(String identity, List<String> groups, boolean operator) {
    Instant now = clock.instant();
    if (sessions.size() >= MAX) {
      sweep(now);
      while (sessions.size() >= MAX) {
        sessions.entrySet().stream().min((a, b) -> a.getValue().session().created().compareTo(b.getValue().session().created()))
            .ifPresent(e -> sessions.remove(e.getKey()));
      }
    }
    WebSession s = new WebSession(random(), identity, groups, random(), now, operator);
    sessions.put(s.id(), new Entry(s, now));
    return s;
  }

  /** The live session with this id (and marks it used), or null. */
  public WebSession find(String id) {
    if (id == null) {
      return null;
    }
    Entry e = sessions.get(id);
    if (e == null) {
      return null;
    }
    Instant now = clock.instant();
    if (expired(e, now)) {
      sessions.remove(id, e);
      return null;
    }
    sessions.replace(id, e, new Entry(e.session(), now));
    return e.session();
  }

  /** Ends every session {@code which} selects at once; returns how many. */
  public int removeIf(Predicate<WebSession> which) {
    int[] n = {0};
    sessions.values().removeIf(e -> {
      boolean drop = which.test(e.session());
      n[0] += drop ? 1 : 0;
      return drop;
    });
    return n[0];
  }

  public void remove(String id) {
    if (id != null) {
      sessions.remove(id);
    }
  }

  private boolean expired(Entry e, Instant now) {
    return !now.isBefore(e.lastSeen().plus(idle.get())) || !now.isBefore(e.session().created().plus(max.get()));
  }

  private void sweep(Instant now) {
    sessions.entrySet().removeIf(e -> expired(e.getValue(), now));
  }

  /** 256 random bits, base64url. */
  static String random() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
