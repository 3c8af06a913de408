package io.etcetera.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private static final long MILLIS = 1_000_000;

    @Test
    void unlimitedNeverDelays() {
        RateLimiter limiter = RateLimiter.perSecond(0);

        for (int i = 0; i < 1000; i++) {
            assertThat(limiter.reserveNanos(0)).isZero();
        }
    }

    @Test
    void requestsAtOnceAreSpacedOneIntervalApart() {
        RateLimiter limiter = RateLimiter.perSecond(4);

        assertThat(limiter.reserveNanos(0)).isZero();
        assertThat(limiter.reserveNanos(0)).isEqualTo(250 * MILLIS);
        assertThat(limiter.reserveNanos(100 * MILLIS)).isEqualTo(400 * MILLIS);
    }

    @Test
    void idleTimeIsNotSavedUpAsBurst() {
        RateLimiter limiter = RateLimiter.perSecond(10);
        limiter.reserveNanos(0);

        assertThat(limiter.reserveNanos(5_000 * MILLIS)).isZero();
        assertThat(limiter.reserveNanos(5_000 * MILLIS)).isEqualTo(100 * MILLIS);
    }

    @Test
    void negativeRateIsRefused() {
        assertThatThrownBy(() -> RateLimiter.perSecond(-1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
