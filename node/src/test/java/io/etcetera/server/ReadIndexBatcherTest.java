package io.etcetera.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcetera.raft.ReadState;
import io.etcetera.server.RequestFailedException.Reason;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Linearizable reads share read-index rounds: reads that arrive while a round is in flight wait for
 * the next one, and a round completes only once the member applied up to its read index.
 */
class ReadIndexBatcherTest {

    private static final long TIMEOUT_MILLIS = 7000;

    private final TestClock clock = new TestClock(1_000_000);
    private final RaftInbox inbox = new RaftInbox();
    private final AppliedIndex applied = new AppliedIndex(3, 1);
    private final ReadIndexBatcher batcher =
            new ReadIndexBatcher(inbox, applied, new RequestIds(1, 0), clock, TIMEOUT_MILLIS);

    @Test
    void readsDuringARoundShareTheNextRoundAndWaitForTheAppliedIndex() {
        CompletableFuture<Void> first = batcher.barrier();
        RaftEvent.ReadIndex round1 = (RaftEvent.ReadIndex) inbox.poll();
        CompletableFuture<Void> second = batcher.barrier();
        CompletableFuture<Void> third = batcher.barrier();
        assertThat(second).as("joined the next round").isSameAs(third).isNotSameAs(first);
        assertThat(inbox.poll()).as("one round in flight at a time").isNull();

        batcher.onReadStates(List.of(new ReadState(5, round1.context())));
        assertThat(first).as("applied 3 < read index 5").isNotDone();
        RaftEvent.ReadIndex round2 = (RaftEvent.ReadIndex) inbox.poll();
        assertThat(round2.context()).isNotEqualTo(round1.context());

        applied.advance(5, 1);
        assertThat(first).isCompleted();
        assertThat(second).isNotDone();
        batcher.onReadStates(List.of(new ReadState(4, round2.context())));
        assertThat(second).as("applied 5 >= read index 4").isCompleted();
        assertThat(inbox.poll()).as("no reads left, no round").isNull();
    }

    @Test
    void aNewLeaderGetsTheRoundInFlightAtOnce() {
        CompletableFuture<Void> first = batcher.barrier();
        RaftEvent.ReadIndex sent = (RaftEvent.ReadIndex) inbox.poll();
        batcher.onLeaderChange(0);
        assertThat(inbox.poll()).as("no leader to ask").isNull();
        batcher.onLeaderChange(7);
        RaftEvent.ReadIndex resent = (RaftEvent.ReadIndex) inbox.poll();
        assertThat(resent.context()).isEqualTo(sent.context());
        batcher.onReadStates(List.of(new ReadState(3, resent.context())));
        assertThat(first).isCompleted();
    }

    @Test
    void aSlowRoundIsResentAndTimesOutAfterTheRequestTimeout() {
        CompletableFuture<Void> read = batcher.barrier();
        RaftEvent.ReadIndex sent = (RaftEvent.ReadIndex) inbox.poll();
        clock.advance(ReadIndexBatcher.RETRY_MILLIS - 1);
        batcher.sweep();
        assertThat(inbox.poll()).isNull();
        clock.advance(1);
        batcher.sweep();
        assertThat(((RaftEvent.ReadIndex) inbox.poll()).context()).isEqualTo(sent.context());
        clock.advance(TIMEOUT_MILLIS);
        batcher.sweep();
        assertThat(failureOf(read)).isEqualTo(Reason.TIMEOUT);
        batcher.onReadStates(List.of(new ReadState(3, sent.context())));
        assertThat(inbox.poll()).as("a late answer to a failed round is ignored").isNull();
    }

    private static Reason failureOf(CompletableFuture<Void> future) {
        assertThat(future).isCompletedExceptionally();
        try {
            future.join();
            throw new AssertionError("not failed");
        } catch (CompletionException e) {
            return ((RequestFailedException) e.getCause()).reason();
        }
    }
}
