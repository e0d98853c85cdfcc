package org.ultrachat.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.NodeSettings;
import org.ultrachat.platform.crypto.DataProtection;
import org.ultrachat.platform.crypto.MasterKey;
import org.ultrachat.platform.http.ProblemException;
import org.ultrachat.platform.store.Database;
import org.ultrachat.platform.store.Migrations;
import org.ultrachat.platform.store.StoreTarget;

/**
 * Access-token verification against forgeries, with real signing keys in a real (embedded)
 * store. Tokens here are hand-made with the server's own private key where the point is that
 * the claims, not the signature, are wrong.
 */
class AccessTokensTest {
  @TempDir
  Path dir;
  private Vertx vertx;
  private Database db;
  private SigningKeys keys;
  private AccessTokens tokens;
  private final User user = new User("0190f6c8-0000-7000-8000-000000000001", "ada", "Ada", Role.MEMBER,
      Optional.empty(), 0, Optional.empty(), Instant.now());

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    Config config = Config.defaults().with(Map.of(NodeSettings.DATA_DIR, dir.toString()));
    StoreTarget target = StoreTarget.of(config);
    Migrations.apply(target, "platform");
    Migrations.apply(target, "auth");
    db = Database.open(vertx, target);
    DataProtection protection = DataProtection.open(db, MasterKey.load(config)).await();
    keys = new SigningKeys(vertx, db, protection);
    keys.start().await();
    tokens = new AccessTokens(keys);
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private JWTClaimsSet.Builder validClaims() {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder().issuer("ultrachat").audience("ultrachat-api").subject(user.id())
        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(3600)))
        .claim("sid", "0190f6c8-0000-7000-8000-000000000002").claim("ver", 0);
  }

  private String signed(JWTClaimsSet claims, String kid) throws Exception {
    RSAKey key = keys.signingKey();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).type(JOSEObjectType.JWT).build(),
        claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  private void assertRefused(String token, String why) {
    assertThatThrownBy(() -> tokens.verify(token, Instant.now()).await())
        .isInstanceOf(ProblemException.Unauthorized.class).hasMessageContaining(why);
  }

  @Test
  void issuedTokenVerifiesAndSaysRs256WithAKnownKid() throws Exception {
    String token = tokens.issue(user, "0190f6c8-0000-7000-8000-000000000002", Instant.now());
    SignedJWT jwt = SignedJWT.parse(token);
    assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
    assertThat(keys.jwks().getJsonArray("keys").stream().map(k -> ((JsonObject) k).getString("kid")))
        .contains(jwt.getHeader().getKeyID());
    AccessTokens.Claims claims = tokens.verify(token, Instant.now()).await();
    assertThat(claims.userId()).isEqualTo(user.id());
  }

  @Test
  void unsignedAlgNoneTokenIsRefused() throws Exception {
    String header = Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}").toString();
    String body = Base64URL.encode(validClaims().build().toString()).toString();
    assertRefused(header + "." + body + ".", "malformed");
  }

  @Test
  void hs256SignedWithThePublicKeyIsRefused() throws Exception {
    RSAKey key = keys.signingKey();
    byte[] publicKeyBytes = key.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.getKeyID()).build(),
        validClaims().build());
    jwt.sign(new MACSigner(publicKeyBytes));
    assertRefused(jwt.serialize(), "RS256");
  }

  @Test
  void wrongAudienceIsRefused() throws Exception {
    assertRefused(signed(validClaims().audience("another-api").build(), keys.signingKey().getKeyID()), "not issued");
  }

  @Test
  void wrongIssuerIsRefused() throws Exception {
    assertRefused(signed(validClaims().issuer("evil").build(), keys.signingKey().getKeyID()), "not issued");
  }

  @Test
  void expiredTokenIsRefused() throws Exception {
    Instant past = Instant.now().minusSeconds(7200);
    JWTClaimsSet claims = validClaims().issueTime(Date.from(past)).expirationTime(Date.from(past.plusSeconds(3600))).build();
    assertRefused(signed(claims, keys.signingKey().getKeyID()), "expired");
  }

  @Test
  void realSignatureWithAnUnknownKidIsRefused() throws Exception {
    assertRefused(signed(validClaims().build(), "0190f6c8-0000-7000-8000-00000000dead"), "unknown key");
  }

  @Test
  void tamperedPayloadIsRefused() throws Exception {
    String token = tokens.issue(user, "0190f6c8-0000-7000-8000-000000000002", Instant.now());
    String[] parts = token.split("\\.");
    String forged = Base64URL.encode(validClaims().subject("0190f6c8-0000-7000-8000-0000000000ad").build().toString()).toString();
    assertRefused(parts[0] + "." + forged + "." + parts[2], "signature");
  }

  @Test
  void tokensSignedBeforeARotationStayValid() throws Exception {
    String before = tokens.issue(user, "0190f6c8-0000-7000-8000-000000000002", Instant.now());
    String oldKid = keys.signingKey().getKeyID();
    String newKid = keys.rotate().await();
    assertThat(newKid).isNotEqualTo(oldKid);
    String after = tokens.issue(user, "0190f6c8-0000-7000-8000-000000000002", Instant.now());
    assertThat(SignedJWT.parse(after).getHeader().getKeyID()).isEqualTo(newKid);
    assertThat(tokens.verify(before, Instant.now()).await().userId()).isEqualTo(user.id());
    assertThat(tokens.verify(after, Instant.now()).await().userId()).isEqualTo(user.id());
  }

  @Test
  void anotherNodeFindsAKeyRotatedElsewhere() throws Exception {
    DataProtection protection = DataProtection.open(db, MasterKey.load(Config.defaults().with(
        Map.of(NodeSettings.DATA_DIR, dir.toString())))).await();
    SigningKeys otherNode = new SigningKeys(vertx, db, protection);
    otherNode.start().await();
    String newKid = keys.rotate().await();
    String token = tokens.issue(user, "0190f6c8-0000-7000-8000-000000000002", Instant.now());
    assertThat(SignedJWT.parse(token).getHeader().getKeyID()).isEqualTo(newKid);
    assertThat(new AccessTokens(otherNode).verify(token, Instant.now()).await().userId()).isEqualTo(user.id());
  }
}
