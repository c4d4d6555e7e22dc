package dev.fabrik.cli.bench;

import dev.fabrik.protocol.ConnectionOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLSocketFactory;

/**
 * Parses a Faktory URL the way the clients do: {@code tcp://:password@host:7419}, or {@code
 * tcp+tls://...} for TLS. The user part before the colon is ignored; the port defaults to 7419.
 */
final class BenchTarget {
  private BenchTarget() {}

  static ConnectionOptions.Builder parse(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URL: " + url);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme();
    if (!scheme.equals("tcp") && !scheme.equals("tcp+tls")) {
      throw new IllegalArgumentException(
          "the URL must start with tcp:// or tcp+tls://, like tcp://:password@127.0.0.1:7419");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("no host in " + redact(url));
    }
    ConnectionOptions.Builder b =
        ConnectionOptions.builder()
            .host(uri.getHost())
            .port(uri.getPort() < 0 ? ConnectionOptions.DEFAULT_PORT : uri.getPort())
            .labels(java.util.List.of("fabrik-bench"));
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null && userInfo.indexOf(':') >= 0) {
      String password = userInfo.substring(userInfo.indexOf(':') + 1);
      b.password(URLDecoder.decode(password, StandardCharsets.UTF_8));
    }
    if (scheme.equals("tcp+tls")) {
      b.sslSocketFactory((SSLSocketFactory) SSLSocketFactory.getDefault());
    }
    return b;
  }

  /** The URL without its password, for reports. */
  static String redact(String url) {
    return url.replaceFirst("//([^@/]*):[^@/]*@", "//$1:***@");
  }
}
