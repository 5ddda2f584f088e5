package dev.kiln.runtime;

import java.util.List;
import java.util.Map;

/**
 * One HTTP request as read off the socket.
 *
 * @param method request method
 * @param path path part of the request target
 * @param query query part of the request target without {@code ?}, empty when absent
 * @param headers header fields, keys case-insensitive
 * @param body the decoded body (chunked framing removed)
 * @param keepAlive whether the connection may carry another request after this one
 */
record RawRequest(
    String method,
    String path,
    String query,
    Map<String, List<String>> headers,
    byte[] body,
    boolean keepAlive) {}
