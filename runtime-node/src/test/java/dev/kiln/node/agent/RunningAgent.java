package dev.kiln.node.agent;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.function.Function;

/** A real {@link NodeAgentServer} on a loopback port, over a handler, for one test. */
final class RunningAgent implements AutoCloseable {

  final NodeAgentServer server;
  final URI url;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private RunningAgent(NodeAgentServer server) throws IOException {
    this.server = server;
    int port = server.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    this.url = URI.create("http://127.0.0.1:" + port);
  }

  /** Serves {@code node}, checking {@code token} when present. */
  static RunningAgent serving(FakeNode node, Optional<String> token) throws IOException {
    return new RunningAgent(new NodeAgentServer(new NodeAgentHandler(node, token)));
  }

  /** Serves whatever {@code handler} answers. */
  static RunningAgent answering(Function<AgentRequest, AgentResponse> handler) throws IOException {
    return new RunningAgent(new NodeAgentServer(handler, 8));
  }

  RemoteNode remote() {
    return new RemoteNode(url);
  }

  RemoteNode remote(String token, RemoteNode.Settings settings) {
    return new RemoteNode(url, token, settings);
  }

  /** Sends a raw request, as curl would. */
  HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(url.resolve(path));
  }

  @Override
  public void close() {
    server.stop();
  }
}
