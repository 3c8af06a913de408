package io.etcetera.operator.plan;

import io.etcetera.operator.model.MemberName;
import java.util.List;

/**
 * The one thing to do next. Each step is idempotent when repeated on the same observation: the
 * executor checks what already happened (e.g. a member already removed) before acting.
 */
public sealed interface Step {

    /** Words for status.lastStep, Events and logs. */
    String describe();

    /** True for steps that change etcd's voting membership or leadership. */
    default boolean changesMembership() {
        return false;
    }

    /** Nothing to do now; {@code health} says how the cluster stands. */
    record Wait(Health health, String reason) implements Step {
        public String describe() {
            return "Wait: " + reason;
        }
    }

    /** Create the first member (and its claim); it starts a new cluster alone. */
    record Bootstrap(MemberName member, boolean restore) implements Step {
        public String describe() {
            return "Bootstrap " + member + (restore ? " from snapshot" : "");
        }
    }

    /** Create the Pod (and claim) of a member etcd already lists, with this initial cluster. */
    record CreatePod(MemberName member, List<MemberName> initialCluster) implements Step {
        public String describe() {
            return "CreatePod " + member;
        }
    }

    /** MemberAdd as learner: it does not vote, so adding it cannot cost quorum. */
    record AddLearner(MemberName member) implements Step {
        public String describe() {
            return "AddLearner " + member;
        }

        public boolean changesMembership() {
            return true;
        }
    }

    record PromoteLearner(MemberName member, long id) implements Step {
        public String describe() {
            return "PromoteLearner " + member;
        }

        public boolean changesMembership() {
            return true;
        }
    }

    /** Hand leadership to {@code to} before {@code from} is removed or restarted. */
    record MoveLeader(MemberName from, MemberName to, long toId) implements Step {
        public String describe() {
            return "MoveLeader " + from + " -> " + to;
        }

        public boolean changesMembership() {
            return true;
        }
    }

    /** Scale down: MemberRemove; the Pod goes in a later pass as an orphan. */
    record RemoveMember(MemberName member, long id) implements Step {
        public String describe() {
            return "RemoveMember " + member;
        }

        public boolean changesMembership() {
            return true;
        }
    }

    /** A failed member: MemberRemove, then delete its Pod and claim; a new member replaces it. */
    record ReplaceMember(MemberName member, long id, String why) implements Step {
        public String describe() {
            return "ReplaceMember " + member + " (" + why + ")";
        }

        public boolean changesMembership() {
            return true;
        }
    }

    /** A Pod whose member etcd no longer lists (its claim goes too under reclaim policy Delete). */
    record DeletePod(MemberName member) implements Step {
        public String describe() {
            return "DeletePod " + member;
        }
    }

    /** A claim no member uses, under reclaim policy Delete. */
    record DeleteVolume(MemberName member) implements Step {
        public String describe() {
            return "DeleteVolume " + member;
        }
    }

    /** Delete a Pod whose template is stale; CreatePod brings it back on its own volume. */
    record RollPod(MemberName member) implements Step {
        public String describe() {
            return "RollPod " + member;
        }
    }

    /** How the cluster stands while waiting. */
    enum Health { STABLE, PROGRESSING, DEGRADED }
}
