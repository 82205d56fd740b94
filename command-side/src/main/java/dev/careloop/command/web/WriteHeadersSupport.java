package dev.careloop.command.web;

import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.parameters.Parameter;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import java.util.Arrays;
import java.util.List;

/**
 * Resolves a {@link WriteHeaders} parameter from the request's headers, and documents it in OpenAPI as the two
 * optional headers it reads (not as a request object).
 */
@Configuration(proxyBeanMethods = false)
class WriteHeadersSupport implements WebMvcConfigurer {

    static {
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(WriteHeaders.class);
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new Resolver());
    }

    @Bean
    OperationCustomizer writeHeadersInOpenApi() {
        return (operation, handler) -> {
            if (Arrays.stream(handler.getMethodParameters()).anyMatch(p -> p.getParameterType() == WriteHeaders.class)) {
                operation.addParametersItem(header(WriteHeaders.IF_MATCH,
                        "the ETag (version) you last read, such as \"3\": a stale one is refused and writes nothing"));
                operation.addParametersItem(header(WriteHeaders.IDEMPOTENCY_KEY,
                        "retrying with the same key returns the first answer and writes nothing new"));
            }
            return operation;
        };
    }

    private static Parameter header(String name, String description) {
        return new HeaderParameter().name(name).required(false).description(description).schema(new StringSchema());
    }

    private static final class Resolver implements HandlerMethodArgumentResolver {

        @Override
        public boolean supportsParameter(MethodParameter parameter) {
            return parameter.getParameterType() == WriteHeaders.class;
        }

        @Override
        public WriteHeaders resolveArgument(MethodParameter parameter, ModelAndViewContainer container,
                                            NativeWebRequest request, WebDataBinderFactory binders) {
            return new WriteHeaders(request.getHeader(WriteHeaders.IF_MATCH),
                    request.getHeader(WriteHeaders.IDEMPOTENCY_KEY));
        }
    }
}
