package io.nnstain.cli.commands;

import io.nnstain.cli.Nnstain;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a network and trace it: every neuron at every scanned epoch goes to Kafka and into the "
                + "trace store. Starts the stack in the background if none runs.",
                "Progress goes to stderr; the run id alone is the last line on stdout, so RUN=$(nnstain train ...) works."})
public final class TrainCommand implements Callable<Integer> {

    @ParentCommand
    Nnstain parent;

    @Mixin
    TrainOptions options;

    @Override
    public Integer call() {
        var spec = options.spec();
        RunWatcher.Outcome outcome = new RunWatcher(parent).trainAndWait(spec);
        System.err.println("trace stored in " + outcome.stack().dataDir() + "/runs/" + outcome.runId());
        System.out.println(outcome.runId());
        return 0;
    }
}
