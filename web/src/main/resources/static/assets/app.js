// Every htmx request carries the page's CSRF token; the CSP allows no inline script, so this lives here.
document.addEventListener("htmx:configRequest", function (event) {
  var header = document.querySelector('meta[name="_csrf_header"]');
  var token = document.querySelector('meta[name="_csrf"]');
  if (header && token && header.content && token.content) {
    event.detail.headers[header.content] = token.content;
  }
});
