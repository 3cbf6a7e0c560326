package io.switchboard.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each config key belongs, for the error about a key in the wrong section: {@code balance}
 * under a route is not a typo but a pool's key, and saying so saves a trip to the README.
 */
final class KeyHomes {
    private static final Map<String, List<String>> HOMES = index();

    private KeyHomes() {
    }

    private static Map<String, List<String>> index() {
        Map<String, List<String>> homes = new LinkedHashMap<>();
        add(homes, "the top level", ConfigLoader.TOP_KEYS);
        add(homes, "pools.NAME", PoolsParser.POOL_KEYS);
        add(homes, "routes[i]", RoutesParser.ROUTE_KEYS);
        add(homes, "routes[i].deflate", RoutesParser.DEFLATE_KEYS);
        add(homes, "websocket", WebSocketParser.KEYS);
        add(homes, "websocket.heartbeat", WebSocketParser.HEARTBEAT_KEYS);
        add(homes, "timeouts", ConfigLoader.TIMEOUT_KEYS);
        add(homes, "drain", DrainParser.DRAIN_KEYS);
        add(homes, "admin", DrainParser.ADMIN_KEYS);
        add(homes, "limits", DrainParser.LIMIT_KEYS);
        return homes;
    }

    private static void add(Map<String, List<String>> homes, String section, List<String> keys) {
        for (String key : keys) {
            homes.computeIfAbsent(key, k -> new ArrayList<>()).add(section);
        }
    }

    /**
     * A hint for {@code key}, unknown where it was written: " (it belongs under pools.NAME)", or
     * "" when no section has it.
     */
    static String hint(String key) {
        List<String> sections = HOMES.get(key);
        return sections == null ? "" : " (it belongs under " + String.join(" or ", sections) + ")";
    }
}
