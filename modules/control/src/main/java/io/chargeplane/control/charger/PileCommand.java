package io.chargeplane.control.charger;

import io.chargeplane.control.CborSerializable;
import io.chargeplane.control.charger.language.Authorization;
import io.chargeplane.control.charger.language.ChargerOperation;
import io.chargeplane.control.charger.language.ChargerReply;
import io.chargeplane.control.charger.language.ChargerReport;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/** Everything a Pile entity is asked to do. */
public sealed interface PileCommand extends CborSerializable {

    record Get(ActorRef<io.chargeplane.control.Result<PileView>> replyTo) implements PileCommand {
    }

    /** Be in memory (recovered) and say so: the OCPP handshake wakes a charger's pile before its first call. */
    record Wake(ActorRef<org.apache.pekko.Done> replyTo) implements PileCommand {
    }

    /** A socket for this pile's identity opened (on any node). */
    record Connected(String identity, ActorRef<SessionMessage> session, String remoteAddress) implements PileCommand {
    }

    record Disconnected(ActorRef<SessionMessage> session) implements PileCommand {
    }

    /** A Heartbeat, answered by the session itself: only "last seen" changes, nothing is persisted. */
    record Seen(String identity, ActorRef<SessionMessage> session, Instant at) implements PileCommand {
    }

    /**
     * A report from the charger, read and checked by its protocol adapter; {@code callId} ties the reply to the call.
     * {@code authorization} is that of the report's id tag (session start / end), looked up by the session;
     * {@code tolerated} the schema details a billing message broke.
     */
    record FromCharger(String identity, String callId, ChargerReport report, List<ChargerReport.Tolerated> tolerated,
                       Authorization authorization, Instant receivedAt, ActorRef<SessionMessage> session,
                       ActorRef<ChargerReply.ToCall> replyTo) implements PileCommand {
    }

    /**
     * How the charger answered the command {@code commandId}, as its adapter read it: {@code answer} its word
     * (Accepted, Rejected, Scheduled, ..., or "CALLERROR code"), {@code responseJson} the answer (null when none
     * came), {@code failure} why the command failed (null when it was answered).
     */
    record ChargerAnswered(String commandId, String answer, String responseJson, String failure, Instant receivedAt)
            implements PileCommand {
    }

    /**
     * Operator: send an operation. {@code offlineWait}: how long it may wait for an offline charger (null: the
     * operation's default, {@link io.chargeplane.control.charger.rules.CommandRules#defaultWait}; zero: refused at
     * once when the charger is offline). The reply comes when the charger answered or the command ended, when it
     * was queued for an offline charger, or after the command timeout with where it is then. {@code batchId}: the
     * batch it belongs to, told of every change; the reply then comes at once, and a pile asked again for the same
     * batch answers with the command it has.
     */
    record SubmitCommand(ChargerOperation operation, io.chargeplane.control.Origin origin, java.time.Duration offlineWait,
                         String batchId, ActorRef<io.chargeplane.control.Result<CommandResult>> replyTo)
            implements PileCommand {
        public SubmitCommand(ChargerOperation operation, io.chargeplane.control.Origin origin,
                             ActorRef<io.chargeplane.control.Result<CommandResult>> replyTo) {
            this(operation, origin, null, null, replyTo);
        }

        public SubmitCommand(ChargerOperation operation, io.chargeplane.control.Origin origin,
                             java.time.Duration offlineWait, ActorRef<io.chargeplane.control.Result<CommandResult>> replyTo) {
            this(operation, origin, offlineWait, null, replyTo);
        }
    }

    /** A queued command's turn: journal that it is sent, then send it. */
    record SendQueued(String commandId) implements PileCommand {
    }

    /** A queued command's wait for the charger is over. */
    record CommandExpired(String commandId) implements PileCommand {
    }

    /** The time for an answered command's outcome is over. */
    record ConfirmationDue(String commandId) implements PileCommand {
    }

    /** The operator who waits for {@code commandId} is told where it is now. */
    record ReplyDue(String commandId) implements PileCommand {
    }

    /** A report from the charger confirmed (or failed) the outcomes of these answered commands. */
    record OutcomesReported(java.util.Map<String, io.chargeplane.control.charger.rules.CommandRules.Verdict> verdicts)
            implements PileCommand {
    }

    record StartIdAllocated(FromCharger call, Integer transactionId, String failure) implements PileCommand {
    }

    record CommandTimedOut(String commandId) implements PileCommand {
    }

    /** After a recovery: rebuild the queue from the open commands, and end what a restart interrupted. */
    record ResumeCommands() implements PileCommand {
    }

    record PassivateIfDisconnected() implements PileCommand {
    }

    /** Look up the tariff that prices session {@code transactionId} (again, after a failure). */
    record ResolveTariff(int transactionId) implements PileCommand {
    }

    /** The tariff of a session found ({@code tariff} null: none applied when it started), or the lookup failed. */
    record TariffResolved(int transactionId, io.chargeplane.control.tariff.SessionTariff tariff, String failure)
            implements PileCommand {
    }

    record Stop() implements PileCommand {
    }

    // ---- the charger's registration ----

    /** Create ({@code create}: the pile must not exist) or edit the charger's details; see {@link ChargerRecord}. */
    record SaveDetails(boolean create, ChargerDetails details, io.chargeplane.control.review.SaveMode mode,
                       Long expectedVersion, io.chargeplane.control.Origin origin, Instant at,
                       ActorRef<io.chargeplane.control.Result<ChargerView>> replyTo) implements PileCommand {
    }

    record ApproveDetails(String changeId, io.chargeplane.control.Origin origin, Instant at,
                          ActorRef<io.chargeplane.control.Result<ChargerView>> replyTo) implements PileCommand {
    }

    record RejectDetails(String changeId, String comment, io.chargeplane.control.Origin origin, Instant at,
                         ActorRef<io.chargeplane.control.Result<ChargerView>> replyTo) implements PileCommand {
    }

    record GetRecord(ActorRef<io.chargeplane.control.Result<ChargerView>> replyTo) implements PileCommand {
    }

    /** Internal: the stations answered the (un)assignment. */
    record StationsAnswered(String stationId, boolean ok) implements PileCommand {
    }

    /** Internal: try to link the station again. */
    record RetryStationLink() implements PileCommand {
    }

    /**
     * Internal: the batch of command {@code commandId} took report {@code attempt} ({@code ok}) or did not answer in
     * time: a report sent to a node that has just died is lost, and its batch would hear only at its next refresh.
     */
    record BatchReported(String commandId, int attempt, boolean ok) implements PileCommand {
    }

    /** Internal: report command {@code commandId} to its batch again. */
    record ReportToBatch(String commandId, int attempt) implements PileCommand {
    }
}
