package chorus.relay.config;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.List;

/**
 * TLS on the control port and the file service: {@code chorus.relay.tls}.
 *
 * @param certificate PEM certificate chain (leaf first), or empty for the kept self-signed one
 * @param privateKey  PEM private key of the leaf (PKCS#8, PKCS#1 or SEC1), or empty likewise
 * @param directory   where the self-signed pair is made on first start and kept
 * @param names       extra host names or addresses for the self-signed certificate's SAN
 */
public record TlsConfig(boolean enabled, String certificate, String privateKey, Path directory, List<String> names) {

    public TlsConfig {
        if (certificate.isBlank() != privateKey.isBlank()) {
            throw new IllegalArgumentException("chorus.relay.tls.certificate and chorus.relay.tls.private-key go "
                    + "together (CHORUS_TLS_CERT and CHORUS_TLS_KEY): set both, or neither for a self-signed certificate");
        }
    }

    /** True when PEM files are given (else the relay makes and keeps its own certificate). */
    public boolean fromFiles() {
        return !certificate.isBlank();
    }

    /** @param relay the {@code chorus.relay} section */
    static TlsConfig from(Config relay) {
        Config c = relay.getConfig("tls");
        return new TlsConfig(c.getBoolean("enabled"), c.getString("certificate"), c.getString("private-key"),
                Path.of(c.getString("directory")), c.getStringList("names"));
    }
}
