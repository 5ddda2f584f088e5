package dev.kiln.builder.kilnfile;

import dev.kiln.builder.kilnfile.Instruction.Expose.Port;
import dev.kiln.builder.kilnfile.LogicalLines.Line;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one supported instruction into its record, substituting variables from the {@link Scope}
 * and updating it. Problems are thrown as {@link IllegalArgumentException}; the parser adds the
 * line number.
 */
final class Translator {

  private static final Pattern PORT = Pattern.compile("(\\d{1,5})(?:/([A-Za-z]+))?");
  private static final List<String> SHELL = List.of("/bin/sh", "-c");

  private final Scope scope;

  Translator(Scope scope) {
    this.scope = scope;
  }

  List<Instruction> translate(String keyword, Line line) {
    // Only FROM and COPY take flags; elsewhere a leading "--" is an argument, as in CMD --help.
    boolean takesFlags = keyword.equals("COPY") || keyword.equals("FROM");
    Flags flags = Flags.take(keyword, takesFlags ? line.args() : "");
    String args = takesFlags ? flags.rest() : line.args();
    if (args.isEmpty()) {
      throw new IllegalArgumentException(keyword + " requires arguments: " + usage(keyword));
    }
    int n = line.number();
    return switch (keyword) {
      case "FROM" -> List.of(from(flags, args, n));
      case "ARG" -> arg(args, n);
      case "ENV" -> List.of(env(args, n));
      case "LABEL" -> List.of(new Instruction.Label(pairs("LABEL", args), n));
      case "COPY" -> List.of(copy(flags, args, n));
      case "WORKDIR" -> List.of(workdir(args, n));
      case "USER" -> List.of(new Instruction.User(single("USER", args), n));
      case "EXPOSE" -> List.of(expose(args, n));
      case "CMD" -> {
        Command c = command(keyword, args);
        yield List.of(new Instruction.Cmd(c.argv(), c.shellForm(), n));
      }
      case "ENTRYPOINT" -> {
        Command c = command(keyword, args);
        yield List.of(new Instruction.Entrypoint(c.argv(), c.shellForm(), n));
      }
      default -> throw new IllegalStateException("not a supported instruction: " + keyword);
    };
  }

  private Instruction from(Flags flags, String args, int line) {
    flags.reject(
        "platform",
        "FROM --platform is not supported yet; Kiln builds for the platform"
            + " of the base image it pulls");
    flags.rejectAll();
    List<String> words = ShellWords.split(args);
    boolean named = words.size() == 3 && words.get(1).equalsIgnoreCase("AS");
    if (words.size() != 1 && !named) {
      throw new IllegalArgumentException("FROM expects 'FROM image' or 'FROM image AS name'");
    }
    String image = expand(words.get(0));
    if (image.isEmpty()) {
      throw new IllegalArgumentException(
          "FROM image '"
              + ShellWords.shown(words.get(0))
              + "' is empty after substituting"
              + " variables; pass it with a build argument or give the ARG a default");
    }
    Instruction from =
        new Instruction.From(image, named ? words.get(2).toLowerCase(Locale.ROOT) : null, line);
    scope.enterStage();
    return from;
  }

  private List<Instruction> arg(String args, int line) {
    List<Instruction> declared = new ArrayList<>();
    for (String word : ShellWords.split(args)) {
      int eq = word.indexOf('=');
      String name = eq < 0 ? word : word.substring(0, eq);
      String defaultValue = eq < 0 ? null : expand(word.substring(eq + 1));
      declared.add(new Instruction.Arg(name, defaultValue, line));
      scope.declareArg(name, defaultValue);
    }
    return declared;
  }

  private Instruction env(String args, int line) {
    Instruction.Env env = new Instruction.Env(pairs("ENV", args), line);
    // Values in one ENV see the variables from before it, as in Docker: ENV A=1 B=$A uses the old
    // A.
    env.variables().forEach(scope::setEnv);
    return env;
  }

