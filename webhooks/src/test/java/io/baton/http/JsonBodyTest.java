package io.baton.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonBodyTest {
    private final JsonBody bodies = new JsonBody();

    private JsonNode parse(String text) {
        return bodies.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    private void assertRefused(byte[] body, String detail) {
        assertThatThrownBy(() -> bodies.parse(body))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining(detail);
    }

    private void assertRefused(String body, String detail) {
        assertRefused(body.getBytes(StandardCharsets.UTF_8), detail);
    }

    @Test
    void acceptsAnyOneJsonDocument() {
        assertThat(parse("{\"a\": [1, 2.5, \"x\", null, true, {\"b\": \"\\u00e9\\ud83d\\ude00\"}]}").path("a").size())
                .isEqualTo(6);
        assertThat(parse(" 42 ").asInt()).isEqualTo(42);
        assertThat(parse("null").isNull()).isTrue();
        assertThat(parse("1e308").isNumber()).isTrue();
        assertThat(parse("{\"x\": " + "[".repeat(63) + "]".repeat(63) + "}").isObject()).isTrue();
        assertThat(parse("{\"n\": " + "9".repeat(1000) + "}").path("n").isBigInteger()).isTrue();
    }

    @Test
    void refusesWhatIsNotExactlyOneStorableDocument() {
        assertRefused("", "The body is empty");
        assertRefused(" \r\n\t", "The body is blank");
        assertRefused("{\"x\": 1} {\"y\": 2}", "not valid JSON");
        assertRefused("{\"x\": 1}]", "not valid JSON");
        assertRefused("{\"x\": 1, \"x\": 1}", "Duplicate field 'x'");
        assertRefused("{\"a\": {\"x\": 1, \"x\": 2}}", "Duplicate field 'x'");
        assertRefused("{\"x\": " + "[".repeat(64) + "]".repeat(64) + "}", "nesting depth (65) exceeds the maximum allowed (64)");
        assertRefused("{\"x\": " + "9".repeat(1001) + "}", "Number value length (1001) exceeds the maximum allowed (1000)");
        assertRefused("{\"x\": 1e999}", "The number at '/x' is out of range");
        assertRefused("[-1e400]", "The number at '/0' is out of range");
        assertRefused("{\"x\": NaN}", "not valid JSON");
        assertRefused("{\"a/b\": [\"\\u0000\"]}", "The string at '/a~1b/0' contains the character U+0000");
        assertRefused("{\"\\u0000\": 1}", "The key at '/\u0000' contains the character U+0000");
        assertRefused("\"\\udc00\"", "unpaired UTF-16 surrogate (\\udc00)");
        assertRefused("\"\\ud800x\"", "unpaired UTF-16 surrogate (\\ud800)");
        assertRefused(new byte[] {'"', (byte) 0xc3, '"'}, "not valid UTF-8");
        assertRefused("\uFEFF{}", "not valid JSON");
        assertRefused(new byte[] {(byte) 0xff, (byte) 0xfe, '{', 0, '}', 0}, "not valid UTF-8");
        assertRefused(new byte[] {'{', 0, '}', 0}, "not valid JSON");
    }

    @Test
    void aCallersTextEchoedInAnErrorCarriesNoToken() {
        assertRefused("{\"bt_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG\": \"\\u0000\"}", "'/bt_****'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "application/json|true", "APPLICATION/JSON|true", "application/json; charset=utf-8|true",
        "application/json;charset=\"UTF-8\"|true", "application/json ; charset = utf-8|true",
        "application/jsonx|false", "application/json; charset=utf-16|false", "application/json; charset=latin1|false",
        "application/json; version=1|false", "application/json;|false", "text/json|false",
        "application/problem+json|false", "application/json, text/plain|false", "' '|false"})
    void acceptsOnlyApplicationJsonInUtf8(String type, boolean accepted) {
        assertThat(JsonBody.isJson(type.strip())).as(type).isEqualTo(accepted);
    }
}
