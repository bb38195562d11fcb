// The main navigation collapses behind a menu button at phone widths (the CSS decides when); this opens and closes it.
(() => {
  "use strict";
  const toggle = () => document.querySelector(".topbar .nav-toggle");
  const setOpen = (open) => {
    const button = toggle();
    if (!button) return;
    button.setAttribute("aria-expanded", open ? "true" : "false");
    button.closest(".topbar").classList.toggle("nav-open", open);
  };
  document.addEventListener("click", (e) => {
    const button = e.target.closest(".topbar .nav-toggle");
    if (button) {
      setOpen(button.getAttribute("aria-expanded") !== "true");
      return;
    }
    // A link followed, or a click anywhere else, closes the menu.
    if (!e.target.closest("#main-nav") || e.target.closest("#main-nav a")) setOpen(false);
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && toggle()?.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      toggle().focus();
    }
  });
})();
