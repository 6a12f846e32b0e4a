package io.baton.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The chaos suite can fail: the same run, against a deliberately broken build (the checkpoint fence turned off by
 * {@code BATON_FAULT_POINT=no-fence}), must be judged failed, by the invariants the fence protects. Nodes paused past
 * failure detection wake up as zombies whose checkpoints now land: a step checkpointed twice, or an older attempt
 * writing after a newer one.
 */
class BrokenFenceIT {

    @Test
    void withTheFenceTurnedOffTheSuiteFailsAndNamesTheBrokenInvariant() throws Exception {
        long seed = Long.getLong("chaos.seed", new SecureRandom().nextLong());
        ChaosSettings settings = new ChaosSettings("short", seed, 3, Duration.ZERO, 0, 2,
                List.of(Fault.PAUSE_PAST_DETECTION, Fault.PAUSE_PAST_DETECTION, Fault.PAUSE_PAST_DETECTION),
                List.of("BATON_FAULT_POINT", "no-fence"));
        Path work = Path.of("target", "chaos", "broken-fence-" + seed);
        RunReport report = new ChaosRun(settings, work, line -> System.out.println("BROKEN-BUILD " + line)).run();

        assertThat(report.passed()).as("a run without the fence must fail").isFalse();
        var byInvariant = report.json().path("checks").path("byInvariant");
        assertThat(byInvariant.path("TWO_LIVE_ATTEMPTS").asLong() + byInvariant.path("DUPLICATED_EFFECT").asLong())
                .as("the fence's invariants (3: each step once, 6: one live attempt) are the ones found broken: "
                        + report.json().path("checks")).isPositive();
    }
}
