package dev.gatehouse.recorder.search;

import dev.gatehouse.recorder.SessionRecord;
import java.util.List;

/** One session in a page of results: its index row, whether it was flagged, and its hits. */
public record SearchResult(SessionRecord session, boolean flagged, List<SearchHit> hits) {
  public SearchResult {
    hits = List.copyOf(hits);
  }
}
