package io.switchboard.tunnel;

/** The two legs of a proxied connection: downstream is the client, upstream the backend. */
enum Side {
    DOWNSTREAM("client"),
    UPSTREAM("backend");

    private final String label;

    Side(String label) {
        this.label = label;
    }

    Side other() {
        return this == DOWNSTREAM ? UPSTREAM : DOWNSTREAM;
    }

    /** The word used in logs: "client" or "backend". */
    String label() {
        return label;
    }
}
