package io.baton.config;

/**
 * The node's HTTP listener.
 *
 * @param adminApiKey    bearer key for {@code /admin/api}, or {@code null} (see the README); masked by {@link #toString()}
 * @param publicUrl      base URL of the cluster as the outside world sees it (resume URLs start with it)
 * @param webhookMaxBody largest accepted webhook body, in bytes
 * @param bulkMax        most tasks one admin bulk operation acts on
 */
public record HttpConfig(String host, int port, String adminApiKey, String publicUrl, int webhookMaxBody,
                         int bulkMax) {

    @Override
    public String toString() {
        return "HttpConfig[host=" + host + ", port=" + port + ", adminApiKey=" + Masking.mask(adminApiKey)
                + ", publicUrl=" + publicUrl + ", webhookMaxBody=" + webhookMaxBody
                + ", bulkMax=" + bulkMax + "]";
    }
}
