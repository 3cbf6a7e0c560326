package io.switchboard.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Client side of RFC 7692 §7.1: {@link DeflateNegotiation#offer} and {@link DeflateNegotiation#checkResponse}. */
class DeflateNegotiationClientTest {
    private static final String OFFER = DeflateNegotiation.offer(true);
    private static final String OFFER_NCT = DeflateNegotiation.offer(false);

    private static DeflateParams check(String response) {
        return DeflateNegotiation.checkResponse(response, OFFER);
    }

    // --- the offer ---

    @Test
    void offerWithContextTakeoverAdvertisesOnlyClientWindowBits() {
        assertThat(OFFER).isEqualTo("permessage-deflate; client_max_window_bits");
    }

    @Test
    void offerWithoutContextTakeoverAsksTheServerAndAnnouncesItself() {
        assertThat(OFFER_NCT).isEqualTo(
                "permessage-deflate; client_max_window_bits; server_no_context_takeover; client_no_context_takeover");
    }

    @Test
    void offersAreWellFormedAndAcceptableToThisServer() {
        for (String offer : List.of(OFFER, OFFER_NCT)) {
            ExtensionHeader.Extension e = ExtensionHeader.parse(List.of(offer)).get(0);
            assertThat(e.name()).isEqualTo(DeflateNegotiation.NAME);
            assertThat(e.duplicateParam()).isNull();
            assertThat(DeflateNegotiation.accept(List.of(offer), true)).isPresent();
        }
    }

    // --- declined ---

    @Test
    void absentOrBlankResponseMeansDeclined() {
        assertThat(check(null)).isNull();
        assertThat(check("")).isNull();
        assertThat(check("   ")).isNull();
        assertThat(DeflateNegotiation.checkResponse(null, OFFER_NCT)).isNull();
    }

    @Test
    void responseOfOnlyEmptyListElementsMeansDeclined() {
        // RFC 7230 §7: a recipient ignores empty list elements, so "," carries no extension
        assertThat(check(",")).isNull();
        assertThat(check(" , ,")).isNull();
    }

    // --- valid responses ---

    @Test
    void plainResponseMeansFullContextTakeoverBothWays() {
        assertThat(check("permessage-deflate")).isEqualTo(new DeflateParams(false, false, 15));
    }

    @Test
    void noContextTakeoverParamsAreSeenFromTheClient() {
        assertThat(check("permessage-deflate; server_no_context_takeover"))
                .isEqualTo(new DeflateParams(false, true, 15));
        assertThat(check("permessage-deflate; client_no_context_takeover"))
                .isEqualTo(new DeflateParams(true, false, 15));
        assertThat(DeflateNegotiation.checkResponse(
                "permessage-deflate; server_no_context_takeover; client_no_context_takeover", OFFER_NCT))
                .isEqualTo(new DeflateParams(true, true, 15));
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 9, 12, 15})
    void clientWindowBitsLimitThisSidesCompressor(int bits) {
        DeflateParams p = check("permessage-deflate; client_max_window_bits=" + bits);
        assertThat(p.ownMaxWindowBits()).isEqualTo(bits);
        assertThat(p.resetsCompressor()).isEqualTo(bits < 15);
    }

    @Test
    void serverWindowBitsAreValidatedButNeedNoAction() {
        assertThat(check("permessage-deflate; server_max_window_bits=9")).isEqualTo(new DeflateParams(false, false, 15));
        assertThat(check("permessage-deflate; server_max_window_bits=\"10\"")).isEqualTo(new DeflateParams(false, false, 15));
    }

    @Test
    void responseIsMatchedCaseInsensitivelyAndToleratesWhitespace() {
        assertThat(check("  PerMessage-Deflate ;Client_No_Context_Takeover ; CLIENT_MAX_WINDOW_BITS = 10 "))
                .isEqualTo(new DeflateParams(true, false, 10));
    }

    @Test
    void everyParameterAtOnce() {
        assertThat(DeflateNegotiation.checkResponse("permessage-deflate; server_no_context_takeover; "
                + "client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=11", OFFER_NCT))
                .isEqualTo(new DeflateParams(true, true, 11));
    }

    // --- RFC 7692 §7.1: the client must fail the connection ---

    @Test
    void unknownExtensionFails() {
        assertThatThrownBy(() -> check("x-webkit-deflate-frame"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not offered")
                .hasMessageContaining("x-webkit-deflate-frame");
    }

    @Test
    void extraExtensionBesidesDeflateFails() {
        assertThatThrownBy(() -> check("permessage-deflate, foo"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not offered")
                .hasMessageContaining("foo");
        assertThatThrownBy(() -> check("permessage-deflate, permessage-deflate"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unknownParameterFails() {
        assertThatThrownBy(() -> check("permessage-deflate; foo"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown permessage-deflate parameter foo");
        assertThatThrownBy(() -> check("permessage-deflate; max_window_bits=10"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max_window_bits");
    }

    @ParameterizedTest
    @ValueSource(strings = {"server_no_context_takeover", "client_no_context_takeover",
        "server_max_window_bits=10", "client_max_window_bits=10"})
    void repeatedParameterFails(String param) {
        String name = param.replace("=10", "");
        assertThatThrownBy(() -> check("permessage-deflate; " + param + "; " + param))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("repeated " + name);
    }

    @Test
    void clientWindowBitsNotOfferedFails() {
        assertThatThrownBy(() -> DeflateNegotiation.checkResponse("permessage-deflate; client_max_window_bits=10", "permessage-deflate"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("client_max_window_bits")
                .hasMessageContaining("not offered");
    }

    @ParameterizedTest
    @ValueSource(strings = {"7", "16", "0", "abc", "100", "\"16\""})
    void badServerWindowBitsFail(String value) {
        assertThatThrownBy(() -> check("permessage-deflate; server_max_window_bits=" + value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("server_max_window_bits must be 8..15");
    }

    @ParameterizedTest
    @ValueSource(strings = {"7", "16", "0", "abc", "100", "\"7\""})
    void badClientWindowBitsFail(String value) {
        assertThatThrownBy(() -> check("permessage-deflate; client_max_window_bits=" + value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("client_max_window_bits must be 8..15")
                .hasMessageContaining(value.replace("\"", ""));
    }

    @Test
    void windowBitsWithoutValueFail() {
        // §7.1.2.1/§7.1.2.2: in a response both window-bits parameters carry a value
        assertThatThrownBy(() -> check("permessage-deflate; server_max_window_bits"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("server_max_window_bits");
        assertThatThrownBy(() -> check("permessage-deflate; client_max_window_bits"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("client_max_window_bits");
    }

    @ParameterizedTest
    @ValueSource(strings = {"server_no_context_takeover", "client_no_context_takeover"})
    void valueOnANoContextTakeoverParamFails(String param) {
        assertThatThrownBy(() -> check("permessage-deflate; " + param + "=1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(param + " takes no value")
                .hasMessageContaining("1");
        assertThatThrownBy(() -> check("permessage-deflate; " + param + "=\"x\""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(param + " takes no value");
    }

    @Test
    void unparsableResponseFailsWithTheSyntaxError() {
        assertThatThrownBy(() -> check("permessage-deflate; client_max_window_bits=\"10"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unterminated quoted string");
        assertThatThrownBy(() -> check("permessage-deflate; a b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid character");
    }

    // --- RFC 7692 §7.1.2: values are "a decimal integer value without leading zeroes" ---

    @ParameterizedTest
    @ValueSource(strings = {"09", "\"09\"", "\"\u0661\u0660\""})
    void windowBitsWithLeadingZeroOrNonAsciiDigitsFail(String value) {
        assertThatThrownBy(() -> check("permessage-deflate; client_max_window_bits=" + value))
                .as(value).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> check("permessage-deflate; server_max_window_bits=" + value))
                .as(value).isInstanceOf(IllegalArgumentException.class);
    }

    // --- RFC 7692 §7.1.1.2: an offered client_no_context_takeover is a promise the client keeps
    // even if the server does not echo it; offer(false) says "announce that this client does too" ---

    @Test
    void clientThatOfferedNoContextTakeoverResetsEvenIfTheServerDidNotEchoIt() {
        DeflateParams p = DeflateNegotiation.checkResponse("permessage-deflate; server_no_context_takeover", OFFER_NCT);
        assertThat(p.ownNoContextTakeover()).isTrue();
        assertThat(p.resetsCompressor()).isTrue();
    }

    @Test
    void aServerWindowLargerThanOfferedMustFailTheConnection() {
        String offer = "permessage-deflate; client_no_context_takeover; client_max_window_bits; server_max_window_bits=9";
        assertThatThrownBy(() -> DeflateNegotiation.checkResponse("permessage-deflate; server_max_window_bits=12", offer))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("larger than the 9 offered");
        assertThat(DeflateNegotiation.checkResponse("permessage-deflate; server_max_window_bits=9", offer)).isNotNull();
        assertThat(DeflateNegotiation.checkResponse("permessage-deflate; server_max_window_bits=8", offer)).isNotNull();
    }
}
