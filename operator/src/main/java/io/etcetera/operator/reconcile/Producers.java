package io.etcetera.operator.reconcile;

import io.etcetera.operator.etcd.EtcdMembers;
import io.quarkus.arc.DefaultBean;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.InstantSource;

/** CDI producers: the one member client (its channels closed at shutdown) and the clock. */
@ApplicationScoped
public class Producers {

    private final EtcdMembers members;

    public Producers(OperatorConfig config) {
        this.members = new EtcdMembers(config.callTimeout(),
                config.snapshotTimeout());
    }

    @Produces
    @ApplicationScoped
    EtcdMembers etcdMembers() {
        return members;
    }

    @Produces
    @DefaultBean
    @ApplicationScoped
    InstantSource clock() {
        return InstantSource.system();
    }

    @PreDestroy
    void close() {
        members.close();
    }
}
