package dev.fabrik.server.config;

import dev.fabrik.server.storage.Durability;
import java.nio.file.Path;
import java.util.List;

/**
 * Settings given on the command line; they win over environment, TOML and defaults. Every field is
 * null (or false) when the flag was not given.
 *
 * @param bind {@code --bind}
 * @param webBind {@code --web-bind}
 * @param noWeb {@code --no-web}: no HTTP listener at all
 * @param dataDir {@code --data-dir}
 * @param storage {@code --storage}: sqlite, memory or postgres
 * @param databaseUrl {@code --database-url}: the PostgreSQL URL (may hold a password)
 * @param schema {@code --schema}: the PostgreSQL schema
 * @param databasePoolSize {@code --database-pool-size}
 * @param durability {@code --durability}
 * @param tlsCert {@code --tls-cert}, only together with {@code tlsKey}
 * @param tlsKey {@code --tls-key}
 * @param maxConnections {@code --max-connections}
 * @param webAllowedHosts {@code --web-allowed-host}, repeatable; empty when not given
 * @param batchRetentionHours {@code --batch-retention-hours}: how long completed batches are kept
 * @param historyRetention {@code --history-retention}: MINUTES,HOURS,DAYS such as 48h,30d,400d
 * @param workflowRetentionHours {@code --workflow-retention-hours}: how long a succeeded workflow
 *     job stays nameable in a later push's {@code custom.after}
 */
public record ConfigOverrides(
    Binding bind,
    Binding webBind,
    boolean noWeb,
    Path dataDir,
    String storage,
    String databaseUrl,
    String schema,
    Integer databasePoolSize,
    Durability durability,
    Path tlsCert,
    Path tlsKey,
    Integer maxConnections,
    List<String> webAllowedHosts,
    Integer batchRetentionHours,
    String historyRetention,
    Integer workflowRetentionHours) {

  public ConfigOverrides {
    webAllowedHosts = webAllowedHosts == null ? List.of() : List.copyOf(webAllowedHosts);
  }

  /** Never shows {@code databaseUrl}: it may carry the database password. */
  @Override
  public String toString() {
    return "ConfigOverrides[storage="
        + storage
        + ", databaseUrl="
        + (databaseUrl == null ? "none" : "(set)")
        + ", schema="
        + schema
        + ", bind="
        + bind
        + ", dataDir="
        + dataDir
        + "]";
  }

  /** No flags at all. */
  public static ConfigOverrides none() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds overrides flag by flag. */
  public static final class Builder {
    private Binding bind;
    private Binding webBind;
    private boolean noWeb;
    private Path dataDir;
    private String storage;
    private String databaseUrl;
    private String schema;
    private Integer databasePoolSize;
    private Durability durability;
    private Path tlsCert;
    private Path tlsKey;
    private Integer maxConnections;
    private Integer batchRetentionHours;
    private String historyRetention;
    private Integer workflowRetentionHours;
    private List<String> webAllowedHosts;

    private Builder() {}

    public Builder bind(Binding v) {
      bind = v;
      return this;
    }

    public Builder webBind(Binding v) {
      webBind = v;
      return this;
    }

    public Builder noWeb(boolean v) {
      noWeb = v;
      return this;
    }

    public Builder dataDir(Path v) {
      dataDir = v;
      return this;
    }

    public Builder storage(String v) {
      storage = v;
      return this;
    }

    public Builder databaseUrl(String v) {
      databaseUrl = v;
      return this;
    }

    public Builder schema(String v) {
      schema = v;
      return this;
    }

    public Builder databasePoolSize(Integer v) {
      databasePoolSize = v;
      return this;
    }

    public Builder durability(Durability v) {
      durability = v;
      return this;
    }

    public Builder tls(Path cert, Path key) {
      tlsCert = cert;
      tlsKey = key;
      return this;
    }

    public Builder maxConnections(Integer v) {
      maxConnections = v;
      return this;
    }

    public Builder webAllowedHosts(List<String> v) {
      webAllowedHosts = v;
      return this;
    }

    public Builder batchRetentionHours(Integer v) {
      batchRetentionHours = v;
      return this;
    }

    public Builder historyRetention(String v) {
      historyRetention = v;
      return this;
    }

    public Builder workflowRetentionHours(Integer v) {
      workflowRetentionHours = v;
      return this;
    }

    public ConfigOverrides build() {
      return new ConfigOverrides(
          bind,
          webBind,
          noWeb,
          dataDir,
          storage,
          databaseUrl,
          schema,
          databasePoolSize,
          durability,
          tlsCert,
          tlsKey,
          maxConnections,
          webAllowedHosts,
          batchRetentionHours,
          historyRetention,
          workflowRetentionHours);
    }
  }
}
