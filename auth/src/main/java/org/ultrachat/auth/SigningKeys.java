package org.ultrachat.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ultrachat.platform.crypto.Binding;
import org.ultrachat.platform.crypto.DataProtection;
import org.ultrachat.platform.store.Database;
import org.ultrachat.platform.store.Ids;

/**
 * The RS256 keys that sign access tokens. Kept in the store so every node shares them: the
 * newest signs, every key verifies (so tokens signed before a rotation stay valid until they
 * expire), and the private halves are sealed by the data-protection service, bound to their row.
 * A node reloads the set when it meets an unknown {@code kid} (at most every few seconds) and
 * periodically, so a rotation done by another process is adopted.
 */
final class SigningKeys {
  private static final Logger LOG = LoggerFactory.getLogger(SigningKeys.class);
  private static final String INSERT = "INSERT INTO signing_keys (kid, public_key, private_key, created_at) "
      + "VALUES (#{kid}, #{publicKey}, #{privateKey}, #{createdAt})";
  private static final String ALL = "SELECT kid, public_key, private_key, created_at FROM signing_keys "
      + "ORDER BY created_at, kid";
  /** Unknown kids cost at most one store read per interval, however many arrive. */
  private static final long MIN_RELOAD_INTERVAL_MS = 1_000;

  private final Vertx vertx;
  private final Database db;
  private final DataProtection protection;
  private volatile Keyring keyring = new Keyring(Map.of(), Optional.empty());
  private volatile long lastReload;
  private Future<Void> pendingReload;

  /** An immutable snapshot: keys by kid, and the one that signs. */
  private record Keyring(Map<String, RSAKey> keys, Optional<RSAKey> current) {
  }

  SigningKeys(Vertx vertx, Database db, DataProtection protection) {
    this.vertx = vertx;
    this.db = db;
    this.protection = protection;
  }

  /** Loads the keys; creates the first one when the store has none. */
  Future<Void> start() {
    return reload().compose(v -> keyring.current().isPresent() ? Future.succeededFuture() : rotate().mapEmpty());
  }

  /** Adds a new signing key, which signs from now on on this node (and on others at their next reload). */
  Future<String> rotate() {
    String kid = Ids.newId();
    return vertx.executeBlocking(SigningKeys::generate, false).compose(pair -> {
      String publicKey = Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
      String privateKey = protection.sealText(Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()),
          binding(kid));
      return SqlTemplate.forUpdate(db.writer(), INSERT).execute(Map.of("kid", kid, "publicKey", publicKey,
          "privateKey", privateKey, "createdAt", System.currentTimeMillis()));
    }).compose(done -> reload()).map(kid);
  }

  /** Re-reads the key set from the store. */
  Future<Void> reload() {
    lastReload = System.currentTimeMillis();
    return SqlTemplate.forQuery(db.reader(), ALL).execute(Map.of()).map(rows -> {
      Map<String, RSAKey> keys = new LinkedHashMap<>();
      RSAKey newest = null;
      for (var row : rows) {
        String kid = row.getString("kid");
        RSAKey key = rsaKey(kid, row.getString("public_key"),
            protection.openText(row.getString("private_key"), binding(kid)));
        keys.put(kid, key);
        newest = key;
      }
      keyring = new Keyring(Map.copyOf(keys), Optional.ofNullable(newest));
      return null;
    });
  }

  /** @return the key that signs new tokens */
  RSAKey signingKey() {
    return keyring.current().orElseThrow(() -> new IllegalStateException("signing keys are not loaded"));
  }

  /**
   * @return the verification key for a kid; when it is unknown, reloads the set and looks again,
   *     so keys rotated elsewhere are found. Reloads are shared and spaced at least
   *     {@link #MIN_RELOAD_INTERVAL_MS} apart: a flood of made-up kids waits for the next one.
   */
  Future<Optional<RSAKey>> verificationKey(String kid) {
    RSAKey known = keyring.keys().get(kid);
    if (known != null) {
      return Future.succeededFuture(Optional.of(known));
    }
    // The shared reload completes on whichever context started it; answer on the caller's own.
    Context caller = vertx.getOrCreateContext();
    Promise<Optional<RSAKey>> answer = Promise.promise();
    sharedReload().onComplete(done -> caller.runOnContext(v -> {
      if (done.succeeded()) {
        answer.complete(Optional.ofNullable(keyring.keys().get(kid)));
      } else {
        answer.fail(done.cause());
      }
    }));
    return answer.future();
  }

  private synchronized Future<Void> sharedReload() {
    if (pendingReload != null) {
      return pendingReload;
    }
    long wait = MIN_RELOAD_INTERVAL_MS - (System.currentTimeMillis() - lastReload);
    Future<Void> next = wait <= 0 ? reload() : vertx.timer(wait).compose(v -> reload());
    pendingReload = next;
    next.onComplete(done -> clearPending(next));
    return next;
  }

  private synchronized void clearPending(Future<Void> done) {
    if (pendingReload == done) {
      pendingReload = null;
    }
  }

  /** @return the public JWK set, as published at {@code /.well-known/jwks.json} */
  JsonObject jwks() {
    List<JWK> publicKeys = new ArrayList<>();
    keyring.keys().values().forEach(k -> publicKeys.add(k.toPublicJWK()));
    return new JsonObject(new JWKSet(publicKeys).toJSONObject(true));
  }

  private static Binding binding(String kid) {
    return new Binding("signing_keys", "private_key", kid);
  }

  private static KeyPair generate() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  private static RSAKey rsaKey(String kid, String publicKey, String privateKey) {
    try {
      KeyFactory rsa = KeyFactory.getInstance("RSA");
      RSAPublicKey pub = (RSAPublicKey) rsa.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(publicKey)));
      RSAPrivateKey priv = (RSAPrivateKey) rsa.generatePrivate(
          new PKCS8EncodedKeySpec(Base64.getDecoder().decode(privateKey)));
      return new RSAKey.Builder(pub).privateKey(priv).keyID(kid).keyUse(KeyUse.SIGNATURE)
          .algorithm(JWSAlgorithm.RS256).build();
    } catch (GeneralSecurityException e) {
      LOG.error("signing key {} cannot be read", kid);
      throw new IllegalStateException("signing key " + kid + " cannot be read", e);
    }
  }
}
