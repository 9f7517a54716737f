package io.chargeplane.control.station;

import io.chargeplane.control.Result;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * The chargers this node assigns to stations, taken to each station in batches: at most one batch per station is
 * on its way from this node, and the assignments that arrive meanwhile go together in the next one, so a station
 * persists them as one journal write. One by one, a station took one assignment per commit of the database (a
 * CSV import of 10,000 chargers at one station: ~140 chargers/s, the station's entity the limit).
 */
public final class StationAssignments {
    /** Assignments in one batch at most (one journal write of as many events). */
    static final int MAX_BATCH = 500;

    private record Waiting(StationEntity.Assignment assignment, CompletableFuture<Result<Integer>> answer) {
    }

    private final ActorSystem<?> system;
    private final Duration timeout;
    /** Per station, the assignments waiting for the batch on its way; a station is here while one is. */
    private final Map<String, List<Waiting>> waiting = new HashMap<>();

    public StationAssignments(ActorSystem<?> system, Duration timeout) {
        this.system = system;
        this.timeout = timeout;
    }

    /** Assigns the charger to the station (idempotent); answers the number of chargers the station then has. */
    public CompletionStage<Result<Integer>> assign(String stationId, String pileId, Instant at) {
        Waiting w = new Waiting(new StationEntity.Assignment(pileId, at), new CompletableFuture<>());
        List<Waiting> batch = null;
        synchronized (waiting) {
            List<Waiting> queue = waiting.get(stationId);
            if (queue == null) {
                waiting.put(stationId, new ArrayList<>());
                batch = List.of(w);
            } else {
                queue.add(w);
            }
        }
        if (batch != null) {
            send(stationId, batch);
        }
        return w.answer();
    }

    private void send(String stationId, List<Waiting> batch) {
        List<StationEntity.Assignment> assignments = batch.stream().map(Waiting::assignment).toList();
        ClusterSharding.get(system).entityRefFor(StationEntity.ENTITY_KEY, stationId)
                .<Result<Integer>>ask(reply -> new StationEntity.AssignChargers(assignments, reply), timeout)
                .whenComplete((result, error) -> {
                    for (Waiting w : batch) {
                        if (error != null) {
                            w.answer().completeExceptionally(error);
                        } else {
                            w.answer().complete(result);
                        }
                    }
                    List<Waiting> next;
                    synchronized (waiting) {
                        List<Waiting> queue = waiting.get(stationId);
                        if (queue.isEmpty()) {
                            waiting.remove(stationId);
                            return;
                        }
                        next = new ArrayList<>(queue.subList(0, Math.min(MAX_BATCH, queue.size())));
                        queue.subList(0, next.size()).clear();
                    }
                    send(stationId, next);
                });
    }
}
