package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The 17g bypasses (policy: ShellAttack17gTest) end to end on the exec path: the real OpenSSH
 * client, the gateway and bash on a {@code command} target whose policy is docs/policy.md's
 * default-shell plus a rule that blocks {@code id}. bash's arithmetic error message quotes the
 * subscript it evaluated, so {@code uid=…} on the session's stderr shows that bash ran {@code id}.
 * With {@code GATEHOUSE_NOWAIT=1} a review answers 76 at once.
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellAttack17gIT {
  @TempDir static Path dir;
  static GatewayFixture gw;
  static SshClientKey alice;

  @BeforeAll
  static void start() throws Exception {
    String targets = """
        targets:
          - name: web-1
            type: command
            command: ["/bin/bash", "--noprofile", "--norc", "-i"]
            exec: ["/bin/bash", "-c"]
            env: { PATH: "/usr/bin:/bin" }
            runAs: nobody
            allow: { groups: [dev] }
            approvers: { groups: [ops-leads], min: 1 }
            policy: default-shell
        policies:
          default-shell:
            type: shell
            block:  [recursive-delete-root, filesystem-format, raw-device-write, power, fork-bomb, history-tamper, audit-tamper]
            review: [sudo, package-change, service-change, process-kill, firewall-change, user-change, scheduler-change,
                     curl-pipe-shell, interpreter-inline, remote-copy, guard-tamper]
            unclassified: review
            rules:
              - { name: no-id, commands: [id], verdict: block }
        """;
    gw = GatewayFixture.start(dir, "", targets);
    alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
  }

  /**
   * <ul>
   *   <li>{@code [ -v 'a[$(id)]' ]}: tree-sitter's {@code test_command} is no command to the
   *       reading, so no name-taker is seen and the literal's code is not unclassified
   *       ({@code test -v 'a[$(id)]'} is).
   *   <li>A value from a command substitution, evaluated again by a subscript inside a name
   *       argument ({@code printf -v 'a[x]'}, {@code read 'a[x]'}, {@code a=([x]=1)}) or by an
   *       assignment to OPTIND: no {@code evaluates} call there.
   * </ul>
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "[ -v 'a[$(id)]' ]",
      "x=$(printf 'b[\\x24(id)]'); printf -v 'a[x]' %s 1",
      "x=$(printf 'b[\\x24(id)]'); read 'a[x]' <<< 1",
      "x=$(printf 'b[\\x24(id)]'); a=([x]=1)",
      "x=$(printf 'b[\\x24(id)]'); OPTIND=x"})
  void aCommandTheGuardShouldRefuseDoesNotRun(String text) throws Exception {
    SshResult r = gw.ssh(alice, "web-1").options("-o", "SetEnv=GATEHOUSE_NOWAIT=1").run(text);
    assertThat(r.out() + r.err()).as("bash ran id for %s%n%s", text, r).doesNotContain("uid=");
    assertThat(r.exitCode()).as("%s%n%s", text, r).isIn(76, 77);
  }
}
