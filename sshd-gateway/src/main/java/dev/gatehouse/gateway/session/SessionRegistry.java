package dev.gatehouse.gateway.session;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The sessions running on this gateway, by id. */
public final class SessionRegistry {
  private final Map<String, LiveSession> live = new ConcurrentHashMap<>();

  public void add(LiveSession s) {
    live.put(s.id(), s);
  }

  public void remove(LiveSession s) {
    live.remove(s.id(), s);
  }

  public LiveSession find(String id) {
    return live.get(id);
  }

  public Collection<LiveSession> all() {
    return List.copyOf(live.values());
  }

  public int size() {
    return live.size();
  }
}
