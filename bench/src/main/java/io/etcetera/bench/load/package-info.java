/**
 * The client side of a load run, kept far cheaper than the server it measures: gRPC channels shared
 * by many clients ({@link io.etcetera.bench.load.ChannelPool}), a closed loop in which each
 * client keeps one request in flight without a thread of its own
 * ({@link io.etcetera.bench.load.ClosedLoop}), a rate limiter, and etcd's benchmark key encoding
 * ({@link io.etcetera.bench.load.KeySpace}).
 *
 * <p>Imports {@code report}. Requests are issued and completed on gRPC's Netty event-loop threads
 * (channels use a direct executor), on the command's main thread at the start, and on the
 * "bench-pacer" thread when a rate limit delays a request.
 */
package io.etcetera.bench.load;
