package io.nnstain.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nnstain.schemas.config.InvalidRunSpecException;
import io.nnstain.schemas.config.RunSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunSpecTest {

    private final RunSpec base = RunSpec.defaults();

    @Test
    void shouldAcceptTheDefaults() {
        assertTrue(base.problems().isEmpty(), base.problems().toString());
    }

    @Test
    void shouldScanEveryEpochByDefaultWithInitialisationFirst() {
        assertEquals(List.of(0, 1, 2, 3), base.withEpochs(3).scannedEpochs());
    }

    @Test
    void shouldScanEveryNthEpoch() {
        assertEquals(List.of(0, 5, 10, 15, 20, 25, 30), base.withEpochs(30).withEpochIntervals("5").scannedEpochs());
        assertEquals(List.of(0, 4, 8), base.withEpochs(10).withEpochIntervals("4").scannedEpochs());
    }

    @Test
    void shouldScanExactlyTheListedEpochs() {
        assertEquals(List.of(0, 1, 7, 10), base.withEpochs(10).withEpochIntervals("10, 1,7").scannedEpochs());
    }

    @Test
    void shouldNameTheOptionAndWhatIsAccepted() {
        assertProblem(base.withHidden(List.of(0)), "hidden (--hidden)", "from 1 to 4096");
        assertProblem(base.withDataset("nope"), "dataset (--dataset)", "moons, circles");
        assertProblem(base.withEpochIntervals("0"), "epoch_intervals (--epoch-intervals)", "every Nth epoch");
        assertProblem(base.withEpochs(-1), "epochs (--epochs)", "from 1 to");
        assertProblem(base.withEpochs(10).withEpochIntervals("11"), "epoch_intervals", "from 1 to epochs (10)");
        assertProblem(base.withEpochs(10).withEpochIntervals("1,x"), "epoch_intervals", "comma-separated");
        assertProblem(base.withBatchSize(0), "batch_size (--batch-size)", "from 1");
    }

    private static void assertProblem(RunSpec spec, String option, String accepted) {
        InvalidRunSpecException e = assertThrows(InvalidRunSpecException.class, spec::validated);
        assertEquals(1, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains(option) && e.getMessage().contains(accepted), e.getMessage());
    }
}
