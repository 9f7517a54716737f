package io.chargeplane.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * How the machine's cores were shared during a measured window: CPU time of the node, of the local PostgreSQL
 * and of the load generators, read from {@code /proc} at the window's start and end, and how much of each was
 * spent in the kernel (on loopback, a socket's send also delivers to the receiving socket). Server, database and
 * load share two cores here, so a figure reads differently when the generator took a third of them.
 */
final class CpuShares {
    private static final Path PROC = Path.of("/proc");
    /** clock ticks per second of {@code /proc/<pid>/stat} (USER_HZ, 100 on Linux on every architecture in use). */
    private static final double TICKS = 100.0;
    private static final String[] KINDS = {"node", "PostgreSQL", "generator"};

    /** CPU ticks of one kind of process so far: all of them, and those spent in the kernel. */
    record Ticks(long total, long kernel) {
        Ticks plus(Ticks o) {
            return new Ticks(total + o.total, kernel + o.kernel);
        }
    }

    private final Map<String, Ticks> ticks;
    private final long at;

    CpuShares(Map<String, Ticks> ticks, long at) {
        this.ticks = ticks;
        this.at = at;
    }

    /** CPU ticks used so far by each kind of process (empty where /proc cannot be read). */
    static CpuShares now() {
        Map<String, Ticks> ticks = new LinkedHashMap<>();
        try (Stream<Path> pids = Files.list(PROC)) {
            pids.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                String kind = kind(p);
                if (kind != null) {
                    ticks.merge(kind, cpuTicks(p), Ticks::plus);
                }
            });
        } catch (IOException e) {
            ticks.clear(); // not Linux: no shares
        }
        return new CpuShares(ticks, System.nanoTime());
    }

    /**
     * "node 1.05 (kernel 0.38), PostgreSQL 0.50 (kernel 0.12), generator 0.35 (kernel 0.20) cores" from
     * {@code start} to this snapshot, or "" without /proc.
     */
    String since(CpuShares start) {
        double seconds = (at - start.at) / 1e9;
        if (ticks.isEmpty() || start.ticks.isEmpty() || seconds <= 0) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (String kind : KINDS) { // a kind with no process (H2 runs inside the node) is left out
            if (ticks.containsKey(kind)) {
                Ticks end = ticks.get(kind);
                Ticks begin = start.ticks.getOrDefault(kind, new Ticks(0, 0));
                b.append(b.length() == 0 ? "" : ", ").append(kind).append(' ')
                        .append(cores(end.total() - begin.total(), seconds))
                        .append(" (kernel ").append(cores(end.kernel() - begin.kernel(), seconds)).append(')');
            }
        }
        return b.length() == 0 ? "" : b.append(" cores").toString();
    }

    private static String cores(long ticks, double seconds) {
        return String.format(java.util.Locale.ROOT, "%.2f", ticks / TICKS / seconds);
    }

    private static String kind(Path pid) {
        String cmd;
        try {
            cmd = new String(Files.readAllBytes(pid.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return null; // ended meanwhile
        }
        if (cmd.contains("io.chargeplane.app.Main")) {
            return "node";
        }
        if (cmd.contains("io.chargeplane.simulator.load.LoadGenerator")) {
            return "generator";
        }
        // the postmaster's binary, and its backends, which name themselves "postgres: ..."
        return cmd.startsWith("postgres") || cmd.contains("/bin/postgres ") ? "PostgreSQL" : null;
    }

    private static Ticks cpuTicks(Path pid) {
        try {
            return ticksOf(Files.readString(pid.resolve("stat")));
        } catch (IOException | RuntimeException e) {
            return new Ticks(0, 0); // ended meanwhile
        }
    }

    /** utime + stime and stime of a {@code /proc/<pid>/stat} line. */
    static Ticks ticksOf(String stat) {
        // after the command name in parentheses: state is field 3, utime 14 and stime 15
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long user = Long.parseLong(f[11]);
        long kernel = Long.parseLong(f[12]);
        return new Ticks(user + kernel, kernel);
    }
}
