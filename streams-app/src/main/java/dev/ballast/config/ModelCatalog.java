package dev.ballast.config;

import dev.ballast.learning.IncompatibleStateException;
import dev.ballast.training.TrainerSettings;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;

/**
 * The models an app trains, resolved once when the settings are loaded: every id in {@link BallastConfig#MODELS},
 * every id a per-model override names, and (with {@link BallastConfig#ACCEPT_UNKNOWN_MODELS}) the template unknown
 * ids train from. Each is fully built, so a bad value, or a combination the training classes refuse, fails start-up
 * with the key the user wrote ({@code ballast.models.fraud.batch.size}, not {@code ballast.batch.size}) instead of
 * throwing in a stream thread at the model's first event.
 */
public final class ModelCatalog {

    private final BallastConfig config;
    private final Map<String, ModelDeclaration> declared;
    /** The declaration of any other model id, or null when unknown ids are not trained. */
    private final ModelDeclaration template;

    private ModelCatalog(BallastConfig config, Map<String, ModelDeclaration> declared, ModelDeclaration template) {
        this.config = config;
        this.declared = Collections.unmodifiableMap(declared);
        this.template = template;
    }

    static ModelCatalog resolve(BallastConfig config) {
        boolean acceptUnknown = config.getBoolean(BallastConfig.ACCEPT_UNKNOWN_MODELS);
        Map<String, ModelDeclaration> declared = new LinkedHashMap<>();
        for (String modelId : config.getList(BallastConfig.MODELS)) {
            declared.put(modelId, declare(config.forModel(modelId), modelId, "model '" + modelId + "'"));
        }
        config.overriddenModelIds().forEach((modelId, firstKey) -> {
            if (!declared.containsKey(modelId)) {
                if (!acceptUnknown) {
                    throw new ConfigException(firstKey, config.originalStrings().get(firstKey), "model '" + modelId
                            + "' is not listed in " + BallastConfig.MODELS + " (and " + BallastConfig.ACCEPT_UNKNOWN_MODELS
                            + " is false), so this override would never apply");
                }
                declared.put(modelId, declare(config.forModel(modelId), modelId, "model '" + modelId + "'"));
            }
        });
        ModelDeclaration template = acceptUnknown
                ? declare(config, null, "the template of models not listed in " + BallastConfig.MODELS) : null;
        return new ModelCatalog(config, declared, template);
    }

    private static ModelDeclaration declare(BallastConfig config, String modelId, String what) {
        TrainerSettings settings;
        try {
            settings = config.trainerSettings();
        } catch (IllegalArgumentException e) {
            // Only combinations reach here: each value alone was checked against the range its class checks.
            throw new ConfigException("Invalid settings for " + what + ": " + e.getMessage());
        }
        return ModelDeclaration.of(modelId, config.getInt(BallastConfig.MODEL_FEATURES),
                config.getList(BallastConfig.MODEL_LABELS), settings);
    }

    /** The declaration of a model id, or empty when the app does not train it. */
    public Optional<ModelDeclaration> declaration(String modelId) {
        ModelDeclaration known = declared.get(modelId);
        if (known != null) {
            return Optional.of(known);
        }
        return template == null ? Optional.empty() : Optional.of(template.withModelId(modelId));
    }

    /**
     * Why a saved model cannot be restored under its declaration: the setting (as the user wrote it, per-model
     * override included) and the ways out.
     */
    public String refusal(String modelId, IncompatibleStateException incompatible) {
        String key = switch (incompatible.aspect()) {
            case FEATURE_COUNT -> BallastConfig.MODEL_FEATURES;
            case MODEL_TYPE -> BallastConfig.MODEL_TYPE;
            case HIDDEN_UNITS -> BallastConfig.MODEL_HIDDEN_UNITS;
            case LABELS -> BallastConfig.MODEL_LABELS;
        };
        String written = declared.containsKey(modelId) ? config.forModel(modelId).writtenAs(key) : key;
        String labelRule = incompatible.aspect() == IncompatibleStateException.Aspect.LABELS
                ? " (labels may be added, at the end or anywhere, but not removed or renamed)" : "";
        return "Model '" + modelId + "' cannot be restored: " + incompatible.getMessage() + " (" + written + ")"
                + labelRule + ". Set " + written + " back to " + incompatible.saved() + ", train under a new model id, or "
                + "delete the saved model with 'ballast models reset --model " + modelId + "' (it then starts afresh).";
    }

    /** The models declared by id (listed, or named by an override), in the order listed. */
    public Collection<ModelDeclaration> declared() {
        return declared.values();
    }
}
