package io.chargeplane.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chargeplane.control.journal.BatchingJournalDao;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tagged events written many entities at a time (the journal writes a batch with tags in two statements) each keep
 * exactly their own tags, the by-tag query finds them all, and each entity's orderings rise with its sequence
 * numbers. Batches mix tagged and untagged events of many entities.
 */
class TaggedJournalWritesTest {
    @TempDir
    Path dir;

    private static final int ENTITIES = 200;
    private static final int EVENTS = 12;

    @Test
    void taggedEventsWrittenTogetherKeepTheirTagsAndOrderOnH2() throws Exception {
        writeTogether(TestNodes.h2(dir));
    }

    @Test
    void taggedEventsWrittenTogetherKeepTheirTagsAndOrderOnPostgres() throws Exception {
        writeTogether(TestNodes.postgres());
    }

    private static void writeTogether(TestNodes.Db db) throws Exception {
        ChargePlaneNode node = TestNodes.start(db);
        try {
            long batchesBefore = BatchingJournalDao.taggedBatches();
            List<ActorRef<Append>> entities = new ArrayList<>();
            for (int i = 0; i < ENTITIES; i++) {
                entities.add(node.system().systemActorOf(Log.create(i), "tagged-log-" + i, Props.empty()));
            }
            // all entities write at once, an event or three per command: the write queue batches them together
            List<CompletionStage<Done>> written = new ArrayList<>();
            for (int k = 1; k <= EVENTS; k += 3) {
                for (int i = 0; i < ENTITIES; i++) {
                    List<String> events = new ArrayList<>();
                    for (int e = k; e < k + 3; e++) {
                        events.add("e" + i + "." + e);
                    }
                    written.add(AskPattern.ask(entities.get(i), replyTo -> new Append(events, replyTo),
                            Duration.ofSeconds(30), node.system().scheduler()));
                }
            }
            CompletableFuture.allOf(written.stream().map(CompletionStage::toCompletableFuture)
                    .toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            assertTrue(BatchingJournalDao.taggedBatches() > batchesBefore, "tagged batches written by the DAO");

            Map<String, Set<String>> expected = new HashMap<>();
            for (int i = 0; i < ENTITIES; i++) {
                for (int e = 1; e <= EVENTS; e++) {
                    for (String tag : tags(e)) {
                        expected.computeIfAbsent(tag, t -> new TreeSet<>()).add("e" + i + "." + e);
                    }
                }
            }
            JdbcReadJournal reads = PersistenceQuery.get(node.system())
                    .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
            for (String tag : List.of("even", "third")) {
                Set<String> found = new TreeSet<>(reads.currentEventsByTag(tag, org.apache.pekko.persistence.query.Offset.noOffset())
                        .filter(env -> env.persistenceId().startsWith("TaggedJournalWritesTest|"))
                        .map(env -> (String) env.event())
                        .runWith(Sink.seq(), node.system()).toCompletableFuture().get(30, TimeUnit.SECONDS));
                assertEquals(expected.get(tag), found, "events tagged " + tag);
            }

            try (Connection c = node.database().dataSource().getConnection();
                 PreparedStatement q = c.prepareStatement("SELECT \"persistence_id\", \"sequence_number\", \"ordering\", "
                         + "(SELECT COUNT(*) FROM \"event_tag\" t WHERE t.\"event_id\" = j.\"ordering\") "
                         + "FROM \"event_journal\" j WHERE \"persistence_id\" LIKE 'TaggedJournalWritesTest|%' "
                         + "ORDER BY \"persistence_id\", \"sequence_number\"");
                 ResultSet rs = q.executeQuery()) {
                Map<String, Long> lastOrdering = new HashMap<>();
                int rows = 0;
                while (rs.next()) {
                    rows++;
                    String id = rs.getString(1);
                    long seqNr = rs.getLong(2);
                    long ordering = rs.getLong(3);
                    Long before = lastOrdering.put(id, ordering);
                    assertTrue(before == null || before < ordering, id + " #" + seqNr + ": orderings rise with sequence numbers");
                    assertEquals(tags((int) seqNr).size(), rs.getInt(4), id + " #" + seqNr + ": its own tags only");
                }
                assertEquals(ENTITIES * EVENTS, rows);
            }
        } finally {
            node.close();
        }
    }

    /** Every event with an even number is tagged "even", every third "third"; the rest carry no tag. */
    private static Set<String> tags(int eventNumber) {
        Set<String> tags = new TreeSet<>();
        if (eventNumber % 2 == 0) {
            tags.add("even");
        }
        if (eventNumber % 3 == 0) {
            tags.add("third");
        }
        return tags;
    }

    record Append(List<String> events, ActorRef<Done> replyTo) {
    }

    static final class Log extends EventSourcedBehavior<Append, String, List<String>> {
        static Behavior<Append> create(int i) {
            return new Log(PersistenceId.of("TaggedJournalWritesTest", "log-" + i));
        }

        private Log(PersistenceId id) {
            super(id);
        }

        @Override
        public List<String> emptyState() {
            return new ArrayList<>();
        }

        @Override
        public Set<String> tagsFor(String event) {
            return tags(Integer.parseInt(event.substring(event.indexOf('.') + 1)));
        }

        @Override
        public CommandHandler<Append, String, List<String>> commandHandler() {
            return newCommandHandlerBuilder().forAnyState()
                    .onCommand(Append.class, (state, c) -> Effect().persist(c.events())
                            .thenReply(c.replyTo(), s -> Done.getInstance()))
                    .build();
        }

        @Override
        public EventHandler<List<String>, String> eventHandler() {
            return newEventHandlerBuilder().forAnyState().onAnyEvent((state, event) -> {
                state.add(event);
                return state;
            });
        }
    }
}
