package io.etcetera.cluster.linearizability;

/** The checker's verdict on the operations of one key, with how long it searched and why. */
public record KeyResult(
        String key, Verdict verdict, int operationCount, long steps, String explanation) {}
