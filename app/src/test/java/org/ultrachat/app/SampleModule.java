package org.ultrachat.app;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.ultrachat.platform.config.Setting;
import org.ultrachat.platform.http.ApiRoutes;
import org.ultrachat.platform.http.Replies;
import org.ultrachat.platform.service.ServiceContext;
import org.ultrachat.platform.service.ServiceModule;

/**
 * A service as small as the contract allows, in the tests' module list only: one key, one
 * table migrated on both stores, one public route and one realtime frame type. It shows that a
 * module plugs in through {@link ServiceModule} alone.
 */
final class SampleModule implements ServiceModule {
  static final String NAME = "sample";
  static final String PATH = "/v1/sample/notes";
  static final String ECHO = "sample.echo";
  static final Setting GREETING = Setting.text("sample-greeting", "hello", "The sample service's greeting.");

  /** The build's modules and the sample: its one line. */
  static final List<ServiceModule> WITH_SAMPLE = with(Modules.ALL, new SampleModule());

  private static List<ServiceModule> with(List<ServiceModule> modules, ServiceModule extra) {
    List<ServiceModule> all = new ArrayList<>(modules);
    all.add(extra);
    return List.copyOf(all);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Setting> settings() {
    return List.of(GREETING);
  }

  @Override
  public boolean hasMigrations() {
    return true;
  }

  @Override
  public List<String> publicPaths() {
    return List.of(PATH);
  }

  @Override
  public Future<? extends Running> start(ServiceContext context) {
    String greeting = context.config().string(GREETING);
    ApiRoutes.Mount routes = api -> api.publicRoute(HttpMethod.GET, PATH, ctx -> Replies.json(ctx, 200,
        context.database().reader().query("SELECT body FROM sample_notes ORDER BY id").execute().map(rows -> {
          List<String> notes = new ArrayList<>();
          rows.forEach(row -> notes.add(row.getString("body")));
          return new JsonObject().put("greeting", greeting).put("notes", notes);
        })));
    // Answers on the sender's own connection, with the caller the gateway authenticated.
    context.frames().register(ECHO, frame -> {
      frame.reply("sample.echoed", new JsonObject().put("text", frame.body().getString("text"))
          .put("greeting", greeting).put("userId", frame.caller().userId()));
      return Future.succeededFuture();
    });
    return Future.succeededFuture(new Running() {
      @Override
      public List<ApiRoutes.Mount> routes() {
        return List.of(routes);
      }
    });
  }
}
