package io.baton.wait;

import io.baton.agent.Wait;
import io.baton.agent.ResumeLink;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.event.EngineEvents;
import io.baton.callback.EventType;
import io.baton.callback.Outbox;
import io.baton.persistence.Transactions;
import io.baton.secret.SecretBox;
import io.baton.secret.SecretUnavailableException;
import io.baton.signature.StandardWebhooksScheme;
import io.baton.signature.Verification;
import io.baton.task.Checkpoint;
import io.baton.task.ReadySignal;
import io.baton.task.TaskRepository;
import io.baton.wait.DeliveryException.Reason;
import io.baton.wait.WaitRepository.DeliveryRecord;
import io.baton.wait.WaitRepository.InboxItem;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens waits and resolves them: deliveries to a resume token, events on a source, heartbeats, failures and
 * deadlines. Each is one transaction that locks the wait row, so of two racing resolutions exactly one wins; the
 * task is scheduled only after the commit (the reconciler covers a crash in between).
 */
public final class WaitService {
    private static final Logger LOG = LoggerFactory.getLogger(WaitService.class);
    private static final String TOKEN_SOURCE = "token";
    private static final String TIMED_OUT = "timed-out";
    private static final String TASK_FAILED = "FAILED";
    /** Where a sealed signing secret lives: the associated data of its encryption. */

    private final Transactions transactions;
    private final WaitRepository waits;
    private final TaskRepository tasks;
    private final ReadySignal ready;
    private final TokenKey tokenKey;
    private final SecretBox secrets;
    private final Outbox outbox;
    private final String publicUrl;
    private final Map<String, EventSource> sources;
    private final Clock clock;
    private final ObjectMapper json;
    private final WaitResolver resolver;

    /** @param tokenKey the cluster's token key, or {@code null} if none is configured (token waits then fail) */
    /**
     * The keys of the wait path, each absent when the node has none: {@code tokens} derives resume tokens,
     * {@code secrets} seals the signing secrets of waits.
     */
    public record Keys(TokenKey tokens, SecretBox secrets) {
    }

    public WaitService(Transactions transactions, WaitRepository waits, TaskRepository tasks, ReadySignal ready,
                       Keys keys, String publicUrl, Map<String, EventSource> sources, EngineEvents events,
                       Outbox outbox, Clock clock, ObjectMapper json) {
        this.transactions = transactions;
        this.waits = waits;
        this.tasks = tasks;
        this.ready = ready;
        this.tokenKey = keys.tokens();
        this.secrets = keys.secrets();
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
        this.sources = Map.copyOf(sources);
        this.clock = clock;
        this.json = json;
        this.outbox = outbox;
        this.resolver = new WaitResolver(waits, tasks, events, json, outbox);
    }

    /** The registered event sources, by name. */
    public java.util.Collection<EventSource> sources() {
        return new java.util.TreeMap<>(sources).values();
    }

    /** Where a source's events are posted: {@code <public URL>/events/<name>}. */
    public String eventUrl(EventSource source) {
        return publicUrl + "/events/" + source.name();
    }

    public Optional<EventSource> source(String name) {
        return Optional.ofNullable(sources.get(name));
    }

    private ResumeToken token(UUID taskId, int seq) {
        if (tokenKey == null) {
            throw new IllegalStateException("no token key: set BATON_TOKEN_KEY (the same on every node) to use "
                    + "resume tokens");
        }
        return tokenKey.tokenFor(taskId, seq);
    }

    /** The resume URL of the token wait created by step {@code seq} of the task. */
    public String resumeUrl(UUID taskId, int seq) {
        return publicUrl + "/hooks/" + token(taskId, seq).value();
    }

    /**
     * The link a step hands out before it returns; registers its wait as PENDING so that a delivery arriving early
     * is kept. The same on every try of the step.
     */
    public ResumeLink mint(UUID taskId, int seq) {
        ResumeToken token = token(taskId, seq);
        transactions.inTransaction(c -> {
            waits.registerPending(c, taskId, seq, token.sha256Hex(), clock.instant());
            return null;
        });
        return new ResumeLink(token.value(), publicUrl + "/hooks/" + token.value());
    }

    /** How entering a wait went. */
    public enum Entry {
        /** The checkpoint was fenced out: the attempt had been superseded; nothing was written. */
        FENCED,
        /** The task waits until its deadline. */
        WAITING,
        /** A delivery that arrived early resumed it at once: the task is runnable. */
        RESUMED_AT_ONCE,
        /** A delivery that arrived early failed it at once (a failure without a failure step). */
        FAILED_AT_ONCE
    }

