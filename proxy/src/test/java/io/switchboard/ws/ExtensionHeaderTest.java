package io.switchboard.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.ws.ExtensionHeader.Extension;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExtensionHeaderTest {

    private static List<Extension> parse(String... values) {
        return ExtensionHeader.parse(List.of(values));
    }

    /** A map that keeps null values and order, for comparing params. */
    private static Map<String, String> params(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void parsesASingleExtensionWithoutParameters() {
        assertThat(parse("permessage-deflate"))
                .containsExactly(new Extension("permessage-deflate", Map.of(), null));
    }

    @Test
    void parsesParametersInOrderWithAndWithoutValues() {
        List<Extension> list = parse("permessage-deflate; client_no_context_takeover; client_max_window_bits; server_max_window_bits=10");
        assertThat(list).hasSize(1);
        Extension e = list.get(0);
        assertThat(e.name()).isEqualTo("permessage-deflate");
        assertThat(e.duplicateParam()).isNull();
        assertThat(e.params()).containsExactlyEntriesOf(params(
                "client_no_context_takeover", null,
                "client_max_window_bits", null,
                "server_max_window_bits", "10"));
    }

    @Test
    void commaSeparatesExtensionsInOneLine() {
        List<Extension> list = parse("foo, bar; x=1, permessage-deflate; client_max_window_bits");
        assertThat(list).extracting(Extension::name).containsExactly("foo", "bar", "permessage-deflate");
        assertThat(list.get(1).params()).containsExactlyEntriesOf(params("x", "1"));
    }

    @Test
    void severalHeaderLinesFormOneListInOrder() {
        List<Extension> list = parse("foo; a=1", "bar, baz", "permessage-deflate");
        assertThat(list).extracting(Extension::name).containsExactly("foo", "bar", "baz", "permessage-deflate");
    }

    @Test
    void noHeaderLinesAndEmptyListElementsGiveNothing() {
        assertThat(ExtensionHeader.parse(List.of())).isEmpty();
        assertThat(parse("")).isEmpty();
        assertThat(parse("   ")).isEmpty();
        assertThat(parse(",", " , ,")).isEmpty();
        // RFC 7230 §7: empty list elements are ignored
        assertThat(parse(", foo ,, bar,")).extracting(Extension::name).containsExactly("foo", "bar");
    }

    @Test
    void toleratesWhitespaceAroundSeparators() {
        List<Extension> list = parse("  permessage-deflate\t;\tclient_max_window_bits = 10 ;server_no_context_takeover  ,  foo ");
        assertThat(list).extracting(Extension::name).containsExactly("permessage-deflate", "foo");
        assertThat(list.get(0).params()).containsExactlyEntriesOf(params(
                "client_max_window_bits", "10",
                "server_no_context_takeover", null));
    }

    @Test
    void quotedValueIsUnquoted() {
        Extension e = parse("permessage-deflate; server_max_window_bits=\"10\"").get(0);
        assertThat(e.params()).containsEntry("server_max_window_bits", "10");
    }

    @Test
    void quotedPairDropsTheBackslash() {
        // RFC 7230 §3.2.6: quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text ); "\1" stands for "1"
        Extension e = parse("x; a=\"1\\0\"").get(0);
        assertThat(e.params()).containsEntry("a", "10");
    }

    @Test
    void escapedQuoteDoesNotEndTheQuotedString() {
        List<Extension> list = parse("x; a=\"p\\\"q,r\", y");
        assertThat(list).extracting(Extension::name).containsExactly("x", "y");
        assertThat(list.get(0).params()).containsEntry("a", "p\"q,r");
    }

    @Test
    void escapedBackslashBeforeTheClosingQuote() {
        // "1\\" is the quoted-pair \\ (a backslash) and then the closing quote
        List<Extension> list = parse("x; a=\"1\\\\\", y");
        assertThat(list).extracting(Extension::name).containsExactly("x", "y");
        assertThat(list.get(0).params()).containsEntry("a", "1\\");
    }

    @Test
    void commasAndSemicolonsInsideQuotedStringsDoNotSplit() {
        List<Extension> list = parse("foo; a=\"1,2;3\"; b, bar; c=\"x,y\"");
        assertThat(list).extracting(Extension::name).containsExactly("foo", "bar");
        assertThat(list.get(0).params()).containsExactlyEntriesOf(params("a", "1,2;3", "b", null));
        assertThat(list.get(1).params()).containsExactlyEntriesOf(params("c", "x,y"));
    }

    @Test
    void equalsSignInsideQuotedValueIsKept() {
        assertThat(parse("foo; a=\"b=c\"").get(0).params()).containsExactlyEntriesOf(params("a", "b=c"));
    }

    @Test
    void namesAreCaseInsensitiveAndLowerCased() {
        Extension e = parse("PerMessage-DEFLATE; Client_Max_Window_Bits; SERVER_NO_CONTEXT_TAKEOVER").get(0);
        assertThat(e.name()).isEqualTo("permessage-deflate");
        assertThat(e.params()).containsOnlyKeys("client_max_window_bits", "server_no_context_takeover");
    }

    @Test
    void valuesKeepTheirCaseWhileNamesAreLowerCased() {
        assertThat(parse("foo; A=ABC").get(0).params()).containsEntry("a", "ABC");
    }

    @Test
    void duplicateParameterIsReportedByItsFirstName() {
        Extension e = parse("permessage-deflate; a; b=1; a=2; b; c").get(0);
        assertThat(e.duplicateParam()).isEqualTo("a");
        assertThat(e.params()).containsOnlyKeys("a", "b", "c");
    }

    @Test
    void duplicateParameterIsFoundAcrossCase() {
        Extension e = parse("permessage-deflate; Server_No_Context_Takeover; server_no_context_takeover").get(0);
        assertThat(e.duplicateParam()).isEqualTo("server_no_context_takeover");
    }

    @Test
    void sameParameterInDifferentExtensionsIsNoDuplicate() {
        List<Extension> list = parse("permessage-deflate; a", "permessage-deflate; a");
        assertThat(list).hasSize(2).allSatisfy(e -> assertThat(e.duplicateParam()).isNull());
    }

    @Test
    void unterminatedQuotedStringIsNamed() {
        assertThatThrownBy(() -> parse("foo; a=\"10"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unterminated quoted string")
                .hasMessageContaining("foo; a=\"10");
    }

    @Test
    void emptyExtensionNameIsNamed() {
        assertThatThrownBy(() -> parse("; a=1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty extension name");
    }

    @Test
    void emptyParameterNameIsNamed() {
        assertThatThrownBy(() -> parse("foo; ; a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty parameter name");
        assertThatThrownBy(() -> parse("foo;"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty parameter name");
        assertThatThrownBy(() -> parse("foo; =1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty parameter name");
    }

    @Test
    void emptyParameterValueIsNamed() {
        assertThatThrownBy(() -> parse("foo; a="))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty parameter value");
    }

    @ParameterizedTest
    @ValueSource(strings = {"per message-deflate", "foo/bar", "foo@bar", "fo\"o\"", "föo", "foo:1", "foo{}", "[foo]"})
    void invalidCharacterInExtensionNameIsNamed(String name) {
        assertThatThrownBy(() -> parse(name + "; a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid character")
                .hasMessageContaining("in extension name");
    }

    @Test
    void invalidCharacterInParameterNameIsNamedWithTheCharacter() {
        assertThatThrownBy(() -> parse("foo; a b=1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid character ' ' in parameter name 'a b'");
        assertThatThrownBy(() -> parse("foo; a/b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid character '/' in parameter name");
    }

    @Test
    void invalidCharacterInUnquotedValueIsNamed() {
        assertThatThrownBy(() -> parse("foo; a=1 2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid character ' ' in parameter value '1 2'");
        assertThatThrownBy(() -> parse("foo; a=b=c"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid character '=' in parameter value");
        assertThatThrownBy(() -> parse("foo; a=\"1\"2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("in parameter value");
    }

    @Test
    void controlCharactersInsideTokensAreRejected() {
        assertThatThrownBy(() -> parse("foo; a=1\u00012"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid character");
        assertThatThrownBy(() -> parse("fo\u007fo"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid character");
    }

    @ParameterizedTest
    @ValueSource(strings = {"foo; a=1\u0001", "\u0000foo", "foo\u000b; a", "foo; \u001fa", "foo; a=\u00011"})
    void controlCharactersAtTheEdgeOfATokenAreRejectedNotTrimmed(String header) {
        // only SP and HTAB are optional whitespace (RFC 7230 §3.2.3); String.trim() strips every char <= U+0020
        assertThatThrownBy(() -> parse(header))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid character");
    }

    @Test
    void oneBadLineFailsTheWholeList() {
        assertThatThrownBy(() -> parse("permessage-deflate", "foo bar"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("foo bar");
    }

    @Test
    void quotedStringsDoNotSpanHeaderLines() {
        assertThatThrownBy(() -> parse("foo; a=\"1,", "2\""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unterminated quoted string");
    }

    // RFC 6455 §9.1 wants a quoted value to be a token after unescaping; the parser is lenient on
    // purpose: a sloppy unrelated extension in the same header must not cost the client deflate.

    @Test
    void quotedAndUnquotedValuesAreTreatedAlike() {
        // a=ABC and a="ABC" carry the same value; today one is lower-cased and the other is not
        assertThat(parse("foo; a=\"ABC\"").get(0).params().get("a"))
                .isEqualTo(parse("foo; a=ABC").get(0).params().get("a"));
    }
}
