package io.baton.callback;

import io.baton.callback.DeliveryRepository.Attempt;
import io.baton.callback.DeliveryRepository.Claimed;
import io.baton.config.CallbackConfig;
import io.baton.persistence.Notifications;
import io.baton.persistence.StoreUnavailableException;
import io.baton.persistence.Transactions;
import io.baton.secret.SecretBox;
import io.baton.secret.SecretUnavailableException;
import io.baton.signature.StandardWebhooksScheme;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the outbox: any node may, each delivery is in flight on one node at a time (a lease taken in the claim; a
 * node that dies mid-send leaves it to be sent again, with the same {@code webhook-id}, once the lease runs out).
 * Due deliveries are claimed in batches ({@code FOR UPDATE SKIP LOCKED}) as soon as {@code NOTIFY baton_outbox}
 * says some were queued (or at the next poll), sent concurrently with at most
 * {@code BATON_CALLBACK_CONCURRENCY} in flight per endpoint (a slow endpoint never holds up the others), signed per the
 * Standard Webhooks spec. 2xx is delivered; 410 disables the endpoint; a redirect is a failure (never followed);
 * anything else is retried on the schedule ({@code Retry-After} of a 429 or 503 is honoured) until the delivery is
 * dead; an endpoint failing for {@code BATON_CALLBACK_DISABLE_AFTER} is disabled. Each connection goes to an address
 * the SSRF rules approved in the one lookup made for it.
 */
