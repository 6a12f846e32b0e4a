package io.baton.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.baton.wait.EventSource;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigReaderTest {

    @Test
    void everySettingHasItsDocumentedDefaultWhenNothingIsSet() {
        BatonConfig config = BatonConfig.load(Map.of());

        assertThat(config.database().externalUrl()).isEmpty();
        assertThat(config.database().user()).isEqualTo("postgres");
        assertThat(config.database().poolSize()).isEqualTo(20);
        assertThat(config.http().port()).isEqualTo(8080);
        assertThat(config.http().host()).isEqualTo("0.0.0.0");
        assertThat(config.dataDir()).isEqualTo(Path.of(".baton").toAbsolutePath().normalize());
        assertThat(config.embeddedDataDir()).isEqualTo(config.dataDir().resolve("postgres"));
        assertThat(config.cluster().name()).isEqualTo("baton");
        assertThat(config.cluster().workerThreads()).isEqualTo(8);
        assertThat(config.cluster().checkinInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.cluster().failureGrace()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.cluster().idleWait()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.shutdownGrace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.cluster().nodeId()).matches("[A-Za-z0-9._-]+-\\d+-[0-9a-f]{6}");
    }

    @Test
    void twoNodesWithoutAnExplicitIdGetDifferentIds() {
        assertThat(BatonConfig.load(Map.of()).cluster().nodeId())
                .isNotEqualTo(BatonConfig.load(Map.of()).cluster().nodeId());
    }

    @Test
    void aMalformedDatabaseUrlNamesTheSettingInOneLine() {
        assertThatThrownBy(() -> BatonConfig.load(Map.of("BATON_DB_URL", "postgres://db:5432/baton")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("BATON_DB_URL: must be a PostgreSQL JDBC URL")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> BatonConfig.load(Map.of("BATON_DB_URL", "jdbc:postgresql://db:notaport/baton")))
                .hasMessageStartingWith("BATON_DB_URL: is not a valid PostgreSQL JDBC URL");
    }

    @Test
    void aPasswordInTheUrlNeverAppearsInTheError() {
        assertThatThrownBy(() -> BatonConfig.load(Map.of("BATON_DB_URL", "postgresql://bob:hunter2@db/baton")))
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void portsOutOfRangeAndNonNumbersAreRejected() {
        assertThatThrownBy(() -> BatonConfig.load(Map.of("BATON_HTTP_PORT", "70000")))
                .hasMessage("BATON_HTTP_PORT: 70000 is out of range 0..65535");
        assertThatThrownBy(() -> BatonConfig.load(Map.of("BATON_HTTP_PORT", "eighty")))
                .hasMessage("BATON_HTTP_PORT: 'eighty' is not a whole number");
    }

    @Test
    void durationsAcceptShortAndIsoForms() {
        BatonConfig config = BatonConfig.load(Map.of(
                "BATON_CHECKIN_INTERVAL", "500ms", "BATON_FAILURE_GRACE", "PT2S", "BATON_SHUTDOWN_GRACE", "1m"));

        assertThat(config.cluster().checkinInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.cluster().failureGrace()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.shutdownGrace()).isEqualTo(Duration.ofMinutes(1));
        assertThatThrownBy(() -> BatonConfig.load(Map.of("BATON_IDLE_WAIT", "soon")))
                .hasMessageStartingWith("BATON_IDLE_WAIT: 'soon' is not a duration");
        assertThatThrownBy(() -> BatonConfig.load(Map.of("BATON_CHECKIN_INTERVAL", "10ms")))
                .hasMessageStartingWith("BATON_CHECKIN_INTERVAL: 10ms is shorter than the minimum");
    }

    @Test
    void thePoolMustLeaveRoomBeyondTheWorkerThreads() {
        assertThatThrownBy(() -> BatonConfig.load(Map.of("BATON_WORKER_THREADS", "20", "BATON_DB_POOL_SIZE", "20")))
                .hasMessage("BATON_DB_POOL_SIZE: is 20 but must be at least BATON_WORKER_THREADS + 4 = 24");
    }

    @Test
    void theFileIsReadUnderTheEnvironmentAndPassesQuartzPropertiesThrough(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("baton.properties");
        Files.writeString(file, """
                BATON_HTTP_PORT=9090
                BATON_DB_USER=fromfile
                org.quartz.jobStore.misfireThreshold=5000
                """);

        BatonConfig config = BatonConfig.load(Map.of("BATON_CONFIG_FILE", file.toString(), "BATON_DB_USER", "env"));

        assertThat(config.http().port()).isEqualTo(9090);
        assertThat(config.database().user()).isEqualTo("env");
        assertThat(config.quartzOverrides()).containsEntry("org.quartz.jobStore.misfireThreshold", "5000");
    }

    @Test
    void anUnknownSettingInTheFileStopsStartUp(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("baton.properties");
        Files.writeString(file, "BATON_DB_ULR=jdbc:postgresql://db/baton\n");

        assertThatThrownBy(() -> BatonConfig.load(Map.of("BATON_CONFIG_FILE", file.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("BATON_DB_ULR: unknown setting in " + file);
    }

    @Test
    void aMissingFileIsReportedAgainstTheFileSetting() {
        assertThatThrownBy(() -> BatonConfig.load(Map.of("BATON_CONFIG_FILE", "/nonexistent/baton.properties")))
                .hasMessageStartingWith("BATON_CONFIG_FILE: cannot read '/nonexistent/baton.properties'");
    }

    @Test
    void secretsAreMaskedWhenTheConfigurationIsPrinted() {
        Map<String, String> env = new HashMap<>();
        env.put("BATON_DB_URL", "jdbc:postgresql://db:5432/baton");
        env.put("BATON_DB_PASSWORD", "s3cret-pa55");

        String printed = BatonConfig.load(env).toString();

        assertThat(printed).doesNotContain("s3cret-pa55").contains("password=****");
    }

    @Test
    void nodeIdsAreValidated() {
        assertThat(BatonConfig.load(Map.of("BATON_NODE_ID", "node-a")).cluster().nodeId()).isEqualTo("node-a");
        assertThatThrownBy(() -> BatonConfig.load(Map.of("BATON_NODE_ID", "node a")))
                .hasMessageStartingWith("BATON_NODE_ID: must be");
    }

    @Test
    void eventSourcesAreReadWithTheirSecretsAndValidated() {
        BatonConfig config = BatonConfig.load(Map.of(
                "BATON_EVENT_SOURCES", "payments,stripe,/data/object/metadata/order,1h; repo,github,/pull_request/id,10m",
                "BATON_EVENT_SECRET_PAYMENTS", "whsec_abc",
                "BATON_EVENT_SECRET_REPO", "gh-secret"));

        assertThat(config.eventSources()).hasSize(2);
        assertThat(config.eventSources().get(0).name()).isEqualTo("payments");
        assertThat(config.eventSources().get(0).secret()).isEqualTo("whsec_abc");
        assertThat(config.eventSources().get(0).bufferTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(config.eventSources().get(1).correlationPointer()).isEqualTo("/pull_request/id");
        assertThat(config.toString()).doesNotContain("whsec_abc").doesNotContain("gh-secret");

        assertThatThrownBy(() -> BatonConfig.load(Map.of("BATON_EVENT_SOURCES", "payments,stripe")))
                .hasMessageContaining("must be name,scheme,correlation-pointer,buffer-ttl");
        assertThatThrownBy(() -> BatonConfig.load(Map.of("BATON_EVENT_SOURCES", "payments,stripe,/id,soon")))
                .hasMessageStartingWith("BATON_EVENT_SOURCES:");

        // What makes a valid source is checked where sources live, as the node starts, naming the same setting.
        assertThatThrownBy(() -> EventSource.fromSetting(BatonConfig.load(Map.of(
                "BATON_EVENT_SOURCES", "payments,stripe,/id,1h")).eventSources().get(0)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("BATON_EVENT_SOURCES: event source 'payments': scheme stripe needs a secret")
                .hasMessageContaining("BATON_EVENT_SECRET_PAYMENTS");
        assertThatThrownBy(() -> EventSource.fromSetting(BatonConfig.load(Map.of(
                "BATON_EVENT_SOURCES", "x,carrier-pigeon,/id,1h")).eventSources().get(0)))
                .hasMessageContaining("scheme must be one of");
        assertThat(EventSource.fromSetting(config.eventSources().get(0)).secret()).isEqualTo("whsec_abc");
    }

    @Test
    void theTokenKeyAndPublicUrlAreValidatedAndTheKeyIsMasked() {
        String key = "k".repeat(40);
        BatonConfig config = BatonConfig.load(Map.of("BATON_TOKEN_KEY", key,
                "BATON_PUBLIC_URL", "https://baton.example.com/"));

        assertThat(config.http().publicUrl()).isEqualTo("https://baton.example.com");
        assertThat(config.toString()).doesNotContain(key).contains("tokenKey=****");
        assertThatThrownBy(() -> BatonConfig.load(Map.of("BATON_TOKEN_KEY", "short")))
                .hasMessageStartingWith("BATON_TOKEN_KEY: must be at least 32 characters");
        assertThatThrownBy(() -> BatonConfig.load(Map.of("BATON_PUBLIC_URL", "baton.example.com")))
                .hasMessageStartingWith("BATON_PUBLIC_URL: 'baton.example.com' is not an absolute http(s) URL");
        assertThatThrownBy(() -> BatonConfig.load(Map.of("BATON_ADMIN_API_KEY", "too-short")))
                .hasMessageStartingWith("BATON_ADMIN_API_KEY: must be at least 24 characters");
    }

    @Test
    void secretKeysAreIdAndBase64Of32BytesTheFirstSealsAndNoneIsPrinted() {
        String k1 = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        String k2 = java.util.Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
        BatonConfig config = BatonConfig.load(Map.of("BATON_SECRET_KEY", "new:" + k2 + ", old:" + k1));

        assertThat(config.secretKeys()).extracting(SecretKeySetting::id).containsExactly("new", "old");
        assertThat(config.secretKeys().get(0).key()).isEqualTo("0123456789abcdef0123456789abcdef".getBytes());
        assertThat(config.toString()).doesNotContain(k1).doesNotContain(k2);
        assertThat(BatonConfig.load(Map.of()).secretKeys()).isEmpty();
        for (String bad : List.of(k1, ":" + k1, "a b:" + k1, "k:not base64!", "k:" + k1.substring(4),
                "k:" + k1 + ",k:" + k2, "k:" + k1 + ",")) {
            assertThatThrownBy(() -> BatonConfig.load(Map.of("BATON_SECRET_KEY", bad)))
                    .as(bad).isInstanceOf(ConfigException.class).hasMessageStartingWith("BATON_SECRET_KEY: ")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(k1).doesNotContain(k2));
        }
    }
}
