package dev.ballast.feedback;

/** What becomes of an unlabelled event whose labels did not come within {@code ballast.labels.max.delay.ms}. */
public enum MissingLabels {
    /** Dropped: it is counted as expired and never trains. */
    IGNORE("ignore"),
    /** Trained as all-negative: no report within the window means none (the chargeback pattern). */
    NEGATIVE("negative");

    private final String configName;

    MissingLabels(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }
}
