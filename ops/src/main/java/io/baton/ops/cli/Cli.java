package io.baton.ops.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.baton.http.SecretMask;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;
import picocli.CommandLine.ParameterException;

/**
 * The admin commands of {@code baton} ({@code tasks}, {@code waits}, {@code resume}, {@code bulk}, {@code nodes},
 * {@code agents}, {@code callbacks}, {@code keys}, {@code audit}): parses the command line with picocli, calls the
 * admin API of the node at {@code --url}/{@code BATON_URL}, prints to {@code out}, and reports problems on
 * {@code err} as {@code baton: <detail>} with an {@link Exit} code. The environment is passed in, never read here.
 */
public final class Cli {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Shorter "keys" are not masked in messages (they would garble them, and no node accepts one). */
    private static final int MIN_MASKED = 6;

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> environment;

    public Cli(PrintStream out, PrintStream err, Map<String, String> environment) {
        this.out = out;
        this.err = err;
        this.environment = environment;
    }

    /** Whether {@code argument}, the first on the command line, starts one of these commands or a global option. */
    public static boolean handles(String argument) {
        return new CommandLine(BatonCommand.class, new SessionFactory(null)).getSubcommands().containsKey(argument)
                || argument.startsWith("--url") || argument.startsWith("--key") || argument.equals("--json");
    }

    /** Runs one command; returns its exit code ({@link Exit}). */
    public int run(String... args) {
        ObjectMapper json = new ObjectMapper()
                .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true))
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
        Session session = new Session(out, environment, http, json);
        List<String> secrets = secrets(args);
        CommandLine commandLine = new CommandLine(BatonCommand.class, new SessionFactory(session))
                .setExpandAtFiles(false)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .registerConverter(JsonNode.class, new JsonArgument(json))
                .registerConverter(Duration.class, new DurationArgument())
                .registerConverter(Instant.class, new InstantArgument())
                .setParameterExceptionHandler((e, ignored) -> usageError(e, secrets))
                .setExecutionExceptionHandler((e, command, result) -> failure(e, secrets));
        int exit = commandLine.execute(args);
        out.flush();
        err.flush();
        return exit;
    }

    private int usageError(ParameterException e, List<String> secrets) {
        err.println("baton: " + masked(e.getMessage().replaceFirst("^Error: ", ""), secrets));
        CommandLine command = e.getCommandLine();
        if (command.getSubcommands().isEmpty()) {
            err.println("usage: " + command.getHelp().synopsis(0).strip());
            err.println("see '" + command.getCommandSpec().qualifiedName() + " --help'");
        } else {
            command.usage(err); // which subcommands there are
        }
        return Exit.USAGE.code();
    }

    private int failure(Exception e, List<String> secrets) {
        if (e instanceof CommandFailure failure) {
            err.println("baton: " + masked(failure.detail(), secrets));
            return failure.exit().code();
        }
        err.println("baton: unexpected error: " + masked(e.toString(), secrets));
        return Exit.FAILED.code();
    }

    /** The API key as given on this command line or in the environment: never to be printed. */
    private List<String> secrets(String[] args) {
        List<String> secrets = new ArrayList<>();
        secrets.add(environment.get(Session.KEY_VARIABLE));
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--key") && i + 1 < args.length) {
                secrets.add(args[i + 1]);
            } else if (args[i].startsWith("--key=")) {
                secrets.add(args[i].substring("--key=".length()));
            }
        }
        secrets.removeIf(s -> s == null || s.strip().length() < MIN_MASKED);
        return secrets;
    }

    private static String masked(String text, List<String> secrets) {
        String masked = SecretMask.apply(String.valueOf(text));
        for (String secret : secrets) {
            masked = masked.replace(secret.strip(), "****");
        }
        return masked;
    }

    /** Makes the command objects, handing each the session of this run. */
    private record SessionFactory(Session session) implements IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            for (Constructor<?> constructor : type.getDeclaredConstructors()) {
                if (constructor.getParameterCount() == 1 && constructor.getParameterTypes()[0] == Session.class) {
                    constructor.setAccessible(true);
                    return type.cast(constructor.newInstance(session));
                }
            }
            return CommandLine.defaultFactory().create(type);
        }
    }
}
