package dev.gatehouse.gateway.psql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class MetaCommandGuardTest {

  @ParameterizedTest
  @ValueSource(strings = {
    "\\! id", "\\o /tmp/x", "\\g | sh", "\\g /tmp/out", "select 1 \\g |cat", "\\w /tmp/q", "\\s /tmp/h", "\\i /etc/passwd",
    "\\ir x.sql", "\\e", "\\copy users to '/tmp/u'", "\\lo_import /etc/shadow", "\\lo_export 1 /tmp/x", "\\setenv PAGER sh",
    "\\cd /", "\\set x `id`", "\\echo `id`", "\\pset pager on", "\\pset pager_min_lines 1", "\\set", "\\unset x",
    "\\gexec", "\\gset", "\\watch 1", "\\c other", "\\connect template1", "-- comment \\! id", "/* \\! id */",
    "select 1; \\! id", "\\dt \\! id", "\\x `id`", "\\timing `id`", "\\\\", "\\;"})
  void shellFileAndEnvironmentMetaCommandsAreRefused(String line) {
    assertThat(new MetaCommandGuard().line(line)).isInstanceOf(MetaCommandGuard.Refuse.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "\\dt", "\\d users", "\\d+ users", "\\dn", "\\df+", "\\du", "\\l", "\\x", "\\x on", "\\timing on", "\\conninfo",
    "\\?", "\\h select", "\\q", "\\echo hello", "\\pset format csv", "\\pset border 2", "select 1 \\g", "\\gx",
    "select 1;", "select 'a\\b';", "select E'it''s \\\\ ok';", "select \"we\\ird\" from t;", "select $$ \\! id $$;",
    "select $tag$ \\o x $tag$;"})
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
}
