package chorus.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.CoreConstants;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The relay logs through a Logback that has no known vulnerability: 1.5.18 and earlier are
 * affected by CVE-2025-11226 and CVE-2026-1225, fixed by 1.5.38 (issue 11, defect 5). Read from
 * the jars the relay actually runs with, classic and core alike.
 */
class LoggingLibraryTest {
    private static final int[] FIXED = {1, 5, 38};

    @Test
    void logbackIsAVersionWithoutTheKnownVulnerabilities() {
        String classic = LoggerContext.class.getPackage().getImplementationVersion();
        String core = CoreConstants.class.getPackage().getImplementationVersion();
        assertNotNull(classic, "logback-classic names its version");
        assertEquals(classic, core, "logback-classic and logback-core are the same release");
        int[] version = Arrays.stream(classic.split("[.-]")).limit(3).mapToInt(Integer::parseInt).toArray();
        assertTrue(Arrays.compare(version, FIXED) >= 0, "logback " + classic + " is older than 1.5.38");
    }
}
