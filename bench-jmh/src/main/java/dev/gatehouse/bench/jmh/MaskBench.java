package dev.gatehouse.bench.jmh;

import dev.gatehouse.policy.ContentDetectors;
import dev.gatehouse.policy.MaskForm;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Masking throughput of result rows, value by value as the proxy's PolicyMasker does it: a value
 * of a masked column gets {@link MaskForm#apply}, every other value goes through all six {@link
 * ContentDetectors} ({@code detectors.mask(value, form)}). One operation is one row; the
 * {@code rows} and {@code bytes} counters give rows/s and value bytes/s (UTF-8 bytes of the
 * values, as in a text-format DataRow, without its length words). Decoding and re-encoding the
 * wire message is not included: the proxy-alone pgbench figures include it.
 *
 * <ul>
 *   <li>{@code accounts}: pgbench_accounts rows (aid, bid, abalance, filler = 84 blanks) with
 *       abalance and filler masked, as bench/postgres configures the gateway;
 *   <li>{@code customers}: (id, name, email, phone, note) with email masked; the note is 60–200
 *       characters of prose, and one row in four carries a card number, IBAN, e-mail address or
 *       API token in it for the detectors to find.
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class MaskBench {
  @Param({"accounts", "customers"})
  public String rows;

  private String[][] data;
  private long[] rowBytes;
  private boolean[] masked;
  private ContentDetectors detectors;
  private final MaskForm form = MaskForm.KEEP_LAST_4;

  @AuxCounters(AuxCounters.Type.OPERATIONS)
  @State(Scope.Thread)
  public static class Counts {
    public long rows;
    public long bytes;
    int next;

    @Setup(Level.Iteration)
    public void reset() {
      rows = 0;
      bytes = 0;
    }
  }

  private static final String[] WORDS = ("the order was shipped to customer after review of invoice and payment "
      + "confirmed by support team please call back regarding refund request account updated on request "
      + "delivery address changed note from agent priority normal").split(" ");
  private static final String[] SECRETS = {
    "card 4111 1111 1111 1111 on file", "IBAN DE89 3704 0044 0532 0130 00 confirmed",
    "reply to jane.doe@example.org please", "api_key=Zx9fQ2LmP4sT7vW1yB3nR6kH8jD0aC5e",
    "token ghp_0123456789abcdefghijABCDEFGHIJ012345 rotated"};

  @Setup(Level.Trial)
  public void setup() {
    detectors = ContentDetectors.of(DefaultSqlPolicy.DETECTORS);
    Random r = new Random(42);
    data = new String[4096][];
    for (int i = 0; i < data.length; i++) {
      data[i] = switch (rows) {
        case "accounts" -> new String[] {
          String.valueOf(1 + r.nextInt(500_000)), String.valueOf(1 + r.nextInt(5)),
          String.valueOf(r.nextInt(20_000) - 10_000), " ".repeat(84)};
        case "customers" -> new String[] {
          String.valueOf(1 + r.nextInt(1_000_000)), "Customer " + (char) ('A' + r.nextInt(26)) + ". Name" + r.nextInt(1000),
          "user" + r.nextInt(100_000) + "@example.com", "+49 30 " + (1_000_000 + r.nextInt(9_000_000)),
          note(r)};
        default -> throw new IllegalArgumentException(rows);
      };
    }
    masked = switch (rows) {
      case "accounts" -> new boolean[] {false, false, true, true};
      default -> new boolean[] {false, false, true, false, false};
    };
    rowBytes = new long[data.length];
    for (int i = 0; i < data.length; i++) {
      for (String v : data[i]) {
        rowBytes[i] += v.getBytes(StandardCharsets.UTF_8).length;
      }
    }
  }

  private static String note(Random r) {
    StringBuilder b = new StringBuilder();
    int len = 60 + r.nextInt(141);
    boolean secret = r.nextInt(4) == 0;
    int at = secret ? r.nextInt(len) : -1;
    while (b.length() < len) {
      if (at >= 0 && b.length() >= at) {
        b.append(SECRETS[r.nextInt(SECRETS.length)]).append(' ');
        at = -1;
      }
      b.append(WORDS[r.nextInt(WORDS.length)]).append(' ');
    }
    return b.toString().strip();
  }

  @Benchmark
  public void maskRow(Counts c, Blackhole bh) {
    int i = c.next;
    c.next = i + 1 == data.length ? 0 : i + 1;
    String[] row = data[i];
    for (int j = 0; j < row.length; j++) {
      bh.consume(masked[j] ? form.apply(row[j]) : detectors.mask(row[j], form));
    }
    c.rows++;
    c.bytes += rowBytes[i];
  }
}
