package io.baton.chaos;

import io.baton.testing.TestDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL server the chaos suite can crash ({@code kill -9} of the postmaster) and start again on the same data
 * directory and port, with durability on ({@code fsync}, {@code synchronous_commit}) so that a crash loses nothing
 * that was committed.
 */
final class CrashablePostgres implements AutoCloseable {
    private final Path directory;
    private final int port;
    private EmbeddedPostgres postgres;

    private CrashablePostgres(Path directory, int port) {
        this.directory = directory;
        this.port = port;
    }

    static CrashablePostgres start(Path directory) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        CrashablePostgres server = new CrashablePostgres(directory, port);
        server.startAgain();
        return server;
    }

    void startAgain() throws IOException {
        postgres = EmbeddedPostgres.builder()
                .setDataDirectory(directory)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("max_connections", "300")
                .setPGStartupWait(java.time.Duration.ofSeconds(60)) // crash recovery with fsync on a slow disk
                .start();
    }

    /** Creates a database and returns it as a {@link TestDatabase}. */
    TestDatabase createDatabase(String name) throws SQLException {
        try (Connection c = DriverManager.getConnection(url("postgres"), "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return new TestDatabase(url(name), "postgres", "", null);
    }

    private String url(String database) {
        return "jdbc:postgresql://localhost:" + port + "/" + database;
    }

    /** SIGKILL to the postmaster; its backends die with it. Returns the pid it killed. */
    long crash() throws Exception {
        long pid = Long.parseLong(Files.readAllLines(directory.resolve("postmaster.pid"), StandardCharsets.US_ASCII)
                .get(0).trim());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
        postmaster.destroyForcibly();
        postmaster.onExit().get(30, TimeUnit.SECONDS);
        postgres.close(); // its stop fails (the server is gone); this releases the data directory's lock
        return pid;
    }


    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
