package io.etcetera.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

/** Request IDs follow etcd's idutil layout: 16 bits of member, 40 of time, 8 of counter. */
class RequestIdsTest {

    @Test
    void idsCarryTheMemberPrefixAndCountUpFromTheStartTime() {
        long memberId = 0x8e9e05c52164694dL;
        long startMillis = 1_700_000_000_123L;
        RequestIds ids = new RequestIds(memberId, startMillis);
        long first = ids.next();
        assertThat(first >>> 48).isEqualTo(0x694dL);
        assertThat((first >>> 8) & ((1L << 40) - 1)).isEqualTo(startMillis & ((1L << 40) - 1));
        assertThat(first & 0xFF).isEqualTo(1);
        assertThat(ids.next()).isEqualTo(first + 1);
    }

    @Test
    void theCounterCarriesIntoTheTimeBitsAndNeverIntoTheMemberBits() {
        RequestIds ids = new RequestIds(0xFFFF, (1L << 40) - 1);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 600; i++) {
            long id = ids.next();
            assertThat(id >>> 48).isEqualTo(0xFFFFL);
            assertThat(seen.add(id)).isTrue();
        }
    }
}
