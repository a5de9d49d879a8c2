/**
 * What each receiver is forwarded: a client's {@code subscribe} checked against the room
 * ({@link chorus.relay.subscription.SubscriptionCheck}), and the room's subscriptions turned into
 * one fan-out per sender ({@link chorus.relay.subscription.ForwardingPlan}), with what peer nodes
 * and each sender are told they are wanted for (per-node summaries, dynacast).
 */
package chorus.relay.subscription;
