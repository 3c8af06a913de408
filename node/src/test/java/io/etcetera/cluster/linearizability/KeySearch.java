package io.etcetera.cluster.linearizability;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The search for a linearization of the operations on one key: Wing and Gong's algorithm as Lowe
 * and Porcupine run it, with a memo of (operations linearized, state) pairs already explored.
 *
 * <p>The history becomes one list of call and return events in time order (a call before a return
 * at the same instant: they count as concurrent). The search walks the list: at a call it tries to
 * linearize that operation next, which the {@link Register} must allow and which must lead to a
 * pair not explored before; then it lifts the call and its return out of the list and starts again
 * from the head. Reaching a return means that operation must already have been linearized, so the
 * search undoes its last choice and tries the call after it. It succeeds once every operation that
 * returned is linearized: each pending one (it never returned, and may or may not have happened)
 * can then take effect after all the others, or never, since a pending write is legal in any
 * state. It fails when it must undo with nothing to undo.
 *
 * <p>Bounded by a {@link Budget}: past its steps, memo entries or time, the answer is {@link
 * Verdict#UNKNOWN}. Single-threaded; one instance per search.
 */
final class KeySearch {

    /** One call or return in the event list; a call and its return point at each other. */
    private static final class Event {
        final int id;
        final Operation operation;
        final boolean call;
        Event match;
        Event previous;
        Event next;

        Event(int id, Operation operation, boolean call) {
            this.id = id;
            this.operation = operation;
            this.call = call;
        }

        long time() {
            return call ? operation.callNanos() : operation.returnNanos();
        }
    }

    /** A choice made: the call linearized and the state before it, to undo it. */
    private record Choice(Event call, Register before) {}

    /** A (set linearized, state) pair already explored from. */
    private record Explored(BitSet linearized, Register state) {}

    private final String key;
    private final List<Operation> operations;
    private final Budget budget;
    private final long deadlineNanos;
    private final Event head = new Event(-1, null, true);
    private final Set<Explored> memo = new HashSet<>();
    private long steps;
    private int deepest = -1;
    private Operation stuckAt;

    KeySearch(String key, List<Operation> operations, Budget budget, long deadlineNanos) {
        this.key = key;
        this.operations = List.copyOf(operations);
        this.budget = budget;
        this.deadlineNanos = deadlineNanos;
        link();
    }

    private void link() {
        List<Event> events = new ArrayList<>(2 * operations.size());
        for (int id = 0; id < operations.size(); id++) {
            Event call = new Event(id, operations.get(id), true);
            Event ret = new Event(id, operations.get(id), false);
            call.match = ret;
            ret.match = call;
            events.add(call);
            events.add(ret);
        }
        events.sort(Comparator.comparingLong(Event::time).thenComparing(event -> !event.call));
        Event last = head;
        for (Event event : events) {
            last.next = event;
            event.previous = last;
            last = event;
        }
    }

    /** Runs the search to a verdict. */
    KeyResult run() {
        Register state = Register.ABSENT;
        BitSet linearized = new BitSet(operations.size());
        Deque<Choice> choices = new ArrayDeque<>();
        int returnedLeft = (int) operations.stream().filter(op -> !op.isPending()).count();
        Event event = head.next;
        while (returnedLeft > 0) {
            if (overBudget()) {
                return result(Verdict.UNKNOWN, "gave up after " + steps + " steps and "
                        + memo.size() + " explored states (" + budget + ")");
            }
            steps++;
            if (event.call) {
                Optional<Register> after = state.step(event.operation);
                if (after.isPresent() && explore(linearized, event.id, after.get())) {
                    choices.push(new Choice(event, state));
                    state = after.get();
                    lift(event);
                    returnedLeft -= event.operation.isPending() ? 0 : 1;
                    event = head.next;
                } else {
                    event = event.next;
                }
                continue;
            }
            noteDepth(choices.size(), event.operation);
            if (choices.isEmpty()) {
                return result(Verdict.VIOLATION, "no order explains the history: at most "
                        + deepest + " of " + operations.size()
                        + " operations linearize before " + stuckAt.describe());
            }
            Choice undone = choices.pop();
            state = undone.before();
            linearized.clear(undone.call().id);
            unlift(undone.call());
            returnedLeft += undone.call().operation.isPending() ? 0 : 1;
            event = undone.call().next;
        }
        return result(Verdict.LINEARIZABLE, "linearizable");
    }

    /** Marks {@code id} linearized if that leads somewhere new; leaves the set as it was if not. */
    private boolean explore(BitSet linearized, int id, Register after) {
        linearized.set(id);
        if (memo.add(new Explored((BitSet) linearized.clone(), after))) {
            return true;
        }
        linearized.clear(id);
        return false;
    }

    private boolean overBudget() {
        return steps >= budget.stepsMax()
                || memo.size() >= budget.exploredMax()
                || ((steps & 0xfff) == 0 && System.nanoTime() - deadlineNanos > 0);
    }

    private void noteDepth(int depth, Operation blocked) {
        if (depth > deepest) {
            deepest = depth;
            stuckAt = blocked;
        }
    }

    private KeyResult result(Verdict verdict, String explanation) {
        return new KeyResult(key, verdict, operations.size(), steps, explanation);
    }

    private static void lift(Event call) {
        call.previous.next = call.next;
        call.next.previous = call.previous;
        Event ret = call.match;
        ret.previous.next = ret.next;
        if (ret.next != null) {
            ret.next.previous = ret.previous;
        }
    }

    private static void unlift(Event call) {
        Event ret = call.match;
        ret.previous.next = ret;
        if (ret.next != null) {
            ret.next.previous = ret;
        }
        call.previous.next = call;
        call.next.previous = call;
    }
}
