package dev.kiln.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No cycles between the packages of any module (CONVENTIONS.md, point 2): the JDK's {@code jdeps}
 * lists which package uses which in each module's compiled classes, and any strongly connected
 * group of two or more packages fails the build, named. Module direction itself is enforced by
 * maven-enforcer in each pom.
 */
class PackageCyclesTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "common",
        "image",
        "runtimes/java",
        "builder",
        "runtime-node",
        "scheduler",
        "gateway",
        "cli"
      })
  void packagesOfAModuleFormNoCycle(String module) {
    Path classes = KilnImages.repoRoot().resolve(module).resolve("target/classes");
    assertThat(classes).as("compiled classes of %s", module).isDirectory();
    Map<String, Set<String>> uses = packageUses(classes);
    assertThat(cycles(uses)).as("package cycles in %s", module).isEmpty();
  }

  /** Package → packages of Kiln it uses, from {@code jdeps -verbose:package}. */
  private static Map<String, Set<String>> packageUses(Path classes) {
    ToolProvider jdeps =
        ToolProvider.findFirst("jdeps")
            .orElseThrow(() -> new AssertionError("this JDK has no jdeps"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status =
        jdeps.run(
            new PrintWriter(out),
            new PrintWriter(err),
            "-verbose:package",
            "-filter:none",
            "-e",
            "dev\\.kiln\\..*",
            classes.toString());
    assertThat(status).as("jdeps: %s", err).isZero();
    Map<String, Set<String>> uses = new TreeMap<>();
    for (String line : out.toString().split("\n")) {
      String[] parts = line.trim().split("\\s+");
      if (parts.length >= 3 && parts[1].equals("->") && !parts[0].equals(parts[2])) {
        uses.computeIfAbsent(parts[0], p -> new TreeSet<>()).add(parts[2]);
      }
    }
    return uses;
  }

  /** Strongly connected groups of two or more packages (Tarjan's algorithm, iteratively). */
  static List<Set<String>> cycles(Map<String, Set<String>> uses) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new TreeSet<>();
    List<Set<String>> found = new ArrayList<>();
    int[] counter = {0};
    for (String start : uses.keySet()) {
      if (!index.containsKey(start)) {
        connect(start, uses, index, low, stack, onStack, found, counter);
      }
    }
    return found;
  }

  private static void connect(
      String v,
      Map<String, Set<String>> uses,
      Map<String, Integer> index,
      Map<String, Integer> low,
      Deque<String> stack,
      Set<String> onStack,
      List<Set<String>> found,
      int[] counter) {
    index.put(v, counter[0]);
    low.put(v, counter[0]++);
    stack.push(v);
    onStack.add(v);
    for (String w : uses.getOrDefault(v, Set.of())) {
      if (!index.containsKey(w)) {
        connect(w, uses, index, low, stack, onStack, found, counter);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      Set<String> group = new TreeSet<>();
      String w;
      do {
        w = stack.pop();
        onStack.remove(w);
        group.add(w);
      } while (!w.equals(v));
      if (group.size() > 1) {
        found.add(group);
      }
    }
  }

  @org.junit.jupiter.api.Test
  void theCheckFindsACycle() {
    Map<String, Set<String>> uses =
        Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));
    assertThat(cycles(uses)).containsExactly(Set.of("a", "b", "c"));
  }
}
