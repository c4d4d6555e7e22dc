package dev.fabrik.client;

import dev.fabrik.protocol.ConnectionOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLSocketFactory;

/**
 * Where and how a {@link Client} connects. Build one with {@link #builder()} or from the Faktory
 * environment conventions with {@link #fromEnvironment(Map)}.
 *
 * @param host server host
 * @param port command port
 * @param password null when the server has none
 * @param sslSocketFactory non-null for TLS ({@code tcp+tls://})
 * @param connectTimeout bound on TCP connect
 * @param readTimeout bound on each reply; must exceed the server's 2 s FETCH wait
 * @param wid worker process id sent in HELLO; null for a producer
 * @param labels worker labels shown on the Busy page
 * @param hostname sent in HELLO; null means this machine's name
 * @param pushHook applied to every job this configuration's clients push; null for none
 */
public record ClientConfig(
    String host,
    int port,
    String password,
    SSLSocketFactory sslSocketFactory,
    Duration connectTimeout,
    Duration readTimeout,
    String wid,
    List<String> labels,
    String hostname,
    PushHook pushHook) {

  /** Used when neither FAKTORY_PROVIDER nor FAKTORY_URL is set. */
  public static final String DEFAULT_URL = "tcp://localhost:7419";

  public ClientConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(readTimeout, "readTimeout");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    labels = labels == null ? List.of() : List.copyOf(labels);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads the Faktory conventions from {@code env} (pass {@code System.getenv()}):
   *
   * <pre>
   * FAKTORY_PROVIDER=MY_FAKTORY           names the variable holding the URL (default FAKTORY_URL)
   * MY_FAKTORY=tcp://:secret@jobs:7419     tcp:// plain, tcp+tls:// TLS; password in the user info
   * </pre>
   *
   * A missing URL variable means {@value #DEFAULT_URL}.
   *
   * @throws IllegalArgumentException FAKTORY_PROVIDER holds a URL instead of a name (contains ':'),
   *     or the URL is malformed or has another scheme
   */
  public static ClientConfig fromEnvironment(Map<String, String> env) {
    return builder().environment(env).build();
  }

  /** A builder holding this configuration, to change a field or two. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.host = host;
    b.port = port;
    b.password = password;
    b.sslSocketFactory = sslSocketFactory;
    b.connectTimeout = connectTimeout;
    b.readTimeout = readTimeout;
    b.wid = wid;
    b.labels = labels;
    b.hostname = hostname;
    b.pushHook = pushHook;
    return b;
  }

  /** This configuration for a worker process with the given id. */
  public ClientConfig withWid(String value) {
    return toBuilder().wid(value).build();
  }

  /** The protocol-level options {@link dev.fabrik.protocol.ProtocolConnection} opens with. */
  public ConnectionOptions toConnectionOptions() {
    ConnectionOptions.Builder b =
        ConnectionOptions.builder()
            .host(host)
            .port(port)
            .password(password)
            .wid(wid)
            .labels(labels)
            .sslSocketFactory(sslSocketFactory)
            .connectTimeout(connectTimeout)
            .readTimeout(readTimeout);
    if (hostname != null) {
      b.hostname(hostname);
    }
    return b.build();
  }

  @Override
  public String toString() {
    // Never print the password.
    return "ClientConfig["
        + (sslSocketFactory != null ? "tcp+tls://" : "tcp://")
        + host
        + ":"
        + port
        + (password != null ? " (password set)" : "")
        + (wid != null ? " wid=" + wid : "")
        + "]";
  }

  /** Defaults: localhost:7419, plain TCP, no password, 5 s connect, 15 s read, producer. */
  public static final class Builder {
    private String host = "localhost";
    private int port = ConnectionOptions.DEFAULT_PORT;
    private String password;
    private SSLSocketFactory sslSocketFactory;
    private Duration connectTimeout = Duration.ofSeconds(5);
    // FETCH blocks up to 2 s server-side; leave ample room above that.
    private Duration readTimeout = Duration.ofSeconds(15);
    private String wid;
    private List<String> labels = List.of();
    private String hostname;
    private PushHook pushHook;

    private Builder() {}

    /**
     * Sets host, port, password and TLS from a URL such as {@code tcp://:secret@host:7419} or
     * {@code tcp+tls://host}.
     */
    public Builder url(String url) {
      URI uri;
      try {
        uri = new URI(url.trim());
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("invalid Faktory URL: " + redact(url), e);
      }
      String scheme = uri.getScheme();
      if ("tcp".equals(scheme)) {
        sslSocketFactory = null;
      } else if ("tcp+tls".equals(scheme)) {
        sslSocketFactory = (SSLSocketFactory) SSLSocketFactory.getDefault();
      } else {
        throw new IllegalArgumentException(
            "Faktory URL must start with tcp:// or tcp+tls://: " + redact(url));
      }
      host = uri.getHost() == null || uri.getHost().isEmpty() ? "localhost" : uri.getHost();
      port = uri.getPort() == -1 ? ConnectionOptions.DEFAULT_PORT : uri.getPort();
      String userInfo = uri.getUserInfo();
      if (userInfo == null) {
        password = null;
      } else {
        // tcp://:secret@host → user "" and password "secret"; tcp://secret@host also works.
        int colon = userInfo.indexOf(':');
        password = colon >= 0 ? userInfo.substring(colon + 1) : userInfo;
        if (password.isEmpty()) {
          password = null;
        }
      }
      return this;
    }

    /** Applies FAKTORY_PROVIDER / FAKTORY_URL, see {@link ClientConfig#fromEnvironment}. */
    public Builder environment(Map<String, String> env) {
      String provider = env.get("FAKTORY_PROVIDER");
      if (provider == null || provider.isBlank()) {
        provider = "FAKTORY_URL";
      }
      if (provider.indexOf(':') >= 0) {
        // Someone put the URL itself in FAKTORY_PROVIDER: refuse rather than leak it in a lookup.
        throw new IllegalArgumentException(
            "FAKTORY_PROVIDER must name an environment variable holding the URL, not contain a URL");
      }
      String url = env.get(provider);
      return url(url == null || url.isBlank() ? DEFAULT_URL : url);
    }

    public Builder host(String value) {
      host = value;
      return this;
    }

    public Builder port(int value) {
      port = value;
      return this;
    }

    public Builder password(String value) {
      password = value;
      return this;
    }

    /** Speak TLS through this factory; null for plain TCP. */
    public Builder tls(SSLSocketFactory value) {
      sslSocketFactory = value;
      return this;
    }

    public Builder connectTimeout(Duration value) {
      connectTimeout = value;
      return this;
    }

    public Builder readTimeout(Duration value) {
      readTimeout = value;
      return this;
    }

    public Builder wid(String value) {
      wid = value;
      return this;
    }

    public Builder labels(List<String> value) {
      labels = value;
      return this;
    }

    public Builder hostname(String value) {
      hostname = value;
      return this;
    }

    /**
     * Lets {@code hook} see and change every job before PUSH or PUSHB sends it (e.g. {@code
     * FabrikTracing.pushHook()} adds the trace context); null removes it.
     */
    public Builder pushHook(PushHook hook) {
      pushHook = hook;
      return this;
    }

    public ClientConfig build() {
      return new ClientConfig(
          host,
          port,
          password,
          sslSocketFactory,
          connectTimeout,
          readTimeout,
          wid,
          labels,
          hostname,
          pushHook);
    }

    private static String redact(String url) {
      int at = url.indexOf('@');
      int scheme = url.indexOf("://");
      return at > 0 && scheme >= 0 && scheme < at
          ? url.substring(0, scheme + 3) + "***" + url.substring(at)
          : url;
    }
  }
}
