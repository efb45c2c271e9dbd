package dev.gatehouse.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link AuditLineWriter} against the tree path it replaces, which stays the definition of a line
 * and its hash (readers and verification use it): for random lines full of what JSON escapes and
 * what {@link VisibleText} hides, the same bytes and the same hash, or the chain written since
 * would not verify. The seed is printed; {@code -Daudit.seed=N} runs one again.
 */
class AuditLineWriterDifferentialTest {
  @TempDir Path dataDir;

  /** Code points of every kind the two escapers treat differently, weighted by repetition in the draw. */
  private static final int[] SPECIAL = {
    '"', '\\', '/', '\b', '\f', '\n', '\r', '\t', 0x00, 0x01, 0x1b, 0x1f, 0x7f, // JSON's escapes, C0, DEL
    0x80, 0x85, 0x9b, 0x9f, 0xa0, 0xad, 0xe9, 0xff, 0x100, // C1, no-break space, soft hyphen, Latin-1
    0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c, // bidi
    0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0x034f, 0x180e, 0x3164, 0x2800, // zero-width, fillers
    0x2028, 0x2029, 0x2003, 0x3000, 0xfe0f, 0xfffe, 0xffff, 0xfff9, // separators, spaces, selectors, nonchars
    0x0301, 0x0301, 0x0308, 0x0323, 0x20dd, 0x0903, // combining marks (runs of them come from repeats)
    0x1f600, 0x1f9d1, 0x1f468, 0x10348, 0x1d11e, 0xe0041, 0xe0100, 0x1d173, 0x13430, // supplementary
    0x4e2d, 0x0416, 0x05d0, 0x0627, // CJK, Cyrillic, Hebrew, Arabic
  };

  private static long seed() {
    String s = System.getProperty("audit.seed");
    long seed = s != null ? Long.parseLong(s) : System.nanoTime();
    System.out.println("AuditLineWriterDifferentialTest seed " + seed + " (-Daudit.seed=" + seed + ")");
    return seed;
  }

  private static String text(Random r, int maxLen) {
    int len = r.nextInt(maxLen + 1);
    StringBuilder b = new StringBuilder();
    int mode = r.nextInt(4); // some plain ASCII only: the common case takes another branch
    while (b.length() < len) {
      int roll = r.nextInt(10);
      if (mode == 0 || roll < 5) {
        b.append((char) (0x20 + r.nextInt(0x5f)));
      } else if (roll < 8) {
        int cp = SPECIAL[r.nextInt(SPECIAL.length)];
        int times = Character.getType(cp) == Character.NON_SPACING_MARK ? 1 + r.nextInt(4) : 1;
        for (int t = 0; t < times; t++) {
          b.appendCodePoint(cp);
        }
      } else if (roll < 9) {
        b.append((char) (0xd800 + r.nextInt(0x800))); // a surrogate alone (or, by chance, a pair)
      } else {
        b.appendCodePoint(r.nextInt(0x110000));
      }
    }
    return b.toString();
  }

  private static String key(Random r, Set<String> taken) {
    while (true) {
      String k = r.nextInt(3) == 0 ? text(r, 12) : "k" + r.nextInt(1000);
      if (!AuditLog.RESERVED.contains(k) && taken.add(k)) {
        return k;
      }
    }
  }

