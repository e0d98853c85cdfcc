package org.ultrachat.platform.store;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a module's versioned migrations with Flyway. Each module owns its tables and its own
 * history table ({@code schema_history_<module>}); scripts live under
 * {@code db/<module>/common} (same SQL on every dialect) and {@code db/<module>/<dialect>}.
 * Blocking: call it at start-up or from a worker, never on an event loop.
 */
public final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {
  }

  /**
   * @return the number of migrations applied now (0 when the schema was current)
   * @throws org.flywaydb.core.api.FlywayException when a migration fails; it is rolled back
   */
  public static int apply(StoreTarget target, String module) {
    if (!module.matches("[a-z]+")) {
      throw new IllegalArgumentException("module name must be lowercase letters: " + module);
    }
    target.createDirectories();
    Flyway flyway = Flyway.configure(Migrations.class.getClassLoader())
        .dataSource(target.jdbcUrl(), target.jdbcUser(), target.jdbcPassword())
        .locations("classpath:db/" + module + "/common", "classpath:db/" + module + "/" + target.dialect().folder())
        .table("schema_history_" + module)
        // Other modules' tables share the schema: start this module's history at 0 instead of refusing.
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .failOnMissingLocations(false)
        .load();
    MigrateResult result = flyway.migrate();
    if (result.migrationsExecuted > 0) {
      LOG.atInfo().addKeyValue("module", module).addKeyValue("applied", result.migrationsExecuted)
          .addKeyValue("version", result.targetSchemaVersion).log("migrations applied");
    }
    return result.migrationsExecuted;
  }
}
