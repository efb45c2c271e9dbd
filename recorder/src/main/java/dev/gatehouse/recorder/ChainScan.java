package dev.gatehouse.recorder;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * One pass over the audit chain, line by line as {@link AuditReader} gives them: what {@code
 * sessions verify} checks of the chain itself (each line's form, seqs 1, 2, 3..., each prev the hash
 * of the line before, each hash recomputing, the journal's heads in place) and the lines a gateway
 * wrote on finding the chain rewritten. Lines about a session go to {@code sessionLine}, which keeps
 * what its caller needs (verify: the lines; the replay page's index: their offsets). The same code
 * for both, so the page cannot see a chain that verify would not.
 */
final class ChainScan implements AuditReader.LineVisitor {
  static final String START = AuditCode.SESSION_START.event();
  static final String END = AuditCode.SESSION_END.event();
  static final String INTERRUPTED = AuditCode.SESSION_INTERRUPTED.event();
  static final String INDEX_ALTERED = AuditCode.SESSION_INDEX_ALTERED.event();
  static final String REWRITTEN = AuditCode.AUDIT_CHAIN_REWRITTEN.event();
  static final String PRUNED = AuditCode.RECORDING_PRUNED.event();
  static final String CHECKPOINT = AuditCode.RECORDING_CHECKPOINT.event();
  static final String UNWITNESSED = AuditCode.SESSION_END_UNWITNESSED.event();
  /** The events that say something about one session's recording. */
  static final Set<String> SESSION_EVENTS =
      Set.of(START, END, INTERRUPTED, INDEX_ALTERED, PRUNED, CHECKPOINT, UNWITNESSED);
  /**
   * The lines that settle what a session's recording rests on: the gateway logs the chain head to
   * the journal right after each of them, with that line's own seq.
   */
  static final Set<String> SEALED_SESSION_EVENTS = Set.of(END, INTERRUPTED, INDEX_ALTERED, UNWITNESSED);

  /** Problems of the chain itself, in file order: each names its seq and line. */
  final List<String> problems = new ArrayList<>();
  /**
   * A line in which a gateway recorded that it found the chain rewritten: no line up to {@code
   * upToSeq} (the witnessed line found changed) can be trusted.
   */
  record Rewritten(long upToSeq, String text) {}

  /** Lines in which a gateway recorded that it found the chain rewritten. */
  final List<Rewritten> rewritten = new ArrayList<>();
  long lines;
  ChainHead last = ChainHead.empty();
  private final BiConsumer<String, AuditReader.Line> sessionLine;
  /** The journal's heads by seq (verify with --journal), and which of them were found. */
  private final TreeMap<Long, Set<String>> wanted = new TreeMap<>();
  final Set<Long> matched = new HashSet<>();

  /** A line that ends a session (or records a finding about one) with no journal head at its seq. */
  record Unwitnessed(long seq, String event, String sessionId) {}

  /**
   * With journal heads: the sealed session lines at or after the journal's first head that the
   * journal has no head for (each should have one at exactly its own seq), in file order.
   */
  final List<Unwitnessed> unwitnessed = new ArrayList<>();
  /** Sealed session lines before the journal's first head: the journal cannot speak for them. */
  long beforeJournal;

  ChainScan(List<ChainHead> journalHeads, BiConsumer<String, AuditReader.Line> sessionLine) {
    this.sessionLine = sessionLine;
    for (ChainHead h : journalHeads) {
      if (h.seq() > 0) {
        wanted.computeIfAbsent(h.seq(), k -> new LinkedHashSet<>()).add(h.hash());
      }
    }
  }

  TreeMap<Long, Set<String>> wanted() {
    return wanted;
  }

  @Override
  public void line(AuditReader.Line l) throws IOException {
    lines++;
    long expectedSeq = last.seq() + 1;
    JsonNode n = l.entry();
    if (n == null) {
      problems.add("audit seq " + expectedSeq + " (line " + l.number() + "): " + l.problem());
      return;
    }
    long seq = n.get("seq").asLong();
    if (l.problem() != null) {
      problems.add("audit seq " + seq + " (line " + l.number() + "): " + l.problem());
    }
    String hash = n.get("hash").asText();
    String prev = n.path("prev").asText();
    if (seq != expectedSeq) {
      problems.add("audit seq " + seq + " (line " + l.number() + "): expected seq " + expectedSeq
          + "; a line is missing, duplicated or out of order");
    }
    if (!prev.equals(last.hash())) {
      problems.add("audit seq " + seq + " (line " + l.number()
          + "): prev does not match the hash of the line before (seq " + last.seq() + ")");
    }
    if (!AuditLog.hashOf(prev, n).equals(hash)) {
      problems.add("audit seq " + seq + " (line " + l.number() + "): hash does not match its contents (edited)");
    }
    Set<String> journal = wanted.get(seq);
    if (journal != null && matched.add(seq)) {
      for (String h : journal) {
        if (!h.equals(hash)) {
          problems.add("audit seq " + seq + " (line " + l.number() + ") has hash " + hash
              + " but the journal recorded " + h + ": the chain was rewritten at or before this line");
        }
      }
    }
    String event = l.event();
    if (event.equals(REWRITTEN)) {
      rewritten.add(new Rewritten(n.path("lineSeq").asLong(Long.MAX_VALUE),
          "audit seq " + seq + ": a gateway found the audit chain rewritten: " + n.path("detail").asText()));
    }
    String sessionId = l.sessionId();
    if (sessionId != null) {
      sessionLine.accept(sessionId, l);
    }
    if (!wanted.isEmpty() && sessionId != null && SEALED_SESSION_EVENTS.contains(event)) {
      // A head logged at a later seq vouches only that the line was in the chain then: after a
      // crash, the next start's head would vouch for lines added while no gateway ran.
      if (seq < wanted.firstKey()) {
        beforeJournal++;
      } else if (!wanted.containsKey(seq)) {
        unwitnessed.add(new Unwitnessed(seq, event, sessionId));
      }
    }
    last = new ChainHead(seq, hash);
  }

  /** The journal's heads for which no line was found (after the whole log was read), as problems. */
  List<String> unmatchedHeads() {
    List<String> out = new ArrayList<>();
    for (Map.Entry<Long, Set<String>> w : wanted.entrySet()) {
      if (w.getValue().size() > 1) {
        out.add("the journal recorded " + w.getValue().size() + " different hashes for audit seq " + w.getKey()
            + " (" + String.join(", ", w.getValue()) + "): the chain was rewritten while the gateway ran");
      }
    }
    for (Map.Entry<Long, Set<String>> w : wanted.entrySet()) {
      if (!matched.contains(w.getKey())) {
        out.add(
            (w.getKey() > last.seq()
                    ? "audit chain ends at seq " + last.seq() + " hash " + last.hash() + " but the journal recorded seq "
                    : "the chain has no line seq " + w.getKey() + " although the journal recorded seq ")
                + w.getKey() + " hash " + String.join(", ", w.getValue()) + "; lines were cut off or rewritten");
      }
    }
    return out;
  }
}
