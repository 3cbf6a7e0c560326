package io.switchboard.http;

import java.util.NoSuchElementException;

import io.helidon.http.Headers;
import io.helidon.http.encoding.ContentDecoder;
import io.helidon.http.encoding.ContentEncoder;
import io.helidon.http.encoding.ContentEncodingContext;
import io.helidon.http.encoding.ContentEncodingContextConfig;

/**
 * Helidon's content-coding hook for a proxy: request bodies with any {@code Content-Encoding}
 * (gzip uploads from log shippers, OTLP exporters) are taken and passed on as they came, for the
 * backend to decode, and responses are never encoded by the proxy (the backend's coding, if any,
 * passes through with its header). Without it Helidon refuses every request that names a
 * {@code Content-Encoding} with 400, since it decodes none itself.
 */
public final class PassThroughEncoding implements ContentEncodingContext {
    private static final ContentEncodingContextConfig CONFIG = ContentEncodingContextConfig.builder().buildPrototype();

    @Override
    public boolean contentEncodingEnabled() {
        return false;
    }

    @Override
    public boolean contentDecodingEnabled() {
        return true;
    }

    @Override
    public boolean contentEncodingSupported(String encodingId) {
        return false;
    }

    @Override
    public boolean contentDecodingSupported(String encodingId) {
        return true;
    }

    @Override
    public ContentEncoder encoder(String encodingId) {
        throw new NoSuchElementException("the proxy encodes no response: " + encodingId);
    }

    @Override
    public ContentDecoder decoder(String encodingId) {
        return ContentDecoder.NO_OP; // the bytes go to the backend as they came, header and all
    }

    @Override
    public ContentEncoder encoder(Headers headers) {
        return ContentEncoder.NO_OP;
    }

    @Override
    public ContentEncodingContextConfig prototype() {
        return CONFIG;
    }
}
