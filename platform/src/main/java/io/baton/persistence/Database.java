package io.baton.persistence;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The node's connection pool and schema migrations. */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration IDLE_IN_TRANSACTION_TIMEOUT = Duration.ofSeconds(5);

    private final HikariDataSource dataSource;
    private final String url;
    private final Properties credentials;

    private Database(HikariDataSource dataSource, String url, Properties credentials) {
        this.dataSource = dataSource;
        this.url = url;
        this.credentials = credentials;
    }

    /**
     * Opens a pool and checks that the database answers.
     *
     * @throws DatabaseUnavailableException with a one-line reason when it cannot connect
     */
    public static Database connect(String url, String user, String password, int poolSize, String poolName) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(poolName);
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(Math.min(2, poolSize));
        config.setConnectionTimeout(CONNECT_TIMEOUT.toMillis());
        config.setValidationTimeout(Duration.ofSeconds(3).toMillis());
        config.addDataSourceProperty("connectTimeout", "5");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        config.addDataSourceProperty("ApplicationName", poolName);
        // A frozen node (long GC pause, stopped VM) must not hold a lock for the whole cluster, Quartz's
        // TRIGGER_ACCESS row above all: PostgreSQL ends a session idle inside a transaction after this long.
        config.addDataSourceProperty("options", "-c idle_in_transaction_session_timeout="
                + IDLE_IN_TRANSACTION_TIMEOUT.toMillis());
        try {
            Properties credentials = new Properties();
            credentials.setProperty("user", user);
            credentials.setProperty("password", password == null ? "" : password);
            credentials.setProperty("connectTimeout", "5");
            credentials.setProperty("tcpKeepAlive", "true");
            credentials.setProperty("ApplicationName", poolName + "-listener");
            return new Database(new HikariDataSource(config), url, credentials);
        } catch (HikariPool.PoolInitializationException e) {
            throw new DatabaseUnavailableException("cannot connect to " + withoutQuery(url) + " as " + user + ": "
                    + rootMessage(e), e);
        }
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public String url() {
        return url;
    }

    /**
     * A connection of its own, outside the pool, for a session that must live on its own (a {@code LISTEN}). The
     * caller closes it.
     */
    public Connection openDedicated() throws SQLException {
        return DriverManager.getConnection(url, credentials);
    }

    /**
     * Applies the versioned migrations under {@code db/migration}. Nodes starting together take turns under a
     * PostgreSQL advisory lock (Flyway's own lock does not cover creating the history table of a database that
     * already holds other tables), so each migration is applied once. A database with other tables is fine: its
     * history starts at version 0 and Baton's migrations follow.
     *
     * @throws MigrationException with a one-line reason when a migration cannot be applied
     */
    public MigrateResult migrate() {
        MigrateResult result;
        try (Connection lock = dataSource.getConnection()) {
            advisoryLock(lock, "SELECT pg_advisory_lock(hashtext('baton-migrations'))");
            try {
                result = Flyway.configure()
                        .dataSource(dataSource)
                        .locations("classpath:db/migration")
                        .baselineOnMigrate(true)
                        .baselineVersion("0")
                        .load()
                        .migrate();
            } finally {
                advisoryLock(lock, "SELECT pg_advisory_unlock(hashtext('baton-migrations'))");
            }
        } catch (FlywayException | SQLException e) {
            throw new MigrationException("database migration failed on " + withoutQuery(url) + ": "
                    + rootMessage(e), e);
        }
        LOG.info("Database schema at version {} ({} migration(s) applied now)", result.targetSchemaVersion,
                result.migrationsExecuted);
        return result;
    }

    private static void advisoryLock(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** Whether the database answers a trivial query within {@code timeout}. */
    public boolean isReachable(Duration timeout) {
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement()) {
            statement.setQueryTimeout((int) Math.max(1, timeout.toSeconds()));
            statement.execute("SELECT 1");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** The URL without its query string, which may carry a password. */
    public static String withoutQuery(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.replaceAll("\\s+", " ").trim();
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
