package io.etcetera.operator.reconcile;

import io.etcetera.operator.model.MemberCommands;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/** The operator's settings ({@code etcetera.operator.*}, or ETCETERA_OPERATOR_* variables). */
@ConfigMapping(prefix = "etcetera.operator")
public interface OperatorConfig {

    /** Member image commands. */
    Member member();

    /** Deadline of each unary call to a member. */
    @WithDefault("2s")
    Duration callTimeout();

    /** Deadline of one snapshot stream. */
    @WithDefault("10m")
    Duration snapshotTimeout();

    /** Next pass while a change is under way. */
    @WithDefault("2s")
    Duration progressInterval();

    /** Next pass of a stable cluster (health checks, schedules). */
    @WithDefault("15s")
    Duration steadyInterval();

    /** A learner within this many Raft entries of the leader may be promoted. */
    @WithDefault("1000")
    long catchUpEntriesMax();

    /** Claims named in volume destinations are mounted at {@code <root>/<claimName>}. */
    @WithDefault("/var/lib/etcetera/snapshots")
    String snapshotVolumeRoot();

    interface Member {
        /** The member command in the image (etcd's flags follow as args). */
        @WithDefault("etcd")
        List<String> command();

        /** The image's restore command ({@code etcdctl snapshot restore}'s arguments follow). */
        @WithDefault("etcdctl,snapshot,restore")
        List<String> restoreCommand();

        /** Image with sh and curl that fetches a bootstrap snapshot from S3. */
        @WithDefault(MemberCommands.DEFAULT_S3_FETCH_IMAGE)
        String s3FetchImage();
    }
}
