package io.baton.callback;

/**
 * An outbound URL Baton refuses to call: not http(s), credentials in it, or a host that is (or resolves to) an address
 * outside the public internet. The message names the host and the reason, never the URL's path or query.
 */
public final class UnsafeTargetException extends RuntimeException {
    public UnsafeTargetException(String message) {
        super(message);
    }
}
