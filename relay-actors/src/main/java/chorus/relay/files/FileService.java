package chorus.relay.files;

import chorus.protocol.control.ControlMessage.FileInfo;
import chorus.protocol.control.ErrorCode;
import chorus.protocol.control.Names;
import chorus.relay.cluster.ClusterPeers;
import chorus.relay.config.RelayConfig;
import chorus.relay.files.FileAccess.Grant;
import chorus.relay.metrics.RelayStats;
import chorus.relay.metrics.RelayStats.PeerTraffic;
import chorus.relay.room.Room;
import chorus.relay.tls.RelayTls;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.ConnectionContext;
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
import org.apache.pekko.http.javadsl.server.PathMatcher1;
import org.apache.pekko.http.javadsl.server.PathMatcher2;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.FileIO;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file service: HTTPS (or, with TLS off, HTTP) on the relay (Pekko HTTP), one room per path, authorised by the bearer
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
 * In a cluster it also serves other nodes (see {@link #nodeFile}); its own requests to them are
 * {@link PeerFiles}'. Errors are JSON {@code {"code": "...", "message": "..."}} with a stable code
 * from {@link ErrorCode}.
 */
public final class FileService extends AllDirectives {
    public static final String SHA256_HEADER = "X-Chorus-Sha256";
    /** Names the node that makes a node-to-node request (its cluster address). */
    static final String NODE_HEADER = "X-Chorus-Node";
    private static final Logger log = LoggerFactory.getLogger(FileService.class);
    private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);
    /** {@code /nodes/rooms/{room}/files/{fileId}}. */
    private static final PathMatcher2<String, String> NODE_FILE = PathMatchers.segment("nodes").slash("rooms")
            .slash(PathMatchers.segment()).slash("files").slash(PathMatchers.segment());
    /** {@code /rooms/{room}/files} and what is under it. */
    private static final PathMatcher1<String> ROOM_FILES = PathMatchers.segment("rooms")
            .slash(PathMatchers.segment()).slash("files");

    private final ActorSystem<?> system;
    private final FileStore store;
    private final FileAccess access;
    private final long maxBytes;
    /** Null for a node on its own; else whose node credential admits a node-to-node request. */
    private final ClusterPeers peers;
    /** Counts file bytes to and from each peer node. */
    private final RelayStats stats;
    /** Null for a node on its own; else where copies go and where missing bytes come from. */
    private final PeerFiles peerFiles;
    private final TransferLimits limits;

    public FileService(ActorSystem<?> system, FileStore store, FileAccess access, long maxBytes) {
        this(system, store, access, maxBytes, null, new RelayStats());
    }

    public FileService(ActorSystem<?> system, FileStore store, FileAccess access, long maxBytes, ClusterPeers peers,
                       RelayStats stats) {
        this.peers = peers;
        this.stats = stats;
        this.peerFiles = peers == null ? null : new PeerFiles(system, store, peers, stats);
        this.system = system;
        this.store = store;
        this.access = access;
        this.maxBytes = maxBytes;
        this.limits = new TransferLimits(RelayConfig.from(system.settings().config()).limits(), stats, store.root());
    }

    public CompletionStage<ServerBinding> bind(String host, int port) {
        return bind(host, port, null);
    }

    /** HTTPS with the relay's certificate (plain HTTP when {@code tls} is null), within {@link FileConnections}. */
    public CompletionStage<ServerBinding> bind(String host, int port, RelayTls tls) {
        var server = Http.get(system).newServerAt(host, port);
        return new FileConnections(limits.config(), stats).serve(system,
                tls == null ? server : server.enableHttps(ConnectionContext.httpsServer(tls::serverEngine)), routes());
    }

    /**
     * Every endpoint: {@code /nodes/rooms/{room}/files/{fileId}} for the other nodes of a cluster
     * ({@link #nodeFile}), {@code /rooms/{room}/files} and {@code /rooms/{room}/files/{fileId}} for
     * participants ({@link #roomFiles}); anything else gets Pekko HTTP's own 404 or 405.
     */
    Route routes() {
        return concat(
                path(NODE_FILE, this::nodeFile),
                pathPrefix(ROOM_FILES, this::roomFiles));
    }

    /**
     * Between nodes, with the cluster credential ({@code Authorization: Node ...}): a copy of a
     * file's bytes pushed after an upload, and a file's bytes for a node that lacks them.
     * <pre>
     *   PUT /nodes/rooms/{room}/files/{fileId}   X-Chorus-Sha256: HEX   body: the bytes → 201
     *   GET /nodes/rooms/{room}/files/{fileId}                                        → 200 the bytes
     * </pre>
     */
    private Route nodeFile(String room, String fileId) {
        return asNode(fileId, peer -> concat(
                get(() -> serveFetch(room, fileId, peer)),
                put(() -> acceptCopy(room, fileId, peer))));
    }

    /**
     * Admits a request from a node of this cluster (its credential, naming a file id of this
     * store's form) and passes on the traffic counters of the node it names.
     */
    private Route asNode(String fileId, Function<PeerTraffic, Route> inner) {
        return optionalHeaderValueByName("Authorization", authorization ->
                optionalHeaderValueByName(NODE_HEADER, node -> {
                    if (peers == null || !peers.validNodeCredential(authorization.orElse(null))
                            || !FileStore.validId(fileId)) {
                        return error(StatusCodes.FORBIDDEN, ErrorCode.FORBIDDEN, "not a node of this cluster");
                    }
                    return inner.apply(stats.peer(node.orElse("unknown")));
                }));
    }

    /** GET from a node: the bytes of a file this node holds, counted as they go. */
    private Route serveFetch(String room, String fileId, PeerTraffic to) {
        Path file = store.file(room, fileId);
        if (!Files.isRegularFile(file)) {
            return error(StatusCodes.NOT_FOUND, ErrorCode.UNKNOWN_FILE, "not held here");
        }
        Source<ByteString, ?> counted = FileIO.fromPath(file).map(bytes -> {
            to.fileBytesSent(bytes.size());
            return bytes;
        });
        return complete(HttpResponse.create().withEntity(HttpEntities.create(
                ContentTypes.APPLICATION_OCTET_STREAM, file.toFile().length(), counted)));
    }

    /** PUT from a node: a copy of an upload it took. */
    private Route acceptCopy(String room, String fileId, PeerTraffic from) {
        return headerValueByName(SHA256_HEADER, sha -> withBody((entity, materializer) ->
                completeWithFuture(storeCopy(room, fileId, sha, entity, materializer, from))));
    }

    /** Stores a copy pushed by the node that took the upload, checked against its hash. */
    private CompletionStage<HttpResponse> storeCopy(String room, String fileId, String sha, RequestEntity entity,
                                                    Materializer materializer, PeerTraffic from) {
        Path part;
        try {
            part = store.newUpload(room, fileId);
        } catch (IOException e) {
            entity.discardBytes(materializer);
            return CompletableFuture.completedFuture(
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

    /** Everything under {@code /rooms/{room}/files}, for a participant of that room. */
    private Route roomFiles(String room) {
        return asParticipant(room, (grant, authorization) -> concat(
                pathEnd(() -> concat(
                        get(() -> list(grant)),
                        put(() -> upload(grant, authorization)),
                        post(() -> upload(grant, authorization)))),
                path(PathMatchers.segment(), fileId -> get(() -> download(grant, fileId)))));
    }

    /**
     * The token check that comes before anything else (PROTOCOL.md §7.1): passes on the grant
     * and the {@code Authorization} value, which an upload checks again once its bytes are in.
     */
    private Route asParticipant(String room, BiFunction<Grant, String, Route> inner) {
        return optionalHeaderValueByName("Authorization", authorization -> {
            Grant grant = access.check(authorization.orElse(null));
            if (grant == null || !grant.room().equals(room)) {
                return error(StatusCodes.FORBIDDEN, ErrorCode.FORBIDDEN,
                        "a valid token for room '" + room + "' is required (Authorization: Bearer TOKEN)");
            }
            return inner.apply(grant, authorization.get());
        });
    }

    private Route list(Grant grant) {
        CompletionStage<List<FileInfo>> files = AskPattern.ask(grant.roomRef(), Room.ListFiles::new, ASK_TIMEOUT,
                system.scheduler());
        return onSuccess(files, list -> json(StatusCodes.OK, list));
    }

    private Route download(Grant grant, String fileId) {
        if (!FileStore.validId(fileId)) {
            return error(StatusCodes.NOT_FOUND, ErrorCode.UNKNOWN_FILE, "no file '" + fileId + "' in this room");
        }
        CompletionStage<Optional<FileInfo>> found = AskPattern.ask(grant.roomRef(),
                replyTo -> new Room.LookupFile(fileId, replyTo), ASK_TIMEOUT, system.scheduler());
        return onSuccess(found, info -> {
            Path file = store.file(grant.room(), fileId);
            if (info.isPresent() && !Files.isRegularFile(file) && peerFiles != null) {
                return downloadFromPeers(grant, fileId, info.get());
            }
            if (info.isEmpty() || !Files.isRegularFile(file)) {
                return error(StatusCodes.NOT_FOUND, ErrorCode.UNKNOWN_FILE, "no file '" + fileId + "' in this room");
            }
            return transfer(grant, bytes -> complete(fileResponse(info.get(), bytes)), FileIO.fromPath(file));
        });
    }

    /** A download, one of its participant's transfers until its bytes are gone; 429 over the limit. */
    private Route transfer(Grant grant, Function<Source<ByteString, ?>, Route> respond, Source<ByteString, ?> bytes) {
        String who = grant.participant().participantId();
        TransferLimits.Refusal refusal = limits.startTransfer(who);
        if (refusal != null) {
            bytes.runWith(Sink.cancelled(), Materializer.matFromSystem(system)); // a peer's response is let go
            return complete(refused(refusal));
        }
        return respond.apply(bytes.watchTermination((mat, done) -> {
            done.whenComplete((ok, failure) -> limits.ended(who));
            return mat;
        }));
    }

    /** A file uploaded through another node: streamed from one that holds it. */
    private Route downloadFromPeers(Grant grant, String fileId, FileInfo info) {
        return onSuccess(peerFiles.fetch(grant.room(), fileId), bytes -> bytes.isEmpty()
                ? error(StatusCodes.NOT_FOUND, ErrorCode.UNKNOWN_FILE, "no node holding file '" + fileId + "' is reachable")
                : transfer(grant, counted -> complete(fileResponse(info, counted)), bytes.get()));
    }

    private static HttpResponse fileResponse(FileInfo info, Source<ByteString, ?> bytes) {
        return HttpResponse.create()
                .withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, info.size(), bytes))
                .addHeader(RawHeader.create(SHA256_HEADER, info.sha256()));
    }

    private Route upload(Grant grant, String authorization) {
        if (!grant.shareFiles()) {
            return complete(refused(StatusCodes.FORBIDDEN, ErrorCode.NOT_ALLOWED,
                    "your access token does not allow sharing files"));
        }
        return parameterOptional("name", name -> optionalHeaderValueByName(SHA256_HEADER, declared ->
                withBody((entity, materializer) -> upload(grant, authorization, name, declared, entity, materializer))));
    }

    /**
     * Refuses what can be refused before a byte is stored (PROTOCOL.md §7.3, checks 2–4), reading
     * and discarding the body; otherwise streams it in.
     */
    private Route upload(Grant grant, String authorization, Optional<String> name, Optional<String> declared,
                         RequestEntity entity, Materializer materializer) {
        OptionalLong length = entity.getContentLengthOption();
        HttpResponse refused = refusedBeforeStoring(name, declared, length);
        if (refused != null) {
            entity.discardBytes(materializer);
            return complete(refused);
        }
        String who = grant.participant().participantId();
        TransferLimits.Refusal busy = limits.startTransfer(who);
        if (busy != null) {
            entity.discardBytes(materializer);
            return complete(refused(busy));
        }
        CompletionStage<HttpResponse> answer = AskPattern.<Room.Command, List<FileInfo>>ask(grant.roomRef(),
                Room.ListFiles::new, ASK_TIMEOUT, system.scheduler()).thenCompose(list -> {
            long stored = list.stream().mapToLong(FileInfo::size).sum();
            TransferLimits.Refusal refusal = limits.beforeUpload(grant.room(), stored, length);
            if (refusal != null) {
                entity.discardBytes(materializer);
                return CompletableFuture.completedFuture(refused(refusal));
            }
            return receive(grant, authorization, name.get(), declared.get(), length, stored, entity, materializer);
        });
        return completeWithFuture(answer.whenComplete((response, failure) -> limits.ended(who)));
    }

    /** The first of checks 2–4 of an upload that fails, as the answer to give; null if none does. */
    private HttpResponse refusedBeforeStoring(Optional<String> name, Optional<String> declared, OptionalLong length) {
        String problem = name.isEmpty() ? "the file name is required (?name=...)" : Names.fileNameProblem(name.get());
        if (problem != null) {
            return refused(StatusCodes.BAD_REQUEST, ErrorCode.BAD_FILE_NAME, problem);
        }
        if (declared.isEmpty() || !HEX_SHA256.matcher(declared.get()).matches()) {
            return refused(StatusCodes.BAD_REQUEST, ErrorCode.CHECKSUM_MISMATCH,
                    "the " + SHA256_HEADER + " header with the file's SHA-256 in hex is required");
        }
        if (length.isPresent() && length.getAsLong() > maxBytes) {
            return refused(StatusCodes.PAYLOAD_TOO_LARGE, ErrorCode.FILE_TOO_LARGE,
                    "the file is " + length.getAsLong() + " bytes; this relay accepts at most " + maxBytes);
        }
        return null;
    }

    /**
     * Streams an upload to disk and keeps it only if checks 5–11 of PROTOCOL.md §7.3 pass; then
     * copies it to a second node (clustered), tells the room and answers 201 with its FileInfo.
     */
    private CompletionStage<HttpResponse> receive(Grant grant, String authorization, String name,
                                                  String declaredSha256, OptionalLong length, long roomBytes,
                                                  RequestEntity entity, Materializer materializer) {
        String fileId = FileStore.newFileId();
        Path part;
        try {
            part = store.newUpload(grant.room(), fileId);
        } catch (IOException e) {
            entity.discardBytes(materializer);
            return CompletableFuture.completedFuture(
                    errorResponse(StatusCodes.INTERNAL_SERVER_ERROR, ErrorCode.INTERNAL, "cannot store files: " + e.getMessage()));
        }
        MessageDigest digest = sha256();
        AtomicLong received = new AtomicLong();
        AtomicReference<FileInfo> stored = new AtomicReference<>();
        return entity.withSizeLimit(maxBytes).getDataBytes()
                .idleTimeout(limits.config().uploadIdleTimeout())
                .map(bytes -> {
                    digest.update(bytes.asByteBuffer());
                    received.addAndGet(bytes.size());
                    limits.received(grant.room(), roomBytes, bytes.size());
                    return bytes;
                })
                .runWith(FileIO.toPath(part), materializer)
                .handle((io, failure) -> {
                    limits.uploadEnded(grant.room(), received.get());
                    if (failure != null) {
                        deleteQuietly(part);
                        if (TransferLimits.causedBy(failure, TransferLimits.QuotaExceeded.class)) {
                            return refused(limits.quotaRefusal(roomBytes));
                        }
                        if (TransferLimits.causedBy(failure, TimeoutException.class)) {
                            log.info("room={} upload of {} idle after {} bytes: aborted", grant.room(), name, received.get());
                            return refused(limits.idleRefusal(received.get()));
                        }
                        if (String.valueOf(failure.getMessage()).contains("exceeded") || received.get() > maxBytes) {
                            return refused(StatusCodes.PAYLOAD_TOO_LARGE, ErrorCode.FILE_TOO_LARGE,
                                    "the upload passed this relay's limit of " + maxBytes + " bytes; nothing was kept");
                        }
                        log.info("room={} upload of {} cut off after {} bytes: {}", grant.room(), name, received.get(),
                                failure.toString());
                        return refused(StatusCodes.BAD_REQUEST, ErrorCode.UPLOAD_INCOMPLETE,
                                "the upload ended after " + received.get() + " bytes; nothing was kept");
                    }
                    if (length.isPresent() && received.get() != length.getAsLong()) {
                        deleteQuietly(part);
                        return refused(StatusCodes.BAD_REQUEST, ErrorCode.UPLOAD_INCOMPLETE,
                                "received " + received.get() + " of " + length.getAsLong() + " bytes; nothing was kept");
                    }
                    String actual = HexFormat.of().formatHex(digest.digest());
                    if (!actual.equalsIgnoreCase(declaredSha256)) {
                        deleteQuietly(part);
                        return refused(StatusCodes.UNPROCESSABLE_ENTITY, ErrorCode.CHECKSUM_MISMATCH,
                                "the bytes received hash to " + actual + ", not " + declaredSha256 + "; nothing was kept");
                    }
                    if (!access.valid(authorization)) {
                        deleteQuietly(part);
                        return refused(StatusCodes.FORBIDDEN, ErrorCode.FORBIDDEN,
                                "the uploader left the room before the upload finished; nothing was kept");
                    }
                    try {
                        Files.move(part, store.file(grant.room(), fileId), StandardCopyOption.ATOMIC_MOVE);
                    } catch (IOException e) {
                        deleteQuietly(part);
                        return refused(StatusCodes.INTERNAL_SERVER_ERROR, ErrorCode.INTERNAL,
                                "cannot store the file: " + e.getMessage());
                    }
                    FileInfo info = new FileInfo(fileId, name, received.get(), actual,
                            grant.participant().participantId(), grant.participant().name(), System.currentTimeMillis());
                    stored.set(info);
                    return null;
                })
                .thenCompose(refused -> refused != null
                        ? CompletableFuture.completedFuture(refused)
                        // Clustered: on a second node before the room hears of it.
                        : copyToPeer(grant.room(), stored.get()).thenApply(copied -> {
                            grant.roomRef().tell(new Room.FileAdded(stored.get()));
                            return jsonResponse(StatusCodes.CREATED, stored.get());
                        }));
    }

    /** In a cluster, a copy on one other node; completes either way (see {@link PeerFiles#copy}). */
    private CompletionStage<Void> copyToPeer(String room, FileInfo info) {
        return peerFiles == null ? CompletableFuture.completedFuture(null) : peerFiles.copy(room, info);
    }

    /** The request's entity and the materializer to read (or discard) it with. */
    private Route withBody(BiFunction<RequestEntity, Materializer, Route> inner) {
        return extractRequestEntity(entity -> extractMaterializer(materializer -> inner.apply(entity, materializer)));
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

    /** The answer to a transfer refused by a limit (counted there), counted by its code. */
    private HttpResponse refused(TransferLimits.Refusal refusal) {
        return refused(refusal.status(), refusal.code(), refusal.message());
    }

    /** The answer to a refused upload, counted by its code. */
    private HttpResponse refused(StatusCode status, ErrorCode code, String message) {
        stats.uploadRefused(code);
        return errorResponse(status, code, message);
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
