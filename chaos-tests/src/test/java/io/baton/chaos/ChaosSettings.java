package io.baton.chaos;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * What a chaos run does: the {@code short} profile injects each of its faults once (every fault by default: a few
 * minutes; CI runs it), the {@code soak} profile injects faults drawn at random for a duration. Everything random
 * comes from {@code seed}.
 *
 * <p>From system properties: {@code chaos.profile} (short, soak), {@code chaos.seed}, {@code chaos.duration}
 * (soak; e.g. 20m), {@code chaos.minFaults} (soak: it goes on past its duration until this many faults were
 * injected; 0), {@code chaos.nodes} (3), {@code chaos.rate} (task starts per second), {@code chaos.faults} (a
 * comma-separated list of fault labels, e.g. {@code net-cut,db-crash}; all by default).
 *
 * @param nodeEnvironment settings every node gets on top of the run's (name, value, ...): the broken-build test's
 *                        {@code BATON_FAULT_POINT=no-fence}
 */
record ChaosSettings(String profile, long seed, int nodes, Duration duration, int minFaults, double rate,
                     List<Fault> faults, List<String> nodeEnvironment) {

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
                Integer.getInteger("chaos.nodes", 3), duration, Integer.getInteger("chaos.minFaults", 0),
                Double.parseDouble(System.getProperty("chaos.rate", profile.equals("soak") ? "3" : "2")),
                faults(System.getProperty("chaos.faults", "")), List.of());
    }

    private static List<Fault> faults(String labels) {
        if (labels.isBlank()) {
            return List.of(Fault.values());
        }
        return Arrays.stream(labels.split(",")).map(String::trim).map(label -> Arrays.stream(Fault.values())
                .filter(f -> f.label().equals(label)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                        "chaos.faults: unknown fault '" + label + "' (use " + Arrays.stream(Fault.values())
                        .map(Fault::label).toList() + ")"))).toList();
    }

    /** The one command that replays this run. */
    String replayCommand() {
        if (!nodeEnvironment.isEmpty()) { // the broken-build self-test: its nodes' settings are its own
            return "./mvnw verify -pl chaos-tests -am -Dtest=none -Dit.test=BrokenFenceIT -Dchaos.seed=" + seed;
        }
        return "./mvnw verify -pl chaos-tests -am -Dtest=none -Dit.test=ChaosSuiteIT "
                + "-Dchaos.profile=" + profile + " -Dchaos.seed=" + seed
                + " -Dchaos.nodes=" + nodes + " -Dchaos.rate=" + rate
                + (profile.equals("soak") ? " -Dchaos.duration=" + duration.toMinutes() + "m" : "")
                + (minFaults > 0 ? " -Dchaos.minFaults=" + minFaults : "")
                + (faults.equals(List.of(Fault.values())) ? "" : " -Dchaos.faults="
                + String.join(",", faults.stream().map(Fault::label).toList()));
    }
}
