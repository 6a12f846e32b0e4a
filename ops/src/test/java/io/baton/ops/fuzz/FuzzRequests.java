package io.baton.ops.fuzz;

import io.baton.signature.StandardWebhooksScheme;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Generates malformed HTTP requests against every route of a Baton server, from one seed. Requests that reach a
 * real wait, a real task or the admin API with the right key are malformed by construction (wrong method, content
 * type, body, signature...), so none may change anything; the rest aim at unknown tokens, sources and paths, or
 * break HTTP itself. Read-only requests (GET of a task, health, a replayed event delivery) are marked as allowed to
 * succeed.
 */
final class FuzzRequests {

    /**
     * One request: what it is (for the failure report), its bytes, whether a 2xx answer is acceptable (a read, or a
     * replayed delivery), and whether the answer may show resume URLs (a read of a task with the admin key: the
     * admin API is where operators see them).
     */
    record Case(String description, byte[] bytes, boolean mayChangeNothingButSucceed, boolean mayShowResumeUrls) {
        Case(String description, byte[] bytes, boolean mayChangeNothingButSucceed) {
            this(description, bytes, mayChangeNothingButSucceed, false);
        }
    }

    /** What the server under test holds: the targets worth hitting and the secrets to sign with. */
    record Targets(List<String> waitingTokens, List<UUID> tasks, String adminKey, String sourceSecret,
                   byte[] recordedEvent, String recordedEventId) {
    }

    private static final List<String> METHODS = List.of("GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD",
            "TRACE", "CONNECT", "FOO", "get", "POST\u0000", "PO ST", "\u00e9");

    private final Random random;
    private final Targets targets;
    private final StandardWebhooksScheme signer;

    FuzzRequests(long seed, Targets targets) {
        this.random = new Random(seed);
        this.targets = targets;
        this.signer = new StandardWebhooksScheme(targets.sourceSecret(), Clock.systemUTC());
    }

    Case next() {
        int kind = random.nextInt(100);
        if (kind < 30) {
            return tokenRoute();
        } else if (kind < 50) {
            return eventRoute();
        } else if (kind < 75) {
            return adminRoute();
        } else if (kind < 85) {
            return otherRoute();
        }
        return brokenHttp();
    }

    // ---------------------------------------------------------------- routes

    private Case tokenRoute() {
        boolean real = random.nextBoolean();
        String token = real ? pick(targets.waitingTokens()) : pick(List.of(
                "bt_" + base62(43 + 6), "bt_" + base62(random.nextInt(60)), "", "bt_", "%62t_abc", "..",
                "bt_" + "x".repeat(3000), "bt_%00", "bt_\u00e9\u00e8", base62(10), "bt_" + base62(49) + "%2F"));
        String suffix = pick(List.of("", "", "", "/heartbeat", "/fail", "/fail/", "/unknown", "//"));
        String path = "/hooks/" + token + suffix;
        if (real && !suffix.equals("/unknown")) { // a trailing slash names the same route
            return realWaitRoute(path, suffix);
        }
        String method = random.nextInt(4) == 0 ? pick(METHODS) : "POST";
        Body body = random.nextBoolean() ? malformedBody() : validLookingBody();
        return build("token route " + method + " " + path + " " + body.what(), method, path, contentType(), body.bytes(),
                headers(), false);
    }

    /** A real, open wait: every request must be refused, by method, content type or body. */
    private Case realWaitRoute(String path, String suffix) {
        int how = random.nextInt(3);
        if (how == 0) {
            String method = pick(METHODS.subList(0, 9));
            return build("real wait, wrong method " + method + " " + suffix, method, path, "application/json",
                    "{\"approved\": true}".getBytes(StandardCharsets.UTF_8), headers(), false);
        }
        if (how == 1) {
            String type = pick(List.of("text/plain", "application/jsonx", "application/json; charset=utf-16",
                    "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "json",
                    "application/json; charset=latin1", "application/json; q=1", "*/*"));
            return build("real wait, content type '" + type + "' " + suffix, "POST", path, type,
                    "{\"approved\": true}".getBytes(StandardCharsets.UTF_8), headers(), false);
        }
        Body body = suffix.startsWith("/fail") && random.nextBoolean() ? badFailureBody() : malformedBody();
        if (suffix.startsWith("/heartbeat") && body.bytes().length == 0) {
            body = text("blank", " "); // an empty heartbeat is a proper one
        }
        return build("real wait, " + body.what() + " " + suffix, "POST", path, "application/json", body.bytes(),
                headers(), false);
    }

