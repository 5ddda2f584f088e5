package dev.kiln.node.agent;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.EnumFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.kiln.common.Digest;
import dev.kiln.common.ImageRef;
import dev.kiln.common.node.InvocationResult;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The one place the node agent's JSON is read and written: the records of {@code
 * dev.kiln.common.node} field by field under their component names, with these values mapped
 * explicitly:
 *
 * <ul>
 *   <li>{@link Digest} and {@link ImageRef} as their string forms ({@code sha256:<hex>}, {@code
 *       registry/repository:tag@digest}); image references are read back without assuming a
 *       registry, so a local name stays local;
 *   <li>{@link Duration} as whole milliseconds, {@link Instant} as epoch milliseconds;
 *   <li>enums in lowercase ({@code "python"}, {@code "stem_cell"}), read case-insensitively;
 *   <li>{@code byte[]} bodies as base64;
 *   <li>{@link InvocationResult} with a {@code "kind"} discriminator: {@code ok}, {@code
 *       function-error}, {@code timeout}, {@code out-of-memory}, {@code rejected}.
 * </ul>
 *
 * Unknown fields are ignored, so a newer control plane can talk to an older node. Reading never
 * lets a Jackson exception out: bad input is an {@link IllegalArgumentException} whose message
 * names what was read, where, and what was wrong.
 */
public final class AgentJson {

  /** The discriminator values of {@link InvocationResult}, also used by the invoke endpoint. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = InvocationResult.Ok.class, name = InvokeWire.OK),
    @JsonSubTypes.Type(value = InvocationResult.FunctionError.class, name = InvokeWire.ERROR),
    @JsonSubTypes.Type(value = InvocationResult.Timeout.class, name = InvokeWire.TIMEOUT),
    @JsonSubTypes.Type(value = InvocationResult.OutOfMemory.class, name = InvokeWire.OOM),
    @JsonSubTypes.Type(value = InvocationResult.Rejected.class, name = InvokeWire.REJECTED)
  })
  private interface ResultKinds {}

  private static final ObjectMapper MAPPER = newMapper();

  private AgentJson() {}

  private static ObjectMapper newMapper() {
    SimpleModule values = new SimpleModule("kiln-node-agent");
    values.addSerializer(Digest.class, ToStringSerializer.instance);
    values.addDeserializer(Digest.class, fromString(Digest::parse));
    values.addSerializer(ImageRef.class, ToStringSerializer.instance);
    values.addDeserializer(ImageRef.class, fromString(ImageRef::parseLocal));
    values.addSerializer(Duration.class, toMillis(Duration::toMillis));
    values.addDeserializer(Duration.class, fromMillis(Duration::ofMillis));
    values.addSerializer(Instant.class, toMillis(Instant::toEpochMilli));
    values.addDeserializer(Instant.class, fromMillis(Instant::ofEpochMilli));
    JsonMapper mapper =
        JsonMapper.builder()
            .addModule(values)
            .addMixIn(InvocationResult.class, ResultKinds.class)
            .configure(EnumFeature.WRITE_ENUMS_TO_LOWERCASE, true)
            .configure(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS, true)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
            .build();
    // Requests come from the network: bound what is parsed before any record sees it.
    mapper
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(32)
                .maxStringLength(NodeAgentHandler.MAX_INVOKE_BODY * 2)
                .build());
    return mapper;
  }

  /** Serialises a value (a record of {@code dev.kiln.common.node}, or a list of them). */
  public static byte[] write(Object value) {
    try {
      if (value instanceof InvocationResult) {
        return MAPPER.writerFor(InvocationResult.class).writeValueAsBytes(value);
      }
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
    }
  }

  /**
   * Parses one value.
   *
   * @param what what is read, for messages: {@code "start request"}
   * @throws IllegalArgumentException when the JSON is malformed, of the wrong shape, or a record
   *     refuses its values; the message says which and where
   */
  public static <T> T read(byte[] json, Class<T> type, String what) {
    return read(json, MAPPER.constructType(type), what);
  }

  /** Parses a JSON array of values; see {@link #read(byte[], Class, String)}. */
  public static <T> List<T> readList(byte[] json, Class<T> element, String what) {
    return read(json, MAPPER.getTypeFactory().constructCollectionType(List.class, element), what);
  }

