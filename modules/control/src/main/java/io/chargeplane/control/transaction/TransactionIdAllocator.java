package io.chargeplane.control.transaction;

import io.chargeplane.control.db.Database;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Hands out OCPP transaction ids: positive int32, unique across the cluster and across restarts. Each node
 * reserves a block of {@link #BLOCK} ids from a database sequence and hands them out in memory; ids of a
 * block that a node did not use before it stopped are skipped, never reused.
 */
public final class TransactionIdAllocator {
    /** Must equal the sequence's INCREMENT in the migration. */
    public static final int BLOCK = 50;

    private final Database db;
    private final Executor blocking;
    private long next;
    private long end;

    public TransactionIdAllocator(Database db, Executor blocking) {
        this.db = db;
        this.blocking = blocking;
    }

    public synchronized CompletionStage<Integer> next() {
        if (next < end) {
            return CompletableFuture.completedFuture((int) next++);
        }
        return CompletableFuture.supplyAsync(this::reserveBlockAndTake, blocking);
    }

    private synchronized int reserveBlockAndTake() {
        if (next >= end) {
            long start = reserveBlock();
            next = start;
            end = Math.min(start + BLOCK, (long) Integer.MAX_VALUE + 1);
        }
        return (int) next++;
    }

    private long reserveBlock() {
        try (Connection c = db.dataSource().getConnection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(db.dialect().nextTransactionBlockSql())) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reserve transaction ids: " + e.getMessage(), e);
        }
    }
}