    private Case eventRoute() {
        int how = random.nextInt(6);
        if (how == 0) {
            return build("replay of a recorded event", "POST", "/events/orders", "application/json",
                    targets.recordedEvent(), signed(targets.recordedEventId(), targets.recordedEvent()), true);
        }
        if (how == 1) {
            String source = pick(List.of("nope", "ORDERS", "orders%00", "or ders", "..", "x".repeat(300),
                    "orders/extra", "%zz"));
            return build("unknown source " + source, "POST", "/events/" + source, "application/json",
                    "{\"order\": {\"id\": \"o-1\"}}".getBytes(StandardCharsets.UTF_8), headers(), false);
        }
        if (how == 2) {
            // A well-formed event with a missing, stale or forged signature.
            byte[] body = ("{\"order\": {\"id\": \"" + base62(8) + "\"}}").getBytes(StandardCharsets.UTF_8);
            String id = "evt-" + base62(10);
            long now = System.currentTimeMillis() / 1000;
            String headers = pick(List.of("",
                    "webhook-id: " + id + "\r\nwebhook-timestamp: " + now + "\r\n",
                    "webhook-id: " + id + "\r\nwebhook-timestamp: " + (now - 3600) + "\r\nwebhook-signature: "
                            + signer.sign(id, now - 3600, body) + "\r\n",
                    "webhook-id: " + id + "\r\nwebhook-timestamp: " + now + "\r\nwebhook-signature: v1,"
                            + base62(44) + "\r\n",
                    "webhook-id: " + id + "\r\nwebhook-timestamp: " + now + "\r\nwebhook-signature: "
                            + signer.sign(id, now, "{}".getBytes(StandardCharsets.UTF_8)) + "\r\n",
                    "webhook-id: " + id + "\r\nwebhook-timestamp: abc\r\nwebhook-signature: v1,x\r\n"));
            return build("event with a bad signature", "POST", "/events/orders", "application/json", body, headers,
                    false);
        }
        // Signed correctly, but the body is malformed or has no usable correlation key.
        Body body = random.nextBoolean() ? malformedBody() : badEventBody();
        String id = "evt-" + base62(10);
        String source = random.nextInt(4) == 0 ? "plain" : "orders";
        String method = random.nextInt(8) == 0 ? pick(METHODS) : "POST";
        return build("event to " + source + ", " + body.what(), method, "/events/" + source, "application/json",
                body.bytes(), signed(id, body.bytes()), false);
    }

