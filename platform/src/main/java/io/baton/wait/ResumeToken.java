package io.baton.wait;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * The secret handed to the outside world so it can resume a waiting task: whoever presents it may resume that one
 * wait, so it is a bearer credential and is treated like a password.
 *
 * <p>Format: {@code bt_} + 43 base62 characters encoding 32 bytes from a {@link SecureRandom} (256 bits, left-padded
 * with {@code 0}) + 6 base62 characters of checksum (the CRC32 of those 43 characters), 52 characters in all. The
 * fixed prefix lets secret scanners recognise leaked tokens, and the checksum lets
 * {@link #parse(String)} turn away typos and guesses without a database lookup: CRC32 detects every single-character
 * substitution and every swap of two neighbouring characters.
 *
 * <p>Only {@link #sha256Hex()} is ever stored; {@link #value()} leaves the process once, to the party that will
 * resume the task, and {@link #toString()} never shows it.
 */
public final class ResumeToken {
    /** What every token starts with. */
    public static final String PREFIX = "bt_";
    /** Length of every token: prefix, 43 characters of secret, 6 of checksum. */
    public static final int LENGTH = 52;

    private static final int RANDOM_BYTES = 32;
    private static final int BODY_LENGTH = 43;
    private static final int CHECKSUM_LENGTH = 6;
    private static final BigInteger LARGEST_SECRET = BigInteger.ONE.shiftLeft(RANDOM_BYTES * 8).subtract(BigInteger.ONE);

    private final String value;

    private ResumeToken(String value) {
        this.value = value;
    }

    /** A new token carrying 256 bits from {@code random}. */
    public static ResumeToken generate(SecureRandom random) {
        Objects.requireNonNull(random, "random");
        byte[] secret = new byte[RANDOM_BYTES];
        random.nextBytes(secret);
        String body = Base62.encode(new BigInteger(1, secret), BODY_LENGTH);
        return new ResumeToken(PREFIX + body + checksum(body));
    }

    /** The token whose secret is exactly these 32 bytes (for example a keyed hash; see {@link TokenKey}). */
    public static ResumeToken of(byte[] secret) {
        if (secret.length != RANDOM_BYTES) {
            throw new IllegalArgumentException("a token secret is " + RANDOM_BYTES + " bytes, not " + secret.length);
        }
        String body = Base62.encode(new BigInteger(1, secret), BODY_LENGTH);
        return new ResumeToken(PREFIX + body + checksum(body));
    }

    /**
     * The token written in {@code text}, or empty if {@code text} cannot be one: {@code null}, another prefix, another
     * length, a character outside {@code 0-9A-Za-z} after the prefix, more than 256 bits of secret, or a checksum that
     * does not match. Surrounding whitespace is not forgiven.
     */
    public static Optional<ResumeToken> parse(String text) {
        if (text == null || text.length() != LENGTH || !text.startsWith(PREFIX)) {
            return Optional.empty();
        }
        for (int i = PREFIX.length(); i < LENGTH; i++) {
            if (!Base62.isDigit(text.charAt(i))) {
                return Optional.empty();
            }
        }
        String body = text.substring(PREFIX.length(), PREFIX.length() + BODY_LENGTH);
        String checksum = text.substring(PREFIX.length() + BODY_LENGTH);
        if (!checksum.equals(checksum(body))) {
            return Optional.empty();
        }
        boolean fitsIn256Bits = Base62.decode(body).map(secret -> secret.compareTo(LARGEST_SECRET) <= 0).orElse(false);
        return fitsIn256Bits ? Optional.of(new ResumeToken(text)) : Optional.empty();
    }

    /**
     * SHA-256 of {@code text} (as UTF-8), in lowercase hex: what {@link #sha256Hex()} returns for a token whose value
     * is {@code text}. For looking up a presented string; {@link #parse(String)} it first to reject typos cheaply.
     */
    public static String hash(String text) {
        Objects.requireNonNull(text, "text");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }

    /** The secret itself, to hand to the party that will resume the task. Never log or store it. */
    public String value() {
        return value;
    }

    /** SHA-256 of the full token, 64 lowercase hex characters: the only form in which a token is stored. */
    public String sha256Hex() {
        return hash(value);
    }

    /** The six checksum characters for a 43-character body: its CRC32, in base62. */
    static String checksum(String body) {
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.US_ASCII));
        return Base62.encode(BigInteger.valueOf(crc.getValue()), CHECKSUM_LENGTH);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ResumeToken token && MessageDigest.isEqual(
                value.getBytes(StandardCharsets.US_ASCII), token.value.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    /** {@code bt_…} and the last four checksum characters: enough to tell tokens apart in logs, nothing to use. */
    @Override
    public String toString() {
        return PREFIX + "…" + value.substring(LENGTH - 4);
    }
}
