package io.chargeplane.control.review;

import com.fasterxml.jackson.databind.JsonNode;
import io.chargeplane.control.ControlJson;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Field-by-field difference of two versions of a record, for the reviewer: {@code address.city: Köln -> Bonn}. */
public final class Diff {
    private Diff() {
    }

    public record FieldChange(String field, JsonNode before, JsonNode after) {
    }

    public static List<FieldChange> between(Object before, Object after) {
        Map<String, JsonNode> b = flatten(before == null ? null : ControlJson.MAPPER.valueToTree(before));
        Map<String, JsonNode> a = flatten(after == null ? null : ControlJson.MAPPER.valueToTree(after));
        List<FieldChange> changes = new ArrayList<>();
        LinkedHashMap<String, Boolean> fields = new LinkedHashMap<>();
        b.keySet().forEach(k -> fields.put(k, true));
        a.keySet().forEach(k -> fields.put(k, true));
        for (String f : fields.keySet()) {
            if (!Objects.equals(b.get(f), a.get(f))) {
                changes.add(new FieldChange(f, b.get(f), a.get(f)));
            }
        }
        return changes;
    }

    private static Map<String, JsonNode> flatten(JsonNode node) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        if (node != null) {
            flatten("", node, out);
        }
        return out;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, JsonNode> out) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else if (!node.isNull()) {
            out.put(prefix, node); // arrays compare as a whole (photo lists, connectors)
        }
    }
}
