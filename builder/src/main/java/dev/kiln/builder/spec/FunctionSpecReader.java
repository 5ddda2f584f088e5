package dev.kiln.builder.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.kiln.common.FunctionSpec;
import dev.kiln.common.Limits;
import dev.kiln.common.Runtime;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Reads {@code kiln.yaml} into a {@link FunctionSpec} and writes one back.
 *
 * <pre>
 * name: hello-python
 * runtime: python          # java | python | node | binary
 * handler: handler.handle  # python/node default to handler.handle; required for java and binary
 * memory: 128              # MiB: 128, "256Mi", "256MiB", "1Gi"
 * cpu: 500                 # millicores: 500, "500m"; or cores: "1 core", "0.5 cores"
 * pids: 64
 * timeout: 30s             # "500ms", "30s", "2m", "1h"
 * env: {GREETING: Hello}   # numbers and booleans become strings
 * build: {}                # reserved
 * </pre>
 *
 * <p>Omitted limits take their values from {@link Limits#DEFAULT}. Every problem is reported as a
 * {@link SpecException} whose message starts with the file name and the field.
 */
public final class FunctionSpecReader {

  /** File names looked for in a function directory, in order of preference. */
  public static final List<String> FILE_NAMES = List.of("kiln.yaml", "kiln.yml");

  /** Largest accepted file, in bytes (64 KiB). */
  public static final int MAX_BYTES = YamlTree.MAX_BYTES;

  private static final List<String> KNOWN_KEYS =
      List.of("name", "runtime", "handler", "memory", "cpu", "pids", "timeout", "env", "build");

  private static final String DEFAULT_SCRIPT_HANDLER = "handler.handle";

  private static final YAMLMapper WRITER =
      YAMLMapper.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
          .build();

  private FunctionSpecReader() {}

  /**
   * Reads {@code kiln.yaml} (or {@code kiln.yml}) from a function directory.
   *
   * @throws SpecException if neither file exists, both exist, the file is too large or invalid
   * @throws IOException if the file exists but cannot be read
   */
  public static FunctionSpec read(Path dir) throws IOException {
    List<Path> found = FILE_NAMES.stream().map(dir::resolve).filter(Files::isRegularFile).toList();
    if (found.isEmpty()) {
      throw new SpecException(
          FILE_NAMES.get(0),
          null,
          "not found in " + dir + "; create one with at least 'name' and 'runtime'");
    }
    if (found.size() > 1) {
      throw new SpecException(
          FILE_NAMES.get(0), null, "both kiln.yaml and kiln.yml exist in " + dir + "; keep one");
    }
    Path file = found.get(0);
    String source = file.getFileName().toString();
    try (InputStream in = Files.newInputStream(file)) {
      // Read at most one byte past the limit so a huge file is never loaded whole.
      byte[] bytes = in.readNBytes(MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        throw tooLarge(source);
      }
      return parse(new String(bytes, StandardCharsets.UTF_8), source);
    }
  }

  /**
   * Parses the text of a {@code kiln.yaml}.
   *
   * @param yaml the file content
   * @param sourceName the name used in error messages, e.g. {@code kiln.yaml}
   * @throws SpecException if the text is not a valid function spec
   */
  public static FunctionSpec parse(String yaml, String sourceName) {
    if (yaml == null) {
      throw new SpecException(sourceName, null, "no content");
    }
    if (yaml.length() > MAX_BYTES || yaml.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      throw tooLarge(sourceName);
    }
    JsonNode root = YamlTree.parse(yaml, sourceName);
    if (root == null || root.isNull()) {
      throw new SpecException(
          sourceName, null, "the file is empty; it needs at least 'name' and 'runtime'");
    }
    if (!root.isObject()) {
      throw new SpecException(
          sourceName,
          null,
          "expected a mapping of settings such as 'name: hello', got " + SpecFields.describe(root));
    }
    rejectUnknownKeys(root, sourceName);
    return toSpec(root, new SpecFields(sourceName), sourceName);
  }

  /**
   * Writes a spec as {@code kiln.yaml} text that {@link #parse} reads back to an equal spec. Limits
   * are always written out, so the file documents what the function gets.
   *
   * @throws IllegalArgumentException if the timeout has a fraction of a millisecond, which the file
   *     format cannot express
   */
  public static String toYaml(FunctionSpec spec) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("name", spec.name());
    doc.put("runtime", spec.runtime().id());
    doc.put("handler", spec.handler());
    doc.put("memory", spec.limits().memoryMiB());
    doc.put("cpu", spec.limits().cpuMillis());
    doc.put("pids", spec.limits().pids());
    doc.put("timeout", formatDuration(spec.limits().timeout()));
    if (!spec.env().isEmpty()) {
      doc.put("env", spec.env());
    }
    try {
      return WRITER.writeValueAsString(doc);
    } catch (JsonProcessingException e) {
      // Writing strings and integers to a String cannot fail short of a bug in the YAML library.
      throw new UncheckedIOException(e);
    }
  }

  private static void rejectUnknownKeys(JsonNode root, String source) {
    for (Iterator<String> keys = root.fieldNames(); keys.hasNext(); ) {
      String key = keys.next();
      if (!KNOWN_KEYS.contains(key)) {
        throw new SpecException(
            source, key, "unknown key (known keys: " + String.join(", ", KNOWN_KEYS) + ")");
      }
    }
  }

  private static FunctionSpec toSpec(JsonNode root, SpecFields fields, String source) {
    String name = fields.text("name", root.get("name"), "a function name such as hello-python");
    if (name == null) {
      throw fields.error("name", "missing; give the function a name such as hello-python");
    }
    String runtimeName =
        fields.text("runtime", root.get("runtime"), "one of java, python, node, binary");
    if (runtimeName == null) {
      throw fields.error("runtime", "missing; one of java, python, node, binary");
    }
    Runtime runtime = fromRecord(source, "runtime", () -> Runtime.parse(runtimeName));
    String handler = handler(fields, root.get("handler"), runtime);
    Limits limits = limits(fields, root, source);
    Map<String, String> env = fields.env(root.get("env"));
    fields.build(root.get("build"));
    return fromRecord(source, null, () -> new FunctionSpec(name, runtime, handler, limits, env));
  }

  private static String handler(SpecFields fields, JsonNode node, Runtime runtime) {
    String handler = fields.text("handler", node, "a string such as handler.handle");
    if (handler != null) {
      return handler;
    }
    return switch (runtime) {
      case PYTHON, NODE -> DEFAULT_SCRIPT_HANDLER;
      case JAVA ->
          throw fields.error(
              "handler", "required for runtime java: the handler class, e.g. com.example.Hello");
      case BINARY ->
          throw fields.error(
              "handler", "required for runtime binary: the executable's path, e.g. bin/handler");
    };
  }

  private static Limits limits(SpecFields fields, JsonNode root, String source) {
    Limits limits = Limits.DEFAULT;
    Integer memory = fields.memoryMiB(root.get("memory"));
    if (memory != null) {
      Limits base = limits;
      limits = fromRecord(source, "memory", () -> base.withMemoryMiB(memory));
    }
    Integer cpu = fields.cpuMillis(root.get("cpu"));
    if (cpu != null) {
      Limits base = limits;
      String hint = fields.cpuHint(root.get("cpu"));
      limits = fromRecord(source, "cpu", () -> base.withCpuMillis(cpu), m -> m + hint);
    }
    Integer pids = fields.pids(root.get("pids"));
    if (pids != null) {
      Limits base = limits;
      limits = fromRecord(source, "pids", () -> base.withPids(pids));
    }
    Duration timeout = fields.timeout(root.get("timeout"));
    if (timeout != null) {
      Limits base = limits;
      limits = fromRecord(source, "timeout", () -> base.withTimeout(timeout));
    }
    return limits;
  }

  private static <T> T fromRecord(String source, String field, Supplier<T> f) {
    return fromRecord(source, field, f, UnaryOperator.identity());
  }

  /**
   * Runs a constructor from {@code dev.kiln.common} and re-throws its validation error with the
   * file name in front. The common records word their messages as "memory must be ..." or "name:
   * ...", so the field is recovered from that prefix rather than repeated.
   */
  private static <T> T fromRecord(
      String source, String field, Supplier<T> f, UnaryOperator<String> decorate) {
    try {
      return f.get();
    } catch (IllegalArgumentException e) {
      String message = e.getMessage() == null ? "invalid value" : e.getMessage();
      String actualField = field;
      for (String key : KNOWN_KEYS) {
        if (message.startsWith(key + ": ") || message.startsWith(key + " ")) {
          actualField = key;
          message = message.substring(key.length()).replaceFirst("^:? ", "");
          break;
        }
      }
      throw new SpecException(source, actualField, decorate.apply(message), e);
    }
  }

  private static String formatDuration(Duration d) {
    if (d.toNanosPart() % 1_000_000 != 0) {
      throw new IllegalArgumentException(
          "timeout " + d + " cannot be written to kiln.yaml: use whole milliseconds");
    }
    long millis = d.toMillis();
    if (millis % 3_600_000 == 0) {
      return millis / 3_600_000 + "h";
    }
    if (millis % 60_000 == 0) {
      return millis / 60_000 + "m";
    }
    if (millis % 1000 == 0) {
      return millis / 1000 + "s";
    }
    return millis + "ms";
  }

  private static SpecException tooLarge(String source) {
    return new SpecException(
        source,
        null,
        "the file is larger than " + MAX_BYTES / 1024 + " KiB; is it the right file?");
  }
}
