package io.baton.execution;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Turns a step failure into the stored {@code {type, message, stackTrace}} JSON, the trace truncated. */
final class ErrorDetails {
    static final int MAX_STACK_TRACE = 4000;

    private final ObjectMapper json;

    ErrorDetails(ObjectMapper json) {
        this.json = json;
    }

    ObjectNode of(Throwable error) {
        StringWriter trace = new StringWriter();
        error.printStackTrace(new PrintWriter(trace));
        String text = trace.toString();
        if (text.length() > MAX_STACK_TRACE) {
            text = text.substring(0, MAX_STACK_TRACE) + "\n\t... (truncated)";
        }
        ObjectNode node = json.createObjectNode();
        node.put("type", error.getClass().getName());
        node.put("message", error.getMessage());
        node.put("stackTrace", text);
        return node;
    }

    ObjectNode of(String type, String message) {
        ObjectNode node = json.createObjectNode();
        node.put("type", type);
        node.put("message", message);
        return node;
    }
}
