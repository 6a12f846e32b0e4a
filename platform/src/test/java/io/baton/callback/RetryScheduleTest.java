package io.baton.callback;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {
    private final RetrySchedule schedule = new RetrySchedule(List.of(Duration.ofSeconds(5), Duration.ofMinutes(5),
            Duration.ofHours(2)));

    @Test
    void eachRetryWaitsItsDelayWithinTwentyPercentAndThereIsNoneAfterTheLast() {
        Random random = new Random(42);
        for (int i = 0; i < 1000; i++) {
            assertThat(schedule.after(1, random)).hasValueSatisfying(d ->
                    assertThat(d).isBetween(Duration.ofMillis(4000), Duration.ofMillis(6000)));
            assertThat(schedule.after(2, random)).hasValueSatisfying(d ->
                    assertThat(d).isBetween(Duration.ofSeconds(240), Duration.ofSeconds(360)));
            assertThat(schedule.after(3, random)).hasValueSatisfying(d ->
                    assertThat(d).isBetween(Duration.ofMinutes(96), Duration.ofMinutes(144)));
        }
        assertThat(schedule.after(4, random)).isEmpty();
        assertThat(schedule.after(0, random)).isEmpty();
        assertThat(schedule.attempts()).isEqualTo(4);
        // Jitter spreads the retries: not every delay is the same.
        assertThat(schedule.after(1, new Random(1))).isNotEqualTo(schedule.after(1, new Random(2)));
    }

    @Test
    void theDefaultScheduleSpansAboutThreeDays() {
        RetrySchedule defaults = new RetrySchedule(io.baton.config.BatonConfig.load(java.util.Map.of()).callbacks()
                .retrySchedule());
        assertThat(defaults.attempts()).isEqualTo(10);
        Duration total = Duration.ZERO;
        for (int attempt = 1; attempt < defaults.attempts(); attempt++) {
            total = total.plus(defaults.after(attempt, new Random(7)).orElseThrow());
        }
        assertThat(total).isBetween(Duration.ofHours(55), Duration.ofHours(87));
    }

    @Test
    void retryAfterIsSecondsOrAnHttpDate() {
        Instant now = Instant.parse("2026-11-25T08:00:00Z");
        assertThat(CallbackSender.retryAfter("120", now)).isEqualTo(Duration.ofSeconds(120));
        assertThat(CallbackSender.retryAfter(" 0 ", now)).isEqualTo(Duration.ZERO);
        assertThat(CallbackSender.retryAfter("Wed, 25 Nov 2026 08:05:00 GMT", now)).isEqualTo(Duration.ofMinutes(5));
        assertThat(CallbackSender.retryAfter("Wed, 25 Nov 2026 07:00:00 GMT", now)).isEqualTo(Duration.ZERO);
        assertThat(CallbackSender.retryAfter("soon", now)).isNull();
        assertThat(CallbackSender.retryAfter("-5", now)).isEqualTo(Duration.ZERO);
    }
}
