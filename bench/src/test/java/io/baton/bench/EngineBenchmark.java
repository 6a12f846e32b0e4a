package io.baton.bench;

import io.baton.testing.PostgresServer;
import io.baton.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The full benchmark: {@code ./mvnw verify -Pbench -pl bench -am}. Two node processes on an embedded PostgreSQL
 * (durable: fsync and synchronous commit on) or on {@code -Dbench.db.url} (with {@code -Dbench.db.user} and
 * {@code -Dbench.db.password}; an empty database), sizes from {@code -Dbench.*} (see {@link Sizes}). Prints the
 * report and writes it to {@code bench/target/bench/report.md} and {@code report.json}. Never asserts on speed.
 */
class EngineBenchmark {

    @TempDir
    Path work;

    @Test
    void measureEveryFigureNextToItsReference() throws Exception {
        Sizes sizes = Sizes.full();
        String url = System.getProperty("bench.db.url", "");
        try (PostgresServer embedded = url.isEmpty() ? PostgresServer.embedded(Map.of("fsync", "on",
                "synchronous_commit", "on", "max_connections", "300")) : null) {
            TestDatabase db = url.isEmpty() ? embedded.createDatabase("bench")
                    : new TestDatabase(url, System.getProperty("bench.db.user", "postgres"),
                    System.getProperty("bench.db.password", ""), null);
            Report report = new BenchmarkSuite(db, work, sizes, setup(sizes, url)).run();
            report.write(Path.of("target", "bench"));
        }
    }

    static Map<String, String> setup(Sizes sizes, String url) throws Exception {
        Map<String, String> setup = new LinkedHashMap<>();
        setup.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        setup.put("memory", Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\\\s+", " ")
                .replace("MemTotal: ", ""));
        setup.put("JVM", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        setup.put("database", url.isEmpty() ? "embedded PostgreSQL 17 on the same machine, fsync and synchronous "
                + "commit on" : url.replaceAll("\\\\?.*", ""));
        setup.put("nodes", "2 processes, " + sizes.workers() + " workers each");
        return setup;
    }
}
