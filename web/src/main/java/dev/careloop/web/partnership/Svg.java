package dev.careloop.web.partnership;

/**
 * Writes SVG markup: elements with attributes given as name, value pairs (a null value leaves the attribute out),
 * every attribute value and text escaped, so data from the API (an organisation's id, a service's name) can never
 * become markup.
 */
final class Svg {

    private final StringBuilder out = new StringBuilder();

    Svg open(String name, String... attributes) {
        start(name, attributes);
        out.append('>');
        return this;
    }

    Svg close(String name) {
        out.append("</").append(name).append('>');
        return this;
    }

    Svg empty(String name, String... attributes) {
        start(name, attributes);
        out.append("/>");
        return this;
    }

    /** An element holding text that {@link #text} has escaped. */
    Svg element(String name, Escaped text, String... attributes) {
        open(name, attributes);
        out.append(text.value());
        return close(name);
    }

    Escaped text(String text) {
        return new Escaped(escape(text));
    }

    /** Text made safe to put between tags. */
    record Escaped(String value) {
    }

    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder escaped = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    private void start(String name, String... attributes) {
        if (attributes.length % 2 != 0) {
            throw new IllegalArgumentException("attributes come in name, value pairs");
        }
        out.append('<').append(name);
        for (int i = 0; i < attributes.length; i += 2) {
            if (attributes[i + 1] != null) {
                out.append(' ').append(attributes[i]).append("=\"").append(escape(attributes[i + 1])).append('"');
            }
        }
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
