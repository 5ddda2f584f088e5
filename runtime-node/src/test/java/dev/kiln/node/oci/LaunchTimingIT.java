package dev.kiln.node.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.node.testing.ContainerHarness;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prints how long a container launch takes: plain {@code runc run} of a prepared bundle (the
 * baseline, forked the way a shell would), and Kiln's whole path (write bundle, {@code run
 * --detach}, wait for exit, {@code delete}). Asserts only that the containers ran; timings are
 * printed, never asserted.
 */
class LaunchTimingIT {
  private static final int ROUNDS = 20;

  @TempDir Path tmp;
  private ContainerHarness harness;

  @BeforeEach
  void setUp() {
    harness = ContainerHarness.in(tmp);
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  @Test
  void measureLaunch() throws Exception {
    OciBundle prepared =
        OciBundle.write(
            tmp.resolve("baseline"), harness.spec("time-baseline", "/bin/true").build());
    List<Long> baseline = new ArrayList<>();
    List<Long> kiln = new ArrayList<>();
    for (int i = 0; i < ROUNDS; i++) {
      long start = System.nanoTime();
      Process runc =
          new ProcessBuilder(
                  harness.runtime().binary().toString(),
                  "--root",
                  harness.runtime().stateRoot().toString(),
                  "run",
                  "--bundle",
                  prepared.dir().toString(),
                  "time-baseline")
              .inheritIO()
              .start();
      assertThat(runc.waitFor()).isZero();
      baseline.add(System.nanoTime() - start);

      String id = "time-" + i;
      start = System.nanoTime();
      harness.start(harness.spec(id, "/bin/true").build());
      harness.awaitStopped(id, java.time.Duration.ofSeconds(5));
      harness.runtime().delete(id, false);
      kiln.add(System.nanoTime() - start);
    }
    long base = median(baseline);
    long full = median(kiln);
    System.out.printf(
        "launch of /bin/true over %d rounds: runc run (baseline) median %.1f ms;"
            + " Kiln bundle+run --detach+wait+delete median %.1f ms; ratio %.2f%n",
        ROUNDS, base / 1e6, full / 1e6, (double) full / base);
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
