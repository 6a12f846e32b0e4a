package io.baton.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.config.SecretKeySetting;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretBoxTest {
    private static final String WHERE = "baton_wait.signing_secret";
    private static final SecretKeySetting K1 = key("k1", 1);
    private static final SecretKeySetting K2 = key("k2", 2);

    private static SecretKeySetting key(String id, int fill) {
        byte[] key = new byte[32];
        java.util.Arrays.fill(key, (byte) fill);
        return new SecretKeySetting(id, key);
    }

    @Test
    void sealsUnderTheFirstKeyWithAFreshNonceAndOpensWhatItSealed() {
        SecretBox box = new SecretBox(List.of(K1));
        SecretBox.Sealed first = box.seal("whsec_abc", WHERE);
        SecretBox.Sealed second = box.seal("whsec_abc", WHERE);

        assertThat(first.keyId()).isEqualTo("k1");
        assertThat(first.value()).isNotEqualTo(second.value()).doesNotContain("abc");
        assertThat(Base64.getDecoder().decode(first.value())).hasSize(12 + "whsec_abc".length() + 16);
        assertThat(box.open(first, WHERE)).isEqualTo("whsec_abc");
        assertThat(box.open(second, WHERE)).isEqualTo("whsec_abc");
    }

    @Test
    void aRotatedBoxSealsUnderTheNewKeyAndStillOpensTheOld() {
        SecretBox.Sealed old = new SecretBox(List.of(K1)).seal("s3cret", WHERE);
        SecretBox rotated = new SecretBox(List.of(K2, K1));

        assertThat(rotated.open(old, WHERE)).isEqualTo("s3cret");
        assertThat(rotated.seal("s3cret", WHERE).keyId()).isEqualTo("k2");
        assertThatThrownBy(() -> new SecretBox(List.of(K2)).open(old, WHERE))
                .isInstanceOf(SecretUnavailableException.class).hasMessageContaining("key 'k1'");
    }

    @Test
    void alteredDataAnotherPlaceOrAnotherKeyUnderTheSameIdDoNotOpen() {
        SecretBox box = new SecretBox(List.of(K1));
        SecretBox.Sealed sealed = box.seal("s3cret", WHERE);
        byte[] bytes = Base64.getDecoder().decode(sealed.value());
        bytes[bytes.length - 1] ^= 1;
        SecretBox.Sealed altered = new SecretBox.Sealed("k1", Base64.getEncoder().encodeToString(bytes));

        assertThatThrownBy(() -> box.open(altered, WHERE)).isInstanceOf(SecretUnavailableException.class);
        assertThatThrownBy(() -> box.open(sealed, "baton_callback.secret"))
                .isInstanceOf(SecretUnavailableException.class);
        assertThatThrownBy(() -> new SecretBox(List.of(new SecretKeySetting("k1", new byte[32]))).open(sealed, WHERE))
                .isInstanceOf(SecretUnavailableException.class).hasMessageContaining("does not decrypt");
        assertThatThrownBy(() -> box.open(new SecretBox.Sealed("k1", "%%%"), WHERE))
                .isInstanceOf(SecretUnavailableException.class).hasMessageContaining("base64");
        assertThatThrownBy(() -> box.open(new SecretBox.Sealed("k1", "AAAA"), WHERE))
                .isInstanceOf(SecretUnavailableException.class).hasMessageContaining("too short");
    }

    @Test
    void noMessageCarriesTheSecretOrTheKey() {
        SecretBox box = new SecretBox(List.of(K1));
        SecretBox.Sealed sealed = box.seal("whsec_do-not-print", WHERE);
        try {
            new SecretBox(List.of(K2)).open(sealed, WHERE);
        } catch (SecretUnavailableException e) {
            assertThat(e.getMessage()).doesNotContain("do-not-print").doesNotContain(sealed.value());
        }
        assertThat(K1.toString()).doesNotContain(Base64.getEncoder().encodeToString(K1.key())).contains("****");
    }
}
