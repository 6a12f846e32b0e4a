package io.baton.config;

/** A setting has a value Baton cannot use. The message is one line that names the setting. */
public final class ConfigException extends RuntimeException {
    private final String setting;

    public ConfigException(String setting, String problem) {
        super(setting + ": " + problem);
        this.setting = setting;
    }

    public String setting() {
        return setting;
    }
}
