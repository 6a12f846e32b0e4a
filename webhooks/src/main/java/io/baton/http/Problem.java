package io.baton.http;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem details body ({@code application/problem+json}).
 *
 * @param type     a URI naming the kind of problem, or {@code about:blank}
 * @param title    short summary of the kind of problem
 * @param status   the HTTP status
 * @param detail   what went wrong this time and what to do about it
 * @param instance the request path
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance) {
    public static final String CONTENT_TYPE = "application/problem+json";
}
