/**
 * The etcd v3 gRPC services on the client URL, and HTTP health, version and metrics beside them.
 *
 * <p>Imports {@code server} and the leaves. etcd's gRPC codes and error messages are produced only here.
 */
package io.etcetera.api;
