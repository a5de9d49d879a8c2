/**
 * Rooms and the people in them: {@code Rooms} (this node's rooms by name), {@code Room} (a room's
 * members, fan-out and mixer on this node), {@code RoomEntity} (the room as the cluster sees it:
 * roster, presenter, chat history, file index; a Cluster Sharding entity) and {@code Participant}
 * (one person: identity, key, learned addresses). May use {@code media} (to publish routes),
 * {@code mixer}, {@code files}, {@code cluster} (node-to-node messages), {@code config}, {@code metrics}.
 */
package chorus.relay.room;
