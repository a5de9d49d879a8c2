/**
 * Video codecs of the client: H.264 (OpenH264 to encode, FFmpeg's decoder to decode, both through
 * JavaCV's FFmpeg) and JPEG, behind one encoder and one decoder interface picked by codec id.
 * Each encoder and decoder owns native memory and is used by one thread at a time. May use:
 * {@code protocol}, JavaCV's FFmpeg, {@code java.awt.image} and ImageIO; no other client package.
 */
package chorus.client.codec;
