package io.baton.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The chaos suite as users run it: the {@code short} profile (every fault once, a few minutes; part of the README's
 * test command) or the {@code soak} profile ({@code -Dchaos.profile=soak -Dchaos.duration=20m}). The report is printed
 * and written under {@code chaos-tests/target/chaos/<seed>/report/}; a failing run prints the command that replays its
 * seed.
 */
class ChaosSuiteIT {

    @Test
    void aRunWithEveryFaultBreaksNoInvariantAndHitsEveryFault() throws Exception {
        ChaosSettings settings = ChaosSettings.fromSystemProperties();
        Path work = Path.of("target", "chaos", Long.toString(settings.seed()));
        RunReport report = new ChaosRun(settings, work, System.out::println).run();

        assertThat(report.passed()).as("the chaos run failed: " + report.json().path("checks").path("details")
                + " " + report.json().path("problems") + "; replay with: " + settings.replayCommand()).isTrue();
    }
}
