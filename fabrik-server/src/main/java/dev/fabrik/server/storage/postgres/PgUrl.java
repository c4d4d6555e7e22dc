package dev.fabrik.server.storage.postgres;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Where the PostgreSQL store connects: {@code
 * postgres://user:password@host:5432/db?sslmode=require} (also {@code postgresql://}, as libpq,
 * psql and most clients write it) or a pgjdbc URL ({@code
 * jdbc:postgresql://host/db?user=u&password=p}).
 *
 * <p>{@link #toString()} and {@link #redacted()} never show the password: it is printed nowhere
 * (logs, errors, the web UI).
 *
 * @param jdbcUrl the pgjdbc URL without the credentials
 * @param user null when the URL names none (pgjdbc then uses the OS user)
 * @param password null when the URL has none
 */
public record PgUrl(String jdbcUrl, String user, String password) {

  /**
   * Reads a URL as users write it.
   *
   * @throws IllegalArgumentException it is not a PostgreSQL URL (the message never quotes a
   *     password)
   */
  public static PgUrl parse(String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("the database URL is empty");
    }
    if (url.startsWith("jdbc:postgresql:")) {
      return new PgUrl(url, null, null);
    }
    if (!url.startsWith("postgres://") && !url.startsWith("postgresql://")) {
      throw new IllegalArgumentException(
          "a database URL starts with postgres:// (e.g. postgres://user:pass@host:5432/db), not "
              + schemeOf(url));
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "the database URL is malformed at index " + e.getIndex() + " (" + e.getReason() + ")");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("the database URL names no host");
    }
    String user = null;
    String password = null;
    String info = uri.getRawUserInfo();
    if (info != null) {
      int colon = info.indexOf(':');
      user = decode(colon < 0 ? info : info.substring(0, colon));
      password = colon < 0 ? null : decode(info.substring(colon + 1));
    }
    StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(uri.getHost());
    if (uri.getPort() > 0) {
      jdbc.append(':').append(uri.getPort());
    }
    String path = uri.getRawPath();
    jdbc.append(path == null || path.isEmpty() ? "/" : path);
    if (uri.getRawQuery() != null) {
      jdbc.append('?').append(uri.getRawQuery());
    }
    return new PgUrl(jdbc.toString(), user, password);
  }

  /** The URL with the password replaced by {@code ***}, fit for logs. */
  public String redacted() {
    String shown = jdbcUrl.replaceAll("(?i)([?&]password=)[^&]*", "$1***");
    return user == null
        ? shown
        : shown + " (user " + user + (password == null ? ")" : ", password ***)");
  }

  @Override
  public String toString() {
    return redacted();
  }

  private static String schemeOf(String url) {
    int colon = url.indexOf(':');
    return colon < 0 ? "a bare name" : url.substring(0, Math.min(colon, 20)) + ":";
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
