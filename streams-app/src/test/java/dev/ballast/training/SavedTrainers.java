package dev.ballast.training;

import dev.ballast.evaluation.StateRoundTrip;
import dev.ballast.schema.state.SavedModelState;
import java.io.IOException;
import java.util.Map;

/** A trainer's state as the processor saves it in its store: in the saved-state record, through Avro binary. */
final class SavedTrainers {

    private SavedTrainers() {
    }

    static SavedModelState saved(OnlineTrainer trainer) throws IOException {
        SavedModelState.Builder saved = SavedModelState.newBuilder().setSaveSequence(1).setSnapshotVersion(0)
                .setBatchesAtLastSnapshot(0).setReflectedOffsets(Map.of());
        trainer.saveTo(saved);
        return StateRoundTrip.roundTrip(saved.build());
    }
}
