package io.baton.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.baton.chaos.check.FinalState.Received;
import io.baton.signature.StandardWebhooksScheme;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The receiver of the cluster's outbound callbacks: verifies each request's Standard Webhooks signature with the
 * endpoint's secret and logs what it got (before answering, so a request it answered is always in the log). A fault
 * can make it fail (500), hang past the senders' timeout, or answer 410 Gone for a while.
 */
final class CallbackReceiver implements AutoCloseable {
    enum Mode { OK, FAIL, HANG, GONE }

    private final HttpServer server;
    private final ObjectMapper json = new ObjectMapper();
    private final List<Received> log = new ArrayList<>();
    private volatile String secret;
    private volatile Mode mode = Mode.OK;
    private volatile long hangMillis;
    private final java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();

    CallbackReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(32));
        server.createContext("/hook", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** The endpoint's signing secret, as the registration answered it. */
    void secret(String value) {
        secret = value;
    }

    void mode(Mode value, long hangFor) {
        hangMillis = hangFor;
        mode = value;
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        requests.incrementAndGet();
        Mode now = mode;
        try {
            if (now == Mode.HANG) {
                Thread.sleep(hangMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (now == Mode.OK) {
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, values.get(0)));
            boolean valid = secret != null && new StandardWebhooksScheme(secret, Clock.systemUTC())
                    .verify(headers, body).isValid();
            JsonNode event = json.readTree(body);
            JsonNode data = event.path("data");
            synchronized (log) {
                log.add(new Received(headers.entrySet().stream()
                        .filter(h -> h.getKey().equalsIgnoreCase(StandardWebhooksScheme.ID_HEADER))
                        .map(Map.Entry::getValue).findFirst().orElse(null), event.path("type").asText(),
                        data.path("taskId").asText(null), data.path("waitId").asText(null), valid));
            }
        }
        int status = switch (now) {
            case OK -> 204;
            case FAIL, HANG -> 500;
            case GONE -> 410;
        };
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    /** Requests received so far, whatever was answered. */
    int requests() {
        return requests.get();
    }

    /** What was received and acknowledged with 2xx, in order. */
    List<Received> log() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
