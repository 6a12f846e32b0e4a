package io.baton.http;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem details body ({@code application/problem+json}). Build one with {@link #of}, which masks any
 * secret in the detail and the instance: a caller's input echoed in an error never carries a token or key.
 *
 * @param type     a URI naming the kind of problem, or {@code about:blank}
 * @param title    short summary of the kind of problem
 * @param status   the HTTP status
 * @param detail   what went wrong this time and what to do about it
 * @param instance the request path, when there is one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance) {
    public static final String CONTENT_TYPE = "application/problem+json";
    private static final int MAX_DETAIL = 2000;

    public static Problem of(int status, String title, String detail, String instance) {
        String masked = SecretMask.apply(detail);
        if (masked != null && masked.length() > MAX_DETAIL) {
            masked = masked.substring(0, MAX_DETAIL) + "...";
        }
        return new Problem("about:blank", title, status, masked, SecretMask.echo(instance));
    }
}
