package io.etcetera.raft;

import com.google.protobuf.ByteString;
import io.etcetera.raft.DataDrivenScript.Command;
import io.etcetera.raft.confchange.InvalidConfChangeException;
import io.etcetera.raft.pb.ConfChange;
import io.etcetera.raft.pb.ConfChangeSingle;
import io.etcetera.raft.pb.ConfChangeTransition;
import io.etcetera.raft.pb.ConfChangeType;
import io.etcetera.raft.pb.ConfChangeV2;
import io.etcetera.raft.pb.ConfState;
import io.etcetera.raft.pb.MessageType;
import io.etcetera.raft.pb.Snapshot;
import io.etcetera.raft.pb.SnapshotMetadata;
import io.etcetera.raft.tracker.ClusterConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The commands of the interaction scripts, one handler each, over an {@link InteractionEnv}.
 * Nodes are named by their ID (1-based). Errors the engine reports to callers (dropped
 * proposals, rejected messages, invalid conf changes) are printed; anything else fails the test.
 */
final class InteractionCommands {

    /**
     * Randomized election timeouts are exactly electionTicks in scripts, so that
     * {@code tick-election} triggers an election deterministically.
     */
    private static final RandomGenerator NO_RANDOMNESS = () -> 0L;
    private static final int ELECTION_TICKS = 3;
    private static final int HEARTBEAT_TICKS = 1;

    private final InteractionEnv env = new InteractionEnv();
    private final Map<String, Consumer<Command>> handlers = Map.ofEntries(
            Map.entry("add-nodes", this::addNodes),
            Map.entry("campaign", this::campaign),
            Map.entry("propose", this::propose),
            Map.entry("propose-conf-change", this::proposeConfChange),
            Map.entry("tick-election", this::tickElection),
            Map.entry("tick-heartbeat", this::tickHeartbeat),
            Map.entry("deliver-msgs", this::deliverMsgs),
            Map.entry("process-ready", this::processReady),
            Map.entry("stabilize", this::stabilize),
            Map.entry("raft-log", this::raftLog),
            Map.entry("raft-state", this::raftState),
            Map.entry("status", this::status),
            Map.entry("transfer-leadership", this::transferLeadership),
            Map.entry("read-index", this::readIndex),
            Map.entry("compact", this::compact),
            Map.entry("report-unreachable", this::reportUnreachable),
            Map.entry("report-snapshot", this::reportSnapshot));

    /** Runs {@code command} and returns what it printed. */
    String handle(Command command) {
        env.out = new StringBuilder();
        Consumer<Command> handler = handlers.get(command.name());
        if (handler == null) {
            throw new IllegalArgumentException("unknown command " + command.name());
        }
        try {
            handler.accept(command);
        } catch (ProposalDroppedException dropped) {
            env.out.append("dropped (").append(dropped.reason()).append("): ")
                    .append(dropped.getMessage()).append('\n');
        } catch (MessageRejectedException | InvalidConfChangeException | LogCompactedException
                 | SnapshotOutOfDateException refused) {
            env.out.append(refused.getMessage()).append('\n');
        }
        return env.out.toString();
    }

    private static long id(String text) {
        return Long.parseLong(text);
    }

    private RawNode rawNode(Command command) {
        return env.node(id(command.positional().get(0))).rawNode();
    }

