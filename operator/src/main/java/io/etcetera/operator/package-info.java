/**
 * The Kubernetes operator for EtcdCluster and EtcdSnapshot (issue 9).
 */
package io.etcetera.operator;
