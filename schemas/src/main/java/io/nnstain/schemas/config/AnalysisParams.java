package io.nnstain.schemas.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How structures are cut from relevance: the share of a layer's relevance a structure must carry
 * ({@code coverage}), the cap on its share of the layer's neurons ({@code maxFraction}) and the relevance
 * rule. One validation for the CLI ({@code nnstain analyze}) and the analyzer's REST API.
 */
public record AnalysisParams(double coverage, double maxFraction, String rule) {

    public static final String Z_PLUS = "z-plus";
    public static final String Z = "z";
    public static final List<String> RULES = List.of(Z_PLUS, Z);
    public static final double DEFAULT_COVERAGE = 0.8;
    public static final double DEFAULT_MAX_FRACTION = 0.1;

    public AnalysisParams {
        List<String> problems = new ArrayList<>();
        check(coverage, maxFraction, rule, problems);
        if (!problems.isEmpty()) {
            throw new InvalidRunSpecException(problems);
        }
    }

    private static void check(double coverage, double maxFraction, String rule, List<String> problems) {
        if (!(coverage > 0 && coverage <= 1)) {
            problems.add("coverage (--coverage): " + coverage + " is not accepted; expected a share > 0 and <= 1 (e.g. 0.8)");
        }
        if (!(maxFraction > 0 && maxFraction <= 1)) {
            problems.add("max_fraction (--max-fraction): " + maxFraction
                    + " is not accepted; expected a share of a layer's neurons > 0 and <= 1 (e.g. 0.1)");
        }
        if (rule == null || !RULES.contains(rule)) {
            problems.add("rule (--rule): '" + rule + "' is not accepted; accepted: " + String.join(", ", RULES));
        }
    }

    public static AnalysisParams defaults() {
        return new AnalysisParams(DEFAULT_COVERAGE, DEFAULT_MAX_FRACTION, Z_PLUS);
    }

    /** Parameters given as text (REST query, CLI); a missing one takes its default. */
    public static AnalysisParams parse(String coverage, String maxFraction, String rule) {
        List<String> problems = new ArrayList<>();
        double c = number("coverage (--coverage)", coverage, DEFAULT_COVERAGE, problems);
        double m = number("max_fraction (--max-fraction)", maxFraction, DEFAULT_MAX_FRACTION, problems);
        String r = rule == null || rule.isBlank() ? Z_PLUS : rule.trim();
        check(c, m, r, problems); // a value that is not a number stands as its default here: reported once
        if (!problems.isEmpty()) {
            throw new InvalidRunSpecException(problems);
        }
        return new AnalysisParams(c, m, r);
    }

    private static double number(String name, String text, double fallback, List<String> problems) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            problems.add(name + ": '" + text + "' is not a number; expected a share > 0 and <= 1");
            return fallback;
        }
    }

    /** A folder name that tells these parameters apart: {@code z-plus_c0.800_m0.100}. */
    public String key() {
        return String.format(Locale.ROOT, "%s_c%.3f_m%.3f", rule, coverage, maxFraction);
    }

    /** Neurons a structure may hold in a layer of {@code width}: the cap, at least one. */
    public int cap(int width) {
        return Math.max(1, (int) Math.floor(maxFraction * width + 1e-9));
    }
}
