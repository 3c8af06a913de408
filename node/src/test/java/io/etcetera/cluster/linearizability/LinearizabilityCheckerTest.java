package io.etcetera.cluster.linearizability;

import static io.etcetera.cluster.linearizability.Operation.cas;
import static io.etcetera.cluster.linearizability.Operation.get;
import static io.etcetera.cluster.linearizability.Operation.put;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
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

    /** Random histories of up to 7 operations: the checker agrees with the naive oracle. */
    @ParameterizedTest(name = "seeds from {0}")
    @ValueSource(longs = {0, 100_000})
    void agreesWithANaiveOracleOnSmallRandomHistories(long firstSeed) {
        int violations = 0;
        for (long seed = firstSeed; seed < firstSeed + 2_000; seed++) {
            List<Operation> history = smallRandomHistory(new SplittableRandom(seed));
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

        List<Operation> broken = new ArrayList<>(history);
        int at = firstReadOfWrittenValue(broken, history.size() / 2);
        Operation read = broken.get(at);
        broken.set(at, get(read.clientId(), read.key(), "never-written", read.callNanos(),
                read.returnNanos()));
        CheckResult result = LinearizabilityChecker.check(broken, Budget.DEFAULT);
        assertThat(result.verdict()).isEqualTo(Verdict.VIOLATION);
        assertThat(result.violations()).extracting(KeyResult::key).containsExactly(read.key());
    }

    private static int firstReadOfWrittenValue(List<Operation> history, int from) {
        for (int at = from; at < history.size(); at++) {
            if (history.get(at).kind() == Operation.Kind.GET && history.get(at).value() != null) {
                return at;
            }
        }
        throw new IllegalStateException("no read of a written value after " + from);
    }

    private static List<Operation> smallRandomHistory(SplittableRandom random) {
        String[] values = {null, "a", "b"};
        List<Operation> history = new ArrayList<>();
        int count = 1 + random.nextInt(7);
        for (int i = 0; i < count; i++) {
            String key = random.nextInt(4) == 0 ? "k2" : "k1";
            long call = random.nextInt(20);
            long ret = call + random.nextInt(8);
            String value = values[1 + random.nextInt(2)];
            Operation op = switch (random.nextInt(3)) {
                case 0 -> get(i, key, values[random.nextInt(3)], call, ret);
                case 1 -> put(i, key, value, call, ret);
                default -> cas(i, key, values[random.nextInt(3)], value, random.nextBoolean(),
                        call, ret);
            };
            history.add(op.kind() != Operation.Kind.GET && random.nextInt(5) == 0
                    ? op.withUnknownOutcome() : op);
        }
        return history;
    }

    /**
     * A history made linearizable by construction: operations take effect one at a time on a
     * model at increasing instants, and each client's interval stretches randomly around the
     * instant of its operation, so that many overlap; some writes lose their answer.
     */
    static List<Operation> linearizableHistory(SplittableRandom random, int count, int clients) {
        String[] keys = {"k0", "k1", "k2"};
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
            String key = keys[random.nextInt(keys.length)];
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
