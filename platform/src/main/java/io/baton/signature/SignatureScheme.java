package io.baton.signature;

import java.util.Map;

/**
 * How one webhook source proves that a request came from it: checks a request's headers and raw body against the
 * source's secret. Implementations are immutable and safe to share between threads.
 *
 * <p>Verify the body exactly as received, byte for byte, before parsing it: re-serialised JSON no longer matches.
 */
public interface SignatureScheme {

    /**
     * Whether {@code body}, arriving with {@code headers}, is signed by this source. Header names are looked up
     * ignoring case, as HTTP requires. Never throws for a bad request; the {@link Verification#reason() reason} of
     * an invalid one is fit to return to the caller and never contains the secret.
     */
    Verification verify(Map<String, String> headers, byte[] body);
}
