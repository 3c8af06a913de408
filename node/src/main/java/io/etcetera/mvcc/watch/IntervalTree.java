package io.etcetera.mvcc.watch;

import com.google.protobuf.ByteString;

import io.etcetera.invariants.Invariants;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The interval watchers of a {@link WatcherGroup}: a treap of distinct key intervals [start, end)
 * (a null end has no upper bound), each node holding the watchers of its interval, ordered by
 * (start, end) and augmented with the largest end in its subtree, so that a stabbing query (which
 * intervals hold this key?) visits O(log n + matches) nodes in expectation. etcd keeps the same
 * thing in its {@code adt.IntervalTree}; a treap is the shortest balanced tree to write.
 *
 * <p>Worked example: intervals [a, c), [b, ∞) and [b, d), and the key "c". The root's subtree max
 * end is ∞, after "c", so the walk descends. [a, c) does not hold "c" (ends are exclusive); [b, ∞)
 * and [b, d) do. A node whose subtree max end is at or before the key is skipped with its subtree,
 * and a node that starts after the key cuts off its right subtree.
 *
 * <p>Invariants: BST order by (start, end); a parent's priority is at least its children's; each
 * node's {@code maxEnd} is the largest end in its subtree; no node has an empty watcher set.
 * Checked by {@link #checkInvariants()}.
 *
 * <p>Not thread-safe: guarded by the watchable store's lock.
 */
final class IntervalTree {

    /** Treap priorities: seeded, so that the tree's shape is reproducible. */
    private final SplittableRandom priorities = new SplittableRandom(0x5EED);

    private Node root;
    private int intervalCount;

    private static final class Node {
        final ByteString start;
        final ByteString end;
        final int priority;
        final LinkedHashSet<Watcher> watchers = new LinkedHashSet<>();
        ByteString maxEnd;
        Node left;
        Node right;

        Node(ByteString start, ByteString end, int priority) {
            this.start = start;
            this.end = end;
            this.priority = priority;
            this.maxEnd = end;
        }
    }

    /** The number of distinct intervals held. */
    int intervalCount() {
        return intervalCount;
    }

    void add(ByteString start, ByteString end, Watcher watcher) {
        Node node = find(start, end);
        if (node == null) {
            node = new Node(start, end, priorities.nextInt());
            root = insert(root, node);
            intervalCount++;
        }
        Invariants.check(node.watchers.add(watcher), "watcher %s added twice", watcher);
    }

    /** Removes {@code watcher} from interval [start, end); the interval goes when it is empty. */
    void remove(ByteString start, ByteString end, Watcher watcher) {
        Node node = find(start, end);
        Invariants.check(
                node != null && node.watchers.remove(watcher), "watcher %s is not held", watcher);
        if (node.watchers.isEmpty()) {
            root = delete(root, start, end);
            intervalCount--;
        }
    }

    /** Appends every watcher whose interval holds {@code key} to {@code out}. */
    /** Appends every watcher held, in interval order, to {@code out}. */
    void collectAll(List<Watcher> out) {
        collectAll(root, out);
    }

    private static void collectAll(Node node, List<Watcher> out) {
        if (node != null) {
            collectAll(node.left, out);
            out.addAll(node.watchers);
            collectAll(node.right, out);
        }
    }

    void stab(ByteString key, List<Watcher> out) {
        stab(root, key, out);
    }

    private static void stab(Node node, ByteString key, List<Watcher> out) {
        while (node != null && endsAfter(node.maxEnd, key)) {
            stab(node.left, key, out);
            if (WatchedRange.ORDER.compare(node.start, key) > 0) {
                return;
            }
            if (endsAfter(node.end, key)) {
                for (Watcher watcher : node.watchers) {
                    out.add(watcher);
                }
            }
            node = node.right;
        }
    }

    private Node find(ByteString start, ByteString end) {
        Node node = root;
        while (node != null) {
            int order = compare(start, end, node);
            if (order == 0) {
                return node;
            }
            node = order < 0 ? node.left : node.right;
        }
        return null;
    }

    private static Node insert(Node node, Node fresh) {
        if (node == null) {
            return fresh;
        }
        if (compare(fresh.start, fresh.end, node) < 0) {
            node.left = insert(node.left, fresh);
            if (node.left.priority > node.priority) {
                node = rotateRight(node);
            }
        } else {
            node.right = insert(node.right, fresh);
            if (node.right.priority > node.priority) {
                node = rotateLeft(node);
            }
        }
        update(node);
        return node;
    }

    private static Node delete(Node node, ByteString start, ByteString end) {
        int order = compare(start, end, node);
        if (order < 0) {
            node.left = delete(node.left, start, end);
        } else if (order > 0) {
            node.right = delete(node.right, start, end);
        } else if (node.left == null) {
            return node.right;
        } else if (node.right == null) {
            return node.left;
        } else if (node.left.priority > node.right.priority) {
            node = rotateRight(node);
            node.right = delete(node.right, start, end);
        } else {
            node = rotateLeft(node);
            node.left = delete(node.left, start, end);
        }
        update(node);
        return node;
    }

    private static Node rotateRight(Node node) {
        Node top = node.left;
        node.left = top.right;
        top.right = node;
        update(node);
        update(top);
        return top;
    }

    private static Node rotateLeft(Node node) {
        Node top = node.right;
        node.right = top.left;
        top.left = node;
        update(node);
        update(top);
        return top;
    }

    private static void update(Node node) {
        ByteString max = node.end;
        if (node.left != null) {
            max = laterEnd(max, node.left.maxEnd);
        }
        if (node.right != null) {
            max = laterEnd(max, node.right.maxEnd);
        }
        node.maxEnd = max;
    }

    /** Order by start, then by end with null (no bound) last. */
    private static int compare(ByteString start, ByteString end, Node node) {
        int order = WatchedRange.ORDER.compare(start, node.start);
        if (order != 0) {
            return order;
        }
        if (end == null || node.end == null) {
            return end == null ? (node.end == null ? 0 : 1) : -1;
        }
        return WatchedRange.ORDER.compare(end, node.end);
    }

    private static ByteString laterEnd(ByteString a, ByteString b) {
        if (a == null || b == null) {
            return null;
        }
        return WatchedRange.ORDER.compare(a, b) >= 0 ? a : b;
    }

    /** Whether an interval ending at {@code end} (null: no bound) holds keys after {@code key}. */
    private static boolean endsAfter(ByteString end, ByteString key) {
        return end == null || WatchedRange.ORDER.compare(end, key) > 0;
    }

    /** Checks every invariant in the class comment; O(n), for tests and verification. */
    void checkInvariants() {
        List<Node> inOrder = new ArrayList<>();
        check(root, null, inOrder);
        Invariants.check(
                inOrder.size() == intervalCount,
                "tree holds %d intervals, counted %d",
                inOrder.size(),
                intervalCount);
        for (int i = 1; i < inOrder.size(); i++) {
            Node next = inOrder.get(i);
            Invariants.check(
                    compare(next.start, next.end, inOrder.get(i - 1)) > 0,
                    "intervals out of order at %d",
                    i);
        }
    }

    private static void check(Node node, Node parent, List<Node> inOrder) {
        if (node == null) {
            return;
        }
        Invariants.check(!node.watchers.isEmpty(), "interval without watchers");
        Invariants.check(parent == null || parent.priority >= node.priority, "heap order broken");
        ByteString maxEnd = node.maxEnd;
        update(node);
        Invariants.check(
                maxEnd == null ? node.maxEnd == null : maxEnd.equals(node.maxEnd), "stale max end");
        check(node.left, node, inOrder);
        inOrder.add(node);
        check(node.right, node, inOrder);
    }
}
