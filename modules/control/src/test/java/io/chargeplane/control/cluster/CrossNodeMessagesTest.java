package io.chargeplane.control.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chargeplane.control.CborSerializable;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;

/**
 * In a cluster, an entity's commands and the replies its callers wait for cross nodes: each must have a serializer
 * (the jackson-cbor binding of {@link CborSerializable}, or one of Pekko's own), or the message is dropped on the
 * way and the caller times out (an Authorize answered across nodes was, before this test). Walks every sharded
 * entity's commands, the types their {@code ActorRef}s carry, and what those carry in turn.
 */
class CrossNodeMessagesTest {
    private static final Set<Class<?>> PEKKO_SERIALIZABLE = Set.of(String.class, Integer.class, Long.class,
            Boolean.class, org.apache.pekko.Done.class, org.apache.pekko.NotUsed.class,
            org.apache.pekko.pattern.StatusReply.class);

    @Test
    void everyMessageThatMayCrossNodesHasASerializer() {
        List<Class<?>> roots = List.of(
                io.chargeplane.control.charger.PileCommand.class,
                io.chargeplane.control.device.DeviceEntity.Command.class,
                io.chargeplane.control.idtag.IdTagEntity.Command.class,
                io.chargeplane.control.station.StationEntity.Command.class,
                io.chargeplane.control.charger.ChargerNumberEntity.Command.class,
                io.chargeplane.control.charger.registration.RegistrationSaga.Command.class,
                io.chargeplane.control.account.AccountEntity.Command.class,
                io.chargeplane.control.batch.CommandBatch.Command.class,
                io.chargeplane.control.charger.SessionMessage.class);
        Set<String> missing = new TreeSet<>();
        Set<Class<?>> seen = new HashSet<>();
        Deque<Class<?>> todo = new ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            Class<?> c = todo.pop();
            if (!seen.add(c) || c.isPrimitive() || c.getName().startsWith("java.")) {
                continue;
            }
            for (Class<?> message : messagesOf(c)) {
                if (!serializable(message)) {
                    missing.add(message.getName());
                }
                if (message.isRecord()) {
                    for (RecordComponent rc : message.getRecordComponents()) {
                        Class<?> carried = carriedBy(rc.getGenericType());
                        if (carried != null) {
                            todo.push(carried);
                        }
                    }
                }
            }
        }
        assertEquals(Set.of(), missing, "messages without a serializer (implement CborSerializable)");
    }

    /**
     * The concrete messages of a type: a record itself; a sealed interface's permitted records; an open interface's
     * records declared inside it (others implementing it elsewhere are a socket's own messages to itself).
     */
    private static List<Class<?>> messagesOf(Class<?> c) {
        if (!c.isInterface()) {
            return List.of(c);
        }
        List<Class<?>> out = new java.util.ArrayList<>();
        Class<?>[] permitted = c.getPermittedSubclasses();
        for (Class<?> p : permitted != null ? permitted : c.getDeclaredClasses()) {
            if (!c.isAssignableFrom(p) || p.getSimpleName().isEmpty()) {
                continue;
            }
            if (java.lang.reflect.Modifier.isPrivate(p.getModifiers())) {
                continue; // an entity's timer or self message: never leaves its node
            }
            out.addAll(p.isInterface() ? messagesOf(p) : List.of(p));
        }
        return out;
    }

    private static boolean serializable(Class<?> c) {
        return CborSerializable.class.isAssignableFrom(c) || PEKKO_SERIALIZABLE.contains(c);
    }

    /** T of an {@code ActorRef<T>} component, else null. */
    private static Class<?> carriedBy(Type type) {
        if (type instanceof ParameterizedType p && p.getRawType() == ActorRef.class) {
            Type t = p.getActualTypeArguments()[0];
            if (t instanceof ParameterizedType inner) {
                Class<?> raw = (Class<?>) inner.getRawType();
                if (raw == io.chargeplane.control.Result.class && inner.getActualTypeArguments()[0] instanceof Class<?> v
                        && !serializable(v)) {
                    return v; // a Result's value crosses with it
                }
                return raw;
            }
            return t instanceof Class<?> c ? c : null;
        }
        return null;
    }
}
