package chorus.client.call;

import chorus.client.files.FileTransferException;
import chorus.client.session.ChorusClient;
import chorus.client.session.ClientThreads;
import chorus.client.session.RoomState;
import chorus.protocol.control.ControlMessage.FileInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A call's file transfers as its snapshot shows them: this participant's uploads in the order
 * asked for, and its download of each file offered, each run in the background (at most
 * {@value #THREADS} at once) through the call's connection of the moment.
 */
final class CallTransfers {
    private static final Logger log = LoggerFactory.getLogger(CallTransfers.class);
    /** Transfers running at once; more wait their turn. */
    static final int THREADS = 2;

    private final ExecutorService executor;
    private final RoomState room;
    private final Supplier<ChorusClient> connection;
    private final Runnable changed;
    private final ConcurrentHashMap<String, FileView> downloads = new ConcurrentHashMap<>();
    /** By upload number, in the order asked. Guarded by itself. */
    private final LinkedHashMap<Long, UploadView> uploads = new LinkedHashMap<>();
    private final AtomicLong nextUpload = new AtomicLong(1);

    /**
     * @param connection the call's current connection, or null between connections
     * @param changed    tells the call's listener that the snapshot changed
     */
    CallTransfers(ClientThreads threads, RoomState room, Supplier<ChorusClient> connection, Runnable changed) {
        this.executor = Executors.newFixedThreadPool(THREADS, threads.named("files"));
        this.room = room;
        this.connection = connection;
        this.changed = changed;
    }

    /** See {@link Call#upload}. */
    void upload(Path file) {
        long id = nextUpload.getAndIncrement();
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            size = 0;
        }
        long total = size;
        putUpload(new UploadView(id, name, total, TransferState.RUNNING, 0, null, null));
        submit(() -> {
            ChorusClient client = connection.get();
            if (client == null) {
                putUpload(new UploadView(id, name, total, TransferState.FAILED, 0, null,
                        "Not connected: the file was not offered."));
                return;
            }
            long[] last = {0};
            try {
                FileInfo info = client.files().upload(file, name, (done, all) -> {
                    last[0] = done;
                    putUpload(new UploadView(id, name, all, TransferState.RUNNING, done, null, null));
                });
                putUpload(new UploadView(id, name, info.size(), TransferState.DONE, info.size(), info.fileId(), null));
            } catch (FileTransferException e) {
                putUpload(new UploadView(id, name, total, TransferState.FAILED, last[0], null,
                        Call.sentence(e.getMessage())));
            }
        }, () -> putUpload(new UploadView(id, name, total, TransferState.FAILED, 0, null, "The call has ended.")));
    }

    /** See {@link Call#download}. */
    void download(String fileId, Path directory) {
        FileInfo file = room.offered(fileId);
        if (file == null) {
            return;
        }
        FileView was = downloads.get(fileId);
        if (was != null && was.download() == TransferState.RUNNING) {
            return;
        }
        putDownload(file, TransferState.RUNNING, 0, null, null);
        submit(() -> {
            ChorusClient client = connection.get();
            if (client == null) {
                putDownload(file, TransferState.FAILED, 0, null, "Not connected: try again once reconnected.");
                return;
            }
            long[] last = {0};
            try {
                Path saved = client.files().download(file, directory, (done, all) -> {
                    last[0] = done;
                    putDownload(file, TransferState.RUNNING, done, null, null);
                });
                putDownload(file, TransferState.DONE, file.size(), saved, null);
            } catch (FileTransferException e) {
                putDownload(file, TransferState.FAILED, last[0], null, Call.sentence(e.getMessage()));
            }
        }, () -> putDownload(file, TransferState.FAILED, 0, null, "The call has ended."));
    }

    private void submit(Runnable transfer, Runnable rejected) {
        try {
            executor.execute(() -> {
                try {
                    transfer.run();
                } catch (RuntimeException e) {
                    log.warn("file transfer failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            rejected.run();
        }
    }

    private void putUpload(UploadView upload) {
        synchronized (uploads) {
            uploads.put(upload.id(), upload);
        }
        if (upload.state() != TransferState.RUNNING || upload.bytesDone() == 0) {
            changed.run();
        }
    }

    private void putDownload(FileInfo file, TransferState state, long done, Path savedTo, String why) {
        downloads.put(file.fileId(), new FileView(file.fileId(), file.name(), file.size(), file.uploaderName(),
                room.own(file.uploaderId()), state, done, savedTo, why));
        if (state != TransferState.RUNNING || done == 0) {
            changed.run();
        }
    }

    /** The files offered to the room, in the order offered, with this participant's download of each. */
    List<FileView> files() {
        List<FileView> files = new ArrayList<>();
        for (FileInfo f : room.offeredFiles()) {
            FileView d = downloads.get(f.fileId());
            files.add(d != null ? d : new FileView(f.fileId(), f.name(), f.size(), f.uploaderName(),
                    room.own(f.uploaderId()), TransferState.NOT_STARTED, 0, null, null));
        }
        return List.copyOf(files);
    }

    /** This participant's uploads, in the order asked for. */
    List<UploadView> uploads() {
        synchronized (uploads) {
            return List.copyOf(uploads.values());
        }
    }

    /** The call has ended: the file service's token ended with its connection. */
    void cancelAll() {
        executor.shutdownNow();
    }
}
