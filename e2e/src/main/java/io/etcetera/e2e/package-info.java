/**
 * The local end-to-end target: a harness that plays the kubelet for fabric8's mock API server.
 *
 * <p>{@link io.etcetera.e2e.LocalKubelet} runs each Pod the operator creates as a real member
 * process on its own loopback address, with the pod's DNS name in a hosts file that every member
 * sees as {@code /etc/hosts} (a private mount namespace per process, so the host's file is never
 * touched; JVM members also get {@code -Djdk.net.hosts.file}). It expands {@code $(POD_IP)} and
 * other {@code $(VAR)} references (Secret-backed variables included), maps claim, emptyDir and
 * Secret volumes to directories, runs init containers, probes readiness, reports pod status,
 * restarts exited containers and kills the process when the Pod is deleted. The member command is
 * pluggable ({@link io.etcetera.e2e.MemberLauncher}): real etcd, or Etcetera's node. One thread
 * (the kubelet loop) owns all pod state.
 */
package io.etcetera.e2e;