    /**
     * {@code add-nodes N [voters=(..)] [learners=(..)] [index=I] [content=C] [prevote=true]
     * [checkquorum=true] [inflight=N] [max-msg-bytes=N] [max-inflight-bytes=N]
     * [max-uncommitted-bytes=N] [max-committed-size-per-ready=N] [read-only=lease-based]
     * [step-down-on-removal=true] [disable-proposal-forwarding=true]}: adds N nodes; with
     * {@code index}, each starts from a snapshot at that index (term 1) holding the given
     * configuration.
     */
    private void addNodes(Command command) {
        int count = Integer.parseInt(command.positional().get(0));
        List<Long> voters = command.values("voters").stream().map(Long::parseLong).toList();
        List<Long> learners = command.values("learners").stream().map(Long::parseLong).toList();
        long index = Long.parseLong(command.value("index", "0"));
        for (int i = 0; i < count; i++) {
            MemoryStorage storage = new MemoryStorage();
            if (index > 0) {
                storage.applySnapshot(Snapshot.newBuilder()
                        .setData(ByteString.copyFromUtf8(command.value("content", "")))
                        .setMetadata(SnapshotMetadata.newBuilder().setIndex(index).setTerm(1)
                                .setConfState(ConfState.newBuilder().addAllVoters(voters)
                                        .addAllLearners(learners)))
                        .build());
            }
            long id = env.nodes.size() + 1;
            RaftConfig.Builder config = RaftConfig.builder(id, storage, NO_RANDOMNESS)
                    .electionTicks(ELECTION_TICKS).heartbeatTicks(HEARTBEAT_TICKS).applied(index)
                    .msgBytesMax(Long.parseLong(command.value("max-msg-bytes",
                            String.valueOf(Long.MAX_VALUE))))
                    .inflightCountMax(Integer.parseInt(command.value("inflight",
                            String.valueOf(Integer.MAX_VALUE))))
                    .inflightBytesMax(Long.parseLong(command.value("max-inflight-bytes",
                            String.valueOf(Long.MAX_VALUE))))
                    .uncommittedBytesMax(Long.parseLong(command.value("max-uncommitted-bytes",
                            String.valueOf(Long.MAX_VALUE))))
                    .committedEntriesBytesMax(Long.parseLong(command.value(
                            "max-committed-size-per-ready", String.valueOf(Long.MAX_VALUE))))
                    .preVote(Boolean.parseBoolean(command.value("prevote", "false")))
                    .checkQuorum(Boolean.parseBoolean(command.value("checkquorum", "false")))
                    .stepDownOnRemoval(Boolean.parseBoolean(
                            command.value("step-down-on-removal", "false")))
                    .disableProposalForwarding(Boolean.parseBoolean(
                            command.value("disable-proposal-forwarding", "false")))
                    .readOnlyOption(command.value("read-only", "safe").equals("lease-based")
                            ? ReadOnlyOption.LEASE_BASED : ReadOnlyOption.SAFE);
            env.addNode(config, storage);
        }
    }

    /** {@code campaign N}: node N starts an election. */
    private void campaign(Command command) {
        rawNode(command).campaign();
    }

    /** {@code propose N data}: node N proposes {@code data}. */
    private void propose(Command command) {
        rawNode(command).propose(ByteString.copyFromUtf8(command.positional().get(1)));
    }

    /**
     * {@code propose-conf-change N [v1=true] [transition=auto|implicit|explicit]} with input
     * lines of changes such as {@code v2 l3 r4} (add voter 2, add learner 3, remove 4).
     */
    private void proposeConfChange(Command command) {
        List<ConfChangeSingle> changes = new ArrayList<>();
        for (String line : command.input()) {
            for (String token : line.trim().split("\\s+")) {
                if (!token.isEmpty()) {
                    changes.add(parseChange(token));
                }
            }
        }
        RawNode node = rawNode(command);
        if (Boolean.parseBoolean(command.value("v1", "false"))) {
            if (changes.size() != 1) {
                throw new IllegalArgumentException("a v1 conf change has exactly one change");
            }
            node.proposeConfChange(ConfChange.newBuilder().setType(changes.get(0).getType())
                    .setNodeId(changes.get(0).getNodeId()).build());
            return;
        }
        ConfChangeTransition transition = switch (command.value("transition", "auto")) {
            case "auto" -> ConfChangeTransition.CONF_CHANGE_TRANSITION_AUTO;
            case "implicit" -> ConfChangeTransition.CONF_CHANGE_TRANSITION_JOINT_IMPLICIT;
            case "explicit" -> ConfChangeTransition.CONF_CHANGE_TRANSITION_JOINT_EXPLICIT;
            default -> throw new IllegalArgumentException("unknown transition");
        };
        node.proposeConfChange(ConfChangeV2.newBuilder().setTransition(transition)
                .addAllChanges(changes).build());
    }

    private static ConfChangeSingle parseChange(String token) {
        ConfChangeType type = switch (token.charAt(0)) {
            case 'v' -> ConfChangeType.CONF_CHANGE_ADD_NODE;
            case 'l' -> ConfChangeType.CONF_CHANGE_ADD_LEARNER_NODE;
            case 'r' -> ConfChangeType.CONF_CHANGE_REMOVE_NODE;
            case 'u' -> ConfChangeType.CONF_CHANGE_UPDATE_NODE;
            default -> throw new IllegalArgumentException("unknown conf change " + token);
        };
        return ConfChangeSingle.newBuilder().setType(type)
                .setNodeId(Long.parseLong(token.substring(1))).build();
    }

