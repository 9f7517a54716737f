package io.chargeplane.control.charger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ChargingSessionTest {
    private static ChargingSession session(long meterStart, Long suspectRegister) {
        return new ChargingSession(1, 1, "TAG", "Accepted", meterStart, Instant.EPOCH, null, null, null, null, null,
                null, null, suspectRegister);
    }

    @Test
    void energyIsStopMinusStart() {
        assertEquals(250, session(100, null).energyTo(350));
    }

    @Test
    void aStopBelowTheStartBillsNothingRatherThanANegativeAmount() {
        assertEquals(0, session(500, null).energyTo(400));
    }

    @Test
    void aSuspectZeroStartCountsFromTheRegisterSeenBeforeIt() {
        assertEquals(400, session(0, 60_000L).energyTo(60_400));
    }

    @Test
    void aRegisterThatReallyWasResetCountsFromZero() {
        assertEquals(700, session(0, 60_000L).energyTo(700));
    }

    @Test
    void aServerSideCloseUsesTheLastReadingOrTheStart() {
        assertEquals(100, session(100, null).lastKnownWh());
        assertEquals(900, session(100, null).withReading(900, Instant.EPOCH).lastKnownWh());
    }
}
