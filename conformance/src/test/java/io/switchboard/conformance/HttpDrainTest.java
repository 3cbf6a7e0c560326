package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * Plain HTTP during a SIGTERM drain: an answer in progress is finished (a drain must not
 * truncate a download), while a Server-Sent Events stream, which never ends by itself, is ended
 * with its last chunk when the spread reaches it; the process exits once both are done.
 */
class HttpDrainTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static ProxyProcess proxy(HttpTestBackend http) {
        return ProxyProcess.run("listen: 127.0.0.1:0\npools:\n  h: {backends: [" + http.address() + "]}\n"
                + "routes:\n  - {path: /, pool: h}\ndrain: {delay: 0s, spread: 0s, deadline: 30s}\n");
    }

    @Test
    void aDownloadUnderWayAtTheSignalIsFinished() throws Exception {
        try (HttpTestBackend http = HttpTestBackend.start(); ProxyProcess proxy = proxy(http)) {
            HttpResponse<InputStream> res = HTTP.send(HttpRequest.newBuilder(proxy.http("/big")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(res.statusCode()).isEqualTo(200);
            long read = 0;
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = res.body()) {
                read += in.readNBytes(buf, 0, buf.length);
                proxy.terminate(); // SIGTERM with a 100 MiB answer mostly unread
                int n;
                while ((n = in.read(buf)) >= 0) {
                    read += n;
                }
            }
            assertThat(read).as("bytes of the answer").isEqualTo(HttpTestBackend.BIG);
            assertThat(proxy.awaitExit(Duration.ofSeconds(20))).as("exit status once it is done").isZero();
        }
    }

    @Test
    void aRequestStillWaitingForItsAnswerAtTheSignalIsFinished() throws Exception {
        try (HttpTestBackend http = HttpTestBackend.start(); ProxyProcess proxy = proxy(http)) {
            var pending = HTTP.sendAsync(HttpRequest.newBuilder(proxy.http("/slow")).build(), HttpResponse.BodyHandlers.ofString());
            Thread.sleep(500); // the request is with the backend, which answers in 6.5 s
            proxy.terminate();
            HttpResponse<String> res = pending.get(20, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.body()).isEqualTo("done");
            assertThat(proxy.awaitExit(Duration.ofSeconds(20))).isZero();
        }
    }

    @Test
    void anEventStreamIsEndedByTheDrain() throws Exception {
        try (HttpTestBackend http = HttpTestBackend.start(); ProxyProcess proxy = proxy(http)) {
            HttpResponse<InputStream> res = HTTP.send(HttpRequest.newBuilder(proxy.http("/sse")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = res.body()) {
                byte[] first = in.readNBytes("data: event 1\n\n".length());
                assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo("data: event 1\n\n");
                proxy.terminate();
                String rest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertThat(rest).as("the stream ended before its last event").doesNotContain("event " + HttpTestBackend.SSE_EVENTS);
            }
            assertThat(proxy.awaitExit(Duration.ofSeconds(20))).isZero();
        }
    }
}
