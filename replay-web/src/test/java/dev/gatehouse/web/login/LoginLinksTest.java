package dev.gatehouse.web.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoginLinksTest {
  @TempDir Path dir;

  private LoginLinks links(WebSessionsTest.Ticking clock) {
    return new LoginLinks(dir.resolve("gatehouse.db"), clock);
  }

  @Test
  void aLinkWorksOnceThenSaysItWasUsed() throws Exception {
    WebSessionsTest.Ticking clock = new WebSessionsTest.Ticking();
    LoginLinks links = links(clock);
    LoginLinks.Link link = links.mint();
    links.store(link, "serve");
    assertThat(link.token()).hasSize(43);
    assertThat(link.expiresAt()).isEqualTo(clock.now.plus(Duration.ofMinutes(10)));

    LoginLinks.Redeemed r = links.redeem(link.token());
    assertThat(r.linkId()).isEqualTo(link.linkId()).hasSize(12);
    assertThat(r.issuedBy()).isEqualTo("serve");
    assertThatThrownBy(() -> links.redeem(link.token()))
        .isInstanceOfSatisfying(LoginRefused.class, e -> assertThat(e.slug()).isEqualTo("token-used"));
  }

  @Test
  void aLinkExpiresTenMinutesAfterItWasMade() throws Exception {
    WebSessionsTest.Ticking clock = new WebSessionsTest.Ticking();
    LoginLinks links = links(clock);
    LoginLinks.Link late = links.mint();
    links.store(late, "serve");
    LoginLinks.Link inTime = links.mint();
    links.store(inTime, "serve");

    clock.now = clock.now.plus(Duration.ofMinutes(10)).minusMillis(1);
    assertThat(links.redeem(inTime.token()).linkId()).isEqualTo(inTime.linkId());
    clock.now = clock.now.plusMillis(1);
    assertThatThrownBy(() -> links.redeem(late.token()))
        .isInstanceOfSatisfying(LoginRefused.class, e -> assertThat(e.slug()).isEqualTo("token-expired"));
    // Still expired, not "used", however often it is tried.
    assertThatThrownBy(() -> links.redeem(late.token()))
        .isInstanceOfSatisfying(LoginRefused.class, e -> assertThat(e.slug()).isEqualTo("token-expired"));
  }

  @Test
  void tokensNeverMadeOrMalformedAreUnknown() throws Exception {
    LoginLinks links = links(new WebSessionsTest.Ticking());
    links.store(links.mint(), "serve");
    LoginLinks.Link other = links.mint(); // minted, never stored
    for (String token : new String[] {other.token(), null, "", "short", other.token() + "x", other.token().replace(
        other.token().charAt(0), '%'), other.token().substring(0, 42) + "/"}) {
      assertThatThrownBy(() -> links.redeem(token)).as(String.valueOf(token))
          .isInstanceOfSatisfying(LoginRefused.class, e -> assertThat(e.slug()).isEqualTo("token-unknown"));
    }
  }

  @Test
  void theStoreHoldsOnlyTheHashOfALink() throws Exception {
    LoginLinks links = links(new WebSessionsTest.Ticking());
    LoginLinks.Link link = links.mint();
    links.store(link, "cli:root");
    for (Path f : Files.list(dir).toList()) { // the database, and its WAL
      assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as("%s", f).doesNotContain(link.token());
    }
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("gatehouse.db"));
        Statement s = db.createStatement();
        ResultSet r = s.executeQuery("SELECT token_sha256, issued_by FROM web_login_links")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getString(1)).isEqualTo(LoginLinks.sha256(link.token())).startsWith(link.linkId());
      assertThat(r.getString(2)).isEqualTo("cli:root");
      assertThat(r.next()).isFalse();
    }
  }

  @Test
  void twoBrowsersRacingWithOneLinkGetOneSessionBetweenThem() throws Exception {
    WebSessionsTest.Ticking clock = new WebSessionsTest.Ticking();
    LoginLinks links = links(clock);
    for (int round = 0; round < 20; round++) {
      LoginLinks.Link link = links.mint();
      links.store(link, "serve");
      CountDownLatch go = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<String>> tries = new ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) {
          // Each its own LoginLinks (its own connection), as separate requests are.
          LoginLinks mine = links(clock);
          Callable<String> attempt = () -> {
            go.await();
            try {
              mine.redeem(link.token());
              return "in";
            } catch (LoginRefused e) {
              return e.slug();
            }
          };
          tries.add(pool.submit(attempt));
        }
        go.countDown();
        List<String> outcomes = new ArrayList<>();
        for (Future<String> f : tries) {
          outcomes.add(f.get());
        }
        assertThat(outcomes).as("round %d", round).containsOnlyOnce("in").containsOnly("in", "token-used");
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void usedAndExpiredLinksAreForgottenADayAfterTheyExpire() throws Exception {
    WebSessionsTest.Ticking clock = new WebSessionsTest.Ticking();
    LoginLinks links = links(clock);
    LoginLinks.Link used = links.mint();
    links.store(used, "serve");
    links.redeem(used.token());
    clock.now = clock.now.plus(Duration.ofMinutes(10)).plus(Duration.ofDays(1)).plusSeconds(1);
    links.store(links.mint(), "serve"); // making a link sweeps
    assertThatThrownBy(() -> links.redeem(used.token()))
        .isInstanceOfSatisfying(LoginRefused.class, e -> assertThat(e.slug()).isEqualTo("token-unknown"));
  }

  @Test
  void noStoreIsMadeWhereNoGatewayKeepsItsData() {
    LoginLinks links = new LoginLinks(dir.resolve("no-such-dataDir/gatehouse.db"), new WebSessionsTest.Ticking());
    assertThatThrownBy(() -> links.store(links.mint(), "cli:root")).hasMessageContaining("no Gatehouse store");
    assertThat(dir.resolve("no-such-dataDir")).doesNotExist();
  }
}
