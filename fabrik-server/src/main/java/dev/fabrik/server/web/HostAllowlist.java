package dev.fabrik.server.web;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Which {@code Host} headers the admin port answers, against DNS rebinding: a page on {@code
 * evil.example} whose name its owner re-points at 127.0.0.1 makes the victim's browser send {@code
 * Host: evil.example:7420} to this server, and the browser then treats the answers as that page's
 * own (same origin), so it could read {@code /api/csrf} and job arguments and POST actions. The
 * name is the one thing such a page cannot choose, so it is what is checked:
 *
 * <ul>
 *   <li>allowed: {@code localhost}, any IP literal ({@code 127.0.0.1}, {@code [::1]}, {@code
 *       10.0.0.5}: a browser that sends an address was pointed at that address, not at a name
 *       someone else resolves), the host of the web binding, and the configured extra names ({@code
 *       [web] allowed_hosts}; {@code "*"} allows every name);
 *   <li>the port is not compared: it adds nothing against rebinding (the attacker's page uses the
 *       server's port anyway) and would break proxies that forward {@code Host} without it;
 *   <li>a request without {@code Host} (HTTP/1.0 tools) passes: browsers always send one.
 * </ul>
 */
final class HostAllowlist {
  private final Set<String> names;
  private final boolean any;

  private HostAllowlist(Set<String> names, boolean any) {
    this.names = names;
    this.any = any;
  }

  /**
   * @param bindHost the web binding's host ({@code 0.0.0.0} and IP literals add nothing)
   * @param extra further names from the configuration, with or without a port
   */
  static HostAllowlist of(String bindHost, List<String> extra) {
    Set<String> names =
        Stream.concat(Stream.of("localhost", bindHost), extra.stream())
            .map(HostAllowlist::name)
            .filter(n -> !n.isEmpty())
            .collect(Collectors.toUnmodifiableSet());
    return new HostAllowlist(names, extra.stream().anyMatch(e -> e.trim().equals("*")));
  }

  /** Whether a request whose {@code Host} header is {@code host} (null: none) may be answered. */
  boolean allows(String host) {
    if (any || host == null) {
      return true;
    }
    String name = name(host);
    return names.contains(name) || isIpLiteral(name);
  }

  /** The lower-case name of {@code host[:port]} or {@code [v6][:port]}, without the port. */
  static String name(String host) {
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end < 0 ? h : h.substring(0, end + 1);
    }
    int colon = h.indexOf(':');
    if (colon >= 0 && h.indexOf(':', colon + 1) < 0) {
      return h.substring(0, colon);
    }
    if (colon >= 0) {
      return "[" + h + "]"; // a bare IPv6 literal, as a binding is written
    }
    return h;
  }

  /**
   * Dotted-quad IPv4 or bracketed IPv6, parsed without any lookup. Other spellings of an address
   * ({@code 0x7f.1}, {@code 2130706433}) are refused: browsers rewrite them to dotted quads before
   * sending them.
   */
  static boolean isIpLiteral(String name) {
    if (name.startsWith("[") && name.endsWith("]")) {
      try {
        InetAddress.ofLiteral(name.substring(1, name.length() - 1));
        return name.indexOf(':') > 0;
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
    String[] parts = name.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return false;
      }
      if (Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }
}
