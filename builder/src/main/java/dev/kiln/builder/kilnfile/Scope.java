package dev.kiln.builder.kilnfile;

import java.util.HashMap;
import java.util.Map;

/**
 * The variables in effect while reading a Kilnfile, scoped as Docker scopes them: an ARG before
 * FROM is visible only to FROM; inside the stage an ARG must be declared again (its global default
 * carries over) and ENV wins over ARG of the same name. Build arguments override ARG defaults but
 * declare nothing by themselves.
 */
final class Scope {

  private final Map<String, String> buildArgs;
  private final Map<String, String> globalArgs = new HashMap<>();
  private final Map<String, String> stageArgs = new HashMap<>();
  private final Map<String, String> env = new HashMap<>();
  private boolean inStage;
  private String workdir = "/";

  Scope(Map<String, String> buildArgs) {
    this.buildArgs = Map.copyOf(buildArgs);
  }

  /** A variable's value for substitution, or {@code null} if unset. */
  String lookup(String name) {
    if (!inStage) {
      return globalArgs.get(name);
    }
    return env.containsKey(name) ? env.get(name) : stageArgs.get(name);
  }

  /** Declares an ARG; a build argument of the same name takes precedence over the default. */
  void declareArg(String name, String defaultValue) {
    String value = buildArgs.containsKey(name) ? buildArgs.get(name) : defaultValue;
    if (inStage) {
      stageArgs.put(name, value != null ? value : globalArgs.get(name));
    } else {
      globalArgs.put(name, value);
    }
  }

  void enterStage() {
    inStage = true;
  }

  void setEnv(String name, String value) {
    env.put(name, value);
  }

  String workdir() {
    return workdir;
  }

  void setWorkdir(String path) {
    workdir = path;
  }
}