    /**
     * A step's checkpoint into WAITING and the opening of its wait, in one transaction; a delivery that arrived early
     * is consumed then, and resolves the wait at once.
     *
     * @param checkpoint the step's WAITING checkpoint; its wake-up time is the wait's deadline
     * @param wait       the wait, its resume step resolved
     * @throws IllegalArgumentException if the wait names no registered event source
     * @throws IllegalStateException if the wait was already opened, or a token wait has no token key here
     */
    public Entry enter(Checkpoint checkpoint, Wait wait) {
        UUID taskId = checkpoint.run().taskId();
        Instant now = checkpoint.at();
        record Entered(Entry entry, WaitState outcome, UUID waitId, WaitResolver.Effect effect) {
        }
        Entered entered = transactions.inTransaction(c -> {
            waits.lockUnresolved(c, taskId); // waits before the task, the order cancel and deliveries lock in
            Optional<Integer> seq = tasks.checkpoint(c, checkpoint);
            if (seq.isEmpty()) {
                return new Entered(Entry.FENCED, null, null, null);
            }
            Opened opened = open(c, taskId, seq.get(), wait, now, checkpoint.wakeAt());
            if (opened.consumed().isEmpty()) {
                announceWaiting(c, opened.record(), checkpoint, now);
                return new Entered(Entry.WAITING, null, opened.record().id(), null);
            }
            InboxItem early = opened.consumed().get();
            WaitState outcome = WaitState.valueOf(early.outcome());
            WaitResolver.Effect effect = resolver.resolve(c, opened.record(), outcome, early.payload(),
                    early.payloadHash(), now);
            return new Entered(effect == WaitResolver.Effect.TASK_RUNNABLE ? Entry.RESUMED_AT_ONCE
                    : Entry.FAILED_AT_ONCE, outcome, opened.record().id(), effect);
        });
        if (entered.effect() != null) {
            resolver.published(entered.outcome(), taskId, entered.waitId(), entered.effect());
            LOG.info("Task {} {} at once by a delivery that arrived early", taskId,
                    entered.entry() == Entry.RESUMED_AT_ONCE ? "resumed" : "failed");
        }
        if (entered.entry() == Entry.RESUMED_AT_ONCE) {
            ready.readyNow();
        } else if (entered.entry() == Entry.WAITING) {
            ready.readyAt(checkpoint.wakeAt());
        }
        return entered.entry();
    }

    /** What opening a wait in a checkpoint transaction led to. */
    private record Opened(WaitRecord record, Optional<InboxItem> consumed) {
    }

    /** The {@code task.waiting} event, in the transaction that opens the wait: announced exactly when it opens. */
    private void announceWaiting(Connection c, WaitRecord wait, Checkpoint checkpoint, Instant now)
            throws SQLException {
        ObjectNode data = outbox.data(wait.taskId());
        data.put("step", checkpoint.run().stepName());
        data.put("waitId", wait.id().toString());
        data.put("kind", wait.kind().name().toLowerCase(java.util.Locale.ROOT));
        data.put("deadline", wait.deadline().toString());
        data.put("maxDeadline", wait.maxDeadline().toString());
        if (wait.kind() == Wait.Kind.TOKEN) {
            // the sender puts the URL in: a token is never stored, not even in the outbox
            data.put("resumeUrl", io.baton.callback.ResumeUrlPlaceholder.of(wait.taskId(), wait.seq()));
        } else {
            data.put("source", wait.source());
            data.put("correlationKey", wait.correlationKey());
        }
        data.put("signed", wait.signingSecret() != null);
        outbox.record(c, EventType.TASK_WAITING, wait.taskId(), wait.id(), data, now);
    }

