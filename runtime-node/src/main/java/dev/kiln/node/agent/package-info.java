/**
 * The node agent: the runtime node's {@link dev.kiln.common.node.NodeApi} over HTTP, so the
 * scheduler drives a remote node exactly like the engine in its own process.
 *
 * <ul>
 *   <li>{@link dev.kiln.node.agent.NodeAgentHandler}: the API as a framework-free handler, request
 *       record in, response record out; the gateway mounts it on its own server.
 *   <li>{@link dev.kiln.node.agent.NodeAgentServer}: the handler on the JDK's HTTP server, for the
 *       standalone node process ({@link dev.kiln.node.agent.NodeMain}).
 *   <li>{@link dev.kiln.node.agent.RemoteNode}: the client, a {@code NodeApi} whose calls all end
 *       within a timeout.
 *   <li>{@link dev.kiln.node.agent.AgentJson} and {@code InvokeWire}: the wire format, JSON for
 *       management calls and plain HTTP for invocations (see {@code docs/node-agent.md}).
 * </ul>
 */
package dev.kiln.node.agent;
