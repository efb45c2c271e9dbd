package dev.gatehouse.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SourceAddressesTest {

  @ParameterizedTest(name = "{1} in {0}: {2}")
  @CsvSource(delimiter = '|', value = {
    "127.0.0.1/32          | 127.0.0.1     | true",
    "127.0.0.1             | 127.0.0.1     | true",
    "127.0.0.1             | 127.0.0.2     | false",
    "10.0.0.0/8,192.0.2.1  | 10.255.1.1    | true",
    "10.0.0.0/8,192.0.2.1  | 192.0.2.1     | true",
    "10.0.0.0/8,192.0.2.1  | 11.0.0.1      | false",
    "172.16.0.0/12         | 172.31.255.255| true",
    "172.16.0.0/12         | 172.32.0.0    | false",
    "0.0.0.0/0             | 203.0.113.9   | true",
    "fe80::/10             | fe80::1       | true",
    "fe80::/10             | 2001:db8::1   | false",
    "2001:db8::/32         | 2001:db8:ffff::1 | true",
    "10.0.0.0/8            | ::1           | false",
  })
  void clientAddressIsMatchedAgainstTheList(String list, String client, boolean inside) throws Exception {
    assertThat(SourceAddresses.parse(list).contains(InetAddress.getByName(client))).isEqualTo(inside);
  }
}
