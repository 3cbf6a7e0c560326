package io.switchboard.tunnel;

import java.util.EnumSet;
import java.util.Set;

import io.switchboard.ws.CloseCodes;

/**
 * The close handshake of a tunnel, seen from the middle. A leg is <em>done</em> when its peer sent
 * a Close frame (RFC 6455 §5.5.1) or its input ended; the tunnel is over when both legs are done.
 * It also records which legs have been sent a Close (so none gets two) and who closed first with
 * which code, for the access log. Thread-safe.
 */
final class CloseTracker {
    private final Set<Side> done = EnumSet.noneOf(Side.class);
    private final Set<Side> closeSentTo = EnumSet.noneOf(Side.class);
    private final Set<Side> ended = EnumSet.noneOf(Side.class);
    private String closedBy;
    private int code = CloseCodes.ABNORMAL;

    /**
     * Records a Close frame from {@code from}, which the caller relays to the other leg.
     *
     * @return true when this completes the tunnel (both legs done)
     */
    synchronized boolean closeFrame(Side from, int closeCode) {
        first(from.label(), closeCode);
        closeSentTo.add(from.other());
        done.add(from);
        return done.size() == 2;
    }

    /**
     * Records that {@code side}'s input ended (EOF or error).
     *
     * @return true when the other leg still needs a Close frame from the proxy: the peer that went
     *         away never sent one, and the other peer has not been sent one yet
     */
    synchronized boolean inputEnded(Side side, int proxyCode) {
        first(side.label() + "-dropped", proxyCode);
        done.add(side);
        ended.add(side);
        return closeSentTo.add(side.other());
    }

    /**
     * Records a close the proxy starts itself (reap, idle, lifetime, drain, limits).
     *
     * @param by   the reason, as the access log's {@code closed-by}
     * @param to   the legs the proxy will send a Close to
     * @return the legs of {@code to} that had not been sent a Close yet (send only to these)
     */
    synchronized Set<Side> proxyClose(String by, int closeCode, Set<Side> to) {
        first(by, closeCode);
        Set<Side> owed = EnumSet.noneOf(Side.class);
        for (Side side : to) {
            if (closeSentTo.add(side)) {
                owed.add(side);
            }
        }
        return owed;
    }

    private void first(String who, int closeCode) {
        if (closedBy == null) {
            closedBy = who;
            code = closeCode;
        }
    }

    /** Whether {@code side}'s TCP input has ended (a Close frame alone does not end it). */
    synchronized boolean hasEnded(Side side) {
        return ended.contains(side);
    }

    synchronized boolean allDone() {
        return done.size() == 2;
    }

    synchronized String closedBy() {
        return closedBy == null ? "proxy" : closedBy;
    }

    synchronized int code() {
        return code;
    }
}
