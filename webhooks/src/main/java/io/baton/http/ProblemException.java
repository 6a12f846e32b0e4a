package io.baton.http;

/** Thrown by a handler to answer with a problem+json body; mapped in one place by {@link HttpApp}. */
public class ProblemException extends RuntimeException {
    private final int status;
    private final String title;

    public ProblemException(int status, String title, String detail) {
        super(detail);
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }
}
