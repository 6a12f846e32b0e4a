package io.baton.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VerificationTest {

    @Test
    void aValidVerificationHasNoReasonAndAnInvalidOneAlwaysHasOne() {
        assertThat(Verification.valid().status()).isEqualTo(Verification.Status.VALID);
        assertThat(Verification.valid().reason()).isEmpty();
        assertThat(Verification.valid().isValid()).isTrue();
        assertThat(Verification.invalid("no signature matched").isValid()).isFalse();
        assertThat(Verification.invalid("no signature matched").reason()).isEqualTo("no signature matched");

        assertThatThrownBy(() -> Verification.invalid(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Verification(Verification.Status.VALID, "because"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
