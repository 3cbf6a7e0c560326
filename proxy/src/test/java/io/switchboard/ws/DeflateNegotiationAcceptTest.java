package io.switchboard.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.ws.DeflateNegotiation.Accepted;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Server side of RFC 7692 §5/§7.1: {@link DeflateNegotiation#accept}. */
class DeflateNegotiationAcceptTest {
    /** What Autobahn's fuzzer offers in 12.x and 13.1 (compress_deflate.py getExtensionString). */
    private static final String BASE = "permessage-deflate; client_no_context_takeover; client_max_window_bits";

    private static Accepted accept(boolean contextTakeover, String... offers) {
        Optional<Accepted> a = DeflateNegotiation.accept(List.of(offers), contextTakeover);
        assertThat(a).as("offers %s", List.of(offers)).isPresent();
        return a.get();
    }

    private static Optional<Accepted> tryAccept(String... offers) {
        return DeflateNegotiation.accept(List.of(offers), true);
    }

    // --- the Autobahn 12.x/13.x offers ---

    @Test
    void autobahn12AndCase13_1() {
        Accepted a = accept(true, BASE);
        assertThat(a.response()).isEqualTo("permessage-deflate; client_no_context_takeover");
        assertThat(a.params()).isEqualTo(new DeflateParams(false, true, 15));
    }

    @Test
    void autobahn13_2ServerNoContextTakeover() {
        Accepted a = accept(true, BASE + "; server_no_context_takeover");
        assertThat(a.response()).isEqualTo("permessage-deflate; server_no_context_takeover; client_no_context_takeover");
        assertThat(a.params()).isEqualTo(new DeflateParams(true, true, 15));
    }

    @Test
    void autobahn13_3ServerWindow9IsEchoed() {
        Accepted a = accept(true, BASE + "; server_max_window_bits=9");
        assertThat(a.response()).isEqualTo("permessage-deflate; client_no_context_takeover; server_max_window_bits=9");
        assertThat(a.params()).isEqualTo(new DeflateParams(false, true, 9));
        assertThat(a.params().resetsCompressor()).isTrue();
    }

    @Test
    void autobahn13_4ServerWindow15IsEchoed() {
        Accepted a = accept(true, BASE + "; server_max_window_bits=15");
        assertThat(a.response()).isEqualTo("permessage-deflate; client_no_context_takeover; server_max_window_bits=15");
        assertThat(a.params()).isEqualTo(new DeflateParams(false, true, 15));
        assertThat(a.params().resetsCompressor()).isFalse();
    }

    @Test
    void autobahn13_5NoContextTakeoverAndWindow9() {
        Accepted a = accept(true, BASE + "; server_no_context_takeover; server_max_window_bits=9");
        assertThat(a.response()).isEqualTo(
                "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9");
        assertThat(a.params()).isEqualTo(new DeflateParams(true, true, 9));
    }

    @Test
    void autobahn13_6NoContextTakeoverAndWindow15() {
        Accepted a = accept(true, BASE + "; server_no_context_takeover; server_max_window_bits=15");
        assertThat(a.response()).isEqualTo(
                "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=15");
        assertThat(a.params()).isEqualTo(new DeflateParams(true, true, 15));
    }

    @Test
    void autobahn13_7ThreeOffersTakesTheFirst() {
        String offers = BASE + "; server_no_context_takeover; server_max_window_bits=9, "
                + BASE + "; server_no_context_takeover, " + BASE;
        Accepted a = accept(true, offers);
        assertThat(a.response()).isEqualTo(
                "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9");
        assertThat(a.params()).isEqualTo(new DeflateParams(true, true, 9));
    }

    // --- contextTakeover=false ---

    @Test
    void noContextTakeoverAsksBothSidesToReset() {
        Accepted a = accept(false, "permessage-deflate");
        assertThat(a.response()).isEqualTo("permessage-deflate; server_no_context_takeover; client_no_context_takeover");
        assertThat(a.params()).isEqualTo(new DeflateParams(true, true, 15));
    }

    @Test
    void noContextTakeoverOnEveryAutobahnOfferAddsBothParamsOnce() {
        for (String extra : new String[] {"", "; server_no_context_takeover", "; server_max_window_bits=9",
                "; server_no_context_takeover; server_max_window_bits=15"}) {
            Accepted a = accept(false, BASE + extra);
            assertThat(a.response()).as(extra)
                    .startsWith("permessage-deflate; server_no_context_takeover; client_no_context_takeover");
            assertThat(a.response().split("server_no_context_takeover", -1)).as(extra).hasSize(2);
            assertThat(a.response().split("client_no_context_takeover", -1)).as(extra).hasSize(2);
            assertThat(a.params().ownNoContextTakeover()).isTrue();
            assertThat(a.params().peerNoContextTakeover()).isTrue();
        }
    }

    @Test
    void plainOfferWithContextTakeoverGetsAPlainAnswer() {
        Accepted a = accept(true, "permessage-deflate");
        assertThat(a.response()).isEqualTo("permessage-deflate");
        assertThat(a.params()).isEqualTo(new DeflateParams(false, false, 15));
    }

    @Test
    void responseIsAcceptedByTheClientCheck() {
        // what this server answers must pass this project's own client check
        for (boolean takeover : new boolean[] {true, false}) {
            String offer = DeflateNegotiation.offer(takeover);
            Accepted a = accept(takeover, offer);
            DeflateParams client = DeflateNegotiation.checkResponse(a.response(), offer);
            assertThat(client.ownNoContextTakeover()).isEqualTo(a.params().peerNoContextTakeover());
            assertThat(client.peerNoContextTakeover()).isEqualTo(a.params().ownNoContextTakeover());
        }
    }

    // --- parameter values ---

    @ParameterizedTest
    @ValueSource(ints = {8, 9, 10, 11, 12, 13, 14, 15})
    void everyValidServerWindowIsEchoed(int bits) {
        Accepted a = accept(true, "permessage-deflate; server_max_window_bits=" + bits);
        assertThat(a.response()).isEqualTo("permessage-deflate; server_max_window_bits=" + bits);
        assertThat(a.params().ownMaxWindowBits()).isEqualTo(bits);
    }

    @Test
    void quotedWindowBitsAreAcceptedAsAToken() {
        // RFC 7692 §7.1.2.1 / RFC 6455 §9.1: a quoted-string value that is a token is the token
        Accepted a = accept(true, "permessage-deflate; server_max_window_bits=\"10\"; client_max_window_bits=\"12\"");
        assertThat(a.response()).isEqualTo("permessage-deflate; server_max_window_bits=10");
        assertThat(a.params().ownMaxWindowBits()).isEqualTo(10);
    }

    @Test
    void clientWindowBitsWithOrWithoutValueIsAcceptedAndNotEchoed() {
        assertThat(accept(true, "permessage-deflate; client_max_window_bits").response()).isEqualTo("permessage-deflate");
        assertThat(accept(true, "permessage-deflate; client_max_window_bits=9").response()).isEqualTo("permessage-deflate");
    }

    @Test
    void namesAreMatchedCaseInsensitively() {
        Accepted a = accept(true, "PerMessage-Deflate; Server_No_Context_Takeover; SERVER_MAX_WINDOW_BITS=12");
        assertThat(a.response()).isEqualTo("permessage-deflate; server_no_context_takeover; server_max_window_bits=12");
    }

    // --- declined offers: the next one is taken ---

    @ParameterizedTest
    @ValueSource(strings = {
        "permessage-deflate; foo",                                   // unknown parameter
        "permessage-deflate; foo=1",
        "permessage-deflate; server_no_context_takeover; server_no_context_takeover", // repeated
        "permessage-deflate; client_max_window_bits; client_max_window_bits=10",
        "permessage-deflate; server_max_window_bits=10; server_max_window_bits=10",
        "permessage-deflate; server_max_window_bits=7",              // bad window bits
        "permessage-deflate; server_max_window_bits=16",
        "permessage-deflate; server_max_window_bits=0",
        "permessage-deflate; server_max_window_bits=-9",
        "permessage-deflate; server_max_window_bits=abc",
        "permessage-deflate; server_max_window_bits=100",
        "permessage-deflate; server_max_window_bits=\"16\"",
        "permessage-deflate; server_max_window_bits",                // server bits needs a value
        "permessage-deflate; client_max_window_bits=7",
        "permessage-deflate; client_max_window_bits=16",
        "permessage-deflate; client_max_window_bits=abc",
        "permessage-deflate; server_no_context_takeover=1",          // NCT takes no value
        "permessage-deflate; client_no_context_takeover=true",
    })
    void badOfferIsDeclinedAndTheNextOneIsTaken(String bad) {
        assertThat(tryAccept(bad)).as(bad).isEmpty();
        Accepted a = accept(true, bad + ", permessage-deflate; server_max_window_bits=11");
        assertThat(a.response()).isEqualTo("permessage-deflate; server_max_window_bits=11");
        // also when the good offer is on a later header line
        assertThat(accept(true, bad, "x-other", "permessage-deflate; server_no_context_takeover").response())
                .isEqualTo("permessage-deflate; server_no_context_takeover");
    }

    @Test
    void firstAcceptableOfferWinsOverLaterOnes() {
        Accepted a = accept(true, "permessage-deflate; server_max_window_bits=10, permessage-deflate; server_max_window_bits=12");
        assertThat(a.params().ownMaxWindowBits()).isEqualTo(10);
    }

    @Test
    void otherExtensionsAreSkipped() {
        Accepted a = accept(true, "x-webkit-deflate-frame, deflate-frame; max_window_bits=10, permessage-deflate");
        assertThat(a.response()).isEqualTo("permessage-deflate");
    }

    // --- nothing to accept ---

    @Test
    void noDeflateOfferGivesEmpty() {
        assertThat(DeflateNegotiation.accept(List.of(), true)).isEmpty();
        assertThat(tryAccept("")).isEmpty();
        assertThat(tryAccept("x-webkit-deflate-frame", "foo; bar=1")).isEmpty();
        assertThat(tryAccept("permessage-deflatex")).isEmpty();
    }

    @Test
    void noAcceptableDeflateOfferGivesEmpty() {
        assertThat(tryAccept("permessage-deflate; foo, permessage-deflate; server_max_window_bits=7")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "permessage-deflate; server_max_window_bits=\"10",
        "permessage-deflate;",
        "permessage deflate",
        "permessage-deflate; a b",
        "; permessage-deflate",
    })
    void unparsableHeaderGivesEmpty(String header) {
        assertThat(tryAccept(header)).isEmpty();
        assertThat(tryAccept("permessage-deflate", header)).as("one bad line declines the whole list").isEmpty();
    }

    // --- RFC 7692 §7.1.2.1: "a decimal integer value without leading zeroes between 8 to 15" ---

    @ParameterizedTest
    @ValueSource(strings = {"09", "010", "\"09\"", "\"\u0661\u0660\""})
    void windowBitsWithLeadingZeroOrNonAsciiDigitsAreDeclined(String value) {
        assertThat(tryAccept("permessage-deflate; server_max_window_bits=" + value)).as(value).isEmpty();
        assertThat(tryAccept("permessage-deflate; client_max_window_bits=" + value)).as(value).isEmpty();
    }
}
