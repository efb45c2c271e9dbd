package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.policy.Token.Type;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SqlLexerTest {
  private static List<String> split(String sql) {
    return SqlLexer.statements(SqlLexer.tokenize(sql)).stream().map(s -> SqlLexer.source(sql, s)).toList();
  }

  @Test
  void semicolonsSplitStatementsOutsideQuotesAndComments() {
    assertThat(split("SELECT 1; DROP TABLE t;;  ; SELECT 'a;b'")).containsExactly("SELECT 1", "DROP TABLE t", "SELECT 'a;b'");
  }

  @Test
  void doubledQuotesStayInsideTheString() {
    List<Token> ts = SqlLexer.tokenize("SELECT 'O''Brien; DROP TABLE x'");
    assertThat(ts).hasSize(2);
    assertThat(ts.get(1).type()).isEqualTo(Type.STRING);
    assertThat(ts.get(1).text()).isEqualTo("O'Brien; DROP TABLE x");
  }

  @Test
  void eStringsEscapeQuotesWithBackslash() {
    assertThat(split("SELECT E'\\'; DROP TABLE t; --'")).hasSize(1);
    assertThat(SqlLexer.tokenize("SELECT e'a\\nb\\x41\\101\\u0042'").get(1).text()).isEqualTo("a\nbAAB");
    assertThat(split("SELECT E'\\\\'; DROP TABLE t")).containsExactly("SELECT E'\\\\'", "DROP TABLE t");
  }

  @Test
  void plainStringsEndAtTheQuoteAfterABackslashUnlessStandardStringsAreOff() {
    String sql = "SELECT 'a\\' || ' ; DROP TABLE t; --'";
    assertThat(split(sql)).hasSize(1);
    List<Token> off = SqlLexer.tokenize(sql, false);
    assertThat(SqlLexer.statements(off).stream().map(s -> SqlLexer.source(sql, s)))
        .containsExactly("SELECT 'a\\' || '", "DROP TABLE t");
    assertThat(SqlLexer.readsTheSameEitherWay(SqlLexer.tokenize(sql), off)).isFalse();
    assertThat(SqlLexer.readsTheSameEitherWay(SqlLexer.tokenize("SELECT 'a'"), SqlLexer.tokenize("SELECT 'a'", false))).isTrue();
  }

  @Test
  void dollarQuotesHideSemicolonsAndNestOtherTags() {
    assertThat(split("SELECT $$a; DROP TABLE t$$; SELECT $f$ $$; $f$")).containsExactly("SELECT $$a; DROP TABLE t$$", "SELECT $f$ $$; $f$");
    assertThat(SqlLexer.tokenize("SELECT $body$x$body$").get(1).text()).isEqualTo("x");
  }

  @Test
  void dollarSignsInsideNamesAndParametersAreNotQuotes() {
    List<Token> ts = SqlLexer.tokenize("SELECT a$b$, $1 FROM t");
    assertThat(ts.get(1)).extracting(Token::type, Token::text).containsExactly(Type.WORD, "a$b$");
    assertThat(ts.get(3)).extracting(Token::type, Token::text).containsExactly(Type.PARAM, "$1");
  }

  @Test
  void nestedBlockCommentsEndAtTheirOwnClose() {
    assertThat(split("/* a /* b */ DROP TABLE t; */ SELECT 1")).containsExactly("SELECT 1");
    assertThat(split("SELECT 1 -- ; DROP TABLE t\n; SELECT 2")).containsExactly("SELECT 1", "SELECT 2");
  }

  @Test
  void quotedIdentifiersAreNamesNeverKeywords() {
    List<Token> ts = SqlLexer.tokenize("SELECT \"DROP\", \"a\"\"b\" FROM \"T\"");
    assertThat(ts.get(1)).extracting(Token::type, Token::text).containsExactly(Type.IDENT, "DROP");
    assertThat(ts.get(3).text()).isEqualTo("a\"b");
    assertThat(ts.get(5).text()).isEqualTo("T");
  }

  @Test
  void unicodeEscapedIdentifiersAreDecoded() {
    assertThat(SqlLexer.tokenize("SELECT U&\"pg\\005fread\\005ffile\"(1)").get(1).text()).isEqualTo("pg_read_file");
    assertThat(SqlLexer.tokenize("SELECT U&\"d!0061t!+000061\" UESCAPE '!'").get(1).text()).isEqualTo("data");
  }

  @Test
  void unquotedNamesFoldToAsciiLowerCase() {
    assertThat(SqlLexer.tokenize("DrOp TaBlE").stream().map(Token::text)).containsExactly("drop", "table");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "SELECT 'abc | unterminated quoted string",
        "SELECT \"abc | unterminated quoted identifier",
        "SELECT 1 /* a /* b */ | unterminated /* comment",
        "SELECT $x$ abc | unterminated dollar-quoted string $x$"
      })
  void unterminatedTextIsAnErrorToken(String sql, String error) {
    List<Token> ts = SqlLexer.tokenize(sql);
    assertThat(ts.get(ts.size() - 1)).extracting(Token::type, Token::text).containsExactly(Type.ERROR, error);
  }

  @Test
  void numbersRunningIntoLettersAreErrorsAsInPostgres15() {
    assertThat(SqlLexer.tokenize("1.5e-3 .5 1. 1..2").stream().map(Token::text)).containsExactly("1.5e-3", ".5", "1.", "1", "..", "2");
    for (String junk : List.of("1or 1=1", "1e+x", "1e- 2", "0x1F", "1_000", "1.5e3x", "$1a", "1\u00e9", "1e3$b$ x $b$", ".5e3$")) {
      List<Token> ts = SqlLexer.tokenize(junk);
      assertThat(ts.get(ts.size() - 1).type()).as(junk).isEqualTo(Type.ERROR);
    }
    // the sign ends the identifier that would run on from the e: a number, then a dollar quote
    assertThat(SqlLexer.tokenize("1e+3$b$ x $b$")).extracting(Token::type).containsExactly(Type.NUMBER, Type.STRING);
    assertThat(SqlLexer.tokenize("1$b$ x $b$")).extracting(Token::type).containsExactly(Type.NUMBER, Type.STRING);
  }

  @Test
  void fingerprintAbstractsLiteralsAndKeepsTheSetConfigName() {
    String a = SqlLexer.fingerprint(SqlLexer.tokenize("select * FROM users /* x */ WHERE id = 5 AND name = 'bob'"));
    String b = SqlLexer.fingerprint(SqlLexer.tokenize("SELECT *\n from USERS where ID = 7 and NAME = $$al$$"));
    assertThat(a).isEqualTo(b).isEqualTo("select * from users where id = ? and name = ?");
    assertThat(SqlLexer.fingerprint(SqlLexer.tokenize("select set_config('ROLE', 'x', false)")))
        .isEqualTo("select set_config( 'role' , ? , false )");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "SELECT 1 AS \u2003$a$; DELETE FROM users; --$a$",
        "SELECT 1 AS \u00a0$a$; DELETE FROM users; --$a$",
        "SELECT 1 AS \u3000$a$; DELETE FROM users; --$a$",
        "SELECT 1 AS \ufeff$a$; DELETE FROM users; --$a$",
        "SELECT 1 AS \u200b$a$; DELETE FROM users; --$a$",
        "SELECT 1 AS \u00e9$a$; DELETE FROM users; --$a$",
        "SELECT 1 AS x$a$; DELETE FROM users; --$a$"
      })
  void aDollarQuoteCannotOpenInsideANameThatStartsWithAUnicodeSpaceOrLetter(String escaped) {
    String sql = unescape(escaped);
    assertThat(split(sql)).hasSize(2);
    assertThat(split(sql).get(1)).isEqualTo("DELETE FROM users");
  }

  @Test
  void onlyTheServersSixBlanksSeparateTokens() {
    assertThat(SqlLexer.tokenize("a \t\n\r\f\u000bb").stream().map(Token::text)).containsExactly("a", "b");
    assertThat(SqlLexer.tokenize("a\u00a0b\u2003c").stream().map(Token::text)).containsExactly("a\u00a0b\u2003c");
  }

  @Test
  void stringsSeparatedByANewlineAreOneLiteral() {
    assertThat(SqlLexer.tokenize("SELECT 'a'\n  'b', 'c' -- x\n'd', 'e' /* */\n'f'").stream().map(Token::text))
        .containsExactly("select", "ab", ",", "cd", ",", "e", "f");
    assertThat(SqlLexer.tokenize("SELECT B'01''10'").stream().map(Token::text)).containsExactly("select", "01", "10");
  }

  @Test
  void escapesTheServerRefusesAreErrors() {
    for (String bad : List.of("SELECT E'\\uZZZZ'", "SELECT E'\\ud800'", "SELECT E'\\0'", "SELECT E'\\xff'",
        "SELECT U&'\\00'", "SELECT U&'a' UESCAPE 'ab'", "SELECT U&'a' UESCAPE '+'", "SELECT \"\"", "SELECT 'a\u0000'")) {
      List<Token> ts = SqlLexer.tokenize(bad);
      assertThat(ts.get(ts.size() - 1).type()).as(bad).isEqualTo(Type.ERROR);
    }
    assertThat(SqlLexer.tokenize("SELECT E'\\303\\251\\uD83D\\uDE00'").get(1).text()).isEqualTo("\u00e9\ud83d\ude00");
    assertThat(SqlLexer.tokenize("SELECT U&'a' UESCAPE 'b'", false).get(1).type()).isEqualTo(Type.ERROR);
  }

  @Test
  void operatorsStopWhereACommentStarts() {
    assertThat(split("SELECT 1 +-- ; DROP TABLE t\n; SELECT 2 */* ; */ 3")).containsExactly("SELECT 1 +", "SELECT 2 */* ; */ 3");
    assertThat(SqlLexer.tokenize("a <=- b @- c").stream().map(Token::text)).containsExactly("a", "<=", "-", "b", "@-", "c");
  }

  private static String unescape(String s) {
    StringBuilder b = new StringBuilder();
    for (int k = 0; k < s.length(); k++) {
      if (s.startsWith("\\u", k)) {
        b.append((char) Integer.parseInt(s.substring(k + 2, k + 6), 16));
        k += 5;
      } else {
        b.append(s.charAt(k));
      }
    }
    return b.toString();
  }
  @Test
  void aTextReadAgainOnTheSameThreadGetsItsOwnTokensInEachReading() {
    // The last text of each reading is kept per thread: a text read again, equal or the same
    // object, gets the same tokens; another text or the other reading never gets them.
    String sql = "SELECT 'a\\'; DROP TABLE t; --'";
    List<Token> on = SqlLexer.tokenize(sql, true);
    List<Token> off = SqlLexer.tokenize(sql, false);
    assertThat(SqlLexer.readsTheSameEitherWay(on, off)).isFalse();
    assertThat(on).extracting(Token::text).contains("drop");
    assertThat(off).extracting(Token::text).doesNotContain("drop");
    assertThat(SqlLexer.tokenize(new String(sql), true)).isEqualTo(on);
    assertThat(SqlLexer.tokenize(sql, false)).isEqualTo(off);
    assertThat(SqlLexer.tokenize("SELECT 1", true)).extracting(Token::text).containsExactly("select", "1");
    assertThat(SqlLexer.tokenize(sql, true)).isEqualTo(on);
    assertThat(SqlLexer.tokenize(sql + " ", true)).isEqualTo(on); // equal tokens, read afresh
    assertThat(SqlLexer.tokenize(sql.replace("t;", "u;"), true)).extracting(Token::text).contains("u")
        .doesNotContain("t");
  }
}
