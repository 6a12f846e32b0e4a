package io.baton.ops.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The OpenAPI 3.1 document of the admin API, written from its route table: each route's method, path, parameters,
 * summary, required role ({@code x-baton-role}), audit action ({@code x-baton-audit}) and answers, every error a
 * problem+json ({@code Problem}, RFC 9457). Written by hand from the table, not by an annotation processor: the table
 * is the one source, and a library would want the routes described a second time.
 */
final class OpenApiDocument {
    private static final Map<Integer, String> EVERY_ROUTE = Map.of(
            400, "Bad input (problem+json says what); nothing was changed",
            401, "No valid API key",
            403, "The key's role may not do this");

    private final ObjectMapper json;

    OpenApiDocument(ObjectMapper json) {
        this.json = json;
    }

    String write(List<AdminRoute> routes) {
        ObjectNode doc = json.createObjectNode();
        doc.put("openapi", "3.1.0");
        ObjectNode info = doc.putObject("info");
        info.put("title", "Baton admin API");
        info.put("version", "1");
        info.put("description", "Operate Baton: tasks, callbacks, keys and the audit log. Every request needs "
                + "'Authorization: Bearer <key>'; roles: viewer (reads), operator (acts on tasks, waits and "
                + "deliveries), admin (everything).");
        doc.putArray("security").addObject().putArray("bearer");
        ObjectNode components = doc.putObject("components");
        components.putObject("securitySchemes").putObject("bearer").put("type", "http").put("scheme", "bearer");
        ObjectNode problem = components.putObject("schemas").putObject("Problem");
        problem.put("type", "object");
        ObjectNode properties = problem.putObject("properties");
        for (String field : List.of("type", "title", "detail", "instance")) {
            properties.putObject(field).put("type", "string");
        }
        properties.putObject("status").put("type", "integer");
        ObjectNode paths = doc.putObject("paths");
        for (AdminRoute route : routes) {
            ObjectNode path = paths.has(route.path()) ? (ObjectNode) paths.get(route.path())
                    : paths.putObject(route.path());
            ObjectNode operation = path.putObject(route.method().name().toLowerCase(Locale.ROOT));
            operation.put("summary", route.summary());
            operation.put("operationId", operationId(route));
            operation.put("x-baton-role", route.role().wireName());
            if (route.mutating()) {
                operation.put("x-baton-audit", route.action());
            }
            ArrayNode parameters = operation.putArray("parameters");
            for (String name : route.pathParameters()) {
                ObjectNode parameter = parameters.addObject();
                parameter.put("name", name).put("in", "path").put("required", true);
                parameter.putObject("schema").put("type", "string");
            }
            ObjectNode responses = operation.putObject("responses");
            Map<Integer, String> all = new TreeMap<>(EVERY_ROUTE);
            all.putAll(route.responses());
            all.forEach((status, meaning) -> {
                ObjectNode response = responses.putObject(Integer.toString(status));
                response.put("description", meaning);
                if (status >= 400) {
                    response.putObject("content").putObject("application/problem+json").putObject("schema")
                            .put("$ref", "#/components/schemas/Problem");
                } else if (status != 204) {
                    response.putObject("content").putObject("application/json").putObject("schema")
                            .put("type", "object");
                }
            });
        }
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the OpenAPI document could not be written", e);
        }
    }

    private static String operationId(AdminRoute route) {
        StringBuilder id = new StringBuilder(route.method().name().toLowerCase(Locale.ROOT));
        for (String part : route.path().substring("/admin/api/".length()).split("/")) {
            String word = part.replaceAll("[{}]", "");
            for (String piece : word.split("-")) {
                if (!piece.isEmpty()) {
                    id.append(Character.toUpperCase(piece.charAt(0))).append(piece.substring(1));
                }
            }
        }
        return id.toString();
    }
}
