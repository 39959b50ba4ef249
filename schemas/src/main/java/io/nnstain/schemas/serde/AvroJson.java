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
        return toJson(record, false);
    }

    /**
     * @param nonFiniteAsText NaN and infinities as the strings {@code "NaN"}, {@code "Infinity"} and
     *     {@code "-Infinity"} (which DuckDB and pandas read back as numbers) instead of null: for staging rows
     *     that must keep a diverged run's numbers as they were
     */
    public static ObjectNode toJson(IndexedRecord record, boolean nonFiniteAsText) {
        ObjectNode node = F.objectNode();
        for (Schema.Field field : record.getSchema().getFields()) {
            node.set(field.name(), plain(record.get(field.pos()), nonFiniteAsText));
        }
        return node;
    }

    /**
     * A value as plain JSON: records as objects, collections as arrays, NaN and infinities as null (JSON has
     * neither), floats in their shortest form.
     */
    public static JsonNode plain(Object v) {
        return plain(v, false);
    }

    private static JsonNode plain(Object v, boolean nonFiniteAsText) {
        if (v == null) {
            return F.nullNode();
        }
        if (v instanceof IndexedRecord r) {
            return toJson(r, nonFiniteAsText);
        }
        if (v instanceof Collection<?> c) {
            ArrayNode array = F.arrayNode(c.size());
            c.forEach(item -> array.add(plain(item, nonFiniteAsText)));
            return array;
        }
        if (v instanceof Float f) {
            return Float.isFinite(f) ? F.numberNode(f) : nonFinite(f, nonFiniteAsText);
        }
        if (v instanceof Double d) {
            return Double.isFinite(d) ? F.numberNode(d) : nonFinite(d, nonFiniteAsText);
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

    private static JsonNode nonFinite(double d, boolean asText) {
        return asText ? F.textNode(Double.toString(d)) : F.nullNode();
    }

    /**
     * Reads plain JSON as written by {@link #toJson} back into a record of the contract; null stands for NaN
     * where a float or double is not nullable.
     *
     * @throws IllegalArgumentException when the JSON does not fit the schema
     */
    public static <T extends org.apache.avro.specific.SpecificRecord> T read(JsonNode json, Class<T> type) {
        Schema schema = AvroSerde.schemaOf(type);
        return type.cast(value(json, schema, schema.getFullName()));
    }

    private static Object value(JsonNode json, Schema schema, String path) {
        switch (schema.getType()) {
            case RECORD -> {
                if (!json.isObject()) {
                    throw new IllegalArgumentException(path + " is not an object");
                }
                org.apache.avro.specific.SpecificRecord record = (org.apache.avro.specific.SpecificRecord)
                        org.apache.avro.specific.SpecificData.get().newRecord(null, schema);
                for (Schema.Field f : schema.getFields()) {
                    JsonNode v = json.get(f.name());
                    if (v == null && f.hasDefaultValue()) {
                        record.put(f.pos(), org.apache.avro.specific.SpecificData.get().getDefaultValue(f));
                    } else {
                        record.put(f.pos(), value(v == null ? F.nullNode() : v, f.schema(), path + "." + f.name()));
                    }
                }
                return record;
            }
            case ARRAY -> {
                if (!json.isArray()) {
                    throw new IllegalArgumentException(path + " is not an array");
                }
                java.util.List<Object> list = new java.util.ArrayList<>(json.size());
                for (JsonNode item : json) {
                    list.add(value(item, schema.getElementType(), path + "[]"));
                }
                return list;
            }
            case UNION -> {
                if (json.isNull() && schema.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.NULL)) {
                    return null;
                }
                for (Schema t : schema.getTypes()) {
                    if (t.getType() != Schema.Type.NULL) {
                        return value(json, t, path);
                    }
                }
                throw new IllegalArgumentException(path + " fits no branch of its union");
            }
            case STRING -> {
                return text(json, path);
            }
            case ENUM -> {
                return org.apache.avro.specific.SpecificData.get().createEnum(text(json, path), schema);
            }
            case INT -> {
                return number(json, path).intValue();
            }
            case LONG -> {
                return number(json, path).longValue();
            }
            case FLOAT -> {
                return json.isNull() ? Float.NaN : number(json, path).floatValue();
            }
            case DOUBLE -> {
                return json.isNull() ? Double.NaN : number(json, path).doubleValue();
            }
            case BOOLEAN -> {
                if (!json.isBoolean()) {
                    throw new IllegalArgumentException(path + " is not true or false");
                }
                return json.booleanValue();
            }
            default -> throw new IllegalArgumentException(path + ": type " + schema.getType() + " is not read from JSON");
        }
    }

    private static String text(JsonNode json, String path) {
        if (!json.isTextual()) {
            throw new IllegalArgumentException(path + " is not a string");
        }
        return json.textValue();
    }

    private static Number number(JsonNode json, String path) {
        if (!json.isNumber()) {
            throw new IllegalArgumentException(path + " is not a number");
        }
        return json.numberValue();
    }
}
