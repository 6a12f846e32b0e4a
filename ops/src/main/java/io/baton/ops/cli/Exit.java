package io.baton.ops.cli;

/** The exit codes of the CLI commands, which scripts rely on. */
public enum Exit {
    /** The command did what was asked. */
    OK(0),
    /** The server failed (5xx), could not be reached, or refused the key (401, 403). */
    FAILED(1),
    /** The command line was wrong, or the server refused the request as malformed (400 and other 4xx). */
    USAGE(2),
    /** What the command names does not exist (404). */
    NOT_FOUND(3),
    /** The thing exists but is not in a state that allows this (409, 410). */
    CONFLICT(4);

    private final int code;

    Exit(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The exit code for an HTTP error status from the admin API. */
    static Exit forStatus(int status) {
        return switch (status) {
            case 404 -> NOT_FOUND;
            case 409, 410 -> CONFLICT;
            case 401, 403, 408, 429 -> FAILED;
            default -> status >= 400 && status < 500 ? USAGE : FAILED;
        };
    }
}
