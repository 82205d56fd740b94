package dev.careloop.app.nodes;

import dev.careloop.api.InputRules.Violation;
import dev.careloop.app.web.EdgeAnswers;
import dev.careloop.plumbing.ReadPositions;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

/**
 * Read-your-writes across nodes ({@link ReadPositions}): every write answers {@code CareLoop-Position} (the log
 * position of what it wrote); a read that sends it back is answered only once this node's read models have processed that
 * position, whichever node wrote it, waiting at most {@code careloop.read-your-writes-timeout}. Not reached in
 * time: 503 with Retry-After rather than a state older than one the client has already seen. Runs after Spring
 * Security: only an authenticated read waits.
 */
@Component
@Order(0)
class ReadPositionFilter extends OncePerRequestFilter {

    private final ProcessingProgress progress;
    private final Duration timeout;

    ReadPositionFilter(ProcessingProgress progress,
                       @Value("${careloop.read-your-writes-timeout:PT5S}") Duration timeout) {
        this.progress = progress;
        this.timeout = timeout;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return request.getHeader(ReadPositions.HEADER) == null
                || !("GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod()));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI();
        OptionalLong sent = ReadPositions.parse(request.getHeader(ReadPositions.HEADER));
        if (sent.isEmpty()) {
            EdgeAnswers.write(response, path, 400, "1 parameter(s) are invalid",
                    List.of(new Violation(ReadPositions.HEADER, ReadPositions.MALFORMED)));
            return;
        }
        long position = sent.getAsLong();
        boolean reached;
        try {
            reached = progress.awaitReached(position, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reached = false;
        }
        if (!reached) {
            response.setHeader("Retry-After", "1");
            EdgeAnswers.write(response, path, 503, "the read models have not yet reached log position " + position
                    + " within " + timeout.toMillis() + " ms; try again shortly", List.of());
            return;
        }
        chain.doFilter(request, response);
    }
}
