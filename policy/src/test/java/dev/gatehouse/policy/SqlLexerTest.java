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
    assertThat(SqlLexer.dependsOnStandardStrings(SqlLexer.tokenize(sql))).isTrue();
    assertThat(SqlLexer.dependsOnStandardStrings(SqlLexer.tokenize("SELECT 'a'"))).isFalse();
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
  void numbersStopWhereOldServersStopThem() {
    assertThat(SqlLexer.tokenize("1or 1.5e-3 0x1F").stream().map(Token::text)).containsExactly("1", "or", "1.5e-3", "0x1F");
  }

  @Test
  void fingerprintAbstractsLiteralsAndKeepsTheSetConfigName() {
    String a = SqlLexer.fingerprint(SqlLexer.tokenize("select * FROM users /* x */ WHERE id = 5 AND name = 'bob'"));
    String b = SqlLexer.fingerprint(SqlLexer.tokenize("SELECT *\n from USERS where ID = 7 and NAME = $$al$$"));
    assertThat(a).isEqualTo(b).isEqualTo("select * from users where id = ? and name = ?");
    assertThat(SqlLexer.fingerprint(SqlLexer.tokenize("select set_config('ROLE', 'x', false)")))
        .isEqualTo("select set_config( 'role' , ? , false )");
  }
}
