package dev.fabrik.server.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A listen address in Faktory's notation: {@code host:port}, or {@code :port} for every interface
 * (IPv6 literals in brackets: {@code [::1]:7419}).
 *
 * @param host a host name or IP literal; {@code 0.0.0.0} means every interface
 * @param port 0..65535; 0 asks the system for a free port
 */
public record Binding(String host, int port) {

  /** The host that {@code :port} stands for. */
  public static final String ALL_INTERFACES = "0.0.0.0";

  /**
   * Parses {@code host:port} or {@code :port}.
   *
   * @param what names the setting in error messages, e.g. {@code "--bind"}
   * @throws ConfigException when the text is not of that form
   */
  public static Binding parse(String text, String what) {
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new ConfigException(
          what + " must be host:port or :port (all interfaces), not \"" + text + "\"");
    }
    String host = text.substring(0, colon).trim();
    String portText = text.substring(colon + 1).trim();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (host.isEmpty()) {
      host = ALL_INTERFACES;
    }
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new ConfigException(what + " has no valid port in \"" + text + "\"");
    }
    if (port < 0 || port > 65535) {
      throw new ConfigException(what + " port must be 0..65535, not " + port);
    }
    return new Binding(host, port);
  }

  /**
   * Whether only this machine can reach the address. Resolves host names, so {@code localhost}
   * counts as loopback and an unknown name is an error rather than a guess.
   */
  public boolean isLoopback() {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    try {
      for (InetAddress address : InetAddress.getAllByName(host)) {
        if (!address.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      throw new ConfigException("cannot resolve listen address \"" + host + "\"", e);
    }
  }

  /** {@code host:port} again, with brackets around IPv6 literals. */
  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
