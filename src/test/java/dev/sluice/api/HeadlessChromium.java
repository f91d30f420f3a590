package dev.sluice.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium, headless, driven through Debian's chromedriver, for browser tests.
 *
 * <p>Both binaries are given to Selenium explicitly, so Selenium Manager never looks for (or
 * downloads) a browser or driver. Chromium's background services (component updates, sync,
 * variations...) are switched off: on a closed network their failing connections get in the way,
 * and a test must not reach the internet anyway. Each browser gets a fresh profile directory,
 * deleted on {@link #close}.
 *
 * <p>Where the binaries are missing, {@link #start} fails under CI (env {@code CI} set: bin/test
 * installs them there) and skips the calling tests elsewhere, saying why.
 */
final class HeadlessChromium implements AutoCloseable {
  static final Path BROWSER = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  private static HeadlessChromium shared;

  private final ChromeDriver driver;
  private final Path profile;

  private HeadlessChromium(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /**
   * One browser for every test class of this JVM that wants one (a start costs seconds), started on
   * first use and quit when the JVM exits. Do not close it; each test loads its own page.
   */
  static synchronized HeadlessChromium shared() {
    if (shared == null) {
      shared = start(1280, 900);
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "chromium-quit"));
    }
    return shared;
  }

  /** Starts a browser with a window of {@code width} x {@code height} CSS pixels. */
  static HeadlessChromium start(int width, int height) {
    requireInstalled();
    Path profile;
    try {
      profile = Files.createTempDirectory("sluice-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox", // tests run as root in CI containers, where the sandbox cannot start
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=" + width + "," + height,
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(DRIVER.toFile())
            .usingAnyFreePort()
            .withTimeout(Duration.ofSeconds(30))
            .build();
    try {
      return new HeadlessChromium(new ChromeDriver(service, options), profile);
    } catch (RuntimeException e) {
      deleteTree(profile);
      throw e;
    }
  }

  ChromeDriver driver() {
    return driver;
  }

  private static void requireInstalled() {
    if (Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER)) {
      return;
    }
    String why =
        BROWSER
            + " or "
            + DRIVER
            + " is missing. bin/test installs them on Debian; locally run"
            + " `apt-get install --no-install-recommends chromium chromium-driver`.";
    if (System.getenv("CI") != null) {
      Assertions.fail("CI must run the browser tests, but " + why);
    }
    Assumptions.abort("Skipping the browser tests: " + why);
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      deleteTree(profile);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary profile is harmless
    }
  }
}
