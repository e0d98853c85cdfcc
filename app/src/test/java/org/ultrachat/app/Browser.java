package org.ultrachat.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One person in a headless Debian Chromium, driven through Debian's chromedriver, using the web
 * client the way a person would: by its form fields, buttons and keys.
 */
final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("ULTRACHAT_TEST_CHROMIUM", "/usr/bin/chromium"));
  static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("ULTRACHAT_TEST_CHROMEDRIVER",
      "/usr/bin/chromedriver"));
  static final String PASSWORD = "correct horse battery staple";

  final ChromeDriver driver;
  final String base;
  final WebDriverWait wait;

  /**
   * Skips the calling test class with a banner when Chromium or chromedriver is missing, or fails
   * it under CI ({@code CI=true}), where browser tests must run.
   */
  static void requireChromium() {
    if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
      return;
    }
    String message = "Chromium (" + CHROMIUM + ") and chromedriver (" + CHROMEDRIVER + ") are needed by the browser tests";
    String how = "apt-get install -y chromium chromium-driver (.ci/run does it when they are missing)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError(message + ". CI=true: browser tests must run, not skip. " + how);
    }
    System.err.println("\n" + "!".repeat(100) + "\n!!! SKIPPING BROWSER TESTS: " + message + "\n!!! To run them: " + how
        + "\n" + "!".repeat(100) + "\n");
    Assumptions.abort("SKIPPED LOUDLY: " + message + ". " + how);
  }

  Browser(String base, int width, int height) {
    this.base = base;
    ChromeOptions options = new ChromeOptions();
    // Both paths are given, so Selenium Manager (which would download drivers) is never asked.
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
        "--lang=en-US", "--force-device-scale-factor=1", "--window-size=" + width + "," + height);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort().build();
    driver = new ChromeDriver(service, options);
    wait = new WebDriverWait(driver, Duration.ofSeconds(15), Duration.ofMillis(50));
    // Live updates rebuild list items: an element found a moment ago may be gone; look again.
    wait.ignoring(StaleElementReferenceException.class);
  }

  Browser(String base) {
    this(base, 1280, 800);
  }

  // ---- session

  void openLoginPage() {
    driver.get(base + "/");
    visible("login-username");
  }

  /** Creates an account through the form and ends signed in. */
  void register(String username, String displayName) {
    openLoginPage();
    byId("login-switch").click();
    visible("login-display-name");
    byId("login-username").sendKeys(username);
    byId("login-display-name").sendKeys(displayName);
    byId("login-password").sendKeys(PASSWORD, Keys.ENTER);
    waitSignedIn(username);
  }

  void waitSignedIn(String username) {
    wait.until(d -> byId("me-name").isDisplayed() && byId("me-name").getText().contains("@" + username));
  }

  // ---- conversations

  void createChannel(String name) {
    byId("new-channel").click();
    visible("new-channel-name").sendKeys(name);
    byId("dialog-ok").click();
    waitConversation(name);
  }

  void joinChannel(String name) {
    byId("browse-channels").click();
    wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("[data-channel-name='" + name + "'] button"))).click();
    waitConversation(name);
  }

  /** Opens a conversation from the sidebar by its shown name. */
  void openConversation(String name) {
    wait.until(d -> sidebarButton(name)).click();
    waitConversation(name);
  }

  WebElement sidebarButton(String name) {
    for (WebElement b : driver.findElements(By.cssSelector(".conversation-list button"))) {
      if (b.findElement(By.className("name")).getText().equals(name)) {
        return b;
      }
    }
    return null;
  }

  void waitConversation(String name) {
    wait.until(d -> byId("conversation-name").getText().endsWith(name) && byId("composer").isDisplayed());
  }

  void startDirectMessage(String username) {
    byId("new-dm").click();
    visible("dm-search").sendKeys(username);
    wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("[aria-label='Message " + username + "']"))).click();
    wait.until(d -> !byId("dialog").isDisplayed());
  }

  void send(String text) {
    byId("composer").sendKeys(text, Keys.ENTER);
  }

  /** @return the bodies of stored messages (not those still being sent) in the open conversation, in order */
  @SuppressWarnings("unchecked")
  List<String> messages() {
    return (List<String>) js("return [...document.querySelectorAll('#message-list .message:not(.pending) .message-body')]"
        + ".map(e => e.textContent)");
  }

  @SuppressWarnings("unchecked")
  List<String> threadReplies() {
    return (List<String>) js("return [...document.querySelectorAll('#thread-list .message:not(.pending) .message-body')]"
        + ".map(e => e.textContent)");
  }

  void waitMessage(String text) {
    wait.until(d -> messages().contains(text));
  }

  /** The list item of a stored message in the main list, by its text. */
  WebElement message(String text) {
    return wait.until(d -> d.findElements(By.cssSelector("#message-list .message:not(.pending)")).stream()
        .filter(li -> li.findElement(By.className("message-body")).getText().equals(text)).findFirst().orElse(null));
  }

  /** Hovers over a message and presses one of its action buttons (shown on hover or focus). */
  void messageAction(String text, String actionClass) {
    wait.until(d -> {
      WebElement li = message(text);
      new Actions(driver).moveToElement(li).perform();
      WebElement button = li.findElement(By.className(actionClass));
      return button.isDisplayed() ? button : null;
    }).click();
  }

  // ---- plumbing

  WebElement byId(String id) {
    return driver.findElement(By.id(id));
  }

  WebElement visible(String id) {
    return wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  void resize(int width, int height) {
    driver.manage().window().setSize(new Dimension(width, height));
  }

  void screenshot(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** @return what the page logged since the last call (console messages, CSP violations, failed loads) */
  List<String> consoleLog() {
    try {
      return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
          .map(LogEntry::toString).toList();
    } catch (RuntimeException e) {
      return List.of("(the browser log could not be read: " + e.getMessage() + ")");
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}
