package io.switchboard.conformance.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The benchmark's reading of a JVM's state and the proxy's JVM flags per JDK. */
class TargetsTest {
    @Test
    void theCompilerIsIdleOnlyWhenNothingIsCompilingOrQueued() throws Exception {
        String idle = "17753:\nCurrent compiles: \n\nC1 compile queue:\nEmpty\n\nC2 compile queue:\nEmpty\n\n";
        String compiling = "17753:\nCurrent compiles: \nC2 CompilerThread0  1234 %    4       io.switchboard.tunnel.Loop::run @ 12 (300 bytes)\n"
                + "\nC1 compile queue:\nEmpty\n\nC2 compile queue:\nEmpty\n";
        String queued = "17753:\nCurrent compiles: \n\nC1 compile queue:\nEmpty\n\nC2 compile queue:\n"
                + "  1240       4       java.lang.String::hashCode (60 bytes)\n";
        assertThat(Targets.compilerIdle(idle)).isTrue();
        assertThat(Targets.compilerIdle(compiling)).isFalse();
        assertThat(Targets.compilerIdle(queued)).isFalse();
        // and the format is what this JDK's jcmd prints: its headers and queue lines are all there
        String real = Targets.jcmd(ProcessHandle.current().pid(), "Compiler.queue");
        assertThat(real).contains("Current compiles:").contains("C1 compile queue:").contains("C2 compile queue:");
    }

    @Test
    void newerFlagsAreOnlyPassedToJdksThatHaveThemAsProductFlags() {
        assertThat(Targets.proxyJvm(21)).contains("-XX:+UseSerialGC")
                .noneMatch(f -> f.contains("TrimNativeHeap") || f.contains("CompactObjectHeaders"));
        assertThat(Targets.proxyJvm(22)).contains("-XX:TrimNativeHeapInterval=5000")
                .noneMatch(f -> f.contains("CompactObjectHeaders"));
        assertThat(Targets.proxyJvm(25)).contains("-XX:+UseSerialGC", "-XX:TrimNativeHeapInterval=5000",
                "-XX:+UseCompactObjectHeaders");
    }
}
