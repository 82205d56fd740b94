// Every htmx request carries the page's CSRF token; the CSP allows no inline script, so this lives here.
document.addEventListener("htmx:configRequest", function (event) {
  var header = document.querySelector('meta[name="_csrf_header"]');
  var token = document.querySelector('meta[name="_csrf"]');
  if (header && token && header.content && token.content) {
    event.detail.headers[header.content] = token.content;
  }
});

// A live notification (htmx's sse extension, see fragments :: live): tell the page (the unread badge listens for
// careloop:notification) and keep only the latest few toasts.
document.addEventListener("htmx:sseMessage", function (event) {
  if (event.detail && event.detail.type === "notification") {
    document.body.dispatchEvent(new CustomEvent("careloop:notification", { bubbles: true }));
    var toasts = document.getElementById("toasts");
    while (toasts && toasts.children.length > 3) {
      toasts.removeChild(toasts.lastElementChild);
    }
  }
});
// Marks the live connection open (data-live), so the page (and its tests) can tell that notifications will arrive.
document.addEventListener("htmx:sseOpen", function (event) {
  event.target.setAttribute("data-live", "open");
});
document.addEventListener("htmx:sseError", function (event) {
  if (event.target && event.target.removeAttribute) {
    event.target.removeAttribute("data-live");
  }
});
