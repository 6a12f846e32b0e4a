package io.baton.secret;

import io.baton.config.SecretKeySetting;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts the secrets Baton has to keep (a signed wait's signing secret must be read again to verify deliveries)
 * with AES-256-GCM: a random 96-bit nonce per value, a 128-bit tag, and the value's place (table, column and row, see
 * {@link SealedColumn#context}) as associated data, so a ciphertext copied into another column or row does not
 * decrypt. What is stored is the id of the key
 * and {@code base64(nonce || ciphertext || tag)}; the first key seals, every listed key opens (rotation).
 */
public final class SecretBox {
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    /** A sealed value and the id of the key that sealed it: the two columns stored. */
    public record Sealed(String keyId, String value) {
    }

    private final String currentId;
    private final Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
    private final SecureRandom random = new SecureRandom();

    public SecretBox(List<SecretKeySetting> settings) {
        if (settings.isEmpty()) {
            throw new IllegalArgumentException("a secret box needs at least one key");
        }
        settings.forEach(s -> keys.put(s.id(), new SecretKeySpec(s.key(), "AES")));
        this.currentId = settings.get(0).id();
    }

    /** The id of the key new values are sealed with. */
    public String currentKeyId() {
        return currentId;
    }

    /** The ids of every key this box opens with, the sealing key first. */
    public java.util.Set<String> keyIds() {
        return java.util.Collections.unmodifiableSet(keys.keySet());
    }

    /** Encrypts {@code plaintext} for the place {@code context} (for example {@code baton_callback.secret:<id>}). */
    public Sealed seal(String plaintext, String context) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, keys.get(currentId), nonce, context);
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return new Sealed(currentId, Base64.getEncoder().encodeToString(
                    ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** Decrypts what {@link #seal} made for {@code context}; {@link SecretUnavailableException} if it cannot. */
    public String open(Sealed sealed, String context) {
        SecretKeySpec key = keys.get(sealed.keyId());
        if (key == null) {
            throw new SecretUnavailableException("a secret in " + placeOf(context) + " is encrypted with key '"
                    + sealed.keyId() + "', which is not in BATON_SECRET_KEY on this node");
        }
        byte[] all;
        try {
            all = Base64.getDecoder().decode(sealed.value());
        } catch (IllegalArgumentException e) {
            throw new SecretUnavailableException("a secret in " + placeOf(context) + " is not valid base64");
        }
        if (all.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new SecretUnavailableException("a secret in " + placeOf(context)
                    + " is too short to be a sealed value");
        }
        try {
            return decrypt(key, all, context);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new SecretUnavailableException("a secret in " + placeOf(context) + " does not decrypt with key '"
                    + sealed.keyId() + "' (a different key under the same id, or altered or moved data)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    private static String decrypt(SecretKeySpec key, byte[] all, String context) throws GeneralSecurityException {
        Cipher cipher = cipher(Cipher.DECRYPT_MODE, key, java.util.Arrays.copyOf(all, NONCE_BYTES), context);
        return new String(cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
    }

    /** The table and column of a context, without the row (messages name the place, callers log the row). */
    private static String placeOf(String context) {
        int row = context.indexOf(':');
        return row > 0 ? context.substring(0, row) : context;
    }

    private static Cipher cipher(int mode, SecretKeySpec key, byte[] nonce, String context)
            throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }
}
