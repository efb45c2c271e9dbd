package dev.gatehouse.gateway;

import java.nio.file.Path;

/**
 * A user's key pair as ssh uses it: the private key file and, when there is one, the certificate
 * beside it ({@code KEY-cert.pub}). {@code serial} is 0 for certificates made outside the ledger.
 */
record SshClientKey(Path key, Path certificate, String identity, long serial) {}
