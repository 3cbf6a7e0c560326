package io.switchboard.conformance.autobahn;

import java.util.Arrays;
import java.util.List;

/** The small argument helpers the conformance command lines share. */
public final class CliArgs {
    private CliArgs() {
    }

    /**
     * The value after a flag.
     *
     * @throws IllegalArgumentException when the flag is the last argument
     */
    public static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    /** A comma-separated list, items trimmed, empty ones dropped. */
    public static List<String> split(String s) {
        return Arrays.stream(s.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
    }
}
