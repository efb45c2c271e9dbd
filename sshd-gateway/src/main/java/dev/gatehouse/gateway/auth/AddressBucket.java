package dev.gatehouse.gateway.auth;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * What "one source address" means for the limits before login: every loopback address (127/8,
 * {@code ::1}) is one host; an IPv4 address embedded in IPv6 ({@code ::ffff:a.b.c.d}, {@code
 * ::a.b.c.d}) is that IPv4 address; any other IPv6 address counts by its /64, the smallest block
 * a site is given, so a client cannot step around a limit by walking the addresses of its own
 * network.
 */
final class AddressBucket {
  private AddressBucket() {}

  static String of(InetAddress address) {
    if (address == null) {
      return "unknown";
    }
    if (address.isLoopbackAddress()) {
      return "loopback";
    }
    if (address instanceof Inet4Address) {
      return address.getHostAddress();
    }
    byte[] b = address.getAddress();
    if (address instanceof Inet6Address && b.length == 16) {
      boolean upperZero = true;
      for (int i = 0; i < 10; i++) {
        upperZero &= b[i] == 0;
      }
      boolean mapped = upperZero && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
      boolean compatible = upperZero && b[10] == 0 && b[11] == 0 && !(b[12] == 0 && b[13] == 0 && b[14] == 0);
      if (mapped || compatible) {
        try {
          return of(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
        } catch (UnknownHostException e) {
          throw new IllegalStateException("four bytes are an IPv4 address", e);
        }
      }
      byte[] prefix = new byte[16];
      System.arraycopy(b, 0, prefix, 0, 8);
      try {
        return InetAddress.getByAddress(prefix).getHostAddress() + "/64";
      } catch (UnknownHostException e) {
        throw new IllegalStateException("sixteen bytes are an IPv6 address", e);
      }
    }
    return address.getHostAddress();
  }
}
