package io.nnstain.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.nnstain.cli.Nnstain;
import io.nnstain.cli.ServiceClient;
import io.nnstain.schemas.config.AnalysisParams;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = "Find the structures of a finished run again from its stored trace (no retraining), with other "
                + "parameters if given, and print per class the structure size, the settling epoch and the effect of "
                + "ablating the structure beside random sets of the same size.")
public final class AnalyzeCommand implements Callable<Integer> {

    @ParentCommand
    Nnstain parent;

    @Parameters(index = "0", paramLabel = "RUN", description = "The run id (train and demo print it).")
    String run;

    @Option(names = "--coverage", paramLabel = "X",
            description = "Share of a layer's relevance a structure carries, > 0 and <= 1 (default: 0.8).")
    String coverage;

    @Option(names = "--max-fraction", paramLabel = "F",
            description = "Cap on a structure's share of each layer's neurons, > 0 and <= 1 (default: 0.1).")
    String maxFraction;

    @Option(names = "--rule", paramLabel = "R",
            description = "Relevance rule: z-plus (default; stable) or z (plain LRP-z, for comparison).")
    String rule;

    @Override
    public Integer call() {
        AnalysisParams params = AnalysisParams.parse(coverage, maxFraction, rule); // bad input: exit 2 at once
        ServiceClient client = new ServiceClient(Stacks.requireRunning(parent));
        try {
            System.err.println("analysing every stored epoch of " + run + " (" + params.rule() + ", coverage "
                    + params.coverage() + ", max fraction " + params.maxFraction() + ") ...");
            print(client.reanalyse(run, params), System.out);
            return 0;
        } catch (ServiceClient.ServiceException e) {
            System.err.println("nnstain: " + e.getMessage());
            return e.status() == 400 ? 2 : 1;
        }
    }

    /** The summary as a table, one line per class, with the means and the random baseline below. */
    static void print(JsonNode s, PrintStream out) {
        out.printf(Locale.ROOT, "structures of %s at E_%d (%s, coverage %.2f, max fraction %.2f)%n",
                s.path("run_id").asText(), s.path("epoch").asInt(), s.path("rule").asText(),
                s.path("coverage").asDouble(), s.path("max_fraction").asDouble());
        out.printf(Locale.ROOT, "%-12s %-16s %8s %11s %11s %11s %11s%n", "class", "size per layer", "settles",
                "drop class", "drop other", "random cls", "random oth");
        for (JsonNode c : s.path("classes")) {
            out.printf(Locale.ROOT, "%-12s %-16s %8s %11.3f %11.3f %11.3f %11.3f%n", clip(c.path("class_name").asText()),
                    c.path("structure_sizes").toString().replace("[", "").replace("]", ""),
                    "E_" + c.path("settling_epoch").asInt(), c.path("class_drop").asDouble(),
                    c.path("other_drop").asDouble(), c.path("random_class_drop").asDouble(),
                    c.path("random_other_drop").asDouble());
        }
        out.printf(Locale.ROOT, "%-12s %-16s %8s %11.3f %11.3f %11.3f %11.3f%n", "mean", "",
                median(s.path("median_settling_epoch").asDouble()), s.path("mean_class_drop").asDouble(),
                s.path("mean_other_drop").asDouble(), s.path("mean_random_class_drop").asDouble(),
                s.path("mean_random_other_drop").asDouble());
        out.println("(settles: the median over classes in the last line; drops are accuracy drops on the run's probe set"
                + " when the structure's hidden neurons are silenced; random: same-size random sets, mean of "
                + s.path("random_draws").asInt() + " draws)");
    }

    /** E_16, or E_16.5 for the mean of two middle classes. */
    private static String median(double epoch) {
        return epoch == Math.rint(epoch) ? "E_" + (long) epoch : String.format(Locale.ROOT, "E_%.1f", epoch);
    }

    private static String clip(String name) {
        return name.length() <= 12 ? name : name.substring(0, 11) + "…";
    }
}
