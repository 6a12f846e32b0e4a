package io.baton.ops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code baton keys ls|create|revoke}: admin API keys ({@code /admin/api/keys}, admin role). */
@Command(name = "keys", description = "List, make and revoke admin API keys.")
final class KeysCommand {
    private static final String[] FIELDS = {"id", "name", "role", "prefix", "createdBy", "createdAt", "revokedAt"};

    private final Session session;

    KeysCommand(Session session) {
        this.session = session;
    }

    @Command(name = "ls", description = "List keys: prefix and metadata, never the key (GET /keys).")
    int list() {
        JsonNode answer = session.api().get("/keys", Map.of()).body();
        Output output = session.output();
        output.either(answer, () -> output.table(Table.of(answer.path("keys"), FIELDS), "no keys"));
        return 0;
    }

    @Command(name = "create", description = "Make a key with a role; the key is shown this once (POST /keys).")
    int create(@Parameters(paramLabel = "NAME", description = "Who or what the key is for.") String name,
               @Option(names = "--role", required = true, paramLabel = "ROLE",
                       description = "viewer (reads), operator (also acts on tasks, waits, deliveries) or admin.")
               String role) {
        JsonNode made = session.api().post("/keys", session.json().createObjectNode().put("name", name)
                .put("role", role)).body();
        Output output = session.output();
        output.either(made, () -> {
            output.block(Block.of(made, FIELDS).add("key", made.path("key").asText()));
            output.line("");
            output.line("Store the key now: it is not shown again (only its hash is kept).");
        });
        return 0;
    }

    @Command(name = "revoke", description = "Revoke a key; every node refuses it within seconds "
            + "(POST /keys/{id}/revoke).")
    int revoke(@Parameters(paramLabel = "ID", description = "The key's id (see 'baton keys ls').") String id) {
        JsonNode key = session.api().post("/keys/" + AdminClient.segment(id) + "/revoke", null).body();
        Output output = session.output();
        output.either(key, () -> {
            output.line("Revoked key " + key.path("id").asText() + " (" + key.path("name").asText() + ").");
            output.block(Block.of(key, FIELDS));
        });
        return 0;
    }
}
