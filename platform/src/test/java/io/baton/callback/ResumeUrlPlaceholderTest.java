package io.baton.callback;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ResumeUrlPlaceholderTest {
    private static final UUID TASK = UUID.fromString("0b6c3f0e-8f4a-4d5e-9c1a-2b3c4d5e6f70");
    private static final UUID OTHER = UUID.fromString("9b6c3f0e-8f4a-4d5e-9c1a-2b3c4d5e6f71");
    private final ObjectMapper json = new ObjectMapper();
    private final ResumeUrlPlaceholder urls = new ResumeUrlPlaceholder(json,
            (task, seq) -> "https://b.example/hooks/bt_" + task.toString().substring(0, 8) + seq);

    private static String event(String type, UUID task, String resumeUrl) {
        return "{\"id\":\"e\",\"type\":\"" + type + "\",\"data\":{\"taskId\":\"" + task + "\",\"resumeUrl\":\""
                + resumeUrl + "\",\"n\":1}}";
    }

    @Test
    void theResumeUrlOfAWaitingEventIsRenderedForItsOwnTask() throws Exception {
        String sent = urls.render(event("task.waiting", TASK, ResumeUrlPlaceholder.of(TASK, 3)));

        assertThat(json.readTree(sent).path("data").path("resumeUrl").asText())
                .isEqualTo("https://b.example/hooks/bt_0b6c3f0e3");
        assertThat(json.readTree(sent).path("data").path("n").asInt()).isEqualTo(1);
        assertThat(urls.render(event("task.waiting", TASK, ResumeUrlPlaceholder.of(TASK, 3)))).isEqualTo(sent);
    }

    @Test
    void aPlaceholderAnywhereElseOrForAnotherTaskIsSentAsStored() {
        String otherTask = event("task.waiting", TASK, ResumeUrlPlaceholder.of(OTHER, 1));
        String failed = "{\"type\":\"task.failed\",\"data\":{\"taskId\":\"" + TASK + "\",\"error\":{\"message\":\""
                + ResumeUrlPlaceholder.of(OTHER, 1) + "\"}}}";
        String notWhole = event("task.waiting", TASK, "x" + ResumeUrlPlaceholder.of(TASK, 1));

        assertThat(urls.render(otherTask)).isEqualTo(otherTask);
        assertThat(urls.render(failed)).isEqualTo(failed);
        assertThat(urls.render(notWhole)).isEqualTo(notWhole);
    }

    @Test
    void withoutATokenKeyTheResumeUrlIsLeftOutRatherThanSentAsAPlaceholder() throws Exception {
        String sent = new ResumeUrlPlaceholder(json, null).render(event("task.waiting", TASK,
                ResumeUrlPlaceholder.of(TASK, 1)));

        assertThat(json.readTree(sent).path("data").has("resumeUrl")).isFalse();
    }
}
