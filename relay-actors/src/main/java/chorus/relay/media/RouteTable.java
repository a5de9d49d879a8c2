package chorus.relay.media;

import java.util.function.IntFunction;
import org.agrona.collections.Int2ObjectHashMap;

/**
 * The media gateway's routes by media id: read by the UDP receive threads once per datagram,
 * changed by the actors on join and leave. A lookup is one volatile read and a probe of an int-keyed
 * table (no boxed {@code Integer} per datagram, no lock); a change copies the table and publishes
 * the copy, which costs O(routes) at join/leave rates, never per datagram.
 */
public final class RouteTable<V> {
    private volatile Int2ObjectHashMap<V> table = new Int2ObjectHashMap<>();

    /** The value for {@code mediaId}, or null. */
    public V get(int mediaId) {
        return table.get(mediaId);
    }

    /**
     * The values at this moment, copied (later changes do not show). Copied without the map's
     * iterator: an Agrona map hands every caller the same cached iterator, so two threads walking
     * one table at once would break each other.
     */
    public java.util.List<V> values() {
        Int2ObjectHashMap<V> now = table;
        java.util.List<V> out = new java.util.ArrayList<>(now.size());
        now.intForEach((id, value) -> out.add(value));
        return out;
    }

    public int size() {
        return table.size();
    }

    public synchronized void put(int mediaId, V value) {
        Int2ObjectHashMap<V> next = new Int2ObjectHashMap<>(table);
        next.put(mediaId, value);
        table = next;
    }

    /** The value for {@code mediaId}, made by {@code make} and added when there is none. */
    public synchronized V computeIfAbsent(int mediaId, IntFunction<V> make) {
        V value = table.get(mediaId);
        if (value == null) {
            value = make.apply(mediaId);
            put(mediaId, value);
        }
        return value;
    }

    /** Removes {@code mediaId} whatever it maps to. */
    public synchronized void remove(int mediaId) {
        if (table.containsKey(mediaId)) {
            Int2ObjectHashMap<V> next = new Int2ObjectHashMap<>(table);
            next.remove(mediaId);
            table = next;
        }
    }

    /** Removes {@code mediaId} only while it still maps to {@code value}; true when it did. */
    public synchronized boolean remove(int mediaId, V value) {
        if (table.get(mediaId) != value) {
            return false;
        }
        remove(mediaId);
        return true;
    }
}
