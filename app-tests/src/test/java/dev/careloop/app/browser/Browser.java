package dev.careloop.app.browser;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One person's browser: Debian's headless Chromium driven through its chromedriver (CHROMIUM_BINARY and
 * CHROMEDRIVER override the paths). Each instance has its own profile, so two persons never share cookies. A
 * missing Chromium fails the test with what to install: browser tests never pass by not running.
 */
public final class Browser implements AutoCloseable {

    public static final String DEMO_PASSWORD = "careloop-demo";
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final WebDriver driver;
    private final String base;
    private final Path profile;

    private Browser(String base) throws IOException {
        String chromium = System.getenv().getOrDefault("CHROMIUM_BINARY", "/usr/bin/chromium");
        String chromedriver = System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver");
        assertThat(new File(chromium).canExecute()).as("Chromium for the browser tests (Debian: apt-get install -y chromium "
                + "chromium-driver)").isTrue();
        assertThat(new File(chromedriver).canExecute()).as("chromedriver for the browser tests (Debian: apt-get install -y "
                + "chromium-driver)").isTrue();
        this.profile = Files.createTempDirectory("careloop-browser");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        // The flags that keep Chromium off a closed network and working as root in a container.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,1000", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(chromedriver)).usingAnyFreePort().build();
        this.driver = new ChromeDriver(service, options);
        this.driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        this.base = base;
    }

    /** A fresh browser for the app at {@code http://127.0.0.1:<port>} (the local issuer's redirect host). */
    public static Browser at(int port) throws IOException {
        return new Browser("http://127.0.0.1:" + port);
    }

    public WebDriver driver() {
        return driver;
    }

    public String base() {
        return base;
    }

    public Browser open(String path) {
        driver.get(base + path);
        return this;
    }

    /** Opens the app, logs in at the issuer's form as a demo person, and waits to be back on a page of the app. */
    public Browser signIn(String username) {
        open("/");
        waitFor(ExpectedConditions.presenceOfElementLocated(By.name("username")));
        driver.findElement(By.name("username")).sendKeys(username);
        driver.findElement(By.name("password")).sendKeys(DEMO_PASSWORD);
        driver.findElement(By.cssSelector("button[type=submit]")).click();
        waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector("header.top .who .name")));
        return this;
    }

    public WebElement find(String css) {
        return waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector(css)));
    }

    public List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    public String text(String css) {
        return find(css).getText();
    }

    /** Waits for the condition; an element htmx swapped out between finding and reading it is looked up again. */
    public <T> T waitFor(Function<? super WebDriver, T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(20)).ignoring(StaleElementReferenceException.class)
                .until(condition);
    }

    /** Waits until the element's text contains {@code expected} (htmx swaps and live updates arrive later). */
    public void waitForText(String css, String expected) {
        waitFor(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), expected));
    }

    /** Saves a screenshot of the page as {@code target/screenshots/<name>.png}. */
    public Path screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path file = SCREENSHOTS.resolve(name + ".png");
        Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        return file;
    }

    /** An axe-core scan of the page as it is now: no serious or critical violation (WCAG 2.1 A and AA rules). */
    public void assertAccessible(String page) {
        Results results = new AxeBuilder().withTags(List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa"))
                .analyze(driver);
        List<String> bad = results.getViolations().stream()
                .filter(v -> "serious".equals(v.getImpact()) || "critical".equals(v.getImpact()))
                .map(Browser::describe).toList();
        assertThat(bad).as("serious or critical accessibility violations on " + page).isEmpty();
    }

    private static String describe(Rule rule) {
        return rule.getId() + " (" + rule.getImpact() + "): " + rule.getHelp() + " at "
                + rule.getNodes().stream().limit(3).map(n -> String.valueOf(n.getTarget())).toList();
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
