package io.nnstain.analyzer.relevance;

/**
 * The relevance of every neuron for one class at one epoch, from the class's output (relevance 1) back to the
 * input, and what is needed to split it along edges.
 *
 * @param perLayer per layer (input first), per neuron; each layer sums to 1 under a conserving rule
 * @param denominators per layer after the input, per neuron k: the sum its relevance was split by
 * @param fellBack per layer after the input, per neuron k: whether z+ fell back to absolute contributions
 */
public record ClassRelevance(int classIndex, RelevanceRule rule, double[][] perLayer, double[][] denominators,
        boolean[][] fellBack, float[][] inputsMeans) {

    /**
     * Relevance passed from neuron {@code to} of layer {@code toLayer} to neuron {@code from} of the layer
     * before it.
     */
    public double edge(float[][][] weights, int toLayer, int from, int to) {
        double den = denominators[toLayer][to];
        if (den == 0) {
            return 0;
        }
        double c = Relevance.contribution(rule, fellBack[toLayer][to], inputsMeans[toLayer - 1][from],
                weights[toLayer][to][from]);
        return c / den * perLayer[toLayer][to];
    }
}