  private static Object value(Random r, int depth) {
    return switch (r.nextInt(depth < 2 ? 12 : 9)) {
      case 0 -> null;
      case 1, 2 -> text(r, 60);
      case 3 -> r.nextBoolean() ? r.nextInt() : new int[] {Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1}[r.nextInt(4)];
      case 4 -> r.nextBoolean() ? r.nextLong() : new long[] {Long.MIN_VALUE, Long.MAX_VALUE, 0L, 5_000_000_000L}[r.nextInt(4)];
      case 5 -> r.nextBoolean();
      case 6 -> r.nextInt(3) == 0 ? 1.5 : r.nextDouble() * 1e6; // through valueToTree, as any other type
      case 7 -> new BigDecimal(r.nextInt(100000)).movePointLeft(r.nextInt(4));
      case 8 -> text(r, 4);
      case 9, 10 -> {
        Map<String, Object> m = new LinkedHashMap<>();
        Set<String> taken = new HashSet<>();
        for (int i = r.nextInt(5); i > 0; i--) {
          String k = r.nextInt(4) == 0 ? new String[] {"hash", "seq", "prev", "a", "B"}[r.nextInt(5)] : key(r, taken);
          m.put(k, value(r, depth + 1)); // reserved names are fine below the top level
        }
        yield m;
      }
      default -> {
        List<Object> l = new ArrayList<>();
        for (int i = r.nextInt(5); i > 0; i--) {
          l.add(value(r, depth + 1));
        }
        yield l;
      }
    };
  }

  private static Map<String, Object> fields(Random r) {
    Map<String, Object> f = new LinkedHashMap<>(); // in the random order they were drawn
    Set<String> taken = new HashSet<>();
    for (int i = r.nextInt(12); i > 0; i--) {
      f.put(key(r, taken), value(r, 0));
    }
    return f;
  }

  /**
   * Fields whose line reads back as written. Two kinds do not, by the tree path as much: a field name
   * holding a lone surrogate (Jackson refuses it when reading), and a number Jackson reads back as
   * another (a BigDecimal with trailing zeros is read as a double, then written without them).
   */
  static int redrawn;

  private static Map<String, Object> readableFields(Random r) throws Exception {
    while (true) {
      Map<String, Object> f = fields(r);
      String[] hash = new String[1];
      byte[] b = reference(1, "2026-01-02T03:04:05Z", "GH3000I", "e", f, ChainHead.GENESIS, hash);
      AuditReader.Line l = AuditReader.parse(b, 0, b.length - 1, 1, 0, true);
      if (l.entry() != null && l.problem() == null && AuditLog.hashOf(ChainHead.GENESIS, l.entry()).equals(hash[0])) {
        return f;
      }
      redrawn++;
    }
  }

  /** The line as the tree path wrote it before {@link AuditLineWriter}: build, hash, serialise. */
  private static byte[] reference(long seq, String time, String code, String event, Map<String, ?> fields,
      String prev, String[] hashOut) throws Exception {
    ObjectNode line = AuditLog.JSON.createObjectNode();
    line.put("seq", seq);
    line.put("time", time);
    line.put("code", code);
    line.put("event", event);
    for (Map.Entry<String, ?> f : fields.entrySet()) {
      AuditLog.putField(line, f.getKey(), f.getValue());
    }
    line.put("prev", prev);
    String hash = AuditLog.hashOf(prev, line);
    line.put("hash", hash);
    hashOut[0] = hash;
    return AuditLog.lineBytes(line);
  }

