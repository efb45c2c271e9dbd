package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.recorder.SessionRecord;
import dev.gatehouse.recorder.SessionState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The SSH user name is the target; a name that is no target gets 65 (exec) or the menu (login). */
@ExtendWith(GatewayLogOnFailure.class)
class TargetRoutingIT {
  private static final Duration WAIT = Duration.ofSeconds(10);
  @TempDir static Path dir;
  static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    gw = GatewayFixture.start(dir);
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  void execToAnUnknownTargetExits65WithOneParsableLine() throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("unknown"), List.of("dev"));
    String name = "nosuch-" + UUID.randomUUID().toString().substring(0, 8);

    SshResult r = gw.ssh(key, name).run("echo should-not-run");

    assertThat(r.exitCode()).as("%s", r).isEqualTo(65);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("gatehouse: no target named '" + name + "'\n");
  }

  @Test
  void interactiveLoginToAnUnknownNameShowsTheTargetsThisPersonMayUseAndStartsThePick() throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("menu"), List.of("dev"));
    String name = "nosuch-" + UUID.randomUUID().toString().substring(0, 8);

    try (InteractiveProcess ssh = gw.interactive(key, name)) {
      String menu = ssh.await("Pick a number or name", WAIT);
      assertThat(menu).contains("gatehouse: no target named '" + name + "'")
          .contains("Targets you may use, " + key.identity())
          .containsPattern("1\\) shell\\s+command")
          .containsPattern("2\\) tools\\s+command")
          .doesNotContain("ops-only");

      ssh.send("1\n");
      ssh.await("gh$ ", menu.length(), WAIT);
      int mark = ssh.length();
      ssh.send("echo picked-$((40+2))\n");
      ssh.await("picked-42\r\n", mark, WAIT);
      ssh.send("exit\n");
      assertThat(ssh.waitFor(WAIT)).isZero();
    }
    SessionRecord s = gw.awaitSession(key.identity(), x -> x.state() == SessionState.CLOSED);
    assertThat(s.target()).isEqualTo("shell");
    assertThat(s.exitStatus()).isZero();
  }

  @Test
  void linesTypedAheadAfterThePickReachTheTarget() throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("menu-ahead"), List.of("dev"));

    try (InteractiveProcess ssh = gw.interactive(key, "nosuch")) {
      ssh.await("Pick a number or name", WAIT);
      // A pasted answer and command arrive in one packet.
      ssh.send("1\necho ahead-$((1+1))\n");
      ssh.await("ahead-2\r\n", WAIT);
      ssh.send("exit\n");
      assertThat(ssh.waitFor(WAIT)).isZero();
    }
  }

  @Test
  void menuPickedByNameAfterAWrongAnswer() throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("menu2"), List.of("dev"));

    try (InteractiveProcess ssh = gw.interactive(key, "nosuch")) {
      String menu = ssh.await("Pick a number or name", WAIT);
      ssh.send("ops-only\n");
      String again = ssh.await("is not one of the targets above", menu.length(), WAIT);
      ssh.send("tools\n");
      ssh.await("tools$ ", again.length(), WAIT);
      ssh.send("exit\n");
      assertThat(ssh.waitFor(WAIT)).isZero();
    }
    assertThat(gw.awaitSession(key.identity(), x -> x.state() == SessionState.CLOSED).target()).isEqualTo("tools");
  }
}
