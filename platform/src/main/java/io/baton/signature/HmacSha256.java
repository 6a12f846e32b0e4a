package io.baton.signature;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 under one key, the primitive all three signed schemes share. A {@link Mac} is not thread-safe, so each
 * call gets its own; the key never leaves this object and is not printed.
 */
final class HmacSha256 {
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    HmacSha256(byte[] key) {
        if (key.length == 0) {
            throw new IllegalArgumentException("the webhook secret is empty");
        }
        this.key = new SecretKeySpec(key, ALGORITHM);
    }

    /** The MAC of the concatenation of {@code parts}. */
    byte[] sign(byte[]... parts) {
        Mac mac = newMac();
        for (byte[] part : parts) {
            mac.update(part);
        }
        return mac.doFinal();
    }

    /** The MAC of the concatenation of {@code parts}, in lowercase hex. */
    String signHex(byte[]... parts) {
        return HexFormat.of().formatHex(sign(parts));
    }

    /** Whether {@code text} is exactly 64 hex digits, the length of an HMAC-SHA256 in hex (either case). */
    static boolean isHexDigest(String text) {
        return text.length() == 64 && text.chars().allMatch(HexFormat::isHexDigit);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every Java platform must provide " + ALGORITHM, e);
        }
    }

    @Override
    public String toString() {
        return "HmacSha256[key=****]";
    }
}
