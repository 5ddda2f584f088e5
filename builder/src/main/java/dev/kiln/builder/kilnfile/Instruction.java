package dev.kiln.builder.kilnfile;

import dev.kiln.common.ImageRef;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One instruction of a Kilnfile, with variables already substituted. Each knows the line it came
 * from and renders itself as normalised text for the image history and for cache keys.
 */
public sealed interface Instruction
    permits Instruction.From,
        Instruction.Copy,
        Instruction.Env,
        Instruction.Arg,
        Instruction.Workdir,
        Instruction.User,
        Instruction.Label,
        Instruction.Expose,
        Instruction.Cmd,
        Instruction.Entrypoint {

  /** The 1-based line where the instruction starts in the Kilnfile. */
  int line();

  /**
   * The normalised instruction text, e.g. {@code ENV GREETING=Hello}, recorded as {@code
   * created_by} in the image config's history (OCI image spec, config.md "history"). Parsing it
   * again yields an equal instruction.
   */
  String createdBy();

  /**
   * A stable string identifying what the instruction does, independent of comments, spacing and the
   * variables used to write it. For {@link Copy} the builder adds the digests of the copied files,
   * which the text cannot know.
   */
  default String cacheKey() {
    return createdBy();
  }

  /**
   * {@code FROM image [AS name]}.
   *
   * @param image the base image reference as written, or {@code scratch}
   * @param alias the stage name after {@code AS}, or {@code null}
   */
  record From(String image, String alias, int line) implements Instruction {
    private static final Pattern ALIAS = Pattern.compile("[a-z][a-z0-9._-]{0,62}");

    public From {
      if (image == null || image.isBlank()) {
        throw new IllegalArgumentException("FROM needs an image, e.g. FROM python:3.12-slim");
      }
      if (!isScratch(image)) {
        try {
          ImageRef.parse(image);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "FROM image '" + image + "' is not a valid reference: " + e.getMessage(), e);
        }
      }
      if (alias != null && !ALIAS.matcher(alias).matches()) {
        throw new IllegalArgumentException(
            "FROM stage name '"
                + alias
                + "' is not valid: use lowercase letters, digits, '.', '_' and '-', starting with"
                + " a letter");
      }
    }

    /** The parsed base image, or empty for {@code FROM scratch}. */
    public Optional<ImageRef> imageRef() {
      return isScratch(image) ? Optional.empty() : Optional.of(ImageRef.parse(image));
    }

    private static boolean isScratch(String image) {
      return image.equals("scratch");
    }

    @Override
    public String createdBy() {
      return "FROM " + image + (alias == null ? "" : " AS " + alias);
    }
  }

  /**
   * {@code COPY [--chown=user:group] source... destination}.
   *
   * @param sources paths or glob patterns relative to the build context, normalised ({@code
   *     ./a/../b} is {@code b}; the context itself is {@code .})
   * @param destination absolute path in the image, resolved against the WORKDIR in effect; a
   *     trailing {@code /} means "into this directory"
   * @param chown the owner given with {@code --chown}, or {@code null}
   */
  record Copy(List<String> sources, String destination, String chown, int line)
      implements Instruction {
    public Copy {
      if (sources == null || sources.isEmpty()) {
        throw new IllegalArgumentException("COPY needs at least one source");
      }
      sources = sources.stream().map(Copy::checkSource).toList();
      if (destination == null || !destination.startsWith("/")) {
        throw new IllegalArgumentException(
            "COPY destination '" + destination + "' must be an absolute path");
      }
      boolean many = sources.size() > 1 || sources.stream().anyMatch(Copy::isPattern);
      if (many && !destination.endsWith("/")) {
        throw new IllegalArgumentException(
            "COPY with several sources or a wildcard needs a directory destination ending in '/',"
                + " got '"
                + destination
                + "'");
      }
      if (chown != null && (chown.isBlank() || chown.chars().anyMatch(Character::isWhitespace))) {
        throw new IllegalArgumentException(
            "COPY --chown='" + chown + "' is not valid: expected user, user:group, uid or uid:gid");
      }
    }

    private static String checkSource(String source) {
      if (source == null || source.isEmpty()) {
        throw new IllegalArgumentException("COPY source is empty");
      }
      String normalised = PathNames.withinContext(source);
      if (normalised == null) {
        throw new IllegalArgumentException(
            "COPY source '" + source + "' is outside the build context");
      }
      return normalised;
    }

    /** Whether a source is a glob pattern (Go's filepath.Match syntax, as Docker uses). */
    public static boolean isPattern(String source) {
      return source.indexOf('*') >= 0 || source.indexOf('?') >= 0 || source.indexOf('[') >= 0;
    }

    @Override
    public String createdBy() {
      return "COPY "
          + (chown == null ? "" : "--chown=" + ShellWords.quote(chown) + " ")
          + sources.stream().map(ShellWords::quote).collect(Collectors.joining(" "))
          + " "
          + ShellWords.quote(destination);
    }
  }

  /**
   * {@code ENV KEY=value ...}.
   *
   * @param variables the variables set, in the order written
   */
  record Env(Map<String, String> variables, int line) implements Instruction {
    public Env {
      variables = Pairs.check("ENV", variables);
    }

    @Override
    public String createdBy() {
      return "ENV " + Pairs.render(variables);
    }
  }

  /**
   * {@code ARG NAME[=default]}.
   *
   * @param defaultValue the default after substitution, or {@code null} if none is given
   */
  record Arg(String name, String defaultValue, int line) implements Instruction {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public Arg {
      if (name == null || !NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "ARG name '"
                + name
                + "' is not valid: use letters, digits and '_', not starting with a digit");
      }
    }

    @Override
    public String createdBy() {
      return "ARG " + name + (defaultValue == null ? "" : "=" + ShellWords.quote(defaultValue));
    }
  }

  /**
   * {@code WORKDIR path}.
   *
   * @param path absolute, normalised directory; a relative WORKDIR is resolved against the previous
   *     one
   */
  record Workdir(String path, int line) implements Instruction {
    public Workdir {
      if (path == null || !path.startsWith("/") || !PathNames.resolve("/", path).equals(path)) {
        throw new IllegalArgumentException(
            "WORKDIR '" + path + "' must be an absolute, normalised path");
      }
    }

    @Override
    public String createdBy() {
      return "WORKDIR " + ShellWords.quote(path);
    }
  }

  /**
   * {@code USER user[:group]}.
   *
   * @param user a user name or uid, optionally with {@code :group}
   */
  record User(String user, int line) implements Instruction {
    public User {
      if (user == null || user.isBlank() || user.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException(
            "USER '" + user + "' is not valid: expected user, user:group, uid or uid:gid");
      }
    }

    @Override
    public String createdBy() {
      return "USER " + ShellWords.quote(user);
    }
  }

  /**
   * {@code LABEL key=value ...}.
   *
   * @param labels the labels set, in the order written
   */
  record Label(Map<String, String> labels, int line) implements Instruction {
    public Label {
      labels = Pairs.check("LABEL", labels);
    }

    @Override
    public String createdBy() {
      return "LABEL " + Pairs.render(labels);
    }
  }

  /**
   * {@code EXPOSE port[/protocol] ...}.
   *
   * @param ports the ports, in the order written
   */
  record Expose(List<Port> ports, int line) implements Instruction {
    public Expose {
      if (ports == null || ports.isEmpty()) {
        throw new IllegalArgumentException("EXPOSE needs at least one port, e.g. EXPOSE 8080");
      }
      ports = List.copyOf(ports);
    }

    @Override
    public String createdBy() {
      return "EXPOSE " + ports.stream().map(Port::toString).collect(Collectors.joining(" "));
    }

    /**
     * One exposed port, written {@code 8080/tcp} in the image config's {@code ExposedPorts}.
     *
     * @param number 1 to 65535
     * @param protocol {@code tcp}, {@code udp} or {@code sctp}
     */
    public record Port(int number, String protocol) {
      private static final List<String> PROTOCOLS = List.of("tcp", "udp", "sctp");

      public Port {
        if (number < 1 || number > 65535) {
          throw new IllegalArgumentException(
              "EXPOSE port " + number + " is out of range: expected 1 to 65535");
        }
        if (!PROTOCOLS.contains(protocol)) {
          throw new IllegalArgumentException(
              "EXPOSE protocol '" + protocol + "' is not one of tcp, udp, sctp");
        }
      }

      @Override
      public String toString() {
        return number + "/" + protocol;
      }
    }
  }

  /**
   * {@code CMD}: the default arguments, or command, of the container.
   *
   * @param command the argument vector; the shell form {@code CMD x y} is {@code ["/bin/sh", "-c",
   *     "x y"]}
   * @param shellForm whether it was written in shell form
   */
  record Cmd(List<String> command, boolean shellForm, int line) implements Instruction {
    public Cmd {
      command = List.copyOf(command);
    }

    @Override
    public String createdBy() {
      return "CMD " + ExecForm.render(command);
    }
  }

  /**
   * {@code ENTRYPOINT}: the executable of the container.
   *
   * @param command the argument vector; the shell form is wrapped in {@code /bin/sh -c}
   * @param shellForm whether it was written in shell form
   */
  record Entrypoint(List<String> command, boolean shellForm, int line) implements Instruction {
    public Entrypoint {
      command = List.copyOf(command);
    }

    @Override
    public String createdBy() {
      return "ENTRYPOINT " + ExecForm.render(command);
    }
  }
}