    private Case adminRoute() {
        String auth = pick(List.of("", "Authorization: Bearer " + targets.adminKey() + "\r\n",
                "Authorization: Bearer " + targets.adminKey() + "\r\n",
                "Authorization: Bearer " + targets.adminKey() + "x\r\n", "Authorization: Bearer\r\n",
                "Authorization: Basic " + base62(20) + "\r\n", "Authorization: " + targets.adminKey() + "\r\n",
                "Authorization: bearer  " + targets.adminKey() + " \r\n"));
        String id = pick(List.of(pick(targets.tasks()).toString(), UUID.randomUUID().toString(), "not-a-uuid",
                "%00", "bt_" + base62(49), "x".repeat(500)));
        int route = random.nextInt(7);
        if (route == 4) {
            return callbackRoute(auth);
        }
        if (route >= 5) {
            return operationsRoute(auth, id);
        }
        if (route == 0) {
            String method = random.nextInt(3) == 0 ? "HEAD" : "GET";
            Case read = build("admin " + method + " task " + id, method, "/admin/api/tasks/" + id, null, new byte[0],
                    auth, true);
            boolean authorized = auth.contains(targets.adminKey()) && !auth.contains(targets.adminKey() + "x")
                    && auth.toLowerCase(java.util.Locale.ROOT).contains("bearer");
            return new Case(read.description(), read.bytes(), true, authorized);
        }
        if (route == 1) {
            // Cancelling a real task would change it: only wrong methods, or ids that name no task.
            boolean realId = targets.tasks().stream().anyMatch(t -> t.toString().equals(id));
            String method = realId ? pick(METHODS.subList(0, 9)) : random.nextBoolean() ? "POST" : pick(METHODS);
            return build("admin " + method + " cancel " + id, method, "/admin/api/tasks/" + id + "/cancel",
                    contentType(), validLookingBody().bytes(), auth, false);
        }
        if (route == 2) {
            String method = pick(METHODS);
            if (method.equals("GET") || method.equals("HEAD")) { // the task list: a read, whatever the query
                String query = pick(List.of("", "?state=RUNNING", "?state=" + base62(8), "?limit=0", "?limit=-1",
                        "?limit=99999999999", "?after=" + base62(30), "?createdFrom=yesterday", "?agent=%00",
                        "?error=" + "x".repeat(300), "?waitingOn=token&state=WAITING,SUCCEEDED", "?x=1",
                        "?limit=1&limit=2", "?updatedTo=2026-13-45T00:00:00Z"));
                return build("admin " + method + " task list " + query, method, "/admin/api/tasks" + query,
                        "application/json", "{\"agent\": \"demo-greeting\"}".getBytes(StandardCharsets.UTF_8), auth,
                        true);
            }
            return build("admin " + method + " tasks", method, "/admin/api/tasks", "application/json",
                    "{\"agent\": \"demo-greeting\"}".getBytes(StandardCharsets.UTF_8), auth, false);
        }
        Body body = random.nextBoolean() ? malformedBody() : badStartBody();
        String type = random.nextInt(4) == 0 ? contentType() : "application/json";
        if (random.nextInt(4) == 0) {
            type = pick(NOT_JSON);
            body = new Body("a valid start", "{\"agent\": \"demo-greeting\"}".getBytes(StandardCharsets.UTF_8));
        }
        return build("admin start, " + type + ", " + body.what(), "POST", "/admin/api/tasks", type, body.bytes(),
                auth, false);
    }

