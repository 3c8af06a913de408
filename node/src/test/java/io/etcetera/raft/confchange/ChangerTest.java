package io.etcetera.raft.confchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcetera.raft.pb.ConfChange;
import io.etcetera.raft.pb.ConfChangeSingle;
import io.etcetera.raft.pb.ConfChangeTransition;
import io.etcetera.raft.pb.ConfChangeType;
import io.etcetera.raft.pb.ConfChangeV2;
import io.etcetera.raft.pb.ConfState;
import io.etcetera.raft.tracker.ClusterConfig;
import io.etcetera.raft.tracker.ProgressTracker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ChangerTest {

    private static final long LAST_INDEX = 10;

    private static ConfChangeSingle change(ConfChangeType type, long id) {
        return ConfChangeSingle.newBuilder().setType(type).setNodeId(id).build();
    }

    private static ConfChangeSingle voter(long id) {
        return change(ConfChangeType.CONF_CHANGE_ADD_NODE, id);
    }

    private static ConfChangeSingle learner(long id) {
        return change(ConfChangeType.CONF_CHANGE_ADD_LEARNER_NODE, id);
    }

    private static ConfChangeSingle remove(long id) {
        return change(ConfChangeType.CONF_CHANGE_REMOVE_NODE, id);
    }

    private static ProgressTracker tracker() {
        return new ProgressTracker(10, Long.MAX_VALUE);
    }

    /** Applies {@code result} to {@code tracker} and returns it, for chaining changes. */
    private static ClusterConfig switchTo(ProgressTracker tracker, Changer.Result result) {
        tracker.switchTo(result.config(), result.progress());
        return result.config();
    }

    @Test
    void simpleChangesAddAndRemoveOneVoterAtATime() {
        ProgressTracker tracker = tracker();
        switchTo(tracker, new Changer(tracker, LAST_INDEX).simple(List.of(voter(1))));
        ClusterConfig config = switchTo(tracker,
                new Changer(tracker, LAST_INDEX).simple(List.of(voter(2), learner(3))));
        assertThat(config).hasToString("voters=(1 2) learners=(3)");
        assertThat(tracker.progress().get(2).next()).as("new members probe from the last index")
                .isEqualTo(LAST_INDEX);
        assertThatThrownBy(() -> new Changer(tracker, LAST_INDEX)
                .simple(List.of(voter(3), voter(4))))
                .isInstanceOf(InvalidConfChangeException.class)
                .hasMessageContaining("more than one voter changed");
        assertThatThrownBy(() -> new Changer(tracker, LAST_INDEX)
                .simple(List.of(remove(1), remove(2))))
                .isInstanceOf(InvalidConfChangeException.class)
                .hasMessageContaining("removed all voters");
        assertThat(tracker.config()).as("a refused change leaves the tracker alone")
                .isEqualTo(config);
    }

    @Test
    void jointConsensusDemotesOutgoingVotersOnlyWhenLeft() {
        ProgressTracker tracker = tracker();
        switchTo(tracker, Changer.restore(tracker, LAST_INDEX,
                ConfState.newBuilder().addAllVoters(List.of(1L, 2L, 3L)).build()));
        ClusterConfig joint = switchTo(tracker, new Changer(tracker, LAST_INDEX)
                .enterJoint(true, List.of(learner(3), voter(4))));
        assertThat(joint).hasToString(
                "voters=(1 2 4)&&(1 2 3) learners_next=(3) autoleave");
        assertThat(tracker.progress().get(3).isLearner()).isFalse();
        assertThatThrownBy(() -> new Changer(tracker, LAST_INDEX).simple(List.of(voter(5))))
                .isInstanceOf(InvalidConfChangeException.class);
        assertThatThrownBy(() -> new Changer(tracker, LAST_INDEX).enterJoint(false, List.of()))
                .isInstanceOf(InvalidConfChangeException.class);
        ClusterConfig left = switchTo(tracker, new Changer(tracker, LAST_INDEX).leaveJoint());
        assertThat(left).hasToString("voters=(1 2 4) learners=(3)");
        assertThat(tracker.progress().get(3).isLearner()).isTrue();
        assertThatThrownBy(() -> new Changer(tracker, LAST_INDEX).leaveJoint())
                .isInstanceOf(InvalidConfChangeException.class);
    }

    @Test
    void transitionDecidesBetweenSimpleAndJoint() {
        ConfChangeV2 single = ConfChangeV2.newBuilder().addChanges(voter(2)).build();
        ConfChangeV2 two = ConfChangeV2.newBuilder().addChanges(voter(2)).addChanges(voter(3))
                .build();
        ConfChangeV2 explicit = single.toBuilder()
                .setTransition(ConfChangeTransition.CONF_CHANGE_TRANSITION_JOINT_EXPLICIT).build();
        assertThat(Changer.entersJoint(single)).isFalse();
        assertThat(Changer.entersJoint(two)).isTrue();
        assertThat(Changer.autoLeaves(two)).isTrue();
        assertThat(Changer.entersJoint(explicit)).isTrue();
        assertThat(Changer.autoLeaves(explicit)).isFalse();
        assertThat(Changer.leavesJoint(ConfChangeV2.getDefaultInstance())).isTrue();
        ConfChangeV2 converted = Changer.toV2(ConfChange.newBuilder()
                .setType(ConfChangeType.CONF_CHANGE_REMOVE_NODE).setNodeId(7).build());
        assertThat(converted.getChangesList()).containsExactly(remove(7));
    }

    /** A deliberately naive model of etcd's membership rules, over plain sets. */
    private static final class Model {
        TreeSet<Long> incoming = new TreeSet<>();
        TreeSet<Long> outgoing;
        TreeSet<Long> learners = new TreeSet<>();
        TreeSet<Long> learnersNext = new TreeSet<>();
        boolean autoLeave;

        Model copy() {
            Model copy = new Model();
            copy.incoming = new TreeSet<>(incoming);
            copy.outgoing = outgoing == null ? null : new TreeSet<>(outgoing);
            copy.learners = new TreeSet<>(learners);
            copy.learnersNext = new TreeSet<>(learnersNext);
            copy.autoLeave = autoLeave;
            return copy;
        }

        boolean member(long id) {
            return incoming.contains(id) || learners.contains(id)
                    || (outgoing != null && outgoing.contains(id));
        }

        /** Returns false when the change must be refused. */
        boolean apply(List<ConfChangeSingle> changes) {
            for (ConfChangeSingle change : changes) {
                long id = change.getNodeId();
                switch (change.getType()) {
                    case CONF_CHANGE_ADD_NODE -> {
                        incoming.add(id);
                        learners.remove(id);
                        learnersNext.remove(id);
                    }
                    case CONF_CHANGE_ADD_LEARNER_NODE -> {
                        if (!learners.contains(id)) {
                            incoming.remove(id);
                            learnersNext.remove(id);
                            if (outgoing != null && outgoing.contains(id)) {
                                learnersNext.add(id);
                            } else {
                                learners.add(id);
                            }
                        }
                    }
                    case CONF_CHANGE_REMOVE_NODE -> {
                        incoming.remove(id);
                        learners.remove(id);
                        learnersNext.remove(id);
                    }
                    default -> throw new IllegalArgumentException();
                }
            }
            return !incoming.isEmpty();
        }

        String describe() {
            StringBuilder text = new StringBuilder("voters=").append(ids(incoming));
            if (outgoing != null) {
                text.append("&&").append(ids(outgoing));
            }
            if (!learners.isEmpty()) {
                text.append(" learners=").append(ids(learners));
            }
            if (!learnersNext.isEmpty()) {
                text.append(" learners_next=").append(ids(learnersNext));
            }
            return text.append(autoLeave ? " autoleave" : "").toString();
        }

        private static String ids(TreeSet<Long> ids) {
            StringBuilder text = new StringBuilder("(");
            for (long id : ids) {
                text.append(text.length() > 1 ? " " : "").append(Long.toHexString(id));
            }
            return text.append(')').toString();
        }
    }

    private static List<ConfChangeSingle> randomChanges(SplittableRandom random, int max) {
        List<ConfChangeSingle> changes = new ArrayList<>();
        int count = 1 + random.nextInt(max);
        for (int i = 0; i < count; i++) {
            long id = 1 + random.nextInt(6);
            changes.add(switch (random.nextInt(3)) {
                case 0 -> voter(id);
                case 1 -> learner(id);
                default -> remove(id);
            });
        }
        return changes;
    }

    /** A transition to try: what the model expects, and the changer call. */
    private record Step(Model expected, boolean allowed,
                        Function<Changer, Changer.Result> call) {}

    private static Step randomStep(SplittableRandom random, Model model) {
        Model next = model.copy();
        switch (random.nextInt(3)) {
            case 0 -> {
                List<ConfChangeSingle> changes = randomChanges(random, 2);
                boolean allowed = model.outgoing == null && next.apply(changes)
                        && symmetricDifference(model.incoming, next.incoming) <= 1;
                return new Step(next, allowed, changer -> changer.simple(changes));
            }
            case 1 -> {
                List<ConfChangeSingle> changes = randomChanges(random, 3);
                boolean autoLeave = random.nextBoolean();
                next.outgoing = new TreeSet<>(model.incoming);
                boolean allowed = model.outgoing == null && next.apply(changes);
                next.autoLeave = autoLeave;
                return new Step(next, allowed, changer -> changer.enterJoint(autoLeave, changes));
            }
            default -> {
                next.learners.addAll(next.learnersNext);
                next.learnersNext.clear();
                next.outgoing = null;
                next.autoLeave = false;
                return new Step(next, model.outgoing != null, Changer::leaveJoint);
            }
        }
    }

    /**
     * Random sequences of simple, joint and leave transitions: the changer agrees with the naive
     * model on what is refused and on the resulting configuration; every configuration survives a
     * round trip through its ConfState; the progress map holds exactly the members.
     */
    @Test
    void agreesWithNaiveModelAndRoundTripsThroughConfState() {
        int[] outcomes = new int[2];
        for (long seed = 0; seed < 400; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            ProgressTracker tracker = tracker();
            Model model = new Model();
            switchTo(tracker, new Changer(tracker, LAST_INDEX).simple(List.of(voter(1))));
            model.incoming.add(1L);
            for (int step = 0; step < 40; step++) {
                String context = "seed " + seed + " step " + step;
                Step attempt = randomStep(random, model);
                Changer.Result result;
                try {
                    result = attempt.call().apply(new Changer(tracker, LAST_INDEX));
                } catch (InvalidConfChangeException refused) {
                    result = null;
                }
                assertThat(result != null).as(context + ": accepted").isEqualTo(attempt.allowed());
                outcomes[result != null ? 1 : 0]++;
                if (result != null) {
                    switchTo(tracker, result);
                    model = attempt.expected();
                }
                assertThat(tracker.config().toString()).as(context).isEqualTo(model.describe());
                Model members = model;
                assertThat(Arrays.stream(tracker.progress().ids()).allMatch(members::member))
                        .as(context).isTrue();
                assertThat(tracker.progress().size()).as(context)
                        .isEqualTo(members.incoming.size() + members.learners.size()
                                + (members.outgoing == null ? 0 : (int) members.outgoing.stream()
                                .filter(id -> !members.incoming.contains(id)).count()));
                ProgressTracker restored = tracker();
                Changer.restore(restored, LAST_INDEX, tracker.config().toConfState());
                assertThat(restored.config()).as(context).isEqualTo(tracker.config());
            }
        }
        assertThat(outcomes[0]).as("refused transitions").isGreaterThan(1000);
        assertThat(outcomes[1]).as("accepted transitions").isGreaterThan(1000);
    }

    private static int symmetricDifference(TreeSet<Long> left, TreeSet<Long> right) {
        int difference = 0;
        for (long id : left) {
            difference += right.contains(id) ? 0 : 1;
        }
        for (long id : right) {
            difference += left.contains(id) ? 0 : 1;
        }
        return difference;
    }
}
