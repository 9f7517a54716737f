package io.chargeplane.gateway.ocpp;

import org.apache.pekko.http.impl.engine.ws.FrameData;
import org.apache.pekko.http.impl.engine.ws.FrameEvent;
import org.apache.pekko.http.impl.engine.ws.FrameEvent$;
import org.apache.pekko.http.impl.engine.ws.FrameStart;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.BidiShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import scala.Option;

/**
 * Sits between the WebSocket framing and Pekko's message layer. Counts the payload bytes of each incoming
 * message across its frames and closes with 1009 (message too big) as soon as one exceeds the limit, before
 * it is buffered; and writes the close frame with the code the session asks for through {@link WsCloser}.
 *
 * <p>Shape: in1 frames from the network, out1 frames to Pekko's stack, in2 frames from the stack, out2 frames
 * to the network.
 */
final class FrameGuard extends GraphStage<BidiShape<FrameEvent, FrameEvent, FrameEvent, FrameEvent>> {
    static final int TOO_BIG = 1009;
    private static final byte CONTINUATION = 0x0;

    private final Inlet<FrameEvent> fromNet = Inlet.create("FrameGuard.fromNet");
    private final Outlet<FrameEvent> toStack = Outlet.create("FrameGuard.toStack");
    private final Inlet<FrameEvent> fromStack = Inlet.create("FrameGuard.fromStack");
    private final Outlet<FrameEvent> toNet = Outlet.create("FrameGuard.toNet");
    private final BidiShape<FrameEvent, FrameEvent, FrameEvent, FrameEvent> shape =
            BidiShape.of(fromNet, toStack, fromStack, toNet);
    private final long maxMessageBytes;
    private final WsCloser closer;

    FrameGuard(long maxMessageBytes, WsCloser closer) {
        this.maxMessageBytes = maxMessageBytes;
        this.closer = closer;
    }

    @Override
    public BidiShape<FrameEvent, FrameEvent, FrameEvent, FrameEvent> shape() {
        return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes attrs) {
        return new GraphStageLogic(shape) {
            private long messageBytes;
            private boolean closing;

            @Override
            public void preStart() {
                AsyncCallback<Object[]> cb = createAsyncCallback(a -> closeWith((Integer) a[0], (String) a[1]));
                closer.attach((code, reason) -> cb.invoke(new Object[] {code, reason}));
            }

            {
                setHandler(fromNet, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        FrameEvent f = grab(fromNet);
                        if (f instanceof FrameStart start && !start.header().opcode().isControl()) {
                            if (start.header().opcode().code() != CONTINUATION) {
                                messageBytes = 0;
                            }
                            messageBytes += start.header().length();
                            if (messageBytes > maxMessageBytes) {
                                closeWith(TOO_BIG, "message larger than " + maxMessageBytes + " bytes");
                                return;
                            }
                        }
                        push(toStack, f);
                    }

                    @Override
                    public void onUpstreamFinish() {
                        complete(toStack);
                    }
                });
                setHandler(toStack, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        if (!closing) {
                            pull(fromNet);
                        }
                    }

                    @Override
                    public void onDownstreamFinish(Throwable cause) {
                        cancel(fromNet, cause);
                    }
                });
                setHandler(fromStack, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        push(toNet, grab(fromStack));
                    }

                    @Override
                    public void onUpstreamFinish() {
                        if (!closing) {
                            complete(toNet);
                        }
                    }
                });
                setHandler(toNet, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        if (!closing && !hasBeenPulled(fromStack)) {
                            pull(fromStack);
                        }
                    }
                });
            }

            private void closeWith(int code, String reason) {
                if (closing) {
                    return;
                }
                closing = true;
                FrameStart closeFrame = FrameEvent$.MODULE$.closeFrame(code, reason, Option.empty());
                cancel(fromStack);
                emit(toNet, closeFrame, () -> completeStage());
            }
        };
    }

    @SuppressWarnings("unused")
    private static boolean isData(FrameEvent f) {
        return f instanceof FrameData;
    }
}
