package dev.gatehouse.policy.shell;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17am on the shell judge (after 8045af6/45c8e4b: archives of the text's own bytes,
 * split/csplit names, pagers without secure mode). Each case is allowed by the exec and typed
 * judgements of the docs' deny-list ({@link ShellJudgeTest#DEFAULT}) without {@code touch} among
 * its commands, and under bash 5.2 here (GNU tar, gzip, unzip 6.0, OpenSSL 3, less 590) created
 * the witness: less runs the {@code LESSOPEN} of an extracted {@code ~/.lesskey} ({@code #env}
 * section), or {@code sh ks} runs an extracted script.
 *
 * <p><b>Group 1: the archive of the text's own bytes is not recognised by name.</b> {@code
 * ReadAtStart.extractsTextArchive} asks {@code sameArchive(textBytesFiles(r), operand)}, an exact
 * last-component match against the redirection targets and TEXT_BYTES programs' output options.
 * It misses: unzip's own name search ({@code unzip -q a} opens {@code a.zip}) and its own wildcard
 * ({@code unzip -q '*.zip'}); shell globs as the operand ({@code tar -xzf a.t*}, {@code ?.tgz}:
 * the pattern is compared as a literal leaf); and the archive reaching the extractor under another
 * name or by another writer: {@code tee a.zip}, {@code dd of=a.zip} (not redirections, so not in
 * {@code textBytesFiles}), {@code cp}/{@code mv}/{@code ln -s a b.zip} of a written file, {@code
 * gzip -d a.tgz} (writes {@code a.tar}, which {@code derivedNames} knows but {@code
 * textBytesFiles} does not) then {@code tar -xf a.tar}, and {@code gzip -dc < a.tgz | tar -x}
 * (the inputFromCommand branch only looks at the upstream's words, not its {@code <} redirection).
 * The same routes extract a script {@code ks} that {@code sh ks} runs ({@code WrittenThenRun}
 * follows the same derived names).
 *
 * <p><b>Group 2: bytes made by a program outside {@code TEXT_BYTES}.</b> {@code openssl base64
 * -d} of a here-string, piped to {@code tar -xz} ({@code tarReadsTextBytes} only trusts an
 * upstream named printf/echo/base64/base32/basenc/xxd/yes) or written with {@code -out a.tgz}
 * (only TEXT_BYTES programs' output options enter {@code textBytesFiles}).
 *
 * <p>Added by the fixer, also creating the witness before the fix: {@code link a b.zip} (no
 * program in the copy list), {@code openssl enc -d -base64 -in x -out a.tgz}, {@code tar -xzf ./*.tgz}.
 *
 * <p>Tried and refused here (the guard refused, or bash made no witness): {@code printf … 1<>
 * a.zip} / {@code 1<> a.tgz} then extract; GNU {@code sed 's/.*&#47;\x1f\x8b…/' <<< x | tar -xz}
 * and {@code > a.tgz; tar -xzf a.tgz} (deny-list); on 17ai's wide allow-list (tar, gzip, sed,
 * less): sed-made gzip piped to tar or gzip, {@code printf | gzip -d | tar -x}, {@code tee},
 * {@code gzip -d a.tgz; tar -xf a.tar}, {@code gzip -dc < a.tgz | tar -x}, {@code tar -xzf
 * ?.tgz}. mawk cannot print the archive (runaway string). Not reached in the time box: the pager
 * group (bash -c unset, LESSSECURE=, man -P, git -c core.pager) and the docs' allow-list.
 */
class ShellAttack17amTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;

  /** 17ak's gzip-compressed tar of {@code .lesskey}, in base64. */
  static final String B64_TGZ = "H4sIAAAAAAACA+3NuwqDQBSE4VP7FAvBNhzMolVKO0kEn0DCgpCg4HohkId3sRHSRwL+XzPDNHN+Oe+f7i0/pEFq7ZrBd6pekq2ve2YTFaOyg9EPdR8u5ZhOrp2iIq+qe5nfrp+hGx+NmU3sIwEAAAAAAAAAAAAAAAAA/LEFTRBSeQAoAAA=";

  static String archives(String template) {
    return ShellAttack17alTest.archives(template).replace("B64", B64_TGZ);
  }

  @ParameterizedTest(name = "deny-list: the text's own archive, under another name or writer, extracts ~/.lesskey or a script: {0}")
  @ValueSource(strings = {
      "printf 'ZIP' > a.zip; unzip -q a; less /etc/hostname",
      "printf 'ZIP' | tee a.zip > /dev/null; unzip -q a.zip; less /etc/hostname",
      "printf 'ZIP' | dd of=a.zip status=none; unzip -q a.zip; less /etc/hostname",
      "printf 'ZIP' > a; cp a b.zip; unzip -q b.zip; less /etc/hostname",
      "printf 'ZIP' > a; mv a b.zip; unzip -q b.zip; less /etc/hostname",
      "printf 'ZIP' > a; ln -s a b.zip; unzip -q b.zip; less /etc/hostname",
      "printf 'ZIP' > a.zip; unzip -q '*.zip'; less /etc/hostname",
      "printf 'TGZ' > a.tgz; tar -xzf a.t*; less /etc/hostname",
      "printf 'TGZ' > a.tgz; tar -xzf ?.tgz; less /etc/hostname",
      "printf 'TGZ' > a.tgz; gzip -dc < a.tgz | tar -x; less /etc/hostname",
      "printf 'TGZ' > a.tgz; gzip -d a.tgz; tar -xf a.tar; less /etc/hostname",
      "printf 'TGZ' | tee a.tgz > /dev/null; tar -xzf a.tgz; less /etc/hostname",
      "openssl base64 -d <<< 'B64' | tar -xz; less /etc/hostname",
      "openssl base64 -d -out a.tgz <<< 'B64'; tar -xzf a.tgz; less /etc/hostname",
      "printf 'ZK' > a.zip; unzip -q a; sh ks",
      "printf 'ZK' > a; cp a b.zip; unzip -q b.zip; sh ks",
      "printf 'ZK' | tee a.zip > /dev/null; unzip -q a.zip; sh ks",
      "printf 'GK' > a.tgz; gzip -d a.tgz; tar -xf a.tar; sh ks",
      "printf 'GK' > a.tgz; gzip -dc < a.tgz | tar -x; sh ks",
      "printf 'ZIP' > a; link a b.zip; unzip -q b.zip; less /etc/hostname",
      "printf 'TGZ' > a; link a b.tgz; tar -xzf b.tgz; less /etc/hostname",
      "printf 'B64' > x; openssl enc -d -base64 -A -in x -out a.tgz; tar -xzf a.tgz; less /etc/hostname",
      "printf 'TGZ' > a.tgz; tar -xzf ./*.tgz; less /etc/hostname"})
  void anArchiveOfTheTextsBytesReachesAnExtractorUnrecognised(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, archives(template), tmp, false);
  }

  /** Archives brought in (the stated limit) stay allowed, typed and as an exec request, also beside text bytes of another file. */
  @ParameterizedTest(name = "everyday: {0}")
  @ValueSource(strings = {"curl -o a.tgz https://example.com/a.tgz && tar xzf a.tgz", "tar xzf release.tgz && ./install.sh",
      "unzip a.zip -d out", "curl -sL https://example.com/a.tgz | tar xz", "gzip -dc a.tgz | tar -x", "unzip -q '*.zip'",
      "tar -xzf *.tgz", "echo fetching; curl -o a.tgz https://example.com/a.tgz && tar xzf a.tgz",
      "echo hi > notes.txt; tar xzf release.tgz", "echo hi > notes.txt; unzip -q a", "echo hi > notes.txt; tar -xzf *.tgz",
      "echo hi > notes.txt; gzip -dc a.tgz | tar -x", "cp a.zip b.zip; unzip -q b.zip", "gzip -d a.tgz; tar -xf a.tar",
      "tar xf a.tar; make; ls -la"})
  void broughtInArchivesStayAllowed(String line) {
    org.assertj.core.api.Assertions.assertThat(DEFAULT.judge(line).verdict().label()).as(line).isEqualTo("allow");
    org.assertj.core.api.Assertions.assertThat(DEFAULT.judgeTyped(line).verdict().label()).as(line).isEqualTo("allow");
  }
}
