package io.nnstain.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.nnstain.cli.Nnstain;
import io.nnstain.cli.ServiceClient;
import io.nnstain.schemas.config.AnalysisParams;
import io.nnstain.schemas.config.RunSpec;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "The default run traced end to end: SimpleNN (16-16, ReLU) on moons, binary, as in the original "
                + "project. Prints the run id, where its trace is, and per class the structure found, when it settled "
                + "and what ablating it does; leaves the stack running.")
public final class DemoCommand implements Callable<Integer> {

    @ParentCommand
    Nnstain parent;

    /**
     * The run's results/index.html: the viz service writes it after the final epoch's analysis; if it is not
     * there within a minute, it is asked to write it now.
     */
    static String results(ServiceClient client, String runId) {
        java.nio.file.Path index = null;
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            JsonNode written = client.vizRun(runId).path("results_index");
            if (written.isTextual()) {
                index = java.nio.file.Path.of(written.asText());
                break;
            }
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return index == null ? client.writeResults(runId).path("index").asText() : index.toString();
    }

    @Override
    public Integer call() {
        RunWatcher.Outcome outcome = new RunWatcher(parent).trainAndWait(RunSpec.defaults().validated());
        JsonNode m = outcome.manifest();
        JsonNode last = m.path("epochs").get(m.path("epochs").size() - 1);
        int rows = 0;
        for (JsonNode e : m.path("epochs")) {
            rows += e.path("rows").asInt();
        }
        System.out.println("run id:      " + outcome.runId());
        System.out.println("trace:       " + outcome.stack().dataDir() + "/runs/" + outcome.runId()
                + "  (" + m.path("epochs").size() + " scanned epochs E_0..E_" + last.path("epoch").asInt() + ", "
                + rows + " neuron snapshots)");
        System.out.printf("final epoch: validation accuracy %.3f%n", last.path("validation_accuracy").asDouble());
        System.out.println("look up:     bin/nnstain trace " + outcome.runId() + " E_" + last.path("epoch").asInt()
                + "/L_hidden_1/n_0");
        System.out.println("collector:   " + outcome.stack().collectorUrl() + "/runs/" + outcome.runId());
        ServiceClient client = new ServiceClient(outcome.stack());
        JsonNode summary = client.summary(outcome.runId(), AnalysisParams.defaults());
        System.out.println();
        AnalyzeCommand.print(summary, System.out);
        System.out.println("analyzer:    " + outcome.stack().analyzerUrl() + "/runs/" + outcome.runId() + "/structures/E_"
                + last.path("epoch").asInt());
        System.out.println();
        System.out.println("pictures:    " + results(client, outcome.runId()) + "   (opens without a server)");
        System.out.println("web UI:      " + outcome.stack().vizUrl() + "/run.html?run=" + outcome.runId());
        System.out.println("The stack keeps running; 'bin/nnstain down' stops it.");
        System.out.println(outcome.runId());
        return 0;
    }
}
