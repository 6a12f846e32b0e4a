package io.baton.callback;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class ResumeUrlPlaceholderTest {
    private static final UUID TASK = UUID.fromString("0b6c3f0e-8f4a-4d5e-9c1a-2b3c4d5e6f70");

    @Test
    void thePlaceholderIsReplacedByTheUrlOfItsTaskAndStep() {
        String stored = "{\"data\": {\"resumeUrl\": \"" + ResumeUrlPlaceholder.of(TASK, 3) + "\", \"n\": 1}}";

        String sent = ResumeUrlPlaceholder.render(stored, (task, seq) -> "https://b.example/hooks/bt_" + task + seq);

        assertThat(sent).isEqualTo("{\"data\": {\"resumeUrl\": \"https://b.example/hooks/bt_" + TASK
                + "3\", \"n\": 1}}");
    }

    @Test
    void aPayloadWithoutPlaceholderOrWithoutAnyUrlsIsSentAsStored() {
        String stored = "{\"data\": {\"note\": \"{{resumeUrl:not-a-task:1}}\"}}";
        assertThat(ResumeUrlPlaceholder.render(stored, (t, s) -> "x")).isEqualTo(stored);
        String placeholder = "{\"u\": \"" + ResumeUrlPlaceholder.of(TASK, 1) + "\"}";
        assertThat(ResumeUrlPlaceholder.render(placeholder, null)).isEqualTo(placeholder);
    }
}
