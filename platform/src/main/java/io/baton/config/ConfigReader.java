package io.baton.config;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns variables (environment, then the optional file underneath) into a validated {@link BatonConfig}. */
final class ConfigReader {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigReader.class);
    private static final String QUARTZ_PREFIX = "org.quartz.";
    private static final int MIN_SPARE_CONNECTIONS = 4;
    private static final int MIN_API_KEY_LENGTH = 24;

    private final Map<String, String> values = new HashMap<>();
    private final Map<String, String> quartzOverrides = new TreeMap<>();
    private final Map<String, String> secrets = new HashMap<>();
    private static final String EVENT_SECRET_PREFIX = "BATON_EVENT_SECRET_";

    ConfigReader(Map<String, String> environment) {
        String file = environment.getOrDefault(Setting.CONFIG_FILE.envName(), "").trim();
        if (!file.isEmpty()) {
            readFile(file);
        }
        environment.forEach((name, value) -> {
            if (!name.startsWith("BATON_")) {
                return;
            }
            if (Setting.byEnvName(name).isPresent()) {
                values.put(name, value);
            } else if (name.startsWith(EVENT_SECRET_PREFIX)) {
                secrets.put(name, value);
            } else if (!name.startsWith("BATON_TEST_")) {
                LOG.warn("Ignoring unknown environment variable {} (not a Baton setting; check the spelling)", name);
            }
        });
    }

    private void readFile(String file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException | InvalidPathException e) {
            throw new ConfigException(Setting.CONFIG_FILE.envName(), "cannot read '" + file + "': " + e.getMessage());
        }
        for (String key : properties.stringPropertyNames()) {
            String value = properties.getProperty(key).trim();
            if (key.startsWith(QUARTZ_PREFIX)) {
                quartzOverrides.put(key, value);
            } else if (key.startsWith(EVENT_SECRET_PREFIX)) {
                secrets.put(key, value);
            } else if (Setting.byEnvName(key).filter(s -> s != Setting.CONFIG_FILE).isPresent()) {
                values.put(key, value);
            } else {
                throw new ConfigException(key, "unknown setting in " + file
                        + " (expected one of the BATON_* names in the README, or an org.quartz.* property)");
            }
        }
    }

    BatonConfig read() {
        String logFormat = text(Setting.LOG_FORMAT);
        if (!logFormat.equals("text") && !logFormat.equals("json")) {
            throw new ConfigException(Setting.LOG_FORMAT.envName(), "must be text or json, was '" + logFormat + "'");
        }
        DatabaseConfig database = new DatabaseConfig(
                jdbcUrl(),
                text(Setting.DB_USER),
                raw(Setting.DB_PASSWORD),
                integer(Setting.DB_POOL_SIZE, 2, 1000),
                integer(Setting.EMBEDDED_DB_PORT, 0, 65535));
        int httpPort = integer(Setting.HTTP_PORT, 0, 65535);
        HttpConfig http = new HttpConfig(text(Setting.HTTP_HOST), httpPort, adminApiKey(), publicUrl(httpPort),
                integer(Setting.WEBHOOK_MAX_BODY, 1024, 64 * 1024 * 1024), integer(Setting.BULK_MAX, 1, 1_000_000));
        ClusterConfig cluster = new ClusterConfig(
                text(Setting.CLUSTER_NAME),
                nodeId(),
                integer(Setting.WORKER_THREADS, 1, 500),
                duration(Setting.CHECKIN_INTERVAL, Duration.ofMillis(100)),
                duration(Setting.FAILURE_GRACE, Duration.ZERO),
                duration(Setting.IDLE_WAIT, Duration.ofSeconds(1)),
                duration(Setting.DB_RETRY_INTERVAL, Duration.ofMillis(100)));
        if (database.poolSize() < cluster.workerThreads() + MIN_SPARE_CONNECTIONS) {
            throw new ConfigException(Setting.DB_POOL_SIZE.envName(), "is " + database.poolSize()
                    + " but must be at least " + Setting.WORKER_THREADS.envName() + " + " + MIN_SPARE_CONNECTIONS
                    + " = " + (cluster.workerThreads() + MIN_SPARE_CONNECTIONS));
        }
        ExecutionConfig execution = new ExecutionConfig(
                integer(Setting.SLICE_MAX_STEPS, 1, 10_000),
                duration(Setting.SLICE_MAX_TIME, Duration.ofMillis(1)),
                duration(Setting.POLL_INTERVAL, Duration.ofMillis(10)),
                duration(Setting.RECONCILE_INTERVAL, Duration.ofMillis(100)),
                duration(Setting.STALE_AFTER, Duration.ofMillis(100)),
                integer(Setting.MAX_BACKLOG, 0, Integer.MAX_VALUE),
                integer(Setting.MAX_BACKLOG_PER_AGENT, 0, Integer.MAX_VALUE),
                faultPoint());
        String agentsDir = raw(Setting.AGENTS_DIR).trim();
        return new BatonConfig(database, http, cluster, path(Setting.DATA_DIR),
                duration(Setting.SHUTDOWN_GRACE, Duration.ZERO), execution,
                agentsDir.isEmpty() ? null : path(Setting.AGENTS_DIR), tokenKey(), secretKeys(),
                callbacks(), duration(Setting.RETENTION, Duration.ofSeconds(1)), eventSources(),
                quartzOverrides);
    }

    private String tokenKey() {
        String key = raw(Setting.TOKEN_KEY).trim();
        if (key.isEmpty()) {
            return null;
        }
        if (key.length() < 32) {
            throw new ConfigException(Setting.TOKEN_KEY.envName(), "must be at least 32 characters (it is "
                    + key.length() + "); generate one with: openssl rand -base64 32");
        }
        return key;
    }

    private CallbackConfig callbacks() {
        List<Duration> schedule = new ArrayList<>();
        for (String item : raw(Setting.CALLBACK_RETRY_SCHEDULE).split(",")) {
            Duration delay = parseDuration(Setting.CALLBACK_RETRY_SCHEDULE, item.trim());
            if (delay.compareTo(Duration.ofDays(7)) > 0) {
                throw new ConfigException(Setting.CALLBACK_RETRY_SCHEDULE.envName(), "'" + item.trim()
                        + "' is longer than 7 days");
            }
            schedule.add(delay);
        }
        if (schedule.size() > 50) {
            throw new ConfigException(Setting.CALLBACK_RETRY_SCHEDULE.envName(), "lists more than 50 retries");
        }
        return new CallbackConfig(
                Arrays.stream(raw(Setting.CALLBACK_ALLOW).split(",")).map(String::trim).filter(b -> !b.isEmpty())
                        .toList(),
                duration(Setting.CALLBACK_TIMEOUT, Duration.ofMillis(100)),
                schedule,
                integer(Setting.CALLBACK_CONCURRENCY, 1, 64),
                duration(Setting.CALLBACK_DISABLE_AFTER, Duration.ofMinutes(1)));
    }

    /** {@code id:base64[,id:base64...]}: each key 32 bytes, ids unique. */
    private List<SecretKeySetting> secretKeys() {
        String text = raw(Setting.SECRET_KEY).trim();
        if (text.isEmpty()) {
            return List.of();
        }
        String name = Setting.SECRET_KEY.envName();
        List<SecretKeySetting> keys = new ArrayList<>();
        for (String item : text.split(",", -1)) {
            int colon = item.indexOf(':');
            String id = colon < 0 ? "" : item.substring(0, colon).trim();
            if (!id.matches("[A-Za-z0-9_-]{1,32}")) {
                throw new ConfigException(name, "each key must be '<id>:<base64 of 32 bytes>' with an id of 1-32 "
                        + "letters, digits, '-' or '_' (key " + (keys.size() + 1) + " is not); generate one with: "
                        + "echo k1:$(openssl rand -base64 32)");
            }
            byte[] key;
            try {
                key = java.util.Base64.getDecoder().decode(item.substring(colon + 1).trim());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, "key '" + id + "' is not valid base64");
            }
            if (key.length != 32) {
                throw new ConfigException(name, "key '" + id + "' must be 32 bytes (256 bits), not " + key.length);
            }
            if (keys.stream().anyMatch(k -> k.id().equals(id))) {
                throw new ConfigException(name, "key id '" + id + "' appears twice");
            }
            keys.add(new SecretKeySetting(id, key));
        }
        return keys;
    }

    private String publicUrl(int httpPort) {
        String url = values.containsKey(Setting.PUBLIC_URL.envName()) || httpPort == 0 ? text(Setting.PUBLIC_URL)
                : "http://localhost:" + httpPort;
        try {
            URI uri = new URI(url);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                    || uri.getQuery() != null) {
                throw new URISyntaxException(url, "not an absolute http(s) URL without query");
            }
        } catch (URISyntaxException e) {
            throw new ConfigException(Setting.PUBLIC_URL.envName(), "'" + url
                    + "' is not an absolute http(s) URL like https://baton.example.com");
        }
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private List<EventSourceSetting> eventSources() {
        String value = raw(Setting.EVENT_SOURCES).trim();
        List<EventSourceSetting> sources = new ArrayList<>();
        if (value.isEmpty()) {
            return sources;
        }
        for (String entry : value.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] parts = entry.trim().split(",");
            if (parts.length != 4) {
                throw new ConfigException(Setting.EVENT_SOURCES.envName(), "'" + entry.trim()
                        + "' must be name,scheme,correlation-pointer,buffer-ttl");
            }
            String name = parts[0].trim();
            String secretName = "BATON_EVENT_SECRET_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
            sources.add(new EventSourceSetting(name, parts[1].trim(), secrets.get(secretName), parts[2].trim(),
                    parseDuration(Setting.EVENT_SOURCES, parts[3].trim()), secretName));
        }
        return sources;
    }

    private String adminApiKey() {
        String key = raw(Setting.ADMIN_API_KEY).trim();
        if (key.isEmpty()) {
            return null;
        }
        if (key.length() < MIN_API_KEY_LENGTH) {
            throw new ConfigException(Setting.ADMIN_API_KEY.envName(), "must be at least " + MIN_API_KEY_LENGTH
                    + " characters (it is " + key.length() + ")");
        }
        return key;
    }

    private ExecutionConfig.FaultPointSetting faultPoint() {
        String value = raw(Setting.FAULT_POINT).trim();
        if (value.isEmpty()) {
            return null;
        }
        String[] parts = value.split(":", 2);
        return new ExecutionConfig.FaultPointSetting(parts[0], parts.length > 1 && !parts[1].isBlank() ? parts[1]
                : null);
    }

    private String raw(Setting setting) {
        return values.getOrDefault(setting.envName(), setting.defaultValue());
    }

    private String text(Setting setting) {
        String value = raw(setting).trim();
        if (value.isEmpty()) {
            throw new ConfigException(setting.envName(), "must not be empty");
        }
        return value;
    }

    private int integer(Setting setting, int min, int max) {
        String value = raw(setting).trim();
        int number;
        try {
            number = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ConfigException(setting.envName(), "'" + value + "' is not a whole number");
        }
        if (number < min || number > max) {
            throw new ConfigException(setting.envName(), number + " is out of range " + min + ".." + max);
        }
        return number;
    }

    private Duration duration(Setting setting, Duration min) {
        String value = raw(setting).trim().toLowerCase(Locale.ROOT);
        Duration duration = parseDuration(setting, value);
        if (duration.compareTo(min) < 0) {
            throw new ConfigException(setting.envName(), value + " is shorter than the minimum " + min.toMillis() + "ms");
        }
        return duration;
    }

    private static Duration parseDuration(Setting setting, String text) {
        return Durations.parse(text).orElseThrow(() -> new ConfigException(setting.envName(), "'" + text
                + "' is not a duration (use e.g. 500ms, 2s, 5m, 1h or ISO-8601 like PT2S)"));
    }

    private Path path(Setting setting) {
        String value = text(setting);
        try {
            return Path.of(value).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new ConfigException(setting.envName(), "'" + value + "' is not a valid path");
        }
    }

    private String jdbcUrl() {
        String url = raw(Setting.DB_URL).trim();
        if (url.isEmpty()) {
            return null;
        }
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new ConfigException(Setting.DB_URL.envName(), "must be a PostgreSQL JDBC URL starting with "
                    + "jdbc:postgresql://, for example jdbc:postgresql://db.internal:5432/baton");
        }
        if (org.postgresql.Driver.parseURL(url, null) == null) {
            throw new ConfigException(Setting.DB_URL.envName(), "is not a valid PostgreSQL JDBC URL; expected "
                    + "jdbc:postgresql://host[:port]/database[?options]");
        }
        return url;
    }

    private String nodeId() {
        String value = raw(Setting.NODE_ID).trim();
        if (!value.isEmpty()) {
            if (value.length() > 100 || !value.matches("[A-Za-z0-9._:-]+")) {
                throw new ConfigException(Setting.NODE_ID.envName(),
                        "must be 1-100 characters of letters, digits, '.', '_', ':' or '-'");
            }
            return value;
        }
        byte[] random = new byte[3];
        new SecureRandom().nextBytes(random);
        return hostName() + "-" + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(random);
    }

    private static String hostName() {
        try {
            String name = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "");
            return name.isEmpty() ? "node" : name.length() > 60 ? name.substring(0, 60) : name;
        } catch (UnknownHostException e) {
            return "node";
        }
    }
}
