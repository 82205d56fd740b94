package dev.careloop.app.web;

import dev.careloop.api.InputRules;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;

import java.lang.reflect.Type;

/**
 * {@link InputRules} on every JSON body the API reads, commands or not (a partner's registration, an erasure's
 * reason): control characters, ids and lengths refused as a 400 naming each field before the controller sees it,
 * so what is stored outside the log follows the same rules as the log. Request bodies do not mark their free text,
 * so line breaks pass here; the command bus then judges each field exactly.
 */
@ControllerAdvice
class InputRulesOnBodies extends RequestBodyAdviceAdapter {

    @Override
    public boolean supports(MethodParameter parameter, Type targetType,
                            Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public Object afterBodyRead(Object body, HttpInputMessage input, MethodParameter parameter, Type targetType,
                                Class<? extends HttpMessageConverter<?>> converterType) {
        var found = InputRules.checkRequest(body);
        if (!found.isEmpty()) {
            throw new InputRules.InvalidInput(found);
        }
        return body;
    }
}
