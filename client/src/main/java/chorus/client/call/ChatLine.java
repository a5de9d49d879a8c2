package chorus.client.call;

/**
 * One chat message as a call shows it.
 *
 * @param id         the room's number for it: messages are shown in this order, the same for everyone
 * @param from       the sender's name
 * @param serverTime when the relay received it, epoch milliseconds (the relay's clock)
 * @param self       sent by this participant (in this connection or an earlier one of the call)
 * @param history    sent before this participant joined
 */
public record ChatLine(long id, String participantId, String from, String text, long serverTime, boolean self,
                       boolean history) {
}
