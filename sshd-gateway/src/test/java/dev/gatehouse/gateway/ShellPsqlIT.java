package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.postgres.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * psql on a shell target: its backslash commands run programs on the target ({@code \!}, {@code
 * \o |CMD}, backquotes), and without {@code -c}/{@code -f} it reads them from its input. Each
 * text is first run straight by bash against a real PostgreSQL (the target's environment names
 * the server), which shows that psql really runs {@code id}; then through the real OpenSSH
 * client and the gateway on a {@code command} target with docs/policy.md's default-shell, where
 * it must be refused (76 with {@code GATEHOUSE_NOWAIT=1}) and {@code id} must not run.
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellPsqlIT {
  @TempDir static Path dir;
  static PostgresServer pg;
  static GatewayFixture gw;
  static SshClientKey alice;
  static String password;

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresServer.start(false);
    password = Files.readString(pg.passwordFile()).strip();
    String targets = """
        targets:
          - name: web-1
            type: command
            command: ["/bin/bash", "--noprofile", "--norc", "-i"]
            exec: ["/bin/bash", "-c"]
            env: { PATH: "/usr/bin:/bin", PGHOST: "127.0.0.1", PGPORT: "%d", PGUSER: "app_rw", PGDATABASE: "app",
                   PGPASSWORD: "%s", PGSSLMODE: "disable" }
            runAs: nobody
            allow: { groups: [dev] }
            approvers: { groups: [ops-leads], min: 1 }
            policy: default-shell
        policies:
          default-shell:
            type: shell
            block:  [recursive-delete-root, filesystem-format, raw-device-write, power, fork-bomb, history-tamper, audit-tamper]
            review: [sudo, package-change, service-change, process-kill, firewall-change, user-change, scheduler-change,
                     curl-pipe-shell, interpreter-inline, remote-copy, guard-tamper, nested-shell]
            unclassified: review
        """.formatted(pg.port, password);
    gw = GatewayFixture.start(dir, "", targets);
    alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  /** What bash prints running {@code text} with the target's PostgreSQL settings, {@code input} on its stdin. */
  static String straight(String text, String input) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", "--norc", "--noprofile", "-c", text).redirectErrorStream(true)
        .directory(dir.toFile());
    pb.environment().putAll(java.util.Map.of("PGHOST", "127.0.0.1", "PGPORT", String.valueOf(pg.port), "PGUSER", "app_rw",
        "PGDATABASE", "app", "PGPASSWORD", password, "PGSSLMODE", "disable"));
    pb.environment().remove("PSQLRC");
    Process p = pb.start();
    p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("bash ended").isTrue();
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "psql -c '\\! id'",
      "psql -X -c 'select 1' -c '\\! id'",
      "psql --command='\\! id'",
      "psql --comm='\\! id'",
      "psql -Xqc '\\! id'",
      "psql -c '\\echo `id`'",
      "psql -c '\\set x `id`' -c '\\echo :x'",
      "psql -c '\\o |id' -c 'select 1'",
      "psql -o '|id' -c 'select 1'",
      "psql -c '\\setenv X 1' -c '\\! id'",
      "c='\\! id'; psql -c \"$c\"",
      "printf '\\\\! id\\n' > f.sql && psql -f f.sql",
      "printf '\\\\! id\\n' > rc && PSQLRC=rc psql -c 'select 1'",
      "printf '\\\\! id\\n' | psql",
      "psql <<< '\\! id'",
      "psql -f - <<< '\\! id'",
      "psql -c '\\i /dev/stdin' <<< '\\! id'",
      "printf '\\\\! id\\n' > f; psql < f",
      "echo '\\! id' > f && psql -X 0<f",
      "echo '\\! id' > f && psql -1 < f",
      "echo '\\! id' > f && psql -d app -U app_rw < f",
      "echo '\\! id' | tee q.sql >/dev/null; psql -v ON_ERROR_STOP=1 < q.sql"})
  void psqlRunningACommandIsRefused(String text) throws Exception {
    assertThat(straight(text, "")).as("psql runs id for %s", text).contains("uid=");
    SshResult r = gw.ssh(alice, "web-1").options("-o", "SetEnv=GATEHOUSE_NOWAIT=1").run(text);
    assertThat(r.out() + r.err()).as("psql ran id through the gateway for %s%n%s", text, r).doesNotContain("uid=");
    assertThat(r.exitCode()).as("%s%n%s", text, r).isEqualTo(76);
  }

  /** psql reading the client's input (an exec request with no -c): a prompt that runs \! from it. */
  @Test
  void psqlReadingTheClientsInputIsAPrompt() throws Exception {
    assertThat(straight("psql", "\\! id\n")).contains("uid=");
    SshResult r = gw.ssh(alice, "web-1").options("-o", "SetEnv=GATEHOUSE_NOWAIT=1").stdin("\\! id\n").run("psql");
    assertThat(r.out() + r.err()).as("%s", r).doesNotContain("uid=");
    assertThat(r.exitCode()).as("%s", r).isEqualTo(76);
  }

  /** Everyday psql on a shell target stays allowed: queries, listings, the \d family. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "psql -At -c 'select 40 + 2'",
      "psql -At -c 'select count(*) from users' -c 'select 42'",
      "psql -c '\\dt' && echo 42",
      "psql -l > /dev/null && echo 42",
      "psql --version && echo 42",
      "psql -At -v ON_ERROR_STOP=1 -c \"select 42 where 'a' = 'a'\""})
  void everydayPsqlRuns(String text) throws Exception {
    SshResult r = gw.ssh(alice, "web-1").options("-o", "SetEnv=GATEHOUSE_NOWAIT=1").run(text);
    assertThat(r.exitCode()).as("%s%n%s", text, r).isZero();
    assertThat(r.out()).as("%s%n%s", text, r).contains("42");
  }
}
