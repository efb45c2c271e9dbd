package dev.gatehouse.policy.shell;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17ao on the shell judge (after 5b398b5): names a program computes or derives, and
 * archives. Each case asserts the secure outcome against real bash ({@link
 * BashWitness#assertRunsNoUnjudgedTouch}): the only command the texts run is {@code touch} of a
 * file in a temporary directory (also HOME and the working directory; where the command is inside
 * compressed or archived bytes it is the relative {@code touch w}, the same file), and every case
 * is allowed by the exec or the typed judgement without {@code touch} among its commands. Each was
 * run as written under bash 5.2.15 on Debian 12 (GNU gzip, bzip2, xz-utils, zstd, lz4 1.9.4, dpkg
 * 1.21, git 2.39.5, GNU sed 4.9, coreutils 9.1, less 590, kubectl, OpenJDK 17, python3, sqlite3,
 * curl) and created the witness. Policies: the docs' deny-list ({@link ShellJudgeTest#DEFAULT}),
 * 17ah's wide allow-list ({@link ShellAttack17ahTest#WIDE_ALLOW_LIST}: sort, sed, less, kubectl
 * get) and 17ai's ({@link ShellAttack17aiTest#WIDE_ALLOW_LIST}: also gzip, tar).
 *
 * <p><b>Group 1: decompressor suffixes the judge does not know.</b> {@code
 * ReadAtStart.COMPRESSED_END} ({@code gz|z|Z|xz|lzma|bz2|zst|lz|lz4|br|tgz|taz|tbz2?|txz}, case
 * sensitive) is what {@code ReadAtStart.derivedNames} strips; an operand without one of them "has
 * no suffix it knows: it refuses the file", so no name is derived, and {@code
 * ShellClass.startupFile}/{@code WrittenThenRun} see only the compressed name. But gzip strips
 * {@code -gz}, {@code -z}, {@code _z} and any letter case ({@code .GZ}, {@code .TGZ} to {@code
 * .tar}); bzip2 strips {@code .bz} and names any other file {@code NAME.out}; xz strips {@code
 * .tlz} to {@code .tar}; zstd {@code .tzst} to {@code .tar}. So {@code printf LESSKEY | gzip >
 * .lesskey-gz; gzip -d .lesskey-gz; less FILE} and {@code … > ks-gz; gunzip ks-gz; sh ks} are
 * allowed (deny-list; with 17ai's wide list, gzip's bytes written by {@code sed -n w.lesskey-gz}).
 *
 * <p><b>Group 2: lz4 decompresses without {@code -d}.</b> lz4 1.9 decompresses an operand ending
 * in {@code .lz4} by itself: with {@code -m}/{@code --multiple} into the name without the suffix
 * (on a terminal also without {@code -m}), and into its second operand. {@code
 * ReadAtStart.decompresses} counts lz4 (a {@link ReadAtStart} COMPRESSOR) as decompressing only
 * with {@code -d}/{@code --decompress}, and the compressing branch of {@code
 * ReadAtStart.otherWrittenWords} only reads {@code -o}/{@code --output}: {@code lz4 -qm
 * .lesskey.lz4}, {@code lz4 -qm a.lz4; sh a} and {@code lz4 -q a.lz4 "$n"} ({@code
 * n=$(printf '\056lesskey')}) pass.
 *
 * <p><b>Group 3: dpkg-deb and dpkg extract, unknown to every archive rule.</b> {@code dpkg-deb
 * -x/--extract/-X/--vextract/-R/--raw-extract} and {@code dpkg -x} write the data members of a
 * .deb; the text's own .deb (printf's octal bytes, to a file, a pipe with {@code -}/{@code
 * /dev/stdin}, or {@code <(…)}) holds {@code ./.lesskey} or {@code ./ks}. dpkg-deb and dpkg are
 * in none of {@code ReadAtStart.EXTRACTORS} (so {@code extractsTextArchive} never looks), {@code
 * ReadAtStart.DERIVED_WRITERS} or {@code WrittenThenRun.DERIVED_NAME_WRITERS}. ({@code dpkg-deb
 * --fsys-tarfile a.deb | tar -x} is reviewed: tar's upstream names the written file.)
 *
 * <p><b>Group 4: backups named by a suffix the text gives.</b> {@code cp}/{@code mv}/{@code
 * ln}/{@code install -b -S SUF} (also {@code --suffix=}, {@code SIMPLE_BACKUP_SUFFIX=SUF}) keep the
 * old target as TARGET+SUF, and {@code sed -iSUF} keeps the input as FILE+SUF: {@code .le} +
 * {@code sskey} is {@code ~/.lesskey}, {@code k} + {@code s} is {@code ks}, {@code .pro} + {@code
 * file} is {@code ~/.profile}, {@code k} + {@code c} is a kubeconfig, an sqlite3 {@code -init} file
 * or a curl {@code -K} file, {@code a.jav} + {@code a} is {@code a.java}. {@code
 * WrittenThenRun.writesUnderDerivedName} recognises these writers, but {@code
 * WrittenThenRun.derivesNamesFromTextData} then adds only {@code ReadAtStart.derivedNames(o)},
 * which returns nothing for cp/mv/ln/install/sed; {@code ReadAtStart.writesUnknownStartupName}
 * never asks about backups, and {@code ReadAtStart.mayWrite} (profiles, {@code MOVED}
 * configurations) only fails closed for {@code DERIVED_WRITERS}, which hold cp/mv/ln/install but
 * not sed (so {@code cp -b} is reviewed before {@code bash -l}/{@code kubectl}, {@code sed -i} is
 * not). Both wide allow-lists (sed, sort, less, kubectl get) allow the sed cases.
 *
 * <p><b>Group 5: git writes files under names it composes.</b> {@code git archive
 * --add-virtual-file=PATH:CONTENT} puts a member of the text's own content in the archive (even
 * {@code .lesskey} spelled out), {@code --prefix=.less --add-file=key} names one {@code .lesskey},
 * and {@code git checkout-index --prefix=.less} (or {@code --prefix=k}) writes the index's {@code
 * key} as {@code .lesskey} ({@code s} as {@code ks}). {@code ShellClass.namedWords}' {@code git}
 * case lists only {@code -o}/{@code --output*}, {@code mv}, {@code format-patch} and {@code bundle
 * create}; {@code ReadAtStart.tarReadsTextBytes} trusts only TEXT_BYTES upstreams and {@code
 * extractsTextArchive} needs a byte-making program in the text, so {@code git archive … | tar -x}
 * and {@code git archive -o a.tar …; tar -xf a.tar} pass.
 *
 * <p>Tried and already refused (or not a bypass): gzip {@code .Z} and {@code .tgz} (reviewed),
 * {@code .gz-gz} (gzip strips one suffix: no witness); {@code lz4 -q a.lz4 .lesskey}, {@code
 * .less{key,}}, {@code lz4 -q k.lz4 ks} (reviewed); tar {@code --transform}/{@code --xform}/{@code
 * --tra=}/{@code TAR_OPTIONS=--xform} in either direction, {@code tar -C d}, zipnote, jar/ar/unzip
 * of the text's files (reviewed); unzip {@code -p}, {@code -d}, {@code -o}, {@code zip -F/-FF/-U
 * --out}, jar {@code x}/{@code -xf}/{@code --extract --file[=]}/from a pipe, {@code python3 -m
 * zipfile/tarfile -e}, {@code ar x/xo/p}, {@code funzip}, {@code zcat} (reviewed); {@code
 * dpkg-deb --fsys-tarfile|--ctrl-tarfile … | tar -x} (reviewed); {@code sed -i'.*'}, {@code
 * --in-place='.*'}, {@code -ni'.*'}, {@code sed -i'k*'}, {@code perl -i'.*'} (reviewed); patch
 * {@code -b -Y/-B/-z} and {@code SIMPLE_BACKUP_SUFFIX=… patch -b} (reviewed); {@code cp -b -S c}
 * before {@code kubectl --kubeconfig}, {@code cp -bS file} before {@code bash -l}, {@code sed -ie}
 * before {@code make} (reviewed); {@code git mv}, {@code git stash show -p | git apply} (reviewed);
 * {@code n=$(printf '\056lesskey')} to {@code sort --output}, {@code install -D}, {@code ln -sT},
 * {@code truncate}+{@code >>}, {@code dd of=}, {@code tee -a}; {@code printf -v}, {@code $'\x2e'},
 * {@code $'\056'}, {@code ${n}key}, {@code $n$'k'ey}, {@code .less${IFS}ey}, {@code
 * ${HOSTNAME:0:0}}, {@code set --}, {@code ~+/}, {@code "$(echo .lesskey)"}, brace {@code
 * .less{key,}}, {@code .[l]esskey}, {@code >|}, {@code 1<>}, {@code exec 3>} (reviewed); {@code >
 * ?lesskey} (allowed, but {@code ?} does not match a leading dot, so bash writes {@code ?lesskey}:
 * no witness); {@code python3 -m json.tool a "$n"} (allowed, writes JSON that is no lesskey
 * source); {@code printf > .npmrc; npm ls} (allowed, but npm ls runs nothing). Not installed here:
 * cpio, pax, 7z, bsdtar, shar/unshar, busybox, rsync, uudecode.
 */
