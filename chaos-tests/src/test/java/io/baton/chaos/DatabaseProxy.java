package io.baton.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy between one node and PostgreSQL, for network faults: it passes bytes through, or cuts every
 * connection, delays every packet, swallows every packet (a blackhole: connections stay open, nothing arrives), or
 * cuts a connection right after it forwarded a {@code COMMIT}, before the server's answer can reach the node (which
 * then cannot know whether it committed). Written here because no library on Maven Central injects faults at the
 * PostgreSQL protocol's commit; it is about 200 lines. Every connection's frontend messages are followed by a
 * {@link FrontendMessages} reader, which is how a commit is recognised.
 */
final class DatabaseProxy implements AutoCloseable {
    enum Mode { PASS, DELAY, BLACKHOLE, CUT_AFTER_COMMIT }

    private final String upstreamHost;
    private final int upstreamPort;
    private final ServerSocket server;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private volatile Mode mode = Mode.PASS;
    private volatile long delayMillis;
    private final AtomicLong delayed = new AtomicLong();
    private final AtomicLong swallowed = new AtomicLong();
    private final AtomicLong commitsCut = new AtomicLong();

    DatabaseProxy(String upstreamHost, int upstreamPort) throws IOException {
        this.upstreamHost = upstreamHost;
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "db-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Packets from now on are delayed by {@code millis} each way. */
    void delay(long millis) {
        delayMillis = millis;
        mode = Mode.DELAY;
    }

    /** Packets from now on are swallowed, both ways: every query hangs. */
    void blackhole() {
        mode = Mode.BLACKHOLE;
    }

    /** The next connection to send a {@code COMMIT} is cut right after it went out (one cut, then back to pass). */
    void cutAfterCommit() {
        mode = Mode.CUT_AFTER_COMMIT;
    }

    /** Back to passing bytes; connections that lost packets in a blackhole are cut (their stream is broken). */
    synchronized int heal() {
        int cut = mode == Mode.BLACKHOLE ? cut() : 0; // before passing again: no byte follows a swallowed one
        mode = Mode.PASS;
        return cut;
    }

    /** Closes every open connection at once (as a reset would); returns how many. */
    int cut() {
        List<Link> open = List.copyOf(links);
        open.forEach(Link::close);
        return open.size();
    }

    /** One cut per arming, even when two connections commit at once. */
    private synchronized boolean claimCut() {
        if (mode != Mode.CUT_AFTER_COMMIT) {
            return false;
        }
        mode = Mode.PASS;
        return true;
    }

    long delayed() {
        return delayed.get();
    }

    long swallowed() {
        return swallowed.get();
    }

    long commitsCut() {
        return commitsCut.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream;
                try {
                    upstream = new Socket(upstreamHost, upstreamPort);
                } catch (IOException refused) { // the database is down: so is the proxied connection
                    client.close();
                    continue;
                }
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                Link link = new Link(client, upstream);
                links.add(link);
                link.start();
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        cut();
    }

    /** One proxied connection: a pump each way. */
    private final class Link {
        private final Socket client;
        private final Socket upstream;
        private final FrontendMessages frontend = new FrontendMessages();
        /** Set when a commit was sent and the connection is about to be cut: the answer must not get through. */
        private volatile boolean severed;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void start() throws IOException {
            pump(client.getInputStream(), upstream.getOutputStream(), true);
            pump(upstream.getInputStream(), client.getOutputStream(), false);
        }

        private void pump(InputStream in, OutputStream out, boolean fromNode) {
            Thread pump = new Thread(() -> {
                byte[] buffer = new byte[16 * 1024];
                try {
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        if (!forward(buffer, n, out, fromNode)) {
                            return;
                        }
                    }
                } catch (IOException e) {
                    // the other side (or a cut) closed it
                } finally {
                    close();
                }
            }, "db-proxy-pump");
            pump.setDaemon(true);
            pump.start();
        }

        /** Forwards one read; false when the connection was cut. */
        private boolean forward(byte[] buffer, int n, OutputStream out, boolean fromNode) throws IOException {
            boolean commit = fromNode && frontend.read(buffer, n);
            Mode now = mode;
            if (now == Mode.BLACKHOLE) {
                swallowed.incrementAndGet();
                return true;
            }
            if (severed) {
                return false;
            }
            if (now == Mode.DELAY) {
                delayed.incrementAndGet();
                sleep(delayMillis);
            }
            if (commit && now == Mode.CUT_AFTER_COMMIT && claimCut()) {
                severed = true; // before the commit goes out, so its answer is never relayed (that pump then cuts)
                commitsCut.incrementAndGet();
                out.write(buffer, 0, n);
                out.flush();
                sleep(100); // the server receives it (and commits, or not) before the connection drops
                close();
                return false;
            }
            out.write(buffer, 0, n);
            out.flush();
            return true;
        }

        void close() {
            links.remove(this);
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
