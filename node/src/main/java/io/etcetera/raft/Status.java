package io.etcetera.raft;

import io.etcetera.raft.pb.HardState;
import io.etcetera.raft.tracker.ClusterConfig;
import io.etcetera.raft.tracker.ProgressMap;

/**
 * A snapshot of a node's Raft state for monitoring and for decisions above Raft (e.g. whether a
 * learner has caught up enough to be promoted). Detached from the engine: changing the progress
 * copies has no effect on it, so a status may be handed to other threads.
 *
 * @param id this node's ID
 * @param hardState its term, vote and commit index
 * @param softState its leader and role
 * @param applied the last index the caller acknowledged as applied
 * @param leadTransferee the target of a leader transfer in progress, or 0
 * @param config the current cluster configuration
 * @param progress on a leader, a copy of every member's progress; empty otherwise
 */
public record Status(long id, HardState hardState, SoftState softState, long applied,
                     long leadTransferee, ClusterConfig config, ProgressMap progress) {}
