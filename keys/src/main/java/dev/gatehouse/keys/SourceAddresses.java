package dev.gatehouse.keys;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The value of the {@code source-address} critical option: comma-separated addresses and CIDR
 * blocks, as OpenSSH's sshd reads them.
 *
 * <p>Own parser rather than MINA's {@code InetAddressRange}: in sshd-common its IPv6 word range
 * check is {@code 1 << 16 - 1} (= 32768), which refuses blocks such as {@code fe80::/10}. Host
 * names are refused up front so that checking a certificate never does a DNS lookup.
 */
final class SourceAddresses {
  private static final Pattern IPV4 =
      Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  private record Block(byte[] network, int prefixBits) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int fullBytes = prefixBits / 8;
      for (int i = 0; i < fullBytes; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefixBits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[fullBytes] & mask) == (network[fullBytes] & mask);
    }
  }

  private final List<Block> blocks;
  private final String text;

  private SourceAddresses(List<Block> blocks, String text) {
    this.blocks = List.copyOf(blocks);
    this.text = text;
  }

  /** @throws IllegalArgumentException naming the entry that is not an address or CIDR block */
  static SourceAddresses parse(String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("source-address is empty");
    }
    List<Block> blocks = new ArrayList<>();
    List<String> normalized = new ArrayList<>();
    for (String raw : value.split(",", -1)) {
      String entry = raw.strip();
      if (entry.isEmpty()) {
        throw new IllegalArgumentException("source-address has an empty entry: '" + value + "'");
      }
      int slash = entry.indexOf('/');
      String host = slash < 0 ? entry : entry.substring(0, slash);
      byte[] address = literal(host, entry);
      int bits = address.length * 8;
      if (slash >= 0) {
        try {
          bits = Integer.parseInt(entry.substring(slash + 1));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("source-address entry '" + entry + "' has a bad prefix length", e);
        }
        if (bits < 0 || bits > address.length * 8) {
          throw new IllegalArgumentException(
              "source-address entry '" + entry + "' prefix length must be 0.." + address.length * 8);
        }
      }
      blocks.add(new Block(address, bits));
      normalized.add(entry);
    }
    return new SourceAddresses(blocks, String.join(",", normalized));
  }

  private static byte[] literal(String host, String entry) {
    if (!IPV4.matcher(host).matches() && !IPV6.matcher(host).matches()) {
      throw new IllegalArgumentException("source-address entry '" + entry + "' is not an IP address or CIDR block");
    }
    try {
      // A literal (checked above) never reaches DNS.
      return InetAddress.getByName(host).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("source-address entry '" + entry + "' is not an IP address", e);
    }
  }

  boolean contains(InetAddress client) {
    if (client == null) {
      return false;
    }
    byte[] address = client.getAddress();
    for (Block block : blocks) {
      if (block.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** The entries joined by ',' without spaces, as written into a certificate. */
  @Override
  public String toString() {
    return text;
  }
}
