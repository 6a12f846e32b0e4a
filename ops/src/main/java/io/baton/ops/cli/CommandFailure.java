package io.baton.ops.cli;

/**
 * Why a command did not do what was asked, as the user reads it ({@code baton: <detail>} on stderr) and the exit code
 * scripts read.
 */
final class CommandFailure extends RuntimeException {
    private final Exit exit;

    CommandFailure(Exit exit, String detail) {
        super(detail, null, false, false);
        this.exit = exit;
    }

    Exit exit() {
        return exit;
    }

    String detail() {
        return getMessage();
    }
}
