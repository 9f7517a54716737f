package io.chargeplane.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A child JVM of the benchmark (server, load generator, stub) whose stdout lines can be awaited. */
final class Proc implements AutoCloseable {
    final Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();

    Proc(String name, List<String> jvmArgs, String mainClass, List<String> args, Map<String, String> env,
         File logDir) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + "/bin/java");
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classpath());
        cmd.add(mainClass);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(new File(logDir, name + ".err"));
        pb.environment().putAll(env);
        process = pb.start();
        File out = new File(logDir, name + ".out");
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                 java.io.Writer log = new java.io.BufferedWriter(new java.io.FileWriter(out, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                    log.write(line);
                    log.write('\n'); // the process's own log, kept beside its .err for after the run
                }
            } catch (IOException ignored) {
                // process ended
            } finally {
                ended.complete(null);
            }
        }, name + "-out");
        t.setDaemon(true);
        t.start();
    }

    /** The benchmark's jar (it holds the server, the simulator and this), or the test's classpath in a test. */
    static String classpath() {
        String jar = Bench.jar();
        return jar.endsWith(".jar") ? jar : System.getProperty("java.class.path");
    }

    /** The next stdout line starting with {@code prefix} (others are skipped). */
    String await(String prefix, long seconds) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < until) {
            String l = lines.poll(200, TimeUnit.MILLISECONDS);
            if (l != null && l.startsWith(prefix)) {
                return l;
            }
            if (l == null && ended.isDone() && lines.isEmpty()) {
                throw new IllegalStateException("process ended without printing " + prefix);
            }
        }
        throw new IllegalStateException("no line starting with " + prefix + " within " + seconds + " s");
    }

    /** Killed at once (SIGKILL): no shutdown hook, no coordinated shutdown, sockets dropped by the kernel. */
    void kill() {
        try {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
