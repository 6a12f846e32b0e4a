package io.baton.config;

import java.time.Duration;
import java.util.List;

/**
 * How callbacks are sent.
 *
 * @param allow          IP blocks endpoints may be at although not public ({@code 127.0.0.1/32}); parsed at start
 * @param timeout        longest one attempt may take (connect, send, answer)
 * @param retrySchedule  delay before each attempt after the first; the delivery is dead after the last
 * @param concurrency    attempts in flight to one endpoint from one node
 * @param disableAfter   an endpoint whose every attempt has failed for this long is disabled
 */
public record CallbackConfig(List<String> allow, Duration timeout, List<Duration> retrySchedule, int concurrency,
                             Duration disableAfter) {
    public CallbackConfig {
        allow = List.copyOf(allow);
        retrySchedule = List.copyOf(retrySchedule);
    }
}
