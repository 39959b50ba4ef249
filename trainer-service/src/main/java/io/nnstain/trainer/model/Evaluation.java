package io.nnstain.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.nnstain.trainer.data.Dataset;

/**
 * Loss and accuracy of the network on a data set, overall and per class, with each sample's prediction.
 */
public record Evaluation(double loss, double accuracy, double[] classAccuracy, int[] predictions) {

    /** One forward pass without gradient recording; logits reduced in Java. */
    public static Evaluation of(SimpleNN model, Dataset data, NDManager parent) {
        int n = data.size();
        int d = data.featureCount();
        int classes = data.classCount();
        try (NDManager manager = parent.newSubManager()) {
            NDArray x = manager.create(flatten(data.features(), d), new Shape(n, d));
            float[] logits = model.forward(x).get(model.layerCount()).toFloatArray(); // (n, classes)
            return fromLogits(logits, data.labels(), classes);
        }
    }

    public static Evaluation fromLogits(float[] logits, int[] labels, int classes) {
        int n = labels.length;
        double loss = 0;
        long correct = 0;
        long[] classCorrect = new long[classes];
        long[] classCount = new long[classes];
        int[] predictions = new int[n];
        for (int i = 0; i < n; i++) {
            int base = i * classes;
            double max = Double.NEGATIVE_INFINITY;
            int best = 0;
            for (int c = 0; c < classes; c++) {
                if (logits[base + c] > max) {
                    max = logits[base + c];
                    best = c;
                }
            }
            double sumExp = 0;
            for (int c = 0; c < classes; c++) {
                sumExp += Math.exp(logits[base + c] - max);
            }
            loss += Math.log(sumExp) + max - logits[base + labels[i]];
            predictions[i] = best;
            classCount[labels[i]]++;
            if (best == labels[i]) {
                correct++;
                classCorrect[labels[i]]++;
            }
        }
        double[] classAccuracy = new double[classes];
        for (int c = 0; c < classes; c++) {
            classAccuracy[c] = classCount[c] == 0 ? Double.NaN : (double) classCorrect[c] / classCount[c];
        }
        return new Evaluation(loss / n, (double) correct / n, classAccuracy, predictions);
    }

    public static float[] flatten(float[][] rows, int width) {
        float[] flat = new float[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * width, width);
        }
        return flat;
    }
}
