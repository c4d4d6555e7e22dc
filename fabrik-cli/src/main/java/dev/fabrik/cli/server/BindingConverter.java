package dev.fabrik.cli.server;

import dev.fabrik.server.config.Binding;
import dev.fabrik.server.config.ConfigException;
import picocli.CommandLine;

/** {@code --bind 127.0.0.1:7419} / {@code --bind :7419} → {@link Binding}. */
final class BindingConverter implements CommandLine.ITypeConverter<Binding> {
  @Override
  public Binding convert(String value) {
    try {
      return Binding.parse(value, "address");
    } catch (ConfigException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }
}
