package io.baton.ops.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.baton.http.SecretMask;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * {@code BATON_LOG_FORMAT=json}: one JSON object per line ({@code time, level, thread, logger, taskId, message,
 * error}), with the same secret mask as the text format ({@link SecretMask}) (a resume token, API key or signing secret keeps its prefix
 * only). Written here because logback's own {@code JsonEncoder} cannot mask what it writes.
 */
public final class JsonLogLayout extends LayoutBase<ILoggingEvent> {
    private final JsonFactory factory = new JsonFactory();

    static String mask(String text) {
        return SecretMask.apply(text);
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator json = factory.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("time", Instant.ofEpochMilli(event.getTimeStamp()).toString());
            json.writeStringField("level", event.getLevel().toString());
            json.writeStringField("thread", event.getThreadName());
            json.writeStringField("logger", event.getLoggerName());
            String taskId = event.getMDCPropertyMap().get("taskId");
            if (taskId != null) {
                json.writeStringField("taskId", taskId);
            }
            json.writeStringField("message", mask(event.getFormattedMessage()));
            if (event.getThrowableProxy() != null) {
                json.writeStringField("error", mask(ThrowableProxyUtil.asString(event.getThrowableProxy())));
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.append(CoreConstants.LINE_SEPARATOR).toString();
    }
}
