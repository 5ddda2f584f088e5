package dev.kiln.image.oci;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.kiln.common.Digest;
import java.io.IOException;

/**
 * The one place OCI JSON is read and written. Output is canonical for a given value (record fields
 * in declaration order, map keys sorted, no whitespace) so that digests are stable.
 */
public final class OciJson {

  private static final ObjectMapper MAPPER = newMapper();

  private OciJson() {}

  private static ObjectMapper newMapper() {
    SimpleModule digests = new SimpleModule("kiln-digest");
    digests.addSerializer(
        Digest.class,
        new JsonSerializer<>() {
          @Override
          public void serialize(Digest value, JsonGenerator gen, SerializerProvider provider)
              throws IOException {
            gen.writeString(value.toString());
          }
        });
    digests.addDeserializer(
        Digest.class,
        new JsonDeserializer<>() {
          @Override
          public Digest deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            try {
              return Digest.parse(p.getValueAsString());
            } catch (IllegalArgumentException e) {
              throw ctxt.weirdStringException(p.getValueAsString(), Digest.class, e.getMessage());
            }
          }
        });
    JsonMapper mapper =
        JsonMapper.builder()
            .addModule(digests)
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .build();
    // Manifests and configs come from registries we do not control: bound what we parse.
    mapper
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(1 << 20).build());
    return mapper;
  }

  /** Serialises a model value to canonical JSON bytes. */
  public static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
    }
  }

  /**
   * Parses JSON into a model type.
   *
   * @throws IllegalArgumentException naming what was being read when the JSON is malformed or
   *     invalid
   */
  public static <T> T read(byte[] json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (IOException e) {
      Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
      throw new IllegalArgumentException(
          "invalid " + type.getSimpleName() + " JSON: " + firstLine(cause.getMessage()), e);
    }
  }

  /** The shared mapper, for callers that need a tree view (e.g. the media type of a blob). */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
