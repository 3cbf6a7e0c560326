package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.switchboard.config.ConfigLoader;
import io.switchboard.config.ProxyConfig;
import io.switchboard.conformance.load.Targets;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What can be proved of deploy/ without a container engine: every manifest is consistent with the
 * config it ships (ports, probe paths, grace period longer than the drain, a config the loader
 * accepts), the Dockerfile declares what the README says, and its entrypoint, run outside a
 * container against the built jar, serves and drains to exit status 0 on SIGTERM.
 */
class DeployTest {
    private static final Path DEPLOY = Path.of("..", "deploy");

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> documents(Path file) throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(Files.readString(file))) {
            docs.add((Map<String, Object>) doc);
        }
        return docs;
    }

    @SuppressWarnings("unchecked")
    private static <T> T at(Object node, String... path) {
        Object n = node;
        for (String key : path) {
            n = ((Map<String, Object>) n).get(key);
        }
        return (T) n;
    }

    @Test
    void everyManifestMatchesTheConfigItShips() throws Exception {
        List<Path> manifests;
        try (var files = Files.list(DEPLOY.resolve("k8s"))) {
            manifests = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(manifests).isNotEmpty();
        for (Path file : manifests) {
            List<Map<String, Object>> docs = documents(file);
            Map<String, Object> configMap = docs.stream().filter(d -> "ConfigMap".equals(d.get("kind"))).findFirst().orElseThrow();
            String yaml = at(configMap, "data", "switchboard.yaml");
            ProxyConfig config = ConfigLoader.parse(yaml, file + " ConfigMap");
            Map<String, Object> deployment = docs.stream().filter(d -> "Deployment".equals(d.get("kind"))).findFirst().orElseThrow();
            Map<String, Object> pod = at(deployment, "spec", "template", "spec");
            List<Map<String, Object>> containers = at(pod, "containers");
            Map<String, Object> sb = containers.stream().filter(c -> "switchboard".equals(c.get("name"))).findFirst().orElseThrow();
            List<Map<String, Object>> ports = at(sb, "ports");
            List<Object> containerPorts = ports.stream().map(p -> p.get("containerPort")).toList();
            assertThat(containerPorts).as(file + ": container ports").contains(config.listen().port(), config.admin().listen().port());
            assertThat((String) at(sb, "readinessProbe", "httpGet", "path")).isEqualTo("/health/ready");
            assertThat((Object) at(sb, "readinessProbe", "httpGet", "port")).isEqualTo(config.admin().listen().port());
            assertThat((String) at(sb, "livenessProbe", "httpGet", "path")).isEqualTo("/health/live");
            int grace = at(pod, "terminationGracePeriodSeconds");
            Duration needed = config.drain().deadline().plus(config.timeouts().close());
            assertThat(Duration.ofSeconds(grace)).as(file + ": grace period > drain deadline + close timeout").isGreaterThan(needed);
            List<Map<String, Object>> env = at(sb, "env");
            assertThat(env).extracting(e -> e.get("name")).contains(config.admin().tokenEnv().orElseThrow());
            List<String> args = at(sb, "args");
            assertThat(args).containsExactly("run", "/etc/switchboard/switchboard.yaml");
            List<Map<String, Object>> mounts = at(sb, "volumeMounts");
            assertThat(mounts).extracting(m -> m.get("mountPath")).as("mounted as a directory, so reloads see swaps")
                    .contains("/etc/switchboard");
            assertThat(mounts).allSatisfy(m -> assertThat(m).doesNotContainKey("subPath"));
        }
        assertThat(documents(DEPLOY.resolve("k8s/standalone.yaml"))).extracting(d -> d.get("kind")).contains("PodDisruptionBudget");
    }

    @Test
    void theDockerfileEntrypointServesAndDrainsOutsideAContainer() throws Exception {
        String dockerfile = Files.readString(DEPLOY.resolve("Dockerfile"));
        assertThat(dockerfile).contains("STOPSIGNAL SIGTERM").containsPattern("EXPOSE 8080 9901").contains("USER 10001");
        List<String> entrypoint = jsonArray(dockerfile, "ENTRYPOINT");
        List<String> cmd = jsonArray(dockerfile, "CMD");
        assertThat(entrypoint).containsExactly("java", "-jar", "/opt/switchboard/switchboard.jar");
        assertThat(cmd).containsExactly("run", "/etc/switchboard/switchboard.yaml");
        Path jar = Path.of("..", "proxy", "target", "switchboard.jar").toAbsolutePath();
        assertThat(jar).exists();
        // the image's config, with free ports instead of the pod's fixed ones
        String config = Files.readString(DEPLOY.resolve("examples/sidecar.yaml"))
                .replace("0.0.0.0:8080", "127.0.0.1:0").replace("0.0.0.0:9901", "0.0.0.0:0")
                .replace("delay: 5s", "delay: 0s").replace("spread: 30s", "spread: 1s");
        Path file = ProxyProcess.writeConfig(config);
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow()); // java (21+)
        command.addAll(entrypoint.subList(1, entrypoint.size()));
        command.set(2, jar.toString()); // /opt/switchboard/switchboard.jar -> the built jar (lib/ beside it)
        command.add(cmd.get(0));
        command.add(file.toString());
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("SWITCHBOARD_ADMIN_TOKEN", "test-token");
        // the image's JVM options too: a flag this JDK does not take would stop the JVM here
        Matcher opts = Pattern.compile("(?m)^ENV JAVA_TOOL_OPTIONS=\"([^\"]*)\"$").matcher(dockerfile);
        assertThat(opts.find()).as("ENV JAVA_TOOL_OPTIONS in the Dockerfile").isTrue();
        pb.environment().put("JAVA_TOOL_OPTIONS", opts.group(1));
        // ... and they are deploy/jvm.options for the image's JDK, plus the container's heap bound
        Matcher jre = Pattern.compile("(?m)^FROM eclipse-temurin:(\\d+)-jre$").matcher(dockerfile);
        assertThat(jre.find()).as("the runtime stage's FROM line").isTrue();
        List<String> expected = new ArrayList<>(Targets.proxyJvm(Integer.parseInt(jre.group(1))));
        expected.add("-XX:MaxRAMPercentage=75");
        assertThat(List.of(opts.group(1).split(" "))).as("the image's JVM options").isEqualTo(expected);
        Process p = pb.start();
        OutputLines out = new OutputLines("entrypoint stdout", p.getInputStream());
        OutputLines err = new OutputLines("entrypoint stderr", p.getErrorStream());
        try {
            out.await(l -> l.startsWith(ProxyProcess.READY), Duration.ofSeconds(20));
            String adminLine = out.await(l -> l.startsWith("switchboard admin on"), Duration.ofSeconds(1));
            int adminPort = Integer.parseInt(adminLine.substring(adminLine.lastIndexOf(':') + 1));
            var http = java.net.http.HttpClient.newHttpClient();
            var ready = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + adminPort
                    + "/health/ready")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200);
            var noToken = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + adminPort
                    + "/metrics")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(noToken.statusCode()).as("an exposed admin listener wants the token").isEqualTo(401);
            var withToken = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + adminPort
                    + "/metrics")).header("Authorization", "Bearer test-token").build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(withToken.statusCode()).isEqualTo(200);
            var lowerCase = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + adminPort
                    + "/metrics")).header("Authorization", "bearer test-token").build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(lowerCase.statusCode()).as("the scheme is case-insensitive (RFC 9110 §11.1)").isEqualTo(200);
            p.destroy(); // SIGTERM, as the container runtime sends on STOPSIGNAL
            assertThat(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("stderr: " + err.text()).isZero();
        } finally {
            p.destroyForcibly();
        }
    }

    private static List<String> jsonArray(String dockerfile, String instruction) {
        Matcher m = Pattern.compile("(?m)^" + instruction + " \\[(.*)]$").matcher(dockerfile);
        assertThat(m.find()).as(instruction + " in exec form").isTrue();
        List<String> items = new ArrayList<>();
        Matcher item = Pattern.compile("\"([^\"]*)\"").matcher(m.group(1));
        while (item.find()) {
            items.add(item.group(1));
        }
        return items;
    }
}
