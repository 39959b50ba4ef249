package io.nnstain.trainer.data;

/** Zero mean, unit variance per feature; constant features are only centred. */
record Standardizer(double[] mean, double[] std) {

    static Standardizer fit(float[][] x) {
        int d = x[0].length;
        double[] mean = new double[d];
        double[] sq = new double[d];
        for (float[] row : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= x.length;
        }
        for (float[] row : x) {
            for (int j = 0; j < d; j++) {
                double v = row[j] - mean[j];
                sq[j] += v * v;
            }
        }
        double[] std = new double[d];
        for (int j = 0; j < d; j++) {
            double s = Math.sqrt(sq[j] / x.length);
            std[j] = s < 1e-12 ? 1.0 : s;
        }
        return new Standardizer(mean, std);
    }

    Dataset apply(Dataset data) {
        float[][] out = new float[data.size()][];
        for (int i = 0; i < out.length; i++) {
            float[] row = data.features()[i];
            float[] z = new float[row.length];
            for (int j = 0; j < row.length; j++) {
                z[j] = (float) ((row[j] - mean[j]) / std[j]);
            }
            out[i] = z;
        }
        return new Dataset(data.name(), out, data.labels(), data.classNames(), data.featureNames(), data.inputShape());
    }
}
