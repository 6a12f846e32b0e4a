package io.baton.ops.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonLogLayoutTest {
    private final LoggerContext context = new LoggerContext();

    private JsonNode layout(String message, Throwable error, Map<String, String> mdc) throws Exception {
        LoggingEvent event = new LoggingEvent("x", context.getLogger("io.baton.Test"), Level.WARN, message, error,
                null);
        event.setMDCPropertyMap(mdc);
        String line = new JsonLogLayout().doLayout(event);
        assertThat(line).endsWith(System.lineSeparator()).doesNotContain("\n{");
        return new ObjectMapper().readTree(line);
    }

    @Test
    void aLineIsOneJsonObjectWithTheTaskIdFromTheMdc() throws Exception {
        JsonNode line = layout("Task 42 \"quoted\"\nsecond line", null, Map.of("taskId", "42"));
        assertThat(line.path("level").asText()).isEqualTo("WARN");
        assertThat(line.path("logger").asText()).isEqualTo("io.baton.Test");
        assertThat(line.path("taskId").asText()).isEqualTo("42");
        assertThat(line.path("message").asText()).isEqualTo("Task 42 \"quoted\"\nsecond line");
        assertThat(line.has("error")).isFalse();
    }

    @Test
    void tokensKeysAndSecretsAreMaskedInTheMessageAndTheStackTrace() throws Exception {
        String token = "bt_4fGh7KkLmN0pQrStUvWxYz0123456789abcdefghijkZZZZZZ";
        JsonNode line = layout("resumed with " + token + " by bak_Abcdef123456_-xyz for bbt_Zyxw9876_-abc",
                new IllegalStateException("secret whsec_c2VjcmV0c2VjcmV0 leaked"), Map.of());
        assertThat(line.toString()).doesNotContain(token.substring(3), "Abcdef123456", "c2VjcmV0c2VjcmV0", "Zyxw9876");
        assertThat(line.path("message").asText()).isEqualTo("resumed with bt_**** by bak_**** for bbt_****");
        assertThat(line.path("error").asText()).contains("IllegalStateException", "whsec_****");
    }
}
