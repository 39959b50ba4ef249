package io.nnstain.trainer.training;

import io.nnstain.schemas.avro.Divergence;
import java.util.List;

/**
 * What a training run produced.
 *
 * @param scannedEpochs the epochs whose snapshots were published, E_0 first
 * @param probePredictions the final network's prediction for each published probe sample
 * @param trainMillis wall time of the epochs' training loops (without E_0's scan)
 * @param divergence where and how the run went non-finite and stopped; null when it trained to the end
 */
public record TrainingResult(String runId, int epochsTrained, List<Integer> scannedEpochs,
        double finalValidationAccuracy, double finalValidationLoss, int[] probePredictions, double trainMillis,
        List<EpochSummary> epochs, Divergence divergence) {

    public boolean diverged() {
        return divergence != null;
    }

    /** One epoch's headline figures, as the terminal log shows them. */
    public record EpochSummary(int epoch, double trainLoss, double validationAccuracy, boolean scanned) {
    }
}
