package chorus.client.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The kernel's count of datagrams each UDP socket dropped because its receive buffer was full
 * ({@code drops}, last column of {@code /proc/net/udp} and {@code udp6}), by local port. Read
 * before and after a run it says where loss happened: at the server's sockets (it did not read
 * fast enough) or at the generator's (we did not). Linux only; elsewhere {@link #read()} is null.
 */
final class UdpSocketDrops {
    private static final List<Path> TABLES = List.of(Path.of("/proc/net/udp"), Path.of("/proc/net/udp6"));
    private static final int LOCAL_ADDRESS_COLUMN = 1;
    private static final int DROPS_COLUMN = 12;

    private final Map<Integer, Long> byPort;

    private UdpSocketDrops(Map<Integer, Long> byPort) {
        this.byPort = byPort;
    }

    /** The current counts, or null when the tables cannot be read. */
    static UdpSocketDrops read() {
        Map<Integer, Long> byPort = new HashMap<>();
        try {
            for (Path table : TABLES) {
                if (!Files.isReadable(table)) {
                    continue;
                }
                List<String> lines = Files.readAllLines(table);
                for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length <= DROPS_COLUMN) {
                        continue;
                    }
                    String local = f[LOCAL_ADDRESS_COLUMN];
                    int port = Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16);
                    byPort.merge(port, Long.parseLong(f[DROPS_COLUMN]), Long::sum);
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return byPort.isEmpty() ? null : new UdpSocketDrops(byPort);
    }

    /** Drops on {@code ports} since {@code before}; null when either reading is missing. */
    static Long since(UdpSocketDrops before, UdpSocketDrops after, Set<Integer> ports) {
        if (before == null || after == null) {
            return null;
        }
        long drops = 0;
        for (int port : ports) {
            drops += after.byPort.getOrDefault(port, 0L) - before.byPort.getOrDefault(port, 0L);
        }
        return drops;
    }
}
