package dev.gatehouse.recorder;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What the audit log says about one session's recording, every line of it in file order: its
 * session-start lines, session-end and session-interrupted lines, checkpoints, the index-altered
 * lines a start-up repair wrote, whether retention pruned it. A session starts and ends once, so
 * more than one start or end line means lines were added.
 */
final class SessionLines {
  /** One session-end or session-interrupted line, as far as the checks need it. */
  record EndLine(long seq, String event, String sha256, JsonNode line, long offset, int length) {}

  final List<Long> starts = new ArrayList<>();
  final List<EndLine> ends = new ArrayList<>();
  final List<JsonNode> indexAltered = new ArrayList<>();
  /** Lines in which a start-up found an end line of this session the journal had no head for. */
  final List<JsonNode> unwitnessed = new ArrayList<>();
  final List<JsonNode> checkpoints = new ArrayList<>();
  boolean pruned;

  /** Adds a line about this session (others are ignored). */
  void add(AuditReader.Line l) {
    JsonNode n = l.entry();
    if (n == null) {
      return;
    }
    String event = l.event();
    if (event.equals(ChainScan.END) || event.equals(ChainScan.INTERRUPTED)) {
      ends.add(new EndLine(l.seq(), event, n.path("sha256").asText(null), n, l.offset(), l.length()));
    } else if (event.equals(ChainScan.START)) {
      starts.add(l.seq());
    } else if (event.equals(ChainScan.PRUNED)) {
      pruned = true;
    } else if (event.equals(ChainScan.CHECKPOINT)) {
      checkpoints.add(n);
    } else if (event.equals(ChainScan.INDEX_ALTERED)) {
      indexAltered.add(n);
    } else if (event.equals(ChainScan.UNWITNESSED)) {
      unwitnessed.add(n);
    }
  }

  /** The lowest seq of any of its lines, or -1 when it has none. */
  long firstSeq() {
    long min = Long.MAX_VALUE;
    for (long s : starts) {
      min = Math.min(min, s);
    }
    for (EndLine e : ends) {
      min = Math.min(min, e.seq());
    }
    for (JsonNode n : checkpoints) {
      min = Math.min(min, n.path("seq").asLong(Long.MAX_VALUE));
    }
    return min == Long.MAX_VALUE ? -1 : min;
  }

  /** The seq of the first session-start line, or -1. */
  long startSeq() {
    return starts.isEmpty() ? -1 : starts.get(0);
  }

  /** The first end line (the chain's word on the recording), or null. */
  EndLine firstEnd() {
    return ends.isEmpty() ? null : ends.get(0);
  }

  /** The checkpoint lines before the first end line (all of them while there is none). */
  List<JsonNode> checkpointsBeforeEnd() {
    long before = ends.isEmpty() ? Long.MAX_VALUE : ends.get(0).seq();
    return checkpoints.stream().filter(c -> c.path("seq").asLong() < before).toList();
  }

  /** "seq 3, 9" */
  static String seqs(List<Long> seqs) {
    return String.join(", ", seqs.stream().map(String::valueOf).toList());
  }
}
