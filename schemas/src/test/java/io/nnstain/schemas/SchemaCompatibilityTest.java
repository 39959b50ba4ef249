package io.nnstain.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.nnstain.schemas.serde.AvroSerde;
import java.io.InputStream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * Schemas evolve only compatibly: every current schema must read data written with the previous released
 * version (backward) and the previous version must read current data (forward). Released versions are kept
 * under src/main/resources/released/<version>/ (AvroSerde decodes records written with them); add a folder, and the
 * version to AvroSerde.RELEASES, when releasing.
 */
class SchemaCompatibilityTest {

    static final String PREVIOUS_RELEASE = "0.1.0";
    /** Record types added since the previous release: they have no earlier version to be compatible with. */
    static final java.util.Set<String> NEW_SINCE_RELEASE = java.util.Set.of("StructureSnapshot");

    @Test
    void shouldKeepEverySchemaFullyCompatibleWithItsPreviousRelease() throws Exception {
        for (Class<? extends SpecificRecord> type : AvroSerde.RECORD_TYPES) {
            Schema current = AvroSerde.schemaOf(type);
            String file = "/released/" + PREVIOUS_RELEASE + "/" + type.getSimpleName() + ".avsc";
            try (InputStream in = getClass().getResourceAsStream(file)) {
                if (in == null && NEW_SINCE_RELEASE.contains(type.getSimpleName())) {
                    continue;
                }
                assertNotNull(in, "no released schema " + file + " for " + type.getSimpleName());
                Schema previous = new Schema.Parser().parse(in);
                var backward = SchemaCompatibility.checkReaderWriterCompatibility(current, previous);
                assertEquals(SchemaCompatibilityType.COMPATIBLE, backward.getType(),
                        type.getSimpleName() + " cannot read " + PREVIOUS_RELEASE + " data: " + backward.getDescription());
                var forward = SchemaCompatibility.checkReaderWriterCompatibility(previous, current);
                assertEquals(SchemaCompatibilityType.COMPATIBLE, forward.getType(),
                        PREVIOUS_RELEASE + " readers cannot read " + type.getSimpleName() + ": " + forward.getDescription());
            }
        }
    }
}
