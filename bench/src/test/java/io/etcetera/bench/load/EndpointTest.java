package io.etcetera.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EndpointTest {
    @Test
    void takesHostPortAndHttpUrlsAsEtcdDoes() {
        assertThat(Endpoint.parse("127.0.0.1:2379")).isEqualTo(new Endpoint("127.0.0.1", 2379));
        assertThat(Endpoint.parse("http://localhost:23790/"))
                .isEqualTo(new Endpoint("localhost", 23790));
        assertThat(Endpoint.parse("[::1]:2379")).isEqualTo(new Endpoint("::1", 2379));
        assertThat(new Endpoint("::1", 2379)).hasToString("[::1]:2379");
    }

    @Test
    void refusesWhatItCannotDial() {
        assertThatThrownBy(() -> Endpoint.parse("https://127.0.0.1:2379"))
                .hasMessageContaining("TLS endpoints are not supported");
        assertThatThrownBy(() -> Endpoint.parse("127.0.0.1")).hasMessageContaining("no port");
        assertThatThrownBy(() -> Endpoint.parse("[::1]")).hasMessageContaining("no port");
        assertThatThrownBy(() -> Endpoint.parse("host:x")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> Endpoint.parse("host:70000")).hasMessageContaining("1..65535");
    }
}
