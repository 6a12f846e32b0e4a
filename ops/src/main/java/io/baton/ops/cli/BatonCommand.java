package io.baton.ops.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code baton} command's admin subcommands and their global options, which may be given before or after the
 * subcommand ({@code baton --json tasks ls} or {@code baton tasks ls --json}).
 */
@Command(name = "baton", subcommands = {TasksCommand.class, WaitsCommand.class, ResumeCommand.class,
        BulkCommand.class, NodesCommand.class, AgentsCommand.class, CallbacksCommand.class, KeysCommand.class,
        AuditCommand.class},
        description = "Operate a Baton cluster through a node's admin API.")
final class BatonCommand {
    private final Session session;

    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, description = "Show this help.")
    boolean help;

    BatonCommand(Session session) {
        this.session = session;
    }

    @Option(names = "--url", paramLabel = "URL", scope = ScopeType.INHERIT,
            description = "The node's base URL (default: $" + Session.URL_VARIABLE + ", else " + Session.DEFAULT_URL
                    + ").")
    void url(String url) {
        session.url(url);
    }

    @Option(names = "--key", paramLabel = "KEY", scope = ScopeType.INHERIT,
            description = "The admin API key (default: $" + Session.KEY_VARIABLE + ").")
    void key(String key) {
        session.key(key);
    }

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print the API's JSON answer, for scripts.")
    void json(boolean json) {
        session.jsonOutput(json);
    }
}
