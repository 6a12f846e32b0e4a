package io.baton.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/** libfaketime (Debian package {@code faketime}), which shifts a process's wall clock, where it is installed. */
final class FakeTime {
    private FakeTime() {
    }

    /** The preloadable library, under any multiarch directory of {@code /usr/lib}. */
    static Optional<Path> library() {
        Path lib = Path.of("/usr/lib");
        if (!Files.isDirectory(lib)) {
            return Optional.empty();
        }
        try (Stream<Path> arches = Files.list(lib)) {
            return arches.map(arch -> arch.resolve("faketime").resolve("libfaketime.so.1")).filter(Files::exists)
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The environment that starts a process with its wall clock {@code seconds} off; the monotonic clock (the JVM's
     * {@code nanoTime}, its sleeps and timeouts) is left alone, as a real skewed clock would leave it.
     */
    static String[] environment(Path library, long seconds) {
        return new String[] {"LD_PRELOAD", library.toString(), "FAKETIME", (seconds >= 0 ? "+" : "") + seconds + "s",
                "FAKETIME_DONT_FAKE_MONOTONIC", "1"};
    }
}
