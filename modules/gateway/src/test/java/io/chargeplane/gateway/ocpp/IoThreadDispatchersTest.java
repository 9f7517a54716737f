package io.chargeplane.gateway.ocpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IoThreadDispatchersTest {

    /** Asks an actor on which thread it handles a message; {@code stop} stops it after answering. */
    record WhichThread(CompletableFuture<Thread> answer, boolean stop) {
    }

    private static final Behavior<WhichThread> TELLS_ITS_THREAD = Behaviors.receiveMessage(m -> {
        m.answer().complete(Thread.currentThread());
        return m.stop() ? Behaviors.stopped() : Behaviors.same();
    });

    private ActorSystem<Void> system;
    private EventLoopGroup group;

    @BeforeEach
    void start() {
        system = ActorSystem.create(Behaviors.empty(), "io-thread-dispatchers");
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    }

    @AfterEach
    void stop() throws Exception {
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void anActorSpawnedForAChannelHandlesItsMessagesOnThatChannelsIoThread() throws Exception {
        IoThreadDispatchers dispatchers = new IoThreadDispatchers(system, group);
        for (int i = 0; i < 4; i++) { // both loops, each more than once
            Channel channel = registered();
            ActorRef<WhichThread> actor = system.systemActorOf(TELLS_ITS_THREAD, "on-loop-" + i,
                    dispatchers.forChannel(channel));
            assertTrue(channel.eventLoop().inEventLoop(ask(actor, false)), "message " + i + " ran off the channel's thread");
            assertTrue(channel.eventLoop().inEventLoop(ask(actor, false)));
            channel.close().sync();
        }
    }

    @Test
    void theIoThreadsKeepServingSessionsAfterEverySessionOfAThreadHasStopped() throws Exception {
        IoThreadDispatchers dispatchers = new IoThreadDispatchers(system, group);
        Channel channel = registered();
        ActorRef<WhichThread> first = system.systemActorOf(TELLS_ITS_THREAD, "first", dispatchers.forChannel(channel));
        ask(first, true);
        Thread.sleep(1_500); // past the dispatcher's shutdown-timeout (1 s), when Pekko shuts its executor down
        assertFalse(channel.eventLoop().isShuttingDown());
        ActorRef<WhichThread> second = system.systemActorOf(TELLS_ITS_THREAD, "second", dispatchers.forChannel(channel));
        assertTrue(channel.eventLoop().inEventLoop(ask(second, false)));
    }

    @Test
    void aSessionWhoseIoThreadWasShutDownStillHandlesItsMessages() throws Exception {
        IoThreadDispatchers dispatchers = new IoThreadDispatchers(system, group);
        Channel channel = registered();
        ActorRef<WhichThread> actor = system.systemActorOf(TELLS_ITS_THREAD, "outliving", dispatchers.forChannel(channel));
        Thread loopThread = ask(actor, false);
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        Thread after = ask(actor, true);
        assertFalse(channel.eventLoop().inEventLoop(after));
        assertFalse(after.equals(loopThread));
    }

    @Test
    void aChannelOfAnotherGroupGetsTheDefaultDispatcher() throws Exception {
        IoThreadDispatchers dispatchers = new IoThreadDispatchers(system, group);
        EventLoopGroup other = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel foreign = new NioSocketChannel();
            other.register(foreign).sync();
            ActorRef<WhichThread> actor = system.systemActorOf(TELLS_ITS_THREAD, "foreign",
                    dispatchers.forChannel(foreign));
            assertFalse(foreign.eventLoop().inEventLoop(ask(actor, false)));
            assertEquals(0, countLoopsRunning(ask(actor, true)));
        } finally {
            other.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        }
    }

    private int countLoopsRunning(Thread thread) {
        int n = 0;
        for (var loop : group) {
            n += loop.inEventLoop(thread) ? 1 : 0;
        }
        return n;
    }

    private Channel registered() throws InterruptedException {
        Channel channel = new NioSocketChannel();
        group.register(channel).sync();
        return channel;
    }

    private static Thread ask(ActorRef<WhichThread> actor, boolean stop) throws Exception {
        CompletableFuture<Thread> answer = new CompletableFuture<>();
        actor.tell(new WhichThread(answer, stop));
        return answer.get(10, TimeUnit.SECONDS);
    }
}
