package io.baton.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.testing.PostgresExtension;
import io.baton.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class MigrationsIT {

    @Test
    void nodesMigratingAtTheSameTimeIntoADatabaseWithOtherTablesApplyEachMigrationOnce(TestDatabase db) {
        db.server().execute("SELECT 1");
        try (var c = db.connect(); var s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS app_owned (id int)");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        int nodes = 4;
        CyclicBarrier together = new CyclicBarrier(nodes);
        List<CompletableFuture<Integer>> runs = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            int node = i;
            runs.add(CompletableFuture.supplyAsync(() -> {
                try (Database database = Database.connect(db.url(), db.user(), db.password(), 5, "m" + node)) {
                    together.await();
                    return database.migrate().migrationsExecuted;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }

        List<Integer> applied = runs.stream().map(CompletableFuture::join).toList();

        int migrations = ((Number) db.queryValue("SELECT count(*) FROM flyway_schema_history WHERE success AND type = 'SQL'")).intValue();
        assertThat(applied.stream().mapToInt(Integer::intValue).sum()).isEqualTo(migrations);
        assertThat(db.queryValue("SELECT count(DISTINCT version) = count(*) FROM flyway_schema_history"))
                .isEqualTo(true);
        assertThat(db.queryValue("SELECT count(*) FROM information_schema.tables WHERE table_name = 'qrtz_locks'"))
                .isEqualTo(1L);
        assertThat(db.queryValue("SELECT count(*) FROM flyway_schema_history WHERE version = '0'")).isEqualTo(1L);
    }

    @Test
    void aNodesSessionsEndTransactionsLeftIdleSoAFrozenNodeCannotHoldLocks(TestDatabase db) throws Exception {
        try (Database database = Database.connect(db.url(), db.user(), db.password(), 5, "idle-check");
             var connection = database.dataSource().getConnection();
             var statement = connection.createStatement();
             var rs = statement.executeQuery("SHOW idle_in_transaction_session_timeout")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("5s");
        }
    }
}
