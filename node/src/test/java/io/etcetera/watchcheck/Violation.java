package io.etcetera.watchcheck;

/**
 * One broken guarantee, found in one watcher's responses.
 *
 * <p>Immutable.
 *
 * @param guarantee what was broken
 * @param watch the watcher, as its spec describes it
 * @param responseIndex the index of the offending response among the watcher's responses
 * @param detail what happened, with the revisions and keys involved
 */
public record Violation(Guarantee guarantee, String watch, int responseIndex, String detail) {

    @Override
    public String toString() {
        return guarantee + " broken for " + watch + " at response " + responseIndex + ": " + detail;
    }
}
