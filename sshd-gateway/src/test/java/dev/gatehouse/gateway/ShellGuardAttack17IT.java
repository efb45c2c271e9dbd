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
 * Attack pass on the shell guard's exec path, end to end: the real OpenSSH client, the gateway and
 * bash on a {@code command} target. The target's policy is docs/policy.md's default-shell plus one
 * operator rule that blocks {@code id}, so a command the guard should have refused shows up as
 * {@code uid=…} on the session's stdout when bash ran it anyway. With {@code GATEHOUSE_NOWAIT=1} a
 * review answers 76 at once instead of waiting for an approver.
 *
 * <p>{@link #aCommandTheGuardRefusesDoesNotRun} holds texts bash runs {@code id} from while the
 * guard allowed them when this pass was written; {@link #whatHeld} holds the variants that were
 * refused.
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellGuardAttack17IT {
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

  private static SshResult run(String text) throws Exception {
    return gw.ssh(alice, "web-1").options("-o", "SetEnv=GATEHOUSE_NOWAIT=1").run(text);
  }

  /** The guard refuses (77 blocked, 76 review without waiting) and bash never runs {@code id}. */
  private static void assertRefusedAndNotRun(String text, SshResult r) {
    assertThat(r.out() + r.err()).as("bash ran id for %s%n%s", text, r).doesNotContain("uid=");
    assertThat(r.exitCode()).as("%s%n%s", text, r).isIn(76, 77);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      // Options GNU env takes with an optional, attached-only value: the guard takes the next word as the value.
      "env --ignore-signal id",
      "env --default-signal id",
      "env --block-signal id",
      // env takes every word with a = before the command for an assignment, a name that is no shell identifier too.
      "env a-b=1 id",
      // ... and bash imports BASH_FUNC_NAME%% from its environment as a function the guard never reads.
      "env 'BASH_FUNC_ls%%=() { id; }' bash -c ls",
      // ionice -t (--ignore) takes no value; the guard reads the command as its value.
      "ionice -t id",
      // script -q/-f/-e take no value; the guard stops at them and never sees -c.
      "script -qc id /dev/null",
      // eval skips --; the guard reads "--" as the command name.
      "eval -- id",
      // A variable's value evaluated as arithmetic: array subscripts in it are expanded, $(…) included.
      "x='a[$(id)]'; echo $((x))",
      "x='a[$(id)]'; [[ $x -eq 0 ]]",
      "declare -i n; n='a[$(id)]'",
      "x='a[$(id)]'; echo ${!x}",
      "declare -n r='a[$(id)]'; r=1",
      // Builtins that take a variable name, subscript included.
      "printf -v 'a[$(id)]' x",
      "read 'a[$(id)]' <<< 1",
      "let 'a[$(id)]=1'",
      "[[ -v 'a[$(id)]' ]]",
      "test -v 'a[$(id)]'",
      // Prompt expansion runs command substitutions in a value.
      "x='$(id)'; echo \"${x@P}\"",
      "PS4='$(id)'; set -x; :",
      // Builtins that run a command given as an argument.
      "mapfile -C id -c 1 a <<< x",
      "readarray -C id -c 1 a <<< x",
      "compgen -C 'id #' x",
      // hash -p binds a name to another program.
      "hash -p /usr/bin/id ls; ls",
      // xargs -I puts its input into the code sh -c runs.
      "echo id | xargs -I% sh -c %",
      // Interpreter code from a here-string by a file name (/dev/stdin), and a git alias: interpreter-inline.
      "awk -f /dev/stdin <<< 'BEGIN{system(\"id\")}'",
      "python3 /dev/stdin <<< 'import os; os.system(\"id\")'",
      "git -c alias.x='!id' x",
  })
  void aCommandTheGuardRefusesDoesNotRun(String text) throws Exception {
    assertRefusedAndNotRun(text, run(text));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "id",
      "env -S'id'",
      "env -C / id",
      "timeout -k1 5 id",
      "nice --adj 1 id",
      "script --command id",
      "watch -c id",
      "eval 'i''d'",
      "nohup -- id",
      "builtin -- eval id",
      "exec -a x -- id",
      "$'i\\x64'",
      "i$'d'",
      "echo $(( $(id) ))",
      "echo \"${x:=$(id)}\"",
      "x='a[$(id)]'; (( x ))",
      "/usr/bin/i[d]",
      "a=(id); \"${a[@]}\"",
      "find /usr/bin -name id -exec {} \\;",
      "trap id EXIT",
      "trap 'id' DEBUG; :",
      "case x in x) true;& y) id;; esac",
      "coproc X { id; }",
      "shopt -s extglob\n/usr/bin/@(id)",
      "cat <<< $(id)",
      "exec {fd}>/dev/null; id >&$fd",
  })
  void whatHeld(String text) throws Exception {
    assertRefusedAndNotRun(text, run(text));
  }
}
