package dev.gatehouse.recorder.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApprovalStoreTest {
  private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
  @TempDir Path dir;
  private ApprovalStore store;

  @BeforeEach
  void open() throws Exception {
    store = ApprovalStore.open(dir.resolve("gatehouse.db"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private ApprovalRequest ask(String statement, int min) throws Exception {
    return store.create(new NewApprovalRequest(ApprovalKind.STATEMENT, "alice@example.com", "prod-db", statement,
        key(statement), "ddl", "ALTER TABLE changes the schema", List.of("dba-leads"), min, "s-1", Duration.ofMinutes(10), null), T0);
  }

  /** A stand-in for the policy's key: the store only stores and compares what it is given. */
  private static String key(String statement) {
    return "k:" + statement;
  }

  @Test
  void aNewRequestIsPendingWithAShortIdAndItsExpiry() throws Exception {
    ApprovalRequest r = ask("ALTER TABLE t ADD c int", 1);
    assertThat(r.id()).matches("[0-9A-F]{4}");
    assertThat(r.state()).isEqualTo(ApprovalState.PENDING);
    assertThat(r.expiresAt()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
    assertThat(store.find(r.id().toLowerCase()).orElseThrow().statement()).isEqualTo("ALTER TABLE t ADD c int");
  }

  @Test
  void theRequesterCannotApproveTheirOwnRequestWhateverTheirGroups() throws Exception {
    ApprovalRequest r = ask("ALTER TABLE t ADD c int", 1);
    assertThatThrownBy(() -> store.decide(r.id(), "alice@example.com", Set.of("dba-leads"), true, null, "ssh", T0))
        .isInstanceOfSatisfying(ApprovalRefused.class, e -> assertThat(e.slug()).isEqualTo("self-approval"));
    assertThatThrownBy(() -> store.decide(r.id(), "alice@example.com", null, true, null, "cli", T0))
        .isInstanceOfSatisfying(ApprovalRefused.class, e -> assertThat(e.slug()).isEqualTo("self-approval"));
    assertThat(store.find(r.id()).orElseThrow().state()).isEqualTo(ApprovalState.PENDING);
  }

  @Test
  void onlyMembersOfTheApproverGroupsDecide() throws Exception {
    ApprovalRequest r = ask("ALTER TABLE t ADD c int", 1);
    assertThatThrownBy(() -> store.decide(r.id(), "mallory@example.com", Set.of("dev"), true, null, "ssh", T0))
        .isInstanceOfSatisfying(ApprovalRefused.class, e -> assertThat(e.slug()).isEqualTo("not-an-approver"));
    ApprovalRequest after = store.decide(r.id(), "bob@example.com", Set.of("dba-leads"), true, "ok", "ssh", T0.plusSeconds(5));
    assertThat(after.state()).isEqualTo(ApprovalState.APPROVED);
    assertThat(after.approvers()).containsExactly("bob@example.com");
    assertThat(after.usableUntil()).isEqualTo(T0.plusSeconds(5).plus(Duration.ofMinutes(10)));
  }

  @Test
  void aTwoApproverRequestNeedsTwoDistinctApproversAndOneDenialEndsIt() throws Exception {
    ApprovalRequest r = ask("ALTER TABLE t ADD c int", 2);
    assertThat(store.decide(r.id(), "bob@example.com", Set.of("dba-leads"), true, null, "ssh", T0).state())
        .isEqualTo(ApprovalState.PENDING);
    assertThatThrownBy(() -> store.decide(r.id(), "bob@example.com", Set.of("dba-leads"), true, null, "ssh", T0))
        .isInstanceOfSatisfying(ApprovalRefused.class, e -> assertThat(e.slug()).isEqualTo("already-decided"));
    assertThat(store.decide(r.id(), "carol@example.com", Set.of("dba-leads"), true, null, "web", T0).state())
        .isEqualTo(ApprovalState.APPROVED);

    ApprovalRequest d = ask("DROP INDEX i", 2);
    ApprovalRequest denied = store.decide(d.id(), "carol@example.com", Set.of("dba-leads"), false, "not today", "ssh", T0);
    assertThat(denied.state()).isEqualTo(ApprovalState.DENIED);
    assertThat(denied.denial().comment()).isEqualTo("not today");
  }

  @Test
  void aPendingRequestPastItsExpiryIsExpiredAndCannotBeDecided() throws Exception {
    ApprovalRequest r = ask("ALTER TABLE t ADD c int", 1);
    Instant late = T0.plus(Duration.ofMinutes(11));
    assertThatThrownBy(() -> store.decide(r.id(), "bob@example.com", Set.of("dba-leads"), true, null, "ssh", late))
        .isInstanceOfSatisfying(ApprovalRefused.class, e -> assertThat(e.slug()).isEqualTo("expired"));
    assertThat(store.find(r.id()).orElseThrow().state()).isEqualTo(ApprovalState.EXPIRED);
  }

  @Test
  void anApprovalIsUsedOnceForTheSameKeyByTheSameRequesterOnTheSameTarget() throws Exception {
    ApprovalRequest r = ask("ALTER TABLE t ADD c int", 1);
    store.decide(r.id(), "bob@example.com", Set.of("dba-leads"), true, null, "ssh", T0);
    assertThat(store.usableStatementApproval("alice@example.com", "prod-db", key("ALTER TABLE t ADD c int"), "ddl", T0)).isPresent();
    assertThat(store.usableStatementApproval("alice@example.com", "prod-db", key("ALTER TABLE t ADD d int"), "ddl", T0)).isEmpty();
    assertThat(store.usableStatementApproval("carol@example.com", "prod-db", key("ALTER TABLE t ADD c int"), "ddl", T0)).isEmpty();
    assertThat(store.usableStatementApproval("alice@example.com", "other-db", key("ALTER TABLE t ADD c int"), "ddl", T0)).isEmpty();
    assertThat(store.use(r.id(), "s-2", T0)).isTrue();
    assertThat(store.use(r.id(), "s-3", T0)).isFalse();
    assertThat(store.usableStatementApproval("alice@example.com", "prod-db", key("ALTER TABLE t ADD c int"), "ddl", T0)).isEmpty();
  }

  @Test
  void anApprovalIsUsedOnlyForTheRuleItWasAskedFor() throws Exception {
    String sql = "DELETE FROM orders WHERE id > 90";
    ApprovalRequest rule = store.create(new NewApprovalRequest(ApprovalKind.STATEMENT, "alice@example.com", "prod-db",
        sql, key(sql), "orders-writes", "DELETE on public.orders", List.of("dba-leads"), 1, null,
        Duration.ofMinutes(10), null), T0);
    store.decide(rule.id(), "bob@example.com", Set.of("dba-leads"), true, null, "ssh", T0);
    assertThat(store.usableStatementApproval("alice@example.com", "prod-db", key(sql), "max-rows-changed", T0))
        .as("a rule's approval for the row count's review").isEmpty();
    assertThat(store.usableStatementApproval("alice@example.com", "prod-db", key(sql), "orders-writes", T0)).isPresent();
    ApprovalRequest rows = store.create(new NewApprovalRequest(ApprovalKind.STATEMENT, "alice@example.com", "prod-db",
        sql, key(sql), "max-rows-changed", "would change 10 rows of orders (limit 5); undone", List.of("dba-leads"), 1,
        null, Duration.ofMinutes(10), null), T0);
    assertThat(store.openStatementRequest("alice@example.com", "prod-db", key(sql), "orders-writes", T0))
        .as("the row count's pending request for the rule's retry").isEmpty();
    assertThat(store.openStatementRequest("alice@example.com", "prod-db", key(sql), "max-rows-changed", T0))
        .get().extracting(ApprovalRequest::id).isEqualTo(rows.id());
    assertThatThrownBy(() -> new NewApprovalRequest(ApprovalKind.STATEMENT, "alice@example.com", "prod-db", sql,
        key(sql), null, null, List.of("dba-leads"), 1, null, Duration.ofMinutes(10), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rule");
  }

  @Test
  void theStatementIsKeptExactlyAndMatchedByItsKeyOnly() throws Exception {
    String sql = "DELETE FROM orders WHERE id = 7 -- per ticket 42\nOR id > 0";
    ApprovalRequest r = ask(sql, 1);
    assertThat(store.find(r.id()).orElseThrow().statement()).isEqualTo(sql);
    store.decide(r.id(), "bob@example.com", Set.of("dba-leads"), true, null, "ssh", T0);
    assertThat(store.usableStatementApproval("alice@example.com", "prod-db", key(sql), "ddl", T0)).isPresent();
    assertThat(store.usableStatementApproval("alice@example.com", "prod-db", sql, "ddl", T0)).isEmpty();
    assertThat(store.usableStatementApproval("alice@example.com", "prod-db", "", "ddl", T0)).isEmpty();
    assertThatThrownBy(() -> new NewApprovalRequest(ApprovalKind.STATEMENT, "alice@example.com", "prod-db", sql, "",
        "ddl", null, List.of("dba-leads"), 1, null, Duration.ofMinutes(10), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("statementKey");
  }

  @Test
  void aVersionOneStoreIsUpgradedAndItsFoldedTextsNeverMatchAgain() throws Exception {
    store.close();
    Path old = dir.resolve("v1.db");
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + old); var st = c.createStatement()) {
      st.executeUpdate("CREATE TABLE apr_schema_version (version INTEGER NOT NULL)");
      st.executeUpdate("INSERT INTO apr_schema_version VALUES (1)");
      st.executeUpdate("CREATE TABLE apr_requests ( id TEXT PRIMARY KEY, kind TEXT NOT NULL, state TEXT NOT NULL,"
          + " requester TEXT NOT NULL, target TEXT NOT NULL, statement TEXT NOT NULL, normalized TEXT NOT NULL,"
          + " rule TEXT, reason TEXT, created_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL,"
          + " approver_groups TEXT NOT NULL, approvers_needed INTEGER NOT NULL, session_id TEXT,"
          + " ttl_ms INTEGER NOT NULL, access_ms INTEGER, decided_ms INTEGER, usable_until_ms INTEGER,"
          + " used_ms INTEGER, used_by_session TEXT)");
      st.executeUpdate("INSERT INTO apr_requests VALUES ('ABCD','statement','approved','alice@example.com','prod-db',"
          + "'DELETE FROM orders WHERE id = 7 -- note OR id > 0','k:DELETE FROM orders WHERE id = 7 -- note OR id > 0',"
          + "'orders-writes',NULL," + T0.toEpochMilli() + "," + T0.plusSeconds(600).toEpochMilli() + ",'dba-leads',1,NULL,"
          + "600000,NULL," + T0.toEpochMilli() + "," + T0.plusSeconds(600).toEpochMilli() + ",NULL,NULL)");
    }
    store = ApprovalStore.open(old);
    ApprovalRequest r = store.find("ABCD").orElseThrow();
    assertThat(r.statement()).isEqualTo("DELETE FROM orders WHERE id = 7 -- note OR id > 0");
    assertThat(store.usableStatementApproval("alice@example.com", "prod-db",
        key("DELETE FROM orders WHERE id = 7 -- note OR id > 0"), "orders-writes", T0)).isEmpty();
    store.close();
    store = ApprovalStore.open(old); // opening again keeps version 3 and changes nothing more
    assertThat(store.find("ABCD").orElseThrow().statementKey()).isEqualTo("folded-v1:k:DELETE FROM orders WHERE id = 7 -- note OR id > 0");
  }

  private ApprovalRequest askWithoutWaiting(String statement) throws Exception {
    return store.create(new NewApprovalRequest(ApprovalKind.STATEMENT, "alice@example.com", "prod-db", statement,
        key(statement), "ddl", "DDL", List.of("dba-leads"), 1, null, Duration.ofMinutes(10), null), T0);
  }

  @Test
  void aRetryFindsItsPendingRequestThenItsDenialOnceThenNothing() throws Exception {
    String sql = "ALTER TABLE t ADD polled int";
    assertThat(store.openStatementRequest("alice@example.com", "prod-db", key(sql), "ddl", T0)).isEmpty();
    ApprovalRequest r = askWithoutWaiting(sql);
    for (int i = 0; i < 3; i++) {
      assertThat(store.openStatementRequest("alice@example.com", "prod-db", key(sql), "ddl", T0.plusSeconds(i)))
          .get().extracting(ApprovalRequest::id).isEqualTo(r.id());
    }
    assertThat(store.openStatementRequest("carol@example.com", "prod-db", key(sql), "ddl", T0)).isEmpty();
    assertThat(store.openStatementRequest("alice@example.com", "other-db", key(sql), "ddl", T0)).isEmpty();
    assertThat(store.openStatementRequest("alice@example.com", "prod-db", key(sql + " "), "ddl", T0)).isEmpty();
    store.decide(r.id(), "bob@example.com", Set.of("dba-leads"), false, "no", "ssh", T0.plusSeconds(5));
    ApprovalRequest told = store.openStatementRequest("alice@example.com", "prod-db", key(sql), "ddl", T0.plusSeconds(6)).orElseThrow();
    assertThat(told.state()).isEqualTo(ApprovalState.DENIED);
    assertThat(store.openStatementRequest("alice@example.com", "prod-db", key(sql), "ddl", T0.plusSeconds(7))).isEmpty();
  }

  @Test
  void anApprovedRequestOrOneAWaitingSessionMadeIsNotARetrysEarlierRequest() throws Exception {
    String sql = "ALTER TABLE t ADD approved int";
    ApprovalRequest r = askWithoutWaiting(sql);
    store.decide(r.id(), "bob@example.com", Set.of("dba-leads"), true, null, "ssh", T0);
    assertThat(store.openStatementRequest("alice@example.com", "prod-db", key(sql), "ddl", T0)).isEmpty();
    ApprovalRequest waited = ask("ALTER TABLE t ADD waited int", 1); // session s-1 waits on it
    assertThat(store.openStatementRequest("alice@example.com", "prod-db", waited.statementKey(), "ddl", T0)).isEmpty();
  }

  @Test
  void anExpiredRequestIsToldWithinATtlOfItsExpiry() throws Exception {
    String sql = "ALTER TABLE t ADD late int";
    ApprovalRequest r = askWithoutWaiting(sql);
    Instant expired = T0.plus(Duration.ofMinutes(10));
    assertThat(store.expireDue(expired)).extracting(ApprovalRequest::id).containsExactly(r.id());
    assertThat(store.openStatementRequest("alice@example.com", "prod-db", key(sql), "ddl", expired.plus(Duration.ofMinutes(11))))
        .as("too late to be told: a new request").isEmpty();
    assertThat(store.openStatementRequest("alice@example.com", "prod-db", key(sql), "ddl", expired.plusSeconds(1)))
        .get().extracting(ApprovalRequest::state).isEqualTo(ApprovalState.EXPIRED);
  }

  @Test
  void orphanedPendingRequestsAreCancelled() throws Exception {
    ApprovalRequest r = ask("ALTER TABLE t ADD c int", 1);
    assertThat(store.cancelOrphans(id -> false, T0)).extracting(ApprovalRequest::id).containsExactly(r.id());
    assertThat(store.find(r.id()).orElseThrow().state()).isEqualTo(ApprovalState.CANCELLED);
  }

  @Test
  void anAccessApprovalOpensAWindowOfItsDuration() throws Exception {
    ApprovalRequest r = store.create(new NewApprovalRequest(ApprovalKind.ACCESS, "alice@example.com", "prod-db", "", "",
        null, "incident 42", List.of("dba-leads"), 1, null, Duration.ofMinutes(10), Duration.ofHours(1)), T0);
    assertThat(store.pendingAccess("alice@example.com", "prod-db", T0)).isPresent();
    store.decide(r.id(), "bob@example.com", Set.of("dba-leads"), true, null, "ssh", T0.plusSeconds(60));
    assertThat(store.openAccess("alice@example.com", "prod-db", T0.plus(Duration.ofMinutes(30)))).isPresent();
    assertThat(store.openAccess("alice@example.com", "prod-db", T0.plus(Duration.ofMinutes(62)))).isEmpty();
  }

  @Test
  void twoStoresOnOneFileSeeEachOthersDecisions() throws Exception {
    ApprovalRequest r = ask("ALTER TABLE t ADD c int", 1);
    try (ApprovalStore other = ApprovalStore.open(dir.resolve("gatehouse.db"))) {
      other.decide(r.id(), "bob@example.com", Set.of("dba-leads"), true, null, "cli", T0);
    }
    assertThat(store.current(List.of(r.id())).get(r.id()).state()).isEqualTo(ApprovalState.APPROVED);
  }
}
