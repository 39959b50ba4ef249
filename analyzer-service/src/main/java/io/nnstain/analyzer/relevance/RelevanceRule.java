package io.nnstain.analyzer.relevance;

import io.nnstain.schemas.config.AnalysisParams;

/**
 * How a neuron's relevance is split among the neurons that feed it, in proportion to their contributions
 * {@code a_j * w_kj}, where {@code a_j} is neuron j's mean activation over the class's samples.
 */
public enum RelevanceRule {

    /**
     * Only positive contributions count (LRP-α1β0, "z+"): every share is ≥ 0 and the denominator is a sum of
     * non-negative terms, so nothing divides by a near-zero sum of mixed signs. A neuron that no input drives
     * positively passes its relevance on in proportion to the absolute contributions instead, so relevance is
     * conserved layer by layer.
     */
    Z_PLUS,

    /**
     * Plain LRP-z on the class means: shares {@code a_j w_kj / Σ_j a_j w_kj}. Conserving, but the sum can be
     * close to zero when positive and negative contributions cancel (the mean of a ReLU is not the ReLU of the
     * mean), and then shares explode. Kept to show the difference (docs/analysis.md).
     */
    Z;

    public static RelevanceRule of(String name) {
        return switch (name) {
            case AnalysisParams.Z_PLUS -> Z_PLUS;
            case AnalysisParams.Z -> Z;
            default -> throw new IllegalArgumentException("rule '" + name + "' is not accepted; accepted: "
                    + String.join(", ", AnalysisParams.RULES));
        };
    }
}
