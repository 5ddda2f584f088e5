package dev.kiln.gateway.functions;

/**
 * A CDI event: a function became public or key-protected. Fired inside the transaction that makes
 * the change, like {@link FunctionChanged}.
 *
 * @param name the function's name
 */
public record FunctionAccessChanged(String name) {}
