package io.switchboard.ws;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HandshakeTest {
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    private static Handshake.Refusal check(String method, String host, String connection, String key, String version) {
        return Handshake.validate(new Handshake.Request(method, "1.1", host, connection, key, version));
    }

    @Test
    void acceptKeyIsTheOneFromRfc6455Section1_3() {
        assertThat(Handshake.acceptKey(KEY)).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    @Test
    void acceptsAWellFormedRequest() {
        assertThat(check("GET", "h", "keep-alive, Upgrade", KEY, "13")).isNull();
    }

    @Test
    void refusesMalformedRequestsWith400() {
        assertThat(check("POST", "h", "Upgrade", KEY, "13").status()).isEqualTo(400);
        assertThat(check("GET", null, "Upgrade", KEY, "13").status()).isEqualTo(400);
        assertThat(check("GET", "h", "keep-alive", KEY, "13").status()).isEqualTo(400);
        assertThat(check("GET", "h", "Upgrade", "short", "13").status()).isEqualTo(400);
        assertThat(check("GET", "h", "Upgrade", null, "13").status()).isEqualTo(400);
        assertThat(check("GET", "h", "Upgrade", KEY, null).status()).isEqualTo(400);
        assertThat(Handshake.validate(new Handshake.Request("GET", "1.0", "h", "Upgrade", KEY, "13")).status()).isEqualTo(400);
    }

    @Test
    void refusesOtherVersionsWith426() {
        Handshake.Refusal r = check("GET", "h", "Upgrade", KEY, "8");
        assertThat(r.status()).isEqualTo(426);
        assertThat(r.reason()).contains("13");
    }
}