    /**
     * Waits, retries, bulk operations, nodes, agents and sources: reads with odd queries, and changes that must be
     * refused (unknown ids, tasks that are not FAILED, bodies that are wrong, tokens no dry run gave).
     */
    private Case operationsRoute(String auth, String id) {
        int which = random.nextInt(6);
        if (which == 0) {
            String path = pick(List.of("/admin/api/waits", "/admin/api/nodes", "/admin/api/agents",
                    "/admin/api/event-sources"));
            String query = pick(List.of("", "?state=OPEN", "?state=RESUMED", "?expiringWithin=" + base62(6),
                    "?expiringWithin=99999999999999d", "?expiringWithin=-1h", "?expiringWithin=PT1H", "?kind=%00",
                    "?after=" + base62(30), "?limit=0", "?agent=" + "x".repeat(300), "?x=1"));
            String method = random.nextInt(3) == 0 ? "HEAD" : "GET";
            return build("admin " + method + " " + path + query, method, path + query, null, new byte[0], auth, true);
        }
        if (which == 1) {
            String waitId = pick(List.of(UUID.randomUUID().toString(), "not-a-uuid", "%00", "x".repeat(300)));
            String action = pick(List.of("/resume", "/fail", "/extend"));
            Body body = random.nextBoolean() ? malformedBody() : text("wait change", pick(List.of("{}",
                    "{\"payload\": {\"approved\": true}}", "{\"reason\": \"\"}", "{\"reason\": 5}",
                    "{\"deadline\": \"2001-01-01T00:00:00Z\"}", "{\"by\": \"-1h\"}", "{\"by\": \"1h\", "
                            + "\"deadline\": \"2030-01-01T00:00:00Z\"}", "{\"deadline\": \"+999999999-12-31T23:59:59Z\"}",
                    "{\"by\": \"P99999999999D\"}")));
            return build("admin wait " + waitId + action + ", " + body.what(), pick(List.of("POST", "POST",
                    pick(METHODS))), "/admin/api/waits/" + waitId + action, "application/json", body.bytes(), auth,
                    false);
        }
        if (which == 2) { // the sentinel tasks are not FAILED: a retry is refused
            Body body = random.nextBoolean() ? malformedBody() : text("retry", pick(List.of("{}",
                    "{\"fromStep\": \"act\"}", "{\"fromStep\": 1}", "{\"fromStep\": \"\"}",
                    "{\"fromStep\": \"nope\", \"x\": 1}")));
            return build("admin retry " + id + ", " + body.what(), "POST", "/admin/api/tasks/" + id + "/retry",
                    "application/json", body.bytes(), auth, false);
        }
        if (which == 3) {
            Body body = random.nextBoolean() ? malformedBody() : text("bad dry run", pick(List.of("{}",
                    "{\"action\": \"delete\"}", "{\"action\": 1}", "{\"action\": \"extend\"}",
                    "{\"action\": \"extend\", \"parameters\": {\"by\": \"soon\"}}",
                    "{\"action\": \"cancel\", \"filter\": {\"state\": [\"RUNNING\"]}}",
                    "{\"action\": \"cancel\", \"filter\": {\"state\": \"EXPLODED\"}}",
                    "{\"action\": \"cancel\", \"filter\": {\"createdFrom\": \"yesterday\"}}",
                    "{\"action\": \"cancel\", \"filter\": []}", "{\"action\": \"retry\", \"parameters\": "
                            + "{\"fromStep\": {}}}", "{\"action\": \"resume\", \"parameters\": 3}")));
            return build("admin bulk dry run, " + body.what(), "POST", "/admin/api/bulk/dry-run", "application/json",
                    body.bytes(), auth, false);
        }
        if (which == 4) {
            Body body = random.nextBoolean() ? malformedBody() : text("unknown token", pick(List.of("{}",
                    "{\"token\": \"bbt_" + base62(43) + "\"}", "{\"token\": 7}", "{\"token\": \"" + "x".repeat(500)
                            + "\"}")));
            return build("admin bulk apply, " + body.what(), "POST", "/admin/api/bulk/apply", "application/json",
                    body.bytes(), auth, false);
        }
        String name = pick(List.of(base62(8), "%00", "x".repeat(300), "..", "demo-%20"));
        String path = pick(List.of("/admin/api/nodes/" + name + "/standby", "/admin/api/nodes/" + name + "/activate",
                "/admin/api/agents/" + name + "/pause", "/admin/api/agents/" + name + "/resume"));
        return build("admin POST " + path, pick(List.of("POST", "POST", pick(METHODS))), path, "application/json",
                "{}".getBytes(StandardCharsets.UTF_8), auth, false);
    }

