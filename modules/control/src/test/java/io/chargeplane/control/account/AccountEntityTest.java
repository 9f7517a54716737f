package io.chargeplane.control.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.chargeplane.control.Result;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AccountEntityTest {
    static final ActorTestKit KIT = ActorTestKit.create(EventSourcedBehaviorTestKit.config()
            .withFallback(ConfigFactory.parseString("pekko.actor.provider = local")).withFallback(ConfigFactory.load()));
    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    static final io.chargeplane.control.Origin ADMIN = new io.chargeplane.control.Origin("admin", "10.0.0.1");

    EventSourcedBehaviorTestKit<AccountEntity.Command, AccountEntity.Event, AccountEntity.State> account;

    @BeforeEach
    void fresh() {
        account = EventSourcedBehaviorTestKit.create(KIT.system(),
                AccountEntity.create("olga", new AccountEntity.Lockout(3, Duration.ofMinutes(15))));
        account.<Result<AccountEntity.AccountView>>runCommand(r -> new AccountEntity.Create(Role.OPERATOR, "HASH", ADMIN, T0, r));
    }

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    @Test
    void aSecondCreateIsAConflictNamingTheUsername() {
        var result = account.<Result<AccountEntity.AccountView>>runCommand(
                r -> new AccountEntity.Create(Role.ADMIN, "OTHER", ADMIN, T0, r));
        assertFalse(result.reply().isOk());
        assertEquals(io.chargeplane.control.Result.Reason.CONFLICT, result.reply().rejection().reason());
        assertEquals("username", result.reply().rejection().field());
        assertTrue(result.events().isEmpty());
    }

    @Test
    void failuresInARowLockTheAccountUntilTheLockRunsOut() {
        account.<Result<AccountEntity.AccountView>>runCommand(r -> new AccountEntity.LoginFailed(T0, r));
        account.<Result<AccountEntity.AccountView>>runCommand(r -> new AccountEntity.LoginFailed(T0.plusSeconds(1), r));
        var third = account.<Result<AccountEntity.AccountView>>runCommand(r -> new AccountEntity.LoginFailed(T0.plusSeconds(2), r));
        assertEquals(T0.plusSeconds(2).plus(Duration.ofMinutes(15)), third.reply().value().lockedUntil());
        var during = account.<AccountEntity.Credentials>runCommand(r -> new AccountEntity.GetCredentials(T0.plusSeconds(60), r));
        assertEquals(third.reply().value().lockedUntil(), during.reply().lockedUntil());
        var after = account.<AccountEntity.Credentials>runCommand(r -> new AccountEntity.GetCredentials(T0.plus(Duration.ofMinutes(20)), r));
        assertNull(after.reply().lockedUntil());
        var whileLocked = account.<Result<AccountEntity.AccountView>>runCommand(r -> new AccountEntity.LoginFailed(T0.plusSeconds(70), r));
        assertTrue(whileLocked.events().isEmpty(), "failures while locked write nothing");
    }

    @Test
    void aSuccessfulLoginClearsTheCounterAndWritesNothingWhenThereIsNothingToClear() {
        var clean = account.runCommand(new AccountEntity.LoginSucceeded(T0));
        assertTrue(clean.events().isEmpty());
        account.<Result<AccountEntity.AccountView>>runCommand(r -> new AccountEntity.LoginFailed(T0, r));
        var cleared = account.runCommand(new AccountEntity.LoginSucceeded(T0.plusSeconds(1)));
        assertEquals(1, cleared.events().size());
        assertEquals(0, cleared.state().failures());
    }

    @Test
    void theStateSurvivesARestart() {
        account.<Result<AccountEntity.AccountView>>runCommand(r -> new AccountEntity.ChangeRole(Role.VIEWER, ADMIN, T0, r));
        account.restart();
        var view = account.<Result<AccountEntity.AccountView>>runCommand(AccountEntity.Get::new);
        assertEquals(Role.VIEWER, view.reply().value().role());
    }
}
