package io.baton.http;

import java.util.regex.Pattern;

/**
 * Masks Baton's secrets in text that leaves the process (error bodies, log lines): resume tokens ({@code bt_...}),
 * admin API keys ({@code bk_...}, {@code bak_...}), signing secrets ({@code whsec_...}) and bulk operation tokens
 * ({@code bbt_...}) keep their prefix only.
 */
public final class SecretMask {
    /** Tokens are base62, admin keys base64url, signing secrets base64; the server's logback.xml masks the same. */
    private static final Pattern SECRET = Pattern.compile(
            "\\b(?:(bt_)[0-9A-Za-z]{6,}|(ba?k_)[0-9A-Za-z_-]{6,}|(whsec_)[0-9A-Za-z+/=]{6,}|(bbt_)[0-9A-Za-z_-]{6,})");
    private static final int MAX_ECHO = 300;

    private SecretMask() {
    }

    /** {@code text} with every secret masked; {@code null} stays {@code null}. */
    public static String apply(String text) {
        return text == null ? null : SECRET.matcher(text).replaceAll("$1$2$3$4****");
    }

    /** Masked, and cut to a length fit to echo a caller's input back in an error. */
    public static String echo(String text) {
        String masked = apply(text);
        return masked == null || masked.length() <= MAX_ECHO ? masked : masked.substring(0, MAX_ECHO) + "...";
    }
}
