package io.baton.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.testing.PostgresExtension;
import io.baton.testing.PostgresServer;
import io.baton.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The {@code baton server} command as a user runs it: a real process from the runnable jar. */
@ExtendWith(PostgresExtension.class)
class ServerProcessIT {
    private static final Duration START = Duration.ofSeconds(90);

    @TempDir
    Path work;

    @Test
    void aMalformedSettingStopsStartUpWithOneLineNamingItBeforeAnythingStarts() throws Exception {
        try (ServerProcess server = ServerProcess.start(work, Map.of("BATON_DB_URL", "postgres://db:5432/x"),
                "server")) {
            assertThat(server.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
            assertThat(server.stderr().lines().toList()).singleElement().asString()
                    .startsWith("baton: configuration error: BATON_DB_URL: must be a PostgreSQL JDBC URL");
            assertThat(server.stdout()).doesNotContain("Exception");
        }
        try (ServerProcess server = ServerProcess.start(work.resolve("sources"), Map.of("BATON_EVENT_SOURCES",
                "payments,carrier-pigeon,/id,1h"), "server")) {
            assertThat(server.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
            assertThat(server.stderr().lines().toList()).singleElement().asString()
                    .startsWith("baton: configuration error: BATON_EVENT_SOURCES: event source 'payments': scheme "
                            + "must be one of");
            assertThat(work.resolve("sources").resolve(".baton")).doesNotExist();
        }
    }

    @Test
    void withTheJsonLogFormatEveryLogLineIsAJsonObjectThatNamesItsTaskAndCarriesNoSecret() throws Exception {
        String adminKey = "json-log-admin-key-0123456789abcdef";
        Map<String, String> env = Map.of("BATON_HTTP_PORT", "0", "BATON_LOG_FORMAT", "json",
                "BATON_ADMIN_API_KEY", adminKey, "BATON_SHUTDOWN_GRACE", "2s");
        try (ServerProcess server = ServerProcess.start(work, env, "server")) {
            int port = server.awaitReady(START);
            java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
            HttpResponse<String> started = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                            "http://localhost:" + port + "/admin/api/tasks"))
                    .header("Authorization", "Bearer " + adminKey).header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"agent\": \"demo-greeting\", \"input\": {\"delaySeconds\": 0}}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(started.statusCode()).isEqualTo(201);
            String taskId = new com.fasterxml.jackson.databind.ObjectMapper().readTree(started.body()).path("id")
                    .asText();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> server.stdout().contains("SUCCEEDED after step"));
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            List<com.fasterxml.jackson.databind.JsonNode> logged = new java.util.ArrayList<>();
            for (String line : server.stdout().lines().toList()) {
                if (!line.startsWith("baton: ")) { // the welcome lines are printed, not logged
                    logged.add(json.readTree(line));
                }
            }
            assertThat(logged).isNotEmpty().allSatisfy(entry -> assertThat(entry.has("time") && entry.has("level")
                    && entry.has("logger") && entry.has("message")).as(entry.toString()).isTrue());
            assertThat(logged).anySatisfy(entry -> {
                assertThat(entry.path("taskId").asText()).isEqualTo(taskId);
                assertThat(entry.path("message").asText()).contains("SUCCEEDED");
            });
            assertThat(server.stdout()).doesNotContain(adminKey);
        }
        try (ServerProcess server = ServerProcess.start(work.resolve("xml"), Map.of("BATON_LOG_FORMAT", "xml"),
                "server")) {
            assertThat(server.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
            assertThat(server.stderr()).contains("BATON_LOG_FORMAT: must be text or json");
        }
    }

    /** GET of an unknown task with the given key: 404 when the key is accepted, 401 when not. */
    private static int authorizedStatus(int port, String key) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://localhost:" + port + "/admin/api/tasks/" + java.util.UUID.randomUUID()))
                .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void theEmbeddedNodeIsReadyStopsWithExitZeroOnSigtermAndReopensItsDataDirectory() throws Exception {
        String adminKey;
        Map<String, String> env = Map.of("BATON_HTTP_PORT", "0", "BATON_SHUTDOWN_GRACE", "5s");
        try (ServerProcess first = ServerProcess.start(work, env, "server")) {
            int port = first.awaitReady(START);
            HttpResponse<String> ready = first.get(port, "/health/ready");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).contains("\"status\":\"UP\"", "\"database\":\"UP\"", "\"scheduler\":\"UP\"");
            assertThat(first.get(port, "/health/live").statusCode()).isEqualTo(200);
            assertThat(first.stdout()).contains("data in " + work.resolve(".baton/postgres").toRealPath());
            execute(first, "CREATE TABLE marker AS SELECT 'first run' AS note");
            adminKey = first.stdout().lines().filter(l -> l.contains("admin API key")).findFirst()
                    .map(l -> l.substring(l.indexOf("bk_"))).orElseThrow();
            assertThat(authorizedStatus(port, adminKey)).isEqualTo(404);
            assertThat(authorizedStatus(port, adminKey + "x")).isEqualTo(401);

            first.terminate();
            assertThat(first.awaitExit(Duration.ofSeconds(60))).isEqualTo(0);
            assertThat(first.stdout()).contains("SIGTERM received", "node stopped");
        }

