package dev.gatehouse.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class UserCertificateRequestTest {

  @Test
  void defaultsPermitPtyAndPortForwardingOnly() {
    UserCertificateRequest request = UserCertificateRequest.of("alice@example.com", List.of("dev"), Duration.ofHours(8));

    assertThat(request.permitPty()).isTrue();
    assertThat(request.permitPortForwarding()).isTrue();
    assertThat(request.permitAgentForwarding()).isFalse();
    assertThat(request.permitX11Forwarding()).isFalse();
    assertThat(request.sourceAddress()).isNull();
  }

  @Test
  void sourceAddressIsNormalizedWithoutSpaces() {
    UserCertificateRequest request = new UserCertificateRequest("alice", List.of(), Duration.ofHours(1),
        " 10.0.0.0/8 , 192.168.0.1", true, true, false, false);

    assertThat(request.sourceAddress()).isEqualTo("10.0.0.0/8,192.168.0.1");
  }

  static Stream<Arguments> invalidRequests() {
    Duration hour = Duration.ofHours(1);
    return Stream.of(
        Arguments.of("blank identity", " ", List.of(), hour, null, "identity"),
        Arguments.of("identity with comma", "alice,root", List.of(), hour, null, "identity"),
        Arguments.of("identity with space", "alice smith", List.of(), hour, null, "identity"),
        Arguments.of("identity with newline", "alice\nroot", List.of(), hour, null, "identity"),
        Arguments.of("identity with a right-to-left override", "alice\u202eroot", List.of(), hour, null, "identity"),
        Arguments.of("identity with a zero-width joiner", "ali\u200dce", List.of(), hour, null, "identity"),
        Arguments.of("identity with a lone surrogate", "alice\udc00", List.of(), hour, null, "identity"),
        Arguments.of("identity of 257 characters", "a".repeat(257), List.of(), hour, null, "identity"),
        Arguments.of("group with space", "alice", List.of("dev ops"), hour, null, "groups"),
        Arguments.of("group with comma", "alice", List.of("dev,ops"), hour, null, "groups"),
        Arguments.of("empty group", "alice", List.of(""), hour, null, "groups"),
        Arguments.of("zero ttl", "alice", List.of(), Duration.ZERO, null, "ttl"),
        Arguments.of("negative ttl", "alice", List.of(), Duration.ofHours(-1), null, "ttl"),
        Arguments.of("ttl over 366 days", "alice", List.of(), Duration.ofDays(367), null, "ttl"),
        Arguments.of("host name as source", "alice", List.of(), hour, "example.com", "sourceAddress"),
        Arguments.of("prefix too long", "alice", List.of(), hour, "10.0.0.0/33", "sourceAddress"),
        Arguments.of("empty source entry", "alice", List.of(), hour, "10.0.0.1,", "sourceAddress"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidRequests")
  void invalidRequestIsRefusedNamingTheField(
      String situation, String identity, List<String> groups, Duration ttl, String source, String field) {
    assertThatThrownBy(() -> new UserCertificateRequest(identity, groups, ttl, source, true, true, false, false))
        .as(situation)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(field);
  }

  @Test
  void ttlOfExactly366DaysIsAllowed() {
    assertThat(UserCertificateRequest.of("alice", List.of("a.b_c@d-e"), Duration.ofDays(366)).ttl())
        .isEqualTo(Duration.ofDays(366));
  }
}
