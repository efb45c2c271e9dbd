package dev.gatehouse.gateway.psql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class MetaCommandGuardTest {

  @ParameterizedTest
  @ValueSource(strings = {
    "\\! id", "\\o /tmp/x", "\\g | sh", "\\g /tmp/out", "select 1 \\g |cat", "\\w /tmp/q", "\\s /tmp/h", "\\i /etc/passwd",
    "\\ir x.sql", "\\e", "\\copy users to '/tmp/u'", "\\lo_import /etc/shadow", "\\lo_export 1 /tmp/x", "\\setenv PAGER sh",
    "\\cd /", "\\set x `id`", "\\echo `id`", "\\pset pager on", "\\pset pager_min_lines 1", "\\set", "\\unset x",
    "\\gexec", "\\gset", "\\watch 1", "\\c other", "\\connect template1", "select 1; \\! id", "\\dt \\! id", "\\x `id`", "\\timing `id`", "\\\\",
    "\\echo :x", "\\echo 'quoted'", "\\pset null '|'", "\\h `id`", "\\dt x \\! id", "\\q \\! id"})
  void shellFileAndEnvironmentMetaCommandsAreRefused(String line) {
    assertThat(new MetaCommandGuard().line(line)).isInstanceOf(MetaCommandGuard.Refuse.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "\\dt", "\\d users", "\\d+ users", "\\dn", "\\df+", "\\du", "\\l", "\\x", "\\x on", "\\timing on", "\\conninfo",
    "\\?", "\\h select", "\\q", "\\echo hello", "\\pset format csv", "\\pset border 2", "select 1 \\g", "\\gx",
    "select 1;", "select 'a\\b';", "select E'it''s \\\\ ok';", "select \"we\\ird\" from t;", "select $$ \\! id $$;",
    "select $tag$ \\o x $tag$;", "select 1 \\; select 2;", "select 1::int;", "select a::text, b ::int;",
    "select :'v', :\"v\", :{?v};", "-- comment \\! id", "/* \\! id */ select 1;",
    "select 1 AS x$a$;", "select U&'\\0041' \\g", "select $1, $2 from t;"})
  void describeDisplayAndQuotedBackslashesPass(String line) {
    assertThat(new MetaCommandGuard().line(line)).isInstanceOf(MetaCommandGuard.Pass.class);
  }

  @Test
  void aStringOpenedOnOneLineStillProtectsBackslashesOnTheNext() {
    MetaCommandGuard g = new MetaCommandGuard();
    assertThat(g.line("select 'first line")).isEqualTo(new MetaCommandGuard.Pass(false));
    assertThat(g.inStatement()).isTrue();
    assertThat(g.line("\\! still inside the string';")).isEqualTo(new MetaCommandGuard.Pass(true));
    assertThat(g.inStatement()).isFalse();
    assertThat(g.line("\\! id")).isInstanceOf(MetaCommandGuard.Refuse.class);
  }

  @Test
  void aDollarQuotedBodySpansLines() {
    MetaCommandGuard g = new MetaCommandGuard();
    assertThat(g.line("create function f() returns int as $body$")).isEqualTo(new MetaCommandGuard.Pass(false));
    assertThat(g.line("  select 1; \\! not a command here")).isEqualTo(new MetaCommandGuard.Pass(false));
    assertThat(g.line("$body$ language sql;")).isEqualTo(new MetaCommandGuard.Pass(true));
  }

  @Test
  void aStatementIsCompleteOnlyAtItsSemicolon() {
    MetaCommandGuard g = new MetaCommandGuard();
    assertThat(g.line("select *")).isEqualTo(new MetaCommandGuard.Pass(false));
    assertThat(g.inStatement()).isTrue();
    assertThat(g.line("from users")).isEqualTo(new MetaCommandGuard.Pass(false));
    assertThat(g.line("where id = 1;")).isEqualTo(new MetaCommandGuard.Pass(true));
    assertThat(g.inStatement()).isFalse();
  }

  @Test
  void controlCharactersAreRefused() {
    assertThat(new MetaCommandGuard().line("select 1\u001b[2J;")).isInstanceOf(MetaCommandGuard.Refuse.class);
  }

  private static MetaCommandGuard withStandardStrings(boolean on) {
    return new MetaCommandGuard(() -> Optional.of(on));
  }

  @Test
  void aDollarAfterIdentifierCharactersDoesNotOpenADollarQuote() {
    // psql: "x$a$" is one identifier, so the backslash after it starts a command.
    assertThat(new MetaCommandGuard().line("SELECT 1 AS x$a$ \\! id")).isInstanceOf(MetaCommandGuard.Refuse.class);
    assertThat(withStandardStrings(true).line("SELECT 1 AS x$a$ \\! id")).isInstanceOf(MetaCommandGuard.Refuse.class);
    assertThat(new MetaCommandGuard().line("SELECT 1 AS \"x\"$a$ \\! id $a$;")).isEqualTo(new MetaCommandGuard.Pass(true));
    assertThat(new MetaCommandGuard().line("SELECT 1$a$ \\! id $a$;")).isEqualTo(new MetaCommandGuard.Pass(true));
  }

  @Test
  void withStandardConformingStringsOffABackslashEscapesInsidePlainQuotes() {
    String attack = "SELECT 'a\\'' \\! id";
    assertThat(withStandardStrings(false).line(attack)).isInstanceOf(MetaCommandGuard.Refuse.class);
    assertThat(new MetaCommandGuard().line(attack)).isInstanceOf(MetaCommandGuard.Refuse.class);
    // With it on, psql reads 'a\' and then a string that hides the backslash.
    assertThat(withStandardStrings(true).line(attack)).isEqualTo(new MetaCommandGuard.Pass(false));
    assertThat(withStandardStrings(false).line("SELECT N'a\\'' \\! id")).isInstanceOf(MetaCommandGuard.Refuse.class);
  }

  @Test
  void theSettingIsReadAfreshOnlyOncePsqlHasCaughtUp() {
    boolean[] on = {true};
    MetaCommandGuard g = new MetaCommandGuard(() -> Optional.of(on[0]));
    assertThat(g.line("SET standard_conforming_strings = off;")).isEqualTo(new MetaCommandGuard.Pass(true));
    // The proxy may not have seen the change yet: until psql caught up, both readings count.
    assertThat(g.line("SELECT 'a\\'' \\! id")).isInstanceOf(MetaCommandGuard.Refuse.class);
    g.psqlCaughtUp();
    on[0] = false;
    assertThat(g.line("SELECT 'a\\'' \\! id")).isInstanceOf(MetaCommandGuard.Refuse.class);
    assertThat(g.line("SELECT 'a\\'';")).isEqualTo(new MetaCommandGuard.Pass(true));
  }

  @Test
  void anEscapeStringsBackslashAtTheEndOfALineEscapesNothingOnTheNext() {
    MetaCommandGuard g = new MetaCommandGuard();
    assertThat(g.line("SELECT E'abc\\")).isEqualTo(new MetaCommandGuard.Pass(false));
    assertThat(g.line("' \\! id")).isInstanceOf(MetaCommandGuard.Refuse.class);
  }

  @Test
  void aBitStringEndsAtItsFirstQuote() {
    // B'a' then a new string: with standard_conforming_strings off that string is E'...'.
    assertThat(withStandardStrings(false).line("SELECT B'1''\\'' \\! id")).isInstanceOf(MetaCommandGuard.Refuse.class);
  }

  @Test
  void plainVariableReferencesAreRefusedButCastsPass() {
    MetaCommandGuard.Decision d = new MetaCommandGuard().line("SELECT :LAST_ERROR_MESSAGE;");
    assertThat(d).isInstanceOfSatisfying(MetaCommandGuard.Refuse.class,
        r -> assertThat(r.reason()).contains(":LAST_ERROR_MESSAGE").contains("variable"));
    assertThat(new MetaCommandGuard().line("SELECT x:::v;")).isInstanceOf(MetaCommandGuard.Refuse.class);
    assertThat(new MetaCommandGuard().line("SELECT '1'::int, ':v', \":v\", $$:v$$; -- :v")).isEqualTo(
        new MetaCommandGuard.Pass(true));
  }

  @Test
  void nestedCommentsEndOnlyAtTheirOutermostClose() {
    MetaCommandGuard g = new MetaCommandGuard();
    assertThat(g.line("/* outer /* inner */ \\! still a comment */ \\! id")).isInstanceOf(MetaCommandGuard.Refuse.class);
    assertThat(g.line("/* outer /* inner */ \\! still a comment */ SELECT 1;")).isEqualTo(new MetaCommandGuard.Pass(true));
  }

  @Test
  void unpairedSurrogatesAreRefused() {
    // Sent to psql as '?', an operator: "\uD800$a$" would open a dollar quote for psql only.
    assertThat(new MetaCommandGuard().line("SELECT x\uD800$a$")).isInstanceOf(MetaCommandGuard.Refuse.class);
    assertThat(new MetaCommandGuard().line("SELECT 'emoji \uD83D\uDE00';")).isEqualTo(new MetaCommandGuard.Pass(true));
  }

  @Test
  void quotesAndCommentsStillOpenAreReported() {
    MetaCommandGuard g = new MetaCommandGuard();
    assertThat(g.outsideQuotesAndComments()).isTrue();
    g.line("SELECT $x$");
    assertThat(g.outsideQuotesAndComments()).isFalse();
    g.line("$x$");
    assertThat(g.outsideQuotesAndComments()).isTrue();
    assertThat(g.inStatement()).isTrue();
  }

  @Test
  void execTextIsJudgedLineByLine() {
    assertThat(PsqlSession.checkExecText("SELECT 1 AS x$a$\n\\! id", Optional.empty()))
        .isInstanceOf(MetaCommandGuard.Refuse.class);
    assertThat(PsqlSession.checkExecText("SELECT 1;\nSELECT 2;", Optional.of(true)))
        .isEqualTo(new MetaCommandGuard.Pass(true));
  }
}
