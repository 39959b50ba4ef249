package io.nnstain.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nnstain.schemas.serde.AvroJson;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;

/** A result row as a JSON object; FLOAT values keep their shortest form (0.3, not 0.30000001192092896). */
final class RowJson {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private RowJson() {
    }

    static ObjectNode of(ResultSet rs) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        ObjectNode node = F.objectNode();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            node.set(meta.getColumnLabel(i), value(rs.getObject(i)));
        }
        return node;
    }

    private static JsonNode value(Object v) throws SQLException {
        if (v instanceof Array a) {
            ArrayNode array = F.arrayNode();
            for (Object item : (Object[]) a.getArray()) {
                array.add(AvroJson.plain(item));
            }
            return array;
        }
        return AvroJson.plain(v);
    }
}
