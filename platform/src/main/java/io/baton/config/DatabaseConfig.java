package io.baton.config;

import java.util.Optional;

/**
 * Where the database is. An empty {@code url} means "start the embedded PostgreSQL".
 *
 * @param url          JDBC URL of an external PostgreSQL, or {@code null} for the embedded one
 * @param user         database user
 * @param password     database password; masked by {@link #toString()}
 * @param poolSize     maximum pooled connections on this node
 * @param embeddedPort port for the embedded PostgreSQL, 0 for any free port
 */
public record DatabaseConfig(String url, String user, String password, int poolSize, int embeddedPort) {

    public Optional<String> externalUrl() {
        return Optional.ofNullable(url);
    }

    @Override
    public String toString() {
        return "DatabaseConfig[url=" + (url == null ? "(embedded)" : url) + ", user=" + user
                + ", password=" + Masking.mask(password) + ", poolSize=" + poolSize
                + ", embeddedPort=" + embeddedPort + "]";
    }
}