    /** {@code tick-election N}: ticks node N for one (unrandomized) election timeout. */
    private void tickElection(Command command) {
        for (int i = 0; i < ELECTION_TICKS; i++) {
            rawNode(command).tick();
        }
    }

    /** {@code tick-heartbeat N}: ticks node N for one heartbeat interval. */
    private void tickHeartbeat(Command command) {
        for (int i = 0; i < HEARTBEAT_TICKS; i++) {
            rawNode(command).tick();
        }
    }

    /**
     * {@code deliver-msgs [N...] [drop=(N,...)] [type=MsgApp]}: delivers the in-flight messages
     * to the listed nodes, or drops those to the {@code drop} nodes; {@code type} filters.
     */
    private void deliverMsgs(Command command) {
        String typeName = command.value("type", null);
        MessageType type = typeName == null ? null : MessageType.valueOf(typeName);
        int count = 0;
        for (String to : command.positional()) {
            count += env.deliver(id(to), type, false);
        }
        for (String to : command.values("drop")) {
            count += env.deliver(id(to), type, true);
        }
        if (count == 0) {
            env.out.append("no messages\n");
        }
    }

    /** {@code process-ready N...}: handles one Ready of each listed node. */
    private void processReady(Command command) {
        List<String> ids = command.positional();
        for (String id : ids) {
            if (ids.size() > 1) {
                env.out.append("> ").append(id).append(" handling Ready\n");
                env.indented(() -> env.processReady(id(id)));
            } else {
                env.processReady(id(id));
            }
        }
    }

    /** {@code stabilize [N...]}: runs the listed nodes (default all) until nothing is left. */
    private void stabilize(Command command) {
        env.stabilize(command.positional().stream().map(InteractionCommands::id).toList());
    }

    /** {@code raft-log N}: the entries in node N's storage. */
    private void raftLog(Command command) {
        env.raftLog(id(command.positional().get(0)));
    }

    /** {@code raft-state}: role, term and leader of every node, as each sees itself. */
    private void raftState(Command command) {
        for (InteractionEnv.Node node : env.nodes) {
            Status status = node.rawNode().status();
            ClusterConfig config = status.config();
            String voter = config.voters().contains(status.id()) ? "(Voter)" : "(Non-Voter)";
            env.out.append(status.id()).append(": ").append(status.softState().role()).append(' ')
                    .append(voter).append(" Term:").append(status.hardState().getTerm())
                    .append(" Lead:").append(status.softState().leader()).append('\n');
        }
    }

    /** {@code status N}: node N's view of its peers' progress (leaders only). */
    private void status(Command command) {
        env.out.append(rawNode(command).status().progress());
    }

    /** {@code transfer-leadership from=N to=M}: asks node N to hand leadership to M. */
    private void transferLeadership(Command command) {
        env.node(id(command.value("from", "0"))).rawNode()
                .transferLeader(id(command.value("to", "0")));
    }

    /** {@code read-index N ctx}: node N asks for a read index tagged {@code ctx}. */
    private void readIndex(Command command) {
        rawNode(command).readIndex(ByteString.copyFromUtf8(command.positional().get(1)));
    }

    /** {@code compact N I}: node N compacts its storage up to index I, then prints its log. */
    private void compact(Command command) {
        long id = id(command.positional().get(0));
        env.node(id).storage().compact(Long.parseLong(command.positional().get(1)));
        env.raftLog(id);
    }

    /** {@code report-unreachable N M}: node N learns that its last message to M failed. */
    private void reportUnreachable(Command command) {
        rawNode(command).reportUnreachable(id(command.positional().get(1)));
    }

    /** {@code report-snapshot N M [failure]}: node N learns how sending a snapshot to M went. */
    private void reportSnapshot(Command command) {
        List<String> args = command.positional();
        SnapshotStatus status = args.size() > 2 && args.get(2).equals("failure")
                ? SnapshotStatus.FAILURE : SnapshotStatus.FINISH;
        rawNode(command).reportSnapshot(id(args.get(1)), status);
    }
}
