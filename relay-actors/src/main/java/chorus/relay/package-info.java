/**
 * The relay node: {@link chorus.relay.RelayNode} starts one (its actor system, media gateway, file
 * service, control server and, in a cluster, sharding and the drain) and {@link chorus.relay.RelayMain}
 * is {@code chorus server}. Everything else lives in a package named for its concern; this package
 * may use all of them, none of them uses this one.
 */
package chorus.relay;
