package io.nnstain.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.nnstain.cli.Nnstain;
import io.nnstain.cli.ServiceClient;
import io.nnstain.cli.StackLauncher;
import io.nnstain.cli.StackState;
import io.nnstain.schemas.config.RunSpec;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/** Submits a run to the stack (starting it in the background if needed) and follows it until its trace is stored. */
final class RunWatcher {

    private final Nnstain parent;
    private final PrintStream err = System.err;

    RunWatcher(Nnstain parent) {
        this.parent = parent;
    }

    record Outcome(String runId, StackState stack, JsonNode manifest) {
    }

    Outcome trainAndWait(RunSpec spec) {
        StackLauncher launcher = new StackLauncher(parent.layout(), err);
        StackState stack = launcher.running().orElseGet(() -> {
            err.println("no stack running: starting one in the background ('nnstain down' stops it)");
            return launcher.start(StackLauncher.Ports.DEFAULT, true, Duration.ofSeconds(120));
        });
        ServiceClient client = new ServiceClient(stack);
        JsonNode submitted;
        try {
            submitted = client.submitRun(TrainOptions.toJson(spec));
        } catch (ServiceClient.ServiceException e) {
            if (e.status() == 400) {
                throw new IllegalArgumentException(e.getMessage());
            }
            throw e;
        }
        String runId = submitted.path("run_id").asText();
        err.println("run " + runId + " submitted: " + spec.dataset() + ", hidden " + spec.hidden() + ", "
                + spec.epochs() + " epochs, scanning " + spec.scannedEpochs().size() + " epochs");
        Progress progress = new Progress(err, spec.epochs());
        String state;
        while (true) {
            JsonNode run = client.run(runId);
            state = run.path("state").asText();
            progress.show(run.path("epochs_done").asInt(), state, run.path("train_loss"), run.path("validation_accuracy"));
            if (state.equals("COMPLETED") || state.equals("FAILED") || state.equals("DIVERGED")) {
                break;
            }
            pause();
        }
        progress.done();
        JsonNode finished = client.run(runId);
        if (state.equals("FAILED")) {
            throw new IllegalStateException("run " + runId + " failed: " + finished.path("error").asText()
                    + " (see " + parent.layout().logs().resolve("trainer-service.log") + ")");
        }
        Set<Integer> scanned = new HashSet<>(spec.scannedEpochs());
        if (state.equals("DIVERGED")) {
            // the epochs up to the divergence are traced: wait for them, then say what went wrong
            int last = finished.path("divergence").path("epoch").asInt();
            scanned.removeIf(e -> e > last);
        }
        err.print("assembling the trace ...");
        Outcome outcome = awaitTrace(client, runId, stack, scanned);
        if (state.equals("DIVERGED")) {
            throw new RunDiverged("run " + runId + " DIVERGED: " + finished.path("error").asText() + " Its trace: "
                    + stack.dataDir() + "/runs/" + runId);
        }
        return outcome;
    }

    /** A run that went non-finite: its trace is stored up to there; the CLI exits with 1 and this message. */
    static final class RunDiverged extends IllegalStateException {
        RunDiverged(String message) {
            super(message);
        }
    }

    private Outcome awaitTrace(ServiceClient client, String runId, StackState stack, Set<Integer> scanned) {
        long deadline = System.currentTimeMillis() + 300_000;
        while (true) {
            JsonNode manifest = manifestOrNull(client, runId);
            if (manifest != null) {
                Set<Integer> assembled = new HashSet<>();
                manifest.path("assembled_epochs").forEach(e -> assembled.add(e.asInt()));
                if (assembled.containsAll(scanned) && manifest.has("finished")) {
                    err.println(" done");
                    return new Outcome(runId, stack, manifest);
                }
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the collector has not stored all epochs of " + runId
                        + " after 5 minutes; see " + parent.layout().logs().resolve("trace-collector.log"));
            }
            pause();
        }
    }

    private static JsonNode manifestOrNull(ServiceClient client, String runId) {
        try {
            return client.manifest(runId);
        } catch (ServiceClient.ServiceException e) {
            if (e.status() == 404) {
                return null;
            }
            throw e;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    /** A one-line progress bar on a terminal; a line per epoch otherwise. */
    static final class Progress {
        private final PrintStream out;
        private final int epochs;
        private final boolean terminal = System.console() != null;
        private int shown = -1;

        Progress(PrintStream out, int epochs) {
            this.out = out;
            this.epochs = epochs;
        }

        void show(int done, String state, JsonNode loss, JsonNode accuracy) {
            if (done == shown) {
                return;
            }
            shown = done;
            int width = 30;
            int filled = epochs == 0 ? 0 : done * width / epochs;
            String figures = loss.isNumber() ? String.format("  loss %.4f  val acc %.3f", loss.asDouble(), accuracy.asDouble()) : "";
            String line = "[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/" + epochs + " epochs  "
                    + state.toLowerCase() + figures;
            if (terminal) {
                out.print("\r" + line);
            } else {
                out.println(line);
            }
        }

        void done() {
            if (terminal) {
                out.println();
            }
        }
    }
}
