package dev.careloop.command.record;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A downloaded record is named after its title, with the extension of its content type, safely. */
class DownloadNameTest {

    @Test
    void aRecordIsNamedAfterItsTitleWithTheExtensionOfItsContentType() {
        assertThat(DownloadName.contentDisposition("Discharge summary, March 2030", 1, "application/pdf"))
                .isEqualTo("attachment; filename=\"Discharge summary, March 2030.pdf\"");
        assertThat(DownloadName.fileName("Holter report", 1, "text/plain; charset=UTF-8"))
                .isEqualTo("Holter report.txt");
        assertThat(DownloadName.fileName("Summary", 1, "text/markdown")).isEqualTo("Summary.md");
    }

    @Test
    void laterVersionsSayWhichVersionTheyAre() {
        assertThat(DownloadName.fileName("Discharge summary", 3, "application/pdf"))
                .isEqualTo("Discharge summary (version 3).pdf");
    }

    @Test
    void anUnknownContentTypeIsBinary() {
        assertThat(DownloadName.fileName("Scan", 1, "application/x-something")).isEqualTo("Scan.bin");
        assertThat(DownloadName.fileName("Scan", 1, null)).isEqualTo("Scan.bin");
    }

    @Test
    void quotesControlCharactersAndPathsNeverReachTheHeader() {
        String header = DownloadName.contentDisposition("..\\/etc/\"passwd\"\r\nSet-Cookie: x\u0000", 1, "text/plain");

        assertThat(header).isEqualTo("attachment; filename=\"etc passwd Set-Cookie x.txt\"");
        assertThat(header.chars().filter(c -> c < 0x20 || c == 0x7f)).isEmpty();
    }

    @Test
    void aTitleOfNothingButUnsafeCharactersIsStillARecord() {
        assertThat(DownloadName.fileName(" \"\t\" ", 1, "application/pdf")).isEqualTo("record.pdf");
        assertThat(DownloadName.fileName(null, 2, "application/pdf")).isEqualTo("record (version 2).pdf");
    }

    @Test
    void aNonAsciiTitleGetsAnRfc6266FilenameStarAndAnAsciiFallback() {
        assertThat(DownloadName.contentDisposition("Befund Dr. Müller – Hautklinik", 1, "application/pdf"))
                .isEqualTo("attachment; filename=\"Befund Dr. Muller _ Hautklinik.pdf\"; "
                        + "filename*=UTF-8''Befund%20Dr.%20M%C3%BCller%20%E2%80%93%20Hautklinik.pdf");
    }

    @Test
    void aVeryLongTitleIsShortenedButKeepsItsExtension() {
        String name = DownloadName.fileName("x".repeat(500), 1, "application/pdf");

        assertThat(name).hasSize(120).endsWith("x.pdf");
    }
}
