package io.nnstain.e2e;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium from Debian ({@code chromium}, {@code chromium-driver}; .ci/run installs them), driven by
 * Selenium with the driver given explicitly, so that nothing is downloaded.
 */
final class Browser {

    static final File CHROMIUM = new File(System.getProperty("nnstain.chromium", "/usr/bin/chromium"));
    static final File DRIVER = new File(System.getProperty("nnstain.chromedriver", "/usr/bin/chromedriver"));

    private Browser() {
    }

    static ChromeDriver open() {
        if (!CHROMIUM.canExecute() || !DRIVER.canExecute()) {
            throw new IllegalStateException("the UI tests need a real browser: " + CHROMIUM + " and " + DRIVER
                    + " (Debian: apt-get install chromium chromium-driver; .ci/run does this)");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1000", "--allow-file-access-from-files");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER)
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** Distinct colours of a screenshot: a blank page has one. */
    static int colours(ChromeDriver driver) {
        byte[] png = driver.getScreenshotAs(OutputType.BYTES);
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            Set<Integer> colours = new HashSet<>();
            for (int y = 0; y < image.getHeight(); y += 3) {
                for (int x = 0; x < image.getWidth(); x += 3) {
                    colours.add(image.getRGB(x, y));
                }
            }
            return colours.size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
