package io.chargeplane.control.account;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {
    final PasswordHasher hasher = new PasswordHasher(1024, 2, 1);

    @Test
    void aHashVerifiesItsPasswordAndNoOther() {
        String hash = hasher.hash("correct horse battery");
        assertTrue(hash.startsWith("$argon2id$v=19$m=1024,t=2,p=1$"), hash);
        assertTrue(hasher.verify(hash, "correct horse battery"));
        assertFalse(hasher.verify(hash, "correct horse batterY"));
    }

    @Test
    void theSamePasswordGetsADifferentSaltEachTime() {
        assertNotEquals(hasher.hash("same password"), hasher.hash("same password"));
    }

    @Test
    void hashesMadeWithOtherParametersStillVerify() {
        String old = new PasswordHasher(512, 1, 1).hash("kept across upgrades");
        assertTrue(hasher.verify(old, "kept across upgrades"));
    }

    @Test
    void garbageNeverVerifies() {
        assertFalse(hasher.verify("$2a$10$abc", "x"));
        assertFalse(hasher.verify("$argon2id$v=19$m=x$a$b", "x"));
        assertFalse(hasher.verify(null, "x"));
    }
}
