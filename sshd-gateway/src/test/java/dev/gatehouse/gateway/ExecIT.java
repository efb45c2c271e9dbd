package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.GatewayFixture.field;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.recorder.SessionRecord;
import dev.gatehouse.recorder.SessionState;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** `ssh shell@gw 'CMD'` without a pty: clean bytes, separate stderr, the command's own status. */
@ExtendWith(GatewayLogOnFailure.class)
class ExecIT {
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

  private static SshClientKey dev(String prefix) throws Exception {
    return gw.sign(GatewayFixture.uniqueIdentity(prefix), List.of("dev"));
  }

  @Test
  void stdoutIsExactlyTheCommandsBytesWithoutCarriageReturnOrBanner() throws Exception {
    SshResult r = gw.ssh(dev("hello"), "shell").run("echo hello");

    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.out()).isEqualTo("hello\n");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void stderrArrivesApartFromStdout() throws Exception {
    SshResult r = gw.ssh(dev("stderr"), "shell").run("echo out; echo oops >&2");

    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.out()).isEqualTo("out\n");
    assertThat(r.err()).isEqualTo("oops\n");
  }

  @Test
  void exitStatusOfTheCommandIsPassedBack() throws Exception {
    SshResult r = gw.ssh(dev("exit7"), "shell").run("echo before; exit 7");

    assertThat(r.exitCode()).as("%s", r).isEqualTo(7);
    assertThat(r.out()).isEqualTo("before\n");
  }

  @Test
  void theClientsCommandIsOneArgumentAfterTheExecArgv() throws Exception {
    // exec is [/bin/sh, -c]: the whole line is $0's script, so quoting and ';' survive as typed,
    // and the words after the script are not split into extra arguments of sh.
    SshResult r = gw.ssh(dev("argv"), "shell").run("printf '[%s]' \"a  b\" 'c;d'; echo; echo \"$0\"");

    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.out()).isEqualTo("[a  b][c;d]\n/bin/sh\n");
  }

  @Test
  void stdinEndOfFileReachesTheChild() throws Exception {
    SshResult r = gw.ssh(dev("stdin"), "shell").stdin("a\nb\n").run("wc -l");

    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.out().trim()).isEqualTo("2");
  }

  @Test
  void childKilledBySignalIsReportedAsExitSignalAndAudited() throws Exception {
    SshClientKey key = dev("kill9");
    SshResult r = gw.ssh(key, "shell").run("echo dying; kill -9 $$");

    // OpenSSH exits 255 when the remote command was killed by a signal (exit-signal).
    assertThat(r.exitCode()).as("%s", r).isEqualTo(255);
    assertThat(r.out()).isEqualTo("dying\n");
    SessionRecord s = gw.awaitSession(key.identity(), x -> x.state() == SessionState.CLOSED);
    assertThat(s.exitStatus()).as("a signal is not an exit status").isNull();
    JsonNode end = gw.awaitAudit("session-end of " + s.id(),
        field("code", "GH2001I").and(field("sessionId", s.id())));
    assertThat(end.path("signal").asText()).isEqualTo("KILL");
    assertThat(end.has("exitStatus")).isFalse();
  }

  @Test
  void sessionsListAndShowNameTheSignalAndTheCommandOfAnExecSession() throws Exception {
    SshClientKey key = dev("term");
    SshResult r = gw.ssh(key, "shell").run("kill -TERM $$");
    assertThat(r.exitCode()).as("%s", r).isEqualTo(255);
    SessionRecord s = gw.awaitSession(key.identity(), x -> x.state() == SessionState.CLOSED);

    GatewayFixture.CliResult table = gw.cli("sessions", "list", "--identity", key.identity());
    assertThat(table.exitCode()).as(table.err()).isZero();
    List<String> rows = table.out().lines().toList();
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0)).endsWith("EXIT");
    assertThat(rows.get(1)).startsWith(s.id()).endsWith("  TERM");

    GatewayFixture.CliResult json = gw.cli("sessions", "list", "--identity", key.identity(), "--format", "json");
    JsonNode row = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out()).get(0);
    assertThat(row.get("exitStatus").isNull()).as(json.out()).isTrue();
    assertThat(row.get("exitSignal").asText()).isEqualTo("TERM");
    assertThat(row.get("command").asText()).isEqualTo("kill -TERM $$");

    GatewayFixture.CliResult show = gw.cli("sessions", "show", s.id());
    assertThat(show.exitCode()).as(show.err()).isZero();
    assertThat(show.out().lines()).contains("command:       kill -TERM $$", "exitStatus:    -", "exitSignal:    TERM");
  }

  @Test
  void anInteractiveSessionHasNoCommandAndItsExitStatus() throws Exception {
    SshClientKey key = dev("nocmd");
    SshResult r = gw.ssh(key, "shell").options("-tt").stdin("exit 4\n").run(null);
    assertThat(r.exitCode()).as("%s", r).isEqualTo(4);
    SessionRecord s = gw.awaitSession(key.identity(), x -> x.state() == SessionState.CLOSED);

    GatewayFixture.CliResult show = gw.cli("sessions", "show", s.id());
    assertThat(show.out().lines()).contains("command:       -", "exitStatus:    4", "exitSignal:    -");
  }
}
