package io.baton.wait;

import io.baton.config.ConfigException;
import io.baton.config.EventSourceSetting;
import io.baton.config.Setting;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * A registered sender of events ({@code POST /events/{name}}).
 *
 * @param name               path segment and key of the source
 * @param scheme             signature scheme: {@code standard-webhooks}, {@code github}, {@code stripe} or {@code none}
 * @param secret             the scheme's secret (masked in {@link #toString()})
 * @param correlationPointer JSON pointer to the correlation key in the event body, e.g. {@code /data/object/id}
 * @param bufferTtl          how long an event nobody waits for yet is kept for a wait that opens later
 */
public record EventSource(String name, String scheme, String secret, String correlationPointer, Duration bufferTtl) {
    public static final Set<String> SCHEMES = Set.of("standard-webhooks", "github", "stripe", "none");

    public EventSource {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[a-z0-9][a-z0-9_-]{0,63}")) {
            throw new IllegalArgumentException("event source name '" + name + "' must be 1-64 of a-z, 0-9, '_', '-'");
        }
        if (!SCHEMES.contains(scheme)) {
            throw new IllegalArgumentException("event source '" + name + "': scheme must be one of " + SCHEMES);
        }
        if (!"none".equals(scheme) && (secret == null || secret.isBlank())) {
            throw new IllegalArgumentException("event source '" + name + "': scheme " + scheme + " needs a secret");
        }
        if (correlationPointer == null || !correlationPointer.startsWith("/")) {
            throw new IllegalArgumentException("event source '" + name
                    + "': the correlation pointer must be a JSON pointer like /data/id");
        }
        Objects.requireNonNull(bufferTtl, "bufferTtl");
    }

    /**
     * The source a {@code BATON_EVENT_SOURCES} entry describes.
     *
     * @throws ConfigException naming the setting (and the secret's variable) when the entry is not a valid source
     */
    public static EventSource fromSetting(EventSourceSetting setting) {
        try {
            return new EventSource(setting.name(), setting.scheme(), setting.secret(), setting.correlationPointer(),
                    setting.bufferTtl());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(Setting.EVENT_SOURCES.envName(), e.getMessage()
                    + ("none".equals(setting.scheme()) ? "" : " (secret from " + setting.secretVariable() + ")"));
        }
    }

    @Override
    public String toString() {
        return "EventSource[" + name + ", scheme=" + scheme + ", secret=" + (secret == null ? "(none)" : "****")
                + ", pointer=" + correlationPointer + ", bufferTtl=" + bufferTtl + "]";
    }
}
