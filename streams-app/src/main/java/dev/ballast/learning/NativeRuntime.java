package dev.ballast.learning;

import java.util.Locale;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Pins the native thread pools behind ND4J from Ballast's own configuration, so no {@code OMP_NUM_THREADS} or
 * {@code OPENBLAS_NUM_THREADS} environment variable is needed. On small machines unpinned pools (one thread per
 * core per stream thread) oversubscribe the CPU and make every step several times slower.
 *
 * <p>Sets, in nd4j-native 1.0.0-M2.1: the OpenMP team size ({@code NativeOps.setOmpNumThreads}), the OpenBLAS
 * thread count ({@code Nd4j.factory().blas().setMaxThreads}, i.e. {@code blas_set_num_threads}) and libnd4j's
 * master-thread count ({@code Environment.setMaxMasterThreads}). All three take effect after the backend has
 * loaded. libnd4j's own pool size ({@code Environment.maxThreads}) can only grow after start-up; Ballast runs
 * its element-wise work in Java and calls native code only for gemm, so that pool stays idle.
 */
public final class NativeRuntime {

    /**
     * JavaCPP compares the process's resident set with this limit on every native allocation, reading it from
     * the operating system each time; ND4J allocates small argument pointers on every op, so the check alone
     * took an eighth of a training step. Ballast's native memory is its few preallocated model buffers (the
     * off-heap byte limit, {@code org.bytedeco.javacpp.maxBytes}, still applies), so the check is off unless the
     * user sets the property.
     */
    static final String MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxPhysicalBytes";

    static {
        if (System.getProperty(MAX_PHYSICAL_BYTES) == null
                && System.getProperty(MAX_PHYSICAL_BYTES.toLowerCase(Locale.ROOT)) == null) {
            System.setProperty(MAX_PHYSICAL_BYTES, "0");
        }
    }

    private static int configuredThreads;

    private NativeRuntime() {
    }

    /** Sets the native thread counts; idempotent. Call before the first model is used. */
    public static synchronized void configure(int threads) {
        if (threads <= 0) {
            throw new IllegalArgumentException("threads must be > 0, got " + threads);
        }
        if (threads == configuredThreads) {
            return;
        }
        // Nd4j first: NativeOpsHolder cannot initialise before the backend has loaded.
        Nd4j.factory().blas().setMaxThreads(threads);
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        configuredThreads = threads;
    }

    /**
     * Settles the JVM-wide native settings; called before the first ND4J array of a model is created (JavaCPP
     * reads its properties once, when it first loads).
     */
    static void prepare() {
        // The static initialiser does the work.
    }

    /** The thread count last set by {@link #configure}, or 0 if never called. */
    public static synchronized int configuredThreads() {
        return configuredThreads;
    }
}
