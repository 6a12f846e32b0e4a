package io.baton.ops.cli;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A moment as ISO-8601 in UTC ({@code 2026-11-25T09:00:00Z}), as the API takes it. */
final class InstantArgument implements ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw new TypeConversionException("'" + value + "' is not an ISO-8601 instant such as "
                    + "2026-11-25T09:00:00Z");
        }
    }
}
