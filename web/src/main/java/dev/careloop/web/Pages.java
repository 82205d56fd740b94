package dev.careloop.web;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.core.Authentication;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.servlet.ModelAndView;

/**
 * What every page has: the person in the header, and the API's refusals turned into pages. Another organisation's
 * referral, like one that does not exist, is a plain "not found" page with nothing of the API's detail.
 */
@ControllerAdvice(basePackages = "dev.careloop.web")
class Pages {

    private final WebClaims claims;

    Pages(WebClaims claims) {
        this.claims = claims;
    }

    @ModelAttribute("person")
    Person person(Authentication authentication) {
        return Person.of(authentication, claims);
    }

    @ModelAttribute("htmx")
    boolean htmx(HttpServletRequest request) {
        return Htmx.isHtmx(request);
    }

    /** A page this person's role may not use: the same 403 page whatever the page was. */
    @ExceptionHandler(org.springframework.security.access.AccessDeniedException.class)
    ModelAndView notForThisRole(HttpServletRequest request, Authentication authentication) {
        return refused(new ApiProblem(403, "Not for your role", "This page is not part of your work in CareLoop.",
                java.util.List.of()), request, authentication);
    }

    @ExceptionHandler(ApiProblem.class)
    ModelAndView refused(ApiProblem problem, HttpServletRequest request, Authentication authentication) {
        ModelAndView page = new ModelAndView(Htmx.isHtmx(request) && !problem.notFound() ? "fragments :: problem"
                : "problem");
        page.setStatus(org.springframework.http.HttpStatusCode.valueOf(problem.status()));
        page.addObject("person", Person.of(authentication, claims));
        page.addObject("problem", problem);
        if (problem.notFound()) {
            // Nothing of the API's detail: whether it exists elsewhere is not this person's to learn.
            page.addObject("problem", new ApiProblem(404, "Not found",
                    "There is nothing here for your organisation.", java.util.List.of()));
        }
        return page;
    }
}
