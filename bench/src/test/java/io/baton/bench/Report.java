package io.baton.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The benchmark's findings: one row per figure, each with the reference measured in the same run and the target. */
final class Report {

    /**
     * @param figure    what was measured
     * @param baton     Baton's figure, as printed
     * @param value     Baton's figure as a number (for the JSON report and the smoke test)
     * @param reference the reference measured in the same run, as printed (or "-")
     * @param target    the target it is held against, and whether it was met
     */
    record Row(String figure, String baton, double value, String reference, String target) {
    }

    private final Map<String, String> setup;
    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    Report(Map<String, String> setup) {
        this.setup = setup;
    }

    void add(String figure, String baton, double value, String reference, String target) {
        Row row = new Row(figure, baton, value, reference, target);
        rows.add(row);
        System.out.println("BENCH " + figure + ": " + baton + " | reference: " + reference + " | " + target);
    }

    void note(String note) {
        notes.add(note);
        System.out.println("BENCH note: " + note);
    }

    List<Row> rows() {
        return List.copyOf(rows);
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("Run ").append(Instant.now()).append(" on ");
        setup.forEach((k, v) -> md.append(k).append(": ").append(v).append("; "));
        md.setLength(md.length() - 2);
        md.append(".\n\n| Figure | Baton | Reference, same run | Target |\n| --- | --- | --- | --- |\n");
        for (Row row : rows) {
            md.append("| ").append(row.figure()).append(" | ").append(row.baton()).append(" | ")
                    .append(row.reference()).append(" | ").append(row.target()).append(" |\n");
        }
        if (!notes.isEmpty()) {
            md.append('\n');
            notes.forEach(note -> md.append("- ").append(note).append('\n'));
        }
        return md.toString();
    }

    void write(Path directory) throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve("report.md"), markdown());
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.putPOJO("setup", setup);
        ArrayNode list = root.putArray("rows");
        rows.forEach(row -> list.addPOJO(row));
        root.putPOJO("notes", notes);
        Files.writeString(directory.resolve("report.json"), json.writerWithDefaultPrettyPrinter()
                .writeValueAsString(root));
        System.out.println("BENCH report written to " + directory.toAbsolutePath());
        System.out.println(markdown());
    }
}
