package io.baton.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers (a request it cannot parse: bad request line or header, a URI or headers too long, an
 * unsupported HTTP version) as problem+json instead of its HTML page. An unsupported HTTP version is the client's
 * error, so it is answered 400, not 505. The detail never echoes the request.
 */
final class ProblemErrorHandler extends ErrorHandler {
    private final ObjectMapper json;
    private final int maxHeaderBytes;

    ProblemErrorHandler(ObjectMapper json, int maxHeaderBytes) {
        this.json = json;
        this.maxHeaderBytes = maxHeaderBytes;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws JsonProcessingException {
        int status = response.getStatus();
        String reason = (String) request.getAttribute(ERROR_MESSAGE);
        if (request.getAttribute(ERROR_EXCEPTION) instanceof HttpException http) {
            status = http.getCode();
            reason = reason == null ? http.getReason() : reason;
        }
        if (status == HttpStatus.HTTP_VERSION_NOT_SUPPORTED_505) {
            status = HttpStatus.BAD_REQUEST_400;
        }
        if (status < 400) {
            status = HttpStatus.BAD_REQUEST_400;
        }
        String title = HttpStatus.getMessage(status);
        byte[] body = json.writeValueAsBytes(Problem.of(status, title, detail(status, reason), null));
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.CONTENT_TYPE);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }

    private String detail(int status, String reason) {
        return switch (status) {
            case 413 -> "The request is larger than the server accepts.";
            case 414 -> "The request target (path and query) is longer than the " + maxHeaderBytes
                    + " bytes the server accepts.";
            case 431 -> "The request's headers are larger than the " + maxHeaderBytes + " bytes the server accepts.";
            case 400 -> "The request is not valid HTTP/1.1" + (reason == null || reason.equals("Bad Request") ? ""
                    : " (" + reason + ")") + "; Baton accepts HTTP/1.1 and HTTP/1.0 requests with a valid path.";
            default -> "The server could not handle this request" + (reason == null ? "" : " (" + reason + ")") + ".";
        };
    }
}
