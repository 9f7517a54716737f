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

    /** An id at once from the node's block, or after reserving a new block (no lock is held meanwhile). */
    public CompletionStage<Integer> next() {
        synchronized (this) {
            if (next < end) {
                return CompletableFuture.completedFuture((int) next++);
            }
        }
        return CompletableFuture.supplyAsync(this::reserveBlock, blocking).thenApply(this::takeFrom);
    }

    /** Starts the new block unless another caller's block arrived first (then this one is skipped: gaps are fine). */
    private synchronized int takeFrom(long blockStart) {
        if (next >= end) {
            next = blockStart;
            end = Math.min(blockStart + BLOCK, (long) Integer.MAX_VALUE + 1);
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
