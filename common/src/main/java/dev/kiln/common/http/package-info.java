/**
 * A small HTTP/1.1 client over Unix domain sockets, for talking to function runners (the Kiln
 * function protocol, {@code docs/protocol.md}).
 */
package dev.kiln.common.http;
