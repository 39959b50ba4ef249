package io.nnstain.trainer.training;

import java.util.List;

/**
 * What a training run produced.
 *
 * @param scannedEpochs the epochs whose snapshots were published, E_0 first
 * @param probePredictions the final network's prediction for each published probe sample
 * @param trainMillis wall time of the epochs' training loops (without E_0's scan)
 */
public record TrainingResult(String runId, int epochsTrained, List<Integer> scannedEpochs,
        double finalValidationAccuracy, double finalValidationLoss, int[] probePredictions, double trainMillis,
        List<EpochSummary> epochs) {

    /** One epoch's headline figures, as the terminal log shows them. */
    public record EpochSummary(int epoch, double trainLoss, double validationAccuracy, boolean scanned) {
    }
}
