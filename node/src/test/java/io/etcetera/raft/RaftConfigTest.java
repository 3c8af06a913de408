package io.etcetera.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class RaftConfigTest {

    private static RaftConfig.Builder builder(long id) {
        return RaftConfig.builder(id, new MemoryStorage(), new SplittableRandom(1));
    }

    @Test
    void defaultsAreValid() {
        RaftConfig config = builder(1).build();
        assertThat(config.electionTicks()).isEqualTo(10);
        assertThat(config.heartbeatTicks()).isEqualTo(1);
        assertThat(config.readOnlyOption()).isEqualTo(ReadOnlyOption.SAFE);
        assertThat(config.stepDownOnRemoval()).isTrue();
    }

    static Stream<Arguments> invalidSettings() {
        return Stream.of(
                Arguments.of("id must not be 0", (UnaryOperator<RaftConfig.Builder>) b ->
                        RaftConfig.builder(0, new MemoryStorage(), new SplittableRandom(1))),
                Arguments.of("heartbeatTicks must be positive",
                        (UnaryOperator<RaftConfig.Builder>) b -> b.heartbeatTicks(0)),
                Arguments.of("electionTicks (3) must be greater than heartbeatTicks (3)",
                        (UnaryOperator<RaftConfig.Builder>) b -> b.electionTicks(3)
                                .heartbeatTicks(3)),
                Arguments.of("inflightCountMax must be positive",
                        (UnaryOperator<RaftConfig.Builder>) b -> b.inflightCountMax(0)),
                Arguments.of("inflightBytesMax (10) must be positive and at least msgBytesMax",
                        (UnaryOperator<RaftConfig.Builder>) b -> b.msgBytesMax(20)
                                .inflightBytesMax(10)),
                Arguments.of("uncommittedBytesMax must be positive",
                        (UnaryOperator<RaftConfig.Builder>) b -> b.uncommittedBytesMax(0)),
                Arguments.of("committedEntriesBytesMax must be positive",
                        (UnaryOperator<RaftConfig.Builder>) b -> b.committedEntriesBytesMax(0)),
                Arguments.of("checkQuorum must be enabled when readOnlyOption is LEASE_BASED",
                        (UnaryOperator<RaftConfig.Builder>) b -> b.readOnlyOption(
                                ReadOnlyOption.LEASE_BASED)),
                Arguments.of("random must be set", (UnaryOperator<RaftConfig.Builder>) b ->
                        RaftConfig.builder(1, new MemoryStorage(), null)),
                Arguments.of("storage must be set", (UnaryOperator<RaftConfig.Builder>) b ->
                        RaftConfig.builder(1, null, new SplittableRandom(1))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidSettings")
    void invalidSettingsAreRefusedWithAClearMessage(String message,
                                                    UnaryOperator<RaftConfig.Builder> setting) {
        assertThatThrownBy(() -> setting.apply(builder(1)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid raft config: ").hasMessageContaining(message);
    }
}
