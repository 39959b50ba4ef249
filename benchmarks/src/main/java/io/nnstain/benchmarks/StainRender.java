package io.nnstain.benchmarks;

import io.nnstain.analyzer.analysis.EpochAnalysis;
import io.nnstain.analyzer.analysis.Synthetic;
import io.nnstain.schemas.avro.StructureSnapshot;
import io.nnstain.schemas.config.AnalysisParams;
import io.nnstain.store.StoredEpoch;
import io.nnstain.store.StoredRun;
import io.nnstain.viz.report.Pictures;
import io.nnstain.viz.report.Pictures.Format;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Time to render the stain of a wide network on the server: the structures of a made-up epoch with
 * class-selective neurons are found by the analyzer's own code, then drawn as SVG and as PNG.
 */
@Command(name = "stain-render", mixinStandardHelpOptions = true,
        description = "Renders the stain of a made-up network (default 784-1024-1024-10) repeatedly as SVG and PNG and "
                + "prints the median and slowest times; writes the pictures to --out.")
public final class StainRender implements Callable<Integer> {

    @Option(names = "--widths", defaultValue = "784,1024,1024,10", description = "Layer widths, input first (default ${DEFAULT-VALUE}).")
    String widths;

    @Option(names = "--rounds", defaultValue = "20", description = "Timed renders per format (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup", defaultValue = "5", description = "Untimed renders first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--out", description = "Folder for the pictures (stain.svg, stain.png).")
    Path out;

    public static void main(String[] args) {
        System.exit(new CommandLine(new StainRender()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        int[] w = Arrays.stream(widths.split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        SplittableRandom rnd = new SplittableRandom(7);
        StoredRun run = Synthetic.run(w, 10, rnd);
        StoredEpoch epoch = Synthetic.epoch(30, w, rnd, true);
        StructureSnapshot s = EpochAnalysis.analyse(run, epoch, AnalysisParams.defaults(), null, null, false).snapshot();
        int stained = s.getStains().size();
        int edges = s.getClasses().stream().mapToInt(c -> c.getEdges().size()).sum();
        System.out.printf("stain of a made-up %s network: %d stained neurons, %d structure edges; %d timed renders per"
                + " format after %d untimed%n", widths, stained, edges, rounds, warmup);
        for (Format f : Format.values()) {
            for (int i = 0; i < warmup; i++) {
                Pictures.stain(s, run, f);
            }
            long[] ms = new long[rounds];
            byte[] picture = null;
            for (int i = 0; i < rounds; i++) {
                long t0 = System.nanoTime();
                picture = Pictures.stain(s, run, f);
                ms[i] = (System.nanoTime() - t0) / 1_000_000;
            }
            Arrays.sort(ms);
            System.out.printf("%s: median %d ms, slowest %d ms, %d bytes%n", f, ms[ms.length / 2], ms[ms.length - 1],
                    picture.length);
            if (out != null) {
                Files.createDirectories(out);
                Files.write(out.resolve("stain-" + widths.replace(',', '-') + "." + f.extension()), picture);
            }
        }
        return 0;
    }
}
