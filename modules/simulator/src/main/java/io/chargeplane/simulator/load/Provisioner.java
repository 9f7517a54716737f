package io.chargeplane.simulator.load;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Creates the chargers of a load run through the REST API, each registered and bound to its load charger's identity
 * in one request ({@code POST /api/chargers} with {@code mode: direct} and {@code deviceIdentity}), on stations of
 * {@link #CHARGERS_PER_STATION} chargers created first: as many operators' connections at once as asked, each a
 * thread with its own kept-alive connection, one request at a time ({@link KeepAliveHttp}; the JDK's HttpClient
 * took ~17 % of the machine while the node set chargers up).
 */
final class Provisioner {
    /** Chargers per station: a station confirms each charger assigned to it, so one for all would be a hot spot. */
    static final int CHARGERS_PER_STATION = 500;
    private final String host;
    private final int port;
    private String token;
    private final AtomicLong retries = new AtomicLong();

    Provisioner(String httpBase) {
        URI base = URI.create(httpBase);
        this.host = base.getHost();
        this.port = base.getPort() < 0 ? 80 : base.getPort();
    }

    /** Signs in (an account allowed to edit chargers and id tags); later requests carry the bearer token. */
    void login(String username, String password) {
        try (KeepAliveHttp http = new KeepAliveHttp(host, port)) {
            KeepAliveHttp.Response resp = http.send("POST", "/api/auth/login", null,
                    "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
            if (resp.status() != 200) {
                throw new IllegalStateException("login as " + username + " failed: " + resp.status() + " " + resp.body());
            }
            token = io.chargeplane.ocpp.OcppJson.MAPPER.readTree(resp.body()).get("token").asText();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Returns how many chargers failed (409 for a pile or binding that already exists is fine). */
    long provision(List<String> identities, String idTag, int concurrency) throws InterruptedException {
        return provision(identities, idTag, concurrency, CHARGERS_PER_STATION);
    }

    /** As above, with {@code perStation} chargers on each station (a whole-station command needs a big one). */
    long provision(List<String> identities, String idTag, int concurrency, int perStation) throws InterruptedException {
        AtomicLong failed = new AtomicLong();
        try (KeepAliveHttp http = new KeepAliveHttp(host, port)) {
            if (!ok(sendRetrying(http, "PUT", "/api/id-tags/" + idTag, "{\"status\":\"Accepted\"}"))) {
                failed.incrementAndGet();
            }
        } catch (IOException e) {
            failed.incrementAndGet();
        }
        try (KeepAliveHttp http = new KeepAliveHttp(host, port)) {
            for (int k = 0; k * perStation < identities.size(); k++) {
                if (!ok(sendRetrying(http, "POST", "/api/stations", "{\"mode\":\"direct\",\"stationId\":\""
                        + station(identities, k) + "\",\"name\":\"Load depot " + k + "\",\"address\":{\"line1\":"
                        + "\"Main St 1\",\"city\":\"Hamburg\",\"country\":\"DE\"},\"latitude\":53.55,"
                        + "\"longitude\":10.0,\"timeZone\":\"Europe/Berlin\"}"))) {
                    failed.incrementAndGet();
                }
            }
        } catch (IOException e) {
            failed.incrementAndGet();
        }
        AtomicInteger next = new AtomicInteger();
        List<Thread> operators = new ArrayList<>();
        for (int t = 0; t < concurrency; t++) {
            Thread operator = new Thread(() -> {
                try (KeepAliveHttp http = new KeepAliveHttp(host, port)) {
                    for (int i = next.getAndIncrement(); i < identities.size(); i = next.getAndIncrement()) {
                        String id = identities.get(i);
                        // registered and bound to its device identity in one request
                        if (!ok(sendRetrying(http, "POST", "/api/chargers", "{\"mode\":\"direct\",\"pileId\":\"" + id
                                + "\",\"chargerNumber\":\"" + id + "\",\"deviceIdentity\":\"" + id
                                + "\",\"stationId\":\"" + station(identities, i / perStation)
                                + "\",\"model\":\"Load AC\",\"maxPowerKw\":22,"
                                + "\"connectors\":[{\"connectorId\":1,\"type\":\"Type 2\",\"powerKw\":22}]}"))) {
                            failed.incrementAndGet();
                        }
                    }
                } catch (IOException e) {
                    failed.incrementAndGet();
                }
            }, "provisioner-" + t);
            operators.add(operator);
            operator.start();
        }
        for (Thread operator : operators) {
            operator.join();
        }
        return failed.get();
    }

    /** The stations of a run are named after its first charger, so that runs with other prefixes do not share them. */
    private static String station(List<String> identities, int k) {
        return "ST-" + identities.get(0) + "-" + k;
    }

    private static boolean ok(int status) {
        return status == 200 || status == 201 || status == 409;
    }

    /** Attempts of one provisioning request that the node answered 5xx or not at all (an operator retries too). */
    private static final int ATTEMPTS = 5;

    /**
     * A cold node under a burst of creates may answer one with 504 (an entity did not answer within the API's
     * limit); the saves are idempotent by pile id, so the request is sent again, as an operator's tool would.
     * Returns the last status, or -1 when no attempt got an answer.
     */
    private int sendRetrying(KeepAliveHttp http, String method, String path, String body) {
        for (int n = 1; ; n++) {
            String outcome;
            try {
                int status = http.send(method, path, token, body).status();
                if (status < 500 || n == ATTEMPTS) {
                    return status;
                }
                outcome = String.valueOf(status);
            } catch (IOException e) {
                closeQuietly(http); // the next attempt opens a new connection
                if (n == ATTEMPTS) {
                    return -1;
                }
                outcome = e.toString();
            }
            retries.incrementAndGet();
            System.err.println("provisioning: " + method + " " + path + " answered " + outcome + "; attempt "
                    + (n + 1) + " of " + ATTEMPTS);
            try {
                Thread.sleep(n * 1000L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
    }

    private static void closeQuietly(KeepAliveHttp http) {
        try {
            http.close();
        } catch (IOException ignored) {
            // a broken connection: nothing more to do with it
        }
    }

    /** Requests sent again after a 5xx or no answer. */
    long retries() {
        return retries.get();
    }
}
