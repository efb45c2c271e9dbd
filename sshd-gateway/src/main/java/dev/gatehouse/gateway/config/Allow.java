package dev.gatehouse.gateway.config;

import java.util.List;

/** Who may use a target: anyone whose certificate names one of these groups or identities. */
public record Allow(List<String> groups, List<String> identities) {
  public Allow {
    groups = groups == null ? List.of() : List.copyOf(groups);
    identities = identities == null ? List.of() : List.copyOf(identities);
  }

  public boolean permits(String identity, List<String> memberOf) {
    return identities.contains(identity) || memberOf.stream().anyMatch(groups::contains);
  }
}
