package io.chargeplane.control.account;

import io.chargeplane.control.CborSerializable;
import io.chargeplane.control.Origin;
import io.chargeplane.control.Result;
import io.chargeplane.control.db.Lookups;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator accounts as the edges use them: login (Argon2id check off the actor threads, lockout after repeated
 * failures), bearer tokens, logout, password and role changes (which revoke the account's tokens), and the first
 * administrator at start-up.
 */
public final class Accounts {
    private static final Logger LOG = LoggerFactory.getLogger(Accounts.class);
    private static final Pattern USERNAME = Pattern.compile("[a-z0-9._@\\-]{3,64}");
    private static final Duration ASK = Duration.ofSeconds(10);
    private static final int MAX_PASSWORD = 256;

    private final ClusterSharding sharding;
    private final TokenStore tokens;
    private final PasswordHasher hasher;
    private final Executor blocking;
    private final Clock clock;
    private final AuthSettings settings;
    /** Checked against when the account does not exist, so that a miss takes as long as a wrong password. */
    private final String decoyHash;
    private final Lookups<String, TokenStore.Principal> lookups;

    public Accounts(ActorSystem<?> system, TokenStore tokens, PasswordHasher hasher, Executor blocking, Clock clock,
                    AuthSettings settings) {
        this.sharding = ClusterSharding.get(system);
        this.tokens = tokens;
        this.hasher = hasher;
        this.blocking = blocking;
        this.clock = clock;
        this.settings = settings;
        this.decoyHash = hasher.hash("decoy-" + System.nanoTime());
        this.lookups = new Lookups<>("token lookups", blocking, 256, 2,
                batch -> tokens.resolveAll(batch, clock.instant()), token -> null);
        AccountEntity.init(system, new AccountEntity.Lockout(settings.maxFailedLogins(), settings.lockDuration()));
    }

    public record LoggedIn(String token, Instant expiresAt, String username, Role role) implements CborSerializable {
    }

    public AuthSettings settings() {
        return settings;
    }

    public CompletionStage<Result<LoggedIn>> login(String username, String password) {
        Instant now = clock.instant();
        String key = AccountEntity.key(username);
        return account(key).<AccountEntity.Credentials>ask(r -> new AccountEntity.GetCredentials(now, r), ASK)
                .thenComposeAsync(cred -> {
                    boolean match = hasher.verify(cred.exists() ? cred.passwordHash() : decoyHash, password);
                    if (!cred.exists()) {
                        return done(Result.rejected(Result.Reason.UNAUTHENTICATED, null, "unknown user name or wrong password"));
                    }
                    if (cred.disabled()) {
                        return done(Result.rejected(Result.Reason.FORBIDDEN, null, "account " + key + " is disabled"));
                    }
                    if (cred.lockedUntil() != null) {
                        return done(Result.rejected(Result.Reason.LOCKED, null, "account locked after repeated failed logins until "
                                + cred.lockedUntil()));
                    }
                    if (!match) {
                        // a lockout ends the account's sessions too: whoever guesses at its password may hold one
                        return account(key).<Result<AccountEntity.AccountView>>ask(
                                        r -> new AccountEntity.LoginFailed(now, r), ASK)
                                .thenApplyAsync(v -> {
                                    if (v.value() == null || v.value().lockedUntil() == null) {
                                        return Result.<LoggedIn>rejected(Result.Reason.UNAUTHENTICATED, null, "unknown user name or wrong password");
                                    }
                                    revokingAll(key, v);
                                    return Result.<LoggedIn>rejected(Result.Reason.LOCKED, null, "account locked after repeated failed "
                                            + "logins until " + v.value().lockedUntil());
                                }, blocking);
                    }
                    account(key).tell(new AccountEntity.LoginSucceeded(now));
                    TokenStore.Issued t = sql(() -> tokens.issue(key, cred.role(), now, settings.tokenTtl()));
                    return done(Result.ok(new LoggedIn(t.token(), t.expiresAt(), key, cred.role())));
                }, blocking);
    }

    /**
     * The principal of a bearer token, if it is known, not expired and not revoked. Every request asks the table
     * (a logout or role change holds on every node at once); the lookups of requests arriving together share one
     * query.
     */
    public CompletionStage<Optional<TokenStore.Principal>> authenticate(String token) {
        return lookups.get(token).thenApply(Optional::ofNullable);
    }

    public CompletionStage<Void> logout(String token) {
        return CompletableFuture.runAsync(() -> sql(() -> {
            tokens.revoke(token, clock.instant());
            return null;
        }), blocking);
    }

    public CompletionStage<Result<AccountEntity.AccountView>> create(String username, String roleText, String password,
                                                                   Origin by) {
        if (username == null || !USERNAME.matcher(username).matches()) {
            return done(Result.rejected(Result.Reason.INVALID, "username", "username must be 3-64 characters of [a-z0-9._@-]"));
        }
        Role role;
        try {
            role = Role.parse(roleText == null ? "" : roleText);
        } catch (IllegalArgumentException e) {
            return done(Result.rejected(Result.Reason.INVALID, "role", e.getMessage()));
        }
        Result<AccountEntity.AccountView> weak = checkPassword("password", password);
        if (weak != null) {
            return done(weak);
        }
        return CompletableFuture.supplyAsync(() -> hasher.hash(password), blocking)
                .thenCompose(hash -> account(username).ask(r -> new AccountEntity.Create(role, hash, by, clock.instant(), r), ASK));
    }

    public CompletionStage<Result<AccountEntity.AccountView>> get(String username) {
        return account(AccountEntity.key(username)).ask(AccountEntity.Get::new, ASK);
    }

    /** The user changes their own password: the current one is checked, every token of the account is revoked. */
    public CompletionStage<Result<LoggedIn>> changeOwnPassword(String username, String current, String next, Origin by) {
        if (current == null) {
            return done(Result.rejected(Result.Reason.INVALID, "currentPassword", "currentPassword is required"));
        }
        Result<LoggedIn> weak = checkPassword("newPassword", next);
        if (weak != null) {
            return done(weak);
        }
        Instant now = clock.instant();
        return account(username).<AccountEntity.Credentials>ask(r -> new AccountEntity.GetCredentials(now, r), ASK)
                .thenComposeAsync(cred -> {
                    if (!cred.exists() || !hasher.verify(cred.passwordHash(), current)) {
                        return done(Result.<LoggedIn>rejected(Result.Reason.INVALID, "currentPassword", "currentPassword is wrong"));
                    }
                    String hash = hasher.hash(next);
                    return account(username).<Result<AccountEntity.AccountView>>ask(
                                    r -> new AccountEntity.ChangePassword(hash, by, now, r), ASK)
                            .thenApplyAsync(v -> {
                                if (!v.isOk()) {
                                    return new Result<LoggedIn>(null, v.rejection());
                                }
                                TokenStore.Issued t = sql(() -> {
                                    tokens.revokeAll(username, now);
                                    return tokens.issue(username, cred.role(), now, settings.tokenTtl());
                                });
                                return Result.ok(new LoggedIn(t.token(), t.expiresAt(), username, cred.role()));
                            }, blocking);
                }, blocking);
    }

    /** An administrator sets a new password (the user's tokens are revoked). */
    public CompletionStage<Result<AccountEntity.AccountView>> setPassword(String username, String next, Origin by) {
        Result<AccountEntity.AccountView> weak = checkPassword("password", next);
        if (weak != null) {
            return done(weak);
        }
        return CompletableFuture.supplyAsync(() -> hasher.hash(next), blocking)
                .thenCompose(hash -> account(username).<Result<AccountEntity.AccountView>>ask(
                        r -> new AccountEntity.ChangePassword(hash, by, clock.instant(), r), ASK))
                .thenApplyAsync(v -> revokingAll(username, v), blocking);
    }

    public CompletionStage<Result<AccountEntity.AccountView>> changeRole(String username, String roleText, Origin by) {
        Role role;
        try {
            role = Role.parse(roleText == null ? "" : roleText);
        } catch (IllegalArgumentException e) {
            return done(Result.rejected(Result.Reason.INVALID, "role", e.getMessage()));
        }
        return account(username).<Result<AccountEntity.AccountView>>ask(
                        r -> new AccountEntity.ChangeRole(role, by, clock.instant(), r), ASK)
                .thenApplyAsync(v -> revokingAll(username, v), blocking);
    }

    /** An administrator disables an account: it cannot log in, and every token it holds is revoked at once. */
    public CompletionStage<Result<AccountEntity.AccountView>> setDisabled(String username, boolean disabled, Origin by) {
        return account(AccountEntity.key(username)).<Result<AccountEntity.AccountView>>ask(
                        r -> new AccountEntity.SetDisabled(disabled, by, clock.instant(), r), ASK)
                .thenApplyAsync(v -> disabled ? revokingAll(AccountEntity.key(username), v) : v, blocking);
    }

    public CompletionStage<Result<AccountEntity.AccountView>> unlock(String username, Origin by) {
        return account(username).ask(r -> new AccountEntity.Unlock(by, clock.instant(), r), ASK);
    }

    /**
     * The first administrator: from {@code chargeplane.auth.admin} (environment CHARGEPLANE_ADMIN_PASSWORD) if set;
     * otherwise, when that account does not exist yet, with a random password written once to the initial
     * password file (owner-only permissions). Never a default password.
     */
    public CompletionStage<Void> bootstrapAdmin() {
        String username = AccountEntity.key(settings.adminUsername());
        return account(username).<AccountEntity.Credentials>ask(r -> new AccountEntity.GetCredentials(clock.instant(), r), ASK)
                .thenCompose(cred -> {
                    if (cred.exists()) {
                        return CompletableFuture.completedFuture(null);
                    }
                    boolean generated = settings.adminPassword().isBlank();
                    String password = generated ? randomPassword() : settings.adminPassword();
                    return create(username, Role.ADMIN.name(), password, Origin.system("bootstrap")).thenAccept(r -> {
                        if (!r.isOk()) {
                            if (r.rejection().reason() != Result.Reason.CONFLICT) {
                                LOG.error("the first administrator {} could not be created: {}", username, r.rejection().detail());
                            }
                            return;
                        }
                        if (generated) {
                            writeInitialPassword(username, password);
                        } else {
                            LOG.info("created administrator account {} from the configuration", username);
                        }
                    });
                });
    }

    private void writeInitialPassword(String username, String password) {
        Path file = Path.of(settings.initialPasswordFile());
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, password + System.lineSeparator());
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
            LOG.warn("created administrator account {} with a random password, written to {}: log in, change it, "
                    + "and delete the file", username, file.toAbsolutePath());
        } catch (java.io.IOException e) {
            LOG.error("could not write the initial administrator password to {}", file.toAbsolutePath(), e);
        }
    }

    private static String randomPassword() {
        byte[] raw = new byte[18];
        new SecureRandom().nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    private Result<AccountEntity.AccountView> revokingAll(String username, Result<AccountEntity.AccountView> v) {
        if (v.isOk()) {
            sql(() -> {
                tokens.revokeAll(username, clock.instant());
                return null;
            });
        }
        return v;
    }

    private <T> Result<T> checkPassword(String field, String password) {
        if (password == null) {
            return Result.rejected(Result.Reason.INVALID, field, field + " is required");
        }
        if (password.length() < settings.minPasswordLength() || password.length() > MAX_PASSWORD) {
            return Result.rejected(Result.Reason.INVALID, field, field + " must have " + settings.minPasswordLength() + "-" + MAX_PASSWORD
                    + " characters");
        }
        return null;
    }

    private EntityRef<AccountEntity.Command> account(String key) {
        return sharding.entityRefFor(AccountEntity.ENTITY_KEY, key);
    }

    private static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }

    private interface SqlWork<T> {
        T run() throws SQLException;
    }

    private static <T> T sql(SqlWork<T> work) {
        try {
            return work.run();
        } catch (SQLException e) {
            throw new CompletionException(e);
        }
    }
}
