package io.baton.ops.agents;

import io.baton.agent.Agent;
import io.baton.agent.AgentProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the agents the server runs: every {@link AgentProvider} on the class path (the bundled demo agents among
 * them) and in the jars of {@code BATON_AGENTS_DIR}.
 */
public final class AgentLoader {
    private static final Logger LOG = LoggerFactory.getLogger(AgentLoader.class);

    private AgentLoader() {
    }

    /** @param agentsDir directory of agent jars, or {@code null} */
    public static List<Agent> load(Path agentsDir) {
        ClassLoader loader = AgentLoader.class.getClassLoader();
        if (agentsDir != null) {
            loader = new URLClassLoader(jars(agentsDir), loader);
        }
        List<Agent> agents = new ArrayList<>();
        for (AgentProvider provider : ServiceLoader.load(AgentProvider.class, loader)) {
            List<Agent> provided = provider.agents();
            LOG.info("Agents from {}: {}", provider.getClass().getName(), provided.stream().map(Agent::name).toList());
            agents.addAll(provided);
        }
        return agents;
    }

    private static URL[] jars(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("BATON_AGENTS_DIR " + directory + " is not a directory");
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().map(f -> {
                try {
                    return f.toUri().toURL();
                } catch (MalformedURLException e) {
                    throw new IllegalArgumentException(e);
                }
            }).toArray(URL[]::new);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
    }
}
