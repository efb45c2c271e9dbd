package dev.gatehouse.recorder.search;

import java.util.List;

/** A page of sessions, newest start first; {@code next} is the cursor for the page after, or null. */
public record SearchPage(List<SearchResult> sessions, String next) {
  public SearchPage {
    sessions = List.copyOf(sessions);
  }
}
