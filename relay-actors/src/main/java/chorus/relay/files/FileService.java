package chorus.relay.files;

import chorus.protocol.control.ControlMessage.FileInfo;
import chorus.protocol.control.ErrorCode;
import chorus.protocol.control.Names;
import chorus.relay.cluster.ClusterPeers;
import chorus.relay.metrics.RelayStats;
import chorus.relay.room.Room;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.FileIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file service: HTTP on the relay (Pekko HTTP), one room per path, authorised by the bearer
 * token each participant gets in its welcome. Uploads stream to disk while their SHA-256 is
 * computed; only a complete upload whose hash matches the uploader's is kept and announced to
 * the room. Downloads stream from disk. Neither ever holds a whole file in memory.
 *
 * <pre>
 *   PUT /rooms/{room}/files?name=NAME   X-Chorus-Sha256: HEX   body: the bytes  → 201 FileInfo
 *   GET /rooms/{room}/files                                                  → 200 [FileInfo]
 *   GET /rooms/{room}/files/{fileId}                                         → 200 the bytes, X-Chorus-Sha256
 * </pre>
 *
 * Errors are JSON {@code {"code": "...", "message": "..."}} with a stable code from {@link ErrorCode}.
 */
public final class FileService extends AllDirectives {
    public static final String SHA256_HEADER = "X-Chorus-Sha256";
    private static final Logger log = LoggerFactory.getLogger(FileService.class);
    private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);

    private final ActorSystem<?> system;
    private final FileStore store;
    private final FileAccess access;
    private final long maxBytes;
    /** Null for a node on its own; else where copies go and where missing bytes come from. */
    private final ClusterPeers peers;
    /** Counts file bytes to and from each peer node. */
    private final RelayStats stats;
    /** This node's cluster address, sent with node-to-node requests so the other side can count them; or null. */
    private final String selfNode;
    /** Names the node that makes a node-to-node request (its cluster address). */
    static final String NODE_HEADER = "X-Chorus-Node";

    public FileService(ActorSystem<?> system, FileStore store, FileAccess access, long maxBytes) {
        this(system, store, access, maxBytes, null, new RelayStats());
    }

    public FileService(ActorSystem<?> system, FileStore store, FileAccess access, long maxBytes, ClusterPeers peers,
                       RelayStats stats) {
        this.peers = peers;
        this.stats = stats;
        this.selfNode = peers == null ? null
                : org.apache.pekko.cluster.typed.Cluster.get(system).selfMember().address().toString();
        this.system = system;
        this.store = store;
        this.access = access;
        this.maxBytes = maxBytes;
    }

    public CompletionStage<ServerBinding> bind(String host, int port) {
        return Http.get(system).newServerAt(host, port).bind(routes());
    }

    Route routes() {
        return concat(nodeRoutes(), clientRoutes());
    }

    /**
     * Between nodes, with the cluster credential ({@code Authorization: Node ...}): a copy of a
     * file's bytes pushed after an upload, and a file's bytes for a node that lacks them.
     * <pre>
     *   PUT /nodes/rooms/{room}/files/{fileId}   X-Chorus-Sha256: HEX   body: the bytes → 201
     *   GET /nodes/rooms/{room}/files/{fileId}                                        → 200 the bytes
     * </pre>
     */
    private Route nodeRoutes() {
        return pathPrefix("nodes", () -> pathPrefix("rooms", () -> pathPrefix(PathMatchers.segment(), room ->
                pathPrefix("files", () -> path(PathMatchers.segment(), fileId ->
                        optionalHeaderValueByName("Authorization", authorization ->
                                optionalHeaderValueByName(NODE_HEADER, node -> {
                            if (peers == null || !peers.validNodeCredential(authorization.orElse(null))
                                    || !FileStore.validId(fileId)) {
                                return error(StatusCodes.FORBIDDEN, ErrorCode.FORBIDDEN, "not a node of this cluster");
                            }
                            RelayStats.PeerTraffic from = stats.peer(node.orElse("unknown"));
                            return concat(
                                    get(() -> {
                                        Path file = store.file(room, fileId);
                                        if (!Files.isRegularFile(file)) {
                                            return error(StatusCodes.NOT_FOUND, ErrorCode.UNKNOWN_FILE, "not held here");
                                        }
                                        return complete(HttpResponse.create().withEntity(HttpEntities.create(
                                                ContentTypes.APPLICATION_OCTET_STREAM, file.toFile().length(),
                                                FileIO.fromPath(file).map(bytes -> {
                                                    from.fileBytesSent(bytes.size());
                                                    return bytes;
                                                }))));
                                    }),
                                    put(() -> headerValueByName(SHA256_HEADER, sha -> extractRequestEntity(entity ->
                                            extractMaterializer(m -> completeWithFuture(
                                                    receiveCopy(room, fileId, sha, entity, m, from)))))));
                        })))))));
    }

    /** Stores a copy pushed by the node that took the upload, checked against its hash. */
    private CompletionStage<HttpResponse> receiveCopy(String room, String fileId, String sha, RequestEntity entity,
                                                      Materializer materializer, RelayStats.PeerTraffic from) {
        Path part;
        try {
            part = store.newUpload(room, fileId);
        } catch (IOException e) {
            entity.discardBytes(materializer);
            return java.util.concurrent.CompletableFuture.completedFuture(
                    errorResponse(StatusCodes.INTERNAL_SERVER_ERROR, ErrorCode.INTERNAL, e.getMessage()));
        }
        MessageDigest digest = sha256();
        return entity.withSizeLimit(maxBytes).getDataBytes()
                .map(bytes -> {
                    digest.update(bytes.asByteBuffer());
                    from.fileBytesReceived(bytes.size());
                    return bytes;
                })
                .runWith(FileIO.toPath(part), materializer)
                .handle((io, failure) -> {
                    if (failure != null || !HexFormat.of().formatHex(digest.digest()).equalsIgnoreCase(sha)) {
                        deleteQuietly(part);
                        return errorResponse(StatusCodes.BAD_REQUEST, ErrorCode.UPLOAD_INCOMPLETE, "copy not kept");
                    }
                    try {
                        Files.move(part, store.file(room, fileId), StandardCopyOption.ATOMIC_MOVE);
                    } catch (IOException e) {
                        deleteQuietly(part);
                        return errorResponse(StatusCodes.INTERNAL_SERVER_ERROR, ErrorCode.INTERNAL, e.getMessage());
                    }
                    log.info("room={} file {}: copy kept", room, fileId);
                    return HttpResponse.create().withStatus(StatusCodes.CREATED);
                });
    }

    /**
     * Pushes a complete upload to one other node (the first by address), so its bytes are on two
     * nodes before the room hears of it; completes either way (a failed copy is logged).
     */
    private CompletionStage<Void> copyToPeer(String room, FileInfo info) {
        if (peers == null || peers.peers().isEmpty()) {
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
        ClusterPeers.Peer peer = peers.peers().values().stream()
                .min(java.util.Comparator.comparing(ClusterPeers.Peer::node)).orElseThrow();
        Path file = store.file(room, info.fileId());
        var request = org.apache.pekko.http.javadsl.model.HttpRequest.PUT(nodeUri(peer, room, info.fileId()))
                .addHeader(RawHeader.create("Authorization", "Node " + peers.nodeCredential()))
                .addHeader(RawHeader.create(NODE_HEADER, selfNode))
                .addHeader(RawHeader.create(SHA256_HEADER, info.sha256()))
                .withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, info.size(), FileIO.fromPath(file)));
        return Http.get(system).singleRequest(request).handle((rsp, failure) -> {
            if (rsp != null) {
                rsp.discardEntityBytes(system);
            }
            if (failure != null || !rsp.status().isSuccess()) {
                log.warn("room={} file {}: no copy on {} ({})", room, info.fileId(), peer.node(),
                        failure != null ? failure.toString() : rsp.status());
            } else {
                stats.peer(peer.node()).fileBytesSent(info.size());
                log.info("room={} file {}: copy on {}", room, info.fileId(), peer.node());
            }
            return null;
        });
    }

    private static String nodeUri(ClusterPeers.Peer peer, String room, String fileId) {
        return "http://" + (peer.host().contains(":") ? "[" + peer.host() + "]" : peer.host()) + ":" + peer.filesPort()
                + "/nodes/rooms/" + java.net.URLEncoder.encode(room, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20") + "/files/" + fileId;
    }

    /** The bytes of a file this node lacks, from the first other node that holds them, streamed through. */
    private CompletionStage<Optional<HttpResponse>> fetchFromPeers(String room, String fileId,
                                                                   List<ClusterPeers.Peer> candidates) {
        if (candidates.isEmpty()) {
            return java.util.concurrent.CompletableFuture.completedFuture(Optional.empty());
        }
        ClusterPeers.Peer peer = candidates.get(0);
        var request = org.apache.pekko.http.javadsl.model.HttpRequest.GET(nodeUri(peer, room, fileId))
                .addHeader(RawHeader.create("Authorization", "Node " + peers.nodeCredential()))
                .addHeader(RawHeader.create(NODE_HEADER, selfNode));
        RelayStats.PeerTraffic from = stats.peer(peer.node());
        return Http.get(system).singleRequest(request)
                .handle((rsp, failure) -> {
                    if (rsp != null && rsp.status().isSuccess()) {
                        // Counted as it streams through to the client.
                        var counted = rsp.entity().getDataBytes().map(bytes -> {
                            from.fileBytesReceived(bytes.size());
                            return bytes;
                        });
                        return java.util.concurrent.CompletableFuture.completedFuture(Optional.of(
                                rsp.withEntity(HttpEntities.createChunked(ContentTypes.APPLICATION_OCTET_STREAM, counted))));
                    }
                    if (rsp != null) {
                        rsp.discardEntityBytes(system);
                    }
                    return fetchFromPeers(room, fileId, candidates.subList(1, candidates.size()));
                })
                .thenCompose(x -> x);
    }

    private Route clientRoutes() {
        return pathPrefix("rooms", () -> pathPrefix(PathMatchers.segment(), room -> pathPrefix("files", () ->
                optionalHeaderValueByName("Authorization", authorization -> {
                    FileAccess.Grant grant = access.check(authorization.orElse(null));
                    if (grant == null || !grant.room().equals(room)) {
                        return error(StatusCodes.FORBIDDEN, ErrorCode.FORBIDDEN,
                                "a valid token for room '" + room + "' is required (Authorization: Bearer TOKEN)");
                    }
                    return concat(
                            pathEnd(() -> concat(
                                    get(() -> list(grant)),
                                    put(() -> upload(grant, authorization.get())),
                                    post(() -> upload(grant, authorization.get())))),
                            path(PathMatchers.segment(), fileId -> get(() -> download(grant, fileId))));
                }))));
    }

    private Route list(FileAccess.Grant grant) {
        CompletionStage<List<FileInfo>> files = AskPattern.ask(grant.roomRef(), Room.ListFiles::new, ASK_TIMEOUT,
                system.scheduler());
        return onSuccess(files, list -> json(StatusCodes.OK, list));
    }

    private Route download(FileAccess.Grant grant, String fileId) {
        if (!FileStore.validId(fileId)) {
            return error(StatusCodes.NOT_FOUND, ErrorCode.UNKNOWN_FILE, "no file '" + fileId + "' in this room");
        }
        CompletionStage<Optional<FileInfo>> found = AskPattern.ask(grant.roomRef(),
                replyTo -> new Room.LookupFile(fileId, replyTo), ASK_TIMEOUT, system.scheduler());
        return onSuccess(found, info -> {
            Path file = store.file(grant.room(), fileId);
            if (info.isPresent() && !Files.isRegularFile(file) && peers != null) {
                // Uploaded through another node: stream it from one that holds it.
                return onSuccess(fetchFromPeers(grant.room(), fileId, List.copyOf(peers.peers().values())), rsp -> {
                    if (rsp.isEmpty()) {
                        return error(StatusCodes.NOT_FOUND, ErrorCode.UNKNOWN_FILE,
                                "no node holding file '" + fileId + "' is reachable");
                    }
                    return complete(HttpResponse.create()
                            .withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, info.get().size(),
                                    rsp.get().entity().getDataBytes()))
                            .addHeader(RawHeader.create(SHA256_HEADER, info.get().sha256())));
                });
            }
            if (info.isEmpty() || !Files.isRegularFile(file)) {
                return error(StatusCodes.NOT_FOUND, ErrorCode.UNKNOWN_FILE, "no file '" + fileId + "' in this room");
            }
            return complete(HttpResponse.create()
                    .withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, info.get().size(),
                            FileIO.fromPath(file)))
                    .addHeader(RawHeader.create(SHA256_HEADER, info.get().sha256())));
        });
    }

    private Route upload(FileAccess.Grant grant, String authorization) {
        return parameterOptional("name", name -> optionalHeaderValueByName(SHA256_HEADER, declared ->
                extractRequestEntity(entity -> extractMaterializer(materializer -> {
                    String problem = name.isEmpty() ? "the file name is required (?name=...)" : Names.fileNameProblem(name.get());
                    if (problem != null) {
                        entity.discardBytes(materializer);
                        return error(StatusCodes.BAD_REQUEST, ErrorCode.BAD_FILE_NAME, problem);
                    }
                    if (declared.isEmpty() || !HEX_SHA256.matcher(declared.get()).matches()) {
                        entity.discardBytes(materializer);
                        return error(StatusCodes.BAD_REQUEST, ErrorCode.CHECKSUM_MISMATCH,
                                "the " + SHA256_HEADER + " header with the file's SHA-256 in hex is required");
                    }
                    OptionalLong length = entity.getContentLengthOption();
                    if (length.isPresent() && length.getAsLong() > maxBytes) {
                        entity.discardBytes(materializer);
                        return error(StatusCodes.PAYLOAD_TOO_LARGE, ErrorCode.FILE_TOO_LARGE,
                                "the file is " + length.getAsLong() + " bytes; this relay accepts at most " + maxBytes);
                    }
                    return completeWithFuture(receive(grant, authorization, name.get(), declared.get(), length,
                            entity, materializer));
                }))));
    }

    private CompletionStage<HttpResponse> receive(FileAccess.Grant grant, String authorization, String name,
                                                  String declaredSha256, OptionalLong length, RequestEntity entity,
                                                  Materializer materializer) {
        String fileId = FileStore.newFileId();
        Path part;
        try {
            part = store.newUpload(grant.room(), fileId);
        } catch (IOException e) {
            entity.discardBytes(materializer);
            return java.util.concurrent.CompletableFuture.completedFuture(
                    errorResponse(StatusCodes.INTERNAL_SERVER_ERROR, ErrorCode.INTERNAL, "cannot store files: " + e.getMessage()));
        }
        MessageDigest digest = sha256();
        AtomicLong received = new AtomicLong();
        java.util.concurrent.atomic.AtomicReference<FileInfo> stored = new java.util.concurrent.atomic.AtomicReference<>();
        return entity.withSizeLimit(maxBytes).getDataBytes()
                .map(bytes -> {
                    digest.update(bytes.asByteBuffer());
                    received.addAndGet(bytes.size());
                    return bytes;
                })
                .runWith(FileIO.toPath(part), materializer)
                .handle((io, failure) -> {
                    if (failure != null) {
                        deleteQuietly(part);
                        if (String.valueOf(failure.getMessage()).contains("exceeded") || received.get() > maxBytes) {
                            return errorResponse(StatusCodes.PAYLOAD_TOO_LARGE, ErrorCode.FILE_TOO_LARGE,
                                    "the upload passed this relay's limit of " + maxBytes + " bytes; nothing was kept");
                        }
                        log.info("room={} upload of {} cut off after {} bytes: {}", grant.room(), name, received.get(),
                                failure.toString());
                        return errorResponse(StatusCodes.BAD_REQUEST, ErrorCode.UPLOAD_INCOMPLETE,
                                "the upload ended after " + received.get() + " bytes; nothing was kept");
                    }
                    if (length.isPresent() && received.get() != length.getAsLong()) {
                        deleteQuietly(part);
                        return errorResponse(StatusCodes.BAD_REQUEST, ErrorCode.UPLOAD_INCOMPLETE,
                                "received " + received.get() + " of " + length.getAsLong() + " bytes; nothing was kept");
                    }
                    String actual = HexFormat.of().formatHex(digest.digest());
                    if (!actual.equalsIgnoreCase(declaredSha256)) {
                        deleteQuietly(part);
                        return errorResponse(StatusCodes.UNPROCESSABLE_ENTITY, ErrorCode.CHECKSUM_MISMATCH,
                                "the bytes received hash to " + actual + ", not " + declaredSha256 + "; nothing was kept");
                    }
                    if (!access.valid(authorization)) {
                        deleteQuietly(part);
                        return errorResponse(StatusCodes.FORBIDDEN, ErrorCode.FORBIDDEN,
                                "the uploader left the room before the upload finished; nothing was kept");
                    }
                    try {
                        Files.move(part, store.file(grant.room(), fileId), StandardCopyOption.ATOMIC_MOVE);
                    } catch (IOException e) {
                        deleteQuietly(part);
                        return errorResponse(StatusCodes.INTERNAL_SERVER_ERROR, ErrorCode.INTERNAL,
                                "cannot store the file: " + e.getMessage());
                    }
                    FileInfo info = new FileInfo(fileId, name, received.get(), actual,
                            grant.participant().participantId(), grant.participant().name(), System.currentTimeMillis());
                    stored.set(info);
                    return null;
                })
                .thenCompose(refused -> refused != null
                        ? java.util.concurrent.CompletableFuture.completedFuture(refused)
                        // Clustered: on a second node before the room hears of it.
                        : copyToPeer(grant.room(), stored.get()).thenApply(copied -> {
                            grant.roomRef().tell(new Room.FileAdded(stored.get()));
                            return jsonResponse(StatusCodes.CREATED, stored.get());
                        }));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("could not delete {}: {}", file, e.toString());
        }
    }

    private Route json(StatusCode status, Object body) {
        return complete(jsonResponse(status, body));
    }

    private Route error(StatusCode status, ErrorCode code, String message) {
        return complete(errorResponse(status, code, message));
    }

    private static HttpResponse errorResponse(StatusCode status, ErrorCode code, String message) {
        return jsonResponse(status, Map.of("code", code.wire(), "message", message));
    }

    private static HttpResponse jsonResponse(StatusCode status, Object body) {
        try {
            return HttpResponse.create().withStatus(status)
                    .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, JSON.writeValueAsBytes(body)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
