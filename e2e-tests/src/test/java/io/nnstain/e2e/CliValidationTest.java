package io.nnstain.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nnstain.cli.Nnstain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Invalid options fail at once with exit 2 and a message naming the option; no stack starts, nothing is published. */
class CliValidationTest {

    @TempDir
    Path home;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--hidden|0|hidden (--hidden)",
            "--dataset|nope|dataset (--dataset)",
            "--epoch-intervals|0|epoch_intervals (--epoch-intervals)",
            "--epochs|-1|epochs (--epochs)",
            "--epochs|many|--epochs"})
    void shouldRefuseBadOptionsBeforeStartingAnything(String option, String value, String named) {
        assertRefused(named, "train", option, value);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--coverage|0|coverage (--coverage)",
            "--coverage|1.5|coverage (--coverage)",
            "--max-fraction|abc|max_fraction (--max-fraction)",
            "--rule|lrp|accepted: z-plus, z"})
    void shouldRefuseBadAnalysisParametersBeforeAskingAnyService(String option, String value, String named) {
        assertRefused(named, "analyze", "some-run", option, value);
    }

    /** Exit 2, the option named on stderr, and no stack started. */
    private void assertRefused(String named, String... args) {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new PrintStream(err, true));
            String[] all = new String[args.length + 2];
            all[0] = "--home";
            all[1] = home.toString();
            System.arraycopy(args, 0, all, 2, args.length);
            code = Nnstain.execute(all);
        } finally {
            System.setErr(original);
        }
        assertEquals(2, code);
        assertTrue(err.toString().contains(named), err.toString());
        assertFalse(Files.exists(home.resolve("stack.json")), "no stack may start for a bad option");
    }
}
