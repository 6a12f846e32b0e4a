package io.baton.wait;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.UUID;

/**
 * The answer to a delivery that was durably recorded. A delivery that repeats one already recorded (the same
 * delivery id, or the same payload for the same wait) gets that first receipt again, unchanged, with
 * {@link #replayed()} set (HTTP: the {@code Idempotent-Replayed: true} header): nothing new happened.
 *
 * @param status   {@code resumed}, {@code buffered} (kept until the wait opens, or for the source's TTL) or
 *                 {@code extended} (heartbeat)
 * @param tasks    the tasks it concerns
 * @param waitId   the wait it resolved or was kept for, if one
 * @param detail   {@code FAILED} when the delivery failed the task (a /fail, or a wait without a step for it); for
 *                 a heartbeat, the new deadline
 * @param replayed this is the receipt of an earlier delivery, answered again
 */
public record DeliveryReceipt(String status, List<UUID> tasks, UUID waitId, String detail,
                              @JsonIgnore boolean replayed) {
    public static final String RESUMED = "resumed";
    public static final String BUFFERED = "buffered";
    public static final String EXTENDED = "extended";

    public DeliveryReceipt(String status, List<UUID> tasks, UUID waitId, String detail) {
        this(status, tasks, waitId, detail, false);
    }

    /** This receipt, answered again for a repeated delivery. */
    public DeliveryReceipt replay() {
        return new DeliveryReceipt(status, tasks, waitId, detail, true);
    }
}
