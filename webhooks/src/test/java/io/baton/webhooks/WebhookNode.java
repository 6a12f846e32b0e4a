package io.baton.webhooks;

import io.baton.agent.Agent;
import io.baton.http.HttpApp;
import io.baton.http.JsonBody;
import io.baton.node.BatonNode;
import io.baton.testing.EventRecorder;
import io.baton.testing.TestDatabase;
import io.baton.testing.TestNodes;
import io.baton.config.BatonConfig;
import io.baton.wait.EventSource;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/** A real node with the webhook routes served over real HTTP on a free port. */
final class WebhookNode implements AutoCloseable {
    static final int MAX_BODY = 4096;

    final BatonNode node;
    final Javalin http;
    final EventRecorder events = new EventRecorder();
    private final HttpClient client = HttpClient.newHttpClient();

    WebhookNode(TestDatabase db, String nodeId, List<Agent> agents, List<EventSource> sources) {
        this(TestNodes.config(db, nodeId), agents, sources);
    }

    WebhookNode(BatonConfig config, List<Agent> agents, List<EventSource> sources) {
        BatonNode.Builder builder = BatonNode.builder(config).agents(agents).listener(events);
        sources.forEach(builder::eventSource);
        node = builder.start();
        http = HttpApp.create(node.json(), List.of(new WebhookRoutes(node.waits(), node.json(), new JsonBody(),
                MAX_BODY, Clock.systemUTC()))).start("localhost", 0);
    }

    HttpResponse<String> post(String path, String contentType, byte[] body, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + http.port() + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> postJson(String path, String body, Map<String, String> headers)
            throws IOException, InterruptedException {
        return post(path, "application/json", body.getBytes(), headers);
    }

    @Override
    public void close() {
        http.stop();
        node.close();
    }
}
