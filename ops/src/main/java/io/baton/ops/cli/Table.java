package io.baton.ops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Rows of JSON objects as aligned text columns, headed by the fields' names in capitals. */
final class Table {
    /** The widest a cell may be before it is cut (errors, JSON values). */
    static final int MAX_CELL = 60;
    private static final String GAP = "  ";

    private final List<String> headers = new ArrayList<>();
    private final List<List<String>> rows = new ArrayList<>();

    private Table(List<String> headers) {
        this.headers.addAll(headers);
    }

    /** The given fields of each object in {@code rows}. */
    static Table of(JsonNode rows, String... fields) {
        Table table = new Table(List.of(fields).stream().map(f -> Cell.words(f).toUpperCase(Locale.ROOT)).toList());
        for (JsonNode row : rows) {
            List<String> cells = new ArrayList<>();
            for (String field : fields) {
                cells.add(Cell.text(row.path(field), MAX_CELL));
            }
            table.rows.add(cells);
        }
        return table;
    }

    /** Every field with a plain value that any of {@code rows} has, in the order first seen (answers of any shape). */
    static Table ofAllFields(JsonNode rows) {
        Set<String> fields = new LinkedHashSet<>();
        for (JsonNode row : rows) {
            for (Iterator<String> names = row.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (row.get(name).isValueNode()) {
                    fields.add(name);
                }
            }
        }
        return of(rows, fields.toArray(String[]::new));
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    void print(PrintStream out) {
        int[] widths = new int[headers.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = headers.get(i).length();
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        line(out, headers, widths);
        rows.forEach(row -> line(out, row, widths));
    }

    private static void line(PrintStream out, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                line.append(GAP);
            }
            line.append(cells.get(i));
            if (i < cells.size() - 1) {
                line.append(" ".repeat(widths[i] - cells.get(i).length()));
            }
        }
        out.println(line);
    }
}
