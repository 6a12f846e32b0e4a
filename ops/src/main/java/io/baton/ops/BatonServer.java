package io.baton.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.baton.config.BatonConfig;
import io.baton.node.BatonNode;
import io.baton.ops.http.HealthRoutes;
import io.baton.ops.http.HttpApp;
import io.javalin.Javalin;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A node plus its HTTP server: what {@code baton server} runs. */
public final class BatonServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatonServer.class);

    private final BatonNode node;
    private final Javalin http;

    private BatonServer(BatonNode node, Javalin http) {
        this.node = node;
        this.http = http;
    }

    public static BatonServer start(BatonConfig config) {
        BatonNode node = BatonNode.start(config);
        try {
            ObjectMapper json = new ObjectMapper()
                    .registerModule(new JavaTimeModule())
                    .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
            Javalin http = HttpApp.create(json, List.of(new HealthRoutes(node)))
                    .start(config.http().host(), config.http().port());
            LOG.info("Node {} serving HTTP on {}:{}", node.nodeId(), config.http().host(), http.port());
            return new BatonServer(node, http);
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
    }

    public BatonNode node() {
        return node;
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
