package io.switchboard.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.switchboard.config.Limits;

/** Per-client limits: an IPv6 client is counted by its /64, which it may pick addresses from at will. */
class AdmissionTest {
    private static Limits onePerClient() throws Exception {
        return io.switchboard.config.ConfigLoader.parse("""
                pools:
                  p: {backends: [127.0.0.1:9]}
                routes:
                  - {path: /, pool: p}
                limits: {max-connections-per-ip: 1}
                """, "test.yaml").limits();
    }

    @Test
    void anIpv6ClientIsCountedByItsSlash64() throws Exception {
        Admission admission = new Admission();
        Admission.Refusal[] why = new Admission.Refusal[1];
        Limits limits = onePerClient();
        Admission.Ticket first = admission.admit("2001:db8:1:2::1", limits, why);
        assertThat(first).isNotNull();
        assertThat(admission.admit("2001:db8:1:2:ffff::9", limits, why)).as("same /64, another address").isNull();
        assertThat(why[0].status()).isEqualTo(429);
        assertThat(why[0].reason()).contains("2001:db8:1:2::/64");
        Admission.Ticket other = admission.admit("2001:db8:1:3::1", limits, why);
        assertThat(other).as("the next /64 is another client").isNotNull();
        first.close();
        assertThat(admission.admit("2001:db8:1:2::2", limits, why)).as("freed by the first closing").isNotNull();
    }

    @Test
    void ipv4AndMappedAddressesAreCountedAlike() {
        assertThat(Admission.clientKey("192.0.2.7")).isEqualTo("192.0.2.7");
        assertThat(Admission.clientKey("::ffff:192.0.2.7")).isEqualTo("192.0.2.7");
        assertThat(Admission.clientKey("0:0:0:0:0:0:0:1")).isEqualTo("0:0:0:0::/64");
    }
}