    /** Callback registrations that must be refused, and management requests for endpoints that do not exist. */
    private Case callbackRoute(String auth) {
        if (random.nextBoolean()) {
            Body body = random.nextBoolean() ? malformedBody() : text("bad registration", pick(List.of(
                    "{\"url\": \"http://10.0.0.1/hook\", \"eventTypes\": [\"*\"]}",
                    "{\"url\": \"http://169.254.169.254/latest/meta-data\", \"eventTypes\": [\"*\"]}",
                    "{\"url\": \"http://[::ffff:127.0.0.1]/\", \"eventTypes\": [\"*\"]}",
                    "{\"url\": \"http://[64:ff9b::a00:1]/\", \"eventTypes\": [\"*\"]}",
                    "{\"url\": \"file:///etc/passwd\", \"eventTypes\": [\"*\"]}",
                    "{\"url\": \"https://u:p@example.invalid/\", \"eventTypes\": [\"*\"]}",
                    "{\"url\": \"https://example.invalid/\", \"eventTypes\": [\"*\"]}",
                    "{\"url\": \"https://example.com/\", \"eventTypes\": []}",
                    "{\"url\": \"https://example.com/\", \"eventTypes\": [\"task.exploded\"]}",
                    "{\"url\": \"https://example.com/\", \"eventTypes\": \"*\"}",
                    "{\"url\": \"https://example.com/\", \"eventTypes\": [null]}",
                    "{\"url\": \"https://example.com/\", \"eventTypes\": [\"*\"], \"agent\": \"\"}",
                    "{\"url\": \"https://example.com/\", \"eventTypes\": [\"*\"], \"secret\": \"whsec_x\"}",
                    "{\"url\": \"https://example.com/" + "a".repeat(2100) + "\", \"eventTypes\": [\"*\"]}",
                    "{\"url\": 42, \"eventTypes\": [\"*\"]}", "{\"eventTypes\": [\"*\"]}", "[]", "null")));
            return build("admin register callback, " + body.what(), "POST", "/admin/api/callbacks",
                    "application/json", body.bytes(), auth, false);
        }
        String id = pick(List.of(UUID.randomUUID().toString(), "not-a-uuid", "%00", "x".repeat(300)));
        String action = pick(List.of("", "/enable", "/disable", "/rotate-secret", "/deliveries", "/replay-failed",
                "/deliveries/" + UUID.randomUUID() + "/replay", "/deliveries/nope/replay"));
        String method = random.nextInt(3) == 0 ? pick(METHODS) : action.isEmpty() || action.equals("/deliveries")
                ? pick(List.of("GET", "DELETE")) : "POST";
        return build("admin " + method + " callback " + id + action, method, "/admin/api/callbacks/" + id + action,
                "application/json", pick(List.of("{}", "{\"since\": \"2026-01-01T00:00:00Z\"}",
                "{\"overlapSeconds\": 60}", "{\"reason\": \"x\"}")).getBytes(StandardCharsets.UTF_8), auth, false);
    }

    private Case otherRoute() {
        String path = pick(List.of("/health/live", "/health/ready", "/metrics", "/", "/admin", "/admin/api",
                "/admin/api/", "/hooks", "/hooks/", "/events", "/events/", "/health", "/favicon.ico",
                "/" + base62(random.nextInt(40)), "/admin/api/../../etc/passwd", "/health/live?x=" + base62(20),
                "/metrics#frag", "/%2e%2e/admin/api/tasks", "/admin//api/tasks"));
        String method = random.nextBoolean() ? "GET" : pick(METHODS);
        boolean readOnly = method.equals("GET") || method.equals("HEAD");
        return build("other " + method + " " + path, method, path, contentType(), validLookingBody().bytes(),
                headers(), readOnly);
    }

