package io.baton.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TableTest {
    private final ObjectMapper json = new ObjectMapper();

    private static String printed(Table table) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        table.print(new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void columnsAreAlignedHeadedByTheFieldsInCapitalsAndTheLastIsNotPadded() throws Exception {
        JsonNode rows = json.readTree("""
                [{"name": "node-a", "lastCheckin": "2026-11-25T09:00:00.123456Z", "alive": true, "note": "x"},
                 {"name": "b", "lastCheckin": null, "alive": false, "note": "a longer note"}]""");

        assertThat(printed(Table.of(rows, "name", "lastCheckin", "alive", "note"))).isEqualTo("""
                NAME    LAST CHECKIN          ALIVE  NOTE
                node-a  2026-11-25T09:00:00Z  true   x
                b       -                     false  a longer note
                """);
    }

    @Test
    void longOrNestedValuesAreCutToOneLine() throws Exception {
        JsonNode rows = json.readTree("[{\"error\": \"" + "e".repeat(100) + "\", \"input\": {\"a\": [1, 2]},"
                + " \"text\": \"two\\nlines\"}]");

        String printed = printed(Table.of(rows, "error", "input", "text"));

        assertThat(printed.lines().toList().get(1)).isEqualTo("e".repeat(Table.MAX_CELL - 3) + "...  "
                + "{\"a\":[1,2]}  two lines");
    }

    @Test
    void aTableOfAnyShapeTakesEveryPlainFieldInTheOrderFirstSeen() throws Exception {
        JsonNode rows = json.readTree("""
                [{"name": "demo-greeting", "steps": ["compose"]}, {"name": "demo-expense", "paused": true}]""");

        assertThat(printed(Table.ofAllFields(rows)).lines().toList().get(0)).isEqualTo("NAME           PAUSED");
    }
}
