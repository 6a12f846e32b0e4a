package io.baton.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A PostgreSQL server for tests, chosen in this order: the one at {@code BATON_TEST_DB_URL}; a Testcontainers
 * PostgreSQL 17 when a Docker engine answers; else an embedded PostgreSQL 17 (what machines without Docker, like CI
 * here, use). Hands out fresh databases with {@link #createDatabase(String)}.
 */
public final class PostgresServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresServer.class);

    private final String adminUrl;
    private final String user;
    private final String password;
    private final AutoCloseable owned;
    private final EmbeddedPostgres embedded;
    private final AtomicInteger databases = new AtomicInteger();

    private PostgresServer(String adminUrl, String user, String password, AutoCloseable owned,
                           EmbeddedPostgres embedded) {
        this.adminUrl = adminUrl;
        this.user = user;
        this.password = password;
        this.owned = owned;
        this.embedded = embedded;
    }

    /** Picks the server as described on the class. */
    public static PostgresServer forTests() {
        String url = System.getenv("BATON_TEST_DB_URL");
        if (url != null && !url.isBlank()) {
            LOG.info("Tests use the PostgreSQL at BATON_TEST_DB_URL");
            return new PostgresServer(url, System.getenv().getOrDefault("BATON_TEST_DB_USER", "postgres"),
                    System.getenv().getOrDefault("BATON_TEST_DB_PASSWORD", ""), () -> { }, null);
        }
        if (dockerMayBeAvailable() && DockerClientFactory.instance().isDockerAvailable()) {
            PostgreSQLContainer container = new PostgreSQLContainer("postgres:17-alpine")
                    .withCommand("postgres", "-c", "max_connections=500", "-c", "fsync=on",
                            "-c", "synchronous_commit=on");
            container.start();
            LOG.info("Tests use a Testcontainers PostgreSQL");
            return new PostgresServer(container.getJdbcUrl(), container.getUsername(), container.getPassword(),
                    container::stop, null);
        }
        return embedded(Map.of());
    }

    /**
     * Starts a private embedded PostgreSQL 17 in a fresh directory. Pass {@code fsync=on} and
     * {@code synchronous_commit=on} when durability is under test: the library turns both off by default.
     */
    public static PostgresServer embedded(Map<String, String> serverConfig) {
        try {
            Path directory = Files.createTempDirectory("baton-test-pg");
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(directory)
                    .setCleanDataDirectory(true)
                    .setServerConfig("max_connections", "500");
            serverConfig.forEach(builder::setServerConfig);
            EmbeddedPostgres postgres = builder.start();
            LOG.info("Tests use an embedded PostgreSQL on port {}", postgres.getPort());
            return new PostgresServer("jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres", "postgres", "", postgres,
                    postgres);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL for tests", e);
        }
    }

    private static boolean dockerMayBeAvailable() {
        return System.getenv("DOCKER_HOST") != null || new File("/var/run/docker.sock").exists();
    }

    /** Creates an empty database and returns its coordinates. */
    public TestDatabase createDatabase(String hint) {
        String name = ("t" + databases.incrementAndGet() + "_" + hint.replaceAll("[^A-Za-z0-9]", ""))
                .toLowerCase();
        if (name.length() > 60) {
            name = name.substring(0, 60);
        }
        execute("CREATE DATABASE " + name);
        return new TestDatabase(urlFor(name), user, password, this);
    }

    /** Runs a statement as the server's administrator on its maintenance database. */
    public void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(adminUrl, user, password);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** The JDBC URL of {@code database} on this server. */
    public String urlFor(String database) {
        int slash = adminUrl.indexOf('/', "jdbc:postgresql://".length());
        int query = adminUrl.indexOf('?');
        return adminUrl.substring(0, slash + 1) + database + (query < 0 ? "" : adminUrl.substring(query));
    }

    /** The embedded server's data directory, when this is one (for tests that change its configuration). */
    public java.util.Optional<EmbeddedPostgres> embedded() {
        return java.util.Optional.ofNullable(embedded);
    }

    public String user() {
        return user;
    }

    @Override
    public void close() throws Exception {
        owned.close();
    }
}
