/**
 * etcd 3.4's command-line flags and {@code ETCD_*} environment variables, read with etcd's defaults
 * and refused in etcd's words, into an immutable {@link io.etcetera.config.EtcdConfig}. A leaf: it
 * imports only {@code invariants}.
 *
 * <p>{@link io.etcetera.config.EtcdCommandLine} follows etcd's order: Go's flag syntax ({@link
 * io.etcetera.config.FlagParser}: {@code -f}, {@code --f}, {@code --f=v}, {@code --f v}; exit
 * status 2 on error), then variables for unset flags, then the derived defaults, then the checks of
 * etcd's {@code embed.Config.Validate} and of {@code StartEtcd} before it binds (exit status 1).
 * Every flag etcd 3.4 accepts is listed in {@link io.etcetera.config.EtcdFlags}; those for features
 * Etcetera lacks are ignored with a warning when harmless and refused when setting them would
 * change what a user relies on (discovery, proxies, the v2 API, certificate revocation lists). The
 * bootstrap checks on {@code --initial-cluster} run only when the server bootstraps an empty data
 * dir ({@link io.etcetera.config.EtcdConfig#verifyBootstrap}), as in etcd.
 *
 * <p>{@link io.etcetera.config.PemFiles} reads the PEM files the TLS flags name, for whoever
 * builds a TLS context (the client port, the peer transport).
 *
 * <p>Runs once, on the main thread, before Quarkus starts; everything here is stateless or
 * immutable.
 */
package io.etcetera.config;
