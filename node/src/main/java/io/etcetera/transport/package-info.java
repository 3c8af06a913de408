/**
 * Peer messages and snapshot streams between members over long-lived gRPC streams on the peer URL.
 *
 * <p>Imports only the Raft types ({@code io.etcetera.raft.pb}) and the leaves.
 */
package io.etcetera.transport;
