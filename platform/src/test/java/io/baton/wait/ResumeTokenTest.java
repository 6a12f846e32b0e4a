package io.baton.wait;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ResumeTokenTest {

    private final SecureRandom random = new SecureRandom();

    @Test
    void aTokenIsThePrefixFortyThreeCharactersOfSecretAndSixOfChecksum() {
        String value = ResumeToken.generate(random).value();

        assertThat(value).hasSize(ResumeToken.LENGTH).hasSize(52).startsWith("bt_").matches("bt_[0-9A-Za-z]{49}");
    }

    @Test
    void theSecretIsAll256BitsDrawnFromTheRandomSource() {
        byte[] drawn = new byte[32];
        new Random(42).nextBytes(drawn);
        FixedRandom source = new FixedRandom(drawn);

        ResumeToken token = ResumeToken.generate(source);

        assertThat(source.requested).isEqualTo(32);
        assertThat(Base62.decode(token.value().substring(3, 46))).contains(new BigInteger(1, drawn));
    }

    @Test
    void fortyThreeBase62CharactersHoldEvery256BitValueAndSmallValuesArePadded() {
        assertThat(BigInteger.valueOf(62).pow(43)).isGreaterThan(BigInteger.ONE.shiftLeft(256));

        byte[] ones = new byte[32];
        Arrays.fill(ones, (byte) 0xFF);
        String largest = ResumeToken.generate(new FixedRandom(ones)).value();
        String zero = ResumeToken.generate(new FixedRandom(new byte[32])).value();

        assertThat(largest).hasSize(52);
        assertThat(Base62.decode(largest.substring(3, 46))).contains(BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE));
        assertThat(zero).hasSize(52).startsWith("bt_" + "0".repeat(43));
        assertThat(ResumeToken.parse(largest)).isPresent();
        assertThat(ResumeToken.parse(zero)).isPresent();
    }

    @Test
    void aGeneratedTokenParsesBackToAnEqualToken() {
        ResumeToken token = ResumeToken.generate(random);

        assertThat(ResumeToken.parse(token.value())).contains(token);
        assertThat(ResumeToken.parse(token.value()).orElseThrow().sha256Hex()).isEqualTo(token.sha256Hex());
    }

    @Test
    void everySingleCharacterTypoIsCaughtByTheChecksum() {
        String substitutes = Base62.ALPHABET + "-_.+/= \t~0Oo1lI€é\u0000";
        int mutations = 0;
        for (int n = 0; n < 20; n++) {
            String value = ResumeToken.generate(random).value();
            for (int position = 0; position < value.length(); position++) {
                for (char substitute : substitutes.toCharArray()) {
                    if (substitute == value.charAt(position)) {
                        continue;
                    }
                    String typo = value.substring(0, position) + substitute + value.substring(position + 1);
                    assertThat(ResumeToken.parse(typo)).as("%s with position %d changed", value, position).isEmpty();
                    mutations++;
                }
            }
        }
        assertThat(mutations).isGreaterThan(60_000);
    }

    @Test
    void swappingTwoNeighbouringCharactersIsCaughtByTheChecksum() {
        for (int n = 0; n < 200; n++) {
            String value = ResumeToken.generate(random).value();
            for (int position = 0; position + 1 < value.length(); position++) {
                char[] chars = value.toCharArray();
                if (chars[position] == chars[position + 1]) {
                    continue;
                }
                char swapped = chars[position];
                chars[position] = chars[position + 1];
                chars[position + 1] = swapped;
                assertThat(ResumeToken.parse(new String(chars))).isEmpty();
            }
        }
    }

    @Test
    void garbageIsRejectedWithoutAnException() {
        String value = ResumeToken.generate(random).value();

        assertThat(ResumeToken.parse(null)).isEmpty();
        assertThat(ResumeToken.parse("")).isEmpty();
        assertThat(ResumeToken.parse("bt_")).isEmpty();
        assertThat(ResumeToken.parse("not a token at all")).isEmpty();
        assertThat(ResumeToken.parse("gh_" + value.substring(3))).isEmpty();
        assertThat(ResumeToken.parse("BT_" + value.substring(3))).isEmpty();
        assertThat(ResumeToken.parse(value.substring(0, 51))).isEmpty();
        assertThat(ResumeToken.parse(value + "0")).isEmpty();
        assertThat(ResumeToken.parse(" " + value)).isEmpty();
        assertThat(ResumeToken.parse(value.substring(1) + "\n")).isEmpty();
        assertThat(ResumeToken.parse("bt_" + "!".repeat(49))).isEmpty();
        assertThat(ResumeToken.parse("bt_" + "0".repeat(49))).isEmpty();
    }

    @Test
    void aWellFormedTokenWhoseSecretExceeds256BitsIsRejected() {
        String body = "z".repeat(43);

        assertThat(ResumeToken.parse("bt_" + body + ResumeToken.checksum(body))).isEmpty();
    }

    @Test
    void theHashIsTheSha256OfTheWholeTokenIn64LowercaseHexCharacters() throws NoSuchAlgorithmException {
        ResumeToken token = ResumeToken.generate(random);
        String expected = HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(token.value().getBytes(StandardCharsets.US_ASCII)));

        assertThat(token.sha256Hex()).isEqualTo(expected).matches("[0-9a-f]{64}");
        assertThat(token.sha256Hex()).isEqualTo(token.sha256Hex()).isEqualTo(ResumeToken.hash(token.value()));
        assertThat(ResumeToken.parse(token.value()).orElseThrow().sha256Hex()).isEqualTo(token.sha256Hex());
    }

    @Test
    void theHashFunctionIsPlainSha256() {
        // FIPS 180-2, appendix B.1: SHA-256("abc").
        assertThat(ResumeToken.hash("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void toStringDoesNotRevealTheSecret() {
        ResumeToken token = ResumeToken.generate(random);
        String printed = token.toString();

        assertThat(printed).isEqualTo("bt_…" + token.value().substring(48));
        assertThat(printed).doesNotContain(token.value().substring(3, 46)).doesNotContain(token.value());
        for (int i = 3; i + 8 <= 46; i++) {
            assertThat(printed).doesNotContain(token.value().substring(i, i + 8));
        }
    }

    @Test
    void tenThousandGeneratedTokensAreAllDifferent() {
        Set<String> values = new HashSet<>();
        Set<String> hashes = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            ResumeToken token = ResumeToken.generate(random);
            values.add(token.value());
            hashes.add(token.sha256Hex());
        }

        assertThat(values).hasSize(10_000);
        assertThat(hashes).hasSize(10_000);
    }

    @Test
    void tokensAreEqualExactlyWhenTheirValuesAre() {
        ResumeToken token = ResumeToken.generate(random);

        assertThat(ResumeToken.parse(token.value()).orElseThrow()).isEqualTo(token).hasSameHashCodeAs(token);
        assertThat(ResumeToken.generate(random)).isNotEqualTo(token);
    }

    /** A random source that hands out the given bytes and records how many were asked for. */
    private static final class FixedRandom extends SecureRandom {
        private final byte[] bytes;
        private int requested;

        FixedRandom(byte[] bytes) {
            this.bytes = bytes.clone();
        }

        @Override
        public void nextBytes(byte[] target) {
            requested += target.length;
            System.arraycopy(bytes, 0, target, 0, Math.min(bytes.length, target.length));
        }
    }
}
