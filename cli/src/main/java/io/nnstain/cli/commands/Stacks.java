package io.nnstain.cli.commands;

import io.nnstain.cli.Nnstain;
import io.nnstain.cli.StackLauncher;
import io.nnstain.cli.StackState;

final class Stacks {

    private Stacks() {
    }

    static StackState requireRunning(Nnstain parent) {
        return new StackLauncher(parent.layout(), System.out).running().orElseThrow(() -> new IllegalStateException(
                "no stack is running; start one with 'nnstain up' (or 'nnstain train', which starts it)"));
    }
}
