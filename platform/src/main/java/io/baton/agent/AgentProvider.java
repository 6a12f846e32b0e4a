package io.baton.agent;

import java.util.List;

/**
 * Packages agents for the standalone server: implement it, list the class in
 * {@code META-INF/services/io.baton.agent.AgentProvider}, and put the jar in {@code BATON_AGENTS_DIR}.
 */
public interface AgentProvider {
    List<Agent> agents();
}
