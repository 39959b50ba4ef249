package io.nnstain.cli.commands;

import io.nnstain.cli.Nnstain;
import io.nnstain.cli.StackLauncher;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "down", mixinStandardHelpOptions = true,
        description = "Stop the stack that 'train' or 'demo' started in the background (the trace data stays).")
public final class DownCommand implements Callable<Integer> {

    @ParentCommand
    Nnstain parent;

    @Override
    public Integer call() {
        if (new StackLauncher(parent.layout(), System.out).stop()) {
            System.out.println("stack stopped; the trace stays in " + parent.layout().dataDir());
        } else {
            System.out.println("no stack is running");
        }
        return 0;
    }
}
