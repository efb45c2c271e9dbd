package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.recorder.VisibleText;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The web pages' {@code visible.js} and the server's {@link VisibleText} are one rule: the module
 * runs in node (the JavaScript engine of the browser) over every code point from U+0000 to
 * U+10FFFF and over hostile texts, and what it hides and how it shows them must be exactly what
 * the Java class does.
 */
class VisibleTextParityTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path MODULE = Path.of("frontend/src/assets/visible.js").toAbsolutePath();

  static final List<String> TEXTS = List.of(
      "DELETE FROM orders WHERE id = 7 -- per ticket 42\nOR id > 0",
      "x -- c\rOR y\r\nz",
      "\u001b]52;c;aGk=\u0007\u001b]0;T\u0007\u001b[2K\rfake\u001b[8mhidden\u001b[0m",
      "abc\u202edcba \u2066x\u2069 a\u200bb a\u2003b \ufeff \u009b2J \u0085 \u007f",
      "tag\udb40\udc01 lone\ud800 emoji\ud83d\ude00 é 中 E'\\n' \\x1b",
      "Vie\u0323\u0302t z\u0301\u0302\u0303\u0304\u0305\u0306a\u20dd\u20de\u20df\u0489 o\u0301\n\u0301\u0302\u0303",
      "\u0e14" + "\u0e49".repeat(12) + " \u05d0\u05b0\u05b4\u05b0 x\u0301\u0301\u0e49\u0903 x" + "\ud834\udd67".repeat(4)
          + " x\ua670\ua670\ua670 \u0e19\u0e49\u0e33",
      "");

  @Test
  void theModuleHidesExactlyWhatVisibleTextHidesAndShowsItTheSameWay() throws Exception {
    assertThat(MODULE).exists();
    Path script = Files.createTempFile("visible-parity", ".mjs");
    Path input = Files.createTempFile("visible-parity", ".json");
    try {
      // as ASCII: a lone surrogate has no UTF-8 form, only a JSON escape
      Files.writeString(input, JSON.writer().with(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII)
          .writeValueAsString(TEXTS), StandardCharsets.UTF_8);
      Files.writeString(script, """
          import { hidden, stacking, visible, visibleLines } from %s;
          import { readFileSync } from "node:fs";
          const ranges = [];
          let start = -1;
          for (let cp = 0; cp <= 0x10ffff + 1; cp++) {
            const h = cp <= 0x10ffff && hidden(cp);
            if (h && start < 0) start = cp;
            if (!h && start >= 0) { ranges.push([start, cp - 1]); start = -1; }
          }
          const stack = [];
          start = -1;
          for (let cp = 0; cp <= 0x10ffff + 1; cp++) {
            const h = cp <= 0x10ffff && stacking(cp);
            if (h && start < 0) start = cp;
            if (!h && start >= 0) { stack.push([start, cp - 1]); start = -1; }
          }
          // every mark the engine's own Unicode knows is in the table (/\\p{M}/u: Mn, Me, Mc)
          const unlisted = [];
          for (let cp = 0; cp <= 0x10ffff; cp++) {
            if (/\\p{M}/u.test(String.fromCodePoint(cp)) && !stacking(cp)) unlisted.push(cp);
          }
          const texts = JSON.parse(readFileSync(process.argv[2], "utf8"));
          process.stdout.write(JSON.stringify({
            ranges,
            stack,
            unlisted,
            inline: texts.map(visible),
            lines: texts.map(visibleLines),
          }));
          """.formatted(JSON.writeValueAsString(MODULE.toUri().toString())), StandardCharsets.UTF_8);
      Process p = new ProcessBuilder("node", script.toString(), input.toString())
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      byte[] out = p.getInputStream().readAllBytes();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
      JsonNode js = JSON.readTree(out);

      List<List<Integer>> javaRanges = new ArrayList<>();
      for (int[] r : VisibleText.hiddenRanges()) {
        javaRanges.add(List.of(r[0], r[1]));
      }
      List<List<Integer>> jsRanges = new ArrayList<>();
      js.get("ranges").forEach(r -> jsRanges.add(List.of(r.get(0).asInt(), r.get(1).asInt())));
      // Adjacent table rows read as one run when every code point is tried.
      assertThat(jsRanges).isEqualTo(merged(javaRanges));
      List<List<Integer>> jsStack = new ArrayList<>();
      js.get("stack").forEach(r -> jsStack.add(List.of(r.get(0).asInt(), r.get(1).asInt())));
      List<List<Integer>> javaStack = new ArrayList<>();
      for (int cp = 0, start = -1; cp <= 0x110000; cp++) {
        boolean h = cp <= 0x10ffff && VisibleText.stacking(cp);
        if (h && start < 0) {
          start = cp;
        }
        if (!h && start >= 0) {
          javaStack.add(List.of(start, cp - 1));
          start = -1;
        }
      }
      assertThat(jsStack).isEqualTo(javaStack);
      assertThat(js.get("unlisted")).as("marks the JavaScript engine knows that the table misses").isEmpty();
      for (int k = 0; k < TEXTS.size(); k++) {
        assertThat(js.get("inline").get(k).asText()).as("inline %d", k).isEqualTo(VisibleText.inline(TEXTS.get(k)));
        assertThat(js.get("lines").get(k).asText()).as("lines %d", k).isEqualTo(VisibleText.lines(TEXTS.get(k)));
      }
    } finally {
      Files.deleteIfExists(script);
      Files.deleteIfExists(input);
    }
  }

  private static List<List<Integer>> merged(List<List<Integer>> ranges) {
    List<List<Integer>> out = new ArrayList<>();
    for (List<Integer> r : ranges) {
      if (!out.isEmpty() && out.get(out.size() - 1).get(1) + 1 == r.get(0)) {
        out.set(out.size() - 1, List.of(out.get(out.size() - 1).get(0), r.get(1)));
      } else {
        out.add(r);
      }
    }
    return out;
  }
}
