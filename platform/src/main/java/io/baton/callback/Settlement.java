package io.baton.callback;

import io.baton.callback.DeliveryRepository.Attempt;
import io.baton.callback.DeliveryRepository.Claimed;
import io.baton.config.CallbackConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * What one attempt comes to: its log line, the delivery's next state ({@code PENDING} again at {@code dueAt},
 * {@code DELIVERED} or {@code DEAD}), and what it says of the endpoint.
 *
 * @param disableReason the endpoint is disabled for this reason (410, or failing too long), or {@code null}
 */
public record Settlement(Claimed claimed, Attempt attempt, String state, Instant dueAt, String error,
                         Instant deliveredAt, Health health, String disableReason) {
    /** Longest a {@code Retry-After} may put a retry off. */
    static final Duration MAX_RETRY_AFTER = Duration.ofDays(1);

    /** What an attempt says of its endpoint. */
    public enum Health {
        /** It answered 2xx after failing: it is no longer failing. */
        ANSWERED,
        /** It failed: failing since this attempt, unless it already was. */
        FAILED,
        UNCHANGED
    }

    /**
     * The rules: 2xx is delivered; 410 is dead and disables the endpoint; an endpoint failing for
     * {@code disableAfter} is disabled; otherwise the next retry of the schedule (later if a 429 or 503 asked so, up to
     * a day), or dead when none is left. {@code result} is what {@code claimed}'s attempt got, as of {@code now}.
     */
    static Settlement judge(Claimed claimed, Attempt result, Instant now, RetrySchedule schedule,
                            CallbackConfig config, RandomGenerator random) {
        Integer status = result.statusCode();
        if (status != null && status >= 200 && status < 300) {
            return new Settlement(claimed, result, "DELIVERED", now, null, now,
                    claimed.failingSince() != null ? Health.ANSWERED : Health.UNCHANGED, null);
        }
        if (status != null && status == 410) {
            return new Settlement(claimed, result, "DEAD", now, "410 Gone: the endpoint was disabled", null,
                    Health.FAILED, "answered 410 Gone at " + now);
        }
        Instant failingSince = claimed.failingSince() != null ? claimed.failingSince() : result.at();
        if (!failingSince.plus(config.disableAfter()).isAfter(now)) {
            String reason = "every attempt has failed since " + failingSince + " (longer than "
                    + config.disableAfter() + ")";
            return new Settlement(claimed, result, "DEAD", now, "the endpoint was disabled: " + reason, null,
                    Health.FAILED, reason);
        }
        String error = result.error() != null ? result.error() : "answered " + status;
        Optional<Duration> next = schedule.after(claimed.attempt(), random);
        if (next.isEmpty()) {
            return new Settlement(claimed, result, "DEAD", now, "gave up after " + claimed.attempt() + " attempts: "
                    + error, null, Health.FAILED, null);
        }
        Duration delay = next.get();
        Duration asked = result.retryAfter();
        if (asked != null && asked.compareTo(delay) > 0) {
            delay = asked.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : asked;
        }
        return new Settlement(claimed, result, "PENDING", now.plus(delay), error, null, Health.FAILED, null);
    }

    /** A delivery to a disabled endpoint is dead without an attempt being sent. */
    static Settlement endpointDisabled(Claimed claimed, String node, Instant now) {
        return new Settlement(claimed, new Attempt(claimed.attempt(), node, now, null, null, null,
                "the endpoint is disabled"), "DEAD", now, "the endpoint is disabled", null, Health.UNCHANGED, null);
    }
}
