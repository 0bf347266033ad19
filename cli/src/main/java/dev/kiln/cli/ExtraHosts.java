package dev.kiln.cli;

import dev.kiln.core.graph.ExecMeta;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code --add-host HOST:IP} (or {@code HOST=IP}) as buildx passes it to BuildKit: the name
 * lower-cased (BuildKit's {@code parseExtraHosts}), the address parsed as an IP literal (never
 * looked up) and written as Go's {@code net.IP.String} does (IPv6 compressed, IPv4-mapped as IPv4).
 * Stateless.
 */
final class ExtraHosts {

  private ExtraHosts() {}

  static List<ExecMeta.HostIp> parse(List<String> values) throws CliException {
    List<ExecMeta.HostIp> out = new ArrayList<>();
    for (String v : values) {
      out.add(parse(v));
    }
    return out;
  }

  static ExecMeta.HostIp parse(String value) throws CliException {
    int sep = value.indexOf('=');
    if (sep < 0) {
      sep = value.indexOf(':');
    }
    String host = sep < 0 ? "" : value.substring(0, sep);
    String ip = sep < 0 ? "" : value.substring(sep + 1);
    if (host.isEmpty() || ip.isEmpty() || host.chars().anyMatch(Character::isWhitespace)) {
      throw new CliException("--add-host " + value + ": use HOST:IP, e.g. db:10.0.0.5");
    }
    if (ip.equals("host-gateway")) {
      throw new CliException(
          "--add-host " + value + ": host-gateway is not supported; give the IP address");
    }
    String normalized = normalizeIp(ip);
    if (normalized == null) {
      throw new CliException(
          "--add-host " + value + ": " + ip + " is not an IP address; use HOST:IP");
    }
    return new ExecMeta.HostIp(host.toLowerCase(Locale.ROOT), normalized);
  }

  /** The IP literal in Go's {@code net.IP.String} form, or null when it is not one. */
  static String normalizeIp(String ip) {
    boolean v4 = ip.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    boolean v6 = ip.contains(":") && ip.matches("[0-9A-Fa-f:.]+");
    if (!v4 && !v6) {
      return null;
    }
    if (v4) {
      for (String part : ip.split("\\.")) {
        // Go rejects values above 255 and (since 1.17) leading zeros
        if (Integer.parseInt(part) > 255 || (part.length() > 1 && part.startsWith("0"))) {
          return null;
        }
      }
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(ip); // a literal: no name lookup happens
    } catch (UnknownHostException | SecurityException e) {
      return null;
    }
    if (!(address instanceof Inet6Address)) {
      return address.getHostAddress();
    }
    return compress(address.getAddress());
  }

  /** RFC 5952 text of a 16-byte address: the longest run of two or more zero groups is "::". */
  private static String compress(byte[] b) {
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        s.append("::");
        i += bestLen - 1;
        continue;
      }
      if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
        s.append(':');
      }
      s.append(Integer.toHexString(groups[i]));
    }
    return s.toString();
  }
}
