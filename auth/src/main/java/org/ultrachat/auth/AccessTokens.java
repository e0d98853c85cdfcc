package org.ultrachat.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Future;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.ultrachat.platform.http.ProblemException;

/**
 * Issues and verifies access tokens: JWT, RS256 only, with a {@code kid}, issuer
 * {@code ultrachat}, audience {@code ultrachat-api}, one hour. Verification accepts nothing
 * else: no other algorithm (so neither {@code none} nor HS256 keyed with the public key), no
 * unknown kid, no other issuer or audience, nothing expired.
 */
final class AccessTokens {
  static final String ISSUER = "ultrachat";
  static final String AUDIENCE = "ultrachat-api";
  static final Duration LIFETIME = Duration.ofHours(1);
  private static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

  private final SigningKeys keys;

  AccessTokens(SigningKeys keys) {
    this.keys = keys;
  }

  /** What a verified access token says. */
  record Claims(String userId, String sessionId, int tokenVersion, Instant expiresAt) {
  }

  /** @return a signed token for the user in the session */
  String issue(User user, String sessionId, Instant now) {
    RSAKey key = keys.signingKey();
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .subject(user.id())
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(LIFETIME)))
        .jwtID(UUID.randomUUID().toString())
        .claim("sid", sessionId)
        .claim("ver", user.tokenVersion())
        .claim("role", user.role().value())
        .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
        .type(JOSEObjectType.JWT).build(), claims);
    try {
      jwt.sign(new RSASSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException("signing failed", e);
    }
    return jwt.serialize();
  }

  /** @return the token's claims, or a future failed with {@link ProblemException.Unauthorized} */
  Future<Claims> verify(String token, Instant now) {
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException | RuntimeException e) {
      return refused("the access token is malformed");
    }
    JWSHeader header = jwt.getHeader();
    if (!JWSAlgorithm.RS256.equals(header.getAlgorithm())) {
      return refused("the access token must be signed with RS256");
    }
    String kid = header.getKeyID();
    if (kid == null) {
      return refused("the access token has no key id");
    }
    return keys.verificationKey(kid).compose(key -> {
      if (key.isEmpty()) {
        return refused("the access token is signed with an unknown key");
      }
      try {
        if (!jwt.verify(new RSASSAVerifier(key.get().toRSAPublicKey()))) {
          return refused("the access token signature is invalid");
        }
        return claims(jwt.getJWTClaimsSet(), now);
      } catch (JOSEException | ParseException e) {
        return refused("the access token cannot be verified");
      }
    });
  }

  private static Future<Claims> claims(JWTClaimsSet c, Instant now) throws ParseException {
    List<String> audience = c.getAudience();
    if (!ISSUER.equals(c.getIssuer()) || audience == null || !audience.contains(AUDIENCE)) {
      return refused("the access token was not issued for this API");
    }
    Date exp = c.getExpirationTime();
    if (exp == null || !now.minus(CLOCK_SKEW).isBefore(exp.toInstant())) {
      return refused("the access token has expired");
    }
    Date iat = c.getIssueTime();
    if (iat != null && iat.toInstant().isAfter(now.plus(CLOCK_SKEW))) {
      return refused("the access token is not valid yet");
    }
    String sid = c.getStringClaim("sid");
    Long ver = c.getLongClaim("ver");
    if (c.getSubject() == null || sid == null || ver == null) {
      return refused("the access token lacks required claims");
    }
    return Future.succeededFuture(new Claims(c.getSubject(), sid, ver.intValue(), exp.toInstant()));
  }

  private static <T> Future<T> refused(String why) {
    return Future.failedFuture(new ProblemException.Unauthorized(why));
  }
}
