package io.nnstain.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nnstain.schemas.avro.AblationEffect;
import io.nnstain.schemas.avro.ClassStructure;
import io.nnstain.schemas.avro.NeuronStain;
import io.nnstain.schemas.avro.RunFinished;
import io.nnstain.schemas.avro.RunStatus;
import io.nnstain.schemas.avro.StructureEdge;
import io.nnstain.schemas.avro.StructureLayer;
import io.nnstain.schemas.avro.StructureSnapshot;
import io.nnstain.schemas.serde.AvroJson;
import java.util.List;
import org.junit.jupiter.api.Test;

class AvroJsonTest {

    static StructureSnapshot snapshot() {
        StructureLayer layer = new StructureLayer("hidden_1", 1, List.of(0.7f, 0.3f), List.of(0), 0.7f, 0.88f);
        ClassStructure c = ClassStructure.newBuilder().setClassIndex(0).setClassName("<b>zero</b>")
                .setLayers(List.of(layer)).setEdges(List.of(new StructureEdge(0, 1, 0, 0.25f)))
                .setJaccardPrevious(null).setAblation(new AblationEffect(1, 0.9, 0.1, 0.01)).build();
        return StructureSnapshot.newBuilder().setRunId("r1").setEpoch(3).setRule("z-plus").setCoverage(0.8)
                .setMaxFraction(0.1).setClasses(List.of(c))
                .setStains(List.of(new NeuronStain(1, 0, List.of(0, 1), 0, 0.75f)))
                .setLossContributions(List.of(List.of(-0.5f, 0.25f))).setAnalysedAtMs(42).build();
    }

    @Test
    void shouldReadBackWhatItWroteForNestedRecordsUnionsAndEnums() throws Exception {
        StructureSnapshot s = snapshot();
        String text = new ObjectMapper().writeValueAsString(AvroJson.toJson(s));
        assertEquals(s, AvroJson.read(new ObjectMapper().readTree(text), StructureSnapshot.class));
        RunFinished f = RunFinished.newBuilder().setRunId("r1").setFinishedAtMs(1).setStatus(RunStatus.FAILED)
                .setError("boom").setEpochsTrained(3).setScannedEpochs(List.of(0, 1)).setProbePredictions(List.of(1))
                .build();
        assertEquals(f, AvroJson.read(AvroJson.toJson(f), RunFinished.class));
    }

    @Test
    void shouldNameTheFieldThatDoesNotFitTheSchema() throws Exception {
        var json = AvroJson.toJson(snapshot());
        json.put("epoch", "three");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AvroJson.read(json, StructureSnapshot.class));
        assertTrue(e.getMessage().contains("StructureSnapshot.epoch"), e.getMessage());
    }
}
