package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attack pass 17bg, live through the gateway: the real OpenSSH client ({@code ssh -tt} on a pipe),
 * the gateway, bash in the sandbox of {@code command} targets and a real OpenSSH sshd on loopback
 * behind {@code ssh} targets ({@link ShellLiveTargets#fourTargets}): {@code web-strict}/{@code
 * ssh-strict} in {@code mode: allow-list} with docs/policy.md's own list, {@code web-default}/{@code
 * ssh-default} under the deny-list default. The witness is a file in the session's /tmp, listed by
 * the session itself ({@code ls -1 /tmp | grep -n NAME}: the {@code N:NAME} line is text the typed
 * lines do not hold), and the host's /tmp for the ssh targets.
 *
 * <p><b>Finding: a second reader of the terminal splits a judged multi-line text; bash runs what
 * the guard never judged (all four targets, allow-list and deny-list, in one or two sessions each)</b>
 * Steps, at the guarded prompt:
 * <ol>
 *   <li>{@code ls $( { grep -rq zzqqxxyy /usr/share/man; grep -m1 '' /dev/tty; } </dev/null >/dev/null 2>&1 & )}
 *       — judged allow ({@code [grep, grep, ls]}, every name listed). The group runs in the
 *       background of a command substitution: a comsub's child is no job, so it stays in bash's own
 *       process group, the terminal's foreground group whenever bash is at its prompt, and its
 *       {@code grep} reads {@code /dev/tty} without SIGTTIN. After the first grep (~1.5 s, so after
 *       the hook's wall has read its nonce line) it waits on the terminal, behind bash's read.</li>
 *   <li>One pasted text (bracketed paste, CR between lines, then Enter) of five physical lines,
 *       each ~3,850 bytes (under {@code MAX_PHYSICAL_LINE}): {@code ls -d -d … '}, three times
 *       {@code $(P) #' -d -d … '}, then {@code $(P) #'}. Judged: one {@code ls} whose arguments are
 *       {@code -d} words and quoted strings ({@code GH3000I allow ["ls"]}, the only audit line).
 *       {@code GuardedShell.send} writes the whole text into bash's terminal. bash (no readline)
 *       reads its input in reads of at most 1,024 bytes ({@code input.c getc_with_restart},
 *       {@code localbuf[1024]}); between two of them the waiting grep gets the terminal and takes
 *       what is left of the physical line, newline included. bash then reads the next line glued to
 *       the part it got: {@code ls -d … -d -$(P) #' …}: outside the quote, so {@code $(P)} runs.
 *       P is {@code touch W} on the allow-list targets, {@code python3 -c "open(\"W\",\"w\")"}
 *       (interpreter-inline, a review) under the deny-list default. bash's {@code PS0} C marker
 *       comes for the line the gateway sent, so the gateway sees nothing wrong: no guard-lost, the
 *       session goes on, the hook's wall drains the rest, and the session lists the witness.</li>
 * </ol>
 * Every cut point of the text works: a cut inside any line's {@code -d} words leaves bash outside a
 * quote in front of {@code $(P)}, and a whole first line taken leaves {@code $(P)} at the start of
 * a command. When the reader misses (bash read everything), it is left waiting and takes the next
 * prompt's nonce line: the hook waits (read -t 120) and the session stalls, its own only.
 * Cause: the guard's claim "the line bash reads is the line judged" (docs/security-model.md) holds
 * only if bash is the terminal's only reader. {@code GuardedShell.send}
 * (sshd-gateway/…/shell/GuardedShell.java) hands bash a text bash takes in several reads (several
 * physical lines, or a line over 1,023 bytes), and nothing keeps another process of the session
 * from reading the terminal between them: the judge ({@code policy/…/shell}) allows a program
 * that reads {@code /dev/tty} in the background of a command substitution (also {@code /dev/pts/N},
 * {@code /proc/$$/fd/0}), and the hook checks only its own descriptors. (The sandbox's seccomp
 * filter stops writing to the terminal's input, TIOCSTI; reading it needs nothing.)
 * Fix directions: send bash only texts it reads in one read — one physical line under 1,024 bytes
 * (a multi-line or longer text could be handed over as one short line that reads the judged bytes
 * from a place no session program reaches, or refused); and/or at each prompt have the hook
 * refuse to go on while another process of the session holds the terminal open for reading
 * (guard-tamper), and judge a terminal read in an asynchronous context (background, comsub,
 * process substitution) as guard-tamper.
 *
 * <p>Failing tests (the bypass, asserting the secure outcome): {@code
 * aSecondReaderOfTheTerminalNeverSplitsAJudgedLine} ×4 ({@code web-strict}, {@code ssh-strict},
 * {@code web-default}, {@code ssh-default}; each up to four sessions; in two runs the witness was made in the
 * first session, once in the second). Passing: {@code keysTypedDuringAHoldAreJudged}.
 *
 * <p><b>Tried and already refused (or not a bypass)</b>:
 * <ul>
 *   <li>Approvals at the guarded prompt (own gateway, {@code default-shell} with approvers): keys
 *       typed while a line is held ({@code sudo -n true}) go to the line editor's input ({@code
 *       GuardedShell.input}, state AT_PROMPT) and are judged after the approved line ran: the
 *       python3 line was held again as its own request (GH3002I review), then cancelled with
 *       Ctrl-C (passing test). JLine's terminal echoes those keys while the editor is not reading
 *       (display only). Read in the source, not run: an approval is bound to the SHA-256 of the
 *       exact text ({@code ExecGuard.key}), the review's rule, the requester and the target, and
 *       used once ({@code ApprovalDesk.use}/{@code useStatementApproval}); so {@code cd /; X} and
 *       {@code X} are two requests, a Ctrl-C cancels a pending request before it can be approved,
 *       and an approval is usable by another session of the same person only when it was
 *       approved and never used (a session that ended after the decision, or a NOWAIT exec: by
 *       design, "the retry of exactly the same text runs once it is approved"). The approver is
 *       not shown the session's working directory or earlier lines (not a guard bypass).</li>
 *   <li>TIOCSTI from a program in the session: the sandbox's seccomp filter refuses it on command
 *       targets; on the ssh target the host decides ({@code dev.tty.legacy_tiocsti} is 1 on this
 *       machine), a limit docs/security-model.md states, so not pursued.</li>
 *   <li>Typed secrets: docs/policy.md says what the person types is shown by the line editor as
 *       typed and kept in the recording's input, and claims no masking of audit statements or
 *       approval texts; nothing to report against a claim.</li>
 * </ul>
 * Not tried for lack of time: forged or split markers with a leaked nonce (the reader of step 1,
 * when it misses, takes the next prompt's nonce line, which the hook already announced, so it
 * cannot forge a later A), approval floods, exec-request approvals replayed, window changes
 * during a hold.
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellLiveAttack17bgIT extends ShellLiveClass {
  private static final Duration WAIT = Duration.ofSeconds(60);

  /**
   * A reader of the terminal left in bash's own process group ({@code $( { …; grep -m1 '' /dev/tty; } &)}:
   * a command substitution's child is no job of its own) reads the terminal at the same time as
   * bash at its prompt. bash reads a physical line of a judged text in 1024-byte reads; the reader
   * takes what is left of the line, newline included, and bash goes on with the next physical line
   * glued to the part it got. The judged text is one {@code ls} whose arguments are quoted strings
   * ({@code ls -d … '⏎$(P) #' -d … '⏎…}); what bash reads is {@code ls -d … -d -$(P) #…}: P runs,
   * never judged. Secure outcome: no witness.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      web-strict  | touch W
      ssh-strict  | touch W
      web-default | python3 -c "open(\\"W\\",\\"w\\")"
      ssh-default | python3 -c "open(\\"W\\",\\"w\\")"
      """)
  void aSecondReaderOfTheTerminalNeverSplitsAJudgedLine(String target, String payload) throws Exception {
    String name = ShellLiveTargets.witness("17bg");
    String w = "/tmp/" + name;
    String p = payload.replace("W", w);
    String text = ShellLiveTargets.splitText(p);
    String stealer = "ls $( { grep -rq zzqqxxyy /usr/share/man; grep -m1 '' /dev/tty; } </dev/null >/dev/null 2>&1 & )";
    StringBuilder seen = new StringBuilder();
    boolean ran = false;
    boolean closedUnrefused = false;
    int attempts = 0;
    try {
      for (int i = 0; i < 4 && !ran; i++) {
        attempts++;
        SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("split-" + target), List.of("dev"));
        try (InteractiveProcess ssh = gw.interactive(key, target)) {
          ssh.await("$ ", WAIT);
          Thread.sleep(500);
          int at = ssh.length();
          ShellLiveTargets.typeLine(ssh, stealer);
          Thread.sleep(4000); // the reader starts reading after its grep -r, bash is at its prompt
          ShellLiveTargets.Pasted pasted = ShellLiveTargets.pasteThenList(ssh, text, name, at);
          closedUnrefused |= pasted.closedUnrefused();
          seen.append("\n--- attempt ").append(i + 1).append(":\n").append(ssh.transcript().substring(at));
          ran = pasted.ran();
        }
      }
    } finally {
      ran = ran || Files.exists(Path.of("/tmp", name));
      Files.deleteIfExists(Path.of("/tmp", name));
    }
    String audit = ShellLiveTargets.auditOf(gw, name);
    System.out.println("17bg SPLIT " + target + " ran=" + ran + " attempts=" + attempts + " audit=" + audit + "\n" + ShellLiveTargets.clean(seen.toString(), 3000));
    assertThat(ran).as("%s: bash ran %s from a judged `ls` text split by a second reader (attempt %d; audit: %s); transcript:%n%s",
        target, p, attempts, audit, ShellLiveTargets.clean(seen.toString(), 3000)).isFalse();
    assertThat(closedUnrefused).as("%s: a session ended without the guard-tamper refusal; transcript:%n%s", target,
        ShellLiveTargets.clean(seen.toString(), 3000)).isFalse();
  }

  /**
   * A line held for approval ({@code sudo -n true}, sudo), keys typed during the hold (a
   * python3 line, a review; a window change), then the approval: the type-ahead goes to the line
   * editor and is judged (held again), never to bash raw. Own gateway with approvers. Secure
   * outcome (held in this pass): no witness.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(textBlock = """
      type-ahead during the hold
      """)
  void keysTypedDuringAHoldAreJudged(String what) throws Exception {
    Path own = Files.createTempDirectory(dir, "appr-");
    String targets = "targets:\n  - name: web-approve\n    type: command\n    command: [\"/bin/bash\", \"--noprofile\", \"--norc\", \"-i\"]\n"
        + "    exec: [\"/bin/bash\", \"-c\"]\n    env: { PATH: \"/usr/bin:/bin\" }\n    runAs: nobody\n    allow: { groups: [dev] }\n"
        + "    policy: default-shell\n    approvers: { groups: [ops-leads], min: 1 }\n" + ShellLiveTargets.POLICIES;
    String name = ShellLiveTargets.witness("17bg");
    String seen;
    String audit;
    try (GatewayFixture g = GatewayFixture.start(own, "", targets)) {
      SshClientKey key = g.sign(GatewayFixture.uniqueIdentity("held"), List.of("dev"));
      SshClientKey bob = g.sign(GatewayFixture.uniqueIdentity("bob"), List.of("dev", "ops-leads"));
      try (InteractiveProcess ssh = g.interactive(key, "web-approve")) {
        ssh.await("$ ", WAIT);
        Thread.sleep(500);
        int at = ssh.length();
        ssh.send("sudo -n true\r");
        ssh.await("waiting for approval", at, WAIT);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("request ([0-9A-F]{4,8})").matcher(ssh.transcript().substring(at));
        assertThat(m.find()).isTrue();
        ssh.send("python3 -c \"open('/tmp/" + name + "','w')\"\r");
        Thread.sleep(1000);
        assertThat(g.ssh(bob, "approvals").run("approve " + m.group(1)).exitCode()).isZero();
        Thread.sleep(4000);
        ssh.send("\u0003");
        Thread.sleep(1000);
        ssh.send("\u0003");
        Thread.sleep(1000);
        ssh.send("ls -1 /tmp | grep -n " + name + "\r");
        Thread.sleep(2500);
        seen = ssh.transcript().substring(at);
      }
      audit = String.join("; ", g.auditLines().stream()
          .filter(n -> n.path("statement").asText("").contains(name) && !n.path("statement").asText("").startsWith("ls -1 /tmp"))
          .map(n -> n.path("code").asText() + " " + n.path("verdict").asText() + " " + n.path("commands")).toList());
    }
    boolean ran = seen.contains(":" + name) || Files.exists(Path.of("/tmp", name));
    Files.deleteIfExists(Path.of("/tmp", name));
    System.out.println("17bg HOLD " + what + " ran=" + ran + " audit=" + audit + "\n" + ShellLiveTargets.clean(seen, 3000));
    assertThat(ran).as("%s: type-ahead ran unjudged (audit: %s); transcript:%n%s", what, audit, ShellLiveTargets.clean(seen, 3000)).isFalse();
  }
}
