package dev.kiln.node.rootfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MountTableTest {
  private static final String MOUNTINFO =
      """
      27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard
      101 27 0:60 / /var/kiln/c1/rootfs rw,relatime - overlay kiln-c1 rw,lowerdir+=/a,upperdir=/u
      102 101 0:61 / /var/kiln/c1/rootfs/tmp rw - tmpfs tmpfs rw,size=1024k
      103 27 0:62 / /var/kiln/with\\040space rw shared:5 master:2 - overlay kiln-c2 rw
      104 27 0:63 / /var/kilnother rw - tmpfs tmpfs rw
      """;

  @Test
  void parsesFieldsAroundOptionalTags() {
    MountTable table = MountTable.parse(MOUNTINFO);
    assertThat(table.mounts()).hasSize(5);
    MountInfo c1 = table.mounts().get(1);
    assertThat(c1.id()).isEqualTo(101);
    assertThat(c1.parentId()).isEqualTo(27);
    assertThat(c1.mountPoint()).isEqualTo(Path.of("/var/kiln/c1/rootfs"));
    assertThat(c1.fsType()).isEqualTo("overlay");
    assertThat(c1.source()).isEqualTo("kiln-c1");
    assertThat(c1.superOptions()).isEqualTo("rw,lowerdir+=/a,upperdir=/u");
    assertThat(table.mounts().get(3).source()).isEqualTo("kiln-c2");
  }

  @Test
  void unescapesOctalInMountPoints() {
    assertThat(MountTable.parse(MOUNTINFO).mounts().get(3).mountPoint())
        .isEqualTo(Path.of("/var/kiln/with space"));
  }

  @Test
  void findsMountsUnderADirectoryByPathComponentNotPrefix() {
    MountTable table = MountTable.parse(MOUNTINFO);
    assertThat(table.under(Path.of("/var/kiln")))
        .extracting(MountInfo::id)
        .containsExactly(101, 102, 103);
    assertThat(table.isMountPoint(Path.of("/var/kiln/c1/rootfs"))).isTrue();
    assertThat(table.isMountPoint(Path.of("/var/kiln/c1"))).isFalse();
  }
}
