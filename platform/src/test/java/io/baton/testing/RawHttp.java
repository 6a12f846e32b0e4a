package io.baton.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Sends bytes exactly as given over a plain socket and reads one HTTP response: for requests no HTTP client library
 * would send (bad request lines, odd methods, broken headers, HTTP/0.9).
 */
public final class RawHttp {
    private RawHttp() {
    }

    /**
     * One response. {@code status} is -1 when the server closed the connection without answering.
     *
     * @param headers lower-cased names; a repeated header keeps its last value
     */
    public record Response(int status, Map<String, String> headers, String body, String raw) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    public static Response send(int port, byte[] request, Duration timeout) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                // the server may answer and close before reading everything (a body over the limit): read its answer
            }
            boolean head = new String(request, 0, Math.min(5, request.length), StandardCharsets.ISO_8859_1)
                    .startsWith("HEAD ");
            return read(socket.getInputStream(), head);
        }
    }

    public static Response send(int port, String request, Duration timeout) throws IOException {
        return send(port, request.getBytes(StandardCharsets.UTF_8), timeout);
    }

    private static Response read(InputStream in, boolean head) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        while (true) {
            int headerEnd;
            while ((headerEnd = indexOf(all.toByteArray(), "\r\n\r\n")) < 0) {
                if (!readSome(in, all)) {
                    return all.size() == 0 ? new Response(-1, Map.of(), "", "")
                            : new Response(-1, Map.of(), "", all.toString(StandardCharsets.ISO_8859_1));
                }
            }
            String head0 = new String(all.toByteArray(), 0, headerEnd, StandardCharsets.ISO_8859_1);
            String[] lines = head0.split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            lines[i].substring(colon + 1).trim());
                }
            }
            byte[] sofar = all.toByteArray();
            if (status >= 100 && status < 200) { // an interim answer: the real one follows
                all.reset();
                all.write(sofar, headerEnd + 4, sofar.length - headerEnd - 4);
                continue;
            }
            int length = head || status == 204 || status == 304 ? 0
                    : headers.containsKey("content-length") ? Integer.parseInt(headers.get("content-length")) : -1;
            while (length < 0 ? readSome(in, all) : all.size() - headerEnd - 4 < length && readSome(in, all)) {
                // keep reading
            }
            sofar = all.toByteArray();
            int bodyLength = length < 0 ? sofar.length - headerEnd - 4 : Math.min(length, sofar.length - headerEnd - 4);
            String body = new String(sofar, headerEnd + 4, bodyLength, StandardCharsets.UTF_8);
            return new Response(status, headers, body, new String(sofar, StandardCharsets.ISO_8859_1));
        }
    }

    private static boolean readSome(InputStream in, ByteArrayOutputStream into) throws IOException {
        byte[] buffer = new byte[8192];
        try {
            int n = in.read(buffer);
            if (n < 0) {
                return false;
            }
            into.write(buffer, 0, n);
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return false; // reset by the server after its answer
        }
    }

    private static int indexOf(byte[] data, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.ISO_8859_1);
        outer:
        for (int i = 0; i + n.length <= data.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (data[i + j] != n[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
