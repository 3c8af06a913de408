package io.etcetera.config;

/**
 * The auth flags, for the auth store: {@code --auth-token} ({@code simple}, or {@code jwt,...} with
 * its options), {@code --bcrypt-cost} and {@code --auth-token-ttl}. Immutable.
 */
public record AuthConfig(String authToken, long bcryptCost, long authTokenTtlSeconds) {}