  private static <T> T read(byte[] json, JavaType type, String what) {
    if (json.length == 0) {
      throw new IllegalArgumentException("the " + what + " needs a JSON body");
    }
    T value;
    try {
      value = MAPPER.readValue(json, type);
    } catch (JsonMappingException e) {
      throw new IllegalArgumentException(
          "invalid " + what + at(e) + ": " + detail(e), rootIllegalArgument(e).orElse(null));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "malformed JSON in the " + what + ": " + e.getOriginalMessage() + location(e));
    } catch (IOException e) {
      throw new IllegalStateException("reading JSON from memory failed", e);
    }
    if (value == null) {
      throw new IllegalArgumentException("the " + what + " needs a JSON body");
    }
    return value;
  }

  /** The body of {@code POST /v1/images}: {@code {"image": "<reference>"}}. */
  static byte[] imageRequest(ImageRef image) {
    ObjectNode body = MAPPER.createObjectNode().put("image", image.toString());
    return write(body);
  }

  /** Reads the body of {@code POST /v1/images}. */
  static ImageRef readImageRequest(byte[] json) {
    JsonNode body = read(json, JsonNode.class, "image request");
    JsonNode image = body.get("image");
    if (image == null || !image.isTextual()) {
      throw new IllegalArgumentException(
          "the image request needs \"image\": a reference such as"
              + " \"127.0.0.1:5000/fn/hello@sha256:...\"");
    }
    return ImageRef.parseLocal(image.asText());
  }

  /** An error answer: {@code {"error": "<message>", "status": <status>}}. */
  static byte[] problem(int status, String message) {
    return write(MAPPER.createObjectNode().put("error", message).put("status", status));
  }

  /** The message of an error answer, if {@code json} is one. */
  static Optional<String> readProblem(byte[] json) {
    try {
      JsonNode body = MAPPER.readTree(json);
      JsonNode error = body == null ? null : body.get("error");
      return error != null && error.isTextual() ? Optional.of(error.asText()) : Optional.empty();
    } catch (IOException notJson) {
      return Optional.empty();
    }
  }

  private static String at(JsonMappingException e) {
    String path =
        e.getPath().stream()
            .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
            .collect(Collectors.joining("."))
            .replace(".[", "[");
    return path.isEmpty() ? "" : " at " + path;
  }

  private static String detail(JsonMappingException e) {
    Optional<IllegalArgumentException> refused = rootIllegalArgument(e);
    if (refused.isPresent()) {
      return refused.get().getMessage();
    }
    if (e instanceof InvalidFormatException f && f.getTargetType().isEnum()) {
      return "'"
          + f.getValue()
          + "' is not one of "
          + Arrays.stream(f.getTargetType().getEnumConstants())
              .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT))
              .collect(Collectors.joining(", "));
    }
    return e.getOriginalMessage();
  }

  private static Optional<IllegalArgumentException> rootIllegalArgument(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IllegalArgumentException iae) {
        return Optional.of(iae);
      }
    }
    return Optional.empty();
  }

  private static String location(JsonProcessingException e) {
    return e.getLocation() == null
        ? ""
        : " (line "
            + e.getLocation().getLineNr()
            + ", column "
            + e.getLocation().getColumnNr()
            + ")";
  }

  private static <T> JsonSerializer<T> toMillis(java.util.function.ToLongFunction<T> millis) {
    return new JsonSerializer<>() {
      @Override
      public void serialize(T value, JsonGenerator gen, SerializerProvider provider)
          throws IOException {
        gen.writeNumber(millis.applyAsLong(value));
      }
    };
  }

  private static <T> JsonDeserializer<T> fromMillis(Function<Long, T> of) {
    return new JsonDeserializer<>() {
      @Override
      public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
          throw new IllegalArgumentException(
              "expected whole milliseconds, got " + describe(p.currentToken(), p.getText()));
        }
        return of.apply(p.getLongValue());
      }
    };
  }

  private static <T> JsonDeserializer<T> fromString(Function<String, T> parse) {
    return new JsonDeserializer<>() {
      @Override
      public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
          throw new IllegalArgumentException(
              "expected a string, got " + describe(p.currentToken(), p.getText()));
        }
        return parse.apply(p.getText());
      }
    };
  }

  private static String describe(JsonToken token, String text) {
    return switch (token) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "\"" + text + "\"";
      default -> text;
    };
  }
}
