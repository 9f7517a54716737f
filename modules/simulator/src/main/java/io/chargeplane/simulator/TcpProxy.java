package io.chargeplane.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP proxy in front of the server, to make connections die the way they do in the field:
 * {@link #resetAll()} sends the server a TCP reset (no close frame), {@link #freezeAll()} silently stops
 * forwarding while keeping the server's side open (a half-open "zombie" connection).
 */
public final class TcpProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Pair> pairs = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;

    /** One proxied connection: the charger's side and the server's side. */
    public static final class Pair {
        final Socket client;
        final Socket server;
        volatile boolean frozen;

        Pair(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        /** True once the server closed its side (seen as end of stream or an error reading from it). */
        public volatile boolean serverClosed;
    }

    public TcpProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "tcp-proxy-accept");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    public List<Pair> connections() {
        return pairs;
    }

    private void acceptLoop() {
        while (running) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(target.getAddress(), target.getPort());
                Pair p = new Pair(client, server);
                pairs.add(p);
                pump(p, client, server, false);
                pump(p, server, client, true);
            } catch (IOException e) {
                if (running) {
                    continue;
                }
                return;
            }
        }
    }

    private void pump(Pair p, Socket from, Socket to, boolean fromServer) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = from.getInputStream()) {
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (!p.frozen) {
                        out.write(buf, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException ignored) {
                // the connection ended
            } finally {
                if (fromServer) {
                    p.serverClosed = true;
                }
                if (!p.frozen) {
                    closeQuietly(to);
                }
            }
        }, "tcp-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    /** The server sees a TCP reset on every connection; the charger side is simply dropped. */
    public void resetAll() throws IOException {
        for (Pair p : pairs) {
            p.frozen = true;
            p.server.setSoLinger(true, 0);
            closeQuietly(p.server);
            closeQuietly(p.client);
        }
    }

    /** Stops forwarding in both directions and drops the charger side; the server's socket stays open. */
    public void freezeAll() {
        for (Pair p : pairs) {
            p.frozen = true;
            closeQuietly(p.client);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        running = false;
        listener.close();
        for (Pair p : pairs) {
            closeQuietly(p.client);
            closeQuietly(p.server);
        }
    }
}
