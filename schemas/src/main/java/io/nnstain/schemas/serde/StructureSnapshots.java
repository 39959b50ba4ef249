package io.nnstain.schemas.serde;

import io.nnstain.schemas.avro.ClassStructure;
import io.nnstain.schemas.avro.StructureEdge;
import io.nnstain.schemas.avro.StructureLayer;
import io.nnstain.schemas.avro.StructureSnapshot;
import io.nnstain.schemas.topics.Topics;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A StructureSnapshot as it goes on the structures topic: whole when it fits in one record
 * ({@link Topics#MAX_RECORD_BYTES}), otherwise lightened step by step until it does — first without the
 * per-neuron relevance of every layer and the loss contributions, then with each class's strongest
 * {@link #EDGES_KEPT} edges only, then without the stains. The analyzer stores the whole snapshot beside the
 * trace either way ({@code structures/<key>/epoch=<e>.json}); a lightened one says so in its rule
 * ({@code "z-plus (lightened for the topic: …)"}), so that a consumer knows to read the file.
 */
public final class StructureSnapshots {

    /** Edges a class keeps when its snapshot is too large for one record. */
    public static final int EDGES_KEPT = 2000;

    private StructureSnapshots() {
    }

    /** The encoded snapshot, lightened if needed to fit {@code maxBytes}. */
    public static byte[] encodeFitting(StructureSnapshot snapshot, AvroSerde serde, int maxBytes) {
        byte[] whole = serde.encode(snapshot);
        if (whole.length <= maxBytes) {
            return whole;
        }
        StructureSnapshot light = StructureSnapshot.newBuilder(snapshot).setClasses(withoutRelevance(snapshot.getClasses()))
                .setLossContributions(null).setRule(snapshot.getRule() + " (lightened for the topic: no per-neuron"
                        + " relevance or loss contributions; the whole snapshot is in the trace store)").build();
        byte[] encoded = serde.encode(light);
        if (encoded.length <= maxBytes) {
            return encoded;
        }
        light = StructureSnapshot.newBuilder(light).setClasses(strongestEdges(light.getClasses()))
                .setRule(snapshot.getRule() + " (lightened for the topic: no per-neuron relevance or loss contributions,"
                        + " each class's " + EDGES_KEPT + " strongest edges; the whole snapshot is in the trace store)").build();
        encoded = serde.encode(light);
        if (encoded.length <= maxBytes) {
            return encoded;
        }
        light = StructureSnapshot.newBuilder(light).setStains(List.of())
                .setRule(snapshot.getRule() + " (lightened for the topic: structures only, each class's " + EDGES_KEPT
                        + " strongest edges; the whole snapshot is in the trace store)").build();
        return serde.encode(light);
    }

    public static byte[] encodeFitting(StructureSnapshot snapshot, AvroSerde serde) {
        return encodeFitting(snapshot, serde, Topics.MAX_RECORD_BYTES);
    }

    private static List<ClassStructure> withoutRelevance(List<ClassStructure> classes) {
        List<ClassStructure> out = new ArrayList<>(classes.size());
        for (ClassStructure c : classes) {
            List<StructureLayer> layers = new ArrayList<>(c.getLayers().size());
            for (StructureLayer l : c.getLayers()) {
                layers.add(StructureLayer.newBuilder(l).setRelevance(List.of()).build());
            }
            out.add(ClassStructure.newBuilder(c).setLayers(layers).build());
        }
        return out;
    }

    private static List<ClassStructure> strongestEdges(List<ClassStructure> classes) {
        List<ClassStructure> out = new ArrayList<>(classes.size());
        for (ClassStructure c : classes) {
            List<StructureEdge> edges = new ArrayList<>(c.getEdges());
            edges.sort(Comparator.comparingDouble((StructureEdge e) -> -Math.abs(e.getRelevance())));
            out.add(ClassStructure.newBuilder(c).setEdges(List.copyOf(edges.subList(0, Math.min(EDGES_KEPT, edges.size()))))
                    .build());
        }
        return out;
    }
}
