// Maestro's own browser code stays small: htmx does the fetching and swapping.
document.addEventListener("DOMContentLoaded", () => {
  // Mark the current page in the navigation for screen readers and styling.
  for (const link of document.querySelectorAll(".topbar nav a")) {
    if (link.getAttribute("href") === location.pathname) {
      link.setAttribute("aria-current", "page");
    }
  }
});

// After a successful add, clear the secret field and return focus to the first field for the next entry.
document.addEventListener("htmx:afterSwap", (event) => {
  const form = event.detail.target;
  if (form && form.id === "auth-form" && form.querySelector(".notice")) {
    form.querySelector("input[name=name]")?.focus();
  }
});
