package io.chargeplane.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chargeplane.ocpp.OcppJson;
import io.chargeplane.ocpp.v16.DataTypes;
import io.chargeplane.simulator.SimulatedCharger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A journal as a release of ChargePlane wrote it, kept as text (one JSON object per journal or snapshot row, payloads
 * in hex) so that later code can prove it still reads it ({@link JournalCompatibilityTest}). {@link #main} writes one
 * from a node of the code it runs with:
 *
 * <pre>java -cp target/test-classes:target/classes:&lt;test classpath&gt; io.chargeplane.app.JournalFixture out.jsonl</pre>
 */
final class JournalFixture {
    static final String STATION = "ST-FIX";
    static final int SESSIONS = 55; // more than 100 pile events: the pile has a snapshot too

    private JournalFixture() {
    }

    /** The scenario the fixture records, against a fresh node: what {@link JournalCompatibilityTest} expects. */
    static void record(ChargePlaneNode node) throws Exception {
        Rest rest = new Rest(node);
        rest.ok(rest.post("/api/accounts", "{\"username\":\"olga\",\"role\":\"OPERATOR\",\"password\":\"olga-fixture-password\"}"));
        rest.ok(rest.post("/api/stations", String.format(ChargerRegistrationTest.STATION, "Fixture depot", STATION)));
        rest.ok(rest.post("/api/chargers", ChargerRegistrationTest.charger("direct", "FIX-1", "CN-FIX-1", STATION, "FIX-DEV")));
        rest.ok(rest.post("/api/chargers", ChargerRegistrationTest.charger("review", "FIX-2", "CN-FIX-2", STATION, null)));
        rest.idTag("FIX-TAG", "Accepted");
        Instant t0 = Instant.parse("2026-12-01T08:00:00Z");
        try (SimulatedCharger cp = SimulatedCharger.connect(TestNodes.ocpp(node), "FIX-DEV")) {
            cp.boot("Fixture Inc", "FX-22", "SN-FIX");
            cp.status(1, DataTypes.ChargePointStatus.AVAILABLE);
            long meter = 10_000;
            for (int i = 0; i < SESSIONS; i++) {
                Instant at = t0.plusSeconds(600L * i);
                int tx = cp.start(1, "FIX-TAG", meter, at).transactionId();
                cp.meterValues(1, tx, at.plusSeconds(60), meter + 500, 7_000);
                meter += 1_000 + i;
                cp.stop(tx, meter, at.plusSeconds(300), "FIX-TAG");
            }
            cp.status(1, DataTypes.ChargePointStatus.FAULTED);
            rest.ok(rest.post("/api/chargers/FIX-1/reset", "{\"type\":\"Soft\"}"));
        }
    }

    /** Every row of the journal, its tags and the snapshots, in journal order. */
    static List<String> dump(io.chargeplane.control.db.Database db) throws SQLException {
        List<String> lines = new ArrayList<>();
        HexFormat hex = HexFormat.of();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT \"ordering\", \"persistence_id\", \"sequence_number\", \"writer\", "
                    + "\"write_timestamp\", \"adapter_manifest\", \"event_ser_id\", \"event_ser_manifest\", \"event_payload\" "
                    + "FROM \"event_journal\" ORDER BY \"ordering\"");
                 PreparedStatement tags = c.prepareStatement("SELECT \"tag\" FROM \"event_tag\" WHERE \"event_id\" = ? ORDER BY \"tag\"")) {
                while (rs.next()) {
                    ObjectNode row = OcppJson.MAPPER.createObjectNode().put("table", "event_journal")
                            .put("persistenceId", rs.getString(2)).put("sequenceNumber", rs.getLong(3))
                            .put("writer", rs.getString(4)).put("writeTimestamp", rs.getLong(5))
                            .put("adapterManifest", rs.getString(6)).put("serId", rs.getInt(7))
                            .put("serManifest", rs.getString(8)).put("payload", hex.formatHex(rs.getBytes(9)));
                    ArrayNode t = row.putArray("tags");
                    tags.setLong(1, rs.getLong(1));
                    try (ResultSet tr = tags.executeQuery()) {
                        while (tr.next()) {
                            t.add(tr.getString(1));
                        }
                    }
                    lines.add(row.toString());
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT \"persistence_id\", \"sequence_number\", \"created\", "
                    + "\"snapshot_ser_id\", \"snapshot_ser_manifest\", \"snapshot_payload\" FROM \"snapshot\" "
                    + "ORDER BY \"persistence_id\", \"sequence_number\"")) {
                while (rs.next()) {
                    lines.add(OcppJson.MAPPER.createObjectNode().put("table", "snapshot")
                            .put("persistenceId", rs.getString(1)).put("sequenceNumber", rs.getLong(2))
                            .put("created", rs.getLong(3)).put("serId", rs.getInt(4)).put("serManifest", rs.getString(5))
                            .put("payload", hex.formatHex(rs.getBytes(6))).toString());
                }
            }
        }
        return lines;
    }

    /** Writes the rows of a dump into a database with the current schema (journal order kept). */
    static void load(io.chargeplane.control.db.Database db, List<String> lines) throws IOException, SQLException {
        HexFormat hex = HexFormat.of();
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement event = c.prepareStatement("INSERT INTO \"event_journal\" (\"deleted\", "
                    + "\"persistence_id\", \"sequence_number\", \"writer\", \"write_timestamp\", \"adapter_manifest\", "
                    + "\"event_ser_id\", \"event_ser_manifest\", \"event_payload\") VALUES (FALSE, ?, ?, ?, ?, ?, ?, ?, ?)",
                    new String[] {"ordering"});
                 PreparedStatement tag = c.prepareStatement("INSERT INTO \"event_tag\" (\"event_id\", \"tag\") VALUES (?, ?)");
                 PreparedStatement snapshot = c.prepareStatement("INSERT INTO \"snapshot\" (\"persistence_id\", "
                         + "\"sequence_number\", \"created\", \"snapshot_ser_id\", \"snapshot_ser_manifest\", "
                         + "\"snapshot_payload\") VALUES (?, ?, ?, ?, ?, ?)")) {
                for (String line : lines) {
                    JsonNode row = OcppJson.MAPPER.readTree(line);
                    if (row.get("table").asText().equals("event_journal")) {
                        event.setString(1, row.get("persistenceId").asText());
                        event.setLong(2, row.get("sequenceNumber").asLong());
                        event.setString(3, row.get("writer").asText());
                        event.setLong(4, row.get("writeTimestamp").asLong());
                        event.setString(5, row.get("adapterManifest").asText());
                        event.setInt(6, row.get("serId").asInt());
                        event.setString(7, row.get("serManifest").asText());
                        event.setBytes(8, hex.parseHex(row.get("payload").asText()));
                        event.executeUpdate();
                        try (ResultSet key = event.getGeneratedKeys()) {
                            key.next();
                            for (JsonNode t : row.get("tags")) {
                                tag.setLong(1, key.getLong(1));
                                tag.setString(2, t.asText());
                                tag.executeUpdate();
                            }
                        }
                    } else {
                        snapshot.setString(1, row.get("persistenceId").asText());
                        snapshot.setLong(2, row.get("sequenceNumber").asLong());
                        snapshot.setLong(3, row.get("created").asLong());
                        snapshot.setInt(4, row.get("serId").asInt());
                        snapshot.setString(5, row.get("serManifest").asText());
                        snapshot.setBytes(6, hex.parseHex(row.get("payload").asText()));
                        snapshot.executeUpdate();
                    }
                }
            }
            c.commit();
        }
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("journal-fixture");
        TestNodes.Db db = TestNodes.h2(dir);
        try (ChargePlaneNode node = TestNodes.start(db, Map.of("chargeplane.readside.enabled", false))) {
            record(node);
            Thread.sleep(2_000); // the device's serial and other writes nobody waits for
        }
        try (io.chargeplane.control.db.Database database = db.open()) {
            Files.write(Path.of(args[0]), dump(database));
        }
        System.exit(0);
    }
}
