package dev.walt.system;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Which addresses the service may connect to on a client's behalf (input image URLs, webhooks): public
 * unicast only, never unspecified, loopback, private (RFC 1918, unique-local fc00::/7, site-local
 * fec0::/10), link-local (cloud metadata endpoints live there), carrier-grade NAT (RFC 6598),
 * documentation, benchmarking, multicast or reserved ranges, in IPv4 or IPv6 (IPv4-mapped, deprecated
 * IPv4-compatible, NAT64 and 6to4 forms are judged by the IPv4 address they carry, or refused).
 */
public final class PublicInternet {

  private PublicInternet() {}

  /** True for an address on the public internet. */
  public static boolean isPublic(InetAddress address) {
    if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
        || address.isSiteLocalAddress() || address.isMulticastAddress()) {
      return false;
    }
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      return isPublicV4(b);
    }
    if (address instanceof Inet6Address) {
      int first = b[0] & 0xff;
      if ((first & 0xfe) == 0xfc) {
        return false; // fc00::/7 unique local
      }
      if (first == 0xfe && (b[1] & 0xc0) == 0xc0) {
        return false; // fec0::/10 site local (deprecated)
      }
      if (first == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
        return false; // 2001:db8::/32 documentation
      }
      boolean zeroPrefix = true;
      for (int i = 0; i < 10; i++) {
        zeroPrefix &= b[i] == 0;
      }
      if (zeroPrefix && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
        return isPublicV4(new byte[] {b[12], b[13], b[14], b[15]}); // ::ffff:a.b.c.d mapped
      }
      if (zeroPrefix && b[10] == 0 && b[11] == 0) {
        return false; // ::/96 (unspecified, loopback, deprecated compatible)
      }
      if (first == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
        return isPublicV4(new byte[] {b[12], b[13], b[14], b[15]}); // 64:ff9b::/96 NAT64
      }
      if (first == 0x20 && (b[1] & 0xff) == 0x02) {
        return isPublicV4(new byte[] {b[2], b[3], b[4], b[5]}); // 2002::/16 6to4
      }
      return true;
    }
    return false;
  }

  private static boolean isPublicV4(byte[] b) {
    int a0 = b[0] & 0xff;
    int a1 = b[1] & 0xff;
    int a2 = b[2] & 0xff;
    return !(a0 == 0                                   // 0.0.0.0/8 "this network"
        || a0 == 10                                    // 10/8
        || a0 == 127                                   // loopback
        || (a0 == 100 && (a1 & 0xc0) == 64)            // 100.64/10 carrier-grade NAT
        || (a0 == 169 && a1 == 254)                    // link local
        || (a0 == 172 && (a1 & 0xf0) == 16)            // 172.16/12
        || (a0 == 192 && a1 == 0 && a2 == 0)           // 192.0.0/24 IETF protocol assignments
        || (a0 == 192 && a1 == 0 && a2 == 2)           // TEST-NET-1
        || (a0 == 192 && a1 == 168)                    // 192.168/16
        || (a0 == 198 && (a1 & 0xfe) == 18)            // 198.18/15 benchmarking
        || (a0 == 198 && a1 == 51 && a2 == 100)        // TEST-NET-2
        || (a0 == 203 && a1 == 0 && a2 == 113)         // TEST-NET-3
        || a0 >= 224);                                 // multicast, reserved, broadcast
  }

}
