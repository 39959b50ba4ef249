package io.nnstain.trainer.data;

import java.util.List;

/**
 * A labelled classification data set held in memory.
 *
 * @param features one row per sample
 * @param labels class index per sample, 0-based
 * @param inputShape {@code [8, 8]} for images, {@code [features]} otherwise
 */
public record Dataset(String name, float[][] features, int[] labels, List<String> classNames,
        List<String> featureNames, List<Integer> inputShape) {

    public Dataset {
        if (features.length != labels.length) {
            throw new IllegalArgumentException("features and labels differ in length");
        }
    }

    public int size() {
        return labels.length;
    }

    public int featureCount() {
        return featureNames.size();
    }

    public int classCount() {
        return classNames.size();
    }

    public Dataset subset(int[] indices) {
        float[][] x = new float[indices.length][];
        int[] y = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            x[i] = features[indices[i]];
            y[i] = labels[indices[i]];
        }
        return new Dataset(name, x, y, classNames, featureNames, inputShape);
    }
}
