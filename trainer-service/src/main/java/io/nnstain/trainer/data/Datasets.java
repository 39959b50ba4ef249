package io.nnstain.trainer.data;

import io.nnstain.schemas.config.RunSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Loads a run's data set, splits it stratified and standardises it with the training split's statistics. */
public final class Datasets {

    private Datasets() {
    }

    public static Dataset load(RunSpec spec) {
        return switch (spec.dataset()) {
            case "moons" -> SyntheticDatasets.moons(spec.samples(), spec.noise(), spec.seed());
            case "circles" -> SyntheticDatasets.circles(spec.samples(), spec.noise(), spec.seed());
            case "xor" -> SyntheticDatasets.xor(spec.samples(), spec.noise(), spec.seed());
            case "spirals" -> SyntheticDatasets.spirals(spec.samples(), spec.classes(), spec.noise(), spec.seed());
            case "blobs" -> SyntheticDatasets.blobs(spec.samples(), spec.classes(), spec.features(), spec.noise(), spec.seed());
            case "digits" -> CsvDatasets.digits();
            case "breast-cancer" -> CsvDatasets.breastCancer();
            case "wine" -> CsvDatasets.wine();
            default -> throw new IllegalArgumentException("dataset (--dataset): '" + spec.dataset()
                    + "' is not a data set; accepted: " + String.join(", ", RunSpec.DATASETS));
        };
    }

    /** Train and validation parts, standardised with the training part's mean and standard deviation. */
    public record Split(Dataset train, Dataset validation) {
    }

    public static Split prepare(RunSpec spec) {
        Dataset all = load(spec);
        Random random = new Random(spec.seed() ^ 0x5EED5EEDL);
        List<Integer> trainIdx = new ArrayList<>();
        List<Integer> valIdx = new ArrayList<>();
        for (int c = 0; c < all.classCount(); c++) {
            List<Integer> ofClass = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                if (all.labels()[i] == c) {
                    ofClass.add(i);
                }
            }
            java.util.Collections.shuffle(ofClass, random);
            int val = (int) Math.round(ofClass.size() * spec.validationFraction());
            valIdx.addAll(ofClass.subList(0, val));
            trainIdx.addAll(ofClass.subList(val, ofClass.size()));
        }
        java.util.Collections.sort(trainIdx);
        java.util.Collections.sort(valIdx);
        Dataset train = all.subset(trainIdx.stream().mapToInt(Integer::intValue).toArray());
        Dataset validation = all.subset(valIdx.stream().mapToInt(Integer::intValue).toArray());
        Standardizer standardizer = Standardizer.fit(train.features());
        return new Split(standardizer.apply(train), standardizer.apply(validation));
    }
}
