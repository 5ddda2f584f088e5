package dev.kiln.runtime;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The body of {@code POST /init}: {@code {"handler": "...", "codeDir": "...", "env": {...}}}.
 *
 * @param handler fully qualified name of the class implementing {@code dev.kiln.fn.Handler}
 * @param codeDir directory holding {@code classes/} and {@code lib/}
 * @param env environment variables of the function
 */
record InitRequest(String handler, Path codeDir, Map<String, String> env) {

  InitRequest {
    env = Map.copyOf(env);
  }

  /**
   * Translates the JSON body, checking each field.
   *
   * @param defaultCodeDir used when the body has no {@code codeDir}
   * @throws InitException with status 400 and what is wrong with the body
   */
  static InitRequest parse(String body, Path defaultCodeDir) throws InitException {
    Object parsed;
    try {
      parsed = Json.parse(body);
    } catch (IllegalArgumentException e) {
      throw new InitException(400, "init body is not valid JSON: " + e.getMessage());
    }
    if (!(parsed instanceof Map<?, ?> fields)) {
      throw new InitException(400, "init body must be a JSON object");
    }
    if (!(fields.get("handler") instanceof String handler) || handler.isBlank()) {
      throw new InitException(400, "init body needs a \"handler\" string, e.g. com.example.Hello");
    }
    Object codeDir = fields.get("codeDir");
    if (codeDir != null && !(codeDir instanceof String)) {
      throw new InitException(400, "\"codeDir\" must be a string");
    }
    Object env = fields.get("env");
    Map<String, String> variables = new LinkedHashMap<>();
    if (env instanceof Map<?, ?> entries) {
      for (Map.Entry<?, ?> e : entries.entrySet()) {
        if (!(e.getValue() instanceof String value)) {
          throw new InitException(400, "env variable '" + e.getKey() + "' must be a string");
        }
        variables.put((String) e.getKey(), value);
      }
    } else if (env != null) {
      throw new InitException(400, "\"env\" must be an object of strings");
    }
    return new InitRequest(
        handler.strip(),
        codeDir == null || ((String) codeDir).isBlank()
            ? defaultCodeDir
            : Path.of((String) codeDir),
        variables);
  }
}
