package io.baton.callback;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The README's receiver example ("Outbound callbacks"), verbatim: how an endpoint checks that a callback came from
 * Baton, with the JDK alone. {@link CallbackDeliveryIT} checks real callbacks with it.
 */
public final class ReceiverExample {
    private ReceiverExample() {
    }

    // --- README: verifying a callback ---
    /** Whether a callback is authentic: signed with the endpoint's secret, and sent within the last 5 minutes. */
    public static boolean verify(String secret, String webhookId, String webhookTimestamp, String webhookSignature,
                                 byte[] body) throws GeneralSecurityException {
        long age = Math.abs(Instant.now().getEpochSecond() - Long.parseLong(webhookTimestamp));
        if (age > 300) {
            return false; // too old (or from the future): a replay
        }
        Mac mac = Mac.getInstance("HmacSHA256");
        byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        mac.update((webhookId + "." + webhookTimestamp + ".").getBytes(StandardCharsets.UTF_8));
        byte[] expected = mac.doFinal(body);
        for (String signature : webhookSignature.split(" ")) { // two during a secret rotation
            if (signature.startsWith("v1,")
                    && MessageDigest.isEqual(expected, Base64.getDecoder().decode(signature.substring(3)))) {
                return true;
            }
        }
        return false;
    }
    // --- end ---
}
