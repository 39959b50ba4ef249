package io.nnstain.cli.commands;

import io.nnstain.cli.Nnstain;
import io.nnstain.cli.ServiceClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a run's whole trace, one row per epoch and neuron, as CSV or JSON lines (for pandas).")
public final class ExportCommand implements Callable<Integer> {

    enum Format { csv, json }

    @ParentCommand
    Nnstain parent;

    @Parameters(index = "0", paramLabel = "RUN")
    String run;

    @Option(names = "--format", required = true, description = "csv or json (JSON lines).")
    Format format;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The file to write.")
    Path out;

    @Override
    public Integer call() throws Exception {
        Path parentDir = out.toAbsolutePath().getParent();
        if (parentDir != null && !Files.isDirectory(parentDir)) {
            throw new IllegalArgumentException("--out: folder " + parentDir + " does not exist");
        }
        ServiceClient client = new ServiceClient(Stacks.requireRunning(parent));
        try {
            client.export(run, format.name(), out.toAbsolutePath());
            System.out.println("wrote " + out.toAbsolutePath() + " (" + Files.size(out) + " bytes)");
            return 0;
        } catch (ServiceClient.ServiceException e) {
            System.err.println("nnstain: " + e.getMessage());
            return 1;
        }
    }
}
