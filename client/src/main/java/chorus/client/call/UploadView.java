package chorus.client.call;

/**
 * A file this participant is offering, or offered, to the room.
 *
 * @param id        this call's number for the upload (names can repeat)
 * @param bytesDone bytes sent so far (of {@code size})
 * @param fileId    the relay's id for the file once it is offered, else null
 * @param problem   why the upload failed, in a sentence; null otherwise
 */
public record UploadView(long id, String name, long size, TransferState state, long bytesDone, String fileId,
                         String problem) {
    /** Upload progress, 0..1. */
    public double progress() {
        return size <= 0 ? (state == TransferState.DONE ? 1 : 0) : Math.min(1, (double) bytesDone / size);
    }
}
