package io.chargeplane.control.account;

import io.chargeplane.control.CborSerializable;
import io.chargeplane.control.Origin;
import io.chargeplane.control.Result;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilderByState;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * An operator account, keyed by its (lower-case) user name: role, Argon2id password hash, and the failed-login
 * counter that locks it for a while. Passwords are hashed and checked by the caller, off the actor threads; the
 * entity only keeps the hash and decides what a login outcome means.
 */
public final class AccountEntity
        extends EventSourcedBehaviorWithEnforcedReplies<AccountEntity.Command, AccountEntity.Event, AccountEntity.State> {
    public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Account");

    public sealed interface Command extends CborSerializable {
    }

    public record Create(Role role, String passwordHash, Origin origin, Instant at, ActorRef<Result<AccountView>> replyTo)
            implements Command {
    }

    public record Get(ActorRef<Result<AccountView>> replyTo) implements Command {
    }

    /** For login: the hash and whether the account may log in now. */
    public record GetCredentials(Instant at, ActorRef<Credentials> replyTo) implements Command {
    }

    public record LoginFailed(Instant at, ActorRef<Result<AccountView>> replyTo) implements Command {
    }

    public record LoginSucceeded(Instant at) implements Command {
    }

    public record ChangePassword(String passwordHash, Origin origin, Instant at, ActorRef<Result<AccountView>> replyTo)
            implements Command {
    }

    public record ChangeRole(Role role, Origin origin, Instant at, ActorRef<Result<AccountView>> replyTo) implements Command {
    }

    public record Unlock(Origin origin, Instant at, ActorRef<Result<AccountView>> replyTo) implements Command {
    }

    /** An administrator disables an account (it cannot log in until enabled again) or enables it. */
    public record SetDisabled(boolean disabled, Origin origin, Instant at, ActorRef<Result<AccountView>> replyTo)
            implements Command {
    }

    public sealed interface Event extends CborSerializable {
    }

    public record AccountCreated(Role role, String passwordHash, Origin origin, Instant at) implements Event {
    }

    public record PasswordChanged(String passwordHash, Origin origin, Instant at) implements Event {
    }

    public record RoleChanged(Role role, Origin origin, Instant at) implements Event {
    }

    public record LoginFailureRecorded(Instant at) implements Event {
    }

    public record AccountLocked(Instant until) implements Event {
    }

    public record AccountDisabled(Origin origin, Instant at) implements Event {
    }

    public record AccountEnabled(Origin origin, Instant at) implements Event {
    }

    /** After a successful login, or by an administrator: the failure counter starts again. */
    public record FailuresCleared(Origin origin, Instant at) implements Event {
    }

    public record State(Role role, String passwordHash, int failures, Instant lockedUntil, Instant createdAt,
                        boolean disabled) implements CborSerializable {
        boolean exists() {
            return role != null;
        }

        boolean lockedAt(Instant now) {
            return lockedUntil != null && now.isBefore(lockedUntil);
        }
    }

    /** What the REST API shows of an account (never the hash). */
    public record AccountView(String username, Role role, Instant lockedUntil, Instant createdAt, boolean disabled)
            implements CborSerializable {
    }

    public record Credentials(String username, Role role, String passwordHash, Instant lockedUntil, boolean disabled)
            implements CborSerializable {
        public boolean exists() {
            return role != null;
        }
    }

    /** Failed logins in a row that lock an account, and for how long. */
    public record Lockout(int maxFailures, Duration duration) {
    }

    public static void init(ActorSystem<?> system, Lockout lockout) {
        ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), lockout)));
    }

    public static Behavior<Command> create(String username, Lockout lockout) {
        return new AccountEntity(username, lockout);
    }

    /** Account keys are case-insensitive. */
    public static String key(String username) {
        return username.toLowerCase(java.util.Locale.ROOT);
    }

    private final String username;
    private final Lockout lockout;

    private AccountEntity(String username, Lockout lockout) {
        super(PersistenceId.of(ENTITY_KEY.name(), username));
        this.username = username;
        this.lockout = lockout;
    }

    @Override
    public org.apache.pekko.persistence.typed.javadsl.Recovery recovery() {
        return io.chargeplane.control.NoSnapshots.recovery();
    }

    @Override
    public State emptyState() {
        return new State(null, null, 0, null, null, false);
    }

    @Override
    public EventHandler<State, Event> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
                .onEvent(AccountCreated.class, (s, e) -> new State(e.role(), e.passwordHash(), 0, null, e.at(), false))
                .onEvent(PasswordChanged.class, (s, e) -> new State(s.role(), e.passwordHash(), 0, null, s.createdAt(), s.disabled()))
                .onEvent(RoleChanged.class, (s, e) -> new State(e.role(), s.passwordHash(), s.failures(), s.lockedUntil(), s.createdAt(), s.disabled()))
                .onEvent(LoginFailureRecorded.class, (s, e) -> new State(s.role(), s.passwordHash(), s.failures() + 1, s.lockedUntil(), s.createdAt(), s.disabled()))
                .onEvent(AccountLocked.class, (s, e) -> new State(s.role(), s.passwordHash(), 0, e.until(), s.createdAt(), s.disabled()))
                .onEvent(FailuresCleared.class, (s, e) -> new State(s.role(), s.passwordHash(), 0, null, s.createdAt(), s.disabled()))
                .onEvent(AccountDisabled.class, (s, e) -> new State(s.role(), s.passwordHash(), s.failures(), s.lockedUntil(), s.createdAt(), true))
                .onEvent(AccountEnabled.class, (s, e) -> new State(s.role(), s.passwordHash(), s.failures(), s.lockedUntil(), s.createdAt(), false))
                .build();
    }

    /** Operator writes on accounts feed the audit log (never the password hash). */
    @Override
    public java.util.Set<String> tagsFor(Event event) {
        return event instanceof AccountCreated || event instanceof PasswordChanged || event instanceof RoleChanged
                || event instanceof AccountLocked || event instanceof AccountDisabled || event instanceof AccountEnabled
                || (event instanceof FailuresCleared f && !"login".equals(f.origin().address()))
                ? java.util.Set.of("account") : java.util.Set.of();
    }

    @Override
    public CommandHandlerWithReply<Command, Event, State> commandHandler() {
        CommandHandlerWithReplyBuilderByState<Command, Event, State, State> absent =
                newCommandHandlerWithReplyBuilder().forState(s -> !s.exists());
        absent.onCommand(Create.class, (s, c) -> Effect().persist(new AccountCreated(c.role(), c.passwordHash(), c.origin(), c.at()))
                        .thenReply(c.replyTo(), ns -> Result.ok(view(ns))))
                .onCommand(GetCredentials.class, (s, c) -> Effect().reply(c.replyTo(), new Credentials(username, null, null, null, false)))
                .onCommand(LoginSucceeded.class, (s, c) -> Effect().noReply())
                .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), notFound()))
                .onCommand(LoginFailed.class, (s, c) -> Effect().reply(c.replyTo(), notFound()))
                .onCommand(ChangePassword.class, (s, c) -> Effect().reply(c.replyTo(), notFound()))
                .onCommand(ChangeRole.class, (s, c) -> Effect().reply(c.replyTo(), notFound()))
                .onCommand(Unlock.class, (s, c) -> Effect().reply(c.replyTo(), notFound()))
                .onCommand(SetDisabled.class, (s, c) -> Effect().reply(c.replyTo(), notFound()));
        CommandHandlerWithReplyBuilderByState<Command, Event, State, State> present =
                newCommandHandlerWithReplyBuilder().forState(State::exists);
        present.onCommand(Create.class, (s, c) -> Effect().reply(c.replyTo(),
                        Result.rejected(Result.Reason.CONFLICT, "username", "account " + username + " already exists")))
                .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), Result.ok(view(s))))
                .onCommand(GetCredentials.class, (s, c) -> Effect().reply(c.replyTo(),
                        new Credentials(username, s.role(), s.passwordHash(), s.lockedAt(c.at()) ? s.lockedUntil() : null,
                                s.disabled())))
                .onCommand(LoginFailed.class, this::onLoginFailed)
                .onCommand(LoginSucceeded.class, (s, c) -> s.failures() == 0 && s.lockedUntil() == null
                        ? Effect().noReply()
                        : Effect().persist(new FailuresCleared(new Origin(username, "login"), c.at())).thenNoReply())
                .onCommand(ChangePassword.class, (s, c) -> Effect().persist(new PasswordChanged(c.passwordHash(), c.origin(), c.at()))
                        .thenReply(c.replyTo(), ns -> Result.ok(view(ns))))
                .onCommand(ChangeRole.class, (s, c) -> s.role() == c.role()
                        ? Effect().reply(c.replyTo(), Result.ok(view(s)))
                        : Effect().persist(new RoleChanged(c.role(), c.origin(), c.at())).thenReply(c.replyTo(), ns -> Result.ok(view(ns))))
                .onCommand(Unlock.class, (s, c) -> Effect().persist(new FailuresCleared(c.origin(), c.at()))
                        .thenReply(c.replyTo(), ns -> Result.ok(view(ns))))
                .onCommand(SetDisabled.class, (s, c) -> s.disabled() == c.disabled()
                        ? Effect().reply(c.replyTo(), Result.ok(view(s)))
                        : Effect().persist(c.disabled() ? new AccountDisabled(c.origin(), c.at()) : new AccountEnabled(c.origin(), c.at()))
                                .thenReply(c.replyTo(), ns -> Result.ok(view(ns))));
        return absent.orElse(present).build();
    }

    private ReplyEffect<Event, State> onLoginFailed(State s, LoginFailed c) {
        if (s.lockedAt(c.at())) {
            return Effect().reply(c.replyTo(), Result.ok(view(s))); // already locked: nothing more to remember
        }
        if (s.failures() + 1 >= lockout.maxFailures()) {
            return Effect().persist(java.util.List.of(new LoginFailureRecorded(c.at()),
                            new AccountLocked(c.at().plus(lockout.duration()))))
                    .thenReply(c.replyTo(), ns -> Result.ok(view(ns)));
        }
        return Effect().persist(new LoginFailureRecorded(c.at())).thenReply(c.replyTo(), ns -> Result.ok(view(ns)));
    }

    private AccountView view(State s) {
        return new AccountView(username, s.role(), s.lockedUntil(), s.createdAt(), s.disabled());
    }

    private Result<AccountView> notFound() {
        return Result.rejected(Result.Reason.NOT_FOUND, "username", "no account " + username);
    }
}
