/**
 * Audio mixing: the {@code Mixer} actor (one per room and node, a 20 ms tick), the arithmetic of one
 * tick ({@code MixEngine}: the K loudest talkers chosen by {@code TalkerSelection} from their header
 * levels, only those decoded, one 32-bit sum, each selected talker's own frame subtracted for its
 * mix, each mix encoded once per codec), the {@code Limiter} back to 16 bits, and the room's dominant
 * and recent speakers from the same levels ({@code DominantSpeaker}). May use {@code media} (to send
 * mixes), {@code room} (to tell the room the talkers' levels and speakers),
 * {@code metrics} and {@code config}.
 */
package chorus.relay.mixer;
