package dev.kiln.node.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.node.testing.Tars;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;

class EntryRulesTest {
  private final EntryRules rules = new EntryRules(UnpackLimits.DEFAULTS);

  @Test
  void dropsLeadingSlashesAndDotComponents() throws Exception {
    assertThat(only(Tars.builder().file("/etc/passwd", "x")).path()).isEqualTo("etc/passwd");
    assertThat(only(Tars.builder().file("./a/./b//c", "x")).path()).isEqualTo("a/b/c");
    assertThat(only(Tars.builder().file("//usr/bin/env", "x")).path()).isEqualTo("usr/bin/env");
    assertThat(only(Tars.builder().dir("./")).path()).isEmpty();
  }

  @Test
  void refusesParentComponentsWherever_they_are() {
    for (String name : List.of("../../etc/passwd", "a/../../b", "a/../b", "/..", "./../x")) {
      assertThatThrownBy(() -> only(Tars.builder().file(name, "x")))
          .as(name)
          .isInstanceOf(EntryRules.Violation.class)
          .hasMessage("escapes the layer root");
    }
  }

  @Test
  void refusesNulBytesInNames() {
    // A NUL in a ustar name just ends it; in a PAX path record it survives to the reader.
    String name = "a\0/" + "x/".repeat(60) + "passwd";
    assertThatThrownBy(() -> only(Tars.builder().file(name, "x")))
        .hasMessage("contains a NUL byte");
  }

  @Test
  void enforcesPathLengthAndDepth() {
    EntryRules tight = new EntryRules(new UnpackLimits(1 << 20, 10, 4096, 3));
    assertThatThrownBy(() -> only(Tars.builder().file("a/".repeat(2100) + "f", "x")))
        .hasMessage("has a path longer than 4096 bytes");
    assertThatThrownBy(() -> tight.translate(first(Tars.builder().file("a/b/c/d", "x"))))
        .hasMessage("is nested deeper than 3 directories");
  }

  @Test
  void refusesDeviceNodesAndFifos() {
    assertThatThrownBy(() -> only(Tars.builder().charDevice("dev/null", 1, 3)))
        .hasMessage("is a character device; device nodes are not allowed in layers");
    assertThatThrownBy(() -> only(Tars.builder().blockDevice("dev/sda", 8, 0)))
        .hasMessage("is a block device; device nodes are not allowed in layers");
    assertThatThrownBy(() -> only(Tars.builder().fifo("run/pipe")))
        .hasMessage("is a fifo; device nodes and fifos are not allowed in layers");
  }

  @Test
  void stripsSetuidAndSetgidButKeepsStickyOnDirectories() throws Exception {
    assertThat(only(Tars.builder().file("bin/su", new byte[0], 04755)).mode()).isEqualTo(0755);
    assertThat(only(Tars.builder().file("bin/x", new byte[0], 06711)).mode()).isEqualTo(0711);
    assertThat(only(Tars.builder().file("bin/y", new byte[0], 01755)).mode()).isEqualTo(0755);
    assertThat(only(Tars.builder().dir("tmp", 01777)).mode()).isEqualTo(01777);
    assertThat(only(Tars.builder().dir("srv", 02775)).mode()).isEqualTo(0775);
  }

  @Test
  void keepsSymlinkTargetsVerbatimEvenAbsolute() throws Exception {
    LayerEntry e = only(Tars.builder().symlink("etc/localtime", "/usr/share/zoneinfo/UTC"));
    assertThat(e.kind()).isEqualTo(LayerEntry.Kind.SYMLINK);
    assertThat(e.link()).isEqualTo("/usr/share/zoneinfo/UTC");
    assertThat(only(Tars.builder().symlink("up", "../../..")).link()).isEqualTo("../../..");
  }

  @Test
  void normalisesHardlinkTargetsAndRefusesEscapingOnes() throws Exception {
    LayerEntry e = only(Tars.builder().hardlink("x", "/etc/passwd"));
    assertThat(e.kind()).isEqualTo(LayerEntry.Kind.HARDLINK);
    assertThat(e.link()).isEqualTo("etc/passwd");
    assertThatThrownBy(() -> only(Tars.builder().hardlink("x", "../../outside")))
        .hasMessage("escapes the layer root");
    assertThatThrownBy(() -> only(Tars.builder().hardlink("x", "/")))
        .hasMessage("is a hardlink to the layer root");
  }

  @Test
  void translatesWhiteouts() throws Exception {
    List<LayerEntry> entries =
        all(
            Tars.builder()
                .whiteout("a", "x")
                .whiteout("", "top")
                .opaque("b")
                .file(".wh..wh.plnk/123", "")
                .file("b/.wh..wh.aufs", ""));
    assertThat(entries)
        .extracting(LayerEntry::kind, LayerEntry::path)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(LayerEntry.Kind.WHITEOUT, "a/x"),
            org.assertj.core.groups.Tuple.tuple(LayerEntry.Kind.WHITEOUT, "top"),
            org.assertj.core.groups.Tuple.tuple(LayerEntry.Kind.OPAQUE, "b"),
            org.assertj.core.groups.Tuple.tuple(LayerEntry.Kind.FILE, ".wh..wh.plnk/123"),
            org.assertj.core.groups.Tuple.tuple(LayerEntry.Kind.SKIP, "b/.wh..wh.aufs"));
  }

  @Test
  void refusesWhiteoutsOfNothingOrOfTheParent() {
    assertThatThrownBy(() -> only(Tars.builder().file("a/.wh.", "")))
        .hasMessage("is a whiteout of '', which is not a file name");
    assertThatThrownBy(() -> only(Tars.builder().file("a/.wh...", "")))
        .hasMessage("is a whiteout of '..', which is not a file name");
  }

  @Test
  void refusesReplacingTheRootWithAFileOrLink() {
    assertThatThrownBy(() -> only(Tars.builder().symlink("./", "/etc")))
        .hasMessage("replaces the layer root with a non-directory");
  }

  @Test
  void hostileNamesArePrintedWithControlCharactersEscaped() {
    assertThat(
            new HostileLayerException(
                    dev.kiln.common.Digest.sha256(new byte[0]), "a\0b\nc", "contains a NUL byte")
                .getMessage())
        .endsWith("entry 'a\\x00b\\x0ac' contains a NUL byte");
  }

  private LayerEntry only(Tars tars) throws Exception {
    List<LayerEntry> all = all(tars);
    assertThat(all).hasSize(1);
    return all.get(0);
  }

  private List<LayerEntry> all(Tars tars) throws Exception {
    List<LayerEntry> result = new ArrayList<>();
    try (TarArchiveInputStream in = open(tars)) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        result.add(rules.translate(e));
      }
    }
    return result;
  }

  private static TarArchiveEntry first(Tars tars) throws IOException {
    try (TarArchiveInputStream in = open(tars)) {
      return in.getNextEntry();
    }
  }

  private static TarArchiveInputStream open(Tars tars) {
    return new TarArchiveInputStream(
        new ByteArrayInputStream(tars.tar()), StandardCharsets.UTF_8.name());
  }
}
