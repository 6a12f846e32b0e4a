package io.baton.config;

/** The node's HTTP listener. */
public record HttpConfig(String host, int port) {
}
