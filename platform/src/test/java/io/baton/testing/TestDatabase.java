package io.baton.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A clean PostgreSQL database for one test class, from {@link PostgresExtension}.
 *
 * @param url      JDBC URL of the database
 * @param user     user with full rights on it
 * @param password that user's password
 * @param server   the server it lives on, to create more databases or stop it
 */
public record TestDatabase(String url, String user, String password, PostgresServer server) {

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    public DataSource dataSource() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(url);
        dataSource.setUser(user);
        dataSource.setPassword(password);
        return dataSource;
    }

    /** Environment variables that point a Baton node at this database. */
    public Map<String, String> batonEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("BATON_DB_URL", url);
        env.put("BATON_DB_USER", user);
        env.put("BATON_DB_PASSWORD", password);
        return env;
    }

    /** Every row of every table in the public schema, as text: what a dump of the database would hold. */
    public String dumpAllTables() {
        StringBuilder dump = new StringBuilder();
        try (Connection c = connect(); var s = c.createStatement()) {
            java.util.List<String> tables = new java.util.ArrayList<>();
            try (var rs = s.executeQuery(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                try (var rs = s.executeQuery("SELECT t::text FROM " + table + " t")) {
                    while (rs.next()) {
                        dump.append(rs.getString(1)).append('\n');
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("dump failed: " + e.getMessage(), e);
        }
        return dump.toString();
    }

    /** Runs one statement that returns no rows; how many rows it changed. */
    public int execute(String sql, Object... parameters) {
        try (Connection connection = connect();
             var statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Runs one statement and returns the first column of the first row, or {@code null}. */
    public Object queryValue(String sql, Object... parameters) {
        try (Connection connection = connect();
             var statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (var rs = statement.executeQuery()) {
                return rs.next() ? rs.getObject(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
