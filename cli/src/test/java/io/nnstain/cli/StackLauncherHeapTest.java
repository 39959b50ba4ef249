package io.nnstain.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StackLauncherHeapTest {

    @Test
    void shouldTakeEachServicesHeapFromItsVariableOrTheDefault() {
        Map<String, String> env = Map.of("NNSTAIN_ANALYZER_SERVICE_HEAP", "768m", "NNSTAIN_VIZ_SERVICE_HEAP", " ");
        assertEquals("768m", StackLauncher.heap("analyzer-service", env::get));
        assertEquals("2g", StackLauncher.heap("viz-service", env::get), "a blank variable is not set");
        assertEquals("512m", StackLauncher.heap("trace-collector", env::get));
        assertEquals("NNSTAIN_TRACE_COLLECTOR_HEAP", StackLauncher.heapVariable("trace-collector"));
    }

    @Test
    void shouldRefuseAHeapThatIsNotASizeNamingTheVariableAndWhatIsAccepted() {
        for (String bad : new String[] {"1024", "lots", "0g", "1.5g", "-1g"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> StackLauncher.heap("trainer-service", Map.of("NNSTAIN_TRAINER_SERVICE_HEAP", bad)::get));
            assertTrue(e.getMessage().startsWith("NNSTAIN_TRAINER_SERVICE_HEAP='" + bad + "' is not a heap size"), e.getMessage());
            assertTrue(e.getMessage().contains("e.g. 1g or 768m"), e.getMessage());
        }
    }
}
