package io.baton.wait;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cluster's 256-bit token key. A wait's resume token is HMAC-SHA256(key, task id + step sequence): 256 bits no
 * one can guess without the key, the same on every try of the step (so a link already e-mailed stays valid), and
 * re-derivable for the admin API, while the database only ever holds the token's SHA-256. The key lives in
 * configuration ({@code BATON_TOKEN_KEY}) or, for the embedded database, in the data directory: never in the
 * database.
 */
public final class TokenKey {
    private final SecretKeySpec key;

    public TokenKey(byte[] key) {
        if (key.length < 32) {
            throw new IllegalArgumentException("a token key needs at least 256 bits");
        }
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    }

    /** The resume token of the wait created by step number {@code seq} of the task. */
    public ResumeToken tokenFor(UUID taskId, int seq) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return ResumeToken.of(mac.doFinal(("baton-wait:" + taskId + ":" + seq).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "TokenKey[****]";
    }
}
