package dev.kiln.node.oci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.node.sys.FileTrees;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The command-line interface runc and crun share: global {@code --root}, then {@code run --detach},
 * {@code state}, {@code kill}, {@code delete}, {@code list --format json}. The two differ only in
 * how they are told where to log.
 */
abstract class CliRuntime implements OciRuntime {
  private static final long TIMEOUT_SECONDS = 30;

  private final Path binary;
  private final Path stateRoot;

  CliRuntime(Path binary, Path stateRoot) {
    this.binary = binary;
    this.stateRoot = stateRoot.toAbsolutePath();
    try {
      Files.createDirectories(this.stateRoot);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create runtime state dir " + stateRoot, e);
    }
  }

  /** Global options that send the runtime's own log, as JSON lines, to {@code logFile}. */
  abstract List<String> logOptions(Path logFile);

  @Override
  public Path binary() {
    return binary;
  }

  @Override
  public Path stateRoot() {
    return stateRoot;
  }

  private List<String> command(List<String> global, String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.add("--root");
    command.add(stateRoot.toString());
    command.addAll(global);
    command.addAll(List.of(args));
    return command;
  }

  @Override
  public void run(OciBundle bundle, Path stdoutLog, Path stderrLog) {
    Path log = bundle.dir().resolve(name() + ".log");
    List<String> command =
        command(
            logOptions(log),
            "run",
            "--detach",
            "--bundle",
            bundle.dir().toAbsolutePath().toString(),
            bundle.id());
    try {
      Files.deleteIfExists(log);
      // The container inherits these: runc in detached non-terminal mode passes its own stdio
      // to the container process (runc docs/terminals.md, "Detached Pass-Through").
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectInput(Redirect.from(new File("/dev/null")))
              .redirectOutput(Redirect.appendTo(stdoutLog.toFile()))
              .redirectError(Redirect.appendTo(stderrLog.toFile()));
      int exit = await(bundle.id(), command, builder.start());
      if (exit != 0) {
        throw new OciRuntimeException(bundle.id(), command, exit, errors(log, stderrLog));
      }
    } catch (IOException e) {
      throw new OciRuntimeException(bundle.id(), command, e);
    }
  }

  /** Error messages from the runtime's JSON log; the end of stderr when it has none. */
  private static String errors(Path log, Path stderrLog) throws IOException {
    List<String> errors = new ArrayList<>();
    if (Files.exists(log)) {
      for (String line : Files.readAllLines(log)) {
        try {
          JsonNode entry = SpecTranslator.JSON.readTree(line);
          if (entry.path("level").asText().equals("error")) {
            errors.add(entry.path("msg").asText());
          }
        } catch (IOException notJson) {
          errors.add(line);
        }
      }
    }
    if (errors.isEmpty() && Files.exists(stderrLog)) {
      String text = Files.readString(stderrLog);
      return text.substring(Math.max(0, text.length() - 2000));
    }
    return String.join("; ", errors);
  }

  @Override
  public ContainerState state(String id) {
    return parseState(json(call(id, command(List.of(), "state", id))));
  }

  @Override
  public void kill(String id, String signal) {
    call(id, command(List.of(), "kill", id, signal));
  }

  @Override
  public void delete(String id, boolean force) {
    call(
        id, force ? command(List.of(), "delete", "--force", id) : command(List.of(), "delete", id));
  }

  @Override
  public void forgetStopped(String id) {
    if (id.isEmpty() || id.contains("/") || id.equals(".") || id.equals("..")) {
      throw new IllegalArgumentException("not a container id: '" + id + "'");
    }
    Path state = stateRoot.resolve(id);
    try {
      FileTrees.deleteTree(state);
    } catch (IOException e) {
      throw new OciRuntimeException(id, List.of("rm", "-r", state.toString()), e);
    }
  }

  @Override
  public List<ContainerState> list() {
    JsonNode all = json(call(null, command(List.of(), "list", "--format", "json")));
    List<ContainerState> states = new ArrayList<>();
    for (JsonNode entry : all) {
      states.add(parseState(entry));
    }
    return states;
  }

  private static JsonNode json(String text) {
    try {
      return SpecTranslator.JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException("unexpected runtime output: " + text, e);
    }
  }

  private static ContainerState parseState(JsonNode state) {
    return new ContainerState(
        state.path("id").asText(),
        ContainerState.Status.parse(state.path("status").asText()),
        state.path("pid").asLong(0),
        Path.of(state.path("bundle").asText("/")));
  }

  /** Runs a short command and returns its stdout; stderr becomes the exception's message. */
  private static String call(String id, List<String> command) {
    try {
      Process process =
          new ProcessBuilder(command).redirectInput(Redirect.from(new File("/dev/null"))).start();
      CompletableFuture<String> stderr =
          CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
      String stdout = readAll(process.getInputStream());
      int exit = await(id, command, process);
      if (exit != 0) {
        throw new OciRuntimeException(id, command, exit, stderr.join());
      }
      return stdout;
    } catch (IOException e) {
      throw new OciRuntimeException(id, command, e);
    }
  }

  private static String readAll(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int await(String id, List<String> command, Process process) {
    try {
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new OciRuntimeException(id, command, -1, "no answer in " + TIMEOUT_SECONDS + " s");
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new OciRuntimeException(id, command, e);
    }
  }

  @Override
  public String toString() {
    return name() + " (" + binary + ", state " + stateRoot + ")";
  }
}
