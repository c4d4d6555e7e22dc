package dev.fabrik.server.command;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.CommandException;
import java.util.Arrays;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** Parsing shared by the handlers: argument presence, word lists and JSON objects. */
final class Arguments {
  private Arguments() {}

  /**
   * Faktory slices the line at a fixed offset and panics when the argument is missing; since 1.10
   * the panic is answered with this exact text, and clients may match on it.
   */
  static String required(String argument) {
    if (argument == null) {
      throw internalError();
    }
    return argument;
  }

  static CommandException internalError() {
    return CommandException.err("internal error");
  }

  /** Space-separated words; runs of spaces do not make empty words. */
  static List<String> words(String text) {
    if (text == null || text.isBlank()) {
      return List.of();
    }
    return Arrays.stream(text.trim().split(" +")).toList();
  }

  /**
   * The argument as a JSON tree, or null when it is not JSON at all.
   *
   * @throws JacksonException with the decoder's message
   */
  static JsonNode json(String text) {
    JsonNode tree = JobCodec.MAPPER.readTree(text);
    return tree == null || tree.isMissingNode() ? null : tree;
  }

  /** A string field: absent or null gives {@code ""}; anything but a string is a decode error. */
  static String string(JsonNode object, String name) {
    JsonNode v = object.get(name);
    if (v == null || v.isNull()) {
      return "";
    }
    if (!v.isString()) {
      throw new IllegalArgumentException(name + " must be a string");
    }
    return v.stringValue();
  }
}
