package io.baton.wait;

import java.math.BigInteger;
import java.util.Optional;

/**
 * Fixed-width base62 ({@code 0-9A-Za-z}) for non-negative integers: the alphabet of resume tokens, chosen so a token
 * is one "word" that double-click selects and no URL or header needs to escape.
 */
final class Base62 {
    static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private static final BigInteger RADIX = BigInteger.valueOf(ALPHABET.length());

    private Base62() {
    }

    /** {@code value} in exactly {@code width} digits, left-padded with {@code 0}. */
    static String encode(BigInteger value, int width) {
        if (value.signum() < 0 || value.compareTo(RADIX.pow(width)) >= 0) {
            throw new IllegalArgumentException("value does not fit in " + width + " base62 digits");
        }
        char[] digits = new char[width];
        BigInteger rest = value;
        for (int i = width - 1; i >= 0; i--) {
            BigInteger[] quotientAndRemainder = rest.divideAndRemainder(RADIX);
            digits[i] = ALPHABET.charAt(quotientAndRemainder[1].intValue());
            rest = quotientAndRemainder[0];
        }
        return new String(digits);
    }

    /** The value of {@code digits}, or empty if it is empty or has a character outside the alphabet. */
    static Optional<BigInteger> decode(CharSequence digits) {
        if (digits.length() == 0) {
            return Optional.empty();
        }
        BigInteger value = BigInteger.ZERO;
        for (int i = 0; i < digits.length(); i++) {
            int digit = digit(digits.charAt(i));
            if (digit < 0) {
                return Optional.empty();
            }
            value = value.multiply(RADIX).add(BigInteger.valueOf(digit));
        }
        return Optional.of(value);
    }

    static boolean isDigit(char c) {
        return digit(c) >= 0;
    }

    private static int digit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'Z') {
            return c - 'A' + 10;
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 36;
        }
        return -1;
    }
}
