package dev.fabrik.protocol;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectWriter;

/**
 * Reads a PUSHB body in one pass for a server that stores its jobs: {@code args} and unknown fields
 * holding arrays or objects are not decoded into trees but copied, as the parser reads them, into
 * the compact bytes {@link JobCodec#encode} writes for them ({@link RawJson}); encoding the job
 * then copies those bytes. Known fields, {@code custom} (the job options live there) and {@code
 * failure} are read as {@link JobCodec#decodeArray} reads them, so validation and the job options
 * see the same job.
 *
 * <p>The stored bytes are the ones the tree round trip gives: numbers normalised the same way
 * ({@code 1e3} → {@code 1E+3}, {@code -0} → {@code 0}, decimals as BigDecimal), strings escaped by
 * the same generator. A tree keeps the last of duplicate keys in an object; this copy cannot, so it
 * gives up on them, as on anything {@link JobCodec#decodeArray} would refuse: the caller then
 * decodes the body with that, which gives the job or the error text a PUSHB always gave.
 */
public final class BulkJobDecoder {
  /** Values written back to back as root values, with nothing between them. */
  private static final ObjectWriter WRITER = JobCodec.MAPPER.writer().withRootValueSeparator("");

  private BulkJobDecoder() {}

  /**
   * The jobs of a PUSHB body, equal to {@link JobCodec#decodeArray}'s once encoded; empty when only
   * that decoder can answer (malformed body, a wrong type, duplicate keys inside a value).
   */
  public static Optional<List<Job>> decode(String body) {
    try (Copier copier = new Copier()) {
      return Optional.of(JobCodec.decodeArray(body, copier::read));
    } catch (JacksonException | JobFormatException | DuplicateKey e) {
      return Optional.empty();
    }
  }

  /** A key seen twice in one object of a copied value. */
  private static final class DuplicateKey extends RuntimeException {
    DuplicateKey() {
      super(null, null, false, false);
    }
  }

  /** One generator for all the values of a body (not thread-safe: one per body). */
  private static final class Copier implements AutoCloseable {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    private final JsonGenerator g = WRITER.createGenerator(out);
    private final Deque<Set<String>> keys = new ArrayDeque<>();

    /** The value the parser is on: scalars as tree nodes (cheap), structures as raw bytes. */
    JsonNode read(JsonParser p) {
      JsonToken t = p.currentToken();
      if (t != JsonToken.START_ARRAY && t != JsonToken.START_OBJECT) {
        return p.readValueAsTree();
      }
      copyStructure(p);
      g.flush();
      byte[] json = out.toByteArray();
      out.reset();
      return RawJson.node(json);
    }

    /**
     * Copies the array or object the parser is on, leaving the parser on its end token; each token
     * written as its tree node would write it.
     */
    private void copyStructure(JsonParser p) {
      int depth = 0;
      JsonToken t = p.currentToken();
      while (true) {
        switch (t) {
          case START_OBJECT -> {
            g.writeStartObject();
            keys.push(new HashSet<>());
            depth++;
          }
          case END_OBJECT -> {
            g.writeEndObject();
            keys.pop();
            depth--;
          }
          case START_ARRAY -> {
            g.writeStartArray();
            depth++;
          }
          case END_ARRAY -> {
            g.writeEndArray();
            depth--;
          }
          case PROPERTY_NAME -> {
            String name = p.currentName();
            if (!keys.peek().add(name)) {
              throw new DuplicateKey();
            }
            g.writeName(name);
          }
          case VALUE_STRING -> g.writeString(p.getString());
          case VALUE_NUMBER_INT -> writeInteger(p);
          case VALUE_NUMBER_FLOAT -> g.writeNumber(p.getDecimalValue());
          case VALUE_TRUE -> g.writeBoolean(true);
          case VALUE_FALSE -> g.writeBoolean(false);
          case VALUE_NULL -> g.writeNull();
          default -> throw new JobFormatException("unexpected token " + t);
        }
        if (depth == 0) {
          return;
        }
        t = p.nextToken();
        if (t == null) {
          throw new JobFormatException("unexpected end of input");
        }
      }
    }

    /** As an int, long or BigInteger node writes it: {@code -0} → {@code 0}. */
    private void writeInteger(JsonParser p) {
      switch (p.getNumberType()) {
        case INT -> g.writeNumber(p.getIntValue());
        case LONG -> g.writeNumber(p.getLongValue());
        default -> g.writeNumber(p.getBigIntegerValue());
      }
    }

    @Override
    public void close() {
      g.close();
    }
  }
}
