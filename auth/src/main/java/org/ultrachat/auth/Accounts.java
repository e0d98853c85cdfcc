package org.ultrachat.auth;

import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.ultrachat.platform.audit.AuditLog;
import org.ultrachat.platform.http.Authenticator.Caller;
import org.ultrachat.platform.http.ProblemException;

/** Rules shared by the self-service and admin sides: names, passwords, who may act, audit events. */
final class Accounts {
  private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{1,31}");

  private Accounts() {
  }

  /** Where a request came from, for sessions and the audit log. */
  record Origin(String ip, String userAgent) {
    Origin {
      userAgent = userAgent.length() > 256 ? userAgent.substring(0, 256) : userAgent;
    }
  }

  /** @return the username in its stored (lower-case) form, or BadInput */
  static String username(String given) {
    String name = given.toLowerCase(Locale.ROOT);
    if (!USERNAME.matcher(name).matches()) {
      throw new ProblemException.BadInput("'username' must be 2 to 32 characters of a-z, 0-9, '.', '_' or '-', "
          + "starting with a letter or digit");
    }
    return name;
  }

  /** Checks a new password's length; composition rules are left out on purpose (NIST SP 800-63B). */
  static void checkNewPassword(String password) {
    int length = password.codePointCount(0, password.length());
    if (length < PasswordHasher.MIN_PASSWORD_CHARS || length > PasswordHasher.MAX_PASSWORD_CHARS) {
      throw new ProblemException.BadInput("a password must be " + PasswordHasher.MIN_PASSWORD_CHARS + " to "
          + PasswordHasher.MAX_PASSWORD_CHARS + " characters");
    }
  }

  /** @throws ProblemException.Forbidden unless the caller is an admin using a credential with the admin scope */
  static void requireAdmin(Caller caller) {
    if (!Role.ADMIN.value().equals(caller.role()) || !caller.hasScope("admin")) {
      throw new ProblemException.Forbidden("this needs an administrator");
    }
  }

  /** @throws ProblemException.Forbidden unless the caller used a login session (not a personal access token) */
  static String requireSession(Caller caller) {
    return caller.sessionId().orElseThrow(() -> new ProblemException.Forbidden(
        "this needs a login session; personal access tokens cannot do it"));
  }

  static AuditLog.Event event(String action, AuditLog.Outcome outcome, Optional<String> actor, Optional<String> subject,
                              Origin origin, JsonObject detail) {
    return new AuditLog.Event(action, outcome, actor, subject, origin.ip(), detail);
  }
}
