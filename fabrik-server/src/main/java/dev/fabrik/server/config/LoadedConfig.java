package dev.fabrik.server.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The result of {@link ConfigLoader#load}: the frozen configuration plus what the operator should
 * hear about it.
 *
 * @param config the configuration to start the server with
 * @param environment {@code development}, {@code staging}, {@code production} (from FAKTORY_ENV)
 * @param files the conf.d files that were read, in order
 * @param warnings ignored keys and similar, one line each
 */
public record LoadedConfig(
    ServerConfig config, String environment, List<Path> files, List<String> warnings) {}
