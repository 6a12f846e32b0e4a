package io.baton.wait;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * One inbound webhook call, as the wait service needs it.
 *
 * @param deliveryId  the sender's id for it ({@code webhook-id}, {@code Idempotency-Key}, ...), or {@code null}
 * @param payload     the parsed JSON body ({@code null} for a heartbeat)
 * @param payloadHash SHA-256 of the payload in canonical form: the same JSON always hashes the same
 * @param body        the raw body, for signature checks
 * @param headers     the request headers, for signature checks
 */
public record Delivery(String deliveryId, JsonNode payload, String payloadHash, byte[] body,
                       Map<String, String> headers) {

    /** SHA-256 of the payload re-serialised, so whitespace does not make the same JSON a different payload. */
    public static String payloadHash(ObjectMapper json, JsonNode payload) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                    json.writeValueAsString(payload).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "Delivery[" + deliveryId + ", " + body.length + " bytes]";
    }
}
