package io.baton.signature;

import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Request headers looked up by name ignoring case, as HTTP defines them. If the same name appears in two spellings
 * with different values (which a real HTTP layer would have merged), the header counts as unusable rather than
 * letting map order pick one.
 */
final class CaseInsensitiveHeaders {
    private final Map<String, String> values = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final Set<String> conflicting = new HashSet<>();

    CaseInsensitiveHeaders(Map<String, String> headers) {
        Objects.requireNonNull(headers, "headers");
        headers.forEach((name, value) -> {
            if (name == null || value == null) {
                return;
            }
            String previous = values.putIfAbsent(name, value.strip());
            if (previous != null && !previous.equals(value.strip())) {
                conflicting.add(name.toLowerCase(Locale.ROOT));
            }
        });
    }

    /** The trimmed value of {@code name}, if it is present, not blank and not contradicted by another spelling. */
    Optional<String> get(String name) {
        if (conflicting.contains(name.toLowerCase(Locale.ROOT))) {
            return Optional.empty();
        }
        return Optional.ofNullable(values.get(name)).filter(value -> !value.isEmpty());
    }

    /** Why {@link #get(String)} found nothing for {@code name}. */
    Verification absent(String name) {
        return Verification.invalid(conflicting.contains(name.toLowerCase(Locale.ROOT))
                ? "conflicting " + name + " headers"
                : "missing " + name + " header");
    }
}
