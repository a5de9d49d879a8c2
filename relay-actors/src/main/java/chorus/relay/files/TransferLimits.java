package chorus.relay.files;

import chorus.protocol.control.ErrorCode;
import chorus.relay.config.LimitsConfig;
import chorus.relay.metrics.Limit;
import chorus.relay.metrics.RelayStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * The file service's limits on one client: transfers running at once per participant, a room's
 * files together ({@code limits.room-quota}, counting uploads still coming in on this node), and
 * this node's free disk space ({@code limits.disk-low-water}). Used from Pekko HTTP's threads.
 */
final class TransferLimits {
    /** Why a transfer is refused: the answer's status and code, and the limit to count. */
    record Refusal(StatusCode status, ErrorCode code, Limit limit, String message) {
    }

    /** Thrown into an upload's stream when it passes the room's quota. */
    static final class QuotaExceeded extends RuntimeException {
        QuotaExceeded(String message) {
            super(message, null, false, false);
        }
    }

    private final LimitsConfig limits;
    private final RelayStats stats;
    private final Path root;
    /** Transfers running, by participant id; counts are changed atomically by merge and compute. */
    private final ConcurrentHashMap<String, Integer> transfers = new ConcurrentHashMap<>();
    /** Bytes of uploads being received on this node, by room. */
    private final ConcurrentHashMap<String, Long> incoming = new ConcurrentHashMap<>();

    TransferLimits(LimitsConfig limits, RelayStats stats, Path root) {
        this.limits = limits;
        this.stats = stats;
        this.root = root;
    }

    LimitsConfig config() {
        return limits;
    }

    /** One more transfer for {@code participant}, or a refusal; a started one must be {@link #ended}. */
    Refusal startTransfer(String participant) {
        if (transfers.merge(participant, 1, Integer::sum) > limits.transfersPerParticipant()) {
            transfers.computeIfPresent(participant, (p, n) -> n <= 1 ? null : n - 1);
            return refusal(StatusCodes.TOO_MANY_REQUESTS, ErrorCode.TOO_MANY_TRANSFERS, Limit.TRANSFERS_PER_PARTICIPANT,
                    "you have " + limits.transfersPerParticipant() + " transfers running, the most allowed; wait for one to end");
        }
        stats.fileTransfers(1);
        return null;
    }

    void ended(String participant) {
        transfers.computeIfPresent(participant, (p, n) -> n <= 1 ? null : n - 1);
        stats.fileTransfers(-1);
    }

    /**
     * Before a byte is written: refused when the disk's free space, less the upload's length if
     * known, is under the low-water mark, or when the room's files ({@code stored}, plus uploads
     * coming in here) and this upload's length would pass the quota.
     */
    Refusal beforeUpload(String room, long stored, OptionalLong length) {
        long usable;
        try {
            usable = Files.getFileStore(Files.createDirectories(root)).getUsableSpace();
        } catch (IOException e) {
            return refusal(StatusCodes.INSUFFICIENT_STORAGE, ErrorCode.DISK_FULL, Limit.DISK_LOW_WATER,
                    "cannot tell the free disk space: " + e.getMessage());
        }
        if (usable - length.orElse(0) < limits.diskLowWaterBytes()) {
            return refusal(StatusCodes.INSUFFICIENT_STORAGE, ErrorCode.DISK_FULL, Limit.DISK_LOW_WATER,
                    "this relay keeps " + limits.diskLowWaterBytes() + " bytes of its disk free and has "
                            + usable + "; nothing was written");
        }
        if (stored + incoming.getOrDefault(room, 0L) + length.orElse(0) > limits.roomQuotaBytes()) {
            return quotaRefusal(stored);
        }
        return null;
    }

    /** Counts {@code bytes} more of an upload to {@code room}; throws {@link QuotaExceeded} past the quota. */
    void received(String room, long stored, int bytes) {
        if (stored + incoming.merge(room, (long) bytes, Long::sum) > limits.roomQuotaBytes()) {
            throw new QuotaExceeded(quotaRefusal(stored).message());
        }
    }

    /** The upload to {@code room} that received {@code bytes} is over (kept or not). */
    void uploadEnded(String room, long bytes) {
        incoming.computeIfPresent(room, (r, n) -> n <= bytes ? null : n - bytes);
    }

    Refusal quotaRefusal(long stored) {
        return refusal(StatusCodes.PAYLOAD_TOO_LARGE, ErrorCode.QUOTA_EXCEEDED, Limit.ROOM_QUOTA,
                "this room's files may take " + limits.roomQuotaBytes() + " bytes together; it holds " + stored
                        + "; nothing was kept");
    }

    /** An upload aborted for lack of bytes ({@code limits.upload-idle-timeout}). */
    Refusal idleRefusal(long received) {
        return refusal(StatusCodes.REQUEST_TIMEOUT, ErrorCode.IDLE_TIMEOUT, Limit.UPLOAD_IDLE, "no bytes for "
                + limits.uploadIdleTimeout().toMillis() + " ms after " + received + "; the upload was aborted, nothing was kept");
    }

    /** Whether {@code type} is in the chain of causes (the file sink wraps what failed the stream). */
    static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private Refusal refusal(StatusCode status, ErrorCode code, Limit limit, String message) {
        stats.limitHit(limit);
        return new Refusal(status, code, limit, message);
    }
}