  @Test
  void writesTheBytesAndHashOfTheTreePath() throws Exception {
    Random r = new Random(seed());
    AuditLineWriter w = new AuditLineWriter();
    AuditLineWriter.Bytes out = new AuditLineWriter.Bytes(16);
    String prev = ChainHead.GENESIS;
    String[] refHash = new String[1];
    int hidden = 0;
    int nonAscii = 0;
    for (int i = 0; i < 5000; i++) {
      String time = r.nextInt(4) == 0 ? "2026-01-02T03:04:05Z" : java.time.Instant.ofEpochMilli(r.nextLong() >>> 24).toString();
      String code = r.nextBoolean() ? "GH3000I" : text(r, 8);
      String event = r.nextInt(10) == 0 ? null : r.nextBoolean() ? "statement-allowed" : text(r, 20);
      String linePrev = r.nextInt(10) == 0 ? text(r, 70) : prev; // a head read from a file as it is there
      Map<String, Object> fields = fields(r);
      long seq = r.nextInt(3) == 0 ? r.nextLong() : i + 1;

      byte[] expected = reference(seq, time, code, event, fields, linePrev, refHash);
      int before = out.size;
      String hash = w.write(seq, time, code, event, fields, linePrev, out);
      byte[] got = Arrays.copyOfRange(out.buf, before, out.size);
      String shown = new String(expected, StandardCharsets.UTF_8);
      assertThat(hash).as("hash of line %d: %s", i, shown).isEqualTo(refHash[0]);
      assertThat(got).as("bytes of line %d: %s", i, shown).isEqualTo(expected);
      hidden += shown.contains("\\u") ? 1 : 0;
      nonAscii += shown.chars().anyMatch(c -> c >= 0x80) ? 1 : 0;
      if (out.size > 1 << 16) {
        out.reset();
      }
      prev = hash;
    }
    for (String big : new String[] {"x".repeat(3 << 20), "\u202e".repeat(1 << 20), "short"}) { // buffers grown, let go
      Map<String, Object> fields = Map.of("statement", big);
      byte[] expected = reference(1, "t", "GH3000I", "e", fields, prev, refHash);
      out.reset();
      prev = w.write(1, "t", "GH3000I", "e", fields, prev, out);
      assertThat(prev).isEqualTo(refHash[0]);
      assertThat(Arrays.copyOf(out.buf, out.size)).isEqualTo(expected);
    }
    // The draw reached both of the writer's branches, and the fast one with non-ASCII text.
    assertThat(hidden).isGreaterThan(1000);
    assertThat(nonAscii).isGreaterThan(100);
    assertThat(5000 - hidden).isGreaterThan(500);
  }

  @Test
  void aFileWrittenInGroupsIsTheTreePathsLineForLineAndVerifies() throws Exception {
    Random r = new Random(seed());
    Path auditFile = dataDir.resolve("audit/audit.jsonl");
    List<AuditLog.Pending> all = new ArrayList<>();
    try (AuditLog log = AuditLog.open(auditFile)) {
      log.append(AuditCode.GATEWAY_START, Map.of("version", "0.1.0"));
      for (int g = 0; g < 300; g++) {
        List<AuditLog.Pending> group = new ArrayList<>();
        for (int i = 1 + r.nextInt(5); i > 0; i--) {
          group.add(new AuditLog.Pending(AuditCode.STATEMENT_ALLOWED.code(), AuditCode.STATEMENT_ALLOWED.event(),
              readableFields(r)));
        }
        log.appendAll(group, r.nextBoolean());
        all.addAll(group);
      }
      log.append(AuditCode.GATEWAY_STOP, Map.of("uptimeSeconds", 42, "nested", Map.of("b", 1, "a", List.of(1, 2))));
    }
    byte[] file = Files.readAllBytes(auditFile);
    List<byte[]> lines = new ArrayList<>();
    for (int from = 0, k = 0; k < file.length; k++) {
      if (file[k] == '\n') {
        lines.add(Arrays.copyOfRange(file, from, k + 1));
        from = k + 1;
      }
    }
    assertThat(lines).hasSize(all.size() + 2);
    String[] refHash = new String[1];
    for (int i = 0; i < all.size(); i++) {
      byte[] got = lines.get(i + 1);
      JsonNode n = AuditLog.JSON.readTree(got);
      AuditLog.Pending p = all.get(i);
      byte[] expected = reference(n.get("seq").asLong(), n.get("time").asText(), p.code(), p.event(), p.fields(),
          n.get("prev").asText(), refHash);
      assertThat(got).as("line %d", i + 2).isEqualTo(expected);
    }
    System.out.println("AuditLineWriterDifferentialTest: " + redrawn + " drawn lines left out (not readable as written)");
    try (SessionIndex index = SessionIndex.open(dataDir.resolve("gatehouse.db"))) {
      IntegrityReport report = IntegrityCheck.verify(dataDir, auditFile, index, null);
      assertThat(report.problems()).isEmpty();
      assertThat(report.auditLines()).isEqualTo(all.size() + 2L);
    }
    AuditReader.forEach(auditFile, l -> assertThat(l.problem()).as("line %d", l.number()).isNull());
  }
}
