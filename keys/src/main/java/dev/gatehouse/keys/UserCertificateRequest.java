package dev.gatehouse.keys;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a user certificate should say. Validated on construction; each message names the field.
 *
 * @param identity key id and sole principal, as {@link IdentityName} allows (no ',', white space,
 *     control or format characters)
 * @param groups each {@code [A-Za-z0-9._@-]+}; travel in the {@code groups@gatehouse.dev} extension
 * @param ttl positive, at most 366 days
 * @param sourceAddress null, or comma-separated addresses / CIDR blocks
 * @param permitPortForwarding default true: the gateway itself only allows forwards into its
 *     protocol proxies, so the flag is a ceiling, not a grant
 */
public record UserCertificateRequest(
    String identity,
    List<String> groups,
    Duration ttl,
    String sourceAddress,
    boolean permitPty,
    boolean permitPortForwarding,
    boolean permitAgentForwarding,
    boolean permitX11Forwarding) {

  static final Duration MAX_TTL = Duration.ofDays(366);
  private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9._@-]+");

  public UserCertificateRequest {
    if (identity == null || identity.isBlank()) {
      throw new IllegalArgumentException("identity must not be blank");
    }
    String problem = IdentityName.problem(identity);
    if (problem != null) {
      throw new IllegalArgumentException("identity " + problem);
    }
    groups = groups == null ? List.of() : List.copyOf(groups);
    for (String group : groups) {
      if (!GROUP.matcher(group).matches()) {
        throw new IllegalArgumentException("groups: '" + group + "' must match [A-Za-z0-9._@-]+");
      }
    }
    if (ttl == null || ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive, was " + ttl);
    }
    if (ttl.compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException("ttl must be at most " + MAX_TTL.toDays() + " days, was " + ttl);
    }
    if (sourceAddress != null) {
      try {
        sourceAddress = SourceAddresses.parse(sourceAddress).toString();
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("sourceAddress: " + e.getMessage(), e);
      }
    }
  }

  /** Pty and port forwarding permitted, agent and X11 forwarding not, no source restriction. */
  public static UserCertificateRequest of(String identity, List<String> groups, Duration ttl) {
    return new UserCertificateRequest(identity, groups, ttl, null, true, true, false, false);
  }
}
