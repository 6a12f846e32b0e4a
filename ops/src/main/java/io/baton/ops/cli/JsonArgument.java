package io.baton.ops.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.http.SecretMask;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A JSON value given on the command line ({@code --input}, {@code --payload}), checked before anything is sent. */
final class JsonArgument implements ITypeConverter<JsonNode> {
    private final ObjectMapper json;

    JsonArgument(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public JsonNode convert(String value) {
        try {
            return json.readTree(value);
        } catch (JsonProcessingException e) {
            throw new TypeConversionException("not valid JSON (" + SecretMask.echo(e.getOriginalMessage())
                    + "); quote it for the shell, e.g. '{\"approved\": true}'");
        }
    }
}
