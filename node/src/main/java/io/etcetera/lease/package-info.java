/**
 * The lessor: leases, their attached keys, and the expiry queue the leader's reaper drains.
 */
package io.etcetera.lease;