class ShellAttack17aoTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;
  /** 17ah's wide list: sort, sed, less, kubectl get, … */
  static final ShellJudge WIDE_ALLOW_LIST = ShellAttack17ahTest.WIDE_ALLOW_LIST;
  /** 17ai's wide list: also gzip and tar. */
  static final ShellJudge WIDER_ALLOW_LIST = ShellAttack17aiTest.WIDE_ALLOW_LIST;

  /** printf of a lesskey source whose {@code #env} section sets LESSOPEN to {@code |touch WITNESS %s}, then a pipe. */
  static final String LESSKEY = "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n'";

  /** A new repository with one empty commit (HEAD). */
  static final String REPO = "git init -q; git -c user.name=a -c user.email=a@a commit -q --allow-empty -m m; ";

  /** A .deb (dpkg-deb -b, gzip members) whose data holds one file, {@code ./.lesskey}: {@code #env / LESSOPEN=|touch w %s}, as printf octal escapes. */
  static final String DEB_OF_LESSKEY = "\\041\\074\\141\\162\\143\\150\\076\\012\\144\\145\\142\\151\\141\\156\\055\\142\\151\\156\\141"
      + "\\162\\171\\040\\040\\040\\060\\040\\040\\040\\040\\040\\040\\040\\040\\040\\040\\040\\060\\040"
      + "\\040\\040\\040\\040\\060\\040\\040\\040\\040\\040\\061\\060\\060\\066\\064\\064\\040\\040\\064"
      + "\\040\\040\\040\\040\\040\\040\\040\\040\\040\\140\\012\\062\\056\\060\\012\\143\\157\\156\\164"
      + "\\162\\157\\154\\056\\164\\141\\162\\056\\147\\172\\040\\040\\060\\040\\040\\040\\040\\040\\040"
      + "\\040\\040\\040\\040\\040\\060\\040\\040\\040\\040\\040\\060\\040\\040\\040\\040\\040\\061\\060"
      + "\\060\\066\\064\\064\\040\\040\\061\\070\\062\\040\\040\\040\\040\\040\\040\\040\\140\\012\\037"
      + "\\213\\010\\000\\000\\000\\000\\000\\002\\003\\355\\321\\275\\012\\302\\060\\024\\206\\341\\314"
      + "\\275\\212\\134\\101\\333\\224\\246\\005\\067\\301\\125\\160\\162\\017\\041\\150\\260\\064\\222"
      + "\\246\\367\\157\\333\\115\\361\\147\\252\\042\\274\\017\\034\\316\\201\\363\\155\\137\\136\\210"
      + "\\325\\225\\223\\126\\353\\145\\117\\036\\367\\223\\273\\155\\164\\045\\244\\026\\137\\060\\016"
      + "\\311\\104\\051\\105\\014\\041\\275\\313\\175\\372\\377\\251\\274\\260\\241\\117\\061\\164\\053"
      + "\\367\\337\\324\\365\\313\\376\\125\\251\\357\\373\\127\\252\\322\\112\\310\\222\\376\\127\\167"
      + "\\060\\366\\142\\116\\156\\043\\115\\166\\164\\161\\360\\241\\337\\110\\225\\155\\243\\075\\373"
      + "\\344\\154\\032\\343\\374\\352\\272\\154\\157\\174\\237\\246\\161\\161\\216\\356\\334\\140\\243"
      + "\\277\\246\\045\\156\\062\\001\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\340"
      + "\\027\\156\\351\\305\\162\\341\\000\\050\\000\\000\\144\\141\\164\\141\\056\\164\\141\\162\\056"
      + "\\147\\172\\040\\040\\040\\040\\040\\060\\040\\040\\040\\040\\040\\040\\040\\040\\040\\040\\040"
      + "\\060\\040\\040\\040\\040\\040\\060\\040\\040\\040\\040\\040\\061\\060\\060\\066\\064\\064\\040"
      + "\\040\\061\\066\\060\\040\\040\\040\\040\\040\\040\\040\\140\\012\\037\\213\\010\\000\\000\\000"
      + "\\000\\000\\002\\003\\355\\321\\277\\012\\302\\060\\020\\200\\361\\314\\175\\212\\003\\161\\115"
      + "\\333\\264\\151\\047\\307\\156\\242\\102\\237\\100\\244\\040\\050\\006\\232\\124\\021\\174\\170"
      + "\\213\\233\\342\\237\\051\\242\\360\\375\\226\\073\\270\\333\\076\\235\\252\\350\\262\\121\\155"
      + "\\355\\155\\216\\036\\347\\223\\275\\256\\254\\121\\142\\325\\027\\014\\076\\254\\173\\021\\325"
      + "\\073\\027\\336\\375\\175\\272\\377\\051\\235\\352\\175\\347\\375\\256\\073\\307\\355\\137\\225"
      + "\\345\\353\\376\\205\\271\\357\\237\\347\\205\\261\\112\\062\\372\\107\\067\\351\\016\\307\\144"
      + "\\336\\264\\355\\162\\325\\054\\146\\227\\340\\206\\315\\126\\116\\062\\365\\211\\002\\000\\000"
      + "\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\360\\343\\256\\072\\253\\275\\323\\000\\050"
      + "\\000\\000";

  /** A .deb whose data holds one file, {@code ./ks}: {@code touch w}, as printf octal escapes. */
  static final String DEB_OF_SCRIPT = "\\041\\074\\141\\162\\143\\150\\076\\012\\144\\145\\142\\151\\141\\156\\055\\142\\151\\156\\141"
      + "\\162\\171\\040\\040\\040\\060\\040\\040\\040\\040\\040\\040\\040\\040\\040\\040\\040\\060\\040"
      + "\\040\\040\\040\\040\\060\\040\\040\\040\\040\\040\\061\\060\\060\\066\\064\\064\\040\\040\\064"
      + "\\040\\040\\040\\040\\040\\040\\040\\040\\040\\140\\012\\062\\056\\060\\012\\143\\157\\156\\164"
      + "\\162\\157\\154\\056\\164\\141\\162\\056\\147\\172\\040\\040\\060\\040\\040\\040\\040\\040\\040"
      + "\\040\\040\\040\\040\\040\\060\\040\\040\\040\\040\\040\\060\\040\\040\\040\\040\\040\\061\\060"
      + "\\060\\066\\064\\064\\040\\040\\061\\070\\062\\040\\040\\040\\040\\040\\040\\040\\140\\012\\037"
      + "\\213\\010\\000\\000\\000\\000\\000\\002\\003\\355\\321\\275\\012\\302\\060\\024\\206\\341\\314"
      + "\\275\\212\\134\\101\\333\\224\\246\\005\\067\\301\\125\\160\\162\\017\\041\\150\\260\\064\\222"
      + "\\246\\367\\157\\333\\115\\361\\147\\252\\042\\274\\017\\034\\316\\201\\363\\155\\137\\136\\210"
      + "\\325\\225\\223\\126\\353\\145\\117\\036\\367\\223\\273\\155\\164\\045\\244\\026\\137\\060\\016"
      + "\\311\\104\\051\\105\\014\\041\\275\\313\\175\\372\\377\\251\\274\\260\\241\\117\\061\\164\\053"
      + "\\367\\337\\324\\365\\313\\376\\125\\251\\357\\373\\127\\252\\322\\112\\310\\222\\376\\127\\167"
      + "\\060\\366\\142\\116\\156\\043\\115\\166\\164\\161\\360\\241\\337\\110\\225\\155\\243\\075\\373"
      + "\\344\\154\\032\\343\\374\\352\\272\\154\\157\\174\\237\\246\\161\\161\\216\\356\\334\\140\\243"
      + "\\277\\246\\045\\156\\062\\001\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\340"
      + "\\027\\156\\351\\305\\162\\341\\000\\050\\000\\000\\144\\141\\164\\141\\056\\164\\141\\162\\056"
      + "\\147\\172\\040\\040\\040\\040\\040\\060\\040\\040\\040\\040\\040\\040\\040\\040\\040\\040\\040"
      + "\\060\\040\\040\\040\\040\\040\\060\\040\\040\\040\\040\\040\\061\\060\\060\\066\\064\\064\\040"
      + "\\040\\061\\062\\067\\040\\040\\040\\040\\040\\040\\040\\140\\012\\037\\213\\010\\000\\000\\000"
      + "\\000\\000\\002\\003\\355\\321\\075\\012\\200\\060\\014\\100\\341\\314\\236\\042\\047\\320\\126"
      + "\\214\\075\\217\\270\\010\\016\\005\\255\\170\\175\\213\\243\\370\\063\\051\\010\\357\\133\\022"
      + "\\110\\266\\127\\126\\362\\072\\227\\005\\263\\175\\146\\307\\171\\262\\207\\326\\152\\121\\223"
      + "\\017\\054\\163\\352\\046\\125\\231\\142\\114\\167\\177\\117\\367\\237\\052\\253\\161\\376\\242"
      + "\\177\\333\\064\\327\\375\\375\\241\\277\\167\\265\\363\\242\\216\\376\\257\\113\\161\\351\\007"
      + "\\135\\013\\001\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\360\\073\\033\\040"
      + "\\024\\267\\063\\000\\050\\000\\000\\012";

  static String debs(String template) {
    return template.replace("LESSKEY", LESSKEY).replace("'DEB'", "'" + DEB_OF_LESSKEY + "'")
        .replace("'DK'", "'" + DEB_OF_SCRIPT + "'");
  }

  @ParameterizedTest(name = "deny-list: a decompressor strips a suffix the judge does not know: {0}")
  @ValueSource(strings = {
      "LESSKEY | gzip > .lesskey-gz; gzip -d .lesskey-gz; less /etc/hostname",
      "LESSKEY | gzip > .lesskey-gz; gunzip -f .lesskey-gz; less /etc/hostname",
      "LESSKEY | gzip > .lesskey_z; gzip -d .lesskey_z; less /etc/hostname",
      "LESSKEY | gzip > .lesskey-z; gzip -d .lesskey-z; less /etc/hostname",
      "LESSKEY | gzip > .lesskey.GZ; gunzip .lesskey.GZ; less /etc/hostname",
      "LESSKEY | gzip > .lesskey.Gz; gzip -d .lesskey.Gz; less /etc/hostname",
      "LESSKEY | bzip2 > .lesskey.bz; bzip2 -d .lesskey.bz; less /etc/hostname",
      "printf 'touch WITNESS\\n' | gzip > ks-gz; gunzip ks-gz; sh ks",
      "printf 'touch WITNESS\\n' | gzip > ks-gz && gzip -d ks-gz && . ./ks",
      "printf 'touch WITNESS\\n' | gzip > ks_z; gunzip ks_z; bash ks",
      "printf 'touch WITNESS\\n' | gzip > ks.GZ; gunzip ks.GZ; sh ks",
      "printf 'touch WITNESS\\n' | gzip > ks.TGZ; gunzip ks.TGZ; sh ks.tar",
      "printf 'touch WITNESS\\n' | bzip2 > ks.bz; bunzip2 ks.bz; sh ks",
      "printf 'touch WITNESS\\n' | bzip2 > k; bunzip2 k; sh k.out",
      "printf 'touch WITNESS\\n' | xz > ks.tlz; unxz ks.tlz; sh ks.tar",
      "printf 'touch WITNESS\\n' | zstd -q > ks.tzst; unzstd -q ks.tzst; sh ks.tar",
      // Found while fixing: zstd's .zstd and .tlz4, bzip2's NAME.out of any other end, gzip's -GZ.
      "printf 'touch WITNESS\\n' | zstd -q > ks.zstd; unzstd -q ks.zstd; sh ks",
      "printf 'touch WITNESS\\n' | zstd -q > ks.tlz4; unzstd -q ks.tlz4; sh ks.tar",
      "printf 'touch WITNESS\\n' | bzip2 > ks.BZ2; bunzip2 ks.BZ2; sh ks.BZ2.out",
      "printf 'touch WITNESS\\n' | gzip > ks-GZ; gunzip ks-GZ; sh ks"})
  void decompressorSuffixesTheJudgeDoesNotKnow(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template.replace("LESSKEY", LESSKEY), tmp, false);
  }

  @ParameterizedTest(name = "wide allow-list [… sed, gzip, less]: gzip -d of a -gz name writes ~/.lesskey: {0}")
  @ValueSource(strings = {
      "LESSKEY | gzip | sed -n w.lesskey-gz; gzip -d .lesskey-gz; less /etc/hostname",
      "LESSKEY | gzip | sed -n w.lesskey_z; gzip -d .lesskey_z; less /etc/hostname"})
  void wideAllowListDecompressorSuffix(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(WIDER_ALLOW_LIST, template.replace("LESSKEY", LESSKEY), tmp, false);
  }

  @ParameterizedTest(name = "deny-list: lz4 decompresses a .lz4 operand without -d: {0}")
  @ValueSource(strings = {
      "LESSKEY | lz4 -q > .lesskey.lz4; lz4 -qm .lesskey.lz4; less /etc/hostname",
      "LESSKEY | lz4 -q > .lesskey.lz4; lz4 -q --multiple .lesskey.lz4; less /etc/hostname",
      "LESSKEY | lz4 -q > a.lz4; n=$(printf '\\056lesskey'); lz4 -q a.lz4 \"$n\"; less /etc/hostname",
      "printf 'touch WITNESS\\n' | lz4 -q > a.lz4; lz4 -qm a.lz4; sh a",
      "printf 'touch WITNESS\\n' | lz4 -q > ks.lz4; lz4 -q --multiple ks.lz4; sh ks",
      // Found while fixing: lz4's -l is its legacy format, not a listing; a profile for a login shell.
      "printf 'touch WITNESS\\n' | lz4 -q > ks.lz4; lz4 -qlm ks.lz4; sh ks",
      "printf 'touch WITNESS\\n' | lz4 -q > .profile.lz4; lz4 -qm .profile.lz4; bash -lc :"})
  void lz4DecompressesWithoutD(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template.replace("LESSKEY", LESSKEY), tmp, false);
  }

  @ParameterizedTest(name = "deny-list, at the prompt: lz4 FILE.lz4 on a terminal writes FILE: {0}")
  @ValueSource(strings = {
      "printf 'touch WITNESS\\n' | lz4 -q > ks.lz4; lz4 -q ks.lz4; sh ks",
      "LESSKEY | lz4 -q > .lesskey.lz4; lz4 -q .lesskey.lz4; less /etc/hostname"})
  void lz4DecompressesOnATerminal(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template.replace("LESSKEY", LESSKEY), tmp, true);
  }

  @ParameterizedTest(name = "deny-list: dpkg-deb/dpkg extract the text's own .deb: {0}")
  @ValueSource(strings = {
      "printf 'DEB' > a.deb; dpkg-deb -x a.deb .; less /etc/hostname",
      "printf 'DEB' > a.deb; dpkg-deb --extract a.deb .; less /etc/hostname",
      "printf 'DEB' > a.deb; dpkg-deb -X a.deb . > /dev/null; less /etc/hostname",
      "printf 'DEB' > a.deb; dpkg-deb -R a.deb .; less /etc/hostname",
      "printf 'DEB' > a.deb; dpkg-deb --raw-extract a.deb .; less /etc/hostname",
      "printf 'DEB' | dpkg-deb -x - .; less /etc/hostname",
      "printf 'DEB' | dpkg-deb -x /dev/stdin .; less /etc/hostname",
      "dpkg-deb -x <(printf 'DEB') .; less /etc/hostname",
      "printf 'DEB' > a.deb; dpkg -x a.deb .; less /etc/hostname",
      "printf 'DK' > a.deb; dpkg-deb -x a.deb .; sh ks",
      "printf 'DK' | dpkg-deb -x - .; . ./ks",
      // Found while fixing: a bundle, and dpkg's -X.
      "printf 'DK' > a.deb; dpkg-deb -vx a.deb .; sh ks",
      "printf 'DK' > a.deb; dpkg -X a.deb . > /dev/null; sh ks"})
  void dpkgDebExtractsTheTextsOwnPackage(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, debs(template), tmp, false);
  }

  @ParameterizedTest(name = "deny-list: a backup named TARGET+SUFFIX: {0}")
  @ValueSource(strings = {
      "LESSKEY > .le; printf y > y; cp -b -S sskey y .le; less /etc/hostname",
      "LESSKEY > .le; printf y > y; cp --suffix=sskey -b y .le; less /etc/hostname",
      "LESSKEY > .le; printf y > y; SIMPLE_BACKUP_SUFFIX=sskey cp -b y .le; less /etc/hostname",
      "LESSKEY > .le; printf y > y; mv -bS sskey y .le; less /etc/hostname",
      "LESSKEY > .le; printf y > y; ln -fbS sskey y .le; less /etc/hostname",
      "LESSKEY > .le; printf y > y; install -bS sskey y .le; less /etc/hostname",
      "LESSKEY > .le; sed -isskey -n p .le; less /etc/hostname",
      "printf 'touch WITNESS\\n' > k; printf y > y; cp -b -S s y k; sh ks",
      "printf 'touch WITNESS\\n' > k; printf y > y; SIMPLE_BACKUP_SUFFIX=s cp -b y k; sh ks",
      "printf 'touch WITNESS\\n' > k; printf y > y; mv -b --suffix=s y k; sh ks",
      "printf 'touch WITNESS\\n' > k; sed -is -n p k; sh ks",
      "printf 'touch WITNESS\\n' > k; sed -i's' -n p k; . ./ks",
      "printf 'touch WITNESS\\n' > .pro; sed -i'file' -n p .pro; bash -lc :",
      "printf 'touch WITNESS\\n' > .pro; sed -i'file' -n p .pro; sh -l -c :",
      "printf 'import os\\nos.system(\"touch WITNESS\")\\n' > a.p; sed -iy -n p a.p; python3 a.py",
      "printf 'class A { public static void main(String[] a) throws Exception { new ProcessBuilder(\"touch\", \"WITNESS\").start().waitFor(); } }\\n' > a.jav; sed -ia -n p a.jav; java a.java",
      "printf '.shell touch WITNESS\\n' > k; sed -i'c' -n p k; sqlite3 -init kc :memory: .q",
      "printf 'output = .lesskey\\n' > k; sed -ic -n p k; LESSKEY | curl -sK kc file:///dev/stdin; less /etc/hostname",
      "printf '%s\\n' 'KUBECONFIG' > k; sed -ic -n p k; kubectl get pods --kubeconfig=kc"})
  void backupsNamedBySuffix(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT,
        template.replace("LESSKEY", LESSKEY).replace("KUBECONFIG", ShellAttack17ahTest.KUBECONFIG), tmp, false);
  }

  @ParameterizedTest(name = "wide allow-list [… sort, sed, less, kubectl get]: sed -iSUFFIX's backup: {0}")
  @ValueSource(strings = {
      "LESSKEY | sort -o .le; sed -isskey -n p .le; less /etc/hostname",
      "LESSKEY | sed -n w.le; sed -isskey -n p .le; less /etc/hostname",
      "LESSKEY | sed -n w.le; sed -i'sskey' 's/^//' .le; less /etc/hostname",
      "printf '%s\\n' 'KUBECONFIG' | sed -n wk; sed -ic -n p k; kubectl get pods --kubeconfig=kc",
      "printf '%s\\n' 'KUBECONFIG' | sort -o k; sed -ic -n p k; kubectl get pods --kubeconfig kc"})
  void wideAllowListSedBackup(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(WIDE_ALLOW_LIST,
        template.replace("LESSKEY", LESSKEY).replace("KUBECONFIG", ShellAttack17ahTest.KUBECONFIG), tmp, false);
  }

  @ParameterizedTest(name = "deny-list: git archive / checkout-index compose the names: {0}")
  @ValueSource(strings = {
      "REPO git archive --add-virtual-file=ks:'touch WITNESS' HEAD | tar -x; sh ks",
      "REPO git archive --add-virtual-file=ks:'touch WITNESS' -o a.tar HEAD; tar -xf a.tar; sh ks",
      "REPO git archive --format=zip --add-virtual-file=ks:'touch WITNESS' -o a.zip HEAD; unzip -q a.zip; . ./ks",
      "REPO git archive --add-virtual-file=.lesskey:$'#env\\nLESSOPEN=|touch WITNESS %s\\n' HEAD | tar -x; less /etc/hostname",
      "REPO LESSKEY > key; git archive --prefix=.less --add-file=key HEAD | tar -x; less /etc/hostname",
      "REPO LESSKEY > key; git archive --prefix=.less --add-file=key -o a.tar HEAD; tar -xf a.tar; less /etc/hostname",
      "REPO printf 'touch WITNESS\\n' > s; git archive --prefix=k --add-file=s HEAD | tar -x; sh ks",
      "git init -q; LESSKEY > key; git add key; git checkout-index -a --prefix=.less; less /etc/hostname",
      "git init -q; LESSKEY > key; git add key; git checkout-index --prefix=.less key; less /etc/hostname",
      "git init -q; printf 'touch WITNESS\\n' > s; git add s; git checkout-index -a --prefix=k; sh ks"})
  void gitComposesTheNames(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template.replace("REPO ", REPO).replace("LESSKEY", LESSKEY), tmp, false);
  }

  @ParameterizedTest(name = "deny-list, found while fixing (fix17aoB): backups and git's composed names: {0}")
  @ValueSource(strings = {
      "export SIMPLE_BACKUP_SUFFIX=s; printf 'touch WITNESS\\n' > k; printf y > y; cp -b y k; sh ks",
      "printf 'touch WITNESS\\n' > k; printf y > y; cp --backup=numbered y k; sh k.~1~",
      "printf 'touch WITNESS\\n' > k; printf y > y; VERSION_CONTROL=t mv -b y k; sh k.~1~",
      "mkdir d; printf 'touch WITNESS\\n' > d/k; printf y > k; cp -bS s k d; sh d/ks",
      "printf 'touch WITNESS\\n' > k; sed --in-place=s -n p k; sh ks",
      "printf 'touch WITNESS\\n' > k; sed -i'*s' -n p k; sh ks",
      "printf 'touch WITNESS\\n' > k; perl -i's' -ne print k; sh ks",
      "git init -q; printf 'touch WITNESS\\n' > s; git add s; echo s | git checkout-index --stdin --prefix=k; sh ks",
      "git init -q; LESSKEY > key; git add key; git -c user.name=a -c user.email=a@a commit -qm m; git archive --prefix=.less HEAD | tar -x; less /etc/hostname",
      "REPO git archive --add-virtual-file='\"\\056lesskey\":'$'#env\\nLESSOPEN=|touch WITNESS %s\\n' HEAD | tar -x; less /etc/hostname",
      "REPO git archive --format=zip --add-virtual-file=ks:'touch WITNESS' HEAD > a.zip; unzip -q a.zip; sh ks",
      "REPO printf 'touch WITNESS\\n' > s; git archive --pre=k --add-f=s HEAD | tar -x; sh ks"})
  void backupsAndGitNamesFoundWhileFixing(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template.replace("REPO ", REPO).replace("LESSKEY", LESSKEY), tmp, false);
  }
}
