package io.baton.chaos;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * The network faults between one node and PostgreSQL, injected through the node's {@link DatabaseProxy}: its
 * connections cut, delayed, swallowed by a blackhole, or cut right after a COMMIT went out.
 */
final class NetworkFaults {
    private final ChaosCluster cluster;
    private final Workload workload;
    private final Random random;

    NetworkFaults(ChaosCluster cluster, Workload workload, Random random) {
        this.cluster = cluster;
        this.workload = workload;
        this.random = random;
    }

    Fault.Injection cut(String node, List<UUID> running, Instant at) {
        int cut = cluster.proxy(node).cut();
        cluster.record("TCP proxy of " + node + " cut its " + cut + " database connection(s); " + running.size()
                + " task(s) running there");
        return new Fault.Injection(Fault.NET_CUT, node, at, Instant.now(), cut > 0, cut + " connection(s) cut"
                + (running.isEmpty() ? "" : " mid-step"), running);
    }

    Fault.Injection delay(String node, List<UUID> running, Instant at) {
        DatabaseProxy proxy = cluster.proxy(node);
        long millis = 100 + random.nextInt(400);
        long before = proxy.delayed();
        cluster.record("TCP proxy of " + node + " delays every packet by " + millis + " ms for 5 s");
        proxy.delay(millis);
        sleep(5000);
        proxy.heal();
        long delayed = proxy.delayed() - before;
        return new Fault.Injection(Fault.NET_DELAY, node, at, Instant.now(), delayed > 0, delayed
                + " packet(s) delayed " + millis + " ms", running);
    }

    Fault.Injection blackhole(String node, List<UUID> running, Instant at) {
        DatabaseProxy proxy = cluster.proxy(node);
        long millis = 2000 + random.nextInt(7000); // below or past failure detection
        long before = proxy.swallowed();
        cluster.record("TCP proxy of " + node + " swallows every packet for " + millis + " ms (a blackhole); "
                + running.size() + " task(s) running there");
        proxy.blackhole();
        sleep(millis);
        int cut = proxy.heal();
        cluster.record("TCP proxy of " + node + " passes again; " + cut + " broken connection(s) cut");
        long swallowed = proxy.swallowed() - before;
        return new Fault.Injection(Fault.NET_BLACKHOLE, node, at, Instant.now(), swallowed > 0,
                millis >= Nemesis.PAST_DETECTION.toMillis() - 2000 ? "past detection" : "below detection", running);
    }

    Fault.Injection cutAfterCommit(String node, Instant at) {
        DatabaseProxy proxy = cluster.proxy(node);
        long before = proxy.commitsCut();
        cluster.record("TCP proxy of " + node + " cuts the next connection that commits a write to Baton's tables, "
                + "right after the COMMIT went out");
        proxy.cutAfterCommit();
        workload.startChainsOn(node, 2, 50); // work through that node: starts, claims and checkpoints commit
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (proxy.commitsCut() == before && System.nanoTime() < deadline) {
            sleep(50);
        }
        proxy.heal();
        boolean hit = proxy.commitsCut() > before;
        return new Fault.Injection(Fault.NET_CUT_AFTER_COMMIT, node, at, Instant.now(), hit, hit
                ? "COMMIT sent, its answer cut" : "no commit went through the proxy", List.of());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
