package chorus.relay;

import chorus.protocol.control.ControlMessage.FileInfo;
import chorus.protocol.control.ErrorCode;
import chorus.protocol.control.Names;
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

    public FileService(ActorSystem<?> system, FileStore store, FileAccess access, long maxBytes) {
        this.system = system;
        this.store = store;
        this.access = access;
        this.maxBytes = maxBytes;
    }

    public CompletionStage<ServerBinding> bind(String host, int port) {
        return Http.get(system).newServerAt(host, port).bind(routes());
    }

    Route routes() {
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
                    grant.roomRef().tell(new Room.FileAdded(info));
                    return jsonResponse(StatusCodes.CREATED, info);
                });
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
