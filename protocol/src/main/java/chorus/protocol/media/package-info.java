/**
 * The UDP media protocol (PROTOCOL.md §3-5): the header flyweight ({@code MediaHeader}), the
 * datagram protection ({@code MediaCipher}, {@code MediaSealer}, {@code ReplayWindow}), fragmentation of frames into datagrams and their
 * reassembly ({@code Fragmenter}, {@code Reassembler}), media kinds, codecs and the reasons a
 * datagram is dropped. Plain Java; allocation-free on the receive path.
 */
package chorus.protocol.media;
