package io.baton.config;

import java.time.Duration;

/**
 * One entry of {@code BATON_EVENT_SOURCES} as written ({@code name,scheme,correlation-pointer,buffer-ttl}) with its
 * secret from {@code BATON_EVENT_SECRET_<NAME>}. Only the format is checked here; what makes a valid source (known
 * schemes, a secret where the scheme needs one, a JSON pointer) is checked by {@code io.baton.wait.EventSource} when
 * the node starts.
 *
 * @param secretVariable the variable the secret came from, to name in errors
 */
public record EventSourceSetting(String name, String scheme, String secret, String correlationPointer,
                                 Duration bufferTtl, String secretVariable) {

    @Override
    public String toString() {
        return "EventSourceSetting[" + name + ", scheme=" + scheme + ", secret=" + Masking.mask(secret) + ", pointer="
                + correlationPointer + ", bufferTtl=" + bufferTtl + "]";
    }
}
