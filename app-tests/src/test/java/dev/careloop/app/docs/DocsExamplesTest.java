package dev.careloop.app.docs;

import dev.careloop.app.CareLoopIntegrationTest;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Every {@code curl} example of README.md and docs/*.md, run as a user would paste it, against a live CareLoop (local
 * issuer, demo clients and organisations, no demo referrals). The fenced {@code bash} blocks of one file that call curl
 * run in order as one script under {@code bash -euxo pipefail} (traced, so a failure shows the command), so the tokens
 * and ids one block sets are there for the next; {@code BASE} points at this test's port. Every curl of a run block either fails on an HTTP error
 * ({@code -f}/{@code --fail}) or prints the status ({@code -w '%{http_code}'}) for the block to check. A block whose
 * line reads {@code # not-executed: <why>} is skipped and counted. Also: every relative link between the pages points
 * at a file, and at a heading of it when it names one.
 */
@CareLoopIntegrationTest
class DocsExamplesTest {

    /** The module runs with app/ as its working directory. */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** Blocks that must not run (they start a server or build a jar): a handful, never a way around the check. */
    private static final int MOST_SKIPPED = 5;
    private static final Pattern NOT_EXECUTED = Pattern.compile("(?m)^\\s*# not-executed:(.*)$");
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6} +(.+?) *#*$");
    private static final Pattern BLOCK_MARK = Pattern.compile("@@careloop-block (\\d+) (start|end)");

    @LocalServerPort
    int port;

    record Block(Path file, int number, int line, String text) {

        boolean callsCurl() {
            return Pattern.compile("(^|[\\s($|;&])curl\\s").matcher(text).find();
        }

        String skipReason() {
            Matcher m = NOT_EXECUTED.matcher(text);
            return m.find() ? m.group(1).trim() : null;
        }

        String where() {
            return ROOT.relativize(file) + ", block " + number + " (line " + line + ")";
        }
    }

    @TestFactory
    Stream<DynamicTest> everyCurlExampleRunsAgainstALiveCareLoop() throws IOException {
        assertThat(exitCode("curl", "--version")).as("curl must be installed to run the docs' examples").isZero();
        assertThat(exitCode("bash", "--version")).as("bash must be installed to run the docs' examples").isZero();
        List<Block> run = new ArrayList<>();
        List<Block> skipped = new ArrayList<>();
        for (Path page : pages()) {
            for (Block block : bashBlocks(page)) {
                if (!block.callsCurl()) {
                    continue;
                }
                String reason = block.skipReason();
                if (reason == null) {
                    run.add(block);
                } else {
                    assertThat(reason).as(block.where() + ": say why it is not executed").isNotBlank();
                    skipped.add(block);
                }
            }
        }
        assertThat(skipped).as("blocks marked not-executed (at most %d)", MOST_SKIPPED).hasSizeLessThanOrEqualTo(MOST_SKIPPED);
        for (String page : List.of("README.md", "docs/API.md", "docs/FHIR.md", "docs/COMPLIANCE.md", "docs/OPERATIONS.md")) {
            assertThat(run).as("executed curl examples in " + page)
                    .anyMatch(b -> b.file().equals(ROOT.resolve(page)));
        }
        Map<Path, List<Block>> byPage = new java.util.LinkedHashMap<>();
        run.forEach(b -> byPage.computeIfAbsent(b.file(), f -> new ArrayList<>()).add(b));
        return byPage.entrySet().stream().map(e -> DynamicTest.dynamicTest(
                ROOT.relativize(e.getKey()).toString(), () -> runInOrder(e.getValue())));
    }

    @Test
    void everyRelativeLinkPointsAtAFileAndHeadingThatExist() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path page : pages()) {
            String text = withoutCode(Files.readString(page));
            Matcher m = LINK.matcher(text);
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-zA-Z][a-zA-Z+.-]*:.*")) {
                    continue;
                }
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                String anchor = hash < 0 ? null : target.substring(hash + 1);
                Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
                if (!Files.exists(resolved)) {
                    broken.add(ROOT.relativize(page) + ": " + target + " (no such file)");
                } else if (anchor != null && !anchors(resolved).contains(anchor)) {
                    broken.add(ROOT.relativize(page) + ": " + target + " (no such heading in "
                            + ROOT.relativize(resolved) + ")");
                }
            }
        }
        assertThat(broken).as("broken links").isEmpty();
    }

    @Test
    void headingAnchorsFollowGitHubsRules() {
        assertThat(slug("The FHIR R4 facade (`/fhir`)")).isEqualTo("the-fhir-r4-facade-fhir");
        assertThat(slug("Partner EHRs (FHIR R4 delivery)")).isEqualTo("partner-ehrs-fhir-r4-delivery");
        assertThat(slug("Read-your-writes across nodes: `CareLoop-Position`"))
                .isEqualTo("read-your-writes-across-nodes-careloop-position");
    }

    private void runInOrder(List<Block> blocks) throws Exception {
        blocks.forEach(DocsExamplesTest::assertEveryCurlChecksItsStatus);
        Path work = Files.createTempDirectory("careloop-docs-");
        StringBuilder script = new StringBuilder()
                .append("cd '").append(work).append("'\n")
                .append("export BASE=http://localhost:").append(port).append('\n');
        for (Block block : blocks) {
            script.append("printf '\\n@@careloop-block ").append(block.number()).append(" start\\n'\n")
                    .append(block.text()).append('\n')
                    .append("printf '\\n@@careloop-block ").append(block.number()).append(" end\\n'\n");
        }
        Path file = work.resolve("examples.sh");
        Files.writeString(file, script);
        Process bash = new ProcessBuilder("bash", "-euxo", "pipefail", file.toString())
                .directory(work.toFile()).redirectErrorStream(true).start();
        bash.getOutputStream().close();
        byte[] out = bash.getInputStream().readAllBytes();
        boolean ended = bash.waitFor(5, TimeUnit.MINUTES);
        String output = new String(out, StandardCharsets.UTF_8);
        if (!ended) {
            bash.destroyForcibly();
        }
        int exit = ended ? bash.exitValue() : -1;
        if (exit != 0) {
            Block failed = lastStarted(blocks, output);
            fail(failed.where() + " failed (exit " + exit + "); its output:\n" + outputOf(failed, output)
                    + "\n--- the block:\n" + failed.text());
        }
        for (Block block : blocks) {
            assertThat(output).as(block.where() + " ran to its end").contains("@@careloop-block " + block.number() + " end");
        }
    }

    /** A curl whose HTTP error nobody would notice proves nothing: it must fail on one or print the status. */
    private static void assertEveryCurlChecksItsStatus(Block block) {
        String joined = block.text().replace("\\\n", " ");
        Matcher curl = Pattern.compile("(^|[\\s($|;&])curl\\s([^\\n|;)]*)").matcher(joined);
        while (curl.find()) {
            String args = curl.group(2);
            boolean failsOnError = Pattern.compile("(^|\\s)(-[a-zA-Z]*f[a-zA-Z]*|--fail(-with-body)?)(\\s|$)")
                    .matcher(args).find();
            boolean printsStatus = args.contains("%{http_code}");
            assertThat(failsOnError || printsStatus)
                    .as(block.where() + ": curl " + args.strip() + " neither fails on an HTTP error (-f) nor prints "
                            + "the status (-w '%{http_code}')")
                    .isTrue();
        }
    }

    private static Block lastStarted(List<Block> blocks, String output) {
        Matcher m = BLOCK_MARK.matcher(output);
        int last = blocks.get(0).number();
        while (m.find()) {
            if (m.group(2).equals("start")) {
                last = Integer.parseInt(m.group(1));
            }
        }
        int number = last;
        return blocks.stream().filter(b -> b.number() == number).findFirst().orElseThrow();
    }

    private static String outputOf(Block block, String output) {
        String start = "@@careloop-block " + block.number() + " start";
        int from = output.lastIndexOf(start);
        return from < 0 ? output : output.substring(from + start.length()).strip();
    }

    static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>();
        pages.add(ROOT.resolve("README.md"));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    /** The fenced ```bash blocks of a page, numbered from 1 in the order they appear. */
    static List<Block> bashBlocks(Path page) throws IOException {
        List<String> lines = Files.readAllLines(page);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals("```bash")) {
                int start = i + 1;
                int end = start;
                while (end < lines.size() && !lines.get(end).strip().startsWith("```")) {
                    end++;
                }
                blocks.add(new Block(page, blocks.size() + 1, start + 1, String.join("\n", lines.subList(start, end))));
                i = end;
            }
        }
        return blocks;
    }

    private static Set<String> anchors(Path page) throws IOException {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        Matcher m = HEADING.matcher(withoutCode(Files.readString(page)));
        while (m.find()) {
            String slug = slug(m.group(1));
            int n = seen.merge(slug, 1, Integer::sum);
            anchors.add(n == 1 ? slug : slug + "-" + (n - 1));
        }
        return anchors;
    }

    /** GitHub's heading anchors: lower case, punctuation dropped except '-' and '_', each space a '-'. */
    static String slug(String heading) {
        String text = Normalizer.normalize(heading, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
        return text.replaceAll("[^\\p{L}\\p{N}\\p{M} _-]", "").replace(' ', '-');
    }

    /** The page without its fenced blocks, so that '#' comments in examples are not headings. */
    private static String withoutCode(String markdown) {
        return markdown.replaceAll("(?ms)^\\s*```.*?^\\s*```[^\\n]*$", "");
    }

    private static int exitCode(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
