package dev.kiln.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Packages depend one way: {@code api} on nothing of the module; {@code node} on {@code api};
 * {@code placement} on {@code node}; {@code pool} on those; the {@code Scheduler} on all. Read from
 * the sources' imports and fully qualified names.
 */
class PackageDependencyTest {
  private static final Path SOURCES = Path.of("src/main/java/dev/kiln/scheduler");
  private static final Pattern REFERENCE =
      Pattern.compile("dev\\.kiln\\.scheduler(\\.[a-z]+)?\\.[A-Z]");

  @Test
  void packagesHaveNoCycles() throws IOException {
    Map<String, Set<String>> uses = dependencies();
    assertThat(uses).containsKeys("", "api", "node", "placement", "pool");
    for (String from : uses.keySet()) {
      assertThat(reachable(uses, from)).as("packages reached from '%s'", from).doesNotContain(from);
    }
    assertThat(uses.get("api")).isEmpty();
    assertThat(uses.get("node")).isSubsetOf("api");
    assertThat(uses.get("placement")).isSubsetOf("api", "node");
  }

  private static Map<String, Set<String>> dependencies() throws IOException {
    Map<String, Set<String>> uses = new TreeMap<>();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(SOURCES)) {
      files = walk.filter(p -> p.toString().endsWith(".java")).toList();
    }
    for (Path file : files) {
      String pkg = SOURCES.relativize(file.getParent()).toString().replace('/', '.');
      Set<String> used = uses.computeIfAbsent(pkg, k -> new TreeSet<>());
      Matcher m = REFERENCE.matcher(Files.readString(file));
      while (m.find()) {
        String target = m.group(1) == null ? "" : m.group(1).substring(1);
        if (!target.equals(pkg)) {
          used.add(target);
        }
      }
    }
    return uses;
  }

  private static Set<String> reachable(Map<String, Set<String>> uses, String from) {
    Set<String> seen = new HashSet<>();
    List<String> todo = new ArrayList<>(uses.getOrDefault(from, Set.of()));
    while (!todo.isEmpty()) {
      String next = todo.remove(todo.size() - 1);
      if (seen.add(next)) {
        todo.addAll(uses.getOrDefault(next, Set.of()));
      }
    }
    return seen;
  }
}