    /** Opens the wait inside the checkpoint's transaction and consumes a delivery that arrived early, if any. */
    private Opened open(Connection c, UUID taskId, int seq, Wait wait, Instant now, Instant deadline)
            throws SQLException {
        if (wait.kind() == Wait.Kind.EVENT && !sources.containsKey(wait.source())) {
            throw new IllegalArgumentException("no event source named '" + wait.source() + "' is registered");
        }
        String tokenHash = wait.kind() == Wait.Kind.TOKEN ? token(taskId, seq).sha256Hex() : null;
        Instant maxDeadline = wait.maxTimeout() == null ? deadline : now.plus(wait.maxTimeout());
        if (wait.kind() == Wait.Kind.EVENT) {
            waits.lock(c, "event:" + wait.source() + ":" + wait.correlationKey());
        }
        WaitRecord opened = waits.open(c, taskId, seq, wait, tokenHash, seal(wait.signingSecret(), taskId, seq), deadline,
                        maxDeadline, now)
                .orElseThrow(() -> new IllegalStateException("wait of task " + taskId + " step " + seq
                        + " was already opened"));
        Optional<InboxItem> early = wait.kind() == Wait.Kind.TOKEN ? waits.consumeFor(c, opened.id(), now)
                : waits.consumeEvent(c, wait.source(), wait.correlationKey(), now);
        if (early.isPresent() && opened.signingSecret() != null && !signedWhenReceived(opened, early.get())) {
            LOG.warn("Task {}: an early delivery to its wait was dropped: the wait demands a signature it lacks",
                    taskId);
            return new Opened(opened, Optional.empty());
        }
        return new Opened(opened, early);
    }

    /** Whether a buffered delivery carries a valid signature for the wait, judged as of when it arrived. */
    private boolean signedWhenReceived(WaitRecord wait, InboxItem item) {
        Map<String, String> headers = new java.util.HashMap<>();
        if (item.signature() != null) {
            item.signature().fields().forEachRemaining(f -> headers.put(f.getKey(), f.getValue().asText()));
        }
        try {
            verify(wait, item.body() == null ? new byte[0] : item.body(), headers,
                    Clock.fixed(item.receivedAt(), java.time.ZoneOffset.UTC));
            return true;
        } catch (DeliveryException e) {
            return false;
        }
    }

    /** A JSON body delivered to a resume token. */
    public DeliveryReceipt deliver(String tokenText, Delivery delivery) {
        return resolveByToken(tokenText, delivery, WaitState.RESUMED, delivery.payload(), delivery.payloadHash());
    }

    /** {@code POST /hooks/{token}/fail}: resume on the wait's failure path. */
    public DeliveryReceipt fail(String tokenText, Delivery delivery, String reason) {
        ObjectNode payload = json.createObjectNode().put("reason", reason);
        return resolveByToken(tokenText, delivery, WaitState.FAILED, payload, delivery.payloadHash());
    }

    private DeliveryException unknown() {
        return new DeliveryException(Reason.UNKNOWN, "No wait has this resume token.");
    }

    /** A wait's signing secret as stored: sealed under the first secret key. */
    private SecretBox.Sealed seal(String secret, UUID taskId, int seq) {
        if (secret == null) {
            return null;
        }
        if (secrets == null) {
            throw new IllegalStateException("no secret key: set BATON_SECRET_KEY (the same on every node) to open "
                    + "waits that demand a signature; their secrets are stored encrypted");
        }
        return secrets.seal(secret, WaitRepository.SIGNING_SECRET.context(taskId + ":" + seq));
    }

    /** A wait's signing secret in clear, to verify a delivery; written in plain text by an earlier version if no key id. */
    private String unseal(WaitRecord wait) {
        SecretBox.Sealed sealed = wait.signingSecret();
        if (sealed.keyId() == null) {
            return sealed.value();
        }
        if (secrets == null) {
            throw new SecretUnavailableException("the wait's signing secret is encrypted and this node has no "
                    + "BATON_SECRET_KEY");
        }
        return secrets.open(sealed, WaitRepository.SIGNING_SECRET.context(wait.taskId() + ":" + wait.seq()));
    }

    /** Checks the Standard Webhooks signature a wait demands, as of {@code at}. */
    private void verify(WaitRecord wait, byte[] body, Map<String, String> headers, Clock at) {
        if (wait.signingSecret() == null) {
            return;
        }
        Verification check = new StandardWebhooksScheme(unseal(wait), at).verify(headers, body);
        if (!check.isValid()) {
            throw new DeliveryException(Reason.UNAUTHORIZED, "Signature check failed: " + check.reason() + ".");
        }
    }

