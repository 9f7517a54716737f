package io.chargeplane.gateway.ocpp;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.dispatch.Dispatcher;
import org.apache.pekko.dispatch.DispatcherPrerequisites;
import org.apache.pekko.dispatch.Dispatchers;
import org.apache.pekko.dispatch.ExecutorServiceFactory;
import org.apache.pekko.dispatch.ExecutorServiceFactoryProvider;
import org.apache.pekko.dispatch.MessageDispatcher;
import org.apache.pekko.dispatch.MessageDispatcherConfigurator;
import scala.concurrent.duration.FiniteDuration;

/**
 * One Pekko dispatcher per I/O thread of the OCPP server, so that a charger's {@link ChargerSession} runs on the
 * thread that reads and writes its socket. A frame the socket read then reaches its session without waking
 * another thread, and the session's answer is written at once instead of being queued for the I/O thread: two of
 * the four thread hand-offs of a call (event loop, session, pile, session, event loop) are gone
 * (docs/benchmarks.md, twelfth round). The session stays an actor: the pile, on this node or another, answers it
 * through its {@code ActorRef} as before, and that message wakes the socket's thread instead of a dispatcher's.
 *
 * <p>Once the I/O threads are shut down (the server unbinding), whatever a session still has to process runs on
 * the actor system's default dispatcher, so that sessions stop cleanly and tell their piles.
 */
final class IoThreadDispatchers {
    private static final AtomicLong INSTANCES = new AtomicLong();
    /** Messages a session handles in a row before the thread turns to its sockets again. */
    private static final int THROUGHPUT = 5;

    private final Map<EventExecutor, Props> props = new IdentityHashMap<>();

    IoThreadDispatchers(ActorSystem<?> system, EventLoopGroup group) {
        Dispatchers dispatchers = Adapter.toClassic(system).dispatchers();
        Config defaults = system.settings().config().getConfig("pekko.actor.default-dispatcher");
        Executor fallback = system.executionContext();
        String prefix = "chargeplane-ocpp-io-" + INSTANCES.incrementAndGet() + "-"; // ids are never unregistered
        int n = 0;
        for (EventExecutor loop : group) {
            String id = prefix + n++;
            Config config = ConfigFactory.parseMap(Map.of("id", id)).withFallback(defaults);
            dispatchers.registerConfigurator(id, new OnThread(config, dispatchers.prerequisites(),
                    new LoopExecutor(loop, fallback)));
            props.put(loop, DispatcherSelector.fromConfig(id));
        }
    }

    /** Spawn props that run an actor on the channel's I/O thread (the default dispatcher for a foreign loop). */
    Props forChannel(Channel channel) {
        return props.getOrDefault(channel.eventLoop(), Props.empty());
    }

    /** A dispatcher whose one executor is an I/O thread. */
    private static final class OnThread extends MessageDispatcherConfigurator {
        private final Dispatcher dispatcher;

        OnThread(Config config, DispatcherPrerequisites prerequisites, LoopExecutor executor) {
            super(config, prerequisites);
            ExecutorServiceFactoryProvider provider = new ExecutorServiceFactoryProvider() {
                @Override
                public ExecutorServiceFactory createExecutorServiceFactory(String id, ThreadFactory threadFactory) {
                    return () -> executor;
                }

                @Override
                public boolean isVirtualized() {
                    return false;
                }
            };
            this.dispatcher = new Dispatcher(this, config.getString("id"), THROUGHPUT,
                    scala.concurrent.duration.Duration.Zero(), provider, FiniteDuration.apply(1, TimeUnit.SECONDS));
        }

        @Override
        public MessageDispatcher dispatcher() {
            return dispatcher;
        }
    }

    /**
     * Runs tasks on one I/O thread, or on the fallback once that thread is shutting down. Shutting it down is the
     * server's business: Pekko shuts a dispatcher's executor down whenever its last actor stops, which here must
     * not stop the I/O thread.
     */
    static final class LoopExecutor extends AbstractExecutorService {
        private final EventExecutor loop;
        private final Executor fallback;

        LoopExecutor(EventExecutor loop, Executor fallback) {
            this.loop = loop;
            this.fallback = fallback;
        }

        @Override
        public void execute(Runnable task) {
            if (!loop.isShuttingDown()) {
                try {
                    loop.execute(task);
                    return;
                } catch (RejectedExecutionException e) {
                    // shut down between the check and the call
                }
            }
            fallback.execute(task);
        }

        @Override
        public void shutdown() {
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }
}
