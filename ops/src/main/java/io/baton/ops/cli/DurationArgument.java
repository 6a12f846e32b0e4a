package io.baton.ops.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A duration as ISO-8601 ({@code PT1H}, {@code P2D}) or as a number with a unit ({@code 90s}, {@code 15m},
 * {@code 1h}, {@code 2d}, or several: {@code 1h30m}). It goes to the API as ISO-8601.
 */
final class DurationArgument implements ITypeConverter<Duration> {
    private static final Pattern SHORT = Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

    @Override
    public Duration convert(String value) {
        String text = value.strip().toLowerCase(Locale.ROOT);
        Duration duration = text.startsWith("p") ? iso(text) : shorthand(text);
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new TypeConversionException("'" + value + "' is not a duration; use for example 90s, 15m, 1h, 2d, "
                    + "1h30m or ISO-8601 such as PT1H");
        }
        return duration;
    }

    private static Duration iso(String text) {
        try {
            return Duration.parse(text.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Duration shorthand(String text) {
        Matcher m = SHORT.matcher(text);
        if (text.isEmpty() || !m.matches()) {
            return null;
        }
        try {
            return Duration.ofDays(number(m.group(1))).plusHours(number(m.group(2))).plusMinutes(number(m.group(3)))
                    .plusSeconds(number(m.group(4)));
        } catch (ArithmeticException | NumberFormatException e) {
            return null;
        }
    }

    private static long number(String digits) {
        return digits == null ? 0 : Long.parseLong(digits);
    }
}
