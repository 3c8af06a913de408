package io.etcetera.server;

import java.time.Instant;
import java.time.InstantSource;

/** A clock tests move by hand. Not thread-safe: one test thread moves and reads it. */
final class TestClock implements InstantSource {

    private long millis;

    TestClock(long startMillis) {
        this.millis = startMillis;
    }

    void advance(long byMillis) {
        millis += byMillis;
    }

    @Override
    public long millis() {
        return millis;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis);
    }
}
