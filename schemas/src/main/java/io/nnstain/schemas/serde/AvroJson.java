package io.nnstain.schemas.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * Plain JSON of a contract record, field names as in the schema, unions as their value (not Avro's
 * {"type": value} wrapping), so that people and pandas read it directly.
 */
public final class AvroJson {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private AvroJson() {
    }

    public static ObjectNode toJson(IndexedRecord record) {
        ObjectNode node = F.objectNode();
        for (Schema.Field field : record.getSchema().getFields()) {
            node.set(field.name(), plain(record.get(field.pos())));
        }
        return node;
    }

    /**
     * A value as plain JSON: records as objects, collections as arrays, NaN and infinities as null (JSON has
     * neither), floats in their shortest form.
     */
    public static JsonNode plain(Object v) {
        if (v == null) {
            return F.nullNode();
        }
        if (v instanceof IndexedRecord r) {
            return toJson(r);
        }
        if (v instanceof Collection<?> c) {
            ArrayNode array = F.arrayNode(c.size());
            c.forEach(item -> array.add(plain(item)));
            return array;
        }
        if (v instanceof Float f) {
            return f.isNaN() || f.isInfinite() ? F.nullNode() : F.numberNode(f);
        }
        if (v instanceof Double d) {
            return d.isNaN() || d.isInfinite() ? F.nullNode() : F.numberNode(d);
        }
        if (v instanceof Integer i) {
            return F.numberNode(i);
        }
        if (v instanceof Long l) {
            return F.numberNode(l);
        }
        if (v instanceof Boolean b) {
            return F.booleanNode(b);
        }
        return F.textNode(v.toString());
    }
}
