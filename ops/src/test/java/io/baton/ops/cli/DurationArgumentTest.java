package io.baton.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationArgumentTest {
    private final DurationArgument argument = new DurationArgument();

    @Test
    void aNumberWithAUnitOrSeveralIsADuration() {
        assertThat(argument.convert("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(argument.convert("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(argument.convert("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(argument.convert("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(argument.convert("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(argument.convert("1H")).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void isoDurationsAreTakenAsTheyAreAndSentAsIso() {
        assertThat(argument.convert("PT1H")).isEqualTo(Duration.ofHours(1));
        assertThat(argument.convert("P2D").toString()).isEqualTo("PT48H");
        assertThat(argument.convert("pt30m")).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void anythingElseOrNothingIsRefusedWithExamples() {
        for (String bad : new String[] {"", "1", "h", "1x", "1h 30m", "-1h", "0s", "PT0S", "PT-1H", "P", "1m1h",
                "99999999999999999999d"}) {
            assertThatThrownBy(() -> argument.convert(bad)).as(bad).isInstanceOf(TypeConversionException.class)
                    .hasMessageContaining("use for example 90s, 15m, 1h");
        }
    }
}
