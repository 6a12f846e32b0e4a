package io.baton.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.testing.PostgresServer;
import io.baton.testing.TestDatabase;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark at tiny sizes, in the normal build: every figure is measured once and reported with a number and its
 * reference, so the full run cannot rot. Speed is not asserted; the figures at these sizes mean little.
 */
class BenchmarkSmokeIT {

    @TempDir
    Path work;

    @Test
    void everyFigureIsMeasuredAndReported() throws Exception {
        Sizes sizes = Sizes.smoke();
        try (PostgresServer server = PostgresServer.embedded(Map.of("max_connections", "300"))) {
            TestDatabase db = server.createDatabase("smoke");
            Report report = new BenchmarkSuite(db, work, sizes, EngineBenchmark.setup(sizes, "")).run();

            assertThat(report.rows()).extracting(Report.Row::figure).hasSize(12).anySatisfy(
                    figure -> assertThat(figure).startsWith("Resume latency"));
            assertThat(report.rows()).allSatisfy(row -> {
                assertThat(row.value()).as(row.figure()).isPositive().isFinite();
                assertThat(row.target()).as(row.figure()).matches("(.*: (met|missed))|-");
            });
            assertThat(report.markdown()).contains("| Figure | Baton | Reference, same run | Target |");
        }
    }
}
