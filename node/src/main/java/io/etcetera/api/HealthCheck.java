package io.etcetera.api;

import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * One named check behind {@code /livez} or {@code /readyz}, as etcd 3.6 names them ({@code
 * serializable_read}, {@code linearizable_read}, {@code data_corruption}, ...). The check completes
 * normally when it passes and exceptionally, with the reason as the message, when it fails. It must
 * not block the calling thread (an I/O thread) and must complete in bounded time. Immutable.
 */
public record HealthCheck(String name, Supplier<CompletionStage<Void>> run) {}
