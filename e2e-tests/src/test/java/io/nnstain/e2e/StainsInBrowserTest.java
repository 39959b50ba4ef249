package io.nnstain.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/** The stains as a user sees them, in headless Chromium: results/ of a finished run, and the live run page. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StainsInBrowserTest {

    private Pipeline pipeline;
    private ChromeDriver browser;

    @BeforeAll
    void start() {
        browser = Browser.open();
        pipeline = new Pipeline().start().startAnalyzer().startViz();
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void shouldLeaveResultsWhoseIndexShowsTheStainWithoutAServer() {
        // Given a finished digits run
        String run = pipeline.trainAndAwaitTrace(PipelineEndToEndTest.config("digits", "32,16", 6, "", 7));
        // When the viz service has written its results/ folder
        Path dir = pipeline.resultsDir().resolve(run);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(300))
                .until(() -> Files.exists(dir.resolve("index.html")));
        for (String picture : List.of("stain", "emergence", "curves", "input-stains", "heatmaps-hidden_1",
                "heatmaps-hidden_2")) {
            assertTrue(Files.exists(dir.resolve(picture + ".svg")), picture + ".svg");
            assertTrue(Files.exists(dir.resolve(picture + ".png")), picture + ".png");
        }
        // Then the page, opened from disk, draws the stain: nodes, coloured edges, and not a blank picture
        browser.get(dir.resolve("index.html").toUri().toString());
        List<WebElement> neurons = browser.findElements(By.cssSelector("#stain svg g.neuron"));
        assertEquals(64 + 32 + 16 + 10, neurons.size(), "one node per neuron (every layer fits)");
        List<WebElement> edges = browser.findElements(By.cssSelector("#stain svg g.edges line"));
        assertTrue(edges.size() > 20, "structure edges drawn: " + edges.size());
        Set<String> colours = new TreeSet<>();
        edges.forEach(e -> colours.add(e.getAttribute("stroke")));
        assertTrue(colours.size() >= 5, "edges in their classes' colours: " + colours);
        assertTrue(Browser.colours(browser) > 50, "the screenshot is not blank");
        for (WebElement img : browser.findElements(By.tagName("img"))) {
            Object width = browser.executeScript("return arguments[0].naturalWidth", img);
            assertTrue(((Number) width).intValue() > 0, "picture loaded: " + img.getAttribute("src"));
        }
        assertEquals(5, browser.findElements(By.tagName("img")).size(),
                "emergence, curves, input stains and two layers' heatmaps");
        assertTrue(browser.findElement(By.tagName("table")).getText().contains("random"), "the ablation table");
    }

    @Test
    void shouldUpdateTheLivePageAsEpochsArriveAndObeyTheSliderAndClassToggles() {
        // Given the run page opened as soon as the run is submitted
        ObjectNode config = PipelineEndToEndTest.config("digits", "64,32", 40, "", 9);
        String run = pipeline.submit(config);
        browser.get(Pipeline.url(pipeline.vizPort) + "/run.html?run=" + run);
        // When epochs are analysed while it trains, the stain shown follows them without a reload
        Set<String> seen = new TreeSet<>();
        Object marker = browser.executeScript("window.nnstainMarker = 42; return window.nnstainMarker");
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(50)).until(() -> {
            String e = browser.findElement(By.id("stain")).getAttribute("data-epoch");
            if (e != null) {
                seen.add(e);
            }
            return seen.contains("40");
        });
        assertTrue(seen.size() >= 3, "the stain changed as epochs arrived: " + seen);
        assertEquals(marker, browser.executeScript("return window.nnstainMarker"), "no reload happened");
        // Then the slider shows an earlier epoch
        browser.executeScript("const s = document.getElementById('epoch'); s.value = 0;"
                + " s.dispatchEvent(new Event('input'));");
        await().atMost(Duration.ofSeconds(10)).until(() -> "0".equals(browser.findElement(By.id("stain"))
                .getAttribute("data-epoch")));
        assertEquals("E_0", browser.findElement(By.id("epoch-label")).getText());
        // ... and unticking a class hides its edges
        browser.executeScript("const s = document.getElementById('epoch'); s.value = s.max;"
                + " s.dispatchEvent(new Event('input'));");
        await().atMost(Duration.ofSeconds(10)).until(() -> "40".equals(browser.findElement(By.id("stain"))
                .getAttribute("data-epoch")));
        WebElement edges3 = browser.findElement(By.cssSelector("#stain g.edges[data-class='3']"));
        assertTrue(edges3.isDisplayed());
        browser.findElement(By.cssSelector("#classes input[data-class='3']")).click();
        assertTrue(!edges3.isDisplayed(), "class 3's edges are hidden");
        assertTrue(browser.findElement(By.cssSelector("#stain g.edges[data-class='4']")).isDisplayed());
    }

    /** Class names and a data set name that are markup must show as text, in results/ and in the live page. */
    @Test
    void shouldRenderHostileNamesAsText() throws Exception {
        // Given a run whose class names are markup, stored as the collector would store it
        String evil = "<script>alert(1)</script>";
        String run = HostileRun.write(pipeline.dataDir, List.of(evil, "\"><img src=x onerror=alert(2)>"));
        // When the analyzer and the viz service work on it through their REST APIs
        var http = java.net.http.HttpClient.newHttpClient();
        var summary = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(Pipeline.url(
                pipeline.analyzerPort) + "/runs/" + run + "/summary")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, summary.statusCode(), summary.body());
        await().atMost(Duration.ofSeconds(30)).until(() -> http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(Pipeline.url(pipeline.vizPort) + "/api/runs/" + run + "/results"))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
        // Then the static page shows the names as text and runs no script
        browser.get(pipeline.resultsDir().resolve(run).resolve("index.html").toUri().toString());
        assertNoAlert();
        assertTrue(browser.findElement(By.tagName("body")).getText().contains(evil), "the name shows as text");
        assertEquals(0L, browser.executeScript("return document.querySelectorAll('script, img[src=x]').length"));
        String svgText = (String) browser.executeScript("return document.querySelector('#stain svg').textContent");
        assertTrue(svgText.contains(evil), "in the stain's legend too");
        // ... and so does the live page
        browser.get(Pipeline.url(pipeline.vizPort) + "/run.html?run=" + run);
        await().atMost(Duration.ofSeconds(20)).until(() -> !browser.findElements(By.cssSelector("#stain svg")).isEmpty());
        assertNoAlert();
        assertTrue(browser.findElement(By.id("classes")).getText().contains(evil));
        assertEquals(1L, browser.executeScript("return document.querySelectorAll('script').length"), "only run.js");
    }

    private void assertNoAlert() {
        try {
            browser.switchTo().alert();
            throw new AssertionError("a script ran: an alert is open");
        } catch (org.openqa.selenium.NoAlertPresentException expected) {
            // nothing ran
        }
    }
}
