package io.baton.signature;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Stripe webhook events: {@code Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]}, where each {@code v1} is
 * the hex HMAC-SHA256 of {@code t + "." + body} keyed with the endpoint secret's UTF-8 bytes, {@code whsec_} prefix
 * included, exactly as Stripe's own libraries use it. Any one {@code v1} may match (Stripe sends several while a
 * secret is being rolled); other schemes such as {@code v0} are ignored. {@code t} must be within ±5 minutes of the
 * injected clock.
 */
public final class StripeScheme implements SignatureScheme {
    public static final String HEADER = "Stripe-Signature";

    private static final String MALFORMED = "malformed " + HEADER + " header: expected t=<unix seconds>,v1=<hex>";

    private final HmacSha256 hmac;
    private final ReplayWindow window;

    /**
     * @param secret the endpoint's signing secret, {@code whsec_...}, used as is
     * @param clock  what "now" is for the ±5 minute tolerance
     * @throws IllegalArgumentException if the secret is empty
     */
    public StripeScheme(String secret, Clock clock) {
        Objects.requireNonNull(secret, "secret");
        this.hmac = new HmacSha256(secret.getBytes(StandardCharsets.UTF_8));
        this.window = new ReplayWindow(clock);
    }

    @Override
    public Verification verify(Map<String, String> headers, byte[] body) {
        Objects.requireNonNull(body, "body");
        CaseInsensitiveHeaders lookup = new CaseInsensitiveHeaders(headers);
        Optional<String> header = lookup.get(HEADER);
        if (header.isEmpty()) {
            return lookup.absent(HEADER);
        }
        String timestamp = null;
        List<String> candidates = new ArrayList<>();
        for (String item : header.get().split(",")) {
            int equals = item.indexOf('=');
            if (equals < 0) {
                continue;
            }
            String key = item.substring(0, equals).strip();
            String value = item.substring(equals + 1).strip();
            if (key.equals("t")) {
                if (timestamp != null) {
                    return Verification.invalid(MALFORMED);
                }
                timestamp = value;
            } else if (key.equals("v1")) {
                candidates.add(value);
            }
        }
        OptionalLong seconds = timestamp == null ? OptionalLong.empty() : ReplayWindow.parseEpochSeconds(timestamp);
        if (seconds.isEmpty()) {
            return Verification.invalid(MALFORMED);
        }
        if (candidates.isEmpty()) {
            return Verification.invalid("no v1 signature in " + HEADER + " header");
        }
        if (!window.contains(seconds.getAsLong())) {
            return Verification.invalid(ReplayWindow.OUTSIDE);
        }
        byte[] expected = hmac.sign((timestamp + ".").getBytes(StandardCharsets.US_ASCII), body);
        boolean matched = false;
        for (String candidate : candidates) {
            // Every candidate is compared, in constant time, so timing says nothing about which one matched.
            matched |= HmacSha256.isHexDigest(candidate)
                    && MessageDigest.isEqual(expected, HexFormat.of().parseHex(candidate));
        }
        return matched ? Verification.valid() : Verification.invalid("no signature matched");
    }

    @Override
    public String toString() {
        return "StripeScheme[secret=****]";
    }
}
