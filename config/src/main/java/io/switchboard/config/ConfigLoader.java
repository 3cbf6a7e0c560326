package io.switchboard.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.MalformedInputException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.reader.ReaderException;

/**
 * Loads and validates a Switchboard YAML config into a {@link ProxyConfig}.
 *
 * <p>Contract: either a complete, valid config comes back, or a {@link ConfigException} listing
 * every problem found (syntax, unknown or duplicate keys, bad values, dangling pool names), each
 * with file, 1-based line and column, and YAML path. Unknown keys are errors, not warnings, because
 * a misspelt key silently falling back to its default is the costlier mistake.
 *
 * <p>The YAML is read with SnakeYAML's node API only (compose, never construct), so no Java
 * objects are ever instantiated from the file, and every value keeps its position for messages.
 */
public final class ConfigLoader {
    static final List<String> TOP_KEYS = List.of("listen", "pools", "routes", "timeouts", "websocket", "admin", "drain", "limits", "log", "tls", "accept", "loop-io");
    static final List<String> TIMEOUT_KEYS = List.of("connect", "handshake", "upstream-handshake", "close", "http-read");
    private static final String EMPTY = "file is empty; expected a mapping with 'pools' and 'routes'";

    private ConfigLoader() {
    }

    /**
     * Reads and validates a config file (UTF-8).
     *
     * @param file the YAML file; its path as given names the source in errors
     * @return the config
     * @throws ConfigException if the file cannot be read (an error at line 0) or is invalid
     */
    public static ProxyConfig load(Path file) throws ConfigException {
        String source = file.toString();
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw unreadable(source, "no such file");
        } catch (AccessDeniedException e) {
            throw unreadable(source, "permission denied");
        } catch (MalformedInputException e) {
            throw unreadable(source, "not UTF-8 text");
        } catch (IOException e) {
            throw unreadable(source, e.getMessage());
        }
        return parse(text, source);
    }

    private static ConfigException unreadable(String source, String why) {
        return new ConfigException(List.of(new ConfigError(source, 0, 0, "", "cannot read file: " + why)));
    }

    /**
     * Validates YAML text.
     *
     * @param yamlText   the YAML
     * @param sourceName names the text in errors and in {@link ProxyConfig#source()}, e.g. {@code <demo>}
     * @return the config
     * @throws ConfigException listing every problem, in file order
     */
    public static ProxyConfig parse(String yamlText, String sourceName) throws ConfigException {
        Problems problems = new Problems(sourceName);
        Node root = compose(yamlText, problems);
        ProxyConfig config;
        try {
            config = root == null ? null : build(root, sourceName, problems);
        } catch (RuntimeException e) {
            // a rule a value object enforces that no parser checked first: still a config error,
            // reported like the others (check and reload must never see a stack trace)
            if (problems.isEmpty()) {
                problems.add(0, 0, "", "invalid configuration: " + e.getMessage());
            }
            config = null;
        }
        if (!problems.isEmpty()) {
            throw problems.toException();
        }
        return config;
    }

    /** The document's root node, or null after reporting a syntax error or an empty document. */
    private static Node compose(String text, Problems problems) {
        // Duplicate keys stay allowed here: YamlMap reports them with both positions and goes on,
        // where SnakeYAML would stop at the first one.
        LoaderOptions options = new LoaderOptions();
        // SnakeYAML's guard against alias bombs stops at 50 aliases to mappings or lists; a config
        // that shares one policy block among many routes can use more (the file is the operator's,
        // and composing nodes never expands an alias into copies)
        options.setMaxAliasesForCollections(1000);
        Yaml yaml = new Yaml(new SafeConstructor(options));
        // An editor's byte-order mark is not content.
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
        Node root;
        try {
            root = yaml.compose(new StringReader(body));
        } catch (MarkedYAMLException e) {
            // Some problems only read as a sentence with their context ("expected a single document
            // in the stream" + "but found another document"); the rest are clearer alone.
            String problem = e.getProblem() != null && e.getProblem().startsWith("but ") && e.getContext() != null
                    ? e.getContext() + ", " + e.getProblem() : e.getProblem();
            problems.add(e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark(), "",
                    "YAML syntax error: " + problem);
            return null;
        } catch (ReaderException e) {
            // a character YAML does not allow (a control character): SnakeYAML gives only its offset
            int line = 1;
            int column = 1;
            for (int i = 0; i < Math.min(e.getPosition(), text.length()); i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                    column = 1;
                } else {
                    column++;
                }
            }
            problems.add(line, column, "", String.format("YAML error: character U+%04X is not allowed in YAML",
                    e.getCodePoint()));
            return null;
        } catch (YAMLException e) {
            problems.add(0, 0, "", "YAML error: " + e.getMessage());
            return null;
        }
        if (root == null || Values.isNull(root)) {
            problems.add(1, 1, "", EMPTY);
            return null;
        }
        return root;
    }

    /** The config, or null when anything was reported (the caller then throws). */
    private static ProxyConfig build(Node root, String source, Problems problems) {
        YamlMap top = YamlMap.of(root, "", "a mapping with 'pools' and 'routes'", TOP_KEYS, problems);
        if (top == null) {
            return null;
        }
        Node listenNode = top.get("listen");
        HostPort listen = listenNode == null ? ProxyConfig.DEFAULT_LISTEN
                : Values.convert(listenNode, "listen", "host:port like 0.0.0.0:8080", HostPort::parse, problems);

        Node poolsNode = top.required("pools");
        PoolsParser.Result pools = poolsNode == null ? new PoolsParser.Result(Map.of(), null)
                : PoolsParser.parse(poolsNode, problems);

        WebSocketPolicy websocket = WebSocketParser.parse(top.get("websocket"), "websocket", WebSocketPolicy.DEFAULTS,
                problems);
        Node routesNode = top.required("routes");
        List<RouteConfig> routes = routesNode == null ? List.of()
                : RoutesParser.parse(routesNode, pools.names(), websocket, problems);

        Timeouts timeouts = timeouts(top.get("timeouts"), problems);
        AdminConfig admin = DrainParser.admin(top.get("admin"), problems);
        DrainConfig drain = DrainParser.drain(top.get("drain"), problems);
        Limits limits = DrainParser.limits(top.get("limits"), problems);
        LogConfig log = log(top.get("log"), problems);
        java.util.Optional<TlsFiles> tls = tls(top.get("tls"), problems);
        Accept accept = accept(top.get("accept"), tls.isPresent() || top.get("tls") != null, problems);
        LoopIo loopIo = loopIo(top.get("loop-io"), problems);
        if (listen != null && clash(listen, admin.listen())) {
            boolean adminGiven = top.get("admin") != null;
            problems.add(adminGiven ? top.get("admin") : listenNode, adminGiven ? "admin.listen" : "listen",
                    "listen (" + listen + ") and admin.listen (" + admin.listen() + ") would bind the same port");
        }
        if (!problems.isEmpty()) {
            return null;
        }
        return new ProxyConfig(source, listen, pools.pools(), routes, timeouts, websocket, admin, drain, limits,
                log, tls, accept, loopIo);
    }

    /** {@code tls: {cert-file, key-file}}: both required, both must be readable files. */
    private static java.util.Optional<TlsFiles> tls(Node node, Problems problems) {
        if (node == null || Values.isNull(node)) {
            return java.util.Optional.empty();
        }
        YamlMap map = YamlMap.of(node, "tls", "a mapping with 'cert-file' and 'key-file'", List.of("cert-file", "key-file"),
                problems);
        if (map == null) {
            return java.util.Optional.empty();
        }
        String[] files = new String[2];
        String[] keys = {"cert-file", "key-file"};
        for (int i = 0; i < 2; i++) {
            Node n = map.required(keys[i]);
            files[i] = n == null ? null : Values.pemFile(n, map.join(keys[i]), problems,
                    i == 0 ? Pem::certificates : Pem::privateKey);
        }
        return files[0] == null || files[1] == null ? java.util.Optional.empty()
                : java.util.Optional.of(new TlsFiles(files[0], files[1]));
    }

    /** Whether two listeners would bind one port: the same port on the same host, or on any host (a wildcard). */
    private static boolean clash(HostPort a, HostPort b) {
        if (a.port() == 0 || a.port() != b.port()) {
            return false;
        }
        java.util.function.Predicate<String> any = h -> h.equals("0.0.0.0") || h.equals("::") || h.equals("[::]");
        return a.host().equals(b.host()) || any.test(a.host()) || any.test(b.host());
    }

    /** {@code accept: loop | helidon}; loop by default, helidon (and only helidon) with {@code tls}. */
    private static Accept accept(Node node, boolean tls, Problems problems) {
        if (node == null || Values.isNull(node)) {
            return tls ? Accept.HELIDON : Accept.LOOP;
        }
        Accept a = Values.choice(node, "accept", Accept.values(), Accept::yamlName, problems);
        if (a == Accept.LOOP && tls) {
            problems.add(node, "accept", "loop needs a plain listener: with tls, Helidon accepts (use helidon or drop the key)");
        }
        return a == null ? Accept.LOOP : a;
    }

    /** {@code loop-io: native | nio}; native by default. */
    private static LoopIo loopIo(Node node, Problems problems) {
        if (node == null || Values.isNull(node)) {
            return LoopIo.NATIVE;
        }
        LoopIo io = Values.choice(node, "loop-io", LoopIo.values(), LoopIo::yamlName, problems);
        return io == null ? LoopIo.NATIVE : io;
    }

    private static LogConfig log(Node node, Problems problems) {
        if (node == null || Values.isNull(node)) {
            return LogConfig.DEFAULT;
        }
        YamlMap map = YamlMap.of(node, "log", "a mapping with 'format' and 'access'", List.of("format", "access"), problems);
        Node format = map == null ? null : map.get("format");
        LogFormat f = format == null ? LogFormat.PLAIN
                : Values.choice(format, "log.format", LogFormat.values(), LogFormat::yamlName, problems);
        Node access = map == null ? null : map.get("access");
        Boolean on = access == null ? Boolean.TRUE : Values.flag(access, "log.access", problems);
        return new LogConfig(f == null ? LogFormat.PLAIN : f, on == null || on);
    }

    private static Timeouts timeouts(Node node, Problems problems) {
        Timeouts d = Timeouts.defaults();
        // "timeouts:" with nothing under it reads as "use the defaults".
        if (node == null || Values.isNull(node)) {
            return d;
        }
        YamlMap map = YamlMap.of(node, "timeouts", "a mapping of timeout name to duration", TIMEOUT_KEYS, problems);
        if (map == null) {
            return d;
        }
        Function<String, Duration> read = key -> {
            Node value = map.get(key);
            return value == null ? null : Values.convert(value, map.join(key), Values.DURATION, Durations::parse,
                    problems);
        };
        return new Timeouts(or(read.apply("connect"), d.connect()), or(read.apply("handshake"), d.handshake()),
                or(read.apply("upstream-handshake"), d.upstreamHandshake()), or(read.apply("close"), d.close()),
                or(read.apply("http-read"), d.httpRead()));
    }

    // A bad value was already reported; the default only keeps construction going.
    private static Duration or(Duration value, Duration fallback) {
        return value == null ? fallback : value;
    }
}
