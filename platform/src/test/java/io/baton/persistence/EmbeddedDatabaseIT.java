package io.baton.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedDatabaseIT {

    @Test
    void runsDurablyAndKeepsItsDataAcrossRestarts(@TempDir Path dir) throws SQLException {
        Path data = dir.resolve("postgres");
        Path passwordFile = dir.resolve(EmbeddedDatabase.PASSWORD_FILE);
        try (EmbeddedDatabase first = EmbeddedDatabase.start(data, passwordFile, 0)) {
            try (Connection c = DriverManager.getConnection(first.jdbcUrl(), EmbeddedDatabase.USER, first.password());
                 Statement s = c.createStatement()) {
                assertThat(setting(s, "fsync")).isEqualTo("on");
                assertThat(setting(s, "synchronous_commit")).isEqualTo("on");
                assertThat(setting(s, "server_version_num")).startsWith("17");
                s.execute("CREATE TABLE kept (v text)");
                s.execute("INSERT INTO kept VALUES ('survives')");
            }
        }

        try (EmbeddedDatabase second = EmbeddedDatabase.start(data, passwordFile, 0);
             Connection c = DriverManager.getConnection(second.jdbcUrl(), EmbeddedDatabase.USER, second.password());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
            assertThat(second.dataDirectory()).isEqualTo(data);
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("survives");
        }
    }

    @Test
    void everyConnectionNeedsTheGeneratedPasswordWhichOnlyItsOwnerCanRead(@TempDir Path dir) throws Exception {
        Path passwordFile = dir.resolve(EmbeddedDatabase.PASSWORD_FILE);
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir.resolve("postgres"), passwordFile, 0)) {
            assertThat(db.password()).hasSizeGreaterThanOrEqualTo(43);
            assertThat(Files.readString(passwordFile).trim()).isEqualTo(db.password());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile)))
                    .isEqualTo("rw-------");
            assertRefused(db.jdbcUrl(), "");
            assertRefused(db.jdbcUrl(), "wrong");
            assertRefused(db.jdbcUrl().replace("localhost", "127.0.0.1"), "");
            assertThat(setting(db, "listen_addresses")).isEqualTo("localhost");
            assertThat(setting(db, "password_encryption")).isEqualTo("scram-sha-256");
        }
    }

    @Test
    void aDataDirectoryThatTrustedEveryoneIsUpgradedToPasswordsAndKeepsItsData(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("postgres");
        try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false)
                .start();
             Connection c = old.getPostgresDatabase().getConnection();
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kept AS SELECT 'from before' AS v");
        }
        assertThat(Files.readString(data.resolve("pg_hba.conf"))).contains("trust");

        try (EmbeddedDatabase upgraded = EmbeddedDatabase.start(data, dir.resolve(EmbeddedDatabase.PASSWORD_FILE), 0);
             Connection c = DriverManager.getConnection(upgraded.jdbcUrl().replace("/baton", "/postgres"),
                     EmbeddedDatabase.USER, upgraded.password());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("from before");
            assertRefused(upgraded.jdbcUrl(), "");
        }
    }

    @Test
    void aPasswordProtectedDirectoryWithoutItsPasswordFileIsRefusedWithAClearReason(@TempDir Path dir) {
        Path data = dir.resolve("postgres");
        Path passwordFile = dir.resolve(EmbeddedDatabase.PASSWORD_FILE);
        EmbeddedDatabase.start(data, passwordFile, 0).close();
        passwordFile.toFile().delete();

        assertThatThrownBy(() -> EmbeddedDatabase.start(data, passwordFile, 0))
                .hasMessageContaining("needs its password file " + passwordFile + ", which is missing");
    }

    private static void assertRefused(String url, String password) {
        assertThatThrownBy(() -> DriverManager.getConnection(url, EmbeddedDatabase.USER, password).close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("authentication");
    }

    private static String setting(EmbeddedDatabase db, String name) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), EmbeddedDatabase.USER, db.password());
             Statement s = c.createStatement()) {
            return setting(s, name);
        }
    }

    private static String setting(Statement statement, String name) throws SQLException {
        try (ResultSet rs = statement.executeQuery("SHOW " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