    /** Requests whose HTTP itself is broken: request line, headers, framing. */
    private Case brokenHttp() {
        String token = pick(targets.waitingTokens());
        String path = pick(List.of("/hooks/" + token, "/events/orders", "/admin/api/tasks", "/health/live"));
        List<Supplier<Case>> broken = List.of(
                () -> raw("HTTP/0.9", "GET " + path + "\r\n\r\n"),
                () -> raw("unknown version", "GET " + path + " HTTP/" + random.nextInt(10) + "." + random.nextInt(10)
                        + "7\r\nHost: x\r\nConnection: close\r\n\r\n"),
                () -> raw("no version", "POST " + path + "\r\nHost: x\r\n\r\n"),
                () -> raw("CONNECT", "CONNECT " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
                () -> raw("bad escape", "GET " + path + pick(List.of("%00", "%zz", "%", "%e9", "%c3%28", "%2F..%2F"))
                        + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
                () -> raw("long target", "GET " + path + "/" + "a".repeat(9000 + random.nextInt(5000))
                        + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
                () -> raw("huge header", "POST " + path + " HTTP/1.1\r\nHost: x\r\nX-Big: "
                        + "b".repeat(9000 + random.nextInt(5000)) + "\r\nConnection: close\r\n\r\n"),
                () -> raw("bad Content-Length", "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: "
                        + pick(List.of("abc", "-1", "1e3", "0x10", "99999999999999999999", "2, 3", " "))
                        + "\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{}"),
                () -> raw("two Content-Lengths", "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                        + "Content-Length: 5\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{}"),
                () -> raw("chunked and Content-Length", "POST " + path + " HTTP/1.1\r\nHost: x\r\n"
                        + "Transfer-Encoding: chunked\r\nContent-Length: 2\r\nContent-Type: application/json\r\n"
                        + "Connection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n"),
                () -> raw("bad chunk", "POST " + path + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                        + "Content-Type: application/json\r\nConnection: close\r\n\r\n" + pick(List.of("zz", "-1",
                        "FFFFFFFFFFFFFFFFFF", "2;x=\u0001")) + "\r\n{}\r\n0\r\n\r\n"),
                () -> raw("unknown Transfer-Encoding", "POST " + path + " HTTP/1.1\r\nHost: x\r\n"
                        + "Transfer-Encoding: gzip, rot13\r\nConnection: close\r\n\r\n{}"),
                () -> raw("no Host", "GET " + path + " HTTP/1.1\r\nConnection: close\r\n\r\n"),
                () -> raw("two Hosts", "GET " + path + " HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n"),
                () -> raw("control character in a header", "GET " + path + " HTTP/1.1\r\nHost: x\r\nX-A: a\u0001b"
                        + "\r\nConnection: close\r\n\r\n"),
                () -> raw("header without a colon", "GET " + path + " HTTP/1.1\r\nHost: x\r\nNoColon\r\n"
                        + "Connection: close\r\n\r\n"),
                () -> raw("space before the colon", "GET " + path + " HTTP/1.1\r\nHost : x\r\nConnection: close\r\n\r\n"),
                () -> raw("obsolete line folding", "GET " + path + " HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n"
                        + "Connection: close\r\n\r\n"),
                () -> new Case("bare LF line ends (a read)", ("GET " + path + " HTTP/1.1\nHost: x\nConnection: close\n\n")
                        .getBytes(StandardCharsets.ISO_8859_1), true),
                () -> raw("absolute URI", "GET http://evil.example" + path + " HTTP/1.1\r\nHost: x\r\n"
                        + "Connection: close\r\n\r\n"),
                () -> raw("asterisk target", "OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
                () -> raw("tabs in the request line", "GET\t" + path + "\tHTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
                () -> raw("garbage", new String(randomBytes(1 + random.nextInt(200)), StandardCharsets.ISO_8859_1)
                        + "\r\n\r\n"),
                () -> raw("non-ASCII header value", "POST " + path + " HTTP/1.1\r\nHost: x\r\nwebhook-id: caf\u00e9"
                        + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"),
                () -> raw("Expect 100-continue", "POST " + path + " HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 3\r\nConnection: close\r\n\r\n{x}"),
                () -> raw("HTTP/1.0 without Host", "POST " + path + " HTTP/1.0\r\nContent-Type: text/plain\r\n"
                        + "Content-Length: 2\r\n\r\n{}"));
        return broken.get(random.nextInt(broken.size())).get();
    }

    // ---------------------------------------------------------------- bodies

    private record Body(String what, byte[] bytes) {
    }

    /** Bodies every route refuses. */
    private Body malformedBody() {
        List<Supplier<Body>> bodies = List.of(
                () -> text("empty", ""),
                () -> text("blank", pick(List.of(" ", "\n", "\t\r\n ", "\u00a0"))),
                () -> text("truncated JSON", "{\"approved\": tr"),
                () -> text("two documents", "{} {}"),
                () -> text("trailing garbage", "{\"a\": 1}x"),
                () -> text("deep nesting", "{\"x\":" + "[".repeat(65 + random.nextInt(2000)) + "]"),
                () -> text("deeply nested objects", "{\"a\":".repeat(65 + random.nextInt(300)) + "1"
                        + "}".repeat(65)),
                () -> text("long number", "{\"x\": " + "9".repeat(1001 + random.nextInt(3000)) + "}"),
                () -> text("overflowing number", "{\"x\": " + pick(List.of("1e999", "-1e999", "1E400", "-2.5e309"))
                        + "}"),
                () -> text("non-numeric number", "{\"x\": " + pick(List.of("NaN", "Infinity", "-Infinity", "+1",
                        "01", "0x1F", ".5")) + "}"),
                () -> text("duplicate keys", "{\"a\": 1, \"b\": {\"c\": 1, \"c\": 2}, \"a\": 1}"),
                () -> text("NUL in a string", "{\"a\": \"x\\u0000y\"}"),
                () -> text("NUL in a key", "{\"\\u0000\": 1}"),
                () -> text("unpaired surrogate", "{\"a\": \"" + pick(List.of("\\ud800", "\\udfff", "\\ud83dx"))
                        + "\"}"),
                () -> text("single quotes", "{'a': 1}"),
                () -> text("comment", "{\"a\": 1 /* hi */}"),
                () -> text("trailing comma", "{\"a\": 1,}"),
                () -> text("unquoted key", "{a: 1}"),
                () -> text("raw control character", "{\"a\": \"x\u0001y\"}"),
                () -> new Body("invalid UTF-8", new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xc3, (byte) 0x28,
                        '"', '}'}),
                () -> new Body("UTF-16 JSON", "{\"approved\": true}".getBytes(StandardCharsets.UTF_16)),
                () -> new Body("UTF-8 BOM", concat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf},
                        "{\"a\": 1}".getBytes(StandardCharsets.UTF_8))),
                // Random bytes can spell valid JSON ("7"): the first byte is one no JSON document starts with.
                () -> new Body("random bytes", concat(new byte[] {pick(List.of((byte) '#', (byte) '}', (byte) ',',
                        (byte) 0x01, (byte) 0xff))}, randomBytes(random.nextInt(500)))),
                () -> text("over the size limit", "{\"a\": \"" + "x".repeat(1024 * 1024 + 10) + "\"}"));
        return bodies.get(random.nextInt(bodies.size())).get();
    }

    /** Well-formed JSON, for routes that must refuse for another reason (unknown target, method, type). */
    private Body validLookingBody() {
        return text("JSON", pick(List.of("{}", "{\"approved\": true}", "[]", "null", "\"x\"", "42",
                "{\"reason\": \"no\"}", "{\"order\": {\"id\": \"o-1\"}}")));
    }

    private Body badFailureBody() {
        return text("bad failure body", pick(List.of("[\"no\"]", "\"no\"", "42", "null", "{\"reason\": 7}",
                "{\"reason\": null}", "{\"reason\": {\"a\": 1}}", "{\"reason\": [\"x\"]}", "true")));
    }

    private Body badEventBody() {
        return text("bad event body", pick(List.of("{}", "[]", "{\"order\": {}}", "{\"order\": {\"id\": true}}",
                "{\"order\": {\"id\": null}}", "{\"order\": {\"id\": 1.5}}", "{\"order\": {\"id\": \"\"}}",
                "{\"order\": {\"id\": \"   \"}}", "{\"order\": {\"id\": [1]}}", "{\"order\": {\"id\": {}}}",
                "{\"order\": {\"id\": \"" + "k".repeat(201 + random.nextInt(1000)) + "\"}}", "{\"key\": false}",
                "{\"order\": \"o-1\"}", "\"o-1\"")));
    }

    private Body badStartBody() {
        return text("bad start body", pick(List.of("[]", "\"demo-greeting\"", "{}", "{\"agent\": 5}",
                "{\"agent\": \"\"}", "{\"agent\": \" \"}", "{\"agent\": null}", "{\"agent\": \"no-such-agent\"}",
                "{\"agent\": [\"demo-greeting\"]}", "{\"agent\": \"demo-greeting\", \"extra\": 1}",
                "{\"agent\": \"demo-greeting\", \"idempotencyKey\": 5}",
                "{\"agent\": \"demo-greeting\", \"idempotencyKey\": \"\"}",
                "{\"agent\": \"demo-greeting\", \"idempotencyKey\": \"" + "k".repeat(201) + "\"}",
                "{\"agent\": \"demo-greeting\", \"idempotencyKey\": {}}",
                "{\"Agent\": \"demo-greeting\"}", "{\"agent\": \"demo-greeting\\u0000\"}",
                "{\"agent\": \"" + "a".repeat(5000) + "\"}")));
    }

    // ---------------------------------------------------------------- pieces

    /** Content types that are not JSON as Baton accepts it. */
    private static final List<String> NOT_JSON = List.of("application/json; charset=UTF-16", "application/jsonx",
            "text/plain", "", "application/xml", "application/json; boundary=x", "application/x-www-form-urlencoded",
            "application/problem+json", "\u00e9/\u00e9", "text/json", "application/json;;", "json");

    private String contentType() {
        return random.nextBoolean() ? pick(List.of("application/json", "application/json; charset=utf-8",
                "APPLICATION/JSON", "application/json;charset=\"utf-8\"")) : pick(NOT_JSON);
    }

    /** Extra headers that may or may not matter: delivery ids of every kind, idempotency keys, junk. */
    private String headers() {
        return pick(List.of("", "", "webhook-id: " + base62(12) + "\r\n",
                "webhook-id: " + "w".repeat(201 + random.nextInt(300)) + "\r\n", "Idempotency-Key: \r\n",
                "Idempotency-Key: " + base62(20) + "\r\n", "X-GitHub-Delivery: " + UUID.randomUUID() + "\r\n",
                "Accept: text/html\r\n", "Accept: application/xml\r\n", "Accept-Charset: ebcdic\r\n",
                "webhook-signature: v1,abc\r\nwebhook-timestamp: 1\r\nwebhook-id: x\r\n"));
    }

    private String signed(String id, byte[] body) {
        long now = System.currentTimeMillis() / 1000;
        return "webhook-id: " + id + "\r\nwebhook-timestamp: " + now + "\r\nwebhook-signature: "
                + signer.sign(id, now, body) + "\r\n";
    }

    private Case build(String description, String method, String path, String contentType, byte[] body,
                       String headers, boolean mayChangeNothingButSucceed) {
        StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: localhost\r\n");
        if (contentType != null && !contentType.isEmpty()) {
            head.append("Content-Type: ").append(contentType).append("\r\n");
        }
        head.append(headers);
        if (random.nextInt(10) == 0) {
            head.append("Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
            return new Case(description + " (chunked)", concat(head.toString().getBytes(StandardCharsets.UTF_8),
                    chunked(body)), mayChangeNothingButSucceed);
        }
        head.append("Content-Length: ").append(body.length).append("\r\nConnection: close\r\n\r\n");
        return new Case(description, concat(head.toString().getBytes(StandardCharsets.UTF_8), body),
                mayChangeNothingButSucceed);
    }

    private static Case raw(String description, String request) {
        return new Case("broken HTTP: " + description, request.getBytes(StandardCharsets.ISO_8859_1), false);
    }

    private static byte[] chunked(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < body.length; i += 1000) {
            int n = Math.min(1000, body.length - i);
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, i, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private Body text(String what, String text) {
        return new Body(what, text.getBytes(StandardCharsets.UTF_8));
    }

    private <T> T pick(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }

    private String base62(int length) {
        String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
