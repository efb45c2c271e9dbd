package dev.gatehouse.recorder.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.recorder.AsciicastWriter;
import dev.gatehouse.recorder.ClosedRecording;
import dev.gatehouse.recorder.RecordingHeader;
import dev.gatehouse.recorder.Recordings;
import dev.gatehouse.recorder.SessionIndex;
import dev.gatehouse.recorder.SessionRecord;
import dev.gatehouse.recorder.SessionState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SearchIndexTest {
  @TempDir Path dir;
  SessionIndex index;
  SearchIndex search;
  static final Instant T0 = Instant.parse("2026-03-04T10:00:00Z");

  @BeforeEach
  void open() throws Exception {
    index = SessionIndex.open(dir.resolve("gatehouse.db"));
    search = SearchIndex.open(dir.resolve("gatehouse.db"), dir);
  }

  @org.junit.jupiter.api.AfterEach
  void close() {
    search.close();
    index.close();
  }

  /** A finished session whose recording has these events: strings are output, "m:" prefixed ones markers. */
  String session(String id, String identity, Instant start, String... events) throws Exception {
    Path file = Recordings.pathFor(dir, id, start);
    AsciicastWriter w = AsciicastWriter.create(file,
        new RecordingHeader(80, 24, start, "xterm", "t", id, identity, "shell", "127.0.0.1:1"));
    for (String e : events) {
      if (e.startsWith("m:")) {
        w.marker(e.substring(2));
      } else {
        byte[] b = e.getBytes(StandardCharsets.UTF_8);
        w.output(b, 0, b.length);
      }
      Thread.sleep(3);
    }
    ClosedRecording closed = w.close();
    index.started(new SessionRecord(id, identity, "shell", "127.0.0.1:1", start, null, null, 0,
        dir.relativize(file).toString(), null, SessionState.ACTIVE));
    index.ended(id, start.plusSeconds(5), 0, closed.outputBytes(), closed.sha256(), SessionState.CLOSED);
    search.index(id);
    return id;
  }

  static SearchQuery text(String q) {
    return new SearchQuery(q, null, null, null, null, null, null, null, 50);
  }

  static List<String> ids(SearchPage p) {
    return p.sessions().stream().map(r -> r.session().id()).toList();
  }

  @Test
  void aStatementIsFoundWithItsTimeKindAndVerdictFlag() throws Exception {
    session("s1", "alice", T0, "psql> ", "m:block delete-without-where: DELETE FROM users", "ERROR: blocked\r\n");
    session("s2", "bob", T0.plusSeconds(60), "hello\r\n", "m:allow: SELECT 1");

    SearchPage page = search.search(text("delete from users"));
    assertThat(ids(page)).containsExactly("s1");
    SearchResult r = page.sessions().get(0);
    assertThat(r.flagged()).isTrue();
    assertThat(r.hits()).first().satisfies(h -> {
      assertThat(h.kind()).isEqualTo("statement");
      assertThat(h.text()).isEqualTo("DELETE FROM users");
      assertThat(h.verdict()).isEqualTo("block");
      assertThat(h.t()).isGreaterThan(0);
    });
    assertThat(search.search(new SearchQuery(null, null, null, null, null, null, true, null, 50)).sessions())
        .extracting(x -> x.session().id()).containsExactly("s1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-999999999-01-01T00:00:00Z", "+1000000000-12-31T23:59:59Z", "-0001-12-31T23:59:59Z",
      "+10000-01-01T00:00:00Z"})
  void timesOutsideFourDigitYearsAreRefusedNamingTheParameter(String time) {
    Instant t = Instant.parse(time);
    assertThatThrownBy(() -> new SearchQuery(null, null, null, null, t, null, null, null, 50))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("from: ");
    assertThatThrownBy(() -> new SearchQuery(null, null, null, null, null, t, null, null, 50))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("to: ");
  }

  @Test
  void theFirstAndLastSupportedTimesSearch() throws Exception {
    session("r1", "alice", T0, "m:allow: SELECT 1");
    assertThat(ids(search.search(new SearchQuery(null, null, null, null, SearchQuery.EARLIEST, SearchQuery.LATEST, null,
        null, 50)))).containsExactly("r1");
  }

  @Test
  void outputIsSearchableWithoutEscapeSequences() throws Exception {
    session("o1", "alice", T0, "\u001b[1;31mcritical\u001b[0m fail\u001b]0;title\u0007ure in \u001b[Kpayments\r\n");
    SearchPage page = search.search(text("critical failure in payments"));
    assertThat(ids(page)).containsExactly("o1");
    assertThat(page.sessions().get(0).hits()).first().satisfies(h -> {
      assertThat(h.kind()).isEqualTo("output");
      assertThat(h.text()).contains("critical failure in payments");
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"", "a\"b", "*", "users*", "x OR y", "NEAR(a b)", "a AND", "-", "{text}: x", "^a", "\"\"", "(", "."})
  void ftsSyntaxInTheQueryIsTextNotSyntax(String q) throws Exception {
    session("f1", "alice", T0, "m:allow: SELECT 1");
    assertThat(search.search(text(q)).sessions()).isEmpty();
  }

  @Test
  void quotesAndOperatorsInTheQueryMatchLiterally() throws Exception {
    session("q1", "alice", T0, "say \"x OR y\" now\r\n");
    session("q2", "alice", T0.plusSeconds(1), "x then y\r\n");
    assertThat(ids(search.search(text("x OR y")))).containsExactly("q1");
  }

  @Test
  void cursorPagesAreStableNewestFirst() throws Exception {
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      session("p" + i, "alice", T0.plusSeconds(i / 2), "m:allow: SELECT " + i);
    }
    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      SearchPage p = search.search(new SearchQuery("select", "alice", null, null, null, null, null, cursor, 3));
      seen.addAll(ids(p));
      cursor = p.next();
    } while (cursor != null);
    for (int i = 6; i >= 0; i--) {
      expected.add("p" + i);
    }
    assertThat(seen).containsExactlyElementsOf(expected);
  }

  @Test
  void aForgedCursorIsRefused() {
    assertThatThrownBy(() -> search.search(new SearchQuery(null, null, null, null, null, null, null, "bm9wZQ", 3)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void catchUpFindsFinishedSessionsNobodyIndexed() throws Exception {
    session("c1", "alice", T0, "m:allow: SELECT 1");
    search.close();
    // a row written as another process would: ended, never indexed
    Path file = Recordings.pathFor(dir, "c2", T0);
    AsciicastWriter w = AsciicastWriter.create(file, new RecordingHeader(80, 24, T0, null, null, "c2", "bob", "shell", null));
    w.marker("review orders-writes: UPDATE orders SET x=1");
    ClosedRecording closed = w.close();
    index.started(new SessionRecord("c2", "bob", "shell", null, T0, null, null, 0, dir.relativize(file).toString(), null,
        SessionState.ACTIVE));
    index.ended("c2", T0, 0, 0, closed.sha256(), SessionState.CLOSED);
    search = SearchIndex.open(dir.resolve("gatehouse.db"), dir);
    assertThat(search.unindexed(10)).containsExactly("c2");
    search.index("c2");
    assertThat(search.unindexed(10)).isEmpty();
    assertThat(ids(search.search(text("update orders")))).containsExactly("c2");
    assertThat(search.flagged("c2")).isTrue();
  }

  @Test
  void markerLabelsParseIntoVerdictRuleAndText() {
    assertThat(Marker.parse(1, "block delete-without-where: DELETE FROM t"))
        .extracting(Marker::kind, Marker::verdict, Marker::rule, Marker::text)
        .containsExactly("statement", "block", "delete-without-where", "DELETE FROM t");
    assertThat(Marker.parse(1, "allow: SELECT 1"))
        .extracting(Marker::verdict, Marker::rule, Marker::text).containsExactly("allow", null, "SELECT 1");
    assertThat(Marker.parse(1, "blocked psql-meta-command: \\! id"))
        .extracting(Marker::verdict, Marker::rule).containsExactly("block", "psql-meta-command");
    assertThat(Marker.parse(1, "review orders-writes (request k3fq9): DELETE FROM orders WHERE id = 7"))
        .extracting(Marker::kind, Marker::verdict, Marker::rule, Marker::text, Marker::flagged)
        .containsExactly("statement", "review", "orders-writes", "DELETE FROM orders WHERE id = 7", true);
    assertThat(Marker.parse(1, "approved by carol@example.com, dan@example.com (request k3fq9): DELETE FROM orders"))
        .extracting(Marker::kind, Marker::verdict, Marker::approver, Marker::text)
        .containsExactly("statement", "allow", "carol@example.com, dan@example.com", "DELETE FROM orders");
    assertThat(Marker.parse(1, "exec: ls -l")).extracting(Marker::kind, Marker::text).containsExactly("command", "ls -l");
    assertThat(Marker.parse(1, "gatehouse: killed")).extracting(Marker::kind, Marker::verdict).containsExactly("event", null);
  }

  @Test
  void aPhraseInMostSessionsPagesTheSameAsARareOne() throws Exception {
    // More than SAMPLE matching rows spread over every session: the probing path.
    int n = 220;
    for (int i = 0; i < n; i++) {
      String id = String.format("d%04d", i);
      index.started(new SessionRecord(id, i % 2 == 0 ? "alice" : "bob", "db", null, T0.plusSeconds(i / 3), null, null, 0,
          null, null, SessionState.ACTIVE));
      index.ended(id, T0.plusSeconds(i), 0, 0, null, SessionState.CLOSED);
      List<Marker> markers = new ArrayList<>();
      for (int k = 0; k < 100; k++) {
        markers.add(Marker.parse(k, "allow: SELECT " + k + (i == 7 && k == 3 ? " FROM rarewordtable" : "")));
      }
      search.write(id, new RecordingText(markers, List.of()));
    }
    List<String> expected = new ArrayList<>();
    for (int i = n - 1; i >= 0; i--) {
      if (i % 2 == 0) {
        expected.add(String.format("d%04d", i));
      }
    }
    expected.sort(java.util.Comparator.comparing((String id) -> T0.plusSeconds(Integer.parseInt(id.substring(1)) / 3))
        .thenComparing(java.util.Comparator.naturalOrder()).reversed());
    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      SearchPage p = search.search(new SearchQuery("select", "alice", null, null, null, null, null, cursor, 7));
      seen.addAll(ids(p));
      cursor = p.next();
    } while (cursor != null);
    assertThat(seen).containsExactlyElementsOf(expected);
    assertThat(ids(search.search(text("rarewordtable")))).containsExactly("d0007");
  }
}
