package io.switchboard.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** Reads the {@code routes} section. Package-private: {@link ConfigLoader} is the entry point. */
final class RoutesParser {
    static final List<String> ROUTE_KEYS = List.of("path", "host", "pool", "mode", "websocket", "origins",
            "deflate");
    static final List<String> DEFLATE_KEYS = List.of("client", "backend", "context-takeover", "level", "min-size");
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9_.-]+|\\[[0-9A-Fa-f:.%]+]");
    private static final Pattern ORIGIN = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://[^/\\s]+");
    private static final Pattern HOST_WITH_PORT = Pattern.compile("([A-Za-z0-9_.-]+|\\[[0-9A-Fa-f:.%]+]):\\d+");

    private final Problems problems;
    private final Set<String> poolNames;
    private final WebSocketPolicy websocket;

    private RoutesParser(Problems problems, Set<String> poolNames, WebSocketPolicy websocket) {
        this.problems = problems;
        this.poolNames = poolNames;
        this.websocket = websocket;
    }

    /**
     * @param poolNames every declared pool name, or null when the pools section was unusable (then
     *                  pool references are not checked, to avoid one error per route)
     * @param websocket the top-level WebSocket policy that each route's own section refines
     * @return the routes, complete only when no problem was reported
     */
    static List<RouteConfig> parse(Node section, Set<String> poolNames, WebSocketPolicy websocket,
                                   Problems problems) {
        return new RoutesParser(problems, poolNames, websocket).routes(section);
    }

    private List<RouteConfig> routes(Node section) {
        List<RouteConfig> routes = new ArrayList<>();
        List<Node> items = Values.list(section, "routes", "a list of routes", problems);
        if (items == null) {
            return routes;
        }
        if (items.isEmpty()) {
            problems.add(section, "routes", "at least one route is required");
        }
        for (int i = 0; i < items.size(); i++) {
            RouteConfig route = route(i, items.get(i));
            if (route != null) {
                routes.add(route);
            }
        }
        return routes;
    }

    private RouteConfig route(int index, Node node) {
        int before = problems.count();
        YamlMap map = YamlMap.of(node, "routes[" + index + "]", "a mapping with 'path' and 'pool'", ROUTE_KEYS,
                problems);
        if (map == null) {
            return null;
        }
        Node pathNode = map.required("path");
        String path = pathNode == null ? null : path(pathNode, map.join("path"));
        Node hostNode = map.get("host");
        String host = hostNode == null ? null : host(hostNode, map.join("host"));
        Node poolNode = map.required("pool");
        String pool = poolNode == null ? null : pool(poolNode, map.join("pool"));
        Node modeNode = map.get("mode");
        Mode mode = modeNode == null ? Mode.TUNNEL : mode(modeNode, map.join("mode"));
        WebSocketPolicy policy = WebSocketParser.parse(map.get("websocket"), map.join("websocket"), websocket, problems);
        List<String> origins = origins(map.get("origins"), map.join("origins"));
        DeflateConfig deflate = deflate(map.get("deflate"), map.join("deflate"), mode);
        if (problems.count() > before) {
            return null;
        }
        return new RouteConfig(index, Optional.ofNullable(host), path, pool, mode, policy, origins, deflate);
    }

    private String path(Node node, String at) {
        String expected = "a path starting with '/', like /chat";
        String path = Values.text(node, at, expected, problems);
        if (path == null) {
            return null;
        }
        String problem = null;
        if (!path.startsWith("/")) {
            problem = "expected " + expected + "; got '" + path + "'";
        } else if (path.indexOf('?') >= 0 || path.indexOf('#') >= 0) {
            problem = "paths are matched without the query string; leave out what follows '?' or '#'";
        } else if (path.chars().anyMatch(c -> c <= ' ')) {
            problem = "path must not contain spaces or control characters";
        }
        return report(node, at, problem, path);
    }

    private String host(Node node, String at) {
        String expected = "a host name like chat.example.com";
        String host = Values.text(node, at, expected, problems);
        if (host == null) {
            return null;
        }
        String problem = null;
        if (host.indexOf('*') >= 0) {
            problem = "wildcards are not supported; match hosts exactly, one route per host";
        } else if (HOST_WITH_PORT.matcher(host).matches()) {
            problem = "leave out the port: routes match the host alone, whatever port the client used";
        } else if (!HOST_NAME.matcher(host).matches()) {
            problem = "expected " + expected + " (no scheme, port or path); got '" + host + "'";
        }
        return report(node, at, problem, host);
    }

    private String pool(Node node, String at) {
        String pool = Values.text(node, at, "a pool name", problems);
        if (pool == null || poolNames == null || poolNames.contains(pool)) {
            return pool;
        }
        return report(node, at, "no pool named '" + pool + "'" + Suggest.didYouMean(pool, poolNames), pool);
    }

    /** A list of origins like {@code https://app.example.com} (scheme://host[:port], no path). */
    private List<String> origins(Node node, String at) {
        if (node == null) {
            return List.of();
        }
        String expected = "a list of origins like [https://app.example.com]";
        List<Node> items = Values.list(node, at, expected, problems);
        List<String> origins = new ArrayList<>();
        for (int i = 0; items != null && i < items.size(); i++) {
            String o = Values.text(items.get(i), at + "[" + i + "]", "an origin like https://app.example.com", problems);
            if (o != null && !ORIGIN.matcher(o).matches()) {
                problems.add(items.get(i), at + "[" + i + "]", "expected an origin like https://app.example.com "
                        + "(scheme://host[:port], no path or trailing slash); got '" + o + "'");
            } else if (o != null) {
                origins.add(o);
            }
        }
        return origins;
    }

    /** The route's permessage-deflate settings; only a terminate route negotiates extensions itself. */
    private DeflateConfig deflate(Node node, String at, Mode mode) {
        DeflateConfig d = DeflateConfig.OFF;
        if (node == null || Values.isNull(node)) {
            return d;
        }
        YamlMap map = YamlMap.of(node, at, "a mapping like {client: true, backend: false}", DEFLATE_KEYS, problems);
        if (map == null) {
            return d;
        }
        if (mode == Mode.TUNNEL) {
            problems.add(node, at, "deflate needs 'mode: terminate': a tunnel leaves extensions to the client and "
                    + "the backend, which negotiate them end to end");
            return d;
        }
        Boolean client = flag(map, "client", d.client());
        Boolean backend = flag(map, "backend", d.backend());
        Boolean takeover = flag(map, "context-takeover", d.contextTakeover());
        Node levelNode = map.get("level");
        Integer level = levelNode == null ? Integer.valueOf(d.level()) : Values.integer(levelNode, map.join("level"), 1, 9, problems);
        Node minNode = map.get("min-size");
        Long min = minNode == null ? Long.valueOf(d.minSize())
                : Values.convert(minNode, map.join("min-size"), "a size like 64B or 1KiB", Sizes::parse, problems);
        if (client == null || backend == null || takeover == null || level == null || min == null) {
            return d;
        }
        return new DeflateConfig(client, backend, takeover, level, min);
    }

    private Boolean flag(YamlMap map, String key, boolean base) {
        Node node = map.get(key);
        return node == null ? Boolean.valueOf(base) : Values.flag(node, map.join(key), problems);
    }

    private Mode mode(Node node, String at) {
        return Values.choice(node, at, Mode.values(), Mode::yamlName, problems);
    }

    /** Reports {@code problem} if there is one; returns {@code value} either way. */
    private String report(Node node, String at, String problem, String value) {
        if (problem != null) {
            problems.add(node, at, problem);
        }
        return value;
    }
}
