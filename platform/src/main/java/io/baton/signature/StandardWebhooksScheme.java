package io.baton.signature;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Symmetric signatures as the Standard Webhooks specification defines them (https://www.standardwebhooks.com, used by
 * Svix and others), both for verifying inbound webhooks and for signing the ones Baton sends.
 *
 * <ul>
 *   <li>Headers: {@code webhook-id}, {@code webhook-timestamp} (unix seconds) and {@code webhook-signature}, a
 *       space-separated list of {@code v1,<base64>}; any one matching signature is enough, which is how senders
 *       rotate secrets. Other versions (such as the asymmetric {@code v1a}) are ignored.</li>
 *   <li>Signed content: {@code id + "." + timestamp + "." + body}, HMAC-SHA256, base64.</li>
 *   <li>Secret: base64, optionally prefixed {@code whsec_}; the decoded bytes are the key.</li>
 *   <li>The timestamp must be within ±5 minutes of the injected clock.</li>
 * </ul>
 */
public final class StandardWebhooksScheme implements SignatureScheme {
    public static final String ID_HEADER = "webhook-id";
    public static final String TIMESTAMP_HEADER = "webhook-timestamp";
    public static final String SIGNATURE_HEADER = "webhook-signature";

    private static final String SECRET_PREFIX = "whsec_";
    private static final String VERSION = "v1";

    private final HmacSha256 hmac;
    private final ReplayWindow window;

    /**
     * @param secret the endpoint's signing secret, {@code whsec_<base64>} or just the base64
     * @param clock  what "now" is for the ±5 minute tolerance
     * @throws IllegalArgumentException if the secret is empty or not base64 (the message does not repeat it)
     */
    public StandardWebhooksScheme(String secret, Clock clock) {
        Objects.requireNonNull(secret, "secret");
        String encoded = secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
        byte[] key;
        try {
            key = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the Standard Webhooks secret is not base64 (after any whsec_ prefix)");
        }
        this.hmac = new HmacSha256(key);
        this.window = new ReplayWindow(clock);
    }

    @Override
    public Verification verify(Map<String, String> headers, byte[] body) {
        Objects.requireNonNull(body, "body");
        CaseInsensitiveHeaders lookup = new CaseInsensitiveHeaders(headers);
        Optional<String> id = lookup.get(ID_HEADER);
        if (id.isEmpty()) {
            return lookup.absent(ID_HEADER);
        }
        Optional<String> timestamp = lookup.get(TIMESTAMP_HEADER);
        if (timestamp.isEmpty()) {
            return lookup.absent(TIMESTAMP_HEADER);
        }
        Optional<String> signatures = lookup.get(SIGNATURE_HEADER);
        if (signatures.isEmpty()) {
            return lookup.absent(SIGNATURE_HEADER);
        }
        OptionalLong seconds = ReplayWindow.parseEpochSeconds(timestamp.get());
        if (seconds.isEmpty()) {
            return Verification.invalid("malformed " + TIMESTAMP_HEADER + " header: expected unix seconds");
        }
        if (!window.contains(seconds.getAsLong())) {
            return Verification.invalid(ReplayWindow.OUTSIDE);
        }
        byte[] expected = signature(id.get(), timestamp.get(), body).getBytes(StandardCharsets.US_ASCII);
        boolean anyV1 = false;
        boolean matched = false;
        for (String candidate : signatures.get().split(" ")) {
            int comma = candidate.indexOf(',');
            if (comma < 0 || !candidate.substring(0, comma).equals(VERSION)) {
                continue;
            }
            anyV1 = true;
            // Every candidate is compared, in constant time, so timing says nothing about which one matched.
            matched |= MessageDigest.isEqual(expected,
                    candidate.substring(comma + 1).getBytes(StandardCharsets.UTF_8));
        }
        if (!anyV1) {
            return Verification.invalid("no v1 signature in " + SIGNATURE_HEADER + " header");
        }
        return matched ? Verification.valid() : Verification.invalid("no signature matched");
    }

    /**
     * The {@code webhook-signature} value for an outbound webhook: {@code v1,<base64>}.
     *
     * @param id        the message id, stable across retries; must not contain {@code .}
     * @param timestamp when this attempt is sent, in unix seconds
     * @param body      the exact bytes that will be sent
     */
    public String sign(String id, long timestamp, byte[] body) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(body, "body");
        if (id.isBlank() || id.contains(".")) {
            throw new IllegalArgumentException("a webhook id must be non-blank and free of '.'");
        }
        if (timestamp < 0) {
            throw new IllegalArgumentException("a webhook timestamp is unix seconds, not negative");
        }
        return VERSION + "," + signature(id, Long.toString(timestamp), body);
    }

    private String signature(String id, String timestamp, byte[] body) {
        byte[] prefix = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
        return Base64.getEncoder().encodeToString(hmac.sign(prefix, body));
    }

    @Override
    public String toString() {
        return "StandardWebhooksScheme[secret=****]";
    }
}