        try (ServerProcess second = ServerProcess.start(work, env, "server")) {
            int port = second.awaitReady(START);
            assertThat(second.get(port, "/health/ready").statusCode()).isEqualTo(200);
            assertThat(second.stdout()).contains("Embedded PostgreSQL reopened").doesNotContain("admin API key");
            assertThat(authorizedStatus(port, adminKey)).isEqualTo(404);
            assertThat(Files.readString(work.resolve(".baton/admin-api-key.sha256"))).doesNotContain(adminKey);
            assertThat(query(second, "SELECT note FROM marker")).isEqualTo("first run");
            second.terminate();
            assertThat(second.awaitExit(Duration.ofSeconds(60))).isEqualTo(0);
        }
    }

    @Test
    void aNodeKilledWithSigkillDoesNotBlockTheNextStartOnTheSameData() throws Exception {
        Map<String, String> env = Map.of("BATON_HTTP_PORT", "0");
        try (ServerProcess first = ServerProcess.start(work, env, "server")) {
            first.awaitReady(START);
            first.kill();
            first.awaitExit(Duration.ofSeconds(30));
        }
        assertThat(work.resolve(".baton/postgres/postmaster.pid")).exists();

        try (ServerProcess second = ServerProcess.start(work, env, "server")) {
            int port = second.awaitReady(START);
            assertThat(second.get(port, "/health/ready").statusCode()).isEqualTo(200);
            assertThat(second.stdout()).contains("left running in");
        }
    }

    @Test
    void twoServersOnOneExternalDatabaseAreBothQuartzClusterMembers(TestDatabase db) throws Exception {
        List<ServerProcess> servers = new ArrayList<>();
        try {
            for (String id : List.of("proc-a", "proc-b")) {
                Map<String, String> env = new HashMap<>(db.batonEnvironment());
                env.put("BATON_NODE_ID", id);
                env.put("BATON_HTTP_PORT", "0");
                servers.add(ServerProcess.start(work.resolve(id), env, "server"));
            }
            for (ServerProcess server : servers) {
                assertThat(server.get(server.awaitReady(START), "/health/ready").statusCode()).isEqualTo(200);
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    db.queryValue("SELECT string_agg(instance_name, ',' ORDER BY instance_name) "
                            + "FROM qrtz_scheduler_state WHERE sched_name = 'baton'")).isEqualTo("proc-a,proc-b"));
            for (ServerProcess server : servers) {
                server.terminate();
                assertThat(server.awaitExit(Duration.ofSeconds(60))).isEqualTo(0);
            }
        } finally {
            for (ServerProcess server : servers) {
                server.close();
            }
        }
    }

    @Test
    void aSeparatePostgresWithPasswordAuthenticationIsUsedInsteadOfTheEmbeddedOne() throws Exception {
        try (PostgresServer external = PostgresServer.embedded(Map.of())) {
            external.execute("CREATE ROLE baton_app LOGIN PASSWORD 'correct horse'");
            external.execute("CREATE DATABASE baton_ext OWNER baton_app");
            requirePasswords(external);
            Map<String, String> env = new HashMap<>();
            env.put("BATON_DB_URL", external.urlFor("baton_ext"));
            env.put("BATON_DB_USER", "baton_app");
            env.put("BATON_DB_PASSWORD", "wrong");
            env.put("BATON_HTTP_PORT", "0");

            try (ServerProcess refused = ServerProcess.start(work.resolve("refused"), env, "server")) {
                assertThat(refused.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
                assertThat(refused.stderr().lines().toList()).singleElement().asString()
                        .startsWith("baton: cannot connect to " + external.urlFor("baton_ext") + " as baton_app")
                        .contains("password authentication failed")
                        .doesNotContain("wrong");
            }

            env.put("BATON_DB_PASSWORD", "correct horse");
            try (ServerProcess server = ServerProcess.start(work.resolve("ok"), env, "server")) {
                int port = server.awaitReady(START);
                assertThat(server.get(port, "/health/ready").statusCode()).isEqualTo(200);
                assertThat(server.stdout()).contains("baton: database " + external.urlFor("baton_ext"))
                        .doesNotContain("embedded PostgreSQL").doesNotContain("correct horse");
                assertThat(work.resolve("ok/.baton")).doesNotExist();
                try (Connection c = DriverManager.getConnection(external.urlFor("baton_ext"), "baton_app",
                        "correct horse"); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT count(*) FROM qrtz_scheduler_state")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(1);
                }
                server.terminate();
                assertThat(server.awaitExit(Duration.ofSeconds(60))).isEqualTo(0);
            }
        }
    }

    /** The embedded server trusts every local connection; switch TCP connections to password authentication. */
    private static void requirePasswords(PostgresServer server) throws Exception {
        try (Connection c = DriverManager.getConnection(server.urlFor("postgres"), server.user(), "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW hba_file")) {
            rs.next();
            Files.writeString(Path.of(rs.getString(1)), """
                    local all all trust
                    host all postgres 127.0.0.1/32 trust
                    host all postgres ::1/128 trust
                    host all all 127.0.0.1/32 scram-sha-256
                    host all all ::1/128 scram-sha-256
                    """);
            s.execute("SELECT pg_reload_conf()");
        }
    }

    private static void execute(ServerProcess server, String sql) throws Exception {
        try (Connection c = server.embeddedDatabaseConnection();
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String query(ServerProcess server, String sql) throws Exception {
        try (Connection c = server.embeddedDatabaseConnection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
