/**
 * Users, roles and permissions, as etcd's auth store keeps them.
 */
package io.etcetera.auth;
