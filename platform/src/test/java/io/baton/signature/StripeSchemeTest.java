package io.baton.signature;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class StripeSchemeTest {

    // Fixed vector from Stripe's official .NET library: github.com/stripe/stripe-dotnet
    // src/StripeTests/Services/Events/EventUtilityTest.cs (commit 04a2fb3d77ba9e6ec1b85defe52c9f2fb98785b4), whose
    // body is src/StripeTests/Resources/event_test_signature.json (commit 946a38088f3546e0e50437c72f2898e398cb40ef),
    // with its final newline; the test notes it was computed as
    // (echo -n "1533204620." && cat event_test_signature.json) | openssl sha256 -hmac "webhook_secret".
    private static final String DOTNET_SECRET = "webhook_secret";
    private static final long DOTNET_TIMESTAMP = 1533204620;
    private static final String DOTNET_HEADER = "t=1533204620,"
            + "v1=2220f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3c7,"
            + "v0=63f3a72374a733066c4be69ed7f8e5ac85c22c9f0a6a612ab9a025a9e4ee7eef";
    private static final byte[] DOTNET_EVENT = """
            {
              "id": "evt_123",
              "object": "event",
              "account": "acct_123",
              "api_version": "2017-05-25",
              "created": 1533204620,
              "data": {
                "object": {
                  "id": "cus_123",
                  "object": "customer",
                  "created": 123456789,
                  "email": "test@stripe.com",
                  "livemode": false,
                  "metadata": {}
                }
              },
              "livemode": false,
              "pending_webhooks": 1,
              "request": {
                "id": "req_123",
                "idempotency_key": "idempotency-key-123"
              },
              "type": "customer.created"
            }
            """.getBytes(StandardCharsets.UTF_8);

    // A signature Stripe itself sent with a test webhook, kept by the older stripe-dotnet test suite:
    // src/Stripe.Tests.XUnit/events/when_constructing_an_event.cs and events/event.json (commit
    // 0fec46028823824ada4de6729d2b80115f2f0294), "sent in the header Stripe-Signature along with the body of
    // event.json". Its secret carries the whsec_ prefix, which is part of the HMAC key. The body has no final newline.
    private static final String SENT_SECRET = "whsec_H68eTX02a4bCbiQOOoSAsIytOvuWZrQC";
    private static final long SENT_TIMESTAMP = 1493329224;
    private static final String SENT_HEADER = "t=1493329224,"
            + "v1=09b8e30b483570b410390cdac6327c036937e84a6316008a0143db833ac21a09,"
            + "v0=63f3a72374a733066c4be69ed7f8e5ac85c22c9f0a6a612ab9a025a9e4ee7eef";
    private static final byte[] SENT_EVENT = """
            {
              "id": "evt_1ADKLLLWlyqCpbLp0qRyqExL",
              "object": "event",
              "api_version": "2017-04-06",
              "created": 1493329207,
              "data": {
                "object": {
                  "id": "ii_1ACxoELWlyqCpbLpBSzyGWHX",
                  "object": "invoiceitem",
                  "amount": 1000,
                  "currency": "usd",
                  "customer": "cus_AY3wPzBBv9DU2H",
                  "date": 1493242586,
                  "description": "Test Invoice Item",
                  "discountable": false,
                  "invoice": "in_1ADKLKLWlyqCpbLpMhrRBk7u",
                  "livemode": false,
                  "metadata": {
                    "A": "Value-A",
                    "B": "Value-B"
                  },
                  "period": {
                    "start": 1493242586,
                    "end": 1493242586
                  },
                  "plan": null,
                  "proration": false,
                  "quantity": null,
                  "subscription": null
                },
                "previous_attributes": {
                  "invoice": null
                }
              },
              "livemode": false,
              "pending_webhooks": 2,
              "request": null,
              "type": "invoiceitem.updated"
            }""".getBytes(StandardCharsets.UTF_8);

    private static final String SECRET = "whsec_test_secret";
    private static final long NOW = 1_760_000_000L;
    private static final byte[] BODY = "{\n  \"id\": \"evt_test_webhook\",\n  \"object\": \"event\"\n}"
            .getBytes(StandardCharsets.UTF_8);

    private static Clock at(long epochSecond) {
        return Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC);
    }

    /**
     * The v1 signature built the way Stripe documents it ("Verify manually": HMAC-SHA256 of {@code t.payload} keyed
     * with the endpoint secret, hex), with the JDK directly rather than the code under test.
     */
    private static String documentedSignature(String secret, long timestamp, byte[] body)
            throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }

    private static Map<String, String> header(String value) {
        return Map.of("Stripe-Signature", value);
    }

    private final StripeScheme scheme = new StripeScheme(SECRET, at(NOW));

    @Test
    void theFixedVectorFromStripesDotnetLibraryVerifies() {
        StripeScheme dotnet = new StripeScheme(DOTNET_SECRET, at(DOTNET_TIMESTAMP + 100));

        assertThat(dotnet.verify(header(DOTNET_HEADER), DOTNET_EVENT)).isEqualTo(Verification.valid());
    }

    @Test
    void aSignatureSentByStripeVerifiesWithTheWhsecPrefixAsPartOfTheKey() {
        assertThat(new StripeScheme(SENT_SECRET, at(SENT_TIMESTAMP)).verify(header(SENT_HEADER), SENT_EVENT))
                .isEqualTo(Verification.valid());
        assertThat(new StripeScheme(SENT_SECRET.substring("whsec_".length()), at(SENT_TIMESTAMP))
                .verify(header(SENT_HEADER), SENT_EVENT).reason()).isEqualTo("no signature matched");
    }

    @Test
    void aHeaderBuiltTheDocumentedWayVerifies() throws GeneralSecurityException {
        String header = "t=" + NOW + ",v1=" + documentedSignature(SECRET, NOW, BODY);

        assertThat(scheme.verify(header(header), BODY).isValid()).isTrue();
        assertThat(scheme.verify(Map.of("stripe-signature", header), BODY).isValid()).isTrue();
        assertThat(scheme.verify(Map.of("STRIPE-SIGNATURE", header), BODY).isValid()).isTrue();
    }

    @Test
    void aTamperedBodyIsRejected() {
        byte[] tampered = (new String(DOTNET_EVENT, StandardCharsets.UTF_8) + "this_changes_the_json")
                .getBytes(StandardCharsets.UTF_8);

        assertThat(new StripeScheme(DOTNET_SECRET, at(DOTNET_TIMESTAMP)).verify(header(DOTNET_HEADER), tampered))
                .isEqualTo(Verification.invalid("no signature matched"));
    }

    @Test
    void aTamperedTimestampIsRejected() throws GeneralSecurityException {
        String header = "t=" + (NOW + 1) + ",v1=" + documentedSignature(SECRET, NOW, BODY);

        assertThat(scheme.verify(header(header), BODY).reason()).isEqualTo("no signature matched");
    }

    @Test
    void aSignatureMadeWithAnotherSecretIsRejected() {
        assertThat(new StripeScheme("whsec_other", at(DOTNET_TIMESTAMP)).verify(header(DOTNET_HEADER), DOTNET_EVENT)
                .reason()).isEqualTo("no signature matched");
    }

    @Test
    void oneMatchingV1AmongSeveralIsEnoughSoSecretsCanBeRolled() throws GeneralSecurityException {
        String old = documentedSignature(SECRET, NOW, BODY);
        String rolled = documentedSignature(SECRET + "_rolled_key", NOW, BODY);
        String header = "t=" + NOW + ",v1=" + old + ",v1=" + rolled + ",v1=bad_signature,v0=" + old;

        assertThat(scheme.verify(header(header), BODY).isValid()).isTrue();
        assertThat(new StripeScheme(SECRET + "_rolled_key", at(NOW)).verify(header(header), BODY).isValid()).isTrue();
        assertThat(scheme.verify(header("t=" + NOW + ",v1=potato,v1=" + rolled), BODY).reason())
                .isEqualTo("no signature matched");
    }

    @Test
    void onlyV1SignaturesCount() throws GeneralSecurityException {
        String signature = documentedSignature(SECRET, NOW, BODY);

        assertThat(scheme.verify(header("t=" + NOW + ",v0=" + signature), BODY))
                .isEqualTo(Verification.invalid("no v1 signature in Stripe-Signature header"));
        assertThat(scheme.verify(header("t=" + NOW + ",v2=" + signature), BODY).reason())
                .isEqualTo("no v1 signature in Stripe-Signature header");
    }

    @Test
    void aTimestampMoreThanFiveMinutesOldOrAheadIsRejected() throws GeneralSecurityException {
        String header = "t=" + NOW + ",v1=" + documentedSignature(SECRET, NOW, BODY);
        String tolerance = "timestamp outside the ±5 min tolerance";

        assertThat(new StripeScheme(SECRET, at(NOW + 300)).verify(header(header), BODY).isValid()).isTrue();
        assertThat(new StripeScheme(SECRET, at(NOW - 300)).verify(header(header), BODY).isValid()).isTrue();
        assertThat(new StripeScheme(SECRET, at(NOW + 301)).verify(header(header), BODY))
                .isEqualTo(Verification.invalid(tolerance));
        assertThat(new StripeScheme(SECRET, at(NOW - 301)).verify(header(header), BODY).reason())
                .isEqualTo(tolerance);
        assertThat(new StripeScheme(DOTNET_SECRET, at(DOTNET_TIMESTAMP + 400)).verify(header(DOTNET_HEADER),
                DOTNET_EVENT).reason()).isEqualTo(tolerance);
    }

    @Test
    void aMissingHeaderIsNamed() {
        assertThat(scheme.verify(Map.of(), BODY)).isEqualTo(Verification.invalid("missing Stripe-Signature header"));
        assertThat(scheme.verify(header(""), BODY).reason()).isEqualTo("missing Stripe-Signature header");
    }

    @Test
    void aMalformedHeaderSaysWhatWasExpected() {
        // The bad headers Stripe's own libraries test against (stripe-dotnet EventUtilityTest, stripe-java and
        // stripe-node webhook tests), plus a repeated t.
        List<String> malformed = List.of("bad_header", "i'm not even a real signature header",
                "t=not_a_number,v1=somesignature",
                "t=,v1=2220f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3c7",
                "t,v1=,v0=", "t,v1=,v0", "t,v1=,", "t,,", ",,", "t", "t=-1,v1=00", "t=1.5,v1=00",
                "t=" + NOW + ",t=" + NOW + ",v1=00");
        for (String value : malformed) {
            assertThat(scheme.verify(header(value), BODY).reason()).as(value)
                    .isEqualTo("malformed Stripe-Signature header: expected t=<unix seconds>,v1=<hex>");
        }
    }

    @Test
    void spacesAroundThePartsAreTolerated() throws GeneralSecurityException {
        String header = " t=" + NOW + " , v1=" + documentedSignature(SECRET, NOW, BODY) + " ";

        assertThat(scheme.verify(header(header), BODY).isValid()).isTrue();
    }

    @Test
    void neitherReasonsNorToStringContainTheSecret() {
        for (String value : List.of("", "bad", "t=1,v1=00", "t=" + NOW + ",v1=" + SECRET)) {
            assertThat(scheme.verify(header(value), BODY).reason()).doesNotContain(SECRET);
        }
        assertThat(scheme.toString()).doesNotContain(SECRET);
    }
}
