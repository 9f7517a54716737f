package io.chargeplane.gateway.ocpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** An overloaded node reports the calls it sheds in one line per interval, not one line per call. */
class ShedLogTest {
    private final Logger logger = (Logger) LoggerFactory.getLogger(ShedLog.class);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    @BeforeEach
    void capture() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
    }

    @Test
    void aBurstOfShedCallsIsOneLineAndTheNextLineCountsWhatWasShedSince() {
        AtomicLong now = new AtomicLong(0);
        ShedLog log = new ShedLog(Duration.ofSeconds(5), now::get);
        for (int i = 0; i < 10_000; i++) {
            log.shed("CP-" + i, 12_000_000_000L);
        }
        assertEquals(1, lines.list.size(), "the first shed call is reported at once, the rest wait for the interval");
        assertTrue(lines.list.get(0).getFormattedMessage().contains("1 calls shed"));
        now.addAndGet(Duration.ofSeconds(5).toNanos());
        log.shed("CP-X", 11_000_000_000L);
        assertEquals(2, lines.list.size());
        assertTrue(lines.list.get(1).getFormattedMessage().contains("10000 calls shed"),
                lines.list.get(1).getFormattedMessage());
        assertTrue(lines.list.get(1).getFormattedMessage().contains("CP-X after 11000 ms"));
    }

    @Test
    void callsWhoseEntityDidNotAnswerAreCountedApartFromShedCalls() {
        AtomicLong now = new AtomicLong(0);
        ShedLog log = new ShedLog(Duration.ofSeconds(5), now::get);
        log.shed("CP-1", 12_000_000_000L);
        for (int i = 0; i < 500; i++) {
            log.timedOut("CP-" + i, "m" + i);
        }
        assertEquals(2, lines.list.size(), "one line per cause at once, the rest wait for the interval");
        assertTrue(lines.list.get(1).getFormattedMessage().startsWith("1 calls answered InternalError"),
                lines.list.get(1).getFormattedMessage());
        now.addAndGet(Duration.ofSeconds(5).toNanos());
        log.timedOut("CP-Y", "m-last");
        assertEquals(3, lines.list.size());
        assertTrue(lines.list.get(2).getFormattedMessage().startsWith("500 calls answered InternalError"),
                lines.list.get(2).getFormattedMessage());
        assertTrue(lines.list.get(2).getFormattedMessage().contains("call m-last of CP-Y"));
    }
}
