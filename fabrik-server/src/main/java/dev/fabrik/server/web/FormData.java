package dev.fabrik.server.web;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Name/value pairs in {@code application/x-www-form-urlencoded} form, as both query strings and
 * HTML form bodies carry them: {@code type=SendEmail&key=1700000000.5%7Cabc&key=...}. A name may
 * repeat (the UI's checkboxes do); order is kept.
 */
public final class FormData {
  private static final FormData EMPTY = new FormData(Map.of());

  private final Map<String, List<String>> values;

  private FormData(Map<String, List<String>> values) {
    this.values = values;
  }

  public static FormData empty() {
    return EMPTY;
  }

  /**
   * Parses the raw (still percent-encoded) text; {@code null} or blank is empty.
   *
   * @throws HttpError 400 for a malformed percent escape
   */
  public static FormData parse(String raw) {
    if (raw == null || raw.isEmpty()) {
      return EMPTY;
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    out.replaceAll((k, v) -> List.copyOf(v));
    return new FormData(Collections.unmodifiableMap(out));
  }

  private static String decode(String s) {
    try {
      return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest("malformed percent-encoding in \"" + s + "\"");
    }
  }

  /** The first value of {@code name}, if present. */
  public Optional<String> first(String name) {
    List<String> v = values.get(name);
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.getFirst());
  }

  /** Every value of {@code name}, in order; empty when absent. */
  public List<String> all(String name) {
    return values.getOrDefault(name, List.of());
  }

  public Map<String, List<String>> asMap() {
    return values;
  }
}
