package org.ultrachat.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.ultrachat.gateway.EdgeSettings;
import org.ultrachat.platform.config.Config;
import org.ultrachat.platform.config.NodeSettings;
import org.ultrachat.platform.testing.TcpProxy;

/**
 * The web client in real Chromium against a real node on the embedded store: two people (two
 * browsers) chat in a channel, in a thread and by direct message; one loses its network and,
 * back online, shows exactly what it missed; markup in a message stays text. Ben's browser
 * reaches the node through a TCP proxy the test can cut, as a dropped network would.
 */
class WebClientIT {
  @TempDir
  static Path dir;
  static Node node;
  static TcpProxy proxy;
  static Browser ana;
  static Browser ben;
  static int channels;

  @BeforeAll
  static void start() {
    Browser.requireChromium();
    node = Node.start(Config.defaults().with(Map.of(
        EdgeSettings.HTTP_PORT, "0",
        EdgeSettings.HTTP_HOST, "127.0.0.1",
        NodeSettings.DATA_DIR, dir.resolve("data").toString())));
    proxy = new TcpProxy(node.vertx(), "127.0.0.1", node.port()).start();
    ana = new Browser("http://127.0.0.1:" + node.port());
    ben = new Browser("http://127.0.0.1:" + proxy.port());
    ana.register("ana", "Ana Lovelace");
    ben.register("ben", "Ben Okri");
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {ana, ben, proxy}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        System.err.println("closing " + c + ": " + e);
      }
    }
    if (node != null) {
      node.stop();
    }
  }

  /** Prints what the pages logged, and fails a test during which the CSP refused anything. */
  @AfterEach
  void noContentSecurityPolicyViolations(TestInfo test) {
    List<String> refused = new ArrayList<>();
    for (Browser b : new Browser[] {ana, ben}) {
      List<String> log = b.consoleLog();
      if (!log.isEmpty()) {
        System.out.println("[" + test.getDisplayName() + "] console of " + b.base + ":\n  " + String.join("\n  ", log));
      }
      log.stream().filter(line -> line.contains("Content Security Policy")).forEach(refused::add);
    }
    assertThat(refused).as("CSP violations").isEmpty();
  }

  /** Ana creates a channel, Ben joins it from the browse dialog; both end with it open. */
  static String sharedChannel() {
    String name = "room-" + ++channels;
    ana.createChannel(name);
    ben.joinChannel(name);
    return name;
  }

  @Test
  void twoPeopleChatInAChannelInAThreadAndByDirectMessage() {
    sharedChannel();
    ana.send("hello ben");
    ben.waitMessage("hello ben");
    ben.send("hi @ana, how are you?");
    ana.waitMessage("hi @ana, how are you?");
    ana.wait.until(d -> ana.message("hi @ana, how are you?").findElements(By.cssSelector(".mention.me")).size() == 1);

    ben.messageAction("hello ben", "action-reply");
    ben.visible("thread-composer").sendKeys("a reply in the thread", Keys.ENTER);
    ben.wait.until(d -> ben.threadReplies().contains("a reply in the thread"));
    ana.wait.until(d -> ana.message("hello ben").findElements(By.className("thread-link")).stream()
        .filter(b -> b.getText().equals("1 reply")).findFirst().orElse(null)).click();
    ana.wait.until(d -> ana.threadReplies().equals(List.of("a reply in the thread")));
    ana.byId("thread-composer").sendKeys("and one back", Keys.ENTER);
    ben.wait.until(d -> ben.threadReplies().equals(List.of("a reply in the thread", "and one back")));
    assertThat(ana.messages()).containsExactly("hello ben", "hi @ana, how are you?");

    ana.startDirectMessage("ben");
    ana.waitConversation("Ben Okri");
    ana.send("just between us");
    ben.wait.until(d -> {
      var dm = ben.sidebarButton("Ana Lovelace");
      return dm != null && !dm.findElements(By.cssSelector(".badge[data-count='1']")).isEmpty();
    });
    ben.openConversation("Ana Lovelace");
    ben.waitMessage("just between us");
    ben.wait.until(d -> ben.sidebarButton("Ana Lovelace").findElements(By.className("badge")).isEmpty());
    ben.send("agreed");
    ana.waitMessage("agreed");
    assertThat(ana.messages()).containsExactly("just between us", "agreed");
  }

  @Test
  void editsDeletesAndReactionsReachTheOtherPerson() {
    sharedChannel();
    ana.send("a tpyo here");
    ana.send("this one goes away");
    ben.waitMessage("this one goes away");

    ana.messageAction("a tpyo here", "action-edit");
    var box = ana.driver.findElement(By.cssSelector("#message-list .edit-box textarea"));
    box.sendKeys(Keys.chord(Keys.CONTROL, "a"), "the typo is fixed", Keys.ENTER);
    ben.waitMessage("the typo is fixed");
    ben.wait.until(d -> ben.message("the typo is fixed").getText().contains("(edited)"));

    ana.messageAction("this one goes away", "action-delete");
    ana.wait.until(d -> {
      try {
        d.switchTo().alert().accept();
        return true;
      } catch (NoAlertPresentException e) {
        return false;
      }
    });
    ben.wait.until(d -> ben.messages().equals(List.of("the typo is fixed", "This message was deleted.")));

    ben.messageAction("the typo is fixed", "action-react");
    ben.wait.until(d -> !d.findElements(By.cssSelector(".reaction-picker button")).isEmpty());
    ben.driver.findElements(By.cssSelector(".reaction-picker button")).get(0).click();
    ana.wait.until(d -> ana.message("the typo is fixed").findElements(By.cssSelector(".reaction")).stream()
        .anyMatch(r -> r.getText().endsWith(" 1")));
    // Ben's own reaction is marked as his; a second click takes it back, for both.
    ben.wait.until(d -> !ben.message("the typo is fixed").findElements(By.cssSelector(".reaction.mine")).isEmpty());
    ben.wait.until(d -> ben.message("the typo is fixed").findElement(By.cssSelector(".reaction.mine"))).click();
    ana.wait.until(d -> ana.message("the typo is fixed").findElements(By.cssSelector(".reaction")).isEmpty());
  }

  @Test
  void searchOpensTheFoundMessageAndMentionsCompleteFromTheMembers() {
    sharedChannel();
    ana.send("we deploy the frontend tomorrow");
    ben.waitMessage("we deploy the frontend tomorrow");

    ben.byId("search-input").sendKeys("frontend", Keys.ENTER);
    ben.wait.until(d -> d.findElements(By.cssSelector("#search-results button[data-message-id]")).stream()
        .filter(b -> b.getText().contains("we deploy the frontend tomorrow")).findFirst().orElse(null)).click();
    ben.wait.until(d -> ben.message("we deploy the frontend tomorrow").getAttribute("class").contains("highlight"));

    ben.byId("composer").sendKeys("@an");
    ben.wait.until(d -> d.findElements(By.cssSelector("#mention-popup li")).stream()
        .anyMatch(li -> li.getText().startsWith("@ana")));
    ben.byId("composer").sendKeys(Keys.ENTER);
    ben.wait.until(d -> "@ana ".equals(ben.byId("composer").getDomProperty("value")));
    ben.send("please check");
    ana.waitMessage("@ana please check");
    ana.wait.until(d -> ana.message("@ana please check").findElements(By.cssSelector(".mention.me")).size() == 1);
  }

  @Test
  void olderHistoryLoadsWhenScrolledToTheTop() {
    String room = sharedChannel();
    String channelId = ((String) ana.js("return location.hash")).replace("#/c/", "");
    Http http = new Http(node.port());
    String token = new JsonObject(http.post("/v1/auth/login", new JsonObject()
        .put("username", "ana").put("password", Browser.PASSWORD), null).body()).getString("accessToken");
    List<String> all = IntStream.rangeClosed(1, 70).mapToObj(i -> "history " + i).toList();
    for (String text : all) {
      assertThat(http.post("/v1/channels/" + channelId + "/messages", new JsonObject()
          .put("body", text), token).statusCode()).isEqualTo(201);
    }
    ben.waitMessage("history 70");
    // Ben opens the channel afresh: the newest page, then the rest as he scrolls up.
    try (Browser late = new Browser("http://127.0.0.1:" + node.port())) {
      late.openLoginPage();
      late.byId("login-username").sendKeys("ben");
      late.byId("login-password").sendKeys(Browser.PASSWORD, Keys.ENTER);
      late.waitSignedIn("ben");
      late.openConversation(room);
      late.waitMessage("history 70");
      assertThat(late.messages()).hasSize(50).endsWith("history 70");
      late.wait.until(d -> {
        late.js("document.getElementById('message-list').scrollTop = 0");
        return late.messages().size() == 70;
      });
      assertThat(late.messages()).containsExactlyElementsOf(all);
      assertThat(late.byId("message-list").getText()).contains("This is the beginning of " + room);
    }
  }

  @Test
  void aBrowserThatLostItsNetworkShowsExactlyTheMessagesItMissed() {
    sharedChannel();
    ana.send("before the cut");
    ben.waitMessage("before the cut");

    proxy.cut();
    ben.wait.until(d -> ben.byId("connection-status").isDisplayed());
    List<String> missed = IntStream.rangeClosed(1, 5).mapToObj(i -> "missed " + i).toList();
    for (String text : missed) {
      ana.send(text);
    }
    ana.wait.until(d -> ana.messages().containsAll(missed));
    // Ben writes while offline: the message waits in the outbox and is sent once when back.
    ben.send("written while offline");
    assertThat(ben.messages()).containsExactly("before the cut");

    proxy.start();
    new WebDriverWait(ben.driver, Duration.ofSeconds(45), Duration.ofMillis(100))
        .until(d -> !ben.byId("connection-status").isDisplayed());
    List<String> expected = new ArrayList<>(List.of("before the cut"));
    expected.addAll(missed);
    expected.add("written while offline");
    ben.wait.until(d -> ben.messages().size() >= expected.size());
    assertThat(ben.messages()).containsExactlyElementsOf(expected);
    ana.wait.until(d -> ana.messages().size() >= expected.size());
    assertThat(ana.messages()).containsExactlyElementsOf(expected);
    @SuppressWarnings("unchecked")
    List<Object> seqs = (List<Object>) ben.js("return [...document.querySelectorAll('#message-list .message')]"
        + ".map(e => Number(e.dataset.seq))");
    assertThat(seqs).doesNotHaveDuplicates().isSortedAccordingTo((a, b) -> Long.compare(((Number) a).longValue(),
        ((Number) b).longValue()));
  }

  @Test
  void markupAndScriptInAMessageShowAsTextAndRunNothing() {
    sharedChannel();
    String hostile = "<img src=x onerror=\"window.pwned=1\"><script>window.pwned=2</script><b>bold</b> "
        + "<a href=\"javascript:window.pwned=3\">click</a> javascript:window.pwned=4 <style>body{display:none}</style>";
    ana.send(hostile);
    ben.waitMessage(hostile);
    for (Browser b : new Browser[] {ana, ben}) {
      b.waitMessage(hostile);
      assertThat(b.js("return window.pwned === undefined")).isEqualTo(true);
      assertThat(b.driver.findElements(By.cssSelector("#message-list img, #message-list script, #message-list b, "
          + "#message-list a, #message-list style, #message-list iframe"))).isEmpty();
      assertThat(b.byId("message-list").isDisplayed()).isTrue();
    }
  }

  @Test
  void aReloadKeepsTheSessionWithoutAStoredTokenAndLoggingOutEndsIt() {
    try (Browser cid = new Browser("http://127.0.0.1:" + node.port())) {
      cid.register("cid", "Cid");
      cid.driver.navigate().refresh();
      cid.waitSignedIn("cid");
      assertThat(cid.js("return localStorage.length + sessionStorage.length")).isEqualTo(0L);
      String cookies = (String) cid.js("return document.cookie");
      assertThat(cookies).contains("uc_csrf=").doesNotContain("uc_refresh");

      cid.byId("logout").click();
      cid.visible("login-username");
      cid.driver.navigate().refresh();
      cid.visible("login-username");
      assertThat(cid.byId("app-view").isDisplayed()).isFalse();
    }
  }

  /**
   * The screenshots in docs/screenshots, from a real run: {@code -Dultrachat.screenshots=<dir>}
   * writes them there (see docs/web-client.md); otherwise they go to target/screenshots.
   */
  @Test
  void screenshotsOfTheMainScreens() {
    Path out = Path.of(System.getProperty("ultrachat.screenshots", "target/screenshots"));
    try (Browser visitor = new Browser("http://127.0.0.1:" + node.port())) {
      visitor.openLoginPage();
      visitor.screenshot(out.resolve("login.png"));
    }
    ana.createChannel("release");
    ben.joinChannel("release");
    ana.send("Morning! The *release candidate* is up: https://ci.example.com/builds/421");
    ben.waitMessage("Morning! The release candidate is up: https://ci.example.com/builds/421");
    ben.send("Nice. I ran `./ultrachat test` locally, all green.");
    ana.waitMessage("Nice. I ran ./ultrachat test locally, all green.");
    ana.send("@ben could you read the migration notes before we tag it?");
    ben.waitMessage("@ben could you read the migration notes before we tag it?");
    ana.messageAction("Nice. I ran ./ultrachat test locally, all green.", "action-react");
    ana.wait.until(d -> !d.findElements(By.cssSelector(".reaction-picker button")).isEmpty());
    ana.driver.findElements(By.cssSelector(".reaction-picker button")).get(3).click();
    ben.wait.until(d -> !d.findElements(By.cssSelector("#message-list .reaction")).isEmpty());

    ben.messageAction("@ben could you read the migration notes before we tag it?", "action-reply");
    ben.visible("thread-composer").sendKeys("On it, reading them now.", Keys.ENTER);
    ana.wait.until(d -> ana.message("@ben could you read the migration notes before we tag it?")
        .findElements(By.className("thread-link")).stream().findFirst().orElse(null)).click();
    ana.wait.until(d -> ana.threadReplies().contains("On it, reading them now."));
    ana.byId("thread-composer").sendKeys("Thanks! Ping me when you are done.", Keys.ENTER);
    ben.wait.until(d -> ben.threadReplies().contains("Thanks! Ping me when you are done."));
    ana.wait.until(d -> ana.threadReplies().size() == 2);
    // Typing is signalled at most every 3 s (by the client and the server): keep typing until Ana sees it.
    new WebDriverWait(ana.driver, Duration.ofSeconds(20), Duration.ofMillis(700)).until(d -> {
      ben.byId("composer").sendKeys("Sure.");
      return ana.byId("typing-line").getText().contains("typing");
    });
    ana.screenshot(out.resolve("channel-with-thread.png"));

    ben.byId("side-panel-close").click();
    ben.byId("composer").clear();
    ben.resize(390, 844);
    // At phone width the sidebar slides away (a short transition): shoot once it has.
    ben.wait.until(d -> ((Number) ben.js("return document.getElementById('sidebar').getBoundingClientRect().right"))
        .doubleValue() <= 0);
    ben.screenshot(out.resolve("phone-conversation.png"));
    ben.byId("sidebar-open").click();
    ben.wait.until(d -> ((Number) ben.js("return document.getElementById('sidebar').getBoundingClientRect().left"))
        .doubleValue() == 0);
    ben.screenshot(out.resolve("phone-sidebar.png"));
    ben.byId("sidebar-close").click();
    ben.resize(1280, 800);
    assertThat(out.resolve("channel-with-thread.png")).isNotEmptyFile();
  }
}