    private DeliveryReceipt resolveByToken(String tokenText, Delivery delivery, WaitState outcome, JsonNode payload,
                                           String payloadHash) {
        String hash = ResumeToken.parse(tokenText).orElseThrow(this::unknown).sha256Hex();
        Instant now = clock.instant();
        // A wait that has ended never changes again, nor does its delivery log: answer from a plain read, without
        // the row lock (repeats and late deliveries cannot queue behind each other). Otherwise lock and decide.
        DeliveryReceipt receipt = transactions.inTransaction(c -> {
            WaitRecord unlocked = waits.byToken(c, hash, false).orElseThrow(this::unknown);
            WaitRecord wait = unlocked.state().isResolved() ? unlocked
                    : waits.byToken(c, hash, true).orElseThrow(this::unknown);
            verify(wait, delivery.body(), delivery.headers(), clock);
            // Without a delivery id, the payload (and what it asks for) identifies the delivery.
            String key = delivery.deliveryId() != null ? delivery.deliveryId()
                    : outcome.name().toLowerCase() + ":sha256:" + payloadHash;
            String logKey = wait.id() + ":" + key;
            Optional<DeliveryRecord> seen = waits.findDelivery(c, TOKEN_SOURCE, logKey);
            if (seen.isPresent()) {
                return replayOrConflict(seen.get(), payloadHash, key);
            }
            List<UUID> task = List.of(wait.taskId());
            switch (wait.state()) {
                case PENDING -> {
                    Optional<InboxItem> kept = waits.bufferedFor(c, wait.id());
                    if (kept.isPresent()) {
                        return replayForWait(c, wait, kept.get().payloadHash(), payloadHash, "already buffered");
                    }
                    waits.buffer(c, wait.id(), null, null, outcome.name(), payload, payloadHash, key, delivery.body(),
                            signatureHeaders(delivery.headers()), now, null);
                    DeliveryReceipt buffered = new DeliveryReceipt(DeliveryReceipt.BUFFERED, task, wait.id(), null);
                    waits.insertDelivery(c, TOKEN_SOURCE, logKey, payloadHash, buffered, now);
                    return buffered;
                }
                case OPEN -> {
                    if (!wait.deadline().isAfter(now)) {
                        // The deadline won the race: take the timeout path now, and refuse this delivery.
                        return receipt(TIMED_OUT, wait,
                                resolver.resolve(c, wait, WaitState.TIMED_OUT, null, null, now));
                    }
                    DeliveryReceipt resumed = receipt(DeliveryReceipt.RESUMED, wait,
                            resolver.resolve(c, wait, outcome, payload, payloadHash, now));
                    waits.insertDelivery(c, TOKEN_SOURCE, logKey, payloadHash, resumed, now);
                    return resumed;
                }
                case RESUMED, FAILED -> {
                    if (wait.state() == outcome) {
                        return replayForWait(c, wait, wait.payloadHash(), payloadHash,
                                "already " + wait.state().name().toLowerCase());
                    }
                    throw finished(wait);
                }
                default -> throw finished(wait);
            }
        });
        if (receipt.replayed()) {
            return receipt; // nothing happened now: no events, no firing
        }
        published(receipt);
        if (TIMED_OUT.equals(receipt.status())) {
            ready.readyNow();
            throw new DeliveryException(Reason.FINISHED, "The wait's deadline passed before this delivery; it "
                    + "timed out.");
        }
        if (DeliveryReceipt.RESUMED.equals(receipt.status())) {
            ready.readyNow();
            LOG.info("Task {} resumed ({}) by a delivery", receipt.tasks().get(0), outcome);
        }
        return receipt;
    }

    /** The Standard Webhooks headers of a delivery, kept with it in the inbox; {@code null} if it has none. */
    private ObjectNode signatureHeaders(Map<String, String> headers) {
        ObjectNode kept = json.createObjectNode();
        headers.forEach((name, value) -> {
            String lower = name.toLowerCase(java.util.Locale.ROOT);
            if (lower.equals(StandardWebhooksScheme.ID_HEADER) || lower.equals(StandardWebhooksScheme.TIMESTAMP_HEADER)
                    || lower.equals(StandardWebhooksScheme.SIGNATURE_HEADER)) {
                kept.put(lower, value);
            }
        });
        return kept.isEmpty() ? null : kept;
    }

    private static DeliveryException finished(WaitRecord wait) {
        return new DeliveryException(Reason.FINISHED, "This wait already ended ("
                + wait.state().name().toLowerCase().replace('_', ' ') + ").");
    }

    /** The receipt of the delivery logged under the same id, unless this one carries a different payload (409). */
    private static DeliveryReceipt replayOrConflict(DeliveryRecord seen, String payloadHash, String key) {
        if (!seen.payloadHash().equals(payloadHash)) {
            throw new DeliveryException(Reason.CONFLICT, "Delivery id '" + key
                    + "' was already used with a different payload.");
        }
        return seen.receipt().replay();
    }

