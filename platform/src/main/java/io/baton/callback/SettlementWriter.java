package io.baton.callback;

import io.baton.persistence.Transactions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records settled attempts in batches: whatever finished while the last batch was being written goes in the next one,
 * one transaction (group commit: under load, one commit for many attempts instead of one each). An attempt is done
 * once its settlement is queued; if the batch cannot be written (the database is down), its deliveries are sent again
 * when their leases end, with the same {@code webhook-id}: at least once, never lost.
 */
final class SettlementWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SettlementWriter.class);
    private static final int MAX_BATCH = 500;

    private final Transactions transactions;
    private final DeliveryRepository deliveries;
    private final String node;
    private final BlockingQueue<Settlement> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean stopped;

    SettlementWriter(Transactions transactions, DeliveryRepository deliveries, String node) {
        this.transactions = transactions;
        this.deliveries = deliveries;
        this.node = node;
        this.thread = new Thread(this::run, "baton-callback-settle-" + node);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void submit(Settlement settlement) {
        queue.add(settlement);
    }

    private void run() {
        List<Settlement> batch = new ArrayList<>();
        while (!stopped || !queue.isEmpty()) {
            try {
                Settlement first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<Settlement> batch) {
        try {
            report(batch, transactions.inTransaction(c -> deliveries.settleAll(c, node, batch)));
        } catch (RuntimeException e) {
            if (batch.size() == 1) {
                LOG.warn("Callback {} of event {}: attempt {} could not be recorded ({}); it is sent again when its "
                        + "lease ends", batch.get(0).claimed().callbackId(), batch.get(0).claimed().eventId(),
                        batch.get(0).claimed().attempt(), e.toString());
                return;
            }
            for (Settlement one : batch) { // one bad row (an endpoint deleted this instant) must not lose the rest
                write(List.of(one));
            }
        }
    }

    private void report(List<Settlement> batch, boolean[] kept) {
        for (int i = 0; i < kept.length; i++) {
            Settlement one = batch.get(i);
            if (!kept[i]) {
                LOG.warn("Callback {} of event {}: attempt {} was not recorded: its lease was taken over, or the "
                        + "endpoint deleted", one.claimed().callbackId(), one.claimed().eventId(),
                        one.claimed().attempt());
            } else if (one.disableReason() != null) {
                LOG.warn("Callback endpoint {} disabled: {}", one.claimed().callbackId(), one.disableReason());
            }
        }
    }

    /** Writes what is queued, then stops. */
    @Override
    public void close() {
        stopped = true;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
