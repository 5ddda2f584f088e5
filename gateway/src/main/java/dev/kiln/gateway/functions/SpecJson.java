package dev.kiln.gateway.functions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.builder.spec.FunctionSpecReader;
import dev.kiln.common.FunctionSpec;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A function spec as JSON, with {@code kiln.yaml}'s keys: {@code {"name": "hello", "runtime":
 * "python", "handler": "handler.handle", "memory": 128, "cpu": 500, "pids": 64, "timeout": "30s",
 * "env": {...}}}. It is stored in {@code function_versions.spec}, shown by the API, and accepted by
 * {@code POST /v1/functions/{name}/versions}; reading goes through {@link FunctionSpecReader} (YAML
 * is a superset of JSON), so the checks and messages are those of {@code kiln.yaml}.
 */
public final class SpecJson {

  private static final ObjectMapper JSON = new ObjectMapper();

  private SpecJson() {}

  /** The JSON text of {@code spec}. */
  public static String write(FunctionSpec spec) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("name", spec.name());
    doc.put("runtime", spec.runtime().id());
    doc.put("handler", spec.handler());
    doc.put("memory", spec.limits().memoryMiB());
    doc.put("cpu", spec.limits().cpuMillis());
    doc.put("pids", spec.limits().pids());
    doc.put("timeout", duration(spec.limits().timeout()));
    doc.put("env", spec.env());
    try {
      return JSON.writeValueAsString(doc);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses spec JSON; {@code source} names it in error messages (e.g. "spec"). */
  public static FunctionSpec read(String json, String source) {
    return FunctionSpecReader.parse(json, source);
  }

  /** Parses a spec given as a JSON tree. */
  public static FunctionSpec read(JsonNode node, String source) {
    return read(node.toString(), source);
  }

  /** The JSON text as a tree, for responses. */
  public static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String duration(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }
}
