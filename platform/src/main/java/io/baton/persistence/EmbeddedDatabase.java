package io.baton.persistence;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zero-setup database: a PostgreSQL 17 server started from the bundled binaries in a data directory that
 * survives restarts. Durability is on ({@code fsync} and {@code synchronous_commit}), unlike the library's defaults,
 * and so is authentication: SCRAM-SHA-256 with a generated password, on loopback only (the library trusts everyone).
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
    public static final String DATABASE_NAME = "baton";
    public static final String USER = "postgres";
    /** The file, in Baton's data directory, that keeps the password of {@link #USER} (mode 0600). */
    public static final String PASSWORD_FILE = "postgres-password";
    private static final Duration STALE_SERVER_STOP_TIMEOUT = Duration.ofSeconds(30);

    /** Who may connect once the server is password-protected: every user, with SCRAM, on loopback only. */
    private static final String PASSWORD_HBA = """
            # Written by Baton: every connection authenticates with the password in Baton's data directory.
            local   all             all                                     scram-sha-256
            host    all             all             127.0.0.1/32            scram-sha-256
            host    all             all             ::1/128                 scram-sha-256
            local   replication     all                                     scram-sha-256
            host    replication     all             127.0.0.1/32            scram-sha-256
            host    replication     all             ::1/128                 scram-sha-256
            """;

    private final EmbeddedPostgres postgres;
    private final Path dataDirectory;
    private final String password;

    private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDirectory, String password) {
        this.postgres = postgres;
        this.dataDirectory = dataDirectory;
        this.password = password;
    }

    /**
     * Starts (initialising on first use) the server in {@code dataDirectory} and creates the {@code baton} database.
     * Connections need the password kept in {@code passwordFile} (generated at first start, mode 0600): the server
     * listens on loopback only and authenticates every connection, local socket included, with SCRAM-SHA-256.
     */
    public static EmbeddedDatabase start(Path dataDirectory, Path passwordFile, int port) {
        try {
            Files.createDirectories(dataDirectory);
            stopServerLeftBehind(dataDirectory);
            boolean fresh = !Files.exists(dataDirectory.resolve("postgresql.conf"));
            boolean trusting = !fresh && trustsConnections(dataDirectory);
            if (!fresh && !trusting && !Files.exists(passwordFile)) {
                throw new IllegalStateException("the embedded PostgreSQL in " + dataDirectory + " needs its password "
                        + "file " + passwordFile + ", which is missing; restore it, or delete " + dataDirectory
                        + " to start over with an empty database");
            }
            String password = readOrCreatePassword(passwordFile);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setConnectConfig("password", password)
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("listen_addresses", "localhost")
                    .setPGStartupWait(Duration.ofSeconds(60));
            if (fresh) {
                // The library runs initdb with "-A trust" and passes these "locale" options through as
                // --name=value: the superuser gets its password and SCRAM authentication from the first moment.
                builder.setLocaleConfig("pwfile", passwordFile.toAbsolutePath().toString())
                        .setLocaleConfig("auth-local", "scram-sha-256")
                        .setLocaleConfig("auth-host", "scram-sha-256");
            }
            EmbeddedDatabase database = new EmbeddedDatabase(builder.start(), dataDirectory, password);
            if (trusting) {
                database.requirePassword();
            }
            database.createBatonDatabase();
            LOG.info("Embedded PostgreSQL {} in {} on port {}", fresh ? "initialised" : "reopened", dataDirectory,
                    database.port());
            return database;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + dataDirectory + ": "
                    + e.getMessage(), e);
        }
    }

    /** The password of {@link #USER}; never logged. */
    public String password() {
        return password;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + DATABASE_NAME;
    }

    public int port() {
        return postgres.getPort();
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    private void createBatonDatabase() {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            try (ResultSet rs = statement.executeQuery(
                    "SELECT 1 FROM pg_database WHERE datname = '" + DATABASE_NAME + "'")) {
                if (!rs.next()) {
                    statement.execute("CREATE DATABASE " + DATABASE_NAME);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the '" + DATABASE_NAME + "' database: " + e.getMessage(), e);
        }
    }

    /** Whether the cluster still lets connections in without a password (made by a Baton before 0.2). */
    private static boolean trustsConnections(Path dataDirectory) throws IOException {
        Path hba = dataDirectory.resolve("pg_hba.conf");
        return Files.exists(hba) && Files.readAllLines(hba, StandardCharsets.UTF_8).stream()
                .map(String::trim)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .anyMatch(line -> line.endsWith("trust"));
    }

    /** The password in {@code file}, or a new random one (256 bits) written there readable by its owner only. */
    private static String readOrCreatePassword(Path file) throws IOException {
        if (Files.exists(file)) {
            String kept = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (kept.isEmpty()) {
                throw new IOException(file + " is empty; restore the embedded database's password there");
            }
            return kept;
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path partial = file.resolveSibling(file.getFileName() + ".new");
        Files.deleteIfExists(partial);
        try {
            Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(partial); // not a POSIX file system: the directory's own protection applies
        }
        Files.writeString(partial, password + "\n", StandardCharsets.UTF_8);
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
        return password;
    }

    /**
     * Upgrades a cluster that trusted every local connection: gives the superuser the password, then makes the
     * server demand it (pg_hba.conf rewritten and reloaded).
     */
    private void requirePassword() throws IOException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("SET password_encryption = 'scram-sha-256'");
            statement.execute("ALTER ROLE " + USER + " PASSWORD '" + password.replace("'", "''") + "'");
            Files.writeString(dataDirectory.resolve("pg_hba.conf"), PASSWORD_HBA, StandardCharsets.UTF_8);
            statement.execute("SELECT pg_reload_conf()");
        } catch (SQLException e) {
            throw new IOException("cannot set the embedded PostgreSQL's password: " + e.getMessage(), e);
        }
        LOG.info("Embedded PostgreSQL in {} now requires its password for every connection", dataDirectory);
    }

    /**
     * A node killed with SIGKILL leaves its PostgreSQL child running, which would make the next start fail on the
     * same data directory. Stop that orphan first (SIGTERM: a clean shutdown), then start normally.
     */
    private static void stopServerLeftBehind(Path dataDirectory) throws IOException {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        Optional<ProcessHandle> orphan = Files.readAllLines(pidFile, StandardCharsets.US_ASCII).stream()
                .findFirst()
                .map(String::trim)
                .filter(line -> line.matches("\\d+"))
                .flatMap(pid -> ProcessHandle.of(Long.parseLong(pid)))
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false));
        if (orphan.isEmpty()) {
            return;
        }
        LOG.warn("Stopping PostgreSQL (pid {}) left running in {} by an earlier process", orphan.get().pid(),
                dataDirectory);
        orphan.get().destroy();
        try {
            orphan.get().onExit().get(STALE_SERVER_STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IOException("PostgreSQL pid " + orphan.get().pid() + " still runs in " + dataDirectory
                    + " after " + STALE_SERVER_STOP_TIMEOUT.toSeconds() + "s; stop it and retry", e);
        }
        Instant deadline = Instant.now().plus(STALE_SERVER_STOP_TIMEOUT);
        while (Files.exists(pidFile) && Instant.now().isBefore(deadline)) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the old PostgreSQL to stop", e);
            }
        }
    }

    @Override
    public void close() {
        try {
            postgres.close();
            LOG.info("Embedded PostgreSQL stopped; data kept in {}", dataDirectory);
        } catch (IOException e) {
            LOG.warn("Embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
        }
    }
}
