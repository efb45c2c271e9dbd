package dev.gatehouse.policy.shell;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17ar on the shell judge (after 293b222: fix17aoB's backups and git composed names,
 * fix17apC's {@link ListedOperands}, fix17apD's man prompt, relative startup files and curl
 * {@code --output-dir}). Each case asserts the secure outcome against real bash ({@link
 * BashWitness#assertRunsNoUnjudgedTouch}): the only command the texts run is {@code touch} of a
 * file in a temporary directory (also HOME and the working directory), and every case is allowed
 * by the exec or the typed judgement without {@code touch} among its commands. Each was run as
 * written under bash 5.2.15 on Debian 12 (git 2.39.5, zstd 1.5.4, GNU sed 4.9, less 590, man-db
 * 2.11.2, OpenSSH's ssh-keygen, kubectl 1.32) and created the witness. Policies: the docs'
 * deny-list ({@link ShellJudgeTest#DEFAULT}) and 17ah's wide allow-list ({@link
 * ShellAttack17ahTest#WIDE_ALLOW_LIST}: sed, less, "git log", "kubectl get", …).
 *
 * <p><b>Group 1: git's index names a file the text never spells as written (deny-list).</b>
 * {@code git update-index --add --cacheinfo MODE,SHA,PATH} (also the three-word form {@code
 * --cacheinfo MODE SHA PATH}) puts PATH into the index with a blob the text made ({@code git
 * hash-object -w --stdin} of printf's bytes, or of a harmless file {@code s}); {@code git
 * checkout-index -a}, {@code checkout-index PATH}, {@code git checkout -- .} and {@code git
 * restore PATH} then write it into the working tree: {@code ks} run by {@code sh}/{@code ./ks},
 * {@code .lesskey}, {@code .manpath}, {@code .kube/config}, {@code .config/git/config}. {@code
 * Interpreters.gitLinksData} looks at {@code --cacheinfo} only for a symbolic-link mode (120000),
 * and {@code ShellClass.namedWords} ({@code case "git"}) lists only {@code -o/--output*}, {@code mv},
 * {@code format-patch}, {@code bundle create} and {@code archive}/{@code checkout-index} with a
 * {@code --prefix} ({@code gitComposedNames}): neither the cacheinfo path nor what a checkout
 * writes from the index counts as written. ({@code --index-info} and {@code mktree} are
 * reviewed, by the symbolic-link rule.)
 *
 * <p><b>Group 2: zstd's {@code --output-dir-flat}/{@code --output-dir-mirror} DIR is not joined to
 * the name it derives (deny-list).</b> {@code zstd -d --output-dir-flat .kube config.zst} (also
 * {@code =}, after the operand, {@code unzstd}, a {@code .gz} or {@code .xz} input, {@code
 * --output-dir-mirror}) writes {@code .kube/config}, a kubeconfig whose credential plugin {@code
 * kubectl get pods} runs, and {@code --output-dir-flat .config/git} git's global configuration
 * (its {@code core.pager} runs under {@code git diff --no-index} on a terminal). {@code
 * ReadAtStart.derivedNames} strips the suffix ({@link ReadAtStart} {@code ENDS_BY_PROGRAM}) and
 * yields {@code config} alone, as curl's {@code --output-dir} was before fix17apD. ({@code
 * --output-dir-flat d s.zst; sh d/s} is reviewed: scripts compare by the last component.)
 *
 * <p><b>Group 3: git writes files the judge does not list (deny-list).</b> {@code git config
 * --file FILE} ({@code -f FILE}, {@code --file=FILE}) writes an ini file: {@code git config --file
 * ks a.touch W} gives {@code [a]} / {@code <TAB>touch = W}, which {@code sh ks} runs as {@code [
 * a]} (an error, the script goes on) and {@code touch = W}. {@code git mailinfo MSG PATCH} writes
 * the message body of the mail on its input to MSG and the patch part to PATCH: {@code printf
 * 'From: …\n\ntouch W\n' | git mailinfo ks p; sh ks}. Both are missing from {@code
 * ShellClass.namedWords} ({@code case "git"}), so {@code WrittenThenRun.runsScriptTheTextWrites}
 * never sees {@code ks} written. (The same writer is allowed for {@code .lesskey}, {@code
 * .manpath}, {@code .kube/config}, {@code Makefile}, but an ini file is none of those formats:
 * no witness.)
 *
 * <p><b>Group 4: less's history file named by {@code LESSHISTFILE}, then rewritten by {@code sed
 * -i} (deny-list; the wide allow-list, which lists sed and less).</b> {@code
 * LESSHISTFILE=.lesskey less '+/x' FILE} makes less 590 write its history ({@code
 * .less-history-file:}, {@code .search}, {@code "x}) to {@code ~/.lesskey}, on a terminal and
 * also under {@code LESSSECURE=1}; {@code sed -i 'c#env\nLESSOPEN=|touch W %s' .lesskey} (also
 * {@code --in-place}, {@code -ni '1i…'}, {@code -e '1i…' -e d}, {@code '1!d;c…'}, {@code -e 'r
 * /dev/stdin' -e d}) turns it into a lesskey source, and the next {@code less}/{@code zless FILE}
 * runs {@code touch W FILE}; with {@code .manpath} and {@code cDEFINE pager touch W}, {@code man
 * ls} runs the witness as its pager (no {@code LESSOPEN} needed, so {@code LESSSECURE} does not
 * stop it). {@code LESSHISTFILE} is in no table of the judge (not a written name, not refused as
 * a variable), and {@code sed -i}'s in-place operand is not a written startup file ({@code
 * ShellClass.namedWords}' sed case drops the operands sed reads; {@code sed -i 'c…' .lesskey} is
 * allowed on its own, while {@code sed -i … ks; sh ks} is reviewed).
 *
 * <p><b>Group 5: ssh-keygen's public key file {@code FILE.pub} (deny-list).</b> {@code ssh-keygen
 * -q -N '' -C COMMENT -f ks} writes {@code ks} and {@code ks.pub}, the public key line ending in
 * the comment as given: a comment of {@code \ntouch W\n}, {@code ;touch W} or {@code $(touch W)}
 * makes {@code sh ks.pub} (also {@code . ./ks.pub}, {@code bash ks.pub}) run the witness. Neither
 * {@code -f}'s value nor the derived {@code .pub} name is among the names {@code
 * ShellClass.namedWords} gives for ssh-keygen, so {@code runsScriptTheTextWrites} does not match
 * {@code ks.pub}.
 *
 * <p>Caveat: the gateway exports {@code LESSSECURE=1}, under which less ignores {@code LESSOPEN}
 * (the {@code .lesskey} cases of groups 1 and 4; as 17an/17ap noted); the other cases do not
 * depend on it. None of this changes what the judge let through.
 *
 * <p>Nothing was found under the docs' own list or through {@link ListedOperands}: the allow-list
 * mode only adds refusals to the deny-list classes, so a subcommand read wrongly matters only
 * where the classes allow what really runs, and none was found.
 *
 * <p>Tried and already refused (or not a bypass): {@code ListedOperands} — {@code git --status}/
 * {@code --log} (git 2.39 refuses unknown options, no {@code --} stripping), {@code git -c
 * alias.log=…} (aliases cannot shadow builtins), {@code tar -- -t} and {@code ssh-keygen -- -l}
 * against the {@code "tar -t"}/{@code "ssh-keygen -l"} entries (matched, but tar has no mode and
 * ssh-keygen refuses extra operands), docker aliases (only {@code builder}), kubectl global
 * options outside the table (unknown: nothing read); {@code sed -i 's/^/#env\nLESSOPEN…/'}
 * (reviewed), {@code perl -pi}/{@code -i'*s'}/{@code -i'k*'}/{@code -spi}, {@code sed -i'*s'},
 * {@code -i'k*'}, {@code -i'd/*'}, {@code -nEis}, {@code -sis}, {@code --in-pla=s}, {@code cp
 * --backup=numbered}/{@code t}, {@code VERSION_CONTROL=numbered}, {@code cp -b … k~}, {@code
 * --suf=s}, {@code -bSs}, {@code install --backup -S} (all reviewed); {@code ed}/{@code ex}
 * scripts (reviewed); {@code mv}/{@code cp -r}/{@code -a}/{@code -rT} of a directory holding
 * {@code config} into {@code .kube}/{@code .config/git}, {@code cp/mv/install/ln -t .kube}, {@code
 * install -D}, {@code ln -s} then writing through the link (either direction), {@code cd
 * .kube}/{@code pushd}/{@code env -C} then {@code cp}, {@code cmake -E copy/chdir}, {@code tar -C},
 * {@code unzip -d}, {@code python3 -m zipfile -e}, {@code dpkg-deb -b}/{@code -x} of the text's
 * own tree (reviewed); {@code git clone . DIR}, {@code worktree add}, {@code archive --prefix=
 * .config/git/}, {@code read-tree --prefix}, {@code read-tree -u} of a {@code mktree}, {@code
 * update-index --index-info}, {@code apply [--cached] [--directory=]}, {@code stash}, {@code mv},
 * {@code show REV:path | sh}, {@code cat-file -p … > ks}, {@code unpack-file}, {@code mailsplit}
 * (reviewed); {@code git update-index --cacheinfo=…,$h,…} (reviewed: a word only known when it
 * runs); {@code reset --hard}/{@code stash} without a commit (no file: not a bypass); {@code
 * .profile} by any of these writers (reviewed: login shells fail closed); {@code MANOPT} with
 * {@code -P}, {@code --pager=}, {@code -r}, {@code --prompt=}, {@code -C}, {@code -H}, {@code -U},
 * {@code -l}, {@code BROWSER} with {@code -H}, {@code MANROFFOPT=-U}/{@code -kU}/{@code '-U -dx'},
 * groff/nroff/troff {@code -U} with {@code .sy}/{@code .pso} (all reviewed); {@code MANPL}, {@code
 * MAN_KEEP_FORMATTING} (allowed, run nothing); curl {@code --output-dir} with {@code -O},
 * {@code --remote-name-all}, URL globs, {@code --url}, {@code -OJ}, {@code '#1'}, {@code ./.kube},
 * {@code .ku''be}, {@code --output-d}, {@code -K-}, a written {@code .curlrc} or {@code -K} file
 * setting {@code output-dir}, {@code --stderr}/{@code --trace-ascii} of a URL holding {@code
 * $(…)} then {@code sh} (reviewed); {@code wget -o/-a/--output-file} log then {@code sh}, {@code
 * script -c … ks}, {@code openssl base64/enc -out}, {@code xxd -r}, {@code uniq IN OUT}, {@code
 * shuf -o}, {@code iconv -o}, {@code sdiff -o}, {@code patch -o}, {@code dos2unix -n}, {@code
 * rename}, {@code msgcat/msguniq/msgconv/msgen/msgfilter -o}, {@code tar --index-file}, {@code gpg
 * --dearmor -o}, {@code sqlite3 .output} (reviewed); {@code GIT_TRACE=~/ks} (allowed, but git's
 * trace quotes the arguments and no file was written outside a repository: no witness); {@code mv} of a
 * {@code .zst} into {@code a/.kube} before {@code --output-dir-mirror .} (reviewed); {@code
 * .selected_editor}, Python user-site {@code .pth}/{@code usercustomize.py} before {@code yq}
 * or {@code python3 -m json.tool}, {@code .tmux.conf}, {@code .gdbinit} (reviewed); {@code git
 * config --file .aws/config} (git refuses {@code _} in a key: no {@code credential_process}).
 */
class ShellAttack17arTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;
  /** 17ah's wide list: sort, sed, less, "git log", "kubectl get", … */
  static final ShellJudge WIDE_ALLOW_LIST = ShellAttack17ahTest.WIDE_ALLOW_LIST;

  /** printf of a lesskey source whose {@code #env} section sets LESSOPEN to {@code |touch WITNESS %s}. */
  static final String LESSKEY = "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n'";

  static String expand(String template) {
    return template.replace("LESSKEY", LESSKEY).replace("KUBECONFIG", ShellAttack17ahTest.KUBECONFIG);
  }

  @ParameterizedTest(name = "deny-list: git update-index --cacheinfo names a file a checkout writes: {0}")
  @ValueSource(strings = {
      "git init -q; h=$(printf 'touch WITNESS\\n' | git hash-object -w --stdin); git update-index --add --cacheinfo 100644,$h,ks; git checkout-index -a; sh ks",
      "git init -q; h=$(printf 'touch WITNESS\\n' | git hash-object -w --stdin); git update-index --add --cacheinfo 100644 $h ks; git checkout-index ks; sh ks",
      "git init -q; h=$(printf 'touch WITNESS\\n' | git hash-object -w --stdin); git update-index --add --cacheinfo 100755,$h,ks; git checkout-index -a; ./ks",
      "git init -q; h=$(printf 'touch WITNESS\\n' | git hash-object -w --stdin); git update-index --add --cacheinfo 100644,$h,ks; git restore ks; sh ks",
      "git init -q; printf 'touch WITNESS\\n' > s; h=$(git hash-object -w s); git update-index --add --cacheinfo 100644,$h,ks; git checkout-index -a; sh ks",
      "printf 'touch WITNESS\\n' > s; git init -q; git add s; git update-index --add --cacheinfo 100644,$(git rev-parse :s),ks; git checkout-index -a; sh ks",
      "git init -q; h=$(LESSKEY | git hash-object -w --stdin); git update-index --add --cacheinfo 100644,$h,.lesskey; git checkout-index -a; less /etc/hostname",
      "git init -q; h=$(LESSKEY | git hash-object -w --stdin); git update-index --add --cacheinfo 100644,$h,.lesskey; git checkout -- .; less /etc/hostname",
      "git init -q; h=$(LESSKEY | git hash-object -w --stdin); git update-index --add --cacheinfo 100644,$h,.lesskey; git restore .lesskey; less /etc/hostname",
      "git init -q; h=$(printf '%s' 'KUBECONFIG' | git hash-object -w --stdin); git update-index --add --cacheinfo 100644,$h,.kube/config; git checkout-index -a; kubectl get pods",
      // fix17arE's variants: a global option before the checkout.
      "git init -q; printf 'touch WITNESS\\n' > s; h=$(git hash-object -w s); git update-index --add --cacheinfo 100644,$h,ks; git -C . checkout-index -a; sh ks"})
  void gitCacheinfoThenCheckout(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, expand(template), tmp, false);
  }

  @ParameterizedTest(name = "deny-list, at the prompt: git update-index --cacheinfo names a file a checkout writes: {0}")
  @ValueSource(strings = {
      "git init -q; h=$(printf 'DEFINE pager touch WITNESS\\n' | git hash-object -w --stdin); git update-index --add --cacheinfo 100644,$h,.manpath; git checkout-index -a; man ls",
      "git init -q; h=$(printf '[core]\\n\\tpager = touch WITNESS\\n' | git hash-object -w --stdin); git update-index --add --cacheinfo 100644,$h,.config/git/config; git checkout-index -a; git diff --no-index /etc/hostname /etc/hosts"})
  void gitCacheinfoThenCheckoutOnATerminal(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, true);
  }

  @ParameterizedTest(name = "deny-list: zstd --output-dir-flat/-mirror DIR joined to the derived name: {0}")
  @ValueSource(strings = {
      "printf '%s' 'KUBECONFIG' | zstd -q > config.zst; mkdir .kube; zstd -qd --output-dir-flat .kube config.zst; kubectl get pods",
      "printf '%s' 'KUBECONFIG' | zstd -q > config.zst; mkdir .kube; zstd -qd --output-dir-flat=.kube config.zst; kubectl get pods",
      "printf '%s' 'KUBECONFIG' | zstd -q > config.zst; mkdir .kube; zstd -qd config.zst --output-dir-flat .kube; kubectl logs x",
      "printf '%s' 'KUBECONFIG' | gzip > config.gz; mkdir .kube; zstd -qd --output-dir-flat .kube config.gz; kubectl get pods",
      "printf '%s' 'KUBECONFIG' | xz > config.xz; mkdir .kube; unzstd -q --output-dir-flat .kube config.xz; kubectl get pods",
      "printf '%s' 'KUBECONFIG' | zstd -q > config.zst; mkdir .kube; zstd -qd --output-dir-mirror .kube config.zst; kubectl get pods",
      "printf '%s' 'KUBECONFIG' | zstd -q > config.zst; mkdir .kube; zstd -qd --output-dir-mirror=.kube config.zst; kubectl get pods"})
  void zstdOutputDirKubeconfig(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, expand(template), tmp, false);
  }

  @ParameterizedTest(name = "deny-list, at the prompt: zstd --output-dir-flat .config/git: {0}")
  @ValueSource(strings = {
      "printf '[core]\\n\\tpager = touch WITNESS\\n' | zstd -q > config.zst; mkdir -p .config/git; zstd -qd --output-dir-flat .config/git config.zst; git diff --no-index /etc/hostname /etc/hosts"})
  void zstdOutputDirGitConfigOnATerminal(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, true);
  }

  @ParameterizedTest(name = "deny-list: git config --file writes a script: {0}")
  @ValueSource(strings = {
      "git config --file ks a.touch WITNESS; sh ks",
      "git config -f ks a.touch WITNESS; sh ks",
      "git config --file=ks a.touch WITNESS; sh ks",
      "git config --file ks a.touch WITNESS; . ./ks",
      "git config --file ks a.touch WITNESS; bash ks",
      "git config --file ks --add a.touch WITNESS; sh ks",
      "git config --file ks a.touch WITNESS && sh ks"})
  void gitConfigFileWritesAScript(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  @ParameterizedTest(name = "deny-list: git mailinfo MSG PATCH writes a script: {0}")
  @ValueSource(strings = {
      "printf 'From: a <a@a>\\nSubject: x\\n\\ntouch WITNESS\\n' | git mailinfo ks p > /dev/null; sh ks",
      "printf 'From: a <a@a>\\nSubject: x\\n\\ntouch WITNESS\\n' > m; git mailinfo ks p < m > /dev/null; sh ks",
      "printf 'From: a <a@a>\\nSubject: x\\n\\nx\\n---\\ntouch WITNESS\\n' | git mailinfo m ks > /dev/null; sh ks",
      "printf 'From: a <a@a>\\nSubject: x\\n\\ntouch WITNESS\\n' | git mailinfo ks p > /dev/null; . ./ks",
      "printf 'From: a <a@a>\\nSubject: x\\n\\ntouch WITNESS\\n' | git mailinfo -k ks p > /dev/null; bash ks",
      // fix17arE's variant: --encoding takes the next word.
      "printf 'From: a <a@a>\\nSubject: x\\n\\ntouch WITNESS\\n' | git mailinfo --encoding utf8 ks p > /dev/null; sh ks"})
  void gitMailinfoWritesAScript(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /**
   * fix17arE: more git writers of a file the line names: {@code git config} with {@code -f} in a
   * bundle or {@code --file} abbreviated, {@code merge-file} writing its first file, {@code
   * interpret-trailers --in-place} (a trailer line {@code x: ;touch W}), both rewriting a file
   * that exists: {@code git init}'s {@code .git/description}, which no writer of the text names.
   */
  @ParameterizedTest(name = "deny-list: git writes a file it names, then sh runs it: {0}")
  @ValueSource(strings = {
      "git config -zf ks a.touch WITNESS; sh ks",
      "git config --fil=ks a.touch WITNESS; sh ks",
      "git config -f ks --replace-all a.touch WITNESS; sh ks",
      "git init -q; printf 'touch WITNESS\\n' > o; git merge-file .git/description .git/description o; sh .git/description",
      "git init -q; git interpret-trailers --in-place --trailer 'x: ;touch WITNESS' .git/description; sh .git/description"})
  void gitWritesANamedFile(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** less writes its history to the LESSHISTFILE it is given; sed -i makes it a startup file. */
  static final String HISTORY = "LESSHISTFILE=.lesskey less '+/x' /etc/hostname; ";

  @ParameterizedTest(name = "deny-list, at the prompt: LESSHISTFILE writes ~/.lesskey, sed -i rewrites it: {0}")
  @ValueSource(strings = {
      HISTORY + "sed -i 'c#env\\nLESSOPEN=|touch WITNESS %s' .lesskey; less /etc/hostname",
      HISTORY + "sed -i -e '1i#env\\nLESSOPEN=|touch WITNESS %s' -e d .lesskey; less /etc/hostname",
      HISTORY + "sed -ni '1i#env\\nLESSOPEN=|touch WITNESS %s' .lesskey; less /etc/hostname",
      HISTORY + "sed --in-place 'c#env\\nLESSOPEN=|touch WITNESS %s' .lesskey; less /etc/hostname",
      HISTORY + "sed -i '1!d;c#env\\nLESSOPEN=|touch WITNESS %s' .lesskey; less /etc/hostname",
      HISTORY + "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | sed -i -e 'r /dev/stdin' -e d .lesskey; less /etc/hostname",
      HISTORY + "sed -i 'c#env\\nLESSOPEN=|touch WITNESS %s' .lesskey; zless /etc/hostname",
      "LESSHISTFILE=~/.lesskey less '+/x' /etc/hostname; sed -i 'c#env\\nLESSOPEN=|touch WITNESS %s' ~/.lesskey; less /etc/hostname",
      "LESSHISTFILE=.manpath less '+/x' /etc/hostname; sed -i 'cDEFINE pager touch WITNESS' .manpath; man ls"})
  void denyListLessHistoryRewrittenBySed(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, true);
  }

  @ParameterizedTest(name = "wide allow-list [sed, less, …], at the prompt: LESSHISTFILE writes ~/.lesskey, sed -i rewrites it: {0}")
  @ValueSource(strings = {
      HISTORY + "sed -i 'c#env\\nLESSOPEN=|touch WITNESS %s' .lesskey; less /etc/hostname",
      HISTORY + "sed -i -e '1i#env\\nLESSOPEN=|touch WITNESS %s' -e d .lesskey; less /etc/hostname",
      HISTORY + "sed -ni '1i#env\\nLESSOPEN=|touch WITNESS %s' .lesskey; less /etc/hostname",
      HISTORY + "sed --in-place 'c#env\\nLESSOPEN=|touch WITNESS %s' .lesskey; less /etc/hostname",
      "LESSHISTFILE=~/.lesskey less '+/x' /etc/hostname; sed -i 'c#env\\nLESSOPEN=|touch WITNESS %s' ~/.lesskey; less /etc/hostname"})
  void wideAllowListLessHistoryRewrittenBySed(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(WIDE_ALLOW_LIST, template, tmp, true);
  }

  /**
   * Found while fixing (fix17arF): less 590 writes its searches to its history file by default
   * too, {@code ~/.lesshst} or {@code $XDG_DATA_HOME/lesshst}: a pattern ending in {@code ";touch
   * W #} is a line {@code sh} runs. Each created the witness under bash 5.2 before the fix.
   */
  @ParameterizedTest(name = "deny-list, at the prompt: less's history file run as a script: {0}")
  @ValueSource(strings = {
      "less '+/x\";touch WITNESS #' /etc/hostname; sh .lesshst",
      "less '+/x\";touch WITNESS #' /etc/hostname; . ./.lesshst",
      "less -p 'x\";touch WITNESS #' /etc/hostname; sh .lesshst",
      "XDG_DATA_HOME=. less '+/x\";touch WITNESS #' /etc/hostname; sh lesshst",
      "LESSHISTFILE=ks less '+/x\";touch WITNESS #' /etc/hostname; sh ks"})
  void lessHistoryRunAsAScript(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, true);
  }

  @ParameterizedTest(name = "deny-list: ssh-keygen's FILE.pub ends in the comment: {0}")
  @ValueSource(strings = {
      "ssh-keygen -q -N '' -C $'\\ntouch WITNESS\\n' -fks; sh ks.pub",
      "ssh-keygen -q -N '' -C $'\\ntouch WITNESS\\n' -f ./ks; . ./ks.pub",
      "ssh-keygen -q -N '' -t ed25519 -C $'\\ntouch WITNESS\\n' -f ks; bash ks.pub",
      "ssh-keygen -q -N '' -C ';touch WITNESS' -f ks; sh ks.pub",
      "ssh-keygen -q -N '' -C '$(touch WITNESS)' -f ks; sh ks.pub",
      // fix17arE's variant: -c changes the comment of a key the text made.
      "ssh-keygen -q -N '' -f ks; ssh-keygen -q -c -C ';touch WITNESS' -f ks; sh ks.pub"})
  void sshKeygenPublicKeyComment(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }
}
