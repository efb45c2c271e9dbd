package dev.gatehouse.keys.login;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/** Loopback host names, literally: {@code localhost}, 127.0.0.0/8, ::1. Never resolved. */
final class Loopback {
  private Loopback() {}

  static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.equals("localhost")) {
      return true;
    }
    if (h.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      for (String octet : h.split("\\.")) {
        if (Integer.parseInt(octet) > 255) {
          return false;
        }
      }
      return h.startsWith("127.");
    }
    if (!h.contains(":")) {
      return false;
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