    /**
     * A new delivery id with the payload that already resolved (or was kept for) the wait: the receipt of the
     * delivery that recorded it. A different payload is a conflict (409).
     */
    private DeliveryReceipt replayForWait(Connection c, WaitRecord wait, String recordedHash, String payloadHash,
                                          String what) throws SQLException {
        if (recordedHash == null || !recordedHash.equals(payloadHash)) {
            throw new DeliveryException(Reason.CONFLICT, "This token was " + what + " with a different payload.");
        }
        return waits.firstDeliveryFor(c, TOKEN_SOURCE, wait.id()).map(first -> first.receipt().replay())
                .orElseGet(() -> new DeliveryReceipt(wait.state() == WaitState.PENDING ? DeliveryReceipt.BUFFERED
                        : DeliveryReceipt.RESUMED, List.of(wait.taskId()), wait.id(), null, true));
    }

    /**
     * {@code POST /hooks/{token}/heartbeat}: restart the deadline, capped by the wait's maximum. A heartbeat after
     * the deadline is too late: the wait takes its timeout path and the answer is 410.
     */
    public DeliveryReceipt heartbeat(String tokenText, Delivery delivery) {
        String hash = ResumeToken.parse(tokenText).orElseThrow(this::unknown).sha256Hex();
        Instant now = clock.instant();
        Beat beat = transactions.inTransaction(c -> {
            WaitRecord wait = waits.byToken(c, hash, true).orElseThrow(this::unknown);
            verify(wait, delivery.body(), delivery.headers(), clock);
            if (wait.state() == WaitState.PENDING) {
                throw new DeliveryException(Reason.NOT_STARTED, "The wait has not started yet; heartbeats count "
                        + "once the step that created it has finished.");
            }
            if (wait.state() != WaitState.OPEN) {
                throw finished(wait);
            }
            List<UUID> task = List.of(wait.taskId());
            if (!wait.deadline().isAfter(now)) {
                return new Beat(receipt(TIMED_OUT, wait,
                        resolver.resolve(c, wait, WaitState.TIMED_OUT, null, null, now)), null);
            }
            waits.heard(c, wait.id(), now);
            Instant wanted = now.plusMillis(wait.timeoutMillis());
            Instant deadline = wanted.isAfter(wait.maxDeadline()) ? wait.maxDeadline() : wanted;
            if (!deadline.isAfter(wait.deadline())) {
                return new Beat(new DeliveryReceipt(DeliveryReceipt.EXTENDED, task, wait.id(),
                        wait.deadline().toString()), null);
            }
            waits.extend(c, wait.id(), deadline);
            tasks.extendWaiting(c, wait.taskId(), deadline, now);
            return new Beat(new DeliveryReceipt(DeliveryReceipt.EXTENDED, task, wait.id(), deadline.toString()),
                    deadline);
        });
        DeliveryReceipt receipt = beat.receipt();
        if (TIMED_OUT.equals(receipt.status())) {
            published(receipt);
            ready.readyNow();
            throw new DeliveryException(Reason.FINISHED, "The wait's deadline passed before this heartbeat; it "
                    + "timed out.");
        }
        if (beat.movedTo() != null) {
            ready.readyAt(beat.movedTo());
        }
        return receipt;
    }

    /** A heartbeat's receipt, and the new deadline if it moved (a firing is then scheduled for it). */
    private record Beat(DeliveryReceipt receipt, Instant movedTo) {
    }

