/**
 * The member itself, modelled on etcd's {@code EtcdServer.run} and {@code raftNode.start}: the raft
 * loop, the server loop and the FIFO apply scheduler, and the requests that wait for their entries.
 */
package io.etcetera.server;
