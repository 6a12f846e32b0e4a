package io.baton.ops.admin;

import io.baton.http.ProblemException;
import io.baton.http.SecretMask;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.UUID;

/** Reading the admin API's query and path parameters strictly: anything odd is a 400 that says what was expected. */
final class Queries {
    private Queries() {
    }

    /** Refuses a parameter the route does not know (a typo would otherwise silently list everything). */
    static void onlyKnown(Context ctx, Set<String> known) {
        for (String name : ctx.queryParamMap().keySet()) {
            if (!known.contains(name)) {
                throw bad("Unknown query parameter '" + SecretMask.echo(name) + "'; expected one of "
                        + new java.util.TreeSet<>(known) + ".");
            }
        }
        ctx.queryParamMap().forEach((name, values) -> {
            if (values.size() > 1) {
                throw bad("Query parameter '" + name + "' is given more than once.");
            }
        });
    }

    static String text(Context ctx, String name, int maxLength) {
        return text(name, ctx.queryParam(name), maxLength);
    }

    /** {@code value} of parameter {@code name}: {@code null} if empty, refused if longer than {@code maxLength}. */
    static String text(String name, String value, int maxLength) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (value.length() > maxLength) {
            throw bad("Parameter '" + name + "' is longer than " + maxLength + " characters.");
        }
        return value;
    }

    static Instant instant(Context ctx, String name) {
        return instant(name, ctx.queryParam(name));
    }

    static Instant instant(String name, String raw) {
        String value = text(name, raw, 64);
        if (value == null) {
            return null;
        }
        try {
            Instant at = Instant.parse(value);
            if (at.isBefore(EARLIEST) || at.isAfter(LATEST)) {
                throw bad("Parameter '" + name + "' must be between the years 1 and 9999; got '" + SecretMask.echo(value)
                        + "'.");
            }
            return at;
        } catch (DateTimeParseException e) {
            throw bad("Parameter '" + name + "' must be an ISO-8601 instant such as 2026-11-25T09:00:00Z; got '"
                    + SecretMask.echo(value) + "'.");
        }
    }

    /** A positive duration such as {@code 30m}, {@code 2h}, {@code 7d} or {@code PT1H}. */
    static java.time.Duration duration(String name, String value) {
        java.time.Duration d = io.baton.config.Durations.parse(value).orElse(null);
        if (d == null || d.isNegative() || d.isZero() || d.compareTo(MAX_DURATION) > 0) {
            throw bad("'" + name + "' must be a positive duration up to 3650 days, such as 30m, 2h, 7d or PT1H; got '"
                    + SecretMask.echo(value) + "'.");
        }
        return d;
    }

    private static final java.time.Duration MAX_DURATION = java.time.Duration.ofDays(3650);

    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    /** A new deadline: an instant in the future, at most 3650 days away. */
    static Instant deadline(String name, String value, Instant now) {
        Instant at = instant(name, value);
        if (at == null || !at.isAfter(now) || at.isAfter(now.plus(MAX_DURATION))) {
            throw bad("'" + name + "' must be an ISO-8601 instant in the future, within 3650 days; got '"
                    + SecretMask.echo(String.valueOf(value)) + "'.");
        }
        return at;
    }

    static int integer(Context ctx, String name, int otherwise, int min, int max) {
        String value = text(ctx, name, 12);
        if (value == null) {
            return otherwise;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw bad("Query parameter '" + name + "' must be a whole number from " + min + " to " + max + "; got '"
                + SecretMask.echo(value) + "'.");
    }

    static UUID uuid(String raw, String what) {
        try {
            return UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            throw bad("'" + SecretMask.echo(raw) + "' is not a " + what + " (a UUID).");
        }
    }

    /** The body as a JSON object holding no field but {@code fields}; else a 400 naming the one that is not. */
    static com.fasterxml.jackson.databind.JsonNode fields(com.fasterxml.jackson.databind.JsonNode body,
                                                          Set<String> fields) {
        if (!body.isObject()) {
            throw bad("The body must be a JSON object with " + fields + ".");
        }
        for (java.util.Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.contains(name)) {
                throw bad("Unknown field '" + SecretMask.echo(name) + "'; expected " + fields + ".");
            }
        }
        return body;
    }

    /**
     * One page of a keyset-paged list: {@code list} gets the cursor ({@code after}, the {@code next} of the previous
     * page) and the {@code limit}; a cursor this API did not give out is a 400.
     */
    static <T> T page(Context ctx, java.util.function.BiFunction<String, Integer, T> list) {
        int limit = integer(ctx, "limit", 50, 1, TaskRequests.MAX_LIMIT);
        try {
            return list.apply(text(ctx, "after", 200), limit);
        } catch (TaskListing.InvalidCursorException e) {
            throw bad("'after' is not a cursor this API gave out (use the 'next' of the previous page).");
        }
    }

    static ProblemException bad(String detail) {
        return new ProblemException(400, "Bad Request", detail);
    }
}
