package dev.ballast.client;

/**
 * Told of every change a {@link ModelSubscriber} makes to the models it holds.
 *
 * <p>Called on the subscriber's polling thread, after the change is visible through
 * {@link ModelSubscriber#current(String)}, one call at a time and, per model id, in the order the changes were made.
 * Return quickly: the subscriber reads no further updates until the listener returns. An exception thrown here is
 * logged and does not stop the subscriber.
 */
@FunctionalInterface
public interface ModelUpdateListener {

    /**
     * @param modelId  the model that changed
     * @param previous the version held before, or {@code null} when the model is new
     * @param current  the version held now, or {@code null} when a tombstone removed the model
     */
    void onModelUpdate(String modelId, ModelHandle previous, ModelHandle current);
}
