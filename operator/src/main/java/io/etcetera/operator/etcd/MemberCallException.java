package io.etcetera.operator.etcd;

import java.net.URI;

/** A call to a member failed: unreachable, timed out, or refused with an etcd error. */
public final class MemberCallException extends RuntimeException {

    private final URI endpoint;

    public MemberCallException(String call, URI endpoint, Throwable cause) {
        super(call + " on " + endpoint + " failed: " + cause.getMessage(), cause);
        this.endpoint = endpoint;
    }

    public URI endpoint() {
        return endpoint;
    }
}
