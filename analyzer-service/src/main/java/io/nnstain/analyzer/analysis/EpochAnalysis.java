package io.nnstain.analyzer.analysis;

import io.nnstain.store.TracedNetwork;
import io.nnstain.analyzer.relevance.Pathway;
import io.nnstain.analyzer.relevance.Stains;
import io.nnstain.analyzer.relevance.StructureFinder;
import io.nnstain.analyzer.verify.Ablation;
import io.nnstain.schemas.avro.AblationEffect;
import io.nnstain.schemas.avro.ClassStructure;
import io.nnstain.schemas.avro.NeuronStain;
import io.nnstain.schemas.avro.StructureEdge;
import io.nnstain.schemas.avro.StructureLayer;
import io.nnstain.schemas.avro.StructureSnapshot;
import io.nnstain.schemas.config.AnalysisParams;
import io.nnstain.store.StoredEpoch;
import io.nnstain.store.StoredRun;
import java.util.ArrayList;
import java.util.List;

/**
 * The analysis of one scanned epoch, without I/O: structures of every class, stains, overlap with the previous
 * scanned epoch, the ablation effect of each structure on the probe set, and each neuron's loss-change
 * contribution.
 */
public final class EpochAnalysis {

    /** The pathways found, and the snapshot that publishes them (null where only the pathways are kept). */
    public record Result(List<Pathway> pathways, StructureSnapshot snapshot) {
    }

    private EpochAnalysis() {
    }

    /**
     * @param previous the previous scanned epoch's analysis, for overlaps; null for the first
     * @param previousEpoch the previous scanned epoch's trace, for weight changes; null for the first
     */
    public static Result analyse(StoredRun run, StoredEpoch epoch, AnalysisParams params, Result previous,
            StoredEpoch previousEpoch) {
        return analyse(run, epoch, params, previous, previousEpoch, true);
    }

    /** @param withAblation false to skip the ablation effects (left null), when only the structures are wanted */
    public static Result analyse(StoredRun run, StoredEpoch epoch, AnalysisParams params, Result previous,
            StoredEpoch previousEpoch, boolean withAblation) {
        TracedNetwork net = TracedNetwork.of(run, epoch);
        List<Pathway> pathways = new StructureFinder(params).find(net, epoch.classMeans());
        Ablation ablation = !withAblation || run.probeLabels().length == 0 ? null
                : new Ablation(net, run.probeFeatures(), run.probeLabels());
        List<ClassStructure> classes = new ArrayList<>();
        for (Pathway p : pathways) {
            Double jPrev = previous == null ? null
                    : io.nnstain.analyzer.emergence.Emergence.jaccard(p.hiddenKeys(), previous.pathways().get(p.classIndex()).hiddenKeys());
            classes.add(ClassStructure.newBuilder().setClassIndex(p.classIndex())
                    .setClassName(run.classNames().get(p.classIndex())).setLayers(layers(run, p))
                    .setEdges(edges(p)).setJaccardPrevious(jPrev).setAblation(effect(ablation, p)).build());
        }
        List<NeuronStain> stains = new ArrayList<>();
        for (Stains.Stain s : Stains.of(pathways)) {
            stains.add(NeuronStain.newBuilder().setLayerIndex(s.layer()).setNeuron(s.neuron())
                    .setClasses(s.classes()).setDominantClass(s.dominantClass())
                    .setSelectivity((float) s.selectivity()).build());
        }
        StructureSnapshot snapshot = StructureSnapshot.newBuilder().setRunId(run.runId()).setEpoch(epoch.epoch())
                .setRule(params.rule()).setCoverage(params.coverage()).setMaxFraction(params.maxFraction())
                .setClasses(classes).setStains(stains).setLossContributions(LossContribution.of(epoch, previousEpoch))
                .setAnalysedAtMs(System.currentTimeMillis()).build();
        return new Result(pathways, snapshot);
    }

    private static List<StructureLayer> layers(StoredRun run, Pathway p) {
        List<StructureLayer> out = new ArrayList<>();
        for (int l = 0; l < run.layerCount(); l++) {
            double[] rel = p.relevance().perLayer()[l];
            List<Float> relevance = new ArrayList<>(rel.length);
            for (double v : rel) {
                relevance.add((float) v);
            }
            List<Integer> neurons = new ArrayList<>();
            for (int j : p.neurons()[l]) {
                neurons.add(j);
            }
            out.add(StructureLayer.newBuilder().setLayer(run.layerNames().get(l)).setLayerIndex(l)
                    .setRelevance(relevance).setNeurons(neurons).setCovered((float) p.covered()[l])
                    .setEntropy((float) p.entropy()[l]).build());
        }
        return out;
    }

    private static List<StructureEdge> edges(Pathway p) {
        List<StructureEdge> out = new ArrayList<>(p.edges().size());
        for (Pathway.Edge e : p.edges()) {
            out.add(new StructureEdge(e.fromLayer(), e.from(), e.to(), (float) e.relevance()));
        }
        return out;
    }

    private static AblationEffect effect(Ablation ablation, Pathway p) {
        if (ablation == null) {
            return null;
        }
        Ablation.Effect e = ablation.silence(p);
        int c = p.classIndex();
        return new AblationEffect(p.hiddenSize(), e.classAccuracy()[c], e.ablatedAccuracy()[c], e.otherDrop(c));
    }
}
