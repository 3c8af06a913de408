package io.etcetera.config;

import java.time.Duration;

/**
 * What one client may ask of the client port: request size, transaction size, concurrent streams,
 * and the gRPC keepalive policy.
 *
 * @param maxRequestBytes {@code --max-request-bytes}: the largest request the server accepts
 *     (etcd's {@code etcdserver: request is too large} beyond it)
 * @param maxTxnOps {@code --max-txn-ops}: most operations in one transaction
 * @param maxConcurrentStreams {@code --max-concurrent-streams}: per client connection
 * @param grpcKeepAliveMinTime {@code --grpc-keepalive-min-time}: clients pinging more often are
 *     disconnected
 * @param grpcKeepAliveInterval {@code --grpc-keepalive-interval}: server ping interval (zero: none)
 * @param grpcKeepAliveTimeout {@code --grpc-keepalive-timeout}: wait for a ping's answer (zero:
 *     none)
 */
public record ClientLimits(
        long maxRequestBytes,
        long maxTxnOps,
        long maxConcurrentStreams,
        Duration grpcKeepAliveMinTime,
        Duration grpcKeepAliveInterval,
        Duration grpcKeepAliveTimeout) {}
