package dev.fabrik.protocol;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLSocketFactory;

/**
 * How {@link ProtocolConnection#open} reaches and greets a server.
 *
 * @param host server host name or address
 * @param port command port (7419 by default)
 * @param password null when the server has none
 * @param wid worker process id sent in HELLO; null for a producer connection
 * @param hostname shown on the Busy page
 * @param pid shown on the Busy page
 * @param labels shown on the Busy page; empty list when none
 * @param sslSocketFactory non-null to speak TLS on the same port
 * @param connectTimeout bound on TCP connect (zero = no bound)
 * @param readTimeout bound on each blocking read (zero = no bound)
 */
public record ConnectionOptions(
    String host,
    int port,
    String password,
    String wid,
    String hostname,
    long pid,
    List<String> labels,
    SSLSocketFactory sslSocketFactory,
    Duration connectTimeout,
    Duration readTimeout) {

  /** Faktory's command port. */
  public static final int DEFAULT_PORT = 7419;

  public ConnectionOptions {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(readTimeout, "readTimeout");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    labels = labels == null ? List.of() : List.copyOf(labels);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Defaults: localhost:7419, no password, producer, this host and pid, 5 s connect, 10 s read. */
  public static final class Builder {
    private String host = "localhost";
    private int port = DEFAULT_PORT;
    private String password;
    private String wid;
    private String hostname;
    private long pid = ProcessHandle.current().pid();
    private List<String> labels = List.of();
    private SSLSocketFactory sslSocketFactory;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration readTimeout = Duration.ofSeconds(10);

    private Builder() {}

    public Builder host(String value) {
      this.host = value;
      return this;
    }

    public Builder port(int value) {
      this.port = value;
      return this;
    }

    public Builder password(String value) {
      this.password = value;
      return this;
    }

    public Builder wid(String value) {
      this.wid = value;
      return this;
    }

    public Builder hostname(String value) {
      this.hostname = value;
      return this;
    }

    public Builder pid(long value) {
      this.pid = value;
      return this;
    }

    public Builder labels(List<String> value) {
      this.labels = value;
      return this;
    }

    public Builder sslSocketFactory(SSLSocketFactory value) {
      this.sslSocketFactory = value;
      return this;
    }

    public Builder connectTimeout(Duration value) {
      this.connectTimeout = value;
      return this;
    }

    public Builder readTimeout(Duration value) {
      this.readTimeout = value;
      return this;
    }

    public ConnectionOptions build() {
      return new ConnectionOptions(
          host,
          port,
          password,
          wid,
          hostname != null ? hostname : localHostName(),
          pid,
          labels,
          sslSocketFactory,
          connectTimeout,
          readTimeout);
    }

    private static String localHostName() {
      String env = System.getenv("HOSTNAME");
      if (env != null && !env.isBlank()) {
        return env;
      }
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        return "localhost";
      }
    }
  }
}
