package io.etcetera.cluster.linearizability;

import static io.etcetera.cluster.linearizability.Operation.cas;
import static io.etcetera.cluster.linearizability.Operation.get;
import static io.etcetera.cluster.linearizability.Operation.put;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The checker on hand-made histories with a known answer, on random small histories against a
 * naive oracle, and on large histories made linearizable by construction (then broken by one
 * read). Times are small integers standing for nanoseconds.
 */
class LinearizabilityCheckerTest {

    private static Verdict check(Operation... history) {
        return LinearizabilityChecker.check(List.of(history), Budget.DEFAULT).verdict();
    }

    @Test
    void sequentialPutsAndReadsAreLinearizable() {
        assertThat(check(
                get(1, "k", null, 0, 1),
                put(1, "k", "a", 2, 3),
                get(2, "k", "a", 4, 5),
                cas(2, "k", "a", "b", true, 6, 7),
                cas(1, "k", "a", "c", false, 8, 9),
                get(1, "k", "b", 10, 11)))
                .isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void aReadAfterAnAcknowledgedWriteMustSeeIt() {
        assertThat(check(put(1, "k", "a", 0, 10), get(2, "k", null, 20, 30)))
                .isEqualTo(Verdict.VIOLATION);
    }

    @Test
    void readsConcurrentWithAWriteMaySeeEitherValueButNeverGoBack() {
        assertThat(check(
                put(1, "k", "a", 0, 100), get(2, "k", null, 10, 20), get(2, "k", "a", 30, 40)))
                .isEqualTo(Verdict.LINEARIZABLE);
        assertThat(check(
                put(1, "k", "a", 0, 100), get(2, "k", "a", 10, 20), get(3, "k", null, 30, 40)))
                .as("once a read saw the new value, a later read cannot see the old one")
                .isEqualTo(Verdict.VIOLATION);
    }

    @Test
    void twoCompareAndSetsFromOneValueCannotBothSucceed() {
        Operation first = put(1, "k", "a", 0, 1);
        assertThat(check(first, cas(2, "k", "a", "b", true, 5, 20),
                cas(3, "k", "a", "c", true, 6, 21)))
                .isEqualTo(Verdict.VIOLATION);
        assertThat(check(first, cas(2, "k", "a", "b", true, 5, 20),
                cas(3, "k", "a", "c", false, 6, 21), get(1, "k", "b", 30, 31)))
                .isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void aCompareAndSetThatFailedMustHaveSeenAnotherValue() {
        assertThat(check(put(1, "k", "a", 0, 1), cas(2, "k", "a", "b", false, 5, 6)))
                .isEqualTo(Verdict.VIOLATION);
        assertThat(check(cas(2, "k", null, "b", true, 0, 1), get(1, "k", "b", 2, 3)))
                .as("a CAS expecting null succeeds on an absent key")
                .isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void anUnknownWriteMayHaveHappenedOrNotButNotBoth() {
        Operation lost = put(1, "k", "a", 0, 1).withUnknownOutcome();
        assertThat(check(lost, get(2, "k", null, 50, 60))).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(check(lost, get(2, "k", "a", 50, 60))).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(check(lost, get(2, "k", "a", 50, 60), get(2, "k", null, 70, 80)))
                .isEqualTo(Verdict.VIOLATION);
        assertThat(check(lost, get(2, "k", null, 50, 60), get(2, "k", "a", 70, 80)))
                .as("it took effect late: it never returned, so any time after its call")
                .isEqualTo(Verdict.LINEARIZABLE);
        assertThat(check(get(2, "k", "a", 0, 1), put(1, "k", "a", 5, 6).withUnknownOutcome()))
                .as("but never before its call")
                .isEqualTo(Verdict.VIOLATION);
    }

    @Test
    void anUnknownCompareAndSetTakesEffectOnlyIfItsCompareHeld() {
        Operation maybe = cas(1, "k", "a", "b", true, 10, 11).withUnknownOutcome();
        assertThat(check(put(2, "k", "a", 0, 1), maybe, get(3, "k", "b", 20, 21)))
                .isEqualTo(Verdict.LINEARIZABLE);
        assertThat(check(put(2, "k", "z", 0, 1), maybe, get(3, "k", "b", 20, 21)))
                .isEqualTo(Verdict.VIOLATION);
    }

    @Test
    void keysAreCheckedApartAndTheBrokenOneIsNamed() {
        CheckResult result = LinearizabilityChecker.check(List.of(
                put(1, "a", "1", 0, 1), get(1, "a", "1", 2, 3),
                put(1, "b", "1", 0, 1), get(2, "b", "2", 2, 3)), Budget.DEFAULT);
        assertThat(result.verdict()).isEqualTo(Verdict.VIOLATION);
        assertThat(result.violations()).extracting(KeyResult::key).containsExactly("b");
        assertThat(result.violations().get(0).explanation()).contains("GET b = 2");
    }

    @Test
    void aSearchOutOfBudgetSaysUnknown() {
        List<Operation> history = linearizableHistory(new SplittableRandom(7), 400, 8);
        Budget tiny = new Budget(50, 1_000, Duration.ofMinutes(1));
        CheckResult result = LinearizabilityChecker.check(history, tiny);
        assertThat(result.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(result.describe()).contains("gave up after 50 steps");
    }

    @Test
    void aFailedCompareAndSetCanBeExplainedOnlyByAnUnknownWrite() {
        Operation first = put(1, "k", "a", 0, 1);
        Operation failed = cas(3, "k", "a", "x", false, 5, 6);
        assertThat(check(first, put(2, "k", "w", 2, 3).withUnknownOutcome(), failed))
                .isEqualTo(Verdict.LINEARIZABLE);
        assertThat(check(first, failed)).isEqualTo(Verdict.VIOLATION);
        assertThat(check(first, failed, put(2, "k", "w", 7, 8).withUnknownOutcome()))
                .as("the only write that could explain it began after it returned")
                .isEqualTo(Verdict.VIOLATION);
    }

    @Test
    void concurrentWritesTakeOneOrderThatEveryLaterReadAgreesOn() {
        Operation a = put(1, "k", "a", 0, 10);
        Operation b = put(2, "k", "b", 0, 10);
        assertThat(check(a, b, get(3, "k", "a", 5, 6), get(3, "k", "b", 11, 12)))
                .isEqualTo(Verdict.LINEARIZABLE);
        assertThat(check(a, b, get(3, "k", "b", 11, 12), get(4, "k", "a", 13, 14)))
                .isEqualTo(Verdict.VIOLATION);
        assertThat(check(a, b, get(3, "k", "b", 5, 6), get(4, "k", "a", 7, 8),
                get(5, "k", "b", 9, 12)))
                .as("b, then a, then b again: only two writes")
                .isEqualTo(Verdict.VIOLATION);
    }

    @Test
    void anUnknownWriteThatWasReadHappenedBeforeTheRead() {
        Operation lost = put(1, "k", "a", 0, 1).withUnknownOutcome();
        assertThat(check(lost, get(2, "k", "a", 10, 20), cas(3, "k", null, "b", true, 30, 40)))
                .isEqualTo(Verdict.VIOLATION);
        assertThat(check(lost, cas(3, "k", null, "b", true, 30, 40), get(2, "k", "a", 50, 60)))
                .as("it may also have happened after another write")
                .isEqualTo(Verdict.LINEARIZABLE);
        assertThat(check(lost, get(2, "k", "a", 10, 20), get(3, "k", "a", 30, 40),
                put(4, "k", "a", 50, 60)))
                .as("a value written twice resolves nothing, and still explains the reads")
                .isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void aChainOfUnknownWritesCanExplainARead() {
        Operation lostPut = put(1, "k", "a", 0, 1).withUnknownOutcome();
        Operation lostCas = cas(2, "k", "a", "b", true, 2, 3).withUnknownOutcome();
        assertThat(check(lostPut, lostCas, get(3, "k", "b", 10, 11)))
                .isEqualTo(Verdict.LINEARIZABLE);
        assertThat(check(lostPut, lostCas, get(3, "k", "b", 10, 11), get(3, "k", "a", 12, 13)))
                .isEqualTo(Verdict.VIOLATION);
    }

    /** Random histories of up to 7 operations: the checker agrees with the naive oracle. */
    @ParameterizedTest(name = "seeds from {0}, unique values {1}")
    @CsvSource({"0, false", "100000, false", "200000, true", "300000, true"})
    void agreesWithANaiveOracleOnSmallRandomHistories(long firstSeed, boolean unique) {
        int violations = 0;
        for (long seed = firstSeed; seed < firstSeed + 2_000; seed++) {
            List<Operation> history = smallRandomHistory(new SplittableRandom(seed), unique);
            boolean expected = NaiveLinearizability.isLinearizable(history);
            Verdict verdict = LinearizabilityChecker.check(history, Budget.DEFAULT).verdict();
            assertThat(verdict)
                    .as("seed %d: %s", seed, history)
                    .isEqualTo(expected ? Verdict.LINEARIZABLE : Verdict.VIOLATION);
            violations += expected ? 0 : 1;
        }
        assertThat(violations).as("both answers occur").isBetween(200, 1_800);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void largeLinearizableHistoriesPassAndOneStaleReadBreaksThem(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Operation> history = linearizableHistory(random, 3_000, 12);
        assertThat(LinearizabilityChecker.check(history, Budget.DEFAULT).verdict())
                .isEqualTo(Verdict.LINEARIZABLE);

        for (boolean stale : new boolean[] {false, true}) {
            List<Operation> broken = new ArrayList<>(history);
            int at = breakOneRead(broken, history.size() / 2, stale);
            CheckResult result = LinearizabilityChecker.check(broken, Budget.DEFAULT);
            assertThat(result.verdict()).as("stale %s: %s", stale, broken.get(at).describe())
                    .isEqualTo(Verdict.VIOLATION);
            assertThat(result.violations()).extracting(KeyResult::key)
                    .containsExactly(broken.get(at).key());
        }
    }

    /**
     * Makes the first read from {@code from} on that can be broken return a value it cannot see:
     * one never written, or (stale) one an acknowledged write replaced before the read began
     * (values are unique, so nothing writes it again). Returns the read's index.
     */
    private static int breakOneRead(List<Operation> history, int from, boolean stale) {
        for (int at = from; at < history.size(); at++) {
            Operation read = history.get(at);
            if (read.kind() != Operation.Kind.GET) {
                continue;
            }
            String value = stale ? replacedBefore(history, read) : "never-written";
            if (value != null && !value.equals(read.value())) {
                history.set(at, get(read.clientId(), read.key(), value, read.callNanos(),
                        read.returnNanos()));
                return at;
            }
        }
        throw new IllegalStateException("no read to break after " + from);
    }

    /** A value certainly overwritten before {@code read} began, or null if there is none. */
    private static String replacedBefore(List<Operation> history, Operation read) {
        List<Operation> done = history.stream()
                .filter(op -> op.key().equals(read.key()) && op.kind() != Operation.Kind.GET
                        && op.outcome() == Operation.Outcome.OK)
                .toList();
        for (Operation older : done) {
            for (Operation newer : done) {
                if (older.returnNanos() < newer.callNanos()
                        && newer.returnNanos() < read.callNanos()) {
                    return older.value();
                }
            }
        }
        return null;
    }

    /**
     * Up to 7 operations on two keys. With {@code unique} each write has its own value, which reads
     * and compares pick among (so unknown writes get resolved by what others saw); without, writes
     * share two values.
     */
    private static List<Operation> smallRandomHistory(SplittableRandom random, boolean unique) {
        int count = 1 + random.nextInt(7);
        String[] values = unique ? new String[count + 1] : new String[] {null, "a", "b"};
        for (int i = 1; unique && i <= count; i++) {
            values[i] = "w" + i;
        }
        List<Operation> history = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String key = random.nextInt(4) == 0 ? "k2" : "k1";
            long call = random.nextInt(20);
            long ret = call + random.nextInt(8);
            String value = unique ? values[i + 1] : values[1 + random.nextInt(2)];
            Operation op = switch (random.nextInt(3)) {
                case 0 -> get(i, key, values[random.nextInt(values.length)], call, ret);
                case 1 -> put(i, key, value, call, ret);
                default -> cas(i, key, values[random.nextInt(values.length)], value,
                        random.nextBoolean(), call, ret);
            };
            boolean lost = op.kind() != Operation.Kind.GET && random.nextInt(unique ? 3 : 5) == 0;
            history.add(lost ? op.withUnknownOutcome() : op);
        }
        return history;
    }

    /**
     * A history made linearizable by construction: operations take effect one at a time on a
     * model at increasing instants, and each client's interval stretches randomly around the
     * instant of its operation, so that many overlap; some writes lose their answer. Values are
     * unique. As in the fault tests, three keys are in use at a time and each is retired after
     * about a hundred operations for a fresh one, which keeps each key's search short.
     */
    static List<Operation> linearizableHistory(SplittableRandom random, int count, int clients) {
        Map<String, String> model = new HashMap<>();
        long[] clientFree = new long[clients];
        List<Operation> history = new ArrayList<>();
        long now = 0;
        for (int i = 0; i < count; i++) {
            int client = random.nextInt(clients);
            now = Math.max(now + 1 + random.nextInt(3), clientFree[client] + 1);
            long call = Math.max(clientFree[client] + 1, now - random.nextInt(40));
            long ret = now + random.nextInt(40);
            clientFree[client] = ret;
            String key = "k" + (i / 300 * 3 + random.nextInt(3));
            String current = model.get(key);
            String value = "v" + i;
            Operation op = switch (random.nextInt(3)) {
                case 0 -> get(client, key, current, call, ret);
                case 1 -> put(client, key, value, call, ret);
                default -> {
                    String expected = random.nextBoolean() ? current : "v" + random.nextInt(i + 1);
                    boolean swapped = Objects.equals(expected, current);
                    yield cas(client, key, expected, value, swapped, call, ret);
                }
            };
            boolean tookEffect = op.kind() == Operation.Kind.PUT
                    || (op.kind() == Operation.Kind.CAS && op.outcome() == Operation.Outcome.OK);
            if (tookEffect) {
                model.put(key, value);
            }
            boolean lost = op.kind() != Operation.Kind.GET && random.nextInt(20) == 0;
            history.add(lost ? op.withUnknownOutcome() : op);
        }
        return history;
    }
}
