package io.chargeplane.control.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.typesafe.config.ConfigFactory;
import io.chargeplane.control.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * The feed's two promises, without a server: a client that reads slower than events come is cut off with a reset
 * (it never holds the reader back), and the reader never passes over a journal row that was committed late.
 */
class EventFeedTest {
    private static final ActorTestKit KIT = ActorTestKit.create(ConfigFactory.parseString(
            "pekko.actor.provider = local").withFallback(ConfigFactory.load()));
    private static final Database DB = Database.open(ConfigFactory.parseMap(Map.of(
            "chargeplane.db.url", "jdbc:h2:mem:feed-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
            "chargeplane.db.user", "sa", "chargeplane.db.password", "", "chargeplane.db.app-pool-size", 2)));

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
        DB.close();
    }

    /** A client that takes items only when the test asks for them. */
    private static final class SlowClient implements Subscriber<EventFeed.Item> {
        final BlockingQueue<Object> items = new LinkedBlockingQueue<>();
        final java.util.concurrent.CompletableFuture<Subscription> subscription = new java.util.concurrent.CompletableFuture<>();

        @Override
        public void onSubscribe(Subscription s) {
            subscription.complete(s);
        }

        @Override
        public void onNext(EventFeed.Item item) {
            items.add(item);
        }

        @Override
        public void onError(Throwable t) {
            items.add(t);
        }

        @Override
        public void onComplete() {
            items.add("complete");
        }

        Object take() throws Exception {
            subscription.get(5, TimeUnit.SECONDS).request(1);
            return items.poll(5, TimeUnit.SECONDS);
        }
    }

    private static EventFeed feed(int buffer, Clock clock, long start) {
        JournalTail tail = new JournalTail(DB, SerializationExtension.get(Adapter.toClassic(KIT.system())));
        EventFeed.Settings settings = new EventFeed.Settings(Duration.ofMillis(250), buffer, Duration.ofSeconds(10),
                1_000_000, Duration.ofSeconds(15));
        return new EventFeed(tail, Executors.newSingleThreadExecutor(), KIT.system().executionContext(), clock,
                settings, start);
    }

    private static FeedEvent event(long id) {
        return new FeedEvent(id, "charger.status", "S1", "p1", null, Instant.EPOCH, Map.of("status", "Available"));
    }

    @Test
    void aClientFartherBehindThanTheBufferGetsAResetAndItsStreamEnds() throws Exception {
        EventFeed feed = feed(3, Clock.systemUTC(), 0);
        SlowClient slow = new SlowClient();
        feed.subscribe(null, FeedFilter.ALL).runWith(Sink.fromSubscriber(slow), KIT.system());
        assertEquals(new EventFeed.Ready(0), slow.take());
        feed.publish(List.of(event(1)), 1);
        assertEquals(1, ((EventFeed.Event) slow.take()).event().id(), "a client that keeps up gets each event");

        for (long id = 2; id <= 10; id++) {
            feed.publish(List.of(event(id)), id); // the client reads nothing meanwhile
        }
        Object next = slow.take();
        while (next instanceof EventFeed.Event e && e.event().id() < 10) {
            next = slow.take(); // what it had already asked for may still come
        }
        assertInstanceOf(EventFeed.Reset.class, next, "behind the buffer: reset, not a stream with a hole");
        assertEquals("complete", slow.take());
    }

    @Test
    void aClientResumingFromBeforeTheBufferIsServedFromTheJournalAndThenFollowsLive() throws Exception {
        insert(101, "Other|a");
        insert(102, "Other|b");
        EventFeed feed = feed(3, Clock.systemUTC(), 102);
        SlowClient resuming = new SlowClient();
        feed.subscribe(100L, FeedFilter.ALL).runWith(Sink.fromSubscriber(resuming), KIT.system());
        assertEquals(new EventFeed.Ready(100), resuming.take());
        feed.publish(List.of(event(103)), 103);
        Object next = resuming.take();
        assertEquals(103, ((EventFeed.Event) next).event().id(), "the journal's rows 101-102 show nothing; then live");
    }

    @Test
    void aRowCommittedLateIsWaitedForAndARowThatNeverComesHoldsTheFeedOnlyUntilTheGapTimeout() throws Exception {
        MovableClock clock = new MovableClock(Instant.parse("2026-06-01T10:00:00Z"));
        insert(201, "Other|c");
        insert(203, "Other|d"); // 202 is taken but not yet committed
        EventFeed feed = feed(100, clock, 200);
        feed.poll();
        assertEquals(201, feed.head(), "stops before the gap");
        insert(202, "Other|e");
        feed.poll();
        assertEquals(203, feed.head(), "the gap filled: it goes on");

        insert(205, "Other|f"); // 204 never comes
        feed.poll();
        clock.advance(Duration.ofSeconds(5));
        feed.poll();
        assertEquals(203, feed.head(), "still within the gap timeout");
        clock.advance(Duration.ofSeconds(6));
        feed.poll();
        assertEquals(205, feed.head(), "past the gap timeout the feed goes on");
    }

    /** A journal row the feed shows nothing for, at a chosen place in the order. */
    private static void insert(long ordering, String persistenceId) throws Exception {
        try (Connection c = DB.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO \"event_journal\" (\"ordering\", \"persistence_id\", \"sequence_number\", \"writer\","
                        + " \"write_timestamp\", \"adapter_manifest\", \"event_payload\", \"event_ser_id\","
                        + " \"event_ser_manifest\") VALUES (?, ?, 1, 'test', 0, '', ?, 1, 'x')")) {
            ps.setLong(1, ordering);
            ps.setString(2, persistenceId);
            ps.setBytes(3, new byte[] {1});
            ps.executeUpdate();
        }
    }

    private static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
