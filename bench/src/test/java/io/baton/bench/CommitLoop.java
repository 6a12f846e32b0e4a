package io.baton.bench;

import io.baton.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The database's ceiling for what a step costs at least: {@code clients} connections, each committing a one-row
 * update of its own row in a loop (autocommit, so one durable commit each), for a while. Plain JDBC, no pool.
 */
final class CommitLoop {
    private CommitLoop() {
    }

    /** Commits per second over all clients. */
    static double commitsPerSecond(TestDatabase db, int clients, Duration duration) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS bench_counter (id int PRIMARY KEY, n bigint NOT NULL)");
            s.execute("INSERT INTO bench_counter SELECT i, 0 FROM generate_series(0, " + (clients - 1)
                    + ") i ON CONFLICT DO NOTHING");
        }
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            long end = System.nanoTime() + duration.toNanos();
            List<Future<Long>> counts = new ArrayList<>();
            long started = System.nanoTime();
            for (int i = 0; i < clients; i++) {
                int row = i;
                counts.add(pool.submit(() -> {
                    long commits = 0;
                    try (Connection c = db.connect();
                         PreparedStatement ps = c.prepareStatement("UPDATE bench_counter SET n = n + 1 WHERE id = ?")) {
                        ps.setInt(1, row);
                        while (System.nanoTime() < end) {
                            ps.executeUpdate();
                            commits++;
                        }
                    }
                    return commits;
                }));
            }
            long total = 0;
            for (Future<Long> count : counts) {
                total += count.get(duration.toSeconds() + 60, TimeUnit.SECONDS);
            }
            return total / ((System.nanoTime() - started) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }
}
