package io.baton.ops;

import io.baton.config.BatonConfig;
import io.baton.config.ConfigException;
import io.baton.config.Setting;
import io.baton.node.NodeStartException;
import io.baton.ops.cli.Cli;
import io.baton.persistence.Database;
import io.baton.persistence.DatabaseUnavailableException;
import io.baton.persistence.MigrationException;
import io.baton.persistence.EmbeddedDatabase;
import java.io.PrintStream;
import java.util.Map;

/** The {@code baton} command line. */
public final class Main {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    private final PrintStream out;
    private final PrintStream err;

    public Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(new Main(System.out, System.err).run(args, System.getenv()));
    }

    /** Runs one {@code baton} command with {@code environment} as its settings; returns the exit code. */
    public int run(String[] args, Map<String, String> environment) {
        String command = args.length == 0 ? "help" : args[0];
        return switch (command) {
            case "server" -> server(environment);
            case "config" -> config(environment);
            case "help", "--help", "-h" -> help(EXIT_OK);
            default -> {
                if (Cli.handles(command)) {
                    yield new Cli(out, err, environment).run(args);
                }
                err.println("baton: unknown command '" + command + "'");
                yield help(EXIT_USAGE);
            }
        };
    }

    private int help(int exitCode) {
        PrintStream stream = exitCode == EXIT_OK ? out : err;
        stream.println("""
                usage: baton <command>

                  server   start a node: scheduler + HTTP (health on /health/live and /health/ready)
                  config   print the effective configuration (secrets masked) and exit
                  help     show this text

                Settings come from BATON_* environment variables (see the README); with no BATON_DB_URL
                the node starts an embedded PostgreSQL in BATON_DATA_DIR (default ./.baton).

                Operating a running cluster through a node's admin API (see docs/cli.md):

                  tasks      ls | show ID | start AGENT | cancel ID | retry ID
                  waits      ls | extend WAIT_ID
                  resume     WAIT_ID [--payload JSON | --fail REASON]
                  bulk       cancel | retry | extend | resume [filters] [--yes]; apply TOKEN
                  nodes      ls | standby NAME | activate NAME
                  agents     ls | pause NAME | resume NAME
                  callbacks  ls | show ID | deliveries ID | replay ID EVENT_ID
                  keys       ls | create NAME --role ROLE | revoke ID
                  audit      [--action A] [--target T] [--from ISO] ...

                They call BATON_URL (default http://localhost:8080) with the key in BATON_API_KEY
                (or --url, --key); --json prints the API's answer. 'baton <command> --help' tells more.""");
        return exitCode;
    }

    private int config(Map<String, String> environment) {
        try {
            out.println(BatonConfig.load(environment));
            return EXIT_OK;
        } catch (ConfigException e) {
            return configError(e);
        }
    }

    private int server(Map<String, String> environment) {
        BatonConfig config;
        try {
            config = BatonConfig.load(environment);
        } catch (ConfigException e) {
            return configError(e);
        }
        ShutdownSignal signal = new ShutdownSignal();
        signal.install();
        try (BatonServer server = BatonServer.start(config)) {
            printWelcome(server);
            String received = signal.await();
            out.println("baton: " + received + " received, draining node " + server.node().nodeId());
        } catch (ConfigException e) {
            return configError(e); // a setting only the node can judge (an event source, a fault point)
        } catch (DatabaseUnavailableException | MigrationException | NodeStartException e) {
            err.println("baton: " + e.getMessage());
            return EXIT_FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_FAILED;
        }
        out.println("baton: node stopped");
        return EXIT_OK;
    }

    private int configError(ConfigException e) {
        err.println("baton: configuration error: " + e.getMessage());
        return EXIT_USAGE;
    }

    private void printWelcome(BatonServer server) {
        BatonConfig config = server.node().config();
        out.println("baton: node " + server.node().nodeId() + " ready on http://" + config.http().host() + ":"
                + server.httpPort() + "  (GET /health/ready)");
        server.generatedAdminKey().ifPresent(key -> {
            out.println("baton: admin API key (shown only now; only its hash is kept): " + key);
            out.println("baton:   curl -H 'Authorization: Bearer " + key + "' localhost:" + server.httpPort()
                    + "/admin/api/tasks/<id>");
        });
        server.node().embeddedDatabase().ifPresentOrElse(db -> {
            out.println("baton: embedded PostgreSQL 17, data in " + db.dataDirectory());
            out.println("baton: connect with psql 'postgresql://" + EmbeddedDatabase.USER + "@localhost:" + db.port()
                    + "/" + EmbeddedDatabase.DATABASE_NAME + "' (password in " + config.dataDir().resolve(
                    EmbeddedDatabase.PASSWORD_FILE) + ")");
            out.println("baton: to use your own PostgreSQL instead, set " + Setting.DB_URL.envName() + ", "
                    + Setting.DB_USER.envName() + " and " + Setting.DB_PASSWORD.envName());
        }, () -> out.println("baton: database " + Database.withoutQuery(server.node().database().url())));
    }
}
