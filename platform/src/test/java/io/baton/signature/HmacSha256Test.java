package io.baton.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HmacSha256Test {

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void itMatchesTheRfc4231TestVector() {
        // RFC 4231, section 4.3 (test case 2).
        assertThat(new HmacSha256(utf8("Jefe")).signHex(utf8("what do ya want for nothing?")))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void itMatchesTheVectorsStripesLibrariesRequireOfTheirHmac() {
        // github.com/stripe/stripe-node test/crypto/helpers.ts (commit 0d177684726390dfaee513d669222543fc5a2b5f):
        // computeHMACSignature(payload, 'test_secret'), hex, payload encoded as UTF-8.
        HmacSha256 hmac = new HmacSha256(utf8("test_secret"));

        assertThat(hmac.signHex(utf8(""))).isEqualTo("f7f9bd47fb987337b5796fdc1fdb9ba221d0d5396814bfcaf9521f43fd8927fd");
        assertThat(hmac.signHex(utf8("{\"obj1\":\"hello\",\"obj2\":\"world\"}")))
                .isEqualTo("bebb1a643997f419b315ddba19e6f5411e1ce7f810ba6d3617ce72823092f363");
        assertThat(hmac.signHex(utf8("\ud83d\ude00")))
                .isEqualTo("837da296d05c4fe31f61d5d7ead035099d9585a5bcde87de952012a78f0b0c43");
    }

    @Test
    void signingPartsIsSigningTheirConcatenation() {
        HmacSha256 hmac = new HmacSha256(utf8("k"));

        assertThat(hmac.sign(utf8("1614265330."), utf8("{}"))).isEqualTo(hmac.sign(utf8("1614265330.{}")));
    }

    @Test
    void anEmptyKeyIsRefused() {
        assertThatThrownBy(() -> new HmacSha256(new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlySixtyFourHexDigitsLookLikeADigest() {
        assertThat(HmacSha256.isHexDigest("0123456789abcdefABCDEF".repeat(3).substring(0, 64))).isTrue();
        assertThat(HmacSha256.isHexDigest("0".repeat(63))).isFalse();
        assertThat(HmacSha256.isHexDigest("0".repeat(63) + "g")).isFalse();
        assertThat(HmacSha256.isHexDigest("0".repeat(63) + "\u0661")).isFalse();
    }
}
