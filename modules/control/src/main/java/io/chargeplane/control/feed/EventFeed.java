package io.chargeplane.control.feed;

import com.typesafe.config.Config;
import io.chargeplane.control.db.Database;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live feed of one node. One reader follows the journal in its global order a few times a second and keeps
 * the most recent feed events in a ring shared by every client of the node; a client reads the ring at its own
 * pace. A client that falls so far behind that the ring has moved past it gets a {@link Reset} and its stream ends
 * (it never holds the reader or anyone else back); it may then come back with its last event id. A client that
 * resumes from an id older than the ring is served from the journal until it reaches the ring.
 *
 * <p>A write that has an ordering but is not yet committed leaves a gap behind which later rows are already
 * visible: the reader stops at the gap until it fills, or for at most {@code gap-timeout} (a rolled-back write
 * leaves a gap for good), so that an event is never passed over because it was committed late.
 */
public final class EventFeed {
    private static final Logger LOG = LoggerFactory.getLogger(EventFeed.class);
    private static final int PAGE = 1000;
    private static final int CATCH_UP_PAGE = 500;
    private static final int SERVE_BATCH = 256;

    /** What a client's stream carries. */
    public sealed interface Item {
    }

    /** First item of every stream: the id from which it goes on. */
    public record Ready(long lastEventId) implements Item {
    }

    public record Event(FeedEvent event) implements Item {
    }

    /** The client fell behind the ring, or asked to resume from too long ago: its stream ends after this. */
    public record Reset(String reason) implements Item {
    }

    /** {@code chargeplane.feed}. */
    public record Settings(Duration pollInterval, int bufferSize, Duration gapTimeout, long maxCatchUp,
                           Duration keepAlive) {
        public static Settings from(Config root) {
            Config c = root.getConfig("chargeplane.feed");
            return new Settings(c.getDuration("poll-interval"), c.getInt("buffer-size"), c.getDuration("gap-timeout"),
                    c.getLong("max-catch-up"), c.getDuration("keep-alive"));
        }
    }

    private record Cursor(long at, boolean live, boolean ended) {
    }

    private final JournalTail tail;
    private final Executor blocking;
    private final Executor clients;
    private final Clock clock;
    private final Settings settings;
    private final AtomicBoolean polling = new AtomicBoolean();
    private final FeedEvent[] ring;
    private int ringStart;
    private int ringSize;
    private long coveredFrom;
    private long head;
    private CompletableFuture<Void> published = new CompletableFuture<>();
    private long gapAt = -1;
    private Instant gapSince;

    EventFeed(JournalTail tail, Executor blocking, Executor clients, Clock clock, Settings settings, long start) {
        this.tail = tail;
        this.blocking = blocking;
        this.clients = clients;
        this.clock = clock;
        this.settings = settings;
        this.ring = new FeedEvent[settings.bufferSize()];
        this.coveredFrom = start;
        this.head = start;
    }

    /** Starts following the journal from its end. */
    public static EventFeed start(ActorSystem<?> system, Database db, Executor blocking, Clock clock) {
        Settings settings = Settings.from(system.settings().config());
        JournalTail tail = new JournalTail(db, SerializationExtension.get(Adapter.toClassic(system)));
        long start;
        try {
            start = tail.last();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the journal's end for the event feed", e);
        }
        EventFeed feed = new EventFeed(tail, blocking, system.executionContext(), clock, settings, start);
        system.scheduler().scheduleWithFixedDelay(settings.pollInterval(), settings.pollInterval(), feed::pollSoon,
                system.executionContext());
        return feed;
    }

    public Settings settings() {
        return settings;
    }

    /** The id up to which this node has read the journal. */
    public synchronized long head() {
        return head;
    }

    private void pollSoon() {
        if (polling.compareAndSet(false, true)) {
            blocking.execute(() -> {
                try {
                    while (poll()) {
                        // a full page: read on
                    }
                } catch (SQLException | RuntimeException e) {
                    LOG.warn("reading the journal for the event feed failed; trying again: {}", e.toString());
                } finally {
                    polling.set(false);
                }
            });
        }
    }

