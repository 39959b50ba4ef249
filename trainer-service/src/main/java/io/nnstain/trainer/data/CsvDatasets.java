package io.nnstain.trainer.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The three real data sets shipped in {@code resources/datasets} (provenance in its README.md): digits,
 * breast-cancer and wine, in scikit-learn's CSV layout (label last).
 */
final class CsvDatasets {

    private static final List<String> BREAST_CANCER_FEATURES = List.of("radius", "texture", "perimeter", "area",
            "smoothness", "compactness", "concavity", "concave_points", "symmetry", "fractal_dimension");
    private static final List<String> WINE_FEATURES = List.of("alcohol", "malic_acid", "ash", "alcalinity_of_ash",
            "magnesium", "total_phenols", "flavanoids", "nonflavanoid_phenols", "proanthocyanins",
            "color_intensity", "hue", "od280_od315_of_diluted_wines", "proline");

    private CsvDatasets() {
    }

    static Dataset digits() {
        List<String[]> rows = read("digits.csv");
        List<String> features = IntStream.range(0, 64).mapToObj(i -> "pixel_" + (i / 8) + "_" + (i % 8)).toList();
        List<String> classes = IntStream.range(0, 10).mapToObj(String::valueOf).toList();
        return parse("digits", rows, features, classes, List.of(8, 8));
    }

    static Dataset breastCancer() {
        List<String[]> rows = read("breast_cancer.csv");
        List<String> classes = Arrays.stream(rows.get(0)).skip(2).filter(s -> !s.isBlank()).toList();
        List<String> features = new ArrayList<>();
        for (String kind : List.of("mean", "se", "worst")) {
            BREAST_CANCER_FEATURES.forEach(f -> features.add(kind + "_" + f));
        }
        return parse("breast-cancer", rows.subList(1, rows.size()), features, classes, List.of(30));
    }

    static Dataset wine() {
        List<String[]> rows = read("wine_data.csv");
        List<String> classes = Arrays.stream(rows.get(0)).skip(2).filter(s -> !s.isBlank()).toList();
        return parse("wine", rows.subList(1, rows.size()), WINE_FEATURES, classes, List.of(13));
    }

    private static Dataset parse(String name, List<String[]> rows, List<String> featureNames, List<String> classes,
            List<Integer> shape) {
        int n = rows.size();
        int d = featureNames.size();
        float[][] x = new float[n][d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            String[] row = rows.get(i);
            if (row.length != d + 1) {
                throw new IllegalStateException(name + " row " + (i + 1) + " has " + row.length + " fields, expected " + (d + 1));
            }
            for (int j = 0; j < d; j++) {
                x[i][j] = Float.parseFloat(row[j]);
            }
            y[i] = Integer.parseInt(row[d].trim());
        }
        return new Dataset(name, x, y, classes, featureNames, shape);
    }

    private static List<String[]> read(String file) {
        InputStream in = CsvDatasets.class.getResourceAsStream("/datasets/" + file);
        if (in == null) {
            throw new IllegalStateException("data set file datasets/" + file + " is missing from the trainer");
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            return r.lines().filter(l -> !l.isBlank()).map(l -> l.split(",", -1)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
