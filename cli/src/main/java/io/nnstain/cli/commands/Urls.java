package io.nnstain.cli.commands;

import io.nnstain.cli.StackLauncher;
import io.nnstain.cli.StackState;
import java.io.PrintStream;

final class Urls {

    private Urls() {
    }

    static void print(StackState state, StackLauncher.Layout layout, PrintStream out) {
        out.println("Kafka            " + state.kafkaBootstrapServers());
        out.println("trainer-service  " + state.trainerUrl() + "   (POST /runs, GET /runs/{id})");
        out.println("trace-collector  " + state.collectorUrl() + "   (GET /runs, /runs/{run}/trace/E_0/L_input/n_0)");
        out.println("analyzer-service " + state.analyzerUrl() + "   (GET /runs/{run}/structures/E_30, /runs/{run}/summary)");
        out.println("web UI           " + state.vizUrl() + "   (runs, stains live while they train)");
        out.println("trace data       " + state.dataDir());
        out.println("logs             " + layout.logs());
    }
}