  /** {@code KEY=value KEY2="v 2"} or the legacy {@code KEY value with spaces}. */
  private Map<String, String> pairs(String keyword, String args) {
    List<String> words = ShellWords.split(args);
    Map<String, String> pairs = new LinkedHashMap<>();
    if (words.get(0).indexOf('=') < 0) {
      String value = args.substring(words.get(0).length()).strip();
      if (value.isEmpty()) {
        throw new IllegalArgumentException(
            keyword + " " + ShellWords.shown(words.get(0)) + " needs a value: " + usage(keyword));
      }
      pairs.put(expand(words.get(0)), expand(value));
      return pairs;
    }
    for (String word : words) {
      int eq = word.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            keyword + ": expected name=value, got '" + ShellWords.shown(word) + "'");
      }
      pairs.put(expand(word.substring(0, eq)), expand(word.substring(eq + 1)));
    }
    return pairs;
  }

  private Instruction copy(Flags flags, String args, int line) {
    flags.reject(
        "from",
        "COPY --from is not supported yet (it needs multi-stage builds); copy"
            + " files from the build context instead");
    for (String unsupported : List.of("chmod", "link", "parents", "exclude")) {
      flags.reject(unsupported, "COPY --" + unsupported + " is not supported yet");
    }
    String chown = flags.value("chown");
    flags.rejectAll();
    List<String> words =
        ExecForm.isExecForm(args) ? ExecForm.parse("COPY", args) : ShellWords.split(args);
    if (words.size() < 2) {
      throw new IllegalArgumentException(
          "COPY requires at least one source and a destination: " + usage("COPY"));
    }
    List<String> sources = new ArrayList<>();
    for (String word : words.subList(0, words.size() - 1)) {
      if (word.startsWith("<<")) {
        throw new IllegalArgumentException(
            "COPY heredocs ("
                + ShellWords.shown(word)
                + ") are not supported; put the content"
                + " in a file in the build context");
      }
      sources.add(expand(word));
    }
    String dest = expand(words.get(words.size() - 1));
    return new Instruction.Copy(
        sources, destination(dest), chown == null ? null : expand(chown), line);
  }

  /** A COPY destination resolved against WORKDIR, keeping "into this directory" as a final '/'. */
  private String destination(String dest) {
    if (dest.isEmpty()) {
      throw new IllegalArgumentException("COPY destination is empty");
    }
    boolean directory = dest.endsWith("/") || dest.equals(".") || dest.endsWith("/.");
    String resolved = PathNames.resolve(scope.workdir(), dest);
    return directory && !resolved.equals("/") ? resolved + "/" : resolved;
  }

  private Instruction workdir(String args, int line) {
    String path = expand(args);
    if (path.isEmpty()) {
      throw new IllegalArgumentException("WORKDIR '" + args + "' is empty after substitution");
    }
    Instruction.Workdir workdir =
        new Instruction.Workdir(PathNames.resolve(scope.workdir(), path), line);
    scope.setWorkdir(workdir.path());
    return workdir;
  }

  private Instruction expose(String args, int line) {
    List<Port> ports = new ArrayList<>();
    for (String word : ShellWords.split(args)) {
      String spec = expand(word);
      Matcher m = PORT.matcher(spec);
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "EXPOSE port '"
                + ShellWords.shown(spec)
                + "' is not valid: expected a number from 1"
                + " to 65535, optionally with /tcp, /udp or /sctp (ranges are not supported)");
      }
      String protocol = m.group(2) == null ? "tcp" : m.group(2).toLowerCase(Locale.ROOT);
      ports.add(new Port(Integer.parseInt(m.group(1)), protocol));
    }
    return new Instruction.Expose(ports, line);
  }

  /** An argument vector and whether it was written in shell form. */
  private record Command(List<String> argv, boolean shellForm) {}

  /** CMD and ENTRYPOINT: variables are left for the container's shell, as in Docker. */
  private static Command command(String keyword, String args) {
    if (ExecForm.isExecForm(args)) {
      return new Command(ExecForm.parse(keyword, args), false);
    }
    List<String> shell = new ArrayList<>(SHELL);
    shell.add(args);
    return new Command(shell, true);
  }

  private String single(String keyword, String args) {
    List<String> words = ShellWords.split(args);
    if (words.size() != 1) {
      throw new IllegalArgumentException(keyword + " takes one argument: " + usage(keyword));
    }
    return expand(words.get(0));
  }

  private String expand(String word) {
    return ShellWords.expand(word, scope::lookup);
  }

  static String usage(String keyword) {
    return switch (keyword) {
      case "FROM" -> "FROM image [AS name]";
      case "ARG" -> "ARG NAME or ARG NAME=default";
      case "ENV" -> "ENV NAME=value";
      case "LABEL" -> "LABEL name=value";
      case "COPY" -> "COPY [--chown=user:group] source... destination";
      case "WORKDIR" -> "WORKDIR /path";
      case "USER" -> "USER user[:group]";
      case "EXPOSE" -> "EXPOSE port[/protocol]...";
      default -> keyword + " [\"executable\", \"arg\"...] or " + keyword + " command line";
    };
  }
}
