package io.chargeplane.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chargeplane.control.CborSerializable;
import io.chargeplane.control.journal.BatchingJournal;
import io.chargeplane.control.journal.BatchingSnapshotStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Entities that recover at the same moment share the recovery queries (latest snapshot, highest sequence number,
 * events), and each still gets exactly its own state: its latest snapshot and its events after it, in order. Short
 * histories are replayed from the batches, a long one by the plugin's own streaming replay.
 */
class BatchingJournalTest {
    @TempDir
    Path dir;

    private static final int ENTITIES = 300;
    private static final int LONG_HISTORY = 1_200;

    @Test
    void entitiesRecoveringTogetherEachGetTheirOwnEventsInOrderOnH2() throws Exception {
        recoverTogether(TestNodes.h2(dir));
    }

    @Test
    void entitiesRecoveringTogetherEachGetTheirOwnEventsInOrderOnPostgres() throws Exception {
        recoverTogether(TestNodes.postgres());
    }

    /**
     * The journal's circuit breaker does not time each persist (persistence.conf): a batch of writes that the
     * database holds longer than {@code jdbc-journal.write-timeout} fails, and its entities stop as on any failed
     * persist, instead of waiting for ever.
     */
    @Test
    void aWriteTheDatabaseHoldsLongerThanTheWriteTimeoutFailsItsEntityInsteadOfWaitingForEver() throws Exception {
        TestNodes.Db db = TestNodes.postgres();
        try (ChargePlaneNode node = TestNodes.start(db, Map.of("jdbc-journal.write-timeout", "500ms"))) {
            ActorRef<Command> entity = node.system().systemActorOf(Log.create(1), "log-held", Props.empty());
            BatchingJournalTest.<Done>ask(node.system(), entity, replyTo -> new Append(List.of("first"), replyTo))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            TestProbe<Object> probe = TestProbe.create(node.system());
            try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
                 Statement st = c.createStatement()) {
                c.setAutoCommit(false);
                st.execute("LOCK TABLE \"event_journal\" IN EXCLUSIVE MODE"); // inserts wait until this commits
                BatchingJournalTest.<Done>ask(node.system(), entity, replyTo -> new Append(List.of("held"), replyTo));
                probe.expectTerminated(entity, Duration.ofSeconds(10));
                c.commit();
            }
        }
    }

    private static void recoverTogether(TestNodes.Db db) throws Exception {
        ChargePlaneNode first = TestNodes.start(db);
        try {
            List<CompletionStage<List<String>>> written = new ArrayList<>();
            for (int i = 0; i <= ENTITIES; i++) {
                ActorRef<Command> entity = first.system().systemActorOf(Log.create(i), "log-" + i,
                        Props.empty());
                List<String> events = expected(i);
                for (int from = 0; from < events.size(); from += 100) {
                    List<String> group = events.subList(from, Math.min(events.size(), from + 100));
                    BatchingJournalTest.<Done>ask(first.system(), entity, replyTo -> new Append(List.copyOf(group), replyTo))
                            .toCompletableFuture().get(10, TimeUnit.SECONDS);
                }
                written.add(ask(first.system(), entity, Get::new));
            }
            for (int i = 0; i <= ENTITIES; i++) {
                assertEquals(expected(i), written.get(i).toCompletableFuture().get(10, TimeUnit.SECONDS));
            }
            awaitEventsDeletedBehindSnapshot(first, "BatchingJournalTest|log-3");
        } finally {
            first.close();
        }

        ChargePlaneNode second = TestNodes.start(db);
        try {
            long batchedBefore = BatchingJournal.batchedReplays();
            long snapshotsBefore = BatchingSnapshotStore.batchedLoads();
            List<CompletionStage<List<String>>> recovered = new ArrayList<>();
            for (int i = 0; i <= ENTITIES; i++) {
                ActorRef<Command> entity = second.system().systemActorOf(Log.create(i), "log-" + i,
                        Props.empty());
                recovered.add(ask(second.system(), entity, Get::new));
            }
            CompletableFuture.allOf(recovered.stream().map(CompletionStage::toCompletableFuture)
                    .toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            for (int i = 0; i <= ENTITIES; i++) {
                assertEquals(expected(i), recovered.get(i).toCompletableFuture().get(), "entity " + i);
            }
            // (a snapshotting log's last snapshot is of its last event: nothing to replay)
            long withShortHistory = java.util.stream.IntStream.range(0, ENTITIES)
                    .filter(i -> i % 5 != 0 && !snapshots(i)).count();
            long batched = BatchingJournal.batchedReplays() - batchedBefore;
            assertTrue(batched >= withShortHistory,
                    "short histories replayed in batches: " + batched + " of " + withShortHistory);
            long snapshotLoads = BatchingSnapshotStore.batchedLoads() - snapshotsBefore;
            assertTrue(snapshotLoads >= ENTITIES + 1, "snapshots looked up in batches: " + snapshotLoads);
        } finally {
            second.close();
        }
    }

    private static void awaitEventsDeletedBehindSnapshot(ChargePlaneNode node, String persistenceId) throws Exception {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (var c = node.database().dataSource().getConnection();
                 var q = c.prepareStatement("SELECT COUNT(*) FROM \"event_journal\" WHERE \"persistence_id\" = ? "
                         + "AND \"deleted\" = FALSE")) {
                q.setString(1, persistenceId);
                try (var rs = q.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) < 260) {
                        return;
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no events of " + persistenceId + " were deleted behind its snapshots");
    }

    /**
     * Entity i writes i % 5 events (none for every fifth), but those numbered 3, 13, 23, ... write 260 events and
     * a snapshot every 50; the last one a history longer than a batch may hold, and no snapshot.
     */
    private static List<String> expected(int i) {
        int n = i == ENTITIES ? LONG_HISTORY : snapshots(i) ? 260 : i % 5;
        List<String> events = new ArrayList<>(n);
        for (int k = 1; k <= n; k++) {
            events.add("e" + i + "." + k);
        }
        return events;
    }

    private static <T> CompletionStage<T> ask(ActorSystem<?> system, ActorRef<Command> entity,
                                              org.apache.pekko.japi.function.Function<ActorRef<T>, Command> message) {
        return AskPattern.ask(entity, message, Duration.ofSeconds(30), system.scheduler());
    }

    interface Command {
    }

    record Append(List<String> events, ActorRef<Done> replyTo) implements Command {
    }

    record Get(ActorRef<List<String>> replyTo) implements Command {
    }

    private static boolean snapshots(int i) {
        return i % 10 == 3;
    }

    /** The state of a log, snapshotted with the application's CBOR serializer. */
    record Lines(ArrayList<String> lines) implements CborSerializable {
    }

    /** A log of strings, one event per string (Pekko serializes strings itself). */
    static final class Log extends EventSourcedBehavior<Command, String, Lines> {
        private final boolean snapshots;

        static Behavior<Command> create(int i) {
            return new Log(PersistenceId.of("BatchingJournalTest", "log-" + i), snapshots(i));
        }

        private Log(PersistenceId id, boolean snapshots) {
            super(id);
            this.snapshots = snapshots;
        }

        @Override
        public Lines emptyState() {
            return new Lines(new ArrayList<>());
        }

        @Override
        public RetentionCriteria retentionCriteria() {
            // events behind the snapshots are deleted: a recovery that ignored its snapshot would miss them
            return snapshots ? RetentionCriteria.snapshotEvery(50, 2).withDeleteEventsOnSnapshot()
                    : RetentionCriteria.disabled();
        }

        @Override
        public CommandHandler<Command, String, Lines> commandHandler() {
            return newCommandHandlerBuilder().forAnyState()
                    .onCommand(Append.class, (state, c) -> Effect().persist(c.events())
                            .thenReply(c.replyTo(), s -> Done.getInstance()))
                    .onCommand(Get.class, (state, c) -> Effect().reply(c.replyTo(), List.copyOf(state.lines())))
                    .build();
        }

        @Override
        public EventHandler<Lines, String> eventHandler() {
            return newEventHandlerBuilder().forAnyState().onAnyEvent((state, event) -> {
                state.lines().add(event);
                return state;
            });
        }
    }
}
