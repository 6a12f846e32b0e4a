package io.baton.chaos;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;

/**
 * What a chaos run does: the {@code short} profile injects every fault once (a few minutes; CI runs it), the
 * {@code soak} profile injects random faults for a duration. Everything random comes from {@code seed}.
 *
 * <p>From system properties: {@code chaos.profile} (short, soak), {@code chaos.seed}, {@code chaos.duration}
 * (soak; e.g. 20m), {@code chaos.nodes} (3), {@code chaos.rate} (task starts per second).
 */
record ChaosSettings(String profile, long seed, int nodes, Duration duration, double rate) {

    static ChaosSettings fromSystemProperties() {
        String profile = System.getProperty("chaos.profile", "short");
        if (!profile.equals("short") && !profile.equals("soak")) {
            throw new IllegalArgumentException("chaos.profile must be short or soak, was " + profile);
        }
        String seed = System.getProperty("chaos.seed");
        Duration duration = io.baton.config.Durations.parse(System.getProperty("chaos.duration",
                profile.equals("soak") ? "20m" : "0s")).orElseThrow(() -> new IllegalArgumentException(
                "chaos.duration is not a duration"));
        return new ChaosSettings(profile, seed == null ? new SecureRandom().nextLong() : Long.parseLong(seed),
                Integer.getInteger("chaos.nodes", 3), duration,
                Double.parseDouble(System.getProperty("chaos.rate", profile.equals("soak") ? "3" : "2")));
    }

    /** The faults of the run: every one, in an order the seed decides (short), or drawn at random (soak). */
    List<Fault> faults() {
        return List.of(Fault.values());
    }

    /** The one command that replays this run. */
    String replayCommand() {
        return "./mvnw verify -pl chaos-tests -am -Dtest=none -Dit.test=ChaosSuiteIT "
                + "-Dsurefire.failIfNoSpecifiedTests=false -Dchaos.profile=" + profile + " -Dchaos.seed=" + seed
                + " -Dchaos.nodes=" + nodes + " -Dchaos.rate=" + rate
                + (profile.equals("soak") ? " -Dchaos.duration=" + duration.toMinutes() + "m" : "");
    }
}
