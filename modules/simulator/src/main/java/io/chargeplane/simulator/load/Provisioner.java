package io.chargeplane.simulator.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/** Creates the piles of a load run through the REST API and binds each load charger's identity to one. */
final class Provisioner {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String api;
    private String token;
    private final AtomicLong retries = new AtomicLong();

    Provisioner(String httpBase) {
        this.api = httpBase;
    }

    /** Signs in (an account allowed to edit chargers and id tags); later requests carry the bearer token. */
    void login(String username, String password) {
        HttpRequest r = HttpRequest.newBuilder(URI.create(api + "/api/auth/login")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + username + "\",\"password\":\""
                        + password + "\"}")).build();
        try {
            HttpResponse<String> resp = client.send(r, HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() != 200) {
                throw new IllegalStateException("login as " + username + " failed: " + resp.statusCode() + " " + resp.body());
            }
            token = io.chargeplane.ocpp.OcppJson.MAPPER.readTree(resp.body()).get("token").asText();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Returns how many requests failed (409 for a pile or binding that already exists is fine). */
    long provision(List<String> identities, String idTag, int concurrency) throws InterruptedException {
        AtomicLong failed = new AtomicLong();
        send("PUT", "/api/id-tags/" + idTag, "{\"status\":\"Accepted\"}").join();
        Semaphore permits = new Semaphore(concurrency);
        CompletableFuture<?>[] all = new CompletableFuture<?>[identities.size()];
        for (int i = 0; i < identities.size(); i++) {
            String id = identities.get(i);
            permits.acquire();
            all[i] = sendRetrying("POST", "/api/piles", "{\"pileId\":\"" + id + "\",\"chargerNumber\":\"" + id + "\"}")
                    .thenCompose(created -> created >= 300 && created != 409
                            ? CompletableFuture.completedFuture(created) // no pile: nothing to bind, counted below
                            : sendRetrying("PUT", "/api/piles/" + id + "/device", "{\"identity\":\"" + id + "\"}"))
                    .whenComplete((status, e) -> {
                        permits.release();
                        if (e != null || (status != 200 && status != 409)) {
                            failed.incrementAndGet();
                        }
                    });
        }
        CompletableFuture.allOf(all).exceptionally(e -> null).join();
        return failed.get();
    }

    /** Attempts of one provisioning request that the node answered 5xx or not at all (an operator retries too). */
    private static final int ATTEMPTS = 5;

    /**
     * A cold node under a burst of creates may answer one with 504 (an entity did not answer within the API's
     * limit); the saves are idempotent by pile id, so the request is sent again, as an operator's tool would.
     */
    private CompletableFuture<Integer> sendRetrying(String method, String path, String body) {
        return attempt(method, path, body, 1);
    }

    private CompletableFuture<Integer> attempt(String method, String path, String body, int n) {
        return send(method, path, body).handle((status, e) -> {
            boolean again = (e != null || status >= 500) && n < ATTEMPTS;
            if (!again) {
                return e != null ? CompletableFuture.<Integer>failedFuture(e) : CompletableFuture.completedFuture(status);
            }
            retries.incrementAndGet();
            System.err.println("provisioning: " + method + " " + path + " answered "
                    + (e != null ? e.toString() : String.valueOf(status)) + "; attempt " + (n + 1) + " of " + ATTEMPTS);
            return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(n, java.util.concurrent.TimeUnit.SECONDS))
                    .thenCompose(x -> attempt(method, path, body, n + 1));
        }).thenCompose(f -> f);
    }

    /** Requests sent again after a 5xx or no answer. */
    long retries() {
        return retries.get();
    }

    CompletableFuture<Integer> send(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpRequest r = b.build();
        return client.sendAsync(r, HttpResponse.BodyHandlers.discarding()).thenApply(HttpResponse::statusCode);
    }
}
