package io.chargeplane.control.readside;

import java.util.List;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * Runs a per-event handler over a group of events in one transaction: after bulk provisioning thousands of
 * events wait, and one commit (one fsync) per event would keep the database busy for the charger traffic.
 */
final class Grouped<E> extends JdbcHandler<List<E>, DataSourceSession> {
    private final JdbcHandler<E, DataSourceSession> each;

    Grouped(JdbcHandler<E, DataSourceSession> each) {
        this.each = each;
    }

    @Override
    public void process(DataSourceSession session, List<E> envelopes) throws Exception {
        for (E envelope : envelopes) {
            each.process(session, envelope);
        }
    }
}
