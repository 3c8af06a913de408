package io.etcetera.server;

import io.etcetera.server.RequestFailedException.Reason;
import io.etcetera.server.pb.MemberRecord;

import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs a request where the leader is, for what only the leader can answer and Raft does not carry
 * (etcd's forwarding loops in {@code LeaseRenew} and {@code LeaseTimeToLive}): here when this
 * member leads; else at the member it knows as leader, over the peer URLs. When no leader is
 * known, or the one asked no longer leads ({@code NOT_LEADER}) or cannot be reached, it tries
 * again {@link #retryDelayMillis} later against whoever leads then, cycling through the leader's
 * peer URLs. It gives up at the request timeout, or after {@link #ATTEMPTS_MAX} attempts, with
 * {@code request timed out} ({@code no leader} when it knows none by then), as etcd does.
 *
 * <p>Thread-safe and non-blocking: an attempt runs on the thread that completed the previous one,
 * or on {@link CompletableFuture#delayedExecutor}'s after a pause; nothing waits.
 */
final class LeaderRoute {

    /** Attempts per request at most, whatever the timeout. */
    static final int ATTEMPTS_MAX = 100;

    /** A request sent to the leader at {@code peerUrl}, with {@code timeoutMillis} left. */
    interface AtLeader<T> {
        CompletableFuture<T> call(String peerUrl, long timeoutMillis);
    }

    private final long memberId;
    private final ReadyHandler readyHandler;
    private final Membership membership;
    private final InstantSource clock;
    private final long timeoutMillis;
    /** The pause before trying again: one heartbeat, in which a new leader makes itself known. */
    private final long retryDelayMillis;

    LeaderRoute(long memberId, ReadyHandler readyHandler, Membership membership,
            InstantSource clock, long timeoutMillis, long retryDelayMillis) {
        this.memberId = memberId;
        this.readyHandler = readyHandler;
        this.membership = membership;
        this.clock = clock;
        this.timeoutMillis = timeoutMillis;
        this.retryDelayMillis = retryDelayMillis;
    }

    /**
     * {@code here} when this member leads, else {@code atLeader} at the leader; retried while
     * leadership is unknown or moved. {@code here} must fail with {@code NOT_LEADER} or {@code
     * NO_LEADER} when this member turns out not to lead.
     */
    <T> CompletableFuture<T> route(Supplier<CompletableFuture<T>> here, AtLeader<T> atLeader) {
        CompletableFuture<T> result = new CompletableFuture<>();
        attempt(here, atLeader, clock.millis() + timeoutMillis, 0, result);
        return result;
    }

    private <T> void attempt(Supplier<CompletableFuture<T>> here, AtLeader<T> atLeader,
            long deadlineMillis, int attempt, CompletableFuture<T> result) {
        send(here, atLeader, deadlineMillis, attempt).whenComplete((answer, failure) -> {
            if (failure == null) {
                result.complete(answer);
                return;
            }
            Throwable cause = PeerFailures.unwrap(failure);
            if (!isRetryable(cause)) {
                result.completeExceptionally(cause);
                return;
            }
            if (attempt + 1 >= ATTEMPTS_MAX
                    || clock.millis() + retryDelayMillis >= deadlineMillis) {
                result.completeExceptionally(RequestFailedException.of(
                        readyHandler.leaderId() == 0 ? Reason.NO_LEADER : Reason.TIMEOUT));
                return;
            }
            CompletableFuture.delayedExecutor(retryDelayMillis, TimeUnit.MILLISECONDS).execute(
                    () -> attempt(here, atLeader, deadlineMillis, attempt + 1, result));
        });
    }

    private <T> CompletableFuture<T> send(Supplier<CompletableFuture<T>> here,
            AtLeader<T> atLeader, long deadlineMillis, int attempt) {
        long leaderId = readyHandler.leaderId();
        if (leaderId == memberId) {
            return here.get();
        }
        MemberRecord leader = leaderId == 0 ? null : membership.member(leaderId);
        if (leader == null || leader.getPeerUrlsCount() == 0) {
            return CompletableFuture.failedFuture(RequestFailedException.of(Reason.NO_LEADER));
        }
        List<String> urls = leader.getPeerUrlsList();
        long leftMillis = Math.max(1, deadlineMillis - clock.millis());
        return atLeader.call(urls.get(attempt % urls.size()), leftMillis);
    }

    /** Failures that another attempt, against whoever leads by then, may turn into an answer. */
    private static boolean isRetryable(Throwable failure) {
        if (!(failure instanceof RequestFailedException refused)) {
            return false;
        }
        return switch (refused.reason()) {
            case NO_LEADER, NOT_LEADER, LEADER_CHANGED -> true;
            default -> false;
        };
    }
}
