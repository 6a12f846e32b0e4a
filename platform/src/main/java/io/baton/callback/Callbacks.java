package io.baton.callback;

import io.baton.audit.AuditEntry;
import io.baton.audit.AuditLog;
import io.baton.persistence.Transactions;
import io.baton.secret.SecretBox;
import io.baton.secret.SecretUnavailableException;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Registering and managing callback endpoints (the Java API; the admin API calls the same). A registration is checked
 * (URL, SSRF rules, event types) before anything is stored; its signing secret is made here, returned once, and stored
 * only sealed.
 */
public final class Callbacks {
    public static final int MAX_URL_LENGTH = 2000;
    public static final int MAX_AGENT_LENGTH = 200;
    public static final int MAX_DESCRIPTION_LENGTH = 500;

    /** What a client asks for. {@code agent} and {@code description} may be {@code null}. */
    public record Registration(String url, List<String> eventTypes, String agent, String description) {
    }

    /** An endpoint with its signing secret, shown this once. */
    public record Registered(Callback callback, String secret) {
        @Override
        public String toString() {
            return "Registered[" + callback + ", secret=****]";
        }
    }

    private final Transactions transactions;
    private final CallbackRepository callbacks;
    private final DeliveryRepository deliveries = new DeliveryRepository();
    private final SsrfGuard guard;
    private final SecretBox secrets;
    private final Clock clock;
    private final AuditLog auditLog;
    private final AuditEntry audit;
    private final SecureRandom random = new SecureRandom();

    /** {@code secrets} may be {@code null} (no key configured): then nothing can be registered. */
    public Callbacks(Transactions transactions, CallbackRepository callbacks, SsrfGuard guard, SecretBox secrets,
                     AuditLog auditLog, Clock clock) {
        this(transactions, callbacks, guard, secrets, auditLog, null, clock);
    }

    private Callbacks(Transactions transactions, CallbackRepository callbacks, SsrfGuard guard, SecretBox secrets,
                      AuditLog auditLog, AuditEntry audit, Clock clock) {
        this.transactions = transactions;
        this.callbacks = callbacks;
        this.guard = guard;
        this.secrets = secrets;
        this.auditLog = auditLog;
        this.audit = audit;
        this.clock = clock;
    }

    /** The same registry, writing {@code entry} to the audit log in the transaction of the change it makes. */
    public Callbacks audited(AuditEntry entry) {
        return new Callbacks(transactions, callbacks, guard, secrets, auditLog, entry, clock);
    }

    public Registered register(Registration registration) {
        URI url = checkedUrl(registration.url());
        List<String> types = checkedTypes(registration.eventTypes());
        String agent = optionalText(registration.agent(), "agent", MAX_AGENT_LENGTH);
        String description = optionalText(registration.description(), "description", MAX_DESCRIPTION_LENGTH);
        String secret = newSecret();
        UUID id = UUID.randomUUID();
        SecretBox.Sealed sealed = box().seal(secret, CallbackRepository.SECRET.context(id.toString()));
        Instant now = clock.instant();
        Callback callback = transactions.inTransaction(c -> audited(c, callbacks.insert(c, id, url.toString(),
                types, agent, description, sealed, now), "registered " + id, now));
        return new Registered(callback, secret);
    }

    public List<Callback> list() {
        return transactions.inTransaction(callbacks::all);
    }

    public Optional<Callback> find(UUID id) {
        return transactions.inTransaction(c -> callbacks.find(c, id));
    }

    public boolean delete(UUID id) {
        return transactions.inTransaction(c -> changed(c, callbacks.delete(c, id), "deleted"));
    }

    public Optional<Callback> enable(UUID id) {
        return transactions.inTransaction(c -> audited(c, callbacks.setEnabled(c, id, true, null, clock.instant()),
                "enabled", clock.instant()));
    }

    public Optional<Callback> disable(UUID id, String reason) {
        String why = optionalText(reason, "reason", MAX_DESCRIPTION_LENGTH);
        return transactions.inTransaction(c -> audited(c, callbacks.setEnabled(c, id, false,
                why == null ? "disabled by an operator" : why, clock.instant()), "disabled", clock.instant()));
    }

