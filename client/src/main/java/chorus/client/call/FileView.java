package chorus.client.call;

import java.nio.file.Path;

/**
 * A file offered to the room, and this participant's download of it.
 *
 * @param mine      offered by this participant
 * @param download  where this participant's download of it is
 * @param bytesDone bytes downloaded so far (of {@code size})
 * @param savedTo   where the download was saved, once {@link TransferState#DONE}
 * @param problem   why the download failed, in a sentence; null otherwise
 */
public record FileView(String fileId, String name, long size, String uploaderName, boolean mine,
                       TransferState download, long bytesDone, Path savedTo, String problem) {
    /** Download progress, 0..1. */
    public double progress() {
        return size <= 0 ? (download == TransferState.DONE ? 1 : 0) : Math.min(1, (double) bytesDone / size);
    }
}
