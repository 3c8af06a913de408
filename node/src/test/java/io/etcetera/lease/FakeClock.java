package io.etcetera.lease;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** A clock that moves only when a test advances it. Test thread only. */
final class FakeClock implements InstantSource {

    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public Instant instant() {
        return now;
    }

    void advance(Duration duration) {
        now = now.plus(duration);
    }

    void advanceNanos(long nanos) {
        now = now.plusNanos(nanos);
    }

    void advanceSeconds(long seconds) {
        now = now.plusSeconds(seconds);
    }
}
