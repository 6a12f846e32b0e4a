package io.baton.ops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code baton resume WAIT_ID}: resolve an open wait by hand, with a payload or as failed. */
@Command(name = "resume", description = "Resume an open wait by hand with a payload (POST /waits/{id}/resume), "
        + "or fail it (POST /waits/{id}/fail).")
final class ResumeCommand implements java.util.concurrent.Callable<Integer> {
    private final Session session;

    @Parameters(paramLabel = "WAIT_ID", description = "The wait's id (see 'baton waits ls' or 'baton tasks show').")
    String id;

    @ArgGroup(exclusive = true)
    Resolution resolution;

    /** How the wait is resolved: with a payload (the default, no payload) or as failed. */
    static final class Resolution {
        @Option(names = "--payload", paramLabel = "JSON", description = "What the task resumes with, a JSON value.")
        JsonNode payload;

        @Option(names = "--fail", paramLabel = "REASON", description = "Fail the wait instead, with this reason.")
        String fail;
    }

    ResumeCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        ObjectNode body = session.json().createObjectNode();
        boolean failing = resolution != null && resolution.fail != null;
        if (failing) {
            body.put("reason", resolution.fail);
        } else if (resolution != null && resolution.payload != null) {
            body.set("payload", resolution.payload);
        }
        String path = "/waits/" + AdminClient.segment(id) + (failing ? "/fail" : "/resume");
        JsonNode answer = session.api().post(path, body).body();
        session.output().changed(answer, (failing ? "Failed wait " : "Resumed wait ") + id + ".");
        return 0;
    }
}
