package chorus.client.load;

import chorus.client.session.RelayAddress;
import chorus.protocol.control.ControlMessage;
import chorus.protocol.control.ControlMessage.Welcome;
import chorus.protocol.media.Codec;
import chorus.protocol.media.Fragmenter;
import chorus.protocol.media.MediaCipher;
import chorus.protocol.media.MediaSealer;
import chorus.protocol.media.ReplayWindow;
import chorus.protocol.media.MediaKind;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * One headless load participant: a control connection (served by {@link ControlConnections}), a
 * video socket and, with audio, an audio socket, each bound to 127.0.0.1:0. Much lighter than a
 * {@code ChorusClient}: no decoding, no jitter buffer, only counters. Its fields are owned by
 * the thread named beside them and read by the load test once that thread has stopped.
 */
final class LoadParticipant {
    final int index;
    /** The relay node it joined through (0 on a single relay). */
    final int node;
    final int room;
    /** Join order within its room: the first participants send video and talk. */
    final int indexInRoom;
    final String roomName;
    final String name;
    final int mediaId;
    /** Its id in the room, from the welcome: what others subscribe to it by. */
    final String participantId;
    final ControlConnections.Link control;
    final MediaSocket video;
    final MediaSocket audio;
    final InetSocketAddress videoEndpoint;
    final InetSocketAddress audioEndpoint;
    /**
     * Seal what this participant sends per socket (client to relay): the main thread's HELLOs,
     * the sender thread's media, the receiver thread's answers to challenges; hold the sealer's
     * lock to seal and send.
     */
    final MediaSealer videoSealer;
    final MediaSealer audioSealer;
    /** Open what the relay sends, per socket, on the receiver thread; with a replay window each. */
    final MediaCipher videoOpener;
    final MediaCipher audioOpener;
    final ReplayWindow videoWindow = new ReplayWindow();
    final ReplayWindow audioWindow = new ReplayWindow();
    /** The camera's layers it sends, smallest first; none for a participant that only watches. */
    final VideoLayerStream[] layers;
    /** What this participant's audio sends (a tone for a talker, silence otherwise); null without audio. */
    final ClipWriter audioWriter;

    // main thread: address learning
    private long signalSequence;
    volatile boolean videoAcked;
    volatile boolean audioAcked;

    // sender thread
    long videoSlot;
    long audioSequence;
    long audioFrameId;
    long videoSentMeasured;
    long videoBytesSentMeasured;
    long audioSentMeasured;
    long audioBytesSentMeasured;
    long sendBufferFull;
    long sendErrors;

    // receiver thread
    /** Measured video datagrams that reached it, of any stream: its downlink. */
    long videoReceived;
    long videoBytesReceived;
    /** Of those, per stream of its room: index {@code sender's index in room * layers + layer}. */
    final long[] receivedFrom;
    long audioDatagramsInWindow;
    long audioFramesInWindow;
    long audioBytesInWindow;

    private LoadParticipant(int node, int index, int room, int indexInRoom, String roomName, String name, Welcome welcome,
                            ControlConnections.Link control, byte[] key,
                            MediaSocket video, MediaSocket audio, MediaClip audioClip,
                            List<LoadSpec.VideoLayer> videoLayers, int streamsInRoom,
                            InetSocketAddress videoEndpoint, InetSocketAddress audioEndpoint) {
        this.node = node;
        this.index = index;
        this.room = room;
        this.indexInRoom = indexInRoom;
        this.roomName = roomName;
        this.name = name;
        this.mediaId = welcome.mediaId();
        this.participantId = welcome.participantId();
        this.receivedFrom = new long[streamsInRoom];
        this.control = control;
        this.video = video;
        this.audio = audio;
        this.videoEndpoint = videoEndpoint;
        this.audioEndpoint = audioEndpoint;
        this.videoSealer = new MediaSealer(key, MediaCipher.VIDEO_CHANNEL, MediaCipher.CLIENT_TO_RELAY);
        this.audioSealer = new MediaSealer(key, MediaCipher.AUDIO_CHANNEL, MediaCipher.CLIENT_TO_RELAY);
        this.videoOpener = new MediaCipher(key);
        this.audioOpener = new MediaCipher(key);
        this.audioWriter = audioClip == null ? null : new ClipWriter(audioClip);
        this.layers = new VideoLayerStream[videoLayers.size()];
        long epoch = System.nanoTime();
        for (int i = 0; i < layers.length; i++) {
            layers[i] = new VideoLayerStream(mediaId, i, videoLayers.get(i), epoch);
        }
    }

