package io.switchboard.ws;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The permessage-deflate handshake (RFC 7692 §5 and §7.1), for either role.
 *
 * <p>As a server, {@link #accept} takes the first acceptable offer and answers it: an offer with an
 * unknown, repeated or malformed parameter is declined (§5.1), never fatal. As a client,
 * {@link #offer} builds the offer and {@link #checkResponse} enforces what a client must fail a
 * connection for (§7.1: unknown or repeated parameters, bad window bits, a parameter not offered).
 *
 * <p>With {@code contextTakeover} false both directions are asked to reset their compressor after
 * every message ({@code server_no_context_takeover} and {@code client_no_context_takeover}): no
 * LZ77 window outlives a message, so an idle connection holds no zlib state at all.
 */
public final class DeflateNegotiation {
    /** The extension token. */
    public static final String NAME = "permessage-deflate";
    private static final String SERVER_NCT = "server_no_context_takeover";
    private static final String CLIENT_NCT = "client_no_context_takeover";
    private static final String SERVER_BITS = "server_max_window_bits";
    private static final String CLIENT_BITS = "client_max_window_bits";

    /**
     * A server's acceptance.
     *
     * @param params   what the server agreed to, seen from the server
     * @param response the {@code Sec-WebSocket-Extensions} value for the 101
     */
    public record Accepted(DeflateParams params, String response) {
    }

    private DeflateNegotiation() {
    }

    /**
     * Server side: answers the client's offers.
     *
     * @param offers          the request's {@code Sec-WebSocket-Extensions} values (may be empty)
     * @param contextTakeover false to ask both sides to reset their compressor per message
     * @return empty when no offer is permessage-deflate or none is acceptable
     */
    public static Optional<Accepted> accept(List<String> offers, boolean contextTakeover) {
        List<ExtensionHeader.Extension> parsed;
        try {
            parsed = ExtensionHeader.parse(offers);
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // an unparsable offer is declined, the upgrade still goes on
        }
        for (ExtensionHeader.Extension e : parsed) {
            if (e.name().equals(NAME) && serverCanAccept(e)) {
                return Optional.of(answer(e.params(), contextTakeover));
            }
        }
        return Optional.empty();
    }

    private static boolean serverCanAccept(ExtensionHeader.Extension e) {
        if (e.duplicateParam() != null) {
            return false;
        }
        for (Map.Entry<String, String> p : e.params().entrySet()) {
            boolean ok = switch (p.getKey()) {
                case SERVER_NCT, CLIENT_NCT -> p.getValue() == null;
                case SERVER_BITS -> windowBits(p.getValue()) > 0;
                case CLIENT_BITS -> p.getValue() == null || windowBits(p.getValue()) > 0;
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static Accepted answer(Map<String, String> offered, boolean contextTakeover) {
        boolean serverNct = offered.containsKey(SERVER_NCT) || !contextTakeover;
        // §7.1.1.2: a server may always ask the client to reset; it lets us drop the inflater's window
        boolean clientNct = offered.containsKey(CLIENT_NCT) || !contextTakeover;
        int serverBits = offered.containsKey(SERVER_BITS) ? windowBits(offered.get(SERVER_BITS)) : DeflateParams.MAX_WINDOW_BITS;
        StringBuilder response = new StringBuilder(NAME);
        if (serverNct) {
            response.append("; ").append(SERVER_NCT);
        }
        if (clientNct) {
            response.append("; ").append(CLIENT_NCT);
        }
        if (offered.containsKey(SERVER_BITS)) {
            response.append("; ").append(SERVER_BITS).append('=').append(serverBits); // §7.1.2.1: accepted as offered
        }
        // client_max_window_bits is never sent back: the JDK inflater reads any window up to 15
        return new Accepted(new DeflateParams(serverNct, clientNct, serverBits), response.toString());
    }

    /**
     * Client side: the offer to send.
     *
     * @param contextTakeover false to ask the server to reset per message and announce that this
     *                        client does too
     */
    public static String offer(boolean contextTakeover) {
        return NAME + "; " + CLIENT_BITS + (contextTakeover ? "" : "; " + SERVER_NCT + "; " + CLIENT_NCT);
    }

    /**
     * Client side: checks the server's answer to {@code offer}.
     *
     * @param response the 101's {@code Sec-WebSocket-Extensions} value, or null when absent
     * @param offer    what this client offered
     * @return the agreed parameters seen from the client, or null when the server declined
     * @throws IllegalArgumentException when the client must fail the connection (RFC 7692 §7.1),
     *                                  with the reason
     */
    public static DeflateParams checkResponse(String response, String offer) {
        if (response == null || response.isBlank()) {
            return null;
        }
        List<ExtensionHeader.Extension> answer = ExtensionHeader.parse(List.of(response));
        if (answer.isEmpty()) {
            return null; // only empty list elements (RFC 9110 §5.6.1): nothing was accepted
        }
        if (answer.size() != 1 || !answer.get(0).name().equals(NAME)) {
            throw new IllegalArgumentException("the server accepted extensions that were not offered: " + response);
        }
        ExtensionHeader.Extension e = answer.get(0);
        if (e.duplicateParam() != null) {
            throw new IllegalArgumentException("the server repeated " + e.duplicateParam());
        }
        List<ExtensionHeader.Extension> offers = ExtensionHeader.parse(List.of(offer));
        boolean offeredClientBits = offers.stream().anyMatch(o -> o.params().containsKey(CLIENT_BITS));
        // a client that announced client_no_context_takeover keeps to it even if the server did not echo it
        boolean offeredClientNct = offers.stream().anyMatch(o -> o.params().containsKey(CLIENT_NCT));
        int clientBits = DeflateParams.MAX_WINDOW_BITS;
        for (Map.Entry<String, String> p : e.params().entrySet()) {
            switch (p.getKey()) {
                case SERVER_NCT, CLIENT_NCT -> requireNoValue(p);
                case SERVER_BITS -> {
                    int bits = requireBits(p);
                    // §7.1.2.1: a server accepts a limit with "the same or smaller value"
                    int offered = offers.stream().map(o -> o.params().get(SERVER_BITS)).filter(v -> v != null)
                            .mapToInt(DeflateNegotiation::windowBits).max().orElse(DeflateParams.MAX_WINDOW_BITS);
                    if (bits > offered) {
                        throw new IllegalArgumentException(SERVER_BITS + "=" + bits + " is larger than the " + offered
                                + " offered");
                    }
                }
                case CLIENT_BITS -> {
                    if (!offeredClientBits) {
                        throw new IllegalArgumentException("the server sent " + CLIENT_BITS + " that was not offered");
                    }
                    clientBits = requireBits(p);
                }
                default -> throw new IllegalArgumentException("unknown permessage-deflate parameter " + p.getKey());
            }
        }
        return new DeflateParams(e.params().containsKey(CLIENT_NCT) || offeredClientNct, e.params().containsKey(SERVER_NCT),
                clientBits);
    }

    private static void requireNoValue(Map.Entry<String, String> p) {
        if (p.getValue() != null) {
            throw new IllegalArgumentException(p.getKey() + " takes no value; got " + p.getValue());
        }
    }

    private static int requireBits(Map.Entry<String, String> p) {
        int bits = windowBits(p.getValue());
        if (bits < 0) {
            throw new IllegalArgumentException(p.getKey() + " must be 8..15; got " + p.getValue());
        }
        return bits;
    }

    /** @return the value as window bits, or -1 unless it is 8..15 in ASCII digits without a leading zero (§7.1.2) */
    private static int windowBits(String value) {
        if (value == null || !value.matches("[1-9][0-9]?")) {
            return -1;
        }
        int bits = Integer.parseInt(value);
        return bits >= DeflateParams.MIN_WINDOW_BITS && bits <= DeflateParams.MAX_WINDOW_BITS ? bits : -1;
    }
}
