package dev.kiln.gateway.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Start-up decisions, without starting anything. */
class BootChecksTest {

  record FakeHost(boolean isRoot, List<String> executables, String filesystems, String mounts)
      implements Prerequisites.Host {
    @Override
    public Optional<Path> onPath(String name) {
      return executables.contains(name) ? Optional.of(Path.of("/usr/bin", name)) : Optional.empty();
    }
  }

  static final String CGROUP_MOUNT = "cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid 0 0\n";

  @Test
  void aReadyMachineLacksNothing() {
    var host = new FakeHost(true, List.of("runc"), "nodev\toverlay\n", CGROUP_MOUNT);
    assertThat(Prerequisites.check(host)).isEmpty();
  }

  @Test
  void everyMissingPieceIsNamedWithItsFix() {
    var host = new FakeHost(false, List.of(), "nodev\tproc\n", "proc /proc proc rw 0 0\n");
    assertThat(Prerequisites.check(host))
        .extracting(Prerequisites.Missing::toString)
        .containsExactly(
            "root privileges (containers need namespaces, mounts and cgroups): run Kiln as root,"
                + " e.g. sudo ./kiln up",
            "an OCI runtime (runc or crun): apt-get install runc",
            "overlayfs (no 'overlay' in /proc/filesystems): load the module: modprobe overlay",
            "cgroups (none mounted): mount cgroup v2: mount -t cgroup2 none /sys/fs/cgroup");
  }

  @Test
  void crunAloneIsEnough() {
    var host = new FakeHost(true, List.of("crun"), "nodev\toverlay\n", CGROUP_MOUNT);
    assertThat(Prerequisites.ociRuntime(host)).contains(Path.of("/usr/bin/crun"));
  }

  @Test
  void runcIsInstalledOnlyWhenMissingAsRootWithAptGet() {
    assertThat(RuncInstaller.decide(true, true, true))
        .isEqualTo(RuncInstaller.Decision.NOTHING_TO_DO);
    assertThat(RuncInstaller.decide(false, true, true)).isEqualTo(RuncInstaller.Decision.INSTALL);
    assertThat(RuncInstaller.decide(false, false, true))
        .isEqualTo(RuncInstaller.Decision.TELL_USER);
    assertThat(RuncInstaller.decide(false, true, false))
        .isEqualTo(RuncInstaller.Decision.TELL_USER);
  }

  @Test
  void rolesParseAndExpand() {
    assertThat(Role.parseList("all"))
        .containsExactlyInAnyOrder(
            Role.GATEWAY, Role.SCHEDULER, Role.BUILDER, Role.NODE, Role.REGISTRY);
    assertThat(Role.parseList("gateway, registry"))
        .containsExactlyInAnyOrder(Role.GATEWAY, Role.REGISTRY);
    assertThat(Role.needsDatabase(EnumSet.of(Role.NODE))).isFalse();
    assertThat(Role.needsDatabase(Role.CONTROL_PLANE)).isTrue();
    assertThatThrownBy(() -> Role.parseList("gateway,nodes"))
        .hasMessage(
            "kiln.roles: unknown role 'nodes' (known: gateway, scheduler, builder, node, registry,"
                + " all)");
  }

  @Test
  void databaseUrlsInBothFormsBecomeJdbcUrls() {
    assertThat(DatabaseUrl.parse("jdbc:postgresql://db:5432/kiln"))
        .isEqualTo(
            new DatabaseUrl("jdbc:postgresql://db:5432/kiln", Optional.empty(), Optional.empty()));
    assertThat(DatabaseUrl.parse("postgresql://kiln:s%40cret@db.example:6543/kiln?sslmode=require"))
        .isEqualTo(
            new DatabaseUrl(
                "jdbc:postgresql://db.example:6543/kiln?sslmode=require",
                Optional.of("kiln"),
                Optional.of("s@cret")));
    assertThatThrownBy(() -> DatabaseUrl.parse("mysql://db/kiln"))
        .hasMessageContaining("neither jdbc:postgresql://HOST:PORT/DB nor postgresql://");
  }

  @Test
  void bootSettingsPreferSystemPropertiesOverTheEnvironment() {
    Properties props = new Properties();
    props.setProperty("user.home", "/home/u");
    props.setProperty("kiln.roles", "gateway");
    BootSettings s =
        BootSettings.from(
            Map.of("KILN_ROLES", "all", "KILN_DB_URL", "jdbc:postgresql://x/y"), props);
    assertThat(s.roles()).containsExactly(Role.GATEWAY);
    assertThat(s.dataDir()).isEqualTo(Path.of("/home/u/.kiln"));
    assertThat(s.dbUrl()).contains("jdbc:postgresql://x/y");
    assertThat(s.embeddedPort()).isZero();
  }
}
