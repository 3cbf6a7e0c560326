package io.switchboard.conformance.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code bench --proxy-quota}: its argument, and that without it a proxy starts as before. */
class CpuQuotaTest {
    @AfterEach
    void off() {
        CpuQuota.set(0);
    }

    @Test
    void withoutAQuotaTheCommandIsUnchanged() throws Exception {
        CpuQuota.set(0);
        List<String> cmd = List.of("taskset", "-c", "0", "haproxy", "-db");
        assertThat(CpuQuota.wrap("haproxy", cmd)).isSameAs(cmd);
    }

    @Test
    void aQuotaOutsideOneCoreIsRefusedWithTheOptionsName() {
        assertThatThrownBy(() -> CpuQuota.set(101)).hasMessageContaining("--proxy-quota").hasMessageContaining("101");
        assertThatThrownBy(() -> CpuQuota.set(-5)).hasMessageContaining("--proxy-quota");
        CpuQuota.set(80);
        assertThat(CpuQuota.percent()).isEqualTo(80);
    }
}
