package io.baton.ops.http;

import io.baton.node.BatonNode;
import io.baton.node.NodeHealth;
import io.baton.http.RouteTable;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /health/live} (the process answers), {@code GET /health/ready} (it can do work) and
 * {@code GET /metrics} (Prometheus text format).
 */
public final class HealthRoutes implements RouteTable {
    private final BatonNode node;

    public HealthRoutes(BatonNode node) {
        this.node = node;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/health/live", this::live);
        routes.get("/health/ready", this::ready);
        routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(node.scrapeMetrics()));
    }

    private void live(Context ctx) {
        ctx.json(Map.of("status", "UP", "node", node.nodeId()));
    }

    private void ready(Context ctx) {
        NodeHealth health = node.health();
        Map<String, String> checks = new LinkedHashMap<>();
        checks.put("database", upDown(health.databaseReachable()));
        checks.put("migrations", upDown(health.migrationsApplied()));
        checks.put("scheduler", upDown(health.schedulerStarted()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", upDown(health.ready()));
        body.put("node", health.nodeId());
        body.put("checks", checks);
        ctx.status(health.ready() ? 200 : 503).json(body);
    }

    private static String upDown(boolean up) {
        return up ? "UP" : "DOWN";
    }
}
