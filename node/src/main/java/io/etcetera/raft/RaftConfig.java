package io.etcetera.raft;

import java.util.random.RandomGenerator;

/**
 * How one Raft node is set up. Build with {@link #builder}; {@link Builder#build} validates and
 * throws {@link IllegalArgumentException} naming the offending setting.
 *
 * <p>Immutable (the storage and random generator it points to are not, and belong to the raft
 * thread). Limits use {@link Long#MAX_VALUE} for "no limit".
 *
 * @param id this node's ID; not 0
 * @param electionTicks ticks without hearing from a leader before a follower campaigns; the
 *     actual timeout is drawn from {@code [electionTicks, 2 * electionTicks)}; above heartbeatTicks
 * @param heartbeatTicks ticks between a leader's heartbeats; at least 1
 * @param storage the persisted log, read only by the engine
 * @param applied the last index the caller had applied before a restart; committed entries up to
 *     it are not handed out again. NB: the configuration restarts from the storage's ConfState
 *     (a snapshot's), so every committed conf change above the snapshot must be applied again:
 *     pass no more than the snapshot's index unless no conf change lies between the two
 * @param msgBytesMax encoded bytes of entries per append message; one entry is always sent
 * @param inflightCountMax append messages in flight to one follower
 * @param inflightBytesMax payload bytes in flight to one follower; at least msgBytesMax
 * @param uncommittedBytesMax payload bytes the leader's uncommitted tail may hold before proposals
 *     are dropped
 * @param committedEntriesBytesMax encoded bytes of committed entries handed out for applying and
 *     not yet acknowledged by {@link RawNode#advance}
 * @param checkQuorum a leader steps down if it has not heard from a quorum within an election
 *     timeout, and followers ignore votes while they hear from their leader
 * @param preVote run a pre-election (thesis §9.6) before increasing the term
 * @param readOnlyOption how the leader confirms ReadIndex requests
 * @param disableProposalForwarding followers drop proposals instead of forwarding to the leader
 * @param stepDownOnRemoval a leader removed (or demoted) by a conf change steps down at once
 * @param random source of the randomized election timeout; seeded in tests
 */
public record RaftConfig(long id, int electionTicks, int heartbeatTicks, Storage storage,
                         long applied, long msgBytesMax, int inflightCountMax,
                         long inflightBytesMax, long uncommittedBytesMax,
                         long committedEntriesBytesMax, boolean checkQuorum, boolean preVote,
                         ReadOnlyOption readOnlyOption, boolean disableProposalForwarding,
                         boolean stepDownOnRemoval, RandomGenerator random) {

    public RaftConfig {
        require(id != 0, "id must not be 0 (it means \"no node\")");
        require(heartbeatTicks > 0, "heartbeatTicks must be positive, was " + heartbeatTicks);
        require(electionTicks > heartbeatTicks, "electionTicks (" + electionTicks
                + ") must be greater than heartbeatTicks (" + heartbeatTicks + ")");
        require(storage != null, "storage must be set");
        require(applied >= 0, "applied must not be negative, was " + applied);
        require(msgBytesMax >= 0, "msgBytesMax must not be negative, was " + msgBytesMax);
        require(inflightCountMax > 0, "inflightCountMax must be positive, was " + inflightCountMax);
        require(inflightBytesMax >= msgBytesMax && inflightBytesMax > 0, "inflightBytesMax ("
                + inflightBytesMax + ") must be positive and at least msgBytesMax ("
                + msgBytesMax + ")");
        require(uncommittedBytesMax > 0,
                "uncommittedBytesMax must be positive, was " + uncommittedBytesMax);
        require(committedEntriesBytesMax > 0,
                "committedEntriesBytesMax must be positive, was " + committedEntriesBytesMax);
        require(readOnlyOption != null, "readOnlyOption must be set");
        require(readOnlyOption != ReadOnlyOption.LEASE_BASED || checkQuorum,
                "checkQuorum must be enabled when readOnlyOption is LEASE_BASED");
        require(random != null, "random must be set (seed it in tests)");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("invalid raft config: " + message);
        }
    }

    /**
     * A builder with etcd raft's defaults: 10 election ticks, 1 heartbeat tick, 1 MiB per
     * message and per apply batch, 256 messages in flight, no byte limits on the in-flight window
     * and the uncommitted tail, CheckQuorum and PreVote off, safe ReadIndex. One exception:
     * stepDownOnRemoval is on, since a removed leader that stays leader (dropping every proposal)
     * keeps its followers forever; etcd announces this behaviour will become unconditional.
     */
    public static Builder builder(long id, Storage storage, RandomGenerator random) {
        return new Builder(id, storage, random);
    }

    /** Collects settings for a {@link RaftConfig}; not thread-safe. */
    public static final class Builder {
        private final long id;
        private final Storage storage;
        private final RandomGenerator random;
        private int electionTicks = 10;
        private int heartbeatTicks = 1;
        private long applied;
        private long msgBytesMax = 1 << 20;
        private int inflightCountMax = 256;
        private long inflightBytesMax = Long.MAX_VALUE;
        private long uncommittedBytesMax = Long.MAX_VALUE;
        private long committedEntriesBytesMax = 1 << 20;
        private boolean checkQuorum;
        private boolean preVote;
        private ReadOnlyOption readOnlyOption = ReadOnlyOption.SAFE;
        private boolean disableProposalForwarding;
        private boolean stepDownOnRemoval = true;

        private Builder(long id, Storage storage, RandomGenerator random) {
            this.id = id;
            this.storage = storage;
            this.random = random;
        }

        public Builder electionTicks(int ticks) {
            this.electionTicks = ticks;
            return this;
        }

        public Builder heartbeatTicks(int ticks) {
            this.heartbeatTicks = ticks;
            return this;
        }

        public Builder applied(long index) {
            this.applied = index;
            return this;
        }

        public Builder msgBytesMax(long bytes) {
            this.msgBytesMax = bytes;
            return this;
        }

        public Builder inflightCountMax(int count) {
            this.inflightCountMax = count;
            return this;
        }

        public Builder inflightBytesMax(long bytes) {
            this.inflightBytesMax = bytes;
            return this;
        }

        public Builder uncommittedBytesMax(long bytes) {
            this.uncommittedBytesMax = bytes;
            return this;
        }

        public Builder committedEntriesBytesMax(long bytes) {
            this.committedEntriesBytesMax = bytes;
            return this;
        }

        public Builder checkQuorum(boolean enabled) {
            this.checkQuorum = enabled;
            return this;
        }

        public Builder preVote(boolean enabled) {
            this.preVote = enabled;
            return this;
        }

        public Builder readOnlyOption(ReadOnlyOption option) {
            this.readOnlyOption = option;
            return this;
        }

        public Builder disableProposalForwarding(boolean disabled) {
            this.disableProposalForwarding = disabled;
            return this;
        }

        public Builder stepDownOnRemoval(boolean enabled) {
            this.stepDownOnRemoval = enabled;
            return this;
        }

        /** The validated configuration. */
        public RaftConfig build() {
            return new RaftConfig(id, electionTicks, heartbeatTicks, storage, applied, msgBytesMax,
                    inflightCountMax, inflightBytesMax, uncommittedBytesMax,
                    committedEntriesBytesMax, checkQuorum, preVote, readOnlyOption,
                    disableProposalForwarding, stepDownOnRemoval, random);
        }
    }
}
