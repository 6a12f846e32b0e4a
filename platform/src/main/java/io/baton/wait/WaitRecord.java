package io.baton.wait;

import io.baton.agent.Wait;
import io.baton.secret.SecretBox;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.UUID;

/** A wait as stored; its signing secret, if any, as sealed (decrypted only to verify a delivery). */
public record WaitRecord(UUID id, UUID taskId, int seq, Wait.Kind kind, String source, String correlationKey,
                         WaitState state, Long timeoutMillis, Instant deadline, Instant maxDeadline,
                         String resumeStep, String timeoutStep, String failureStep, SecretBox.Sealed signingSecret,
                         JsonNode payload, String payloadHash, Instant createdAt, Instant resolvedAt) {

    @Override
    public String toString() {
        return "WaitRecord[" + id + ", task=" + taskId + ", seq=" + seq + ", " + kind + ", " + state + "]";
    }
}
