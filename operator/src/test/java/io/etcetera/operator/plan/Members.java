package io.etcetera.operator.plan;

import io.etcetera.operator.model.MemberName;
import java.time.Instant;

/** Test builder for {@link ObservedMember}: a healthy, current voter unless told otherwise. */
final class Members {

    static final String CLUSTER = "c";
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private MemberName name;
    private long id;
    private boolean learner;
    private boolean started = true;
    private boolean podExists = true;
    private boolean podReady = true;
    private Instant unreadySince;
    private boolean podCurrent = true;
    private boolean volumeExists = true;
    private boolean reachable = true;
    private long raftIndex = 100;
    private boolean leader;

    static Members voter(int ordinal) {
        Members m = new Members();
        m.name = new MemberName(CLUSTER, ordinal);
        m.id = 1000 + ordinal;
        return m;
    }

    static Members learner(int ordinal) {
        Members m = voter(ordinal);
        m.learner = true;
        return m;
    }

    /** A Pod and claim without a member in etcd's list. */
    static Members orphan(int ordinal) {
        Members m = voter(ordinal);
        m.id = 0;
        m.started = false;
        m.reachable = false;
        return m;
    }

    Members leader() {
        leader = true;
        return this;
    }

    Members unstarted() {
        started = false;
        podExists = false;
        volumeExists = false;
        reachable = false;
        podReady = false;
        return this;
    }

    Members down(Instant since) {
        podReady = false;
        reachable = false;
        unreadySince = since;
        return this;
    }

    Members noPod() {
        podExists = false;
        podReady = false;
        reachable = false;
        return this;
    }

    Members noVolume() {
        volumeExists = false;
        return this;
    }

    Members stale() {
        podCurrent = false;
        return this;
    }

    Members raftIndex(long index) {
        raftIndex = index;
        return this;
    }

    ObservedMember build() {
        return new ObservedMember(name, id, learner, started, podExists, podReady, unreadySince,
                podCurrent, volumeExists, reachable, raftIndex, leader);
    }
}
