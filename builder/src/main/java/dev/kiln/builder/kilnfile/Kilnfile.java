package dev.kiln.builder.kilnfile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A parsed Kilnfile: one FROM, optionally preceded by ARGs, followed by the instructions that
 * describe the image. Variables are already substituted.
 *
 * @param instructions in file order; an {@code ARG a b} line yields one {@link Instruction.Arg} per
 *     name
 */
public record Kilnfile(List<Instruction> instructions) {

  /** Largest Kilnfile read, in bytes (1 MiB). */
  public static final int MAX_BYTES = 1024 * 1024;

  public Kilnfile {
    instructions = List.copyOf(instructions);
    long froms = instructions.stream().filter(Instruction.From.class::isInstance).count();
    if (froms != 1) {
      throw new IllegalArgumentException(
          "a Kilnfile has exactly one FROM instruction, got " + froms);
    }
    for (Instruction instruction : instructions) {
      if (instruction instanceof Instruction.From) {
        break;
      }
      if (!(instruction instanceof Instruction.Arg)) {
        throw new IllegalArgumentException(
            "only ARG may come before FROM, got " + instruction.createdBy());
      }
    }
  }

  /**
   * Parses Kilnfile text.
   *
   * @param buildArgs values for declared ARGs ({@code --build-arg NAME=value}); names no ARG
   *     declares are ignored, as in Docker
   * @throws KilnfileException naming the line of the first problem
   */
  public static Kilnfile parse(String text, Map<String, String> buildArgs) {
    return KilnfileParser.parse(text, buildArgs);
  }

  /** Parses Kilnfile text without build arguments. */
  public static Kilnfile parse(String text) {
    return parse(text, Map.of());
  }

  /**
   * Reads and parses a Kilnfile, reading no more than {@link #MAX_BYTES} (plus one, to know it is
   * too large).
   *
   * @throws KilnfileException if the file is too large or invalid
   * @throws IOException if the file cannot be read
   */
  public static Kilnfile read(Path file, Map<String, String> buildArgs) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(MAX_BYTES + 1);
      return parse(new String(bytes, StandardCharsets.UTF_8), buildArgs);
    }
  }

  /** The FROM instruction. */
  public Instruction.From from() {
    return all(Instruction.From.class).get(0);
  }

  /** The instructions of one kind, in file order, e.g. {@code all(Instruction.Copy.class)}. */
  public <T extends Instruction> List<T> all(Class<T> kind) {
    return instructions.stream().filter(kind::isInstance).map(kind::cast).toList();
  }
}
