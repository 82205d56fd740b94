package dev.careloop.command.record;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Map;

/**
 * The Content-Disposition of a record download: a file name made of the document's title and an extension for its
 * media type, safe in a header (no quotes, backslashes, path separators or control characters), with an RFC 6266
 * {@code filename*} in UTF-8 when the title is not plain ASCII.
 */
final class DownloadName {

    private static final int MAX_LENGTH = 120;
    private static final Map<String, String> EXTENSIONS = Map.ofEntries(
            Map.entry("application/pdf", "pdf"),
            Map.entry("text/plain", "txt"),
            Map.entry("text/markdown", "md"),
            Map.entry("text/html", "html"),
            Map.entry("text/csv", "csv"),
            Map.entry("text/xml", "xml"),
            Map.entry("application/xml", "xml"),
            Map.entry("application/json", "json"),
            Map.entry("application/fhir+json", "json"),
            Map.entry("application/fhir+xml", "xml"),
            Map.entry("application/dicom", "dcm"),
            Map.entry("application/msword", "doc"),
            Map.entry("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
            Map.entry("application/rtf", "rtf"),
            Map.entry("image/png", "png"),
            Map.entry("image/jpeg", "jpg"),
            Map.entry("image/gif", "gif"),
            Map.entry("image/tiff", "tiff"),
            Map.entry("image/webp", "webp"),
            Map.entry("image/svg+xml", "svg"));

    private DownloadName() {
    }

    /** {@code attachment; filename="Discharge summary.pdf"}, plus {@code filename*} for a non-ASCII title. */
    static String contentDisposition(String title, int version, String mediaType) {
        String name = fileName(title, version, mediaType);
        String ascii = ascii(name);
        if (ascii.equals(name)) {
            return "attachment; filename=\"" + name + "\"";
        }
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''"
                + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The title made safe, " (version n)" after the first version, and the media type's extension. */
    static String fileName(String title, int version, String mediaType) {
        String base = safe(title);
        if (base.isEmpty()) {
            base = "record";
        }
        String suffix = (version > 1 ? " (version " + version + ")" : "") + "." + extension(mediaType);
        if (base.length() + suffix.length() > MAX_LENGTH) {
            base = base.substring(0, Math.max(1, MAX_LENGTH - suffix.length())).strip();
        }
        return base + suffix;
    }

    static String extension(String mediaType) {
        if (mediaType == null) {
            return "bin";
        }
        String type = mediaType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return EXTENSIONS.getOrDefault(type, "bin");
    }

    /** Control characters, quotes, backslashes and characters file systems refuse become spaces, runs of them one. */
    private static String safe(String title) {
        if (title == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        title.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) || "\"\\/:*?<>|;".indexOf(c) >= 0
                || Character.getType(c) == Character.FORMAT || Character.getType(c) == Character.LINE_SEPARATOR
                || Character.getType(c) == Character.PARAGRAPH_SEPARATOR ? ' ' : c));
        String collapsed = out.toString().replaceAll("\\s+", " ").strip();
        // A name that starts with a dot is hidden on most systems.
        return collapsed.replaceFirst("^\\.+", "").strip();
    }

    /** The ASCII fallback: accents dropped (é to e), anything else outside printable ASCII as an underscore. */
    private static String ascii(String name) {
        String stripped = Normalizer.normalize(name, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        StringBuilder out = new StringBuilder();
        stripped.codePoints().forEach(c -> out.append(c >= 0x20 && c < 0x7f ? (char) c : '_'));
        return out.toString();
    }
}
