package dev.ballast.processor;

import dev.ballast.schema.DenseFeatures;
import dev.ballast.schema.LabelledEvent;
import dev.ballast.schema.SparseFeatures;
import java.util.List;
import java.util.Map;

/**
 * Checks one event against its model's declaration: dimension, label names, finite values, importance. Pure:
 * returns the first problem found, or null when the event is valid.
 */
public final class EventValidator {

    private static final int MAX_REASON_LABEL = 64;

    private EventValidator() {
    }

    static Rejection validate(LabelledEvent event, int featureCount, Map<String, Integer> labelIndex) {
        Object features = event.getFeatures();
        if (features instanceof DenseFeatures dense) {
            Rejection problem = checkDense(dense.getValues(), featureCount);
            if (problem != null) {
                return problem;
            }
        } else if (features instanceof SparseFeatures sparse) {
            Rejection problem = checkSparse(sparse.getIndices(), sparse.getValues(), featureCount);
            if (problem != null) {
                return problem;
            }
        } else {
            return new Rejection(Rejection.INVALID, "features are missing");
        }
        // Null labels: not known yet (the event is scored and waits for them).
        Rejection unknown = event.getLabels() == null ? null
                : checkLabels(event.getLabels(), event.getModelId(), labelIndex);
        if (unknown != null) {
            return unknown;
        }
        float importance = event.getImportance();
        if (!Float.isFinite(importance)) {
            return new Rejection(Rejection.NON_FINITE, "importance is " + importance);
        }
        if (importance < 0) {
            return new Rejection(Rejection.NEGATIVE_WEIGHT, "importance " + importance + " is negative");
        }
        return null;
    }

    /** The first label name the model does not declare, as a rejection; null when all are declared. */
    static Rejection checkLabels(List<String> labels, String modelId, Map<String, Integer> labelIndex) {
        for (String label : labels) {
            if (!labelIndex.containsKey(label)) {
                return new Rejection(Rejection.UNKNOWN_LABEL, "unknown label '" + shorten(label) + "'; model '"
                        + modelId + "' declares " + labelIndex.size() + " labels");
            }
        }
        return null;
    }

    private static Rejection checkDense(List<Float> values, int featureCount) {
        if (values.size() != featureCount) {
            return new Rejection(Rejection.DIMENSION, "feature dimension " + values.size() + ", model expects " + featureCount);
        }
        for (int i = 0; i < values.size(); i++) {
            if (!Float.isFinite(values.get(i))) {
                return new Rejection(Rejection.NON_FINITE, "feature " + i + " is " + values.get(i));
            }
        }
        return null;
    }

    private static Rejection checkSparse(List<Integer> indices, List<Float> values, int featureCount) {
        if (indices.size() != values.size()) {
            return new Rejection(Rejection.INVALID, "sparse features have " + indices.size() + " indices but "
                    + values.size() + " values");
        }
        if (indices.size() > featureCount) {
            return new Rejection(Rejection.DIMENSION, indices.size() + " sparse values, model has " + featureCount + " features");
        }
        int previous = -1;
        for (int i = 0; i < indices.size(); i++) {
            int index = indices.get(i);
            if (index < 0 || index >= featureCount) {
                return new Rejection(Rejection.DIMENSION, "feature index " + index + " outside [0, " + featureCount + ")");
            }
            if (index <= previous) {
                return new Rejection(Rejection.INVALID, "sparse indices must be strictly increasing, found " + index
                        + " after " + previous);
            }
            previous = index;
            if (!Float.isFinite(values.get(i))) {
                return new Rejection(Rejection.NON_FINITE, "feature " + index + " is " + values.get(i));
            }
        }
        return null;
    }

    /** Caps user-supplied text quoted in a reason, so a hostile value cannot blow up a dead letter. */
    public static String shorten(String text) {
        return text.length() <= MAX_REASON_LABEL ? text : text.substring(0, MAX_REASON_LABEL) + "...";
    }
}
