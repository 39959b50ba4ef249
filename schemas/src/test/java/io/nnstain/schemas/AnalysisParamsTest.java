package io.nnstain.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nnstain.schemas.config.AnalysisParams;
import io.nnstain.schemas.config.InvalidRunSpecException;
import org.junit.jupiter.api.Test;

class AnalysisParamsTest {

    @Test
    void shouldTakeDefaultsForWhatIsNotGiven() {
        AnalysisParams p = AnalysisParams.parse(null, " ", null);
        assertEquals(AnalysisParams.defaults(), p);
        assertEquals("z-plus_c0.800_m0.100", p.key());
        assertEquals(6, p.cap(64));
        assertEquals(1, p.cap(5), "at least one neuron");
        assertEquals(12, p.cap(128));
    }

    @Test
    void shouldNameEveryBadParameterAndWhatIsAccepted() {
        InvalidRunSpecException e = assertThrows(InvalidRunSpecException.class,
                () -> AnalysisParams.parse("0", "abc", "lrp"));
        assertEquals(3, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("coverage (--coverage): 0.0 is not accepted; expected a share > 0 and <= 1"));
        assertTrue(e.getMessage().contains("max_fraction (--max-fraction): 'abc' is not a number"));
        assertTrue(e.getMessage().contains("rule (--rule): 'lrp' is not accepted; accepted: z-plus, z"));
        assertThrows(InvalidRunSpecException.class, () -> AnalysisParams.parse("1.5", null, null));
        assertThrows(InvalidRunSpecException.class, () -> AnalysisParams.parse("NaN", null, null));
        assertThrows(InvalidRunSpecException.class, () -> AnalysisParams.parse(null, "-0.1", null));
    }
}
