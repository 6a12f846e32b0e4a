package io.baton.agent;

import java.time.Duration;
import java.util.Objects;

/**
 * What a step waits for: a resume token presented at {@code POST /hooks/{token}}, or an event with a correlation key
 * on a registered event source. Build one with {@link #token(Duration)} or {@link #event(String, String, Duration)}
 * and return it with {@code StepOutcome.await(wait)}.
 *
 * @param kind           token or event
 * @param source         the event source (events only)
 * @param correlationKey the key the event must carry (events only)
 * @param timeout        time from the wait's start to its deadline; a heartbeat restarts it
 * @param maxTimeout     the latest a heartbeat may push the deadline to (from the wait's start); null: no heartbeats
 * @param resumeStep     step to run after a resume; null: the next step in order
 * @param timeoutStep    step to run when the deadline passes; null: the task fails
 * @param failureStep    step to run after {@code POST /hooks/{token}/fail}; null: the task fails with the reason
 * @param signingSecret  if set, token deliveries must carry a valid Standard Webhooks signature with this secret
 */
public record Wait(Kind kind, String source, String correlationKey, Duration timeout, Duration maxTimeout,
                   String resumeStep, String timeoutStep, String failureStep, String signingSecret) {

    public enum Kind { TOKEN, EVENT }

    /** A Standard Webhooks secret: {@code whsec_} (optional) and the base64 of 16 to 64 bytes. */
    private static void requireUsableSecret(String secret) {
        String key = secret.startsWith("whsec_") ? secret.substring("whsec_".length()) : secret;
        byte[] bytes;
        try {
            bytes = java.util.Base64.getDecoder().decode(key);
        } catch (IllegalArgumentException e) {
            throw new InvalidOutcomeException("the wait's signing secret must be 'whsec_' and base64, as Standard "
                    + "Webhooks secrets are; it is not valid base64");
        }
        if (bytes.length < 16 || bytes.length > 64) {
            throw new InvalidOutcomeException("the wait's signing secret must hold 16 to 64 bytes, not "
                    + bytes.length);
        }
    }

    /** The longest correlation key, in characters, an event wait may have (and an event may carry). */
    public static final int MAX_CORRELATION_KEY = 200;

    public Wait {
        Objects.requireNonNull(kind, "kind");
        InvalidOutcomeException.requireInRange("the wait's timeout (its deadline)", timeout);
        if (timeout.isZero()) {
            throw new InvalidOutcomeException("the wait's timeout must be positive");
        }
        if (maxTimeout != null) {
            InvalidOutcomeException.requireInRange("the wait's extendable maximum", maxTimeout);
            if (maxTimeout.compareTo(timeout) < 0) {
                throw new InvalidOutcomeException("the wait's extendable maximum must not be shorter than its timeout");
            }
        }
        if (signingSecret != null) {
            requireUsableSecret(signingSecret);
        }
        if (kind == Kind.EVENT && (source == null || correlationKey == null || correlationKey.isBlank())) {
            throw new InvalidOutcomeException("an event wait needs a source and a correlation key");
        }
        if (kind == Kind.EVENT && correlationKey.length() > MAX_CORRELATION_KEY) {
            throw new InvalidOutcomeException("an event wait's correlation key must be at most " + MAX_CORRELATION_KEY
                    + " characters, was " + correlationKey.length());
        }
    }

    /** Wait for the task's resume token, at most {@code timeout}. */
    public static Builder token(Duration timeout) {
        return new Builder(Kind.TOKEN, null, null, timeout);
    }

    /** Wait for an event on {@code source} whose correlation key is {@code correlationKey}, at most {@code timeout}. */
    public static Builder event(String source, String correlationKey, Duration timeout) {
        return new Builder(Kind.EVENT, source, correlationKey, timeout);
    }

    /** The optional parts of a wait. */
    public static final class Builder {
        private final Kind kind;
        private final String source;
        private final String correlationKey;
        private final Duration timeout;
        private Duration maxTimeout;
        private String resumeStep;
        private String timeoutStep;
        private String failureStep;
        private String signingSecret;

        private Builder(Kind kind, String source, String correlationKey, Duration timeout) {
            this.kind = kind;
            this.source = source;
            this.correlationKey = correlationKey;
            this.timeout = timeout;
        }

        /** Heartbeats may extend the deadline up to this long after the wait started. */
        public Builder extendableUpTo(Duration max) {
            maxTimeout = max;
            return this;
        }

        public Builder thenStep(String step) {
            resumeStep = step;
            return this;
        }

        public Builder onTimeout(String step) {
            timeoutStep = step;
            return this;
        }

        public Builder onFailure(String step) {
            failureStep = step;
            return this;
        }

        /** Token deliveries must be signed the Standard Webhooks way with this secret ({@code whsec_...}). */
        public Builder requireSignature(String secret) {
            signingSecret = secret;
            return this;
        }

        public Wait build() {
            return new Wait(kind, source, correlationKey, timeout, maxTimeout, resumeStep, timeoutStep, failureStep,
                    signingSecret);
        }
    }
}
