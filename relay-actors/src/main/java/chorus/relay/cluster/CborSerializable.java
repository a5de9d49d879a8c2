package chorus.relay.cluster;

/** Marker for every message and replicated value that crosses between relay nodes (jackson-cbor). */
public interface CborSerializable {
}
