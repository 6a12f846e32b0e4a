package io.baton.ops.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.io.UncheckedIOException;

/**
 * Where a command's answer goes: with {@code --json} the API's JSON, pretty-printed, and nothing else (for scripts);
 * otherwise tables and {@code label: value} blocks for people.
 */
final class Output {
    private final PrintStream out;
    private final ObjectMapper json;
    private final boolean jsonMode;

    Output(PrintStream out, ObjectMapper json, boolean jsonMode) {
        this.out = out;
        this.json = json;
        this.jsonMode = jsonMode;
    }

    /** Whether {@code --json} was given: print {@link #json} only. */
    boolean jsonMode() {
        return jsonMode;
    }

    void json(JsonNode answer) {
        try {
            out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(answer));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    void line(String text) {
        out.println(text);
    }

    void table(Table table, String whenEmpty) {
        if (table.isEmpty()) {
            out.println(whenEmpty);
        } else {
            table.print(out);
        }
    }

    void block(Block block) {
        block.print(out);
    }

    /** For a change: with {@code --json} the answer as is; otherwise {@code done} and the answer's fields. */
    void changed(JsonNode answer, String done) {
        if (jsonMode) {
            json(answer);
            return;
        }
        line(done);
        if (answer.isObject()) {
            block(Block.ofAllFields(answer));
        }
    }

    /** With {@code --json} the answer as is; otherwise what {@code human} prints. */
    void either(JsonNode answer, Runnable human) {
        if (jsonMode) {
            json(answer);
        } else {
            human.run();
        }
    }
}
