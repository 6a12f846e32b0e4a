package io.baton.signature;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * GitHub webhook deliveries: {@code X-Hub-Signature-256: sha256=<hex>}, the HMAC-SHA256 of the raw body keyed with
 * the webhook's secret as UTF-8 (GitHub docs, "Validating webhook deliveries"). GitHub signs no timestamp, so this
 * scheme cannot refuse replays; the legacy SHA-1 {@code X-Hub-Signature} header is deliberately not accepted.
 */
public final class GitHubScheme implements SignatureScheme {
    public static final String HEADER = "X-Hub-Signature-256";

    private static final String PREFIX = "sha256=";

    private final HmacSha256 hmac;

    /**
     * @param secret the webhook secret as typed into GitHub's settings
     * @throws IllegalArgumentException if it is empty
     */
    public GitHubScheme(String secret) {
        Objects.requireNonNull(secret, "secret");
        this.hmac = new HmacSha256(secret.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Verification verify(Map<String, String> headers, byte[] body) {
        Objects.requireNonNull(body, "body");
        CaseInsensitiveHeaders lookup = new CaseInsensitiveHeaders(headers);
        Optional<String> header = lookup.get(HEADER);
        if (header.isEmpty()) {
            return lookup.absent(HEADER);
        }
        String value = header.get();
        if (!value.startsWith(PREFIX) || !HmacSha256.isHexDigest(value.substring(PREFIX.length()))) {
            return Verification.invalid("malformed " + HEADER + " header: expected sha256=<64 hex digits>");
        }
        byte[] presented = HexFormat.of().parseHex(value.substring(PREFIX.length()));
        return MessageDigest.isEqual(hmac.sign(body), presented)
                ? Verification.valid()
                : Verification.invalid("no signature matched");
    }

    @Override
    public String toString() {
        return "GitHubScheme[secret=****]";
    }
}
