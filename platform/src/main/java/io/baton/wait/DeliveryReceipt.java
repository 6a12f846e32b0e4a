package io.baton.wait;

import java.util.List;
import java.util.UUID;

/**
 * The answer to a delivery that was durably recorded.
 *
 * @param status   {@code resumed}, {@code buffered} (kept until the wait opens, or for the source's TTL),
 *                 {@code duplicate} (already recorded: nothing new happened) or {@code extended} (heartbeat)
 * @param tasks    the tasks it concerns
 * @param waitId   the wait it resolved or was kept for, if one
 * @param detail   for a duplicate, what the first delivery did; for a heartbeat, the new deadline
 */
public record DeliveryReceipt(String status, List<UUID> tasks, UUID waitId, String detail) {
    public static final String RESUMED = "resumed";
    public static final String BUFFERED = "buffered";
    public static final String DUPLICATE = "duplicate";
    public static final String EXTENDED = "extended";
}
