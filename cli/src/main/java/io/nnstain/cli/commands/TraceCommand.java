package io.nnstain.cli.commands;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nnstain.cli.Nnstain;
import io.nnstain.cli.ServiceClient;
import io.nnstain.schemas.signature.NetworkSignature;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "trace", mixinStandardHelpOptions = true,
        description = "Print one neuron of a run's trace as JSON, addressed by its network signature.")
public final class TraceCommand implements Callable<Integer> {

    @ParentCommand
    Nnstain parent;

    @Parameters(index = "0", paramLabel = "RUN", description = "The run id (train and demo print it).")
    String run;

    @Parameters(index = "1", paramLabel = "SIGNATURE", description = "E_<epoch>/L_<layer>/n_<index>, e.g. E_30/L_hidden_1/n_20.")
    String signature;

    @Override
    public Integer call() throws Exception {
        NetworkSignature.parse(signature); // malformed: exit 2 before asking anyone
        ServiceClient client = new ServiceClient(Stacks.requireRunning(parent));
        try {
            System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(client.trace(run, signature)));
            return 0;
        } catch (ServiceClient.ServiceException e) {
            System.err.println("nnstain: " + e.getMessage());
            return e.status() == 400 ? 2 : 1;
        }
    }
}
