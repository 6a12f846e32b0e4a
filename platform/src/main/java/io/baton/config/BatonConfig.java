package io.baton.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The node's whole configuration, validated once and immutable. Read it with {@link #fromEnv()} in a server or
 * {@link #load(Map)} when embedding Baton or in tests; both go through the same validation in {@link ConfigReader}.
 *
 * @param database        where the data lives
 * @param http            the HTTP listener
 * @param cluster         Quartz cluster membership and timing
 * @param dataDir         directory for the embedded database
 * @param shutdownGrace   how long running work may finish on shutdown
 * @param execution       how tasks are run
 * @param agentsDir       directory of agent jars for the server, or {@code null}
 * @param tokenKey        secret for resume tokens, or {@code null}; masked by {@link #toString()}
 * @param secretKeys      keys that encrypt stored secrets, the first one for new secrets; may be empty
 * @param callbacks       how outbound callbacks are sent
 * @param retention       how long finished outbox events, delivery logs and consumed inbox rows are kept
 * @param eventSources    event sources from configuration
 * @param quartzOverrides raw {@code org.quartz.*} properties from the configuration file, applied last
 */
public record BatonConfig(DatabaseConfig database, HttpConfig http, ClusterConfig cluster, Path dataDir,
                          Duration shutdownGrace, ExecutionConfig execution, Path agentsDir, String tokenKey,
                          List<SecretKeySetting> secretKeys, CallbackConfig callbacks, Duration retention,
                          List<EventSourceSetting> eventSources, Map<String, String> quartzOverrides) {

    public BatonConfig {
        secretKeys = List.copyOf(secretKeys);
        eventSources = List.copyOf(eventSources);
        quartzOverrides = Map.copyOf(quartzOverrides);
    }

    @Override
    public String toString() {
        return "BatonConfig[database=" + database + ", http=" + http + ", cluster=" + cluster + ", dataDir=" + dataDir
                + ", shutdownGrace=" + shutdownGrace + ", execution=" + execution + ", agentsDir=" + agentsDir
                + ", tokenKey=" + Masking.mask(tokenKey) + ", secretKeys=" + secretKeys + ", callbacks=" + callbacks + ", retention=" + retention + ", eventSources=" + eventSources
                + ", quartzOverrides=" + quartzOverrides + "]";
    }

    /** Reads the process environment (and {@code BATON_CONFIG_FILE} if set). */
    public static BatonConfig fromEnv() {
        return load(System.getenv());
    }

    /** Reads the given variables as if they were the environment. */
    public static BatonConfig load(Map<String, String> variables) {
        return new ConfigReader(variables).read();
    }

    /** The directory the embedded PostgreSQL keeps its files in. */
    public Path embeddedDataDir() {
        return dataDir.resolve("postgres");
    }
}
