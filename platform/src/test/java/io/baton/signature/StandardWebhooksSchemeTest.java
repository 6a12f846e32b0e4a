package io.baton.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StandardWebhooksSchemeTest {

    // The published Standard Webhooks test vector, as used by the reference libraries' own tests, e.g.
    // github.com/standard-webhooks/standard-webhooks libraries/java/src/test/java/com/standardwebhooks/WebhookTest.java
    // (verifyWebhookSignWorks, commit 14ae328070656be4fc19c75998cabda8eddbbe29) and the same values in the
    // JavaScript, PHP, Go and C# libraries' tests of that repository.
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long TIMESTAMP = 1614265330;
    private static final byte[] PAYLOAD = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
    private static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private static Clock at(long epochSecond) {
        return Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC);
    }

    private static Map<String, String> headers(String signature) {
        Map<String, String> headers = new HashMap<>();
        headers.put("webhook-id", MSG_ID);
        headers.put("webhook-timestamp", Long.toString(TIMESTAMP));
        headers.put("webhook-signature", signature);
        return headers;
    }

    private final StandardWebhooksScheme scheme = new StandardWebhooksScheme(SECRET, at(TIMESTAMP));

    @Test
    void signingReproducesThePublishedTestVector() {
        assertThat(scheme.sign(MSG_ID, TIMESTAMP, PAYLOAD)).isEqualTo(SIGNATURE);
    }

    @Test
    void thePublishedTestVectorVerifies() {
        assertThat(scheme.verify(headers(SIGNATURE), PAYLOAD)).isEqualTo(Verification.valid());
    }

    @Test
    void theWhsecPrefixOfTheSecretIsOptional() {
        StandardWebhooksScheme unprefixed =
                new StandardWebhooksScheme("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", at(TIMESTAMP));

        assertThat(unprefixed.sign(MSG_ID, TIMESTAMP, PAYLOAD)).isEqualTo(SIGNATURE);
        assertThat(unprefixed.verify(headers(SIGNATURE), PAYLOAD).isValid()).isTrue();
    }

    @Test
    void headerNamesAreMatchedIgnoringCase() {
        Map<String, String> headers = Map.of(
                "Webhook-Id", MSG_ID, "WEBHOOK-TIMESTAMP", Long.toString(TIMESTAMP), "Webhook-Signature", SIGNATURE);

        assertThat(scheme.verify(headers, PAYLOAD).isValid()).isTrue();
    }

    @Test
    void oneMatchingSignatureAmongSeveralIsEnough() {
        // The same mix as the reference Java library's verifyValidPayloadWithMultipleSignaturesIsValid.
        String signatures = String.join(" ",
                "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
                "v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
                SIGNATURE,
                "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=");

        assertThat(scheme.verify(headers(signatures), PAYLOAD).isValid()).isTrue();
    }

    @Test
    void aTamperedBodyIsRejected() {
        byte[] tampered = "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8);

        assertThat(scheme.verify(headers(SIGNATURE), tampered))
                .isEqualTo(Verification.invalid("no signature matched"));
    }

    @Test
    void aTamperedIdOrTimestampIsRejected() {
        Map<String, String> otherId = headers(SIGNATURE);
        otherId.put("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJeK");
        Map<String, String> otherTimestamp = headers(SIGNATURE);
        otherTimestamp.put("webhook-timestamp", Long.toString(TIMESTAMP + 1));

        assertThat(scheme.verify(otherId, PAYLOAD).reason()).isEqualTo("no signature matched");
        assertThat(scheme.verify(otherTimestamp, PAYLOAD).reason()).isEqualTo("no signature matched");
    }

    @Test
    void aSignatureMadeWithAnotherSecretIsRejected() {
        StandardWebhooksScheme other = new StandardWebhooksScheme("whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY",
                at(TIMESTAMP));

        assertThat(other.verify(headers(SIGNATURE), PAYLOAD).reason()).isEqualTo("no signature matched");
        assertThat(scheme.verify(headers(other.sign(MSG_ID, TIMESTAMP, PAYLOAD)), PAYLOAD).reason())
                .isEqualTo("no signature matched");
    }

    @Test
    void aTimestampMoreThanFiveMinutesOldOrAheadIsRejected() {
        String tolerance = "timestamp outside the ±5 min tolerance";

        assertThat(new StandardWebhooksScheme(SECRET, at(TIMESTAMP + 300)).verify(headers(SIGNATURE), PAYLOAD)
                .isValid()).isTrue();
        assertThat(new StandardWebhooksScheme(SECRET, at(TIMESTAMP - 300)).verify(headers(SIGNATURE), PAYLOAD)
                .isValid()).isTrue();
        assertThat(new StandardWebhooksScheme(SECRET, at(TIMESTAMP + 301)).verify(headers(SIGNATURE), PAYLOAD))
                .isEqualTo(Verification.invalid(tolerance));
        assertThat(new StandardWebhooksScheme(SECRET, at(TIMESTAMP - 301)).verify(headers(SIGNATURE), PAYLOAD))
                .isEqualTo(Verification.invalid(tolerance));
        assertThat(new StandardWebhooksScheme(SECRET, Clock.systemUTC()).verify(headers(SIGNATURE), PAYLOAD).reason())
                .isEqualTo(tolerance);
    }

    @Test
    void eachMissingHeaderIsNamed() {
        for (String name : List.of("webhook-id", "webhook-timestamp", "webhook-signature")) {
            Map<String, String> headers = headers(SIGNATURE);
            headers.remove(name);
            Map<String, String> blank = headers(SIGNATURE);
            blank.put(name, "  ");

            assertThat(scheme.verify(headers, PAYLOAD)).isEqualTo(Verification.invalid("missing " + name + " header"));
            assertThat(scheme.verify(blank, PAYLOAD).reason()).isEqualTo("missing " + name + " header");
        }
        assertThat(scheme.verify(Map.of(), PAYLOAD).reason()).isEqualTo("missing webhook-id header");
    }

    @Test
    void aTimestampThatIsNotUnixSecondsIsMalformed() {
        for (String timestamp : List.of("soon", "-1614265330", "+1614265330", "1614265330.0", "1.6e9",
                "2021-02-25T14:42:10Z", "1614265330000000000000")) {
            Map<String, String> headers = headers(SIGNATURE);
            headers.put("webhook-timestamp", timestamp);

            assertThat(scheme.verify(headers, PAYLOAD).reason())
                    .as(timestamp).isEqualTo("malformed webhook-timestamp header: expected unix seconds");
        }
    }

    @Test
    void aSignatureHeaderWithoutAnyV1SignatureSaysSo() {
        for (String signature : List.of("invalid_signature", "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
                "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", "v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5B")) {
            assertThat(scheme.verify(headers(signature), PAYLOAD).reason())
                    .isEqualTo("no v1 signature in webhook-signature header");
        }
        assertThat(scheme.verify(headers("v1,invalid_signature"), PAYLOAD).reason()).isEqualTo("no signature matched");
        assertThat(scheme.verify(headers("v1,"), PAYLOAD).reason()).isEqualTo("no signature matched");
    }

    @Test
    void twoSpellingsOfOneHeaderWithDifferentValuesAreRefused() {
        Map<String, String> headers = headers(SIGNATURE);
        headers.put("Webhook-Id", "msg_other");

        assertThat(scheme.verify(headers, PAYLOAD).reason()).isEqualTo("conflicting webhook-id headers");
    }

    @Test
    void whatItSignsItVerifies() {
        byte[] body = "{\"task\":\"t-1\",\"status\":\"résumé ✓\"}".getBytes(StandardCharsets.UTF_8);
        String signature = scheme.sign("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", TIMESTAMP, body);
        Map<String, String> headers = Map.of("webhook-id", "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W",
                "webhook-timestamp", Long.toString(TIMESTAMP), "webhook-signature", signature);

        assertThat(signature).matches("v1,[A-Za-z0-9+/]{43}=");
        assertThat(scheme.verify(headers, body).isValid()).isTrue();
    }

    @Test
    void signingRefusesAnIdThatWouldMakeTheSignedContentAmbiguous() {
        assertThatThrownBy(() -> scheme.sign("msg.1", TIMESTAMP, PAYLOAD)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> scheme.sign(" ", TIMESTAMP, PAYLOAD)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> scheme.sign(MSG_ID, -1, PAYLOAD)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anUnusableSecretIsRefusedWithoutBeingRepeated() {
        assertThatThrownBy(() -> new StandardWebhooksScheme("whsec_not*base64!", at(TIMESTAMP)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("not*base64!");
        assertThatThrownBy(() -> new StandardWebhooksScheme("whsec_", at(TIMESTAMP)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the webhook secret is empty");
    }

    @Test
    void neitherReasonsNorToStringContainTheSecret() {
        List<Map<String, String>> requests = List.of(
                Map.of(), headers("v1,x"), headers(SIGNATURE), headers("nope"), headers("v1," + SECRET));
        for (Map<String, String> request : requests) {
            assertThat(new StandardWebhooksScheme(SECRET, at(0)).verify(request, PAYLOAD).reason())
                    .doesNotContain("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        }
        assertThat(scheme.toString()).doesNotContain("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    }
}
