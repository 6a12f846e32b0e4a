package io.baton.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GitHubSchemeTest {

    // GitHub Docs, "Validating webhook deliveries" > "Testing the webhook payload validation"
    // (https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries; source
    // github.com/github/docs content/webhooks/using-webhooks/validating-webhook-deliveries.md).
    private static final String SECRET = "It's a Secret to Everybody";
    private static final byte[] PAYLOAD = "Hello, World!".getBytes(StandardCharsets.UTF_8);
    private static final String SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    private final GitHubScheme scheme = new GitHubScheme(SECRET);

    @Test
    void theDocumentedTestVectorVerifies() {
        assertThat(scheme.verify(Map.of("X-Hub-Signature-256", SIGNATURE), PAYLOAD)).isEqualTo(Verification.valid());
    }

    @Test
    void headerNamesAreMatchedIgnoringCase() {
        assertThat(scheme.verify(Map.of("x-hub-signature-256", SIGNATURE), PAYLOAD).isValid()).isTrue();
        assertThat(scheme.verify(Map.of("X-HUB-SIGNATURE-256", SIGNATURE), PAYLOAD).isValid()).isTrue();
    }

    @Test
    void uppercaseHexIsTheSameSignature() {
        String upper = "sha256=" + SIGNATURE.substring(7).toUpperCase();

        assertThat(scheme.verify(Map.of("X-Hub-Signature-256", upper), PAYLOAD).isValid()).isTrue();
    }

    @Test
    void aTamperedBodyIsRejected() {
        byte[] tampered = "Hello, World?".getBytes(StandardCharsets.UTF_8);

        assertThat(scheme.verify(Map.of("X-Hub-Signature-256", SIGNATURE), tampered))
                .isEqualTo(Verification.invalid("no signature matched"));
    }

    @Test
    void aDifferentSecretIsRejected() {
        assertThat(new GitHubScheme("It's a secret to everybody").verify(Map.of("X-Hub-Signature-256", SIGNATURE),
                PAYLOAD).reason()).isEqualTo("no signature matched");
    }

    @Test
    void aMissingHeaderIsNamed() {
        assertThat(scheme.verify(Map.of(), PAYLOAD)).isEqualTo(Verification.invalid(
                "missing X-Hub-Signature-256 header"));
        assertThat(scheme.verify(Map.of("X-Hub-Signature", "sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59"), PAYLOAD)
                .reason()).isEqualTo("missing X-Hub-Signature-256 header");
    }

    @Test
    void aMalformedHeaderSaysWhatWasExpected() {
        String hex = SIGNATURE.substring(7);
        for (String value : List.of(hex, "sha1=" + hex, "SHA256=" + hex, "sha256=" + hex.substring(1),
                "sha256=" + hex + "0", "sha256=" + hex.substring(1) + "g", "sha256=", "sha256=" + hex + " extra")) {
            assertThat(scheme.verify(Map.of("X-Hub-Signature-256", value), PAYLOAD).reason())
                    .as(value).isEqualTo("malformed X-Hub-Signature-256 header: expected sha256=<64 hex digits>");
        }
    }

    @Test
    void theBodyIsSignedAsRawBytesSoUnicodeSurvives() {
        byte[] body = "{\"emoji\":\"😀\"}".getBytes(StandardCharsets.UTF_8);
        String signature = "sha256=" + new HmacSha256(SECRET.getBytes(StandardCharsets.UTF_8)).signHex(body);

        assertThat(scheme.verify(Map.of("X-Hub-Signature-256", signature), body).isValid()).isTrue();
    }

    @Test
    void anEmptySecretIsRefused() {
        assertThatThrownBy(() -> new GitHubScheme("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void neitherReasonsNorToStringContainTheSecret() {
        assertThat(scheme.verify(Map.of("X-Hub-Signature-256", "sha256=00"), PAYLOAD).reason())
                .doesNotContain(SECRET);
        assertThat(scheme.toString()).doesNotContain(SECRET);
    }
}