    /** {@code POST /events/{source}}: resume every task waiting on the key, or keep the event for the source's TTL. */
    public DeliveryReceipt deliverEvent(EventSource source, String correlationKey, Delivery delivery) {
        Instant now = clock.instant();
        JsonNode payload = delivery.payload();
        String payloadHash = delivery.payloadHash();
        String key = delivery.deliveryId() != null ? delivery.deliveryId() : "sha256:" + payloadHash;
        Optional<DeliveryRecord> recorded = transactions.inTransaction(c -> waits.findDelivery(c, source.name(), key));
        if (recorded.isPresent()) {
            return replayOrConflict(recorded.get(), payloadHash, key); // the log never changes: no lock needed
        }
        DeliveryReceipt receipt = transactions.inTransaction(c -> {
            // One delivery id at a time, and one correlation key at a time (against waits opening on it).
            waits.lock(c, "delivery:" + source.name() + ":" + key);
            waits.lock(c, "event:" + source.name() + ":" + correlationKey);
            Optional<DeliveryRecord> seen = waits.findDelivery(c, source.name(), key);
            if (seen.isPresent()) {
                return replayOrConflict(seen.get(), payloadHash, key);
            }
            List<UUID> resumed = new ArrayList<>();
            for (WaitRecord wait : waits.openForEventForUpdate(c, source.name(), correlationKey)) {
                if (wait.deadline().isAfter(now) && resolver.resolve(c, wait, WaitState.RESUMED, payload, payloadHash,
                        now) == WaitResolver.Effect.TASK_RUNNABLE) {
                    resumed.add(wait.taskId());
                }
            }
            DeliveryReceipt answer;
            if (resumed.isEmpty()) {
                waits.buffer(c, null, source.name(), correlationKey, WaitState.RESUMED.name(), payload, payloadHash,
                        key, null, null, now, now.plus(source.bufferTtl()));
                answer = new DeliveryReceipt(DeliveryReceipt.BUFFERED, List.of(), null, null);
            } else {
                answer = new DeliveryReceipt(DeliveryReceipt.RESUMED, resumed, null, null);
            }
            waits.insertDelivery(c, source.name(), key, payloadHash, answer, now);
            return answer;
        });
        if (!receipt.replayed() && DeliveryReceipt.RESUMED.equals(receipt.status())) {
            LOG.info("Event on '{}' resumed tasks {}", source.name(), receipt.tasks());
            published(receipt);
            ready.readyNow();
        }
        return receipt;
    }

    /**
     * Takes the timeout path for up to {@code limit} waits whose deadline has passed (the dispatcher calls this on
     * every round; several nodes may: each timeout is a guarded transition). Returns how many timed out.
     */
    public int timeOutDue(Instant now, int limit) {
        List<UUID> due = transactions.inTransaction(c -> waits.dueDeadlines(c, now, limit));
        int timedOut = 0;
        boolean runnable = false;
        for (UUID taskId : due) {
            Optional<Boolean> outcome = timeOut(taskId, now);
            if (outcome.isPresent()) {
                timedOut++;
                runnable |= outcome.get();
            }
        }
        if (runnable) {
            ready.readyNow();
        }
        return timedOut;
    }

    /**
     * If the task's wait has passed its deadline, take the timeout path: empty if it had not (or was resolved
     * meanwhile), else whether the task became runnable (or failed, having no timeout step).
     */
    private Optional<Boolean> timeOut(UUID taskId, Instant now) {
        DeliveryReceipt timedOut = transactions.inTransaction(c -> {
            Optional<WaitRecord> due = waits.openDueForUpdate(c, taskId, now);
            return due.isEmpty() ? null
                    : receipt(TIMED_OUT, due.get(), resolver.resolve(c, due.get(), WaitState.TIMED_OUT, null, null,
                    now));
        });
        if (timedOut == null) {
            return Optional.empty();
        }
        boolean runnable = !TASK_FAILED.equals(timedOut.detail());
        LOG.info("Task {} wait {} timed out{}", taskId, timedOut.waitId(), runnable ? "" : "; the task failed");
        published(timedOut);
        return Optional.of(runnable);
    }

    /** A token wait's receipt for a resolution in this transaction: {@code detail} says when it failed the task. */
    private static DeliveryReceipt receipt(String status, WaitRecord wait, WaitResolver.Effect effect) {
        return new DeliveryReceipt(status, List.of(wait.taskId()), wait.id(),
                effect == WaitResolver.Effect.TASK_FAILED ? TASK_FAILED : null);
    }

    /** Publishes, after commit, the events of the resolutions a receipt records. */
    private void published(DeliveryReceipt receipt) {
        WaitState outcome = TIMED_OUT.equals(receipt.status()) ? WaitState.TIMED_OUT : WaitState.RESUMED;
        WaitResolver.Effect effect = TASK_FAILED.equals(receipt.detail()) ? WaitResolver.Effect.TASK_FAILED
                : WaitResolver.Effect.TASK_RUNNABLE;
        for (UUID task : receipt.tasks()) {
            resolver.published(outcome, task, receipt.waitId(), effect);
        }
    }

    /** Resolving and moving waits by hand, for the admin API; every change is audited with {@code audit}. */
    public WaitOverrides overrides(io.baton.audit.AuditLog audit) {
        return new WaitOverrides(transactions, waits, tasks, resolver, ready, audit, clock, json);
    }

    /** The task's waits, for the admin API. */
    public List<WaitRecord> waitsOf(UUID taskId) {
        return transactions.inTransaction(c -> waits.forTask(c, taskId));
    }

    /** Whether resume tokens can be used on this node (a token key is configured). */
    public boolean tokensEnabled() {
        return tokenKey != null;
    }

}