    /**
     * A new signing secret for the endpoint, shown this once; the old one is still sent beside it (a second
     * {@code v1,} signature) for {@code overlap}, so the receiver can switch without losing a delivery.
     */
    public Optional<Registered> rotateSecret(UUID id, Duration overlap) {
        if (overlap.isNegative() || overlap.compareTo(Duration.ofDays(30)) > 0) {
            throw new InvalidCallbackException("the overlap must be between 0 and 30 days");
        }
        String secret = newSecret();
        SecretBox.Sealed sealed = box().seal(secret, CallbackRepository.SECRET.context(id.toString()));
        Instant now = clock.instant();
        return transactions.inTransaction(c -> audited(c, callbacks.rotate(c, id, sealed, now.plus(overlap), now),
                        "secret rotated", now))
                .map(callback -> new Registered(callback, secret));
    }

    /** The endpoint's newest deliveries (at most {@code limit}), each with every attempt. */
    public List<DeliveryRepository.Delivery> deliveries(UUID callbackId, int limit) {
        return transactions.inTransaction(c -> deliveries.ofEndpoint(c, callbackId, Math.max(1, Math.min(limit, 500))));
    }

    /** Sends one delivery again from its first attempt (a dead one, or a delivered one); false if there is none. */
    public boolean replay(UUID eventId, UUID callbackId) {
        return transactions.inTransaction(c -> changed(c, deliveries.replay(c, eventId, callbackId,
                clock.instant()), "replayed"));
    }

    /** Sends every dead delivery of the endpoint created since {@code since} again; how many. */
    public int replayFailed(UUID callbackId, Instant since) {
        return transactions.inTransaction(c -> {
            int replayed = deliveries.replayFailed(c, callbackId, since, clock.instant());
            auditLog.write(c, audit, "replayed " + replayed, clock.instant());
            return replayed;
        });
    }

    /** Writes the audit entry (if any) when the change was made: {@code result} is what it did. */
    private <T> T audited(java.sql.Connection c, T made, String result, Instant now) throws java.sql.SQLException {
        boolean present = made instanceof Optional<?> o ? o.isPresent() : made != null;
        if (present) {
            auditLog.write(c, audit, result, now);
        }
        return made;
    }

    private boolean changed(java.sql.Connection c, boolean made, String result) throws java.sql.SQLException {
        if (made) {
            auditLog.write(c, audit, result, clock.instant());
        }
        return made;
    }

    private SecretBox box() {
        if (secrets == null) {
            throw new SecretUnavailableException("callbacks need BATON_SECRET_KEY (the same on every node): their "
                    + "signing secrets are stored encrypted");
        }
        return secrets;
    }

    private URI checkedUrl(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidCallbackException("the url is missing");
        }
        if (text.length() > MAX_URL_LENGTH) {
            throw new InvalidCallbackException("the url is longer than " + MAX_URL_LENGTH + " characters");
        }
        URI url;
        try {
            url = new URI(text);
        } catch (URISyntaxException e) {
            throw new InvalidCallbackException("the url is not a valid URI (" + e.getReason() + ")");
        }
        if (url.getFragment() != null) {
            throw new InvalidCallbackException("the url must not have a fragment (#...)");
        }
        try {
            guard.check(url);
        } catch (UnsafeTargetException e) {
            throw new InvalidCallbackException("the url cannot be called: " + e.getMessage());
        }
        return url;
    }

    private static List<String> checkedTypes(List<String> given) {
        if (given == null || given.isEmpty()) {
            throw new InvalidCallbackException("eventTypes must list at least one of " + known() + " or \""
                    + EventType.ALL + "\"");
        }
        Set<String> types = new LinkedHashSet<>();
        for (String type : given) {
            if (type == null || !(EventType.ALL.equals(type) || EventType.fromWireName(type).isPresent())) {
                throw new InvalidCallbackException("unknown event type " + (type == null ? "null"
                        : "'" + (type.length() > 40 ? type.substring(0, 40) + "..." : type) + "'") + "; known: "
                        + known() + " and \"" + EventType.ALL + "\"");
            }
            types.add(type);
        }
        return new ArrayList<>(types);
    }

    private static String known() {
        return java.util.Arrays.stream(EventType.values()).map(EventType::wireName).toList().toString();
    }

    private static String optionalText(String text, String name, int max) {
        if (text == null) {
            return null;
        }
        if (text.isBlank() || text.length() > max) {
            throw new InvalidCallbackException(name + " must be 1-" + max + " characters");
        }
        return text;
    }

    private String newSecret() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return "whsec_" + Base64.getEncoder().encodeToString(bytes);
    }
}
