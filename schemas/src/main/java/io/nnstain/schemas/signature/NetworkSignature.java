package io.nnstain.schemas.signature;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The address of one neuron in a network trace: {@code E_<epoch>/L_<layer>/n_<index>}, for example
 * {@code E_30/L_hidden_1/n_20}. Layers are named {@code input}, {@code hidden_1} … {@code hidden_k} and
 * {@code output}. {@code E_0} is the network at initialisation.
 */
public record NetworkSignature(int epoch, String layer, int neuron) {

    public static final String FORMAT = "E_<epoch>/L_<layer>/n_<index>, e.g. E_30/L_hidden_1/n_20 "
            + "(layer: input, hidden_<k> with k >= 1, or output)";

    private static final Pattern LAYER = Pattern.compile("input|output|hidden_[1-9][0-9]{0,3}");
    private static final Pattern SIGNATURE = Pattern.compile(
            "E_(0|[1-9][0-9]{0,8})/L_([A-Za-z0-9_]+)/n_(0|[1-9][0-9]{0,8})");

    public NetworkSignature {
        Objects.requireNonNull(layer, "layer");
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
        if (neuron < 0) {
            throw new IllegalArgumentException("neuron index must be >= 0, got " + neuron);
        }
        if (!isLayerName(layer)) {
            throw new IllegalArgumentException("layer '" + layer + "' is not a layer name; accepted: input, hidden_<k> (k >= 1), output");
        }
    }

    /** Parses a signature, rejecting anything that is not exactly of the form {@link #FORMAT}. */
    public static NetworkSignature parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty network signature; expected " + FORMAT);
        }
        Matcher m = SIGNATURE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("malformed network signature '" + text + "'; expected " + FORMAT);
        }
        String layer = m.group(2);
        if (!isLayerName(layer)) {
            throw new IllegalArgumentException("malformed network signature '" + text + "': layer '" + layer
                    + "' is not a layer name; expected " + FORMAT);
        }
        return new NetworkSignature(Integer.parseInt(m.group(1)), layer, Integer.parseInt(m.group(3)));
    }

    public static boolean isLayerName(String layer) {
        return layer != null && LAYER.matcher(layer).matches();
    }

    /** Name of hidden layer {@code k} (1-based). */
    public static String hiddenLayer(int k) {
        return "hidden_" + k;
    }

    /** Layer name for a layer index in a network with {@code hiddenLayers} hidden layers (0 = input). */
    public static String layerName(int layerIndex, int hiddenLayers) {
        if (layerIndex == 0) {
            return "input";
        }
        return layerIndex <= hiddenLayers ? hiddenLayer(layerIndex) : "output";
    }

    @Override
    public String toString() {
        return "E_" + epoch + "/L_" + layer + "/n_" + neuron;
    }
}