public final class CallbackSender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CallbackSender.class);
    static final int EXCERPT_BYTES = 256;
    private static final int THREADS = 32;

    private final Transactions transactions;
    private final DeliveryRepository deliveries;
    private final SsrfGuard guard;
    private final SecretBox secrets;
    private final CallbackConfig config;
    private final RetrySchedule schedule;
    private final Clock clock;
    private final String node;
    private final Duration pollInterval;
    private final CloseableHttpClient http;
    private final ExecutorService threads;
    private final SettlementWriter settlements;
    private final Map<UUID, Lane> lanes = new HashMap<>(); // guarded by itself
    private final AtomicInteger busy = new AtomicInteger();
    private final AtomicReference<Duration> lag = new AtomicReference<>(Duration.ZERO);
    private final Object signal = new Object();
    private final Counter delivered;
    private final Counter retried;
    private final Counter dead;
    private final Timer attempts;
    private volatile boolean stopped;
    private Thread loop;
    private Notifications notifications;

    /** Puts the resume URL into a {@code task.waiting} event as it is sent. */
    private final ResumeUrlPlaceholder resumeUrls;

    public CallbackSender(Transactions transactions, DeliveryRepository deliveries, SsrfGuard guard,
                          SecretBox secrets, CallbackConfig config, Clock clock, String node, Duration pollInterval,
                          MeterRegistry metrics, ResumeUrlPlaceholder resumeUrls) {
        this.resumeUrls = resumeUrls;
        this.transactions = transactions;
        this.deliveries = deliveries;
        this.guard = guard;
        this.secrets = secrets;
        this.config = config;
        this.schedule = new RetrySchedule(config.retrySchedule());
        this.clock = clock;
        this.node = node;
        this.pollInterval = pollInterval;
        Timeout timeout = Timeout.of(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
        PoolingHttpClientConnectionManager connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(new CheckedResolver(guard))
                .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(timeout)
                        .setSocketTimeout(timeout).build())
                .setMaxConnTotal(THREADS * 2)
                .setMaxConnPerRoute(config.concurrency())
                .build();
        this.http = HttpClients.custom().setConnectionManager(connections).disableRedirectHandling()
                .disableAutomaticRetries().disableCookieManagement().disableAuthCaching()
                .setUserAgent("Baton-Callbacks")
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(timeout)
                        .setConnectionRequestTimeout(timeout).build())
                .build();
        this.settlements = new SettlementWriter(transactions, deliveries, node);
        AtomicInteger count = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(THREADS, r -> {
            Thread thread = new Thread(r, "baton-callback-" + node + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.delivered = Counter.builder("baton.callback.deliveries").tag("outcome", "delivered")
                .description("Callback attempts by outcome").register(metrics);
        this.retried = Counter.builder("baton.callback.deliveries").tag("outcome", "retry").register(metrics);
        this.dead = Counter.builder("baton.callback.deliveries").tag("outcome", "dead").register(metrics);
        this.attempts = Timer.builder("baton.callback.attempt").description("How long one callback attempt took")
                .register(metrics);
        Gauge.builder("baton.callback.outbox.lag", lag, l -> l.get().toNanos() / 1e9).baseUnit("seconds")
                .description("How long the oldest due callback delivery has waited").register(metrics);
    }

    /** Starts sending, woken by {@code NOTIFY baton_outbox} (sent as events commit) or, at the latest, the poll. */
    public void start(Notifications.ConnectionOpener opener, javax.sql.DataSource pool) {
        notifications = new Notifications(Notifications.OUTBOX, opener, pool, this::wake, node);
        notifications.start();
        settlements.start();
        loop = new Thread(this::run, "baton-callbacks-" + node);
        loop.setDaemon(true);
        loop.start();
    }

    /** Something may be due now (an event was written, a delivery replayed): look at once. */
    public void wake() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    private void run() {
        Instant lagMeasuredAt = Instant.MIN;
        while (!stopped) {
            boolean more = false;
            try {
                Instant now = clock.instant();
                if (!now.isBefore(lagMeasuredAt.plusSeconds(1))) {
                    Instant oldest = transactions.inTransaction(c -> deliveries.oldestDue(c, now));
                    lag.set(oldest == null ? Duration.ZERO : Duration.between(oldest, now));
                    lagMeasuredAt = now;
                }
                more = claimAndSend(now);
            } catch (StoreUnavailableException e) {
                LOG.warn("Node {} cannot reach the database to send callbacks ({}); retrying", node, e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("Node {} callback round failed; retrying", node, e);
            }
            if (!more) {
                synchronized (signal) {
                    try {
                        signal.wait(pollInterval.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    /**
     * One endpoint's deliveries on this node: attempts running (at most {@code BATON_CALLBACK_CONCURRENCY}) and
     * claimed ones waiting for one of them to end (at most as many again, so each starts within one attempt's time
     * and its lease, two attempts long, holds). A thread that ends an attempt takes the next waiting one of its
     * endpoint at once, without a claim in between.
     */
    private static final class Lane {
        int running;
        final ArrayDeque<Claimed> waiting = new ArrayDeque<>();
    }

    /** Claims what free threads can take, each endpoint up to its lane's room; whether a full batch was claimed. */
    private boolean claimAndSend(Instant now) {
        int free = THREADS - busy.get();
        if (free <= 0) {
            return false;
        }
        int laneSize = 2 * config.concurrency();
        Map<UUID, Integer> room = new HashMap<>();
        synchronized (lanes) {
            lanes.forEach((id, lane) -> room.put(id, laneSize - lane.running - lane.waiting.size()));
        }
        // Long enough for the attempt and its record; a node that dies mid-send hands the delivery on after it.
        Instant leaseUntil = now.plus(config.timeout().multipliedBy(2)).plusSeconds(5);
        List<Claimed> claimed = transactions.inTransaction(c -> deliveries.claim(c, node, now, leaseUntil, room,
                laneSize, free));
        for (Claimed delivery : claimed) {
            boolean runNow;
            synchronized (lanes) {
                Lane lane = lanes.computeIfAbsent(delivery.callbackId(), k -> new Lane());
                runNow = lane.running < config.concurrency();
                if (runNow) {
                    lane.running++;
                    busy.incrementAndGet();
                } else {
                    lane.waiting.add(delivery);
                }
            }
            if (runNow) {
                threads.execute(() -> runLane(delivery));
            }
        }
        return claimed.size() == free;
    }

    /** Attempts {@code first}, then whatever waits in its endpoint's lane, until the lane has nothing waiting. */
    private void runLane(Claimed first) {
        UUID endpoint = first.callbackId();
        Claimed next = first;
        while (next != null) {
            try {
                attempt(next);
            } catch (RuntimeException e) {
                LOG.warn("Callback {} of event {}: the attempt failed unexpectedly ({}); it is retried when its lease "
                        + "ends", endpoint, next.eventId(), e.toString());
            }
            synchronized (lanes) {
                Lane lane = lanes.get(endpoint);
                next = lane.waiting.poll();
                if (next == null) {
                    lane.running--;
                    busy.decrementAndGet();
                    if (lane.running == 0) {
                        lanes.remove(endpoint);
                    }
                }
            }
            wake(); // room in the lane: claim more
        }
    }

    /** One attempt of one delivery; its record is queued for the next batch. */
    void attempt(Claimed claimed) {
        Instant started = clock.instant();
        if (!claimed.enabled()) {
            settlements.submit(Settlement.endpointDisabled(claimed, node, started));
            return;
        }
        Attempt result = send(claimed, started);
        Settlement settlement = Settlement.judge(claimed, result, clock.instant(), schedule, config,
                ThreadLocalRandom.current());
        switch (settlement.state()) {
            case "DELIVERED" -> delivered.increment();
            case "DEAD" -> dead.increment();
            default -> retried.increment();
        }
        settlements.submit(settlement);
    }

    /** Posts the event, signed; what came of it (never throws for what the endpoint or the network does). */
    private Attempt send(Claimed loaded, Instant at) {
        long started = System.nanoTime();
        try {
            URI url = URI.create(loaded.url());
            guard.checkShape(url);
            byte[] body = resumeUrls.render(loaded.payload()).getBytes(StandardCharsets.UTF_8);
            String id = loaded.eventId().toString();
            long timestamp = at.getEpochSecond();
            HttpPost post = new HttpPost(url);
            post.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
            post.setHeader("webhook-id", id);
            post.setHeader("webhook-timestamp", Long.toString(timestamp));
            post.setHeader("webhook-signature", signatures(loaded, id, timestamp, body, at));
            return http.execute(post, response -> {
                int latency = (int) ((System.nanoTime() - started) / 1_000_000);
                String excerpt = null;
                if (response.getEntity() != null) {
                    try (InputStream in = response.getEntity().getContent()) {
                        excerpt = new String(in.readNBytes(EXCERPT_BYTES), StandardCharsets.UTF_8);
                    }
                }
                attempts.record(Duration.ofMillis(latency));
                Header retryAfter = response.getFirstHeader("Retry-After");
                int code = response.getCode();
                Duration asked = (code == 429 || code == 503) && retryAfter != null
                        ? retryAfter(retryAfter.getValue(), at) : null;
                return new Attempt(loaded.attempt(), node, at, code, latency, excerpt,
                        code >= 300 && code < 400 ? "redirect to elsewhere (not followed)" : null, asked);
            });
        } catch (UnsafeTargetException e) {
            return new Attempt(loaded.attempt(), node, at, null, null, null, "refused: " + e.getMessage(), null);
        } catch (SecretUnavailableException e) { // a sealed secret that does not open: nothing is sent unsigned
            return new Attempt(loaded.attempt(), node, at, null, null, null, "not sent: " + e.getMessage(), null);
        } catch (IOException | IllegalArgumentException e) {
            int latency = (int) ((System.nanoTime() - started) / 1_000_000);
            attempts.record(Duration.ofMillis(latency));
            return new Attempt(loaded.attempt(), node, at, null, latency, null,
                    e.getClass().getSimpleName() + ": " + e.getMessage(), null);
        }
    }

    /** {@code v1,<sig>} under the current secret, and under the previous one while its overlap lasts. */
    private String signatures(Claimed loaded, String id, long timestamp, byte[] body, Instant now) {
        List<String> all = new ArrayList<>();
        all.add(new StandardWebhooksScheme(secrets.open(loaded.secret(),
                CallbackRepository.SECRET.context(loaded.callbackId().toString())), clock).sign(id, timestamp, body));
        if (loaded.previous() != null && loaded.previousUntil() != null && loaded.previousUntil().isAfter(now)) {
            all.add(new StandardWebhooksScheme(secrets.open(loaded.previous(),
                    CallbackRepository.PREVIOUS_SECRET.context(loaded.callbackId().toString())), clock)
                    .sign(id, timestamp, body));
        }
        return String.join(" ", all);
    }

    /** A {@code Retry-After} value: seconds, or an HTTP date. */
    static Duration retryAfter(String value, Instant now) {
        String text = value.trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(text)));
        } catch (NumberFormatException e) {
            try {
                Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
            } catch (java.time.format.DateTimeParseException ignored) {
                return null;
            }
        }
    }

    @Override
    public void close() {
        stopped = true;
        if (notifications != null) {
            notifications.close();
        }
        wake();
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
            settlements.close();
            http.close();
        } catch (IOException e) {
            LOG.debug("closing the callback HTTP client: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (loop != null) {
            try {
                loop.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The one lookup a connection makes: its addresses only if every one passes the SSRF rules. */
    private record CheckedResolver(SsrfGuard guard) implements DnsResolver {
        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            try {
                return guard.resolve(host).toArray(new InetAddress[0]);
            } catch (UnsafeTargetException e) {
                throw new RefusedHostException(e.getMessage());
            }
        }

        @Override
        public String resolveCanonicalHostname(String host) {
            return host;
        }
    }

    /** The SSRF rules refused the host's addresses (an {@link UnknownHostException} for the HTTP client's sake). */
    static final class RefusedHostException extends UnknownHostException {
        RefusedHostException(String message) {
            super("refused by the SSRF rules: " + message);
        }
    }
}