    /**
     * Joins {@code roomName} as {@code name} and opens its media sockets from {@code sockets} (not
     * read until the run's receiver starts). A video sender sends {@code videoLayers} (none: it
     * only watches) and announces {@code layerHeights} in its hello (null: one layer, unsaid); it
     * counts what it receives of each of the {@code streamsInRoom} streams of its room.
     */
    static LoadParticipant join(LoadSockets sockets, ControlConnections connections, RelayAddress relay, int node,
                                int index, int room,
                                int indexInRoom, String roomName, String name, MediaClip audioClip,
                                List<LoadSpec.VideoLayer> videoLayers, List<Integer> layerHeights, int streamsInRoom,
                                LoadImpairment impairment, Duration timeout)
            throws IOException, InterruptedException {
        ControlMessage.Hello hello = new ControlMessage.Hello(ControlMessage.PROTOCOL_VERSION, name, roomName,
                "chorus-loadtest/0.1").withCodecs(new ControlMessage.Codecs(
                        audioClip == null ? null : List.of(Codec.name(audioClip.codec())),
                        List.of(Codec.H264_NAME, Codec.JPEG_NAME)));
        if (!videoLayers.isEmpty() && layerHeights != null) {
            hello = hello.withLayers(layerHeights);
        }
        ControlConnections.Link link = connections.join(relay, hello, timeout);
        Welcome welcome = ControlConnections.welcome(link);
        byte[] key;
        try {
            key = Base64.getDecoder().decode(welcome.mediaKey() == null ? "" : welcome.mediaKey());
        } catch (IllegalArgumentException e) {
            throw new IOException("relay sent a media key that is not base64");
        }
        if (key.length != MediaCipher.KEY_LENGTH || welcome.media() == null) {
            throw new IOException("relay sent a welcome without a usable media key or media endpoints");
        }
        InetAddress host = mediaHost(welcome.media().host(), link.remoteAddress().getAddress());
        MediaSocket video = sockets.socket();
        MediaSocket audio = null;
        try {
            audio = audioClip != null ? sockets.socket() : null;
        } catch (IOException e) {
            video.close();
            throw e;
        }
        InetSocketAddress videoEndpoint = new InetSocketAddress(host, welcome.media().videoPort());
        InetSocketAddress audioEndpoint = new InetSocketAddress(host, welcome.media().audioPort());
        if (impairment != null) {
            videoEndpoint = impairment.route(videoEndpoint);
            audioEndpoint = impairment.route(audioEndpoint);
        }
        return new LoadParticipant(node, index, room, indexInRoom, roomName, name, welcome, link, key, video, audio,
                audioClip, videoLayers, streamsInRoom, videoEndpoint, audioEndpoint);
    }

    /** The relay may advertise nothing or the wildcard; then the address its control port answered on. */
    private static InetAddress mediaHost(String advertised, InetAddress controlPeer) throws IOException {
        if (advertised == null || advertised.isBlank()) {
            return controlPeer;
        }
        try {
            InetAddress a = InetAddress.getByName(advertised);
            return a.isAnyLocalAddress() ? controlPeer : a;
        } catch (UnknownHostException e) {
            throw new IOException("relay's media host '" + advertised + "' cannot be resolved", e);
        }
    }

    boolean sendsVideo() {
        return layers.length > 0;
    }

    boolean learned() {
        return videoAcked && (audio == null || audioAcked);
    }

    /** Sends a HELLO from each socket whose address the relay has not acknowledged yet. */
    void sendHellos(ByteBuffer scratch) throws IOException {
        if (!videoAcked) {
            Fragmenter.encodeSignal(scratch, MediaKind.HELLO, mediaId, signalSequence++);
            synchronized (videoSealer) {
                video.send(videoSealer.seal(scratch), videoEndpoint);
            }
        }
        if (audio != null && !audioAcked) {
            Fragmenter.encodeSignal(scratch, MediaKind.HELLO, mediaId, signalSequence++);
            synchronized (audioSealer) {
                audio.send(audioSealer.seal(scratch), audioEndpoint);
            }
        }
    }

    /** Leaves the room (if {@link ControlConnections#close} has not already) and closes every socket. */
    void leave() {
        ControlConnections.leave(control);
        for (MediaSocket socket : new MediaSocket[] {video, audio}) {
            if (socket != null) {
                socket.close();
            }
        }
    }
}
