package io.nnstain.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nnstain.schemas.signature.NetworkSignature;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class NetworkSignatureTest {

    @Test
    void shouldParseAndFormatTheOriginalProjectsAddress() {
        NetworkSignature s = NetworkSignature.parse("E_30/L_hidden_1/n_20");
        assertEquals(30, s.epoch());
        assertEquals("hidden_1", s.layer());
        assertEquals(20, s.neuron());
        assertEquals("E_30/L_hidden_1/n_20", s.toString());
        assertEquals(s, NetworkSignature.parse(s.toString()));
    }

    @Test
    void shouldAcceptInputAndOutputLayersAndEpochZero() {
        assertEquals("input", NetworkSignature.parse("E_0/L_input/n_0").layer());
        assertEquals("output", NetworkSignature.parse("E_7/L_output/n_9").layer());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "E_30/L_hidden_1", "E_30/L_hidden_1/n_", "E_-1/L_input/n_0", "E_01/L_input/n_0",
            "E_3/L_hidden_0/n_1", "E_3/L_hidden/n_1", "E_3/L_Hidden_1/n_1", "e_3/L_input/n_1", "E_3/L_input/n_1/",
            "E_3/L_input/n_1 ", "E_3//L_input/n_1", "E_3/L_foo/n_1", "E_3/L_input/n_01", "E_99999999999/L_input/n_1",
            "E_3/L_input/n_x"})
    void shouldRejectMalformedSignaturesNamingTheFormat(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NetworkSignature.parse(text));
        assertTrue(e.getMessage().contains("E_<epoch>/L_<layer>/n_<index>"), e.getMessage());
    }

    @Test
    void shouldNameLayersByIndex() {
        assertEquals("input", NetworkSignature.layerName(0, 2));
        assertEquals("hidden_2", NetworkSignature.layerName(2, 2));
        assertEquals("output", NetworkSignature.layerName(3, 2));
    }
}
