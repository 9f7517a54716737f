package io.chargeplane.simulator.load;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One operator's HTTP/1.1 connection, kept alive, one request at a time: what a console does. The JDK's
 * HttpClient cost the benchmark process about half a core at a few hundred requests per second (its selector
 * thread and executor hand-offs), CPU the server under test then lacked on this 2-core machine. Blocking: one
 * thread per connection. A connection the server closed is opened again by the next request.
 */
public final class KeepAliveHttp implements AutoCloseable {
    public record Response(int status, String body) {
    }

    private final String host;
    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    public KeepAliveHttp(String host, int port) {
        this.host = host;
        this.port = port;
    }

    public Response post(String path, String token, String json) throws IOException {
        return send("POST", path, token, json);
    }

    /** One request with a JSON body; {@code token} null for none. */
    public Response send(String method, String path, String token, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String head = method + " " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
                + (token == null ? "" : "\r\nAuthorization: Bearer " + token)
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
        if (socket == null) {
            socket = new Socket(host, port);
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream(), 8192);
            out = socket.getOutputStream();
        }
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] req = new byte[h.length + body.length];
        System.arraycopy(h, 0, req, 0, h.length);
        System.arraycopy(body, 0, req, h.length, body.length);
        out.write(req);
        out.flush();
        return read();
    }

    private Response read() throws IOException {
        StringBuilder line = new StringBuilder();
        int status = -1;
        int length = -1;
        boolean close = false;
        while (true) {
            line.setLength(0);
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    throw new IOException("connection closed by the server");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            if (line.length() == 0) {
                break;
            }
            String l = line.toString();
            if (status < 0) {
                status = Integer.parseInt(l.substring(9, 12));
            } else {
                String lower = l.toLowerCase();
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(l.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:")) {
                    throw new IOException("chunked answers are not expected here: " + l);
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    close = true;
                }
            }
        }
        String body = length <= 0 ? "" : new String(in.readNBytes(length), StandardCharsets.UTF_8);
        if (close) {
            close();
        }
        return new Response(status, body);
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            socket.close();
            socket = null;
        }
    }
}
