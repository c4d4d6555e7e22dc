package dev.fabrik.server.net;

import dev.fabrik.server.config.ServerConfig.TlsConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Loads a PEM certificate chain and an unencrypted PKCS#8 PEM private key ({@code -----BEGIN
 * PRIVATE KEY-----}, what {@code openssl req -newkey ... -nodes} and {@code openssl genpkey} write)
 * into an {@link SSLContext}. RSA, EC and EdDSA keys are recognised. Legacy PKCS#1 ({@code BEGIN
 * RSA PRIVATE KEY}) files are refused with the command that converts them.
 */
final class PemKeyMaterial {
  private static final Pattern KEY =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
  private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448");

  private PemKeyMaterial() {}

  static SSLContext sslContext(TlsConfig tls) {
    try {
      Collection<? extends Certificate> chain = certificates(tls.certificatePem());
      PrivateKey key = privateKey(tls.privateKeyPem());
      char[] password = new char[0];
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("fabrik", key, password, chain.toArray(Certificate[]::new));
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot load TLS key material: " + e.getMessage(), e);
    }
  }

  private static Collection<? extends Certificate> certificates(Path pem)
      throws IOException, GeneralSecurityException {
    byte[] bytes = Files.readAllBytes(pem);
    Collection<? extends Certificate> chain =
        CertificateFactory.getInstance("X.509")
            .generateCertificates(new ByteArrayInputStream(bytes));
    if (chain.isEmpty()) {
      throw new GeneralSecurityException("no certificate in " + pem);
    }
    return chain;
  }

  private static PrivateKey privateKey(Path pem) throws IOException, GeneralSecurityException {
    String text = Files.readString(pem, StandardCharsets.US_ASCII);
    Matcher m = KEY.matcher(text);
    if (!m.find()) {
      if (text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN EC PRIVATE KEY")) {
        throw new GeneralSecurityException(
            pem
                + " is not PKCS#8; convert it with: openssl pkcs8 -topk8 -nocrypt -in "
                + pem.getFileName()
                + " -out key.pem");
      }
      throw new GeneralSecurityException("no unencrypted PKCS#8 private key in " + pem);
    }
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(m.group(1)));
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
        // try the next algorithm: PKCS#8 names it inside, but KeyFactory wants it up front
      }
    }
    throw new GeneralSecurityException("unsupported private key algorithm in " + pem);
  }
}
