package io.baton.config;

/**
 * The node's HTTP listener.
 *
 * @param adminApiKey bearer key for {@code /admin/api}, or {@code null} (see the README); masked by {@link #toString()}
 */
public record HttpConfig(String host, int port, String adminApiKey) {

    @Override
    public String toString() {
        return "HttpConfig[host=" + host + ", port=" + port + ", adminApiKey=" + Masking.mask(adminApiKey) + "]";
    }
}
