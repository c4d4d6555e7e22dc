package dev.fabrik.cli.server;

import dev.fabrik.server.config.ConfigException;
import dev.fabrik.server.config.DurabilityNames;
import dev.fabrik.server.storage.Durability;
import picocli.CommandLine;

/** {@code --durability normal|strict} → {@link Durability}. */
final class DurabilityConverter implements CommandLine.ITypeConverter<Durability> {
  @Override
  public Durability convert(String value) {
    try {
      return DurabilityNames.parse(value, "--durability");
    } catch (ConfigException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }
}
