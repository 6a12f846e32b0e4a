package io.baton.chaos.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every client of a chaos run asked and was answered, in order, as JSON lines ({@code history.jsonl}): the
 * checker reads it back with the final database to prove or refute the invariants. Thread-safe.
 */
public final class History implements AutoCloseable {
    private final ObjectMapper json;
    private final BufferedWriter out;
    private final List<Op> ops = new ArrayList<>();
    private final long started = System.nanoTime();
    private final AtomicInteger processes = new AtomicInteger();

    private History(ObjectMapper json, BufferedWriter out) {
        this.json = json;
        this.out = out;
    }

    /** A history written to {@code file} as it grows ({@code null}: kept in memory only). */
    public static History to(Path file, ObjectMapper json) {
        try {
            return new History(json, file == null ? null : Files.newBufferedWriter(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new client process id. */
    public int process() {
        return processes.incrementAndGet();
    }

    /** Records an invocation; complete it with the returned handle. */
    public Invocation invoke(int process, String f, String task, String key, JsonNode value) {
        append(process, Op.Type.INVOKE, f, task, key, value);
        return new Invocation(process, f, task, key);
    }

    /** An operation in flight: record how it completed exactly once. */
    public final class Invocation {
        private final int process;
        private final String f;
        private final String task;
        private final String key;

        private Invocation(int process, String f, String task, String key) {
            this.process = process;
            this.f = f;
            this.task = task;
            this.key = key;
        }

        public void ok(JsonNode answer) {
            append(process, Op.Type.OK, f, task, key, answer);
        }

        /** Ok, naming the task the answer revealed (a start learns its task id only now). */
        public void ok(String taskId, JsonNode answer) {
            append(process, Op.Type.OK, f, taskId, key, answer);
        }

        public void fail(JsonNode answer) {
            append(process, Op.Type.FAIL, f, task, key, answer);
        }

        public void info(String why) {
            ObjectNode answer = json.createObjectNode().put("error", why);
            append(process, Op.Type.INFO, f, task, key, answer);
        }
    }

    private synchronized void append(int process, Op.Type type, String f, String task, String key, JsonNode value) {
        Op op = new Op(ops.size(), process, type, f, task, key, value, System.nanoTime() - started);
        ops.add(op);
        if (out != null) {
            try {
                out.write(line(op));
                out.newLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private String line(Op op) throws IOException {
        ObjectNode line = json.createObjectNode();
        line.put("index", op.index());
        line.put("process", op.process());
        line.put("type", op.type().wireName());
        line.put("f", op.f());
        line.put("task", op.task());
        line.put("key", op.key());
        line.set("value", op.value());
        line.put("nanos", op.nanos());
        return json.writeValueAsString(line);
    }

    /** Every operation so far, in order. */
    public synchronized List<Op> ops() {
        return List.copyOf(ops);
    }

    /** Reads a history file back. */
    public static List<Op> read(Path file, ObjectMapper json) throws IOException {
        List<Op> ops = new ArrayList<>();
        for (String text : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (text.isBlank()) {
                continue;
            }
            JsonNode line = json.readTree(text);
            ops.add(new Op(line.path("index").asLong(), line.path("process").asInt(),
                    Op.Type.valueOf(line.path("type").asText().toUpperCase(java.util.Locale.ROOT)),
                    line.path("f").asText(), line.path("task").isNull() ? null : line.path("task").asText(null),
                    line.path("key").isNull() ? null : line.path("key").asText(null), line.get("value"),
                    line.path("nanos").asLong()));
        }
        return ops;
    }

    @Override
    public synchronized void close() throws IOException {
        if (out != null) {
            out.close();
        }
    }
}
