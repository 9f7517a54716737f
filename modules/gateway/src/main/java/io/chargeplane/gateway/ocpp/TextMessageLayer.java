package io.chargeplane.gateway.ocpp;

import java.time.Duration;
import org.apache.pekko.http.impl.engine.ws.FrameEvent$;
import org.apache.pekko.http.impl.engine.ws.FrameHandler;
import org.apache.pekko.http.impl.engine.ws.Protocol;
import org.apache.pekko.http.impl.engine.ws.WebSocket;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.BidiShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;
import org.apache.pekko.japi.function.Effect;
import org.apache.pekko.util.ByteString;
import scala.Option;

/**
 * Replaces Pekko HTTP's WebSocket message layer for OCPP: text messages in and out as plain strings. Pekko's
 * own layer opens a substream (and materializes a small stream) for every incoming message, which cost more
 * CPU than everything else a charger call does; OCPP-J messages are single text messages that are read
 * whole anyway. Control events (close handshake, pongs) pass through to Pekko's frame handling unchanged.
 *
 * <p>Shape: in1 events from frame handling, out1 whole text messages to the session, in2 texts from the
 * session, out2 frames and events to frame handling.
 */
final class TextMessageLayer extends GraphStage<BidiShape<FrameHandler.Output, String, String, Object>> {
    private static final Protocol.Opcode TEXT = Protocol.Opcode$.MODULE$.forCode((byte) 1);

    private final Inlet<FrameHandler.Output> fromFrames = Inlet.create("TextMessageLayer.fromFrames");
    private final Outlet<String> toSession = Outlet.create("TextMessageLayer.toSession");
    private final Inlet<String> fromSession = Inlet.create("TextMessageLayer.fromSession");
    private final Outlet<Object> toFrames = Outlet.create("TextMessageLayer.toFrames");
    private final BidiShape<FrameHandler.Output, String, String, Object> shape =
            BidiShape.of(fromFrames, toSession, fromSession, toFrames);
    private final Duration closeTick;

    TextMessageLayer(Duration closeTick) {
        this.closeTick = closeTick;
    }

    @Override
    public BidiShape<FrameHandler.Output, String, String, Object> shape() {
        return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes attrs) {
        return new TimerGraphStageLogic(shape) {
            private final StringBuilder partial = new StringBuilder();
            private boolean binary;
            private final Effect pullFrames = () -> {
                if (!isClosed(fromFrames) && !hasBeenPulled(fromFrames)) {
                    pull(fromFrames);
                }
            };
            private final Effect pullSession = () -> {
                if (!isClosed(fromSession) && !hasBeenPulled(fromSession)) {
                    pull(fromSession);
                }
            };

            @Override
            public void preStart() {
                pull(fromFrames);
                pull(fromSession);
                // the frame handler's close handshake counts its timeout in ticks
                scheduleWithFixedDelay("tick", closeTick, closeTick);
            }

            @Override
            public void onTimer(Object key) {
                if (isAvailable(toFrames)) {
                    push(toFrames, WebSocket.Tick$.MODULE$);
                }
            }

            {
                setHandler(fromFrames, new AbstractInHandler() {
                    @Override
                    public void onPush() throws Exception {
                        FrameHandler.Output event = grab(fromFrames);
                        if (event instanceof FrameHandler.TextMessagePart part) {
                            partial.append(part.data());
                            if (part.last()) {
                                String text = partial.toString();
                                partial.setLength(0);
                                emit(toSession, text, pullFrames);
                            } else {
                                pullFrames.apply();
                            }
                        } else if (event instanceof FrameHandler.BinaryMessagePart part) {
                            binary = true;
                            if (part.last()) {
                                binary = false;
                                emit(toSession, "", pullFrames); // OCPP-J is text only: read as an unreadable frame
                            } else {
                                pullFrames.apply();
                            }
                        } else if (event instanceof FrameHandler.PeerClosed
                                || event instanceof FrameHandler.ActivelyCloseWithCode) {
                            emit(toFrames, event, () -> {
                                complete(toSession);
                                pullFrames.apply();
                            });
                        } else if (event instanceof FrameHandler.BypassEvent) {
                            emit(toFrames, event, pullFrames);
                        } else {
                            pullFrames.apply(); // MessageEnd
                        }
                    }

                    @Override
                    public void onUpstreamFinish() {
                        complete(toSession);
                        if (isClosed(fromSession)) {
                            completeStage();
                        }
                    }
                });
                setHandler(fromSession, new AbstractInHandler() {
                    @Override
                    public void onPush() throws Exception {
                        ByteString data = ByteString.fromString(grab(fromSession));
                        emit(toFrames, FrameEvent$.MODULE$.fullFrame(TEXT, Option.empty(), data, true, false, false, false),
                                pullSession);
                    }

                    @Override
                    public void onUpstreamFinish() {
                        emit(toFrames, FrameHandler.UserHandlerCompleted$.MODULE$, () -> {
                            if (isClosed(fromFrames)) {
                                completeStage();
                            }
                        });
                    }

                    @Override
                    public void onUpstreamFailure(Throwable ex) {
                        emit(toFrames, new FrameHandler.UserHandlerErredOut(ex), () -> {
                            if (isClosed(fromFrames)) {
                                completeStage();
                            }
                        });
                    }
                });
                setHandler(toSession, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        // elements are emitted; demand is tracked by emit
                    }

                    @Override
                    public void onDownstreamFinish(Throwable cause) {
                        // the session is gone; control frames still need to pass
                    }
                });
                setHandler(toFrames, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        // elements are emitted; demand is tracked by emit
                    }
                });
            }
        };
    }
}
