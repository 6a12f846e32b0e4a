package io.baton.http;

import io.javalin.config.RoutesConfig;

/** One HTTP surface's routes, registered into the node's single Javalin app. */
@FunctionalInterface
public interface RouteTable {
    void register(RoutesConfig routes);
}
