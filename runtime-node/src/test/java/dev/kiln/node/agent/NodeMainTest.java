package dev.kiln.node.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.common.Runtime;
import dev.kiln.common.node.NodeException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@code kiln node}: its options, and a node started from them answering through the agent. */
class NodeMainTest {

  private static final Path HOME = Path.of("/home/ada");

  private static NodeOptions parse(String... args) {
    return NodeOptions.parse(args, Map.of(), HOME);
  }

  @Test
  void defaults() {
    NodeOptions o = parse();

    assertThat(o.dataDir()).isEqualTo(Path.of("/home/ada/.kiln/node"));
    assertThat(o.listenAddress()).isEqualTo("127.0.0.1:7070");
    assertThat(o.registry()).isEmpty();
    assertThat(o.token()).isEmpty();
    assertThat(o.stemCells()).isEmpty();
  }

  @Test
  void everyOption() {
    NodeOptions o =
        parse(
            "--data-dir",
            "/var/lib/kiln",
            "--listen=0.0.0.0:7171",
            "--registry",
            "http://10.0.0.5:5000",
            "--token",
            "s3cret",
            "--stem-cells",
            "python=2, node=2,java=1");

    assertThat(o.dataDir()).isEqualTo(Path.of("/var/lib/kiln"));
    assertThat(o.host()).isEqualTo("0.0.0.0");
    assertThat(o.port()).isEqualTo(7171);
    assertThat(o.registry()).hasValue(URI.create("http://10.0.0.5:5000"));
    assertThat(o.token()).hasValue("s3cret");
    assertThat(o.stemCells())
        .containsExactly(
            Map.entry(Runtime.JAVA, 1), Map.entry(Runtime.PYTHON, 2), Map.entry(Runtime.NODE, 2));
  }

  @Test
  void joiningAControlPlane() {
    NodeOptions o =
        parse(
            "--join",
            "http://10.0.0.5:8080",
            "--key",
            "kiln_abc",
            "--advertise",
            "http://node-3.internal:7070",
            "--memory",
            "512");

    assertThat(o.join()).hasValue(URI.create("http://10.0.0.5:8080"));
    assertThat(o.key()).hasValue("kiln_abc");
    assertThat(o.advertise()).hasValue(URI.create("http://node-3.internal:7070"));
    assertThat(o.memoryMiB()).hasValue(512L);
    assertThat(o.pullRegistry()).as("images come from the control plane").isEqualTo(o.join());
    assertThat(parse("--join", "http://cp:8080", "--registry", "http://r:5000").pullRegistry())
        .hasValue(URI.create("http://r:5000"));
    assertThat(
            NodeOptions.parse(
                    new String[] {"--join", "http://cp:8080"},
                    Map.of("KILN_API_KEY", "kiln_env"),
                    HOME)
                .key())
        .hasValue("kiln_env");
  }

  @Test
  void theAdvertisedUrlIsTheListenAddressOrTheRouteToTheControlPlane() {
    URI cp = URI.create("http://127.0.0.1:8080");
    assertThat(NodeMain.advertised(parse("--listen", "127.0.0.1:7171"), cp))
        .isEqualTo(URI.create("http://127.0.0.1:7171"));
    assertThat(NodeMain.advertised(parse("--listen", "0.0.0.0:7171"), cp))
        .as("listening everywhere: the address that routes to the control plane")
        .isEqualTo(URI.create("http://127.0.0.1:7171"));
  }

  @Test
  void tokenFromTheEnvironmentAndIpv6() {
    NodeOptions o =
        NodeOptions.parse(
            new String[] {"--listen", "[::1]:0"}, Map.of("KILN_NODE_TOKEN", "t"), HOME);

    assertThat(o.token()).hasValue("t");
    assertThat(o.host()).isEqualTo("::1");
    assertThat(o.listenAddress()).isEqualTo("[::1]:0");
  }

  @Test
  void badOptionsSayWhatIsWrong() {
    assertThatThrownBy(() -> parse("--port", "1")).hasMessage("unknown option '--port'");
    assertThatThrownBy(() -> parse("--listen")).hasMessage("--listen needs a value");
    assertThatThrownBy(() -> parse("--listen", "7070"))
        .hasMessage("--listen must be HOST:PORT, got '7070'");
    assertThatThrownBy(() -> parse("--listen", "localhost:99999"))
        .hasMessage("port must be between 0 and 65535, got 99999");
    assertThatThrownBy(() -> parse("--registry", "10.0.0.5:5000"))
        .hasMessage("--registry must be a URL such as http://127.0.0.1:5000, got '10.0.0.5:5000'");
    assertThatThrownBy(() -> parse("--join", "cp:8080"))
        .hasMessage("--join must be a URL such as http://127.0.0.1:8080, got 'cp:8080'");
    assertThatThrownBy(() -> parse("--advertise", "http://n:7070"))
        .hasMessage("--advertise needs --join: it is the URL a control plane calls this node at");
    assertThatThrownBy(() -> parse("--memory", "lots"))
        .hasMessage("--memory must be a whole number of MiB such as 4096, got 'lots'");
    assertThatThrownBy(() -> parse("--memory", "8"))
        .hasMessage("--memory must be at least 16 MiB, got 8");
    assertThatThrownBy(() -> parse("--stem-cells", "ruby=1"))
        .hasMessage("unknown runtime 'ruby' (known: java, python, node, binary)");
    assertThatThrownBy(() -> parse("--stem-cells", "python"))
        .hasMessage(
            "--stem-cells must be RUNTIME=COUNT pairs such as python=2,node=2,java=1, got 'python'");
    assertThatThrownBy(() -> parse("--stem-cells", "python=many"))
        .hasMessage("--stem-cells: 'python=many' needs a whole number of stem cells");
    assertThatThrownBy(() -> parse("--stem-cells", "java=65"))
        .hasMessage("stem cells of java must be between 0 and 64, got 65");
  }

  @Test
  void startsTheEngineAndServesIt() throws Exception {
    FakeNode fake = new FakeNode();
    AtomicReference<NodeOptions> given = new AtomicReference<>();
    NodeOptions options =
        parse("--listen", "127.0.0.1:0", "--token", "s3cret", "--data-dir", "/tmp/kiln-node");
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    try (NodeMain.Running running =
        NodeMain.start(
            options,
            o -> {
              given.set(o);
              return fake;
            },
            new PrintStream(out, true, StandardCharsets.UTF_8))) {
      String url = "http://127.0.0.1:" + running.port();

      assertThat(given.get()).isEqualTo(options);
      assertThat(out.toString(StandardCharsets.UTF_8))
          .isEqualTo("kiln node listening on " + url + " (data: /tmp/kiln-node)\n");
      assertThat(new RemoteNode(URI.create(url), "s3cret", RemoteNode.Settings.DEFAULT).info())
          .isEqualTo(FakeNode.INFO);
      assertThatThrownBy(() -> new RemoteNode(URI.create(url)).info())
          .isInstanceOfSatisfying(NodeException.class, e -> assertThat(e.status()).isEqualTo(401));
    }
  }

  @Test
  void aTakenPortIsReported() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      NodeOptions options = parse("--listen", "127.0.0.1:" + taken.getLocalPort());

      assertThatThrownBy(() -> NodeMain.start(options, o -> new FakeNode(), System.out))
          .hasMessageStartingWith("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": ");
    }
  }
}
