package io.baton.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.testing.PostgresExtension;
import io.baton.testing.TestDatabase;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The chaos suite's TCP proxy does what its faults claim, against a real PostgreSQL and the real JDBC driver: a cut
 * right after a COMMIT leaves the client with an error although the transaction committed (the "did it commit?"
 * window), also when the driver binds its prepared COMMIT by name; a blackhole hangs queries until healed; a delay
 * slows them; a cut breaks open connections and new ones work.
 */
@ExtendWith(PostgresExtension.class)
class DatabaseProxyIT {
    private TestDatabase db;
    private DatabaseProxy proxy;
    private String proxied;

    @BeforeEach
    void start(TestDatabase db) throws Exception {
        this.db = db;
        URI direct = URI.create(db.url().substring("jdbc:".length()));
        proxy = new DatabaseProxy(direct.getHost(), direct.getPort());
        proxied = "jdbc:postgresql://127.0.0.1:" + proxy.port() + direct.getPath() + "?sslmode=disable";
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS baton_probe; CREATE TABLE baton_probe (n int)"); // one database per class
        }
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
    }

    private Connection viaProxy() throws SQLException {
        return DriverManager.getConnection(proxied, db.user(), db.password());
    }

    private long rows() {
        return (Long) db.queryValue("SELECT count(*) FROM baton_probe");
    }

    @Test
    void aCommitCutAfterItWasSentCommitsButTheClientIsNeverTold() throws Exception {
        try (Connection c = viaProxy()) {
            c.setAutoCommit(false);
            for (int i = 0; i < 6; i++) { // past the driver's prepare threshold: COMMIT is then bound by name only
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("INSERT INTO baton_probe VALUES (" + i + ")");
                }
                c.commit();
            }
            proxy.cutAfterCommit();
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO baton_probe VALUES (99)");
            }
            assertThatThrownBy(c::commit).isInstanceOf(SQLException.class);
        }
        assertThat(proxy.commitsCut()).isEqualTo(1);
        assertThat(rows()).isEqualTo(7); // it committed: the client cannot know
    }

    @Test
    void aCommitOfATransactionThatWroteNoBatonTableIsLetThrough() throws Exception {
        try (Connection c = viaProxy(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS other (n int)");
            c.setAutoCommit(false);
            proxy.cutAfterCommit();
            s.executeUpdate("INSERT INTO other VALUES (1)");
            c.commit();
        }
        assertThat(proxy.commitsCut()).isZero();
    }

    @Test
    void aBlackholeHangsQueriesUntilItIsHealedAndThenTheConnectionIsGone() throws Exception {
        try (Connection c = viaProxy()) {
            proxy.blackhole();
            CompletableFuture<Long> query = CompletableFuture.supplyAsync(() -> {
                try (Statement s = c.createStatement(); var rs = s.executeQuery("SELECT 1")) {
                    rs.next();
                    return rs.getLong(1);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThatThrownBy(() -> query.get(1, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
            assertThat(proxy.swallowed()).isPositive();
            assertThat(proxy.heal()).isEqualTo(1);
            assertThatThrownBy(() -> query.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
        }
        try (Connection again = viaProxy(); Statement s = again.createStatement()) {
            s.executeUpdate("INSERT INTO baton_probe VALUES (1)");
        }
        assertThat(rows()).isEqualTo(1);
    }

    @Test
    void aDelayedProxySlowsEveryRoundTripAndACutBreaksOpenConnections() throws Exception {
        try (Connection c = viaProxy(); Statement s = c.createStatement()) {
            proxy.delay(200);
            long started = System.nanoTime();
            s.executeUpdate("INSERT INTO baton_probe VALUES (1)");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isGreaterThanOrEqualTo(200);
            assertThat(proxy.delayed()).isPositive();
            proxy.heal();
            assertThat(proxy.cut()).isEqualTo(1);
            assertThatThrownBy(() -> s.executeUpdate("INSERT INTO baton_probe VALUES (2)"))
                    .isInstanceOf(SQLException.class);
        }
        assertThat(rows()).isEqualTo(1);
    }
}
