package dev.fabrik.protocol;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.SerializableString;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.POJONode;
import tools.jackson.databind.util.RawValue;

/**
 * A JSON value kept as the compact UTF-8 bytes it is stored as, e.g. a PUSHB job's {@code args}
 * {@code [42,"x",{"a":1.10}]}: written back by copying the bytes, never decoded into a tree. As a
 * {@link JsonNode} it is a {@link POJONode} holding a {@link RawValue}, so {@code isNull()} is
 * false and any Jackson writer writes it unchanged.
 */
final class RawJson implements SerializableString {
  private final byte[] json;

  private RawJson(byte[] json) {
    this.json = json;
  }

  /** A node for {@code json}, which must be one complete, compact JSON value. */
  static JsonNode node(byte[] json) {
    return JsonNodeFactory.instance.rawValueNode(new RawValue(new RawJson(json)));
  }

  /** {@code node} as a tree: decoded from its bytes when it is raw, else itself. */
  static JsonNode tree(JsonNode node) {
    return bytes(node) instanceof RawJson raw ? JobCodec.MAPPER.readTree(raw.json) : node;
  }

  private static Object bytes(JsonNode node) {
    return node instanceof POJONode pojo && pojo.getPojo() instanceof RawValue raw
        ? raw.rawValue()
        : null;
  }

  /** Writes {@code node} as a value: its bytes when it is raw, else as a tree. */
  static void write(JsonNode node, JsonGenerator g) {
    if (bytes(node) instanceof RawJson raw) {
      g.writeRawValue(raw);
    } else {
      g.writeTree(node);
    }
  }

  @Override
  public String getValue() {
    return new String(json, StandardCharsets.UTF_8);
  }

  @Override
  public int charLength() {
    return getValue().length();
  }

  @Override
  public char[] asQuotedChars() {
    throw new UnsupportedOperationException("raw JSON is written unquoted");
  }

  @Override
  public byte[] asUnquotedUTF8() {
    return json.clone();
  }

  @Override
  public byte[] asQuotedUTF8() {
    throw new UnsupportedOperationException("raw JSON is written unquoted");
  }

  @Override
  public int appendQuotedUTF8(byte[] buffer, int offset) {
    throw new UnsupportedOperationException("raw JSON is written unquoted");
  }

  @Override
  public int appendQuoted(char[] buffer, int offset) {
    throw new UnsupportedOperationException("raw JSON is written unquoted");
  }

  /** What the UTF-8 generator calls: the bytes, or -1 when they do not fit (it then flushes). */
  @Override
  public int appendUnquotedUTF8(byte[] buffer, int offset) {
    if (offset + json.length > buffer.length) {
      return -1;
    }
    System.arraycopy(json, 0, buffer, offset, json.length);
    return json.length;
  }

  @Override
  public int appendUnquoted(char[] buffer, int offset) {
    String s = getValue();
    if (offset + s.length() > buffer.length) {
      return -1;
    }
    s.getChars(0, s.length(), buffer, offset);
    return s.length();
  }

  @Override
  public int writeQuotedUTF8(OutputStream out) {
    throw new UnsupportedOperationException("raw JSON is written unquoted");
  }

  @Override
  public int writeUnquotedUTF8(OutputStream out) throws IOException {
    out.write(json);
    return json.length;
  }

  @Override
  public int putQuotedUTF8(ByteBuffer buffer) {
    throw new UnsupportedOperationException("raw JSON is written unquoted");
  }

  @Override
  public int putUnquotedUTF8(ByteBuffer buffer) {
    if (json.length > buffer.remaining()) {
      return -1;
    }
    buffer.put(json);
    return json.length;
  }

  @Override
  public String toString() {
    return getValue();
  }
}
