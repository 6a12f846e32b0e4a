package io.baton.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SettingsDocumentedTest {

    @Test
    void theReadmeConfigurationTableListsEverySettingWithItsDefault() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));

        assertThat(Arrays.stream(Setting.values()))
                .allSatisfy(setting -> assertThat(readme)
                        .as("README row for %s", setting.envName())
                        .contains("| `" + setting.envName() + "` | "
                                + (setting.defaultValue().isEmpty() ? "(empty)" : "`" + setting.defaultValue() + "`")
                                + " |"));
    }
}
