package io.baton.ops;

import io.baton.agent.Agent;
import io.baton.audit.AuditLog;
import io.baton.config.BatonConfig;
import io.baton.node.BatonNode;
import io.baton.ops.access.ApiKeys;
import io.baton.ops.admin.AdminApiKey;
import io.baton.ops.admin.AdminRoutes;
import io.baton.ops.agents.AgentLoader;
import io.baton.ops.http.HealthRoutes;
import io.baton.persistence.Transactions;
import io.baton.webhooks.WebhookRoutes;
import java.time.Clock;
import io.baton.http.HttpApp;
import io.baton.http.JsonBody;
import io.javalin.Javalin;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A node plus its HTTP server: what {@code baton server} runs. */
public final class BatonServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatonServer.class);

    private final BatonNode node;
    private final Javalin http;
    private final AdminApiKey apiKey;

    private BatonServer(BatonNode node, Javalin http, AdminApiKey apiKey) {
        this.node = node;
        this.http = http;
        this.apiKey = apiKey;
    }

    /** Starts a node with the agents found by {@link AgentLoader} and serves its HTTP surfaces. */
    public static BatonServer start(BatonConfig config) {
        List<Agent> agents = AgentLoader.load(config.agentsDir());
        BatonNode node = BatonNode.builder(config).agents(agents).start();
        AdminApiKey apiKey = null;
        try {
            apiKey = AdminApiKey.resolve(config);
            JsonBody bodies = new JsonBody();
            Transactions transactions = new Transactions(node.database().dataSource());
            AuditLog audit = new AuditLog(node.json());
            ApiKeys keys = new ApiKeys(transactions, audit, apiKey, Clock.systemUTC());
            Javalin http = HttpApp.create(node.json(), List.of(
                            new HealthRoutes(node),
                            new AdminRoutes(new AdminRoutes.Services(node.tasks(), node.waits(), node.callbacks(), keys,
                                    audit, transactions, node.json(), Clock.systemUTC(), node.operations(), node.agents(),
                                    config.http().bulkMax()), bodies),
                            new WebhookRoutes(node.waits(), node.json(), bodies, config.http().webhookMaxBody(),
                                    Clock.systemUTC())))
                    .start(config.http().host(), config.http().port());
            LOG.info("Node {} serving HTTP on {}:{}", node.nodeId(), config.http().host(), http.port());
            if (!apiKey.configured()) {
                LOG.warn("No bootstrap admin key: set BATON_ADMIN_API_KEY to use /admin/api (keys made with "
                        + "POST /admin/api/keys on another node work here too)");
            }
            return new BatonServer(node, http, apiKey);
        } catch (RuntimeException e) {
            if (apiKey != null) {
                apiKey.discardGenerated(); // never shown: the next start generates (and shows) a new one
            }
            node.close();
            throw e;
        }
    }

    /** The admin key generated at this start (first start on the embedded database), to show once. */
    public Optional<String> generatedAdminKey() {
        return apiKey.generatedKey();
    }

    public BatonNode node() {
        return node;
    }

    /** Every HTTP route this server answers, as {@code "GET /admin/api/tasks"} (for the OpenAPI check). */
    public List<String> httpRoutes() {
        return http.unsafe.internalRouter.allHttpHandlers().stream()
                .map(e -> e.endpoint.method.name() + " " + e.endpoint.path).toList();
    }

    public int httpPort() {
        return http.port();
    }

    /** Drains the node first (so in-flight work finishes), then stops answering HTTP. */
    @Override
    public void close() {
        node.close();
        http.stop();
    }
}
