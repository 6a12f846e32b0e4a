package io.baton.ops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** One object as {@code label: value} lines, the values aligned. */
final class Block {
    private record Line(String label, String value) {
    }

    private final List<Line> lines = new ArrayList<>();

    /** The given fields of {@code object}, labelled by their names in words. */
    static Block of(JsonNode object, String... fields) {
        Block block = new Block();
        for (String field : fields) {
            block.add(Cell.words(field), Cell.text(object.path(field)));
        }
        return block;
    }

    /** Every field of {@code object} (for answers of any shape). */
    static Block ofAllFields(JsonNode object) {
        List<String> fields = new ArrayList<>();
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            fields.add(names.next());
        }
        return of(object, fields.toArray(String[]::new));
    }

    Block add(String label, String value) {
        lines.add(new Line(label, value));
        return this;
    }

    void print(PrintStream out) {
        int width = lines.stream().mapToInt(l -> l.label().length()).max().orElse(0);
        for (Line line : lines) {
            out.println(line.label() + ": " + " ".repeat(width - line.label().length()) + line.value());
        }
    }
}
