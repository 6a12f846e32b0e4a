package io.baton.ops;

import static org.awaitility.Awaitility.await;

import io.baton.persistence.EmbeddedDatabase;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code baton} process started from the runnable jar built by this module ({@code target/baton.jar}), with
 * its output in files so a test can read what a user would see.
 */
public final class ServerProcess implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("ready on http://[^:]+:(\\d+)");
    private static final Pattern EMBEDDED_PORT = Pattern.compile("postgresql://postgres@localhost:(\\d+)/baton");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Path workDir;
    private final Path stdout;
    private final Path stderr;

    private ServerProcess(Process process, Path workDir, Path stdout, Path stderr) {
        this.process = process;
        this.workDir = workDir;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Starts {@code java -jar baton.jar <args>} with exactly {@code environment} (plus PATH and HOME). */
    public static ServerProcess start(Path workDir, Map<String, String> environment, String... args) {
        return start(workDir, environment, List.of(), args);
    }

    /**
     * Starts the runnable jar's main class with {@code extraClasspath} after the jar (for example test classes
     * that provide agents through {@code META-INF/services}).
     */
    public static ServerProcess start(Path workDir, Map<String, String> environment, List<Path> extraClasspath,
                                      String... args) {
        try {
            Files.createDirectories(workDir);
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            StringBuilder classpath = new StringBuilder(runnableJar().toString());
            extraClasspath.forEach(p -> classpath.append(File.pathSeparator).append(p.toAbsolutePath()));
            List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx256m", "-cp", classpath.toString(),
                    Main.class.getName()));
            command.addAll(List.of(args));
            Path out = Files.createTempFile(workDir, "stdout", ".log");
            Path err = Files.createTempFile(workDir, "stderr", ".log");
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().keySet().removeIf(name -> !name.equals("PATH") && !name.equals("HOME"));
            builder.environment().putAll(environment);
            return new ServerProcess(builder.start(), workDir, out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code ops/target/baton.jar}, from this module or from a sibling module. */
    static Path runnableJar() {
        for (Path candidate : List.of(Path.of("target", "baton.jar"), Path.of("..", "ops", "target", "baton.jar"))) {
            if (Files.exists(candidate)) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("ops/target/baton.jar not found: build the ops module first (mvn package)");
    }

    /** Sends a signal by name ({@code STOP}, {@code CONT}, ...) with {@code kill}. */
    public void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** Waits until the server prints its ready line and returns its HTTP port. */
    public int awaitReady(Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("server exited with " + process.exitValue() + ":\n" + stdout() + stderr());
            }
            return READY.matcher(stdout()).find();
        });
        return port(READY);
    }

    /** The port of the embedded PostgreSQL, as printed by the server. */
    public int embeddedDatabasePort() {
        return port(EMBEDDED_PORT);
    }

    private int port(Pattern pattern) {
        Matcher matcher = pattern.matcher(stdout());
        if (!matcher.find()) {
            throw new AssertionError("no " + pattern + " in:\n" + stdout());
        }
        return Integer.parseInt(matcher.group(1));
    }

    /** A connection to the embedded PostgreSQL, with the password the server keeps in its data directory. */
    public Connection embeddedDatabaseConnection() throws IOException, SQLException {
        String password = Files.readString(workDir.resolve(".baton").resolve(EmbeddedDatabase.PASSWORD_FILE)).trim();
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + embeddedDatabasePort() + "/baton",
                EmbeddedDatabase.USER, password);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends SIGTERM. */
    public void terminate() {
        process.destroy();
    }

    /** Sends SIGKILL: no shutdown hooks, no draining. */
    public void kill() {
        process.destroyForcibly();
    }

    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("server still running after " + timeout + ":\n" + stdout());
        }
        return process.exitValue();
    }

    public long pid() {
        return process.pid();
    }

    public String stdout() {
        return read(stdout);
    }

    public String stderr() {
        return read(stderr);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
