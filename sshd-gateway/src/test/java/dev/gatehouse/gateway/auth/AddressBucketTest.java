package dev.gatehouse.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What counts as one source address for the limits before login. */
class AddressBucketTest {
  @ParameterizedTest(name = "{0} counts as {1}")
  @CsvSource({
    "127.0.0.1, loopback",
    "127.0.0.2, loopback",
    "127.255.255.254, loopback",
    "::1, loopback",
    "::ffff:127.0.0.1, loopback",
    "0:0:0:0:0:0:0:1, loopback",
    "192.0.2.7, 192.0.2.7",
    "192.0.2.8, 192.0.2.8",
    "::ffff:192.0.2.7, 192.0.2.7",
    "::192.0.2.7, 192.0.2.7",
    "2001:db8:1:2::1, 2001:db8:1:2:0:0:0:0/64",
    "2001:db8:1:2:ffff:ffff:ffff:ffff, 2001:db8:1:2:0:0:0:0/64",
    "2001:db8:1:3::1, 2001:db8:1:3:0:0:0:0/64",
    "fe80::1, fe80:0:0:0:0:0:0:0/64",
  })
  void addressesCountByHostAndIpv6ByItsSlash64(String address, String bucket) throws Exception {
    assertThat(AddressBucket.of(InetAddress.getByName(address))).isEqualTo(bucket);
  }
}
