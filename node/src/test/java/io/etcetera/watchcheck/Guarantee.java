package io.etcetera.watchcheck;

/**
 * What a watch must uphold: etcd's six documented guarantees, plus the event contents and the
 * protocol around them.
 */
public enum Guarantee {
    /** Events arrive in revision order (and, within a revision, in commit order). */
    ORDERED,
    /** No event arrives twice. */
    UNIQUE,
    /** No event the watcher should see is skipped (no gap). */
    RELIABLE,
    /** One revision's events arrive in one response (fragments joined). */
    ATOMIC,
    /** A watch from revision R gets every matching event from R on, and none before. */
    RESUMABLE,
    /** After a progress notification at R, no event at or below R arrives, and all did before. */
    BOOKMARKABLE,
    /** prev_kv is the pair just before the event, when asked for, and absent otherwise. */
    PREV_KV,
    /** A put that creates a key has create_revision == mod_revision and version 1. */
    CREATE_EVENT,
    /** Each event is one committed to the watched range, as committed, and passes the filters. */
    MATCHING,
    /** Created first, nothing after canceled, compaction only when needed, headers cover events. */
    PROTOCOL
}
