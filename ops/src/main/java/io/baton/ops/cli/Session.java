package io.baton.ops.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.http.SecretMask;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.util.Map;

/**
 * One run of a CLI command: the global options as given ({@code --url}, {@code --key}, {@code --json}), falling back
 * to the environment ({@code BATON_URL}, {@code BATON_API_KEY}) that was passed in, never read from the process.
 */
final class Session {
    static final String URL_VARIABLE = "BATON_URL";
    static final String KEY_VARIABLE = "BATON_API_KEY";
    static final String DEFAULT_URL = "http://localhost:8080";

    private final PrintStream out;
    private final Map<String, String> environment;
    private final HttpClient http;
    private final ObjectMapper json;
    private String url;
    private String key;
    private boolean jsonOutput;

    Session(PrintStream out, Map<String, String> environment, HttpClient http, ObjectMapper json) {
        this.out = out;
        this.environment = environment;
        this.http = http;
        this.json = json;
    }

    void url(String url) {
        this.url = url;
    }

    void key(String key) {
        this.key = key;
    }

    void jsonOutput(boolean jsonOutput) {
        this.jsonOutput = jsonOutput;
    }

    ObjectMapper json() {
        return json;
    }

    Output output() {
        return new Output(out, json, jsonOutput);
    }

    /** The admin API of the node named by {@code --url} or {@code BATON_URL}, with the key of this run. */
    AdminClient api() {
        String chosenKey = key();
        if (chosenKey == null) {
            throw new CommandFailure(Exit.USAGE, "no API key: set " + KEY_VARIABLE + " or pass --key (a node "
                    + "prints its first admin key when it starts; 'baton keys create' makes more).");
        }
        return new AdminClient(http, json, url(), chosenKey);
    }

    /** The key of this run ({@code --key}, else {@code BATON_API_KEY}), or {@code null}; never to be printed. */
    String key() {
        String chosen = key != null ? key : environment.get(KEY_VARIABLE);
        return chosen == null || chosen.isBlank() ? null : chosen.strip();
    }

    /** How to call {@code baton} again against the same node: with {@code --url} if it was given. */
    String command() {
        return url == null ? "baton" : "baton --url " + url();
    }

    /** The node's base URL, checked to be {@code http(s)://host[:port]}. */
    String url() {
        String chosen = url != null ? url : environment.getOrDefault(URL_VARIABLE, "");
        if (chosen.isBlank()) {
            chosen = DEFAULT_URL;
        }
        try {
            URI uri = new URI(chosen.strip());
            if (uri.getHost() != null && ("http".equalsIgnoreCase(uri.getScheme())
                    || "https".equalsIgnoreCase(uri.getScheme())) && uri.getQuery() == null
                    && uri.getFragment() == null && uri.getUserInfo() == null) {
                return uri.toString();
            }
        } catch (URISyntaxException e) {
            // answered below
        }
        throw new CommandFailure(Exit.USAGE, "--url (or " + URL_VARIABLE + ") must be a node's base URL such as "
                + DEFAULT_URL + "; got '" + SecretMask.echo(chosen) + "'.");
    }
}
