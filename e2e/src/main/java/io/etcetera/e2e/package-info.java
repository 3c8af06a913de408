/**
 * End-to-end tests: one suite, two targets (a kind cluster; a local harness playing the kubelet).
 */
package io.etcetera.e2e;
