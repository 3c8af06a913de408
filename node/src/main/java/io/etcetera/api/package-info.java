/**
 * The etcd v3 gRPC services on the client URLs, and HTTP beside them on the same port: {@code
 * /health}, {@code /livez}, {@code /readyz}, {@code /version}, {@code /metrics}. etcd's gRPC codes
 * and error messages are produced only here ({@link io.etcetera.api.EtcdError}); etcd's request
 * checks that need no server state live here too ({@link io.etcetera.api.KvRequestChecks}).
 *
 * <p>Imports {@code server} and the leaves ({@code config}, {@code metrics}, {@code invariants}).
 *
 * <h2>The client port: one TCP port, gRPC and HTTP/1.1</h2>
 *
 * etcd serves gRPC and plain HTTP on each client URL, and users reach it as {@code host:port} or as
 * {@code http://host:port}; for the second form etcdctl 3.4 (grpc-go) sends the whole URL as the
 * HTTP/2 {@code :authority}. The port is grpc-java's Netty server ({@link
 * io.etcetera.api.ClientPort}) whose protocol negotiator ({@link io.etcetera.api.ClientListener})
 * puts a {@link io.etcetera.api.ProtocolSniffer} first on every connection: the first bytes are
 * HTTP/2's connection preface (gRPC) or an HTTP/1 request line (the endpoints, {@link
 * io.etcetera.api.HttpEndpoints}), and on an https address the sniffer unwraps TLS first.
 * Alternatives weighed:
 *
 * <ul>
 *   <li>Quarkus gRPC on its unified Vert.x HTTP server: one port, but Vert.x resets every HTTP/2
 *       stream whose {@code :authority} is not {@code host[:port]}, so {@code
 *       --endpoints=http://...} fails (PROTOCOL_ERROR), and Vert.x offers no hook before that
 *       check. It also binds the one port Quarkus's configuration names, not etcd's list of URLs.
 *   <li>Quarkus's separate gRPC server: gRPC and HTTP on two ports, unlike etcd.
 *   <li>Chosen: grpc-java's own HTTP/2 transport, the most used JVM gRPC server, which accepts any
 *       {@code :authority} as grpc-go does. The sniffer reads only a connection's first 24 bytes
 *       and then removes itself, so a call costs what it costs on grpc-java alone ({@code
 *       ClientPortLoadTest} measures both, and real etcd). Calls run directly on the Netty I/O
 *       threads (no hand-off to a pool): lowest latency, and the reason a service must never block.
 *       The price: the negotiator hooks are grpc-netty's {@code Internal*} classes, public but
 *       exempt from its API stability promise; they have kept their shape for years, and the
 *       plumbing tests (jetcd and etcdctl with both endpoint forms, TLS) catch a change.
 * </ul>
 *
 * <p>TLS: etcd's PEM files ({@link io.etcetera.api.ServerTls}); ALPN prefers {@code http/1.1} when
 * a client offers it, so curl and Prometheus reach the endpoints while gRPC clients, which offer
 * only {@code h2}, get HTTP/2. An address listed as both {@code http://} and {@code https://}
 * serves both, told apart by the TLS handshake's first byte.
 *
 * <h2>The services</h2>
 *
 * {@link io.etcetera.api.MemberApi} binds etcd's KV, Maintenance and Cluster services over the
 * member's facade in {@code server}: each makes etcd's request checks, calls the facade (which
 * never blocks) and answers when its future completes, on the I/O thread the call came in on
 * ({@link io.etcetera.api.Replies}). A linearizable read whose read index had to be waited for
 * runs there too. The services implement the generated {@code AsyncService} interfaces rather than
 * extend the {@code ImplBase} classes: Quarkus serves every {@code BindableService} class it finds
 * on a gRPC port of its own, which a member must not open.
 *
 * <p>Threads: one accept thread and {@code availableProcessors} I/O threads (named {@code
 * etcetera-client-*}) run every listener and every gRPC call; one thread renders {@code /metrics}.
 * Health checks are asynchronous. Nothing here blocks an I/O thread.
 */
package io.etcetera.api;
