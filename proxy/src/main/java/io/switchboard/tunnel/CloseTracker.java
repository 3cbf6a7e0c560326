package io.switchboard.tunnel;

import java.util.EnumSet;
import java.util.Set;

import io.switchboard.ws.CloseCodes;

/**
 * The close handshake of a tunnel, seen from the middle. A leg is <em>done</em> when its peer sent
 * a Close frame (RFC 6455 §5.5.1) or its input ended; the tunnel is over when both legs are done.
 * Also remembers who closed first and with which code, for the access log. Thread-safe.
 */
final class CloseTracker {
    private final Set<Side> done = EnumSet.noneOf(Side.class);
    private final Set<Side> closeSentTo = EnumSet.noneOf(Side.class);
    private String closedBy;
    private int code = CloseCodes.ABNORMAL;

    /**
     * Records a Close frame from {@code from}, already relayed to the other leg.
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
        boolean owesClose = !done.contains(side) && !closeSentTo.contains(side.other());
        first(side.label() + "-dropped", proxyCode);
        done.add(side);
        if (owesClose) {
            closeSentTo.add(side.other());
        }
        return owesClose;
    }

    private void first(String who, int closeCode) {
        if (closedBy == null) {
            closedBy = who;
            code = closeCode;
        }
    }

    synchronized boolean isDone(Side side) {
        return done.contains(side);
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
