package io.chargeplane.control.charger.registration;

import io.chargeplane.control.Origin;
import io.chargeplane.control.Result;
import io.chargeplane.control.charger.ChargerDetails;
import io.chargeplane.control.charger.ChargerNumberEntity;
import io.chargeplane.control.charger.ChargerView;
import io.chargeplane.control.charger.PileCommand;
import io.chargeplane.control.charger.PileEntity;
import io.chargeplane.control.device.DeviceEntity;
import io.chargeplane.control.review.SaveMode;
import io.chargeplane.control.station.StationEntity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * The steps of a charger's registration, each an ask of one entity: the charger number is claimed (unique in the
 * network), the device identity reserved, then the pile takes the change (the station, a read, is checked at the
 * edge before: {@link #stationInService});
 * what was claimed for a change the pile refused (or never answered) is given back. {@link RegistrationSaga} runs
 * them and, after a crash, {@link #recover} finishes what was begun.
 */
public class RegistrationSteps {
    private static final Duration ASK = Duration.ofSeconds(10);

    private final ActorSystem<?> system;
    private final Clock clock;
    private final Duration orphanGrace;

    public RegistrationSteps(ActorSystem<?> system, Clock clock, Duration orphanGrace) {
        this.system = system;
        this.clock = clock;
        this.orphanGrace = orphanGrace;
    }

    /** The registration {@code request} asks for, from its first step to the pile's answer. */
    public CompletionStage<Result<ChargerView>> run(RegistrationSaga.Began request) {
        EntityRef<PileCommand> pile = sharding().entityRefFor(PileEntity.ENTITY_KEY, request.pileId());
        ChargerDetails details = request.details();
        EntityRef<ChargerNumberEntity.Command> number =
                sharding().entityRefFor(ChargerNumberEntity.ENTITY_KEY, details.chargerNumber());
        String pileId = request.pileId();
        Instant now = request.at();
        if (request.create()) {
            return claimAndCreate(pile, pileId, details, request.mode(), request.origin(), number, now);
        }
        return pile.<Result<ChargerView>>ask(PileCommand.GetRecord::new, ASK)
                .thenCompose(before -> claimNumber(number, details.chargerNumber(), pileId, now)
                        .thenCompose(claim -> {
                            if (!claim.isOk()) {
                                return done(new Result<ChargerView>(null, claim.rejection()));
                            }
                            return reserveDevice(pileId, details.deviceIdentity()).thenCompose(reserved -> {
                                if (reserved != null) {
                                    giveBack(number, claim, pileId);
                                    return done(reserved);
                                }
                                return pile.<Result<ChargerView>>ask(r -> new PileCommand.SaveDetails(false,
                                        details, request.mode(), request.expectedVersion(), request.origin(), now,
                                        r), ASK).thenApply(saved -> {
                                    if (!saved.isOk()) {
                                        giveBack(number, claim, pileId);
                                        if (details.deviceIdentity() != null
                                                && !holds(before, details.deviceIdentity())) {
                                            releaseDevice(details.deviceIdentity(), pileId);
                                        }
                                    }
                                    return saved;
                                }).exceptionallyCompose(failed -> giveBackUnused(pileId, details)
                                        .thenCompose(given -> CompletableFuture.failedFuture(failed)));
                            });
                        }));
    }

    /**
     * A registration a crash interrupted: if the pile holds the change it asked for, it was saved; otherwise whatever
     * it claimed and the pile does not use is given back. Null when the change is not there (it is to be reported as
     * interrupted), else the pile's record.
     */
    public CompletionStage<Result<ChargerView>> recover(RegistrationSaga.Began request) {
        return sharding().entityRefFor(PileEntity.ENTITY_KEY, request.pileId())
                .<Result<ChargerView>>ask(PileCommand.GetRecord::new, ASK)
                .thenCompose(now -> {
                    if (now.isOk() && holdsChange(now.value(), request.details())) {
                        return done(now);
                    }
                    return giveBackUnused(request.pileId(), request.details()).thenApply(given -> null);
                });
    }

    private static boolean holdsChange(ChargerView v, ChargerDetails d) {
        return anyDetails(v, d::equals);
    }

    /**
     * A new charger: there is no record to read first, so the number and the device are claimed at once, and the pile is created (with its device) in one write only if both hold.
     * Whatever this request claimed and the pile does not hold is given back on any refusal or failure.
     */
    private CompletionStage<Result<ChargerView>> claimAndCreate(EntityRef<PileCommand> pile, String pileId,
                                                               ChargerDetails details, SaveMode mode, Origin origin,
                                                               EntityRef<ChargerNumberEntity.Command> number, Instant now) {
        CompletableFuture<Result<Boolean>> claim = claimNumber(number, details.chargerNumber(), pileId, now)
                .toCompletableFuture();
        CompletableFuture<Result<ChargerView>> device = reserveDevice(pileId, details.deviceIdentity()).toCompletableFuture();
        return CompletableFuture.allOf(claim, device).thenCompose(all -> {
            Result<ChargerView> refused = !claim.join().isOk() ? new Result<>(null, claim.join().rejection())
                    : device.join();
            if (refused != null) {
                return giveBackUnused(pileId, details).thenApply(given -> refused);
            }
            return pile.<Result<ChargerView>>ask(r -> new PileCommand.SaveDetails(true, details, mode, null, origin, now,
                            r), ASK)
                    .thenCompose(saved -> saved.isOk() ? done(saved)
                            : giveBackUnused(pileId, details).thenApply(given -> saved));
        }).exceptionallyCompose(failed -> giveBackUnused(pileId, details)
                .thenCompose(given -> CompletableFuture.failedFuture(failed)));
    }

    private CompletionStage<Result<Boolean>> claimNumber(EntityRef<ChargerNumberEntity.Command> number, String value,
                                                         String pileId, Instant now) {
        return number.<Result<Boolean>>ask(r -> new ChargerNumberEntity.Claim(pileId, now, r), ASK)
                .thenCompose(c -> c.isOk() || c.rejection().reason() != Result.Reason.CONFLICT ? done(c)
                        : repairNumber(number, value, pileId, c));
    }

    /**
     * Null when the station exists and is in service, else the rejection naming {@code stationId}. A read, asked at
     * the edge before a saga begins: a request refused for its station writes nothing.
     */
    public CompletionStage<Result<ChargerView>> stationInService(String stationId) {
        return sharding().entityRefFor(StationEntity.ENTITY_KEY, stationId)
                .<Result<StationEntity.StationView>>ask(StationEntity.Get::new, ASK)
                .thenApply(station -> {
                    if (!station.isOk()) {
                        return Result.rejected(Result.Reason.INVALID, "stationId", "no station " + stationId);
                    }
                    if (station.value().status() == StationEntity.Status.DECOMMISSIONED) {
                        return Result.rejected(Result.Reason.INVALID, "stationId", "station " + stationId
                                + " is decommissioned");
                    }
                    return null;
                });
    }

    /**
     * A binding, even one waiting for review, reserves the device identity for this pile (serialised by the Device
     * entity, so two chargers on two nodes cannot both get it). Null when reserved, else the rejection.
     */
    private CompletionStage<Result<ChargerView>> reserveDevice(String pileId, String identity) {
        if (identity == null) {
            return done(null);
        }
        EntityRef<DeviceEntity.Command> device = sharding().entityRefFor(DeviceEntity.ENTITY_KEY, identity);
        Instant now = clock.instant();
        return device.<Result<DeviceEntity.Binding>>ask(r -> new DeviceEntity.Claim(pileId, r), ASK)
                .thenCompose(claimed -> {
                    if (claimed.isOk()) {
                        return done((Result<ChargerView>) null);
                    }
                    Result<ChargerView> refused = new Result<>(null, claimed.rejection());
                    if (claimed.rejection().reason() != Result.Reason.CONFLICT) {
                        return done(refused);
                    }
                    // bound elsewhere; perhaps by a save of an older release that a crash interrupted: the holder
                    // keeps it only if it uses it
                    return device.<DeviceEntity.Binding>ask(DeviceEntity.Lookup::new, ASK).thenCompose(binding -> {
                        if (!binding.bound() || binding.boundAt() == null
                                || !binding.boundAt().isBefore(now.minus(orphanGrace))) {
                            return done(refused);
                        }
                        return sharding().entityRefFor(PileEntity.ENTITY_KEY, binding.pileId())
                                .<Result<ChargerView>>ask(PileCommand.GetRecord::new, ASK)
                                .thenCompose(owner -> holds(owner, identity) ? done(refused)
                                        : device.<Result<DeviceEntity.Binding>>ask(r -> new DeviceEntity.Transfer(
                                                binding.pileId(), pileId, now.minus(orphanGrace), now, r), ASK)
                                        .thenApply(t -> t.isOk() ? null : new Result<ChargerView>(null, t.rejection())));
                    });
                });
    }

    /**
     * A number held for longer than the grace by a pile that does not use it (not live, draft nor pending there) goes
     * to this claimant; otherwise the original conflict stands. Registrations are persisted and finish after a crash
     * ({@link RegistrationSaga}); this repairs what an older release, or a lost journal, left behind.
     */
    private CompletionStage<Result<Boolean>> repairNumber(EntityRef<ChargerNumberEntity.Command> number, String value,
                                                          String pileId, Result<Boolean> refused) {
        Instant now = clock.instant();
        return number.<ChargerNumberEntity.State>ask(ChargerNumberEntity.Get::new, ASK).thenCompose(held -> {
            if (held.pileId() == null || held.since() == null || !held.since().isBefore(now.minus(orphanGrace))) {
                return done(refused);
            }
            return sharding().entityRefFor(PileEntity.ENTITY_KEY, held.pileId())
                    .<Result<ChargerView>>ask(PileCommand.GetRecord::new, ASK)
                    .thenCompose(owner -> usesNumber(owner, value) ? done(refused)
                            : number.<Result<Boolean>>ask(r -> new ChargerNumberEntity.Transfer(held.pileId(), pileId,
                                    now.minus(orphanGrace), now, r), ASK));
        });
    }

    private static boolean usesNumber(Result<ChargerView> owner, String number) {
        return owner.isOk() && (number.equals(owner.value().chargerNumber())
                || anyDetails(owner.value(), d -> number.equals(d.chargerNumber())));
    }

    private static boolean holds(Result<ChargerView> owner, String identity) {
        return owner.isOk() && (identity.equals(owner.value().identity())
                || anyDetails(owner.value(), d -> identity.equals(d.deviceIdentity())));
    }

    /** Whether the live details, the draft or the change waiting for review match. */
    private static boolean anyDetails(ChargerView v, java.util.function.Predicate<ChargerDetails> match) {
        return (v.live() != null && match.test(v.live())) || (v.draft() != null && match.test(v.draft()))
                || (v.pending() != null && match.test(v.pending().proposed()));
    }

    /**
     * Compensation of a save that was refused, failed or interrupted: the pile is asked what it holds now, and the
     * number and device the save asked for are given back unless it uses them (a release by a pile that does not
     * hold them changes nothing).
     */
    private CompletionStage<Void> giveBackUnused(String pileId, ChargerDetails details) {
        return sharding().entityRefFor(PileEntity.ENTITY_KEY, pileId)
                .<Result<ChargerView>>ask(PileCommand.GetRecord::new, ASK).handle((now, unreachable) -> {
                    if (unreachable != null) {
                        return null; // the orphan repair (orphanGrace) gives them back later
                    }
                    if (!usesNumber(now, details.chargerNumber())) {
                        sharding().entityRefFor(ChargerNumberEntity.ENTITY_KEY, details.chargerNumber())
                                .tell(new ChargerNumberEntity.Release(pileId, clock.instant()));
                    }
                    if (details.deviceIdentity() != null && !holds(now, details.deviceIdentity())) {
                        releaseDevice(details.deviceIdentity(), pileId);
                    }
                    return null;
                });
    }

    private void releaseDevice(String identity, String pileId) {
        sharding().entityRefFor(DeviceEntity.ENTITY_KEY, identity)
                .tell(new DeviceEntity.Release(pileId, system.ignoreRef()));
    }

    /** Compensation: a number claimed for a change that did not happen is given back. */
    private void giveBack(EntityRef<ChargerNumberEntity.Command> number, Result<Boolean> claim, String pileId) {
        if (claim.isOk() && claim.value()) {
            number.tell(new ChargerNumberEntity.Release(pileId, clock.instant()));
        }
    }

    private ClusterSharding sharding() {
        return ClusterSharding.get(system);
    }

    private static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
