package chorus.client.files;

import chorus.protocol.control.ControlMessage.FileInfo;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads files to the room and downloads the files offered in it, through the relay's file
 * service (HTTP/1.1 through {@link HttpClient}, authorised by the token in the welcome). Both
 * directions stream in small chunks: an upload is hashed in one pass over the file and sent in a
 * second, with a fixed length, each chunk handed over as the client asks for it; a download is
 * written to a temporary file in the target directory while it is hashed, checked against the
 * SHA-256 it was offered with, and only then moved to its final name. Nothing here holds a whole
 * file in memory, and nothing is left behind by a transfer that fails.
 *
 * <p>Methods block the calling thread until the transfer ends; interrupting that thread cancels
 * the transfer ({@link FileTransferException#CANCELLED}): the connection is closed and the relay
 * keeps nothing. A transfer that moves no bytes for {@link #IDLE_TIMEOUT} is broken off. Safe to
 * use from several threads.
 */
public final class FileTransfers {
    /** The header carrying a file's SHA-256 in hex, on uploads and downloads. */
    public static final String SHA256_HEADER = "X-Chorus-Sha256";
    static final int CHUNK_BYTES = 64 * 1024;
    /** Bound on each wait for the relay: the relay answers an upload as soon as its last byte is on disk. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** Enough for a FileInfo or an error; a longer answer is not the relay's. */
    private static final int ANSWER_BYTES = 64 * 1024;
    private static final int ERROR_BYTES = 16 * 1024;
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private static final Logger log = LoggerFactory.getLogger(FileTransfers.class);

    /** Told how far a transfer is, after each chunk, on the transferring thread. Must return quickly. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (done, total) -> { };

        void update(long bytesDone, long bytesTotal);
    }

    private final String base;
    private final String room;
    private final String token;
    private final HttpClient http;

    /**
     * @param base  {@code http://host:port} of the file service, or null when the relay has none
     * @param room  the room whose files these are
     * @param token the bearer token from the welcome
     */
    public FileTransfers(String base, String room, String token) {
        this(base, room, token, FileHttpClients.PLAIN);
    }

    private FileTransfers(String base, String room, String token, HttpClient http) {
        this.http = http;
        this.base = base;
        this.room = room;
        this.token = token;
    }

    /** The file service of a welcome's room, at the media host (where the relay's HTTP port is). */
    public static FileTransfers of(InetAddress host, int port, String room, String token) {
        return of(host, port, room, token, null);
    }

    /**
     * As {@link #of(InetAddress, int, String, String)}, over HTTPS trusting only the certificate
     * with this fingerprint (the one the control connection trusted: the relay serves both with
     * it), or plain HTTP when {@code tlsFingerprint} is null.
     */
    public static FileTransfers of(InetAddress host, int port, String room, String token, String tlsFingerprint) {
        if (port <= 0 || token == null) {
            return new FileTransfers(null, room, null);
        }
        String literal = host.getHostAddress();
        if (host instanceof Inet6Address) {
            int zone = literal.indexOf('%');
            literal = "[" + (zone >= 0 ? literal.substring(0, zone) : literal) + "]";
        }
        if (tlsFingerprint == null) {
            return new FileTransfers("http://" + literal + ":" + port, room, token);
        }
        return new FileTransfers("https://" + literal + ":" + port, room, token, FileHttpClients.pinned(tlsFingerprint));
    }

    /** Whether the relay has a file service. */
    public boolean available() {
        return base != null;
    }

    // ---- upload ----

    /** Uploads {@code file} under its own name; see {@link #upload(Path, String, Progress)}. */
    public FileInfo upload(Path file, Progress progress) throws FileTransferException {
        Path name = file.getFileName();
        return upload(file, name == null ? "" : name.toString(), progress);
    }

    /**
     * Offers {@code file} to the room as {@code name}: hashes it, then streams it to the relay with
     * its length and hash. Returns what the room was told once the relay has it all; the relay
     * checks the name, the size and the hash and keeps nothing of a refused or broken-off upload.
     *
     * @throws FileTransferException with the relay's code (e.g. {@code file-too-large},
     *                               {@code bad-file-name}) or this client's own
     */
    public FileInfo upload(Path file, String name, Progress progress) throws FileTransferException {
        requireService();
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new FileTransferException(FileTransferException.LOCAL_FILE, "cannot read " + file + ": " + describe(e), e);
        }
        String sha256 = sha256(file);
        UploadBody body = size == 0 ? null : new UploadBody(size);
        HttpRequest request = request("/rooms/" + segment(room) + "/files?name=" + segment(name))
                .header("Content-Type", "application/octet-stream")
                .header(SHA256_HEADER, sha256)
                .PUT(body == null ? HttpRequest.BodyPublishers.noBody() : body)
                .build();
        CompletableFuture<HttpResponse<ResponseBody>> answer = send(request);
        String what = "upload of " + name;
        progress.update(0, size);
        long sent = body == null ? 0 : push(file, body, answer, what, size, progress);
        HttpResponse<ResponseBody> response = await(answer, what, sent, size);
        try (ResponseBody answerBody = response.body()) {
            int status = response.statusCode();
            if (status != 201 && status != 200) {
                throw refusal(status, answerBody);
            }
            FileInfo info;
            try {
                info = JSON.readValue(answerBody.readAtMost(ANSWER_BYTES), FileInfo.class);
            } catch (IOException e) {
                throw brokenOff("the relay's answer to the upload of " + name + " could not be read", e);
            }
            log.info("uploaded {} ({} bytes) as {}", name, size, info.fileId());
            return info;
        }
    }

    /**
     * Reads {@code file} a chunk at a time and hands each to the request as the client asks for it;
     * returns how many bytes were taken (fewer than {@code size} when the relay answered early).
     */
    private static long push(Path file, UploadBody body, CompletableFuture<HttpResponse<ResponseBody>> answer,
                             String what, long size, Progress progress) throws FileTransferException {
        answer.whenComplete((response, failure) -> body.exchangeOver());
        long sent = 0;
        try (InputStream in = Files.newInputStream(file)) {
            while (sent < size) {
                if (Thread.currentThread().isInterrupted()) {
                    throw cancelled(body, answer, what, sent, size);
                }
                byte[] chunk = new byte[(int) Math.min(CHUNK_BYTES, size - sent)];
                int n = in.readNBytes(chunk, 0, chunk.length);
                if (n < chunk.length) {
                    body.abort(new IOException("the file shrank"));
                    throw new FileTransferException(FileTransferException.LOCAL_FILE,
                            file + " shrank while it was being uploaded; nothing was kept");
                }
                if (!body.push(ByteBuffer.wrap(chunk), IDLE_TIMEOUT.toNanos())) {
                    return sent; // answered (a refusal) or failed before taking it all: the answer says which
                }
                sent += n;
                progress.update(sent, size);
            }
            body.complete();
            return sent;
        } catch (FileTransferException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw cancelled(body, answer, what, sent, size);
        } catch (HttpTimeoutException e) {
            body.abort(e);
            answer.cancel(true);
            throw brokenOff("the " + what + " broke off after " + sent + " bytes", e);
        } catch (IOException e) {
            if (e instanceof ClosedByInterruptException || Thread.currentThread().isInterrupted()) {
                throw cancelled(body, answer, what, sent, size);
            }
            body.abort(e);
            answer.cancel(true);
            throw new FileTransferException(FileTransferException.LOCAL_FILE, "cannot read " + file + ": " + describe(e), e);
        }
    }

    private static FileTransferException cancelled(UploadBody body, CompletableFuture<?> answer, String what,
                                                   long done, long total) {
        body.abort(new IOException("cancelled"));
        answer.cancel(true);
        return new FileTransferException(FileTransferException.CANCELLED,
                "the " + what + " was cancelled after " + done + " of " + total + " bytes");
    }

    // ---- download ----

    /**
     * Downloads an offered file into {@code directory} and returns where it is. The file is written
     * to a temporary file there while its SHA-256 is computed; only when its size and hash match
     * the offer (and the relay's header) is it moved to a name made from the offered one: made safe
     * ({@link FileNames#safeName}) and unique in the directory ("report (1).pdf"), never outside it.
     *
     * @throws FileTransferException with the relay's code (e.g. {@code unknown-file}) or this
     *                               client's own; a failed download leaves nothing behind
     */
    public Path download(FileInfo file, Path directory, Progress progress) throws FileTransferException {
        requireService();
        Path dir = directory.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new FileTransferException(FileTransferException.LOCAL_FILE, "no directory " + dir + " to download into");
        }
        String what = "download of " + file.name();
        HttpResponse<ResponseBody> response = await(send(request("/rooms/" + segment(room) + "/files/"
                + segment(file.fileId())).GET().build()), what, 0, file.size());
        Path part = null;
        try (ResponseBody in = response.body()) {
            int status = response.statusCode();
            if (status != 200) {
                throw refusal(status, in);
            }
            String announced = response.headers().firstValue(SHA256_HEADER).orElse(null);
            if (announced != null && file.sha256() != null && !announced.equalsIgnoreCase(file.sha256())) {
                throw new FileTransferException(FileTransferException.CHECKSUM_MISMATCH, "the relay serves " + file.name()
                        + " with SHA-256 " + announced + ", not the " + file.sha256() + " it was offered with");
            }
            OptionalLong declared = response.headers().firstValueAsLong("Content-Length");
            if (declared.isPresent() && declared.getAsLong() != file.size()) {
                throw new FileTransferException(FileTransferException.CHECKSUM_MISMATCH, "the relay serves " + file.name()
                        + " as " + declared.getAsLong() + " bytes, not the " + file.size() + " it was offered with");
            }
            try {
                part = Files.createTempFile(dir, ".chorus-", ".part");
            } catch (IOException e) {
                throw new FileTransferException(FileTransferException.LOCAL_FILE, "cannot write in " + dir + ": " + describe(e), e);
            }
            String actual = receive(in, part, file.name(), file.size(), progress);
            if (!actual.equalsIgnoreCase(file.sha256())) {
                throw new FileTransferException(FileTransferException.CHECKSUM_MISMATCH, "the bytes received for "
                        + file.name() + " hash to " + actual + ", not the offered " + file.sha256() + "; nothing was kept");
            }
            Path target = FileNames.moveIntoPlace(part, dir, FileNames.safeName(file.name()));
            part = null;
            log.info("downloaded {} ({} bytes) to {}", file.name(), file.size(), target);
            return target;
        } finally {
            if (part != null) {
                deleteQuietly(part);
            }
        }
    }

    /** Writes the body to {@code part} while hashing it; returns the SHA-256 of exactly {@code total} bytes. */
    private static String receive(ResponseBody in, Path part, String name, long total, Progress progress)
            throws FileTransferException {
        String what = "download of " + name;
        MessageDigest digest = sha256Digest();
        long received = 0;
        progress.update(0, total);
        try (OutputStream out = Files.newOutputStream(part)) {
            byte[] chunk = new byte[CHUNK_BYTES];
            while (true) {
                checkCancelled(what, received, total);
                int n;
                try {
                    n = in.read(chunk);
                } catch (IOException e) {
                    checkCancelled(what, received, total);
                    throw brokenOff("the " + what + " broke off after " + received + " of the " + total + " bytes", e);
                }
                if (n < 0) {
                    break;
                }
                digest.update(chunk, 0, n);
                try {
                    out.write(chunk, 0, n);
                } catch (IOException e) {
                    checkCancelled(what, received, total);
                    throw new FileTransferException(FileTransferException.LOCAL_FILE, "cannot write " + part + ": " + describe(e), e);
                }
                received += n;
                progress.update(received, total);
            }
        } catch (FileTransferException e) {
            throw e;
        } catch (IOException e) {
            checkCancelled(what, received, total);
            throw new FileTransferException(FileTransferException.LOCAL_FILE, "cannot write " + part + ": " + describe(e), e);
        }
        if (received != total) {
            throw brokenOff("received " + received + " of the " + total + " bytes of " + name, null);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The room's files as the relay lists them now. */
    public List<FileInfo> list() throws FileTransferException {
        requireService();
        HttpResponse<ResponseBody> response = await(send(request("/rooms/" + segment(room) + "/files").GET().build()),
                "file list", 0, 0);
        try (ResponseBody body = response.body()) {
            if (response.statusCode() != 200) {
                throw refusal(response.statusCode(), body);
            }
            return List.of(JSON.readValue(body, FileInfo[].class));
        } catch (FileTransferException e) {
            throw e;
        } catch (IOException e) {
            throw brokenOff("the relay's file list could not be read", e);
        }
    }

    // ---- hashing ----

    /** The SHA-256 of a file in hex, read in chunks; cancelled by interrupting the thread. */
    public static String sha256(Path file) throws FileTransferException {
        MessageDigest digest = sha256Digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] chunk = new byte[CHUNK_BYTES];
            int n;
            while ((n = in.read(chunk)) >= 0) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new FileTransferException(FileTransferException.CANCELLED, "cancelled while hashing " + file);
                }
                digest.update(chunk, 0, n);
            }
        } catch (NoSuchFileException e) {
            throw new FileTransferException(FileTransferException.LOCAL_FILE, "no file " + file, e);
        } catch (IOException e) {
            throw new FileTransferException(FileTransferException.LOCAL_FILE, "cannot read " + file + ": " + describe(e), e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java runtime has no SHA-256", e);
        }
    }

    // ---- HTTP ----

    private void requireService() throws FileTransferException {
        if (base == null) {
            throw new FileTransferException(FileTransferException.NO_FILE_SERVICE, "this relay offers no file sharing");
        }
    }

    /** A request to the file service, authorised; {@code path} is already percent-encoded. */
    private HttpRequest.Builder request(String path) throws FileTransferException {
        try {
            return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token);
        } catch (IllegalArgumentException e) {
            throw new FileTransferException(FileTransferException.LOCAL_FILE, "cannot make a request for " + path
                    + ": " + e.getMessage(), e);
        }
    }

    private CompletableFuture<HttpResponse<ResponseBody>> send(HttpRequest request) {
        return http.sendAsync(request, info -> new ResponseBody(IDLE_TIMEOUT));
    }

    /**
     * Waits (at most the idle timeout) for the status and headers of an answer; interrupting the
     * thread cancels the exchange.
     */
    private HttpResponse<ResponseBody> await(CompletableFuture<HttpResponse<ResponseBody>> answer, String what,
                                             long done, long total) throws FileTransferException {
        try {
            return answer.get(IDLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer.cancel(true);
            throw new FileTransferException(FileTransferException.CANCELLED,
                    "the " + what + " was cancelled after " + done + " of " + total + " bytes");
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw brokenOff("the file service at " + base + " did not answer within " + IDLE_TIMEOUT.toSeconds() + " s",
                    null);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            IOException io = cause instanceof IOException x ? x : new IOException(String.valueOf(cause), cause);
            if (io instanceof ConnectException || io instanceof HttpConnectTimeoutException) {
                throw brokenOff("cannot reach the file service at " + base, io);
            }
            if (io instanceof HttpTimeoutException) {
                throw brokenOff("the file service at " + base + " did not answer", io);
            }
            throw brokenOff(done > 0 ? "the " + what + " broke off after " + done + " bytes"
                    : "the " + what + " failed", io);
        }
    }

    /** A path segment or query value, percent-encoded (spaces as %20, which both places read alike). */
    static String segment(String value) {
        String encoded = URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
        // "." and ".." would be read as path steps, not as a room or name.
        return encoded.equals(".") || encoded.equals("..") ? encoded.replace(".", "%2E") : encoded;
    }

    private static void checkCancelled(String what, long done, long total) throws FileTransferException {
        if (Thread.currentThread().isInterrupted()) {
            // the caller's try-with-resources closes the answer: the connection goes, the relay keeps nothing
            throw new FileTransferException(FileTransferException.CANCELLED,
                    "the " + what + " was cancelled after " + done + " of " + total + " bytes");
        }
    }

    /** The relay's error answer {@code {"code", "message"}}, or a sentence about the status when it has none. */
    private static FileTransferException refusal(int status, ResponseBody answer) {
        String body = null;
        try {
            body = new String(answer.readAtMost(ERROR_BYTES), StandardCharsets.UTF_8);
        } catch (IOException e) {
            // no body to quote
        }
        if (body != null) {
            try {
                JsonNode json = JSON.readTree(body);
                if (json != null && json.hasNonNull("code")) {
                    return new FileTransferException(json.get("code").asText(),
                            json.hasNonNull("message") ? json.get("message").asText() : json.get("code").asText());
                }
            } catch (IOException notJson) {
                // fall through to the status
            }
        }
        return new FileTransferException("http-" + status, "the file service answered HTTP " + status);
    }

    private static FileTransferException brokenOff(String message, IOException cause) {
        return new FileTransferException(FileTransferException.BROKEN_OFF,
                cause == null ? message : message + " (" + describe(cause) + ")", cause);
    }

    static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("could not delete {}: {}", file, e.toString());
        }
    }
}
