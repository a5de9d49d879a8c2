package chorus.client.bot;

import chorus.client.call.Call;
import chorus.client.files.FileTransferException;
import chorus.client.files.FileTransfers;
import chorus.client.session.ChorusClient;
import chorus.client.session.ClientThreads;
import chorus.protocol.control.ControlMessage.FileInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Bot}'s file transfers, one at a time on a thread of their own: its uploads once joined,
 * and a download of each file offered in the room (the history included, each once) when asked
 * to, each through the call's connection of the moment. Keeps how each went, with the relay's
 * codes, for the bot's stats.
 */
final class BotTransfers {
    private static final Logger log = LoggerFactory.getLogger(BotTransfers.class);

    private final ExecutorService executor;
    private final BotOptions options;
    private final List<BotStats.FileResult> uploads = Collections.synchronizedList(new ArrayList<>());
    /** Download results by file id, in the order offered; a null value is a download not finished. */
    private final LinkedHashMap<String, BotStats.FileResult> downloads = new LinkedHashMap<>();
    private final Set<String> scheduled = ConcurrentHashMap.newKeySet();
    private volatile Call call;
    /** The file service of the call's last connection: between connections, a transfer still has one to fail on. */
    private volatile FileTransfers lastService;

    BotTransfers(BotOptions options) {
        this.options = options;
        this.executor = Executors.newSingleThreadExecutor(new ClientThreads(options.room(), options.name()).named("files"));
    }

    /** Joined: offer the uploads, and download what was offered before the call was handed over. */
    void begin(Call joined) {
        call = joined; // before the uploads run
        service();
        for (Path file : options.uploads()) {
            submit(() -> upload(file));
        }
        for (FileInfo file : joined.roomState().offeredFiles()) {
            offered(file);
        }
    }

    /** A file was offered (on the control thread, or from {@link #begin}); each is downloaded once. */
    void offered(FileInfo file) {
        if (options.downloadAll() == null || call == null || !scheduled.add(file.fileId())) {
            return; // not wanted, or not joined yet: begin() picks it up from the room's list
        }
        synchronized (downloads) {
            downloads.put(file.fileId(), null);
        }
        submit(() -> download(file));
    }

    private FileTransfers service() {
        ChorusClient client = call.client();
        if (client != null) {
            lastService = client.files();
        }
        return lastService;
    }

    private void submit(Runnable transfer) {
        try {
            executor.execute(transfer);
        } catch (RejectedExecutionException e) {
            // the bot is stopping: no new transfers
        }
    }

    private void upload(Path file) {
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        long size = -1;
        try {
            size = Files.size(file);
            FileInfo info = service().upload(file, name, FileTransfers.Progress.NONE);
            uploads.add(new BotStats.FileResult(name, info.size(), info.sha256(), true, info.fileId(), null, null, null));
        } catch (FileTransferException e) {
            log.warn("{}: upload of {} failed: {} ({})", options.name(), file, e.getMessage(), e.code());
            uploads.add(new BotStats.FileResult(name, size, null, false, null, null, e.code(), e.getMessage()));
        } catch (IOException e) {
            log.warn("{}: upload of {} failed: {}", options.name(), file, e.getMessage());
            uploads.add(new BotStats.FileResult(name, size, null, false, null, null,
                    FileTransferException.LOCAL_FILE, e.getMessage()));
        }
    }

    private void download(FileInfo file) {
        BotStats.FileResult result;
        try {
            Path saved = service().download(file, options.downloadAll(), FileTransfers.Progress.NONE);
            result = new BotStats.FileResult(file.name(), file.size(), file.sha256(), true, file.fileId(),
                    saved.toString(), null, null);
        } catch (FileTransferException e) {
            log.warn("{}: download of {} failed: {} ({})", options.name(), file.name(), e.getMessage(), e.code());
            result = new BotStats.FileResult(file.name(), file.size(), file.sha256(), false, file.fileId(), null,
                    e.code(), e.getMessage());
        }
        synchronized (downloads) {
            downloads.put(file.fileId(), result);
        }
    }

    /** Finished uploads, in the order asked for. */
    List<BotStats.FileResult> uploadResults() {
        synchronized (uploads) {
            return List.copyOf(uploads);
        }
    }

    /** Finished downloads, in the order offered. */
    List<BotStats.FileResult> downloadResults() {
        synchronized (downloads) {
            return downloads.values().stream().filter(Objects::nonNull).toList();
        }
    }

    /** Takes no new transfers; waits up to {@code wait} for those queued or running, then cancels the rest. */
    void finish(Duration wait) {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{}: transfers still running after {} s; cancelling them", options.name(), wait.toSeconds());
                executor.shutdownNow();
                executor.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Stops at once (the bot never joined). */
    void cancel() {
        executor.shutdownNow();
    }
}
