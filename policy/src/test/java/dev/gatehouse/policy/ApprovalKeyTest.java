package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.policy.Token.Type;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ApprovalKeyTest {
  private static final StandardConformingStrings ON = StandardConformingStrings.ON;

  private static String key(String sql) {
    return ApprovalKey.of(sql, ON);
  }

  @Test
  void theNewlineThatEndsACommentIsNotFoldedAway() {
    String approved = "DELETE FROM orders WHERE id = 7 -- per ticket 42 OR id > 0";
    assertThat(key(approved)).isEqualTo(key(approved));
    assertThat(key("DELETE FROM orders WHERE id = 7 -- per ticket 42\nOR id > 0")).isNotEqualTo(key(approved));
    assertThat(key("DELETE FROM orders WHERE id = 7 -- per ticket 42\rOR id > 0")).isNotEqualTo(key(approved));
    assertThat(key("DELETE FROM orders WHERE id = 7 -- per ticket 42\r\nOR id > 0")).isNotEqualTo(key(approved));
  }

  /** Pairs that differ only in white space between tokens: the same key. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', ignoreLeadingAndTrailingWhitespace = false, value = {
    "DELETE FROM orders WHERE id = 7|DELETE  FROM⇥orders⏎ WHERE id=7",
    "DELETE FROM orders WHERE id = 7|⏎  DELETE FROM orders WHERE id = 7 ;;  ",
    "DELETE FROM orders WHERE id = 7 -- note|DELETE FROM orders⏎WHERE id = 7    -- note⏎",
    "SELECT a.b FROM s.t|SELECT a . b FROM s . t",
    "SELECT 1 + -2|SELECT 1+-2",
    "SELECT x::int|SELECT x :: int",
    // an operator never ends in - or + (unless it holds one of ~!@#%^&|`?): a<-1 is a < -1
    "SELECT a<-1|SELECT a < - 1",
    "UPDATE t SET a = 'x  y' /* why */ WHERE id = 1|UPDATE t SET a='x  y'/* why */WHERE id=1",
  })
  void whiteSpaceBetweenTokensMayDiffer(String a, String b) {
    assertThat(key(text(a))).isEqualTo(key(text(b)));
  }

  /** ⏎ is a newline and ⇥ a tab in the tables (a CSV line cannot hold them). */
  private static String text(String s) {
    return s.replace("⏎", "\n").replace("⇥", "\t");
  }

  /** Pairs that read differently, or show differently: never the same key. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', ignoreLeadingAndTrailingWhitespace = false, value = {
    // comments: their text exactly, and where they end
    "DELETE FROM orders WHERE id = 7 -- a|DELETE FROM orders WHERE id = 7 -- b",
    "DELETE FROM orders WHERE id = 7 /* a /* b */ OR id > 0 */|DELETE FROM orders WHERE id = 7 /* a /* b */ */ OR id > 0",
    "DELETE FROM orders WHERE id = 7 /* x */|DELETE FROM orders WHERE id = 7 /*  x */",
    // strings: contents, white space inside, escapes, continuation
    "UPDATE t SET a = 'x y'|UPDATE t SET a = 'x  y'",
    "UPDATE t SET a = 'x\\ny'|UPDATE t SET a = 'x\\\\ny'",
    "UPDATE t SET a = E'x\\ny'|UPDATE t SET a = E'x\\\\ny'",
    "UPDATE t SET a = E'\\x41'|UPDATE t SET a = E'\\101'",
    "UPDATE t SET a = E'\\x41'|UPDATE t SET a = 'A'",
    "SELECT 'a'⏎'b'|SELECT 'a' 'b'",
    "SELECT 'a'⏎'b'|SELECT 'a'⏎⏎'b'",
    "SELECT U&'d!0061t' UESCAPE '!'|SELECT U&'d!0061t'  UESCAPE '!'",
    "SELECT U&'\\0041'|SELECT 'A'",
    // dollar quotes: body and tag
    "DO $$ BEGIN DELETE FROM t WHERE id = 1; END $$|DO $$ BEGIN DELETE FROM t WHERE id = 1;  END $$",
    "DO $a$ x $a$|DO $b$ x $b$",
    // names: quoted identifiers exactly, case of keywords and names as written
    "SELECT \"a b\"|SELECT \"a  b\"",
    "SELECT \"A\"|SELECT \"a\"",
    "SELECT \"a\"\"b\"|SELECT \"a\"\"\"\"b\"",
    "delete from orders where id = 7|DELETE FROM orders WHERE id = 7",
    // tokens split or joined by white space
    "SELECT 1.5|SELECT 1 .5",
    "SELECT $1|SELECT $ 1",
    "SELECT x FROM t WHERE a = 1 -- c|SELECT x FROM t WHERE a = 1 - - c",
    // text the lexer cannot read: compared exactly from the error on
    "SELECT 'unterminated  x|SELECT 'unterminated x",
    "SELECT 1 /* open  x|SELECT 1 /* open x",
    "SELECT 1or  1=1|SELECT 1or 1=1",
  })
  void everythingButWhiteSpaceBetweenTokensCounts(String a, String b) {
    assertThat(key(text(a))).isNotEqualTo(key(text(b)));
  }

  @Test
  void aVerticalTabBetweenTokensIsKeptAsWrittenForPostgres15RefusesIt() {
    assertThat(key("SELECT\u000b1")).isNotEqualTo(key("SELECT 1")).isEqualTo(key("SELECT\u000b1"));
    assertThat(key("SELECT 'a'\u000b\n'b'")).isNotEqualTo(key("SELECT 'a' 'b'"));
  }

  @Test
  void aUnicodeSpaceIsALetterToPostgresSoItJoinsWhatItSeemsToSeparate() {
    assertThat(key("UPDATE orders o SET note = 'x' WHERE false"))
        .isNotEqualTo(key("UPDATE orders o\u2003WHERE\u2003false SET note = 'x'"))
        .isNotEqualTo(key("UPDATE orders o SET note = 'x' WHERE\u00a0false"));
  }

  @Test
  void aTextThatStandardConformingStringsReadsTwoWaysIsBoundToTheReadingItWasApprovedUnder() {
    String sql = "UPDATE orders SET note = 'a\\' WHERE id = 7 -- ' WHERE true";
    String on = ApprovalKey.of(sql, StandardConformingStrings.ON);
    String off = ApprovalKey.of(sql, StandardConformingStrings.OFF);
    String unknown = ApprovalKey.of(sql, StandardConformingStrings.UNKNOWN);
    assertThat(on).isNotEqualTo(off).isNotEqualTo(unknown);
    assertThat(off).isNotEqualTo(unknown);
    assertThat(ApprovalKey.of(sql, StandardConformingStrings.ON)).isEqualTo(on);
    // a text without a backslash in a plain string reads one way: the setting does not matter
    String plain = "UPDATE orders SET note = 'a' WHERE id = 7";
    assertThat(ApprovalKey.of(plain, StandardConformingStrings.OFF)).isEqualTo(ApprovalKey.of(plain, ON))
        .isEqualTo(ApprovalKey.of(plain, StandardConformingStrings.UNKNOWN));
  }

  @Test
  void commentsAreTokensInSourceOrderAndNeverCountTwice() {
    String sql = "SELECT /* a */ U&'x!0041' /* b */ UESCAPE '!' -- c\n, 'p' -- d\n 'q' /* e /* f */ */";
    List<Token> pieces = SqlLexer.tokenizeWithComments(sql, true);
    assertThat(pieces).extracting(Token::type).containsExactly(
        Type.WORD, Type.COMMENT, Type.STRING, Type.COMMENT, Type.COMMA, Type.STRING, Type.COMMENT);
    assertThat(pieces).extracting(t -> sql.substring(t.start(), t.end())).containsExactly(
        "SELECT", "/* a */", "U&'x!0041' /* b */ UESCAPE '!'", "-- c", ",", "'p' -- d\n 'q'", "/* e /* f */ */");
    // the pieces and the white space between them make up the whole text
    StringBuilder rest = new StringBuilder(sql);
    for (int k = pieces.size() - 1; k >= 0; k--) {
      rest.delete(pieces.get(k).start(), pieces.get(k).end());
    }
    assertThat(rest.toString()).isBlank();
  }

  @Test
  void aBadUescapeLeavesNothingOfWhatFollowedItAsAToken() {
    String sql = "SELECT u&';' UESCAPE $\"$'$$ AS x";
    List<Token> pieces = SqlLexer.tokenizeWithComments(sql, true);
    assertThat(pieces).extracting(Token::type).containsExactly(Type.WORD, Type.ERROR);
    assertThat(pieces.get(1).start()).isEqualTo(7);
  }

  @Test
  void theKeyHasAFormatMarkAndAFixedLength() {
    assertThat(key("SELECT 1")).startsWith(ApprovalKey.FORMAT).hasSize(ApprovalKey.FORMAT.length() + 64);
    assertThat(key("x".repeat(100_000))).hasSize(ApprovalKey.FORMAT.length() + 64);
  }
}
