package io.baton.callback;

/** A registration Baton refuses, with the reason (safe to show: it never repeats a URL's path or query). */
public final class InvalidCallbackException extends RuntimeException {
    public InvalidCallbackException(String message) {
        super(message);
    }
}
