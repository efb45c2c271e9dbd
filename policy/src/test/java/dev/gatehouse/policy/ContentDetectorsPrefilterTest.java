package dev.gatehouse.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The detectors skip a pattern on texts that cannot hold a match of it. Proven here against the
 * patterns run on every text: random texts built from pieces of every pattern (key words in odd
 * case, the Kelvin sign and long s, dotted and dotless i, digits, prefixes, separators) must be masked the same way both ways.
 */
class ContentDetectorsPrefilterTest {
  private static final String[] PIECES = {
    "api_key", "API-KEY", "apikey", "\u212Aey", "ſecret", "SECRET", "client_secret", "Token", "tokeN", "bearer",
    "BEARER", "passwd", "PassWord", "access_key_id", "auth-token", "=", ":", " : ", "\"", "'", " ", "\n", "\t",
    "AKIA", "ASIA", "ANVA", "IOSFODNN7EXAMPLEAB", "ghp_", "gho_", "github_pat_", "glpat-", "xoxb-", "sk_live_",
    "rk_live_", "AIza", "sk-", "abcdefghijklmnopqrstuvwxyz0123456789", "Zq8x/Yk+2=~._-", "0123456789", "4111",
    " 1111", "-1111", "DE89", "3704", "GB82WEST", "12345698765432", "@", "alice", "example.com", ".", "-----BEGIN ",
    "RSA PRIVATE KEY-----", "-----END PRIVATE KEY-----", "eyJhbGciOiJIUzI1NiJ9", "eyJzdWIiOiIxIn0", "sig_-x",
    "é", "ı", "İ", "K", "k", "s", "S", "x", "9",
    // e-mail domains and card runs as the hand-written matchers read them
    "a@b.co", "x@-y.com", "x@y-.com", "@a..b.com", ".com9", ".c0m", "mail.example.co.uk", "-", "..", "%+", "_",
    "4111 1111 1111 1111", "4111-1111-1111-1111", "1 ", " -", "  ", "41111111111111111111", "5500 0000 0000 0004",
    "378282246310005", "a4111"
  };

  @Test
  void skippingAPatternNeverChangesWhatIsMasked() {
    long seed = Long.getLong("gatehouse.detectors.seed", System.nanoTime());
    System.out.println("ContentDetectorsPrefilterTest seed " + seed + " (-Dgatehouse.detectors.seed=" + seed + ")");
    Random random = new Random(seed);
    ContentDetectors fast = ContentDetectors.of(ContentDetectors.NAMES, true);
    ContentDetectors every = ContentDetectors.of(ContentDetectors.NAMES, false);
    int masked = 0;
    for (int n = 0; n < 20_000; n++) {
      StringBuilder b = new StringBuilder();
      int pieces = 1 + random.nextInt(12);
      for (int i = 0; i < pieces; i++) {
        b.append(PIECES[random.nextInt(PIECES.length)]);
      }
      String text = b.toString();
      String expected = every.mask(text, MaskForm.FULL);
      assertEquals(expected, fast.mask(text, MaskForm.FULL), () -> "seed " + seed + ": " + text);
      assertEquals(every.matches(text), fast.matches(text), () -> "seed " + seed + ": " + text);
      int hints = (ContentDetectors.mayHoldKeyToken(text) ? 1 : 0) | (ContentDetectors.mayHoldKeyAssignment(text) ? 2 : 0);
      assertEquals(hints, ContentDetectors.keyHints(text), () -> "seed " + seed + ", key hints: " + text);
      if (!expected.equals(text)) {
        masked++;
      }
    }
    // the corpus must exercise the patterns, not only the skips
    System.out.println("masked " + masked + " of 20000");
    org.junit.jupiter.api.Assertions.assertTrue(masked > 500, "only " + masked + " texts had anything to mask");
  }

  @Test
  void keyWordsInOtherCaseFoldingsAreJudgedAsThePatternJudgesThem() {
    ContentDetectors fast = ContentDetectors.of(List.of("api-key"), true);
    ContentDetectors every = ContentDetectors.of(List.of("api-key"), false);
    String value = "Zq8xYk2Lm4Np6Rt8Vw0";
    for (String word : List.of("\u212AEY", "ſecret", "SECRET", "toKen", "PASSWD", "Bearer", "\u0130token")) {
      for (String sep : List.of("=", ": ", "\" = \"")) {
        String text = word + sep + value;
        assertEquals(every.mask(text, MaskForm.FULL), fast.mask(text, MaskForm.FULL), text);
      }
    }
    assertEquals("SECRET=********", fast.mask("SECRET=" + value, MaskForm.FULL));
  }
}
