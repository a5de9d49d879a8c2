/**
 * The TCP control protocol (PROTOCOL.md §2): the messages ({@code ControlMessage}, one sealed
 * interface of records with a {@code type} discriminator), their JSON codec and 4-byte length
 * framing ({@code ControlCodec}), the stable error codes ({@code ErrorCode}) and the rules for names
 * ({@code Names}). Uses Jackson only; never Pekko, Swing or JavaCV.
 */
package chorus.protocol.control;
