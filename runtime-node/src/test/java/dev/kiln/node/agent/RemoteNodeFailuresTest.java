package dev.kiln.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.common.node.Invocation;
import dev.kiln.common.node.NodeException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A remote node that is down, silent, hung or rude: the caller gets a clear 502/503, never a hang.
 */
class RemoteNodeFailuresTest {

  private static final RemoteNode.Settings QUICK =
      RemoteNode.Settings.DEFAULT
          .withRequestTimeout(Duration.ofMillis(400))
          .withInvokeMargin(Duration.ofMillis(200));

  private static NodeException thrown(Runnable call) {
    try {
      call.run();
    } catch (NodeException e) {
      return e;
    }
    throw new AssertionError("expected a NodeException");
  }

  @Test
  void hungInvocationEndsAtTheDeadlinePlusMargin() throws Exception {
    FakeNode fake = new FakeNode();
    CountDownLatch release = new CountDownLatch(1);
    fake.invoke =
        (id, inv) -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return null;
        };
    try (RunningAgent agent = RunningAgent.serving(fake, Optional.empty())) {
      RemoteNode node = agent.remote(null, QUICK);
      Invocation inv =
          new Invocation(
              "i", "POST", "/", "", Map.of(), new byte[0], Instant.now().plusMillis(300));

      long t0 = System.nanoTime();
      NodeException e = thrown(() -> node.invoke("c-1", inv));
      long millis = (System.nanoTime() - t0) / 1_000_000;

      assertThat(e.status()).isEqualTo(502);
      assertThat(e.getMessage())
          .startsWith("node " + agent.url + ": no answer within ")
          .endsWith(" ms while invoking container c-1");
      // Deadline 300 ms + margin 200 ms, and well short of any default timeout.
      assertThat(millis).isBetween(250L, 2_000L);
    } finally {
      release.countDown();
    }
  }

  @Test
  void nodeThatIsDownIs503() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    RemoteNode node = new RemoteNode(URI.create("http://127.0.0.1:" + port), null, QUICK);

    NodeException e = thrown(node::info);

    assertThat(e.status()).isEqualTo(503);
    assertThat(e.getMessage())
        .isEqualTo(
            "node http://127.0.0.1:" + port + ": connection refused while reading node info");
    assertThat(thrown(() -> node.stop("c-9")).getMessage())
        .isEqualTo(
            "node http://127.0.0.1:" + port + ": connection refused while stopping container c-9");
  }

  @Test
  void silentNodeIs502AfterTheTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> acceptAndHold(silent), "silent-node");
      acceptor.setDaemon(true);
      acceptor.start();
      String url = "http://127.0.0.1:" + silent.getLocalPort();
      RemoteNode node = new RemoteNode(URI.create(url), null, QUICK);

      long t0 = System.nanoTime();
      NodeException e = thrown(node::containers);
      long millis = (System.nanoTime() - t0) / 1_000_000;

      assertThat(e.status()).isEqualTo(502);
      assertThat(e.getMessage())
          .isEqualTo("node " + url + ": no answer within 400 ms while listing containers");
      assertThat(millis).isBetween(350L, 2_000L);
    }
  }

  @Test
  void nodeThatHangsUpIs502() throws Exception {
    try (ServerSocket rude = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      Thread acceptor =
          new Thread(
              () -> {
                while (!rude.isClosed()) {
                  try (Socket s = rude.accept()) {
                    s.getInputStream().read(new byte[1024]);
                    s.setSoLinger(true, 0);
                  } catch (Exception closed) {
                    return;
                  }
                }
              },
              "rude-node");
      acceptor.setDaemon(true);
      acceptor.start();
      String url = "http://127.0.0.1:" + rude.getLocalPort();
      RemoteNode node = new RemoteNode(URI.create(url), null, QUICK);

      NodeException e = thrown(node::stemCells);

      assertThat(e.status()).isEqualTo(502);
      assertThat(e.getMessage())
          .startsWith("node " + url + ": connection ")
          .endsWith(" while listing stem cells");
    }
  }

  @Test
  void answersThatAreNotTheAgentsAre502() throws Exception {
    try (RunningAgent proxy =
        RunningAgent.answering(
            r ->
                new AgentResponse(
                    502,
                    Map.of("Content-Type", List.of("text/html")),
                    "<html>Bad Gateway</html>".getBytes()))) {
      NodeException e = thrown(() -> proxy.remote().info());

      assertThat(e.status()).isEqualTo(502);
      assertThat(e.getMessage())
          .isEqualTo(
              "node "
                  + proxy.url
                  + ": unexpected answer 502 (<html>Bad Gateway</html>) while reading node info");
    }
  }

  @Test
  void oversizedAnswersAre502() throws Exception {
    try (RunningAgent flood =
        RunningAgent.answering(r -> AgentResponse.json(200, new byte[4096]))) {
      RemoteNode node =
          flood.remote(
              null,
              new RemoteNode.Settings(
                  Duration.ofSeconds(1),
                  Duration.ofSeconds(2),
                  Duration.ofSeconds(2),
                  Duration.ZERO,
                  1024));

      NodeException e = thrown(node::info);

      assertThat(e.status()).isEqualTo(502);
      assertThat(e.getMessage())
          .isEqualTo(
              "node " + flood.url + ": an answer larger than 1024 bytes while reading node info");
    }
  }

  @Test
  void stopEndsHungInvocations() throws Exception {
    FakeNode fake = new FakeNode();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    fake.invoke =
        (id, inv) -> {
          entered.countDown();
          try {
            Thread.sleep(60_000);
          } catch (InterruptedException e) {
            interrupted.countDown();
          }
          return null;
        };
    RunningAgent agent = RunningAgent.serving(fake, Optional.empty());
    Thread caller =
        new Thread(
            () -> {
              try {
                agent
                    .remote()
                    .invoke(
                        "c-1",
                        new Invocation(
                            "i",
                            "POST",
                            "/",
                            "",
                            Map.of(),
                            new byte[0],
                            Instant.now().plusSeconds(60)));
              } catch (NodeException expected) {
                // the node went away
              }
            });
    caller.start();
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();

    Thread stopper = new Thread(agent::close);
    stopper.start();
    // While the hung call has its grace period, new calls are turned away.
    NodeException refused = null;
    for (int i = 0; i < 50 && refused == null; i++) {
      try {
        agent.remote().info();
        Thread.sleep(10);
      } catch (NodeException e) {
        refused = e;
      }
    }
    assertThat(refused).isNotNull();
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.getMessage()).isEqualTo("node agent is stopping");

    assertThat(interrupted.await(5, TimeUnit.SECONDS)).isTrue();
    stopper.join(5_000);
    caller.join(5_000);
    assertThat(caller.isAlive()).isFalse();
  }

  private static void acceptAndHold(ServerSocket server) {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        InputStream in = s.getInputStream();
        in.read(new byte[1024]);
        // holds the connection open and never answers
      } catch (Exception closed) {
        return;
      }
    }
  }
}
