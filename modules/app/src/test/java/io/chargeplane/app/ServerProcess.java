package io.chargeplane.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A ChargePlane server in a process of its own, on the test's classpath, its output in {@code log}. */
record ServerProcess(Process process, int httpPort, int ocppPort, Path log) {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** Starts it on {@code db} (files and log under {@code dir}) and waits until it is ready. */
    static ServerProcess start(TestNodes.Db db, Path dir, String... jvmArgs) throws Exception {
        int http = freePort();
        int ocpp = freePort();
        List<String> cmd = new ArrayList<>(List.of(
                new File(System.getProperty("java.home"), "bin/java").getPath(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"),
                "-Dchargeplane.http.port=" + http, "-Dchargeplane.ocpp.port=" + ocpp,
                "-Dpekko.remote.artery.canonical.port=0", "-Dpekko.management.http.port=0",
                "-Dchargeplane.db.url=" + db.url(), "-Dchargeplane.db.user=" + db.user(),
                "-Dchargeplane.db.password=" + db.password(),
                "-Dchargeplane.auth.admin.password=" + TestNodes.ADMIN_PASSWORD,
                "-Dchargeplane.auth.argon2.memory-kib=1024",
                "-Dchargeplane.blobs.dir=" + dir.resolve("blobs")));
        cmd.addAll(1, List.of(jvmArgs));
        cmd.add("io.chargeplane.app.Main");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.log").toFile())).start();
        ServerProcess s = new ServerProcess(p, http, ocpp, dir.resolve("server.log"));
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < until && p.isAlive()) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(s.http() + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return s;
                }
            } catch (java.io.IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        p.destroyForcibly();
        throw new AssertionError("the server did not become ready; see " + dir.resolve("server.log"));
    }

    String http() {
        return "http://127.0.0.1:" + httpPort;
    }

    URI ocpp() {
        return URI.create("ws://127.0.0.1:" + ocppPort + "/ocpp");
    }

    /** SIGKILL: no shutdown hook, no flush, nothing the process could still write. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    }

    /** SIGTERM: the coordinated shutdown. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
