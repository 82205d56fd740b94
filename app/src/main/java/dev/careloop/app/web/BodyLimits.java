package dev.careloop.app.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The largest request body each route takes (careloop.limits.*): JSON under /api, FHIR under /fhir, content uploads
 * (careloop.records.max-size) and the token endpoint. A declared Content-Length over the limit is refused before a
 * byte is read; a chunked body is counted as it streams and refused the moment it passes the limit. Either way the
 * answer is 413, as problem+json (an OperationOutcome under /fhir), and nothing is buffered whole.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
class BodyLimits extends OncePerRequestFilter {

    private final long api;
    private final long fhir;
    private final long content;
    private final long token;

    BodyLimits(@Value("${careloop.limits.api-body:1MB}") DataSize api,
               @Value("${careloop.limits.fhir-body:5MB}") DataSize fhir,
               @Value("${careloop.records.max-size:20MB}") DataSize content,
               @Value("${careloop.limits.token-body:8KB}") DataSize token) {
        this.api = api.toBytes();
        this.fhir = fhir.toBytes();
        this.content = content.toBytes();
        this.token = token.toBytes();
    }

    /** The limit for a request to {@code path}, in bytes. */
    long limitFor(String method, String path) {
        if (EdgeAnswers.isFhir(path)) {
            return fhir;
        }
        if (path.startsWith("/api/records/content/") && "PUT".equals(method)) {
            return content;
        }
        if (path.startsWith("/oauth2/")) {
            return token;
        }
        return api;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI();
        long limit = limitFor(request.getMethod(), path);
        long declared = request.getContentLengthLong();
        if (declared > limit) {
            tooLarge(response, path, "the request body is " + declared + " bytes; this route takes at most " + limit
                    + " bytes");
            return;
        }
        Counted counted = new Counted(request, limit);
        Guarded guarded = new Guarded(response, counted);
        try {
            chain.doFilter(counted, guarded);
        } catch (IOException | ServletException | RuntimeException e) {
            if (!counted.exceeded) {
                throw e;
            }
        }
        if (counted.exceeded) {
            // Whatever the handler made of the cut-off body is discarded: the caller hears why it was cut off.
            guarded.released = true;
            tooLarge(response, path, "the request body is larger than this route takes: at most " + limit + " bytes");
        }
    }

    private static void tooLarge(HttpServletResponse response, String path, String detail) throws IOException {
        // Keep-alive would make Tomcat read (swallow) the rest of an oversize body first.
        response.setHeader("Connection", "close");
        EdgeAnswers.write(response, path, 413, detail, List.of());
    }

    /** Thrown to the reader of a body the moment it passes the limit. */
    static final class BodyTooLarge extends IOException {
        BodyTooLarge(long limit) {
            super("the request body is larger than " + limit + " bytes", null);
        }
    }

    /** The request with a body that counts what is read and stops at the limit. */
    private static final class Counted extends HttpServletRequestWrapper {
        private final long limit;
        private volatile boolean exceeded;
        private ServletInputStream stream;

        Counted(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new CountingStream(super.getInputStream());
            }
            return stream;
        }

        @Override
        public BufferedReader getReader() throws IOException {
            String encoding = getCharacterEncoding();
            Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
            return new BufferedReader(new InputStreamReader(getInputStream(), charset));
        }

        private final class CountingStream extends ServletInputStream {
            private final ServletInputStream in;
            private long count;

            CountingStream(ServletInputStream in) {
                this.in = in;
            }

            @Override
            public int read() throws IOException {
                int b = in.read();
                if (b >= 0) {
                    counted(1);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = in.read(buffer, offset, length);
                if (n > 0) {
                    counted(n);
                }
                return n;
            }

            private void counted(int n) throws BodyTooLarge {
                count += n;
                if (count > limit) {
                    exceeded = true;
                    throw new BodyTooLarge(limit);
                }
            }

            @Override
            public boolean isFinished() {
                return in.isFinished();
            }

            @Override
            public boolean isReady() {
                return in.isReady();
            }

            @Override
            public void setReadListener(ReadListener listener) {
                in.setReadListener(listener);
            }
        }
    }

    /**
     * The response, until the body turns out too large: from then on what the handler answers (a 400 for JSON cut
     * short, a FHIR parse error) is dropped, so the 413 can be written in its place.
     */
    private static final class Guarded extends HttpServletResponseWrapper {
        private final Counted request;
        private volatile boolean released;

        Guarded(HttpServletResponse response, Counted request) {
            super(response);
            this.request = request;
        }

        private boolean dropping() {
            return request.exceeded && !released;
        }

        @Override
        public void setStatus(int status) {
            if (!dropping()) {
                super.setStatus(status);
            }
        }

        @Override
        public void sendError(int status, String message) throws IOException {
            if (!dropping()) {
                super.sendError(status, message);
            }
        }

        @Override
        public void sendError(int status) throws IOException {
            if (!dropping()) {
                super.sendError(status);
            }
        }

        @Override
        public void setHeader(String name, String value) {
            if (!dropping()) {
                super.setHeader(name, value);
            }
        }

        @Override
        public void addHeader(String name, String value) {
            if (!dropping()) {
                super.addHeader(name, value);
            }
        }

        @Override
        public void setContentType(String type) {
            if (!dropping()) {
                super.setContentType(type);
            }
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            return dropping() ? new Sink() : super.getOutputStream();
        }

        @Override
        public PrintWriter getWriter() throws IOException {
            return dropping() ? new PrintWriter(Writer.nullWriter()) : super.getWriter();
        }

        @Override
        public void flushBuffer() throws IOException {
            if (!dropping()) {
                super.flushBuffer();
            }
        }
    }

    private static final class Sink extends ServletOutputStream {
        @Override
        public void write(int b) {
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setWriteListener(WriteListener listener) {
        }
    }
}
