/**
 * Keys and certificates: the gateway's CAs and host key ({@link dev.gatehouse.keys.CertificateAuthority}),
 * issuing user and per-target certificates, checking offered user certificates ({@link
 * dev.gatehouse.keys.UserCertificateChecker}) and the SQLite ledger of serials and revocations
 * ({@link dev.gatehouse.keys.CertificateLedger}). Knows MINA's sshd-common, never the server.
 *
 * <pre>
 *  ca sign ──► CertificateAuthority.signUserCertificate ──► ledger.recordIssued
 *                     │ (user_ca)
 *  ssh client ── cert ──► gateway's PublickeyAuthenticator
 *                             └► UserCertificateChecker.check ── trusted CAs? signature? type,
 *                                  validity, principals, critical options, groups ──► ledger.isRevoked
 *                                  ──► Accepted(identity, groups, ...) | Rejected(slug, detail)
 *  session to an ssh target ──► signTargetCertificate (target_ca, minutes) ──► target's TrustedUserCAKeys
 * </pre>
 *
 * <p>All files are plain OpenSSH formats so ssh-keygen works on them in an emergency; a
 * certificate made with {@code ssh-keygen -s user_ca} is as valid as one from {@code ca sign}
 * (the break-glass path).
 */
package dev.gatehouse.keys;
