package dev.ballast.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

class NativeRuntimeTest {

    @Test
    void shouldPinOpenMpAndOpenBlasThreadsWithoutEnvironmentVariables() {
        NativeRuntime.configure(1);
        NativeRuntime.configure(1);

        assertEquals(1, NativeRuntime.configuredThreads());
        assertEquals(1, NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads());
        assertEquals(1, Nd4j.factory().blas().getMaxThreads());
        assertEquals(1, Nd4j.getEnvironment().maxMasterThreads());
    }
}
