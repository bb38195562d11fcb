// The sign-in page (it loads nothing else). The form is posted with fetch: a plain form post would carry
// `Origin: null` under the page's `Referrer-Policy: no-referrer`, and Maestro refuses those. A sign-in link carries a
// one-time code in its fragment (#code=…), which browsers never send to a server: it is taken off the address at
// once and exchanged for the session cookie.
(() => {
  "use strict";

  const form = document.getElementById("login-form");
  const error = document.getElementById("login-error");
  const secret = document.getElementById("secret");
  if (!form || !error || !secret) return;

  const show = (message) => {
    error.textContent = message;
    error.hidden = false;
    secret.setAttribute("aria-invalid", "true");
    secret.focus();
  };

  const signIn = async (fields) => {
    const button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    try {
      const response = await fetch("/login", {
        method: "POST",
        body: new URLSearchParams(fields),
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      const body = await response.json().catch(() => ({}));
      if (response.ok) {
        location.replace(body.redirect || "/");
        return;
      }
      show(body.detail || "Sign-in failed (" + response.status + ").");
      if (body.hint) error.textContent += " " + body.hint;
    } catch {
      show("Maestro cannot be reached. Check that it is running and try again.");
    } finally {
      if (button) button.disabled = false;
    }
  };

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    signIn({ secret: secret.value, next: form.elements.next.value });
  });

  const match = /^#code=([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (match) {
    history.replaceState(null, "", location.pathname + location.search);
    signIn({ code: match[1], next: form.elements.next.value });
    return;
  }

  // The session cookie is SameSite=Strict: a link followed from another site arrives without it and lands here
  // although this browser is signed in. A request from this page carries it; when that gets through, go on (at most
  // once every few seconds, so a cookie that works for fetch but not for pages can never loop).
  const next = form.elements.next.value || "/";
  const lastProbe = Number(sessionStorage.getItem("maestro-login-probe") || 0);
  if (Date.now() - lastProbe > 10000) {
    sessionStorage.setItem("maestro-login-probe", String(Date.now()));
    fetch(next, { credentials: "same-origin", cache: "no-store" })
      .then((response) => { if (response.ok) location.replace(next); })
      .catch(() => {});
  }
})();
