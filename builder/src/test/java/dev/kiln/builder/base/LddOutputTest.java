package dev.kiln.builder.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LddOutputTest {

  private static final Path PYTHON = Path.of("/usr/bin/python3.11");

  @Test
  void parsesResolvedLibrariesAndLoaderAndSkipsTheVdso() throws Exception {
    String out =
        "\tlinux-vdso.so.1 (0x00007fc65c669000)\n"
            + "\tlibm.so.6 => /lib/x86_64-linux-gnu/libm.so.6 (0x00007fc65c578000)\n"
            + "\tlibz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x00007fc65c559000)\n"
            + "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007fc65c34c000)\n"
            + "\t/lib64/ld-linux-x86-64.so.2 (0x00007fc65c66b000)\n";

    LddOutput.Dependencies d = LddOutput.parse(out, PYTHON).get(PYTHON).requireComplete();

    assertThat(d.libraries())
        .containsExactly(
            Path.of("/lib/x86_64-linux-gnu/libm.so.6"),
            Path.of("/lib/x86_64-linux-gnu/libz.so.1"),
            Path.of("/lib/x86_64-linux-gnu/libc.so.6"));
    assertThat(d.loader()).isEqualTo(Path.of("/lib64/ld-linux-x86-64.so.2"));
    assertThat(d.missing()).isEmpty();
  }

  @Test
  void missingLibraryFailsNamingTheLibraryAndTheBinary() {
    String out =
        "\tlinux-vdso.so.1 (0x00007ffd3b5f2000)\n"
            + "\tlibssl.so.3 => not found\n"
            + "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f0e1c000000)\n"
            + "\t/lib64/ld-linux-x86-64.so.2 (0x00007f0e1c400000)\n";
    Path ssl = Path.of("/usr/lib/python3.11/lib-dynload/_ssl.cpython-311-x86_64-linux-gnu.so");

    LddOutput.Dependencies d = LddOutput.parse(out, ssl).get(ssl);

    assertThat(d.missing()).containsExactly("libssl.so.3");
    assertThatThrownBy(d::requireComplete)
        .isInstanceOf(MissingSharedLibraryException.class)
        .hasMessageContaining("shared library 'libssl.so.3' needed by " + ssl + " was not found")
        .satisfies(
            e -> {
              MissingSharedLibraryException m = (MissingSharedLibraryException) e;
              assertThat(m.library()).isEqualTo("libssl.so.3");
              assertThat(m.binary()).isEqualTo(ssl);
            });
  }

  @Test
  void splitsOutputForSeveralBinariesByHeader() {
    String out =
        "/usr/lib/python3.11/os.py:\n"
            + "/usr/lib/x/_json.so:\n"
            + "\tstatically linked\n"
            + "/usr/bin/ls:\n"
            + "\tlinux-vdso.so.1 (0x00007fad2d415000)\n"
            + "\tlibselinux.so.1 => /lib/x86_64-linux-gnu/libselinux.so.1 (0x00007fad2d3b0000)\n"
            + "\t/lib64/ld-linux-x86-64.so.2 (0x00007fad2d417000)\n";

    Map<Path, LddOutput.Dependencies> parsed = LddOutput.parse(out, null);

    assertThat(parsed.keySet())
        .containsExactly(
            Path.of("/usr/lib/python3.11/os.py"),
            Path.of("/usr/lib/x/_json.so"),
            Path.of("/usr/bin/ls"));
    assertThat(parsed.get(Path.of("/usr/lib/x/_json.so")).libraries()).isEmpty();
    assertThat(parsed.get(Path.of("/usr/lib/x/_json.so")).loader()).isNull();
    assertThat(parsed.get(Path.of("/usr/bin/ls")).libraries())
        .containsExactly(Path.of("/lib/x86_64-linux-gnu/libselinux.so.1"));
  }

  @Test
  void keepsRelativeOriginPathsAndLoaderWithArrow() {
    Path java = Path.of("/jdk/bin/java");
    String out =
        "\tlinux-vdso.so.1 =>  (0x00007fff5a7fe000)\n"
            + "\tlibjli.so => /jdk/bin/../lib/libjli.so (0x00007f70ce2e9000)\n"
            + "\t/lib64/ld-linux-x86-64.so.2 => /usr/lib64/ld-linux-x86-64.so.2 (0x00007f2)\n";

    LddOutput.Dependencies d = LddOutput.parse(out, java).get(java);

    assertThat(d.libraries())
        .containsExactly(
            Path.of("/jdk/bin/../lib/libjli.so"), Path.of("/usr/lib64/ld-linux-x86-64.so.2"));
    assertThat(d.loader()).isEqualTo(Path.of("/lib64/ld-linux-x86-64.so.2"));
  }

  @Test
  void rejectsLinesItDoesNotUnderstand() {
    assertThatThrownBy(() -> LddOutput.parse("\tsomething odd here\n", PYTHON))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unexpected ldd output line for /usr/bin/python3.11: 'something odd here'");
  }
}