    /** Reads what the journal has after the head; true when there may be more at once. */
    boolean poll() throws SQLException {
        long from = head();
        List<JournalTail.Row> rows = tail.rows(from, Long.MAX_VALUE, PAGE);
        Instant now = clock.instant();
        List<JournalTail.Row> accepted = new ArrayList<>(rows.size());
        long expected = from + 1;
        for (JournalTail.Row r : rows) {
            if (r.ordering() != expected) {
                if (gapAt != expected) {
                    gapAt = expected;
                    gapSince = now;
                    break;
                }
                if (Duration.between(gapSince, now).compareTo(settings.gapTimeout()) < 0) {
                    break;
                }
                LOG.debug("journal orderings {} to {} never appeared; the feed goes on", expected, r.ordering() - 1);
            }
            accepted.add(r);
            expected = r.ordering() + 1;
        }
        if (accepted.isEmpty()) {
            return false;
        }
        publish(tail.events(accepted, now), accepted.get(accepted.size() - 1).ordering());
        return rows.size() == PAGE && accepted.size() == rows.size();
    }

    void publish(List<FeedEvent> events, long newHead) {
        CompletableFuture<Void> wake;
        synchronized (this) {
            for (FeedEvent e : events) {
                if (ringSize == ring.length) {
                    coveredFrom = ring[ringStart].id();
                    ring[ringStart] = null;
                    ringStart = (ringStart + 1) % ring.length;
                    ringSize--;
                }
                ring[(ringStart + ringSize) % ring.length] = e;
                ringSize++;
            }
            head = newHead;
            wake = published;
            published = new CompletableFuture<>();
        }
        wake.complete(null);
    }

    /**
     * The events for one client matching {@code filter}: after {@code lastEventId} when it resumes, else from now.
     * The stream begins with {@link Ready} and never ends on its own, except after a {@link Reset}.
     */
    public Source<Item, NotUsed> subscribe(Long lastEventId, FeedFilter filter) {
        long now = head();
        if (lastEventId != null && now - lastEventId > settings.maxCatchUp()) {
            return Source.from(List.of(new Ready(lastEventId), new Reset("the stream cannot resume from " + lastEventId
                    + ": it is more than " + settings.maxCatchUp() + " journal entries behind; load the current"
                    + " state and follow the feed from now")));
        }
        long start = lastEventId != null ? lastEventId : now;
        Source<Item, NotUsed> items = Source.unfoldAsync(new Cursor(start, lastEventId == null, false),
                        c -> step(c, filter))
                .mapConcat(list -> list);
        return Source.<Item>single(new Ready(start)).concat(items);
    }

    private CompletionStage<Optional<Pair<Cursor, List<Item>>>> step(Cursor c, FeedFilter filter) {
        if (c.ended()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        CompletableFuture<Void> wait;
        long cursor;
        synchronized (this) {
            if (c.at() < coveredFrom) {
                if (c.live()) {
                    return CompletableFuture.completedFuture(Optional.of(Pair.create(new Cursor(c.at(), true, true),
                            List.of(new Reset("the client fell more than " + ring.length + " events behind; resume"
                                    + " with Last-Event-ID or load the current state")))));
                }
                return catchUp(c.at(), coveredFrom, filter);
            }
            List<Item> out = new ArrayList<>();
            int i = firstAfter(c.at());
            cursor = head;
            for (; i < ringSize; i++) {
                FeedEvent e = ring[(ringStart + i) % ring.length];
                if (filter.accepts(e)) {
                    out.add(new Event(e));
                    if (out.size() == SERVE_BATCH) {
                        cursor = e.id();
                        break;
                    }
                }
            }
            if (cursor < c.at()) {
                cursor = c.at();
            }
            if (!out.isEmpty()) {
                return CompletableFuture.completedFuture(Optional.of(Pair.create(new Cursor(cursor, true, false), out)));
            }
            wait = published;
        }
        Cursor next = new Cursor(cursor, true, false);
        return wait.thenComposeAsync(v -> step(next, filter), clients);
    }

    /** Index in the ring of the first event after {@code id} (ringSize if none). */
    private int firstAfter(long id) {
        int lo = 0;
        int hi = ringSize;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ring[(ringStart + mid) % ring.length].id() <= id) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private CompletionStage<Optional<Pair<Cursor, List<Item>>>> catchUp(long after, long upTo, FeedFilter filter) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                List<JournalTail.Row> rows = tail.rows(after, upTo, CATCH_UP_PAGE);
                long cursor = rows.size() < CATCH_UP_PAGE ? upTo : rows.get(rows.size() - 1).ordering();
                List<Item> out = new ArrayList<>();
                for (FeedEvent e : tail.events(rows, clock.instant())) {
                    if (filter.accepts(e)) {
                        out.add(new Event(e));
                    }
                }
                return Optional.of(Pair.create(new Cursor(cursor, false, false), out));
            } catch (SQLException e) {
                throw new CompletionException(e);
            }
        }, blocking);
    }
}
