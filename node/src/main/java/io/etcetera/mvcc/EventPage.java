package io.etcetera.mvcc;

import io.etcd.jetcd.api.Event;

import java.util.List;

/**
 * A page of replayed events: every change in a key range from one revision on, in revision order,
 * cut only between revisions so that no revision is split across pages.
 *
 * <p>Immutable.
 *
 * @param events the events, each with its previous pair when the key existed before it
 * @param nextRevision the revision the next page starts at
 * @param complete whether the page reaches the view's revision (nothing more to replay)
 */
public record EventPage(List<Event> events, long nextRevision, boolean complete) {

    public EventPage {
        events = List.copyOf(events);
    }
}
