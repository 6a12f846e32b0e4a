package io.baton.wait;

import com.fasterxml.jackson.databind.JsonNode;
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

    @Override
    public String toString() {
        return "Delivery[" + deliveryId + ", " + body.length + " bytes]";
    }
}
