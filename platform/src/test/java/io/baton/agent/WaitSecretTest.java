package io.baton.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** A wait's signing secret is checked when the step builds the wait, not when the first delivery arrives. */
class WaitSecretTest {
    private static Wait signed(String secret) {
        return Wait.token(Duration.ofMinutes(5)).requireSignature(secret).build();
    }

    @Test
    void aSecretThatCannotSignFailsTheStepClearly() {
        for (String bad : new String[] {"not base64!", "whsec_", "whsec_" + Base64.getEncoder().encodeToString(
                new byte[8]), "whsec_" + Base64.getEncoder().encodeToString(new byte[65])}) {
            assertThatThrownBy(() -> signed(bad)).as(bad).isInstanceOf(InvalidOutcomeException.class)
                    .hasMessageContaining("signing secret");
        }
    }

    @Test
    void aStandardWebhooksSecretIsAccepted() {
        String secret = "whsec_" + Base64.getEncoder().encodeToString(new byte[32]);
        assertThat(signed(secret).signingSecret()).isEqualTo(secret);
        assertThat(signed(Base64.getEncoder().encodeToString(new byte[24])).signingSecret()).isNotNull();
    }
}
