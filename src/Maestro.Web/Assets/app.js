// Maestro's own browser code stays small: htmx fetches and swaps, the server renders every piece of HTML.
(() => {
  "use strict";

  // --- Live streams -------------------------------------------------------------------------------------------------
  // The browser's own reconnect sends Last-Event-ID. When htmx's SSE extension has to create a new EventSource (after
  // an error), it would start from scratch: the URL then carries ?after=<last id> instead, so the server resumes there.
  const lastIds = new Map();
  document.addEventListener("htmx:sseMessage", (e) => {
    const id = e.detail && e.detail.lastEventId;
    const source = e.target.closest("[sse-connect]");
    if (id && source) lastIds.set(source.getAttribute("sse-connect"), id);
  });
  const resumeFrom = (url) => {
    const id = lastIds.get(url);
    if (!id) return url;
    const u = new URL(url, location.href);
    u.searchParams.set("after", id);
    return u.pathname + u.search;
  };

  // A lost connection shows a banner (after a moment, so a routine reconnect does not flash it) until it is back.
  let bannerTimer = 0;
  const banner = (show) => {
    const el = document.getElementById("live-banner");
    if (!el) return;
    clearTimeout(bannerTimer);
    if (show) bannerTimer = setTimeout(() => { el.hidden = false; }, 1500);
    else el.hidden = true;
  };
  document.addEventListener("htmx:sseError", () => banner(true));
  document.addEventListener("htmx:sseOpen", () => banner(false));

  // Live fragments add messages to the list; one the page already shows (a replay, or the page loaded just after the
  // event) is replaced in place instead, or kept when the fragment says so (data-if-missing).
  document.addEventListener("htmx:oobBeforeSwap", (e) => {
    const fragment = e.detail.fragment;
    if (!fragment || !fragment.children) return;
    for (const child of [...fragment.children]) {
      if (!child.id) continue;
      const existing = document.getElementById(child.id);
      if (!existing || existing === e.detail.target) continue;
      if (child.hasAttribute("data-if-missing")) {
        child.remove();
      } else {
        existing.replaceWith(child);
        htmx.process(child);
      }
    }
  });

  // A browser session that ended (signed out elsewhere, `maestro access rotate`): reloading shows the sign-in page,
  // which comes back here once signed in.
  document.addEventListener("htmx:responseError", (e) => {
    if (e.detail.xhr && e.detail.xhr.status === 401) location.reload();
  });

  // --- Chat behaviour -------------------------------------------------------------------------------------------------
  const scroller = () => document.scrollingElement || document.documentElement;
  let stick = true;
  addEventListener("scroll", () => {
    const s = scroller();
    stick = s.scrollHeight - s.scrollTop - s.clientHeight < 120;
  }, { passive: true });

  const highlight = (root) => {
    if (!window.hljs) return;
    for (const code of root.querySelectorAll(".md-done pre code:not([data-highlighted]), .tool-args pre code:not([data-highlighted])")) {
      window.hljs.highlightElement(code);
    }
  };

  // The last user message may be edited, the last answer retried (CSS shows those actions only there).
  const markLast = () => {
    const list = document.getElementById("messages");
    if (!list) return;
    for (const el of list.querySelectorAll(".msg[data-last]")) el.removeAttribute("data-last");
    const users = list.querySelectorAll(".msg.user");
    if (users.length) users[users.length - 1].setAttribute("data-last", "");
    const msgs = list.querySelectorAll(".msg");
    if (msgs.length) msgs[msgs.length - 1].setAttribute("data-last", "");
  };

  // Bars and meters carry their width as data-width (a percentage): the CSP refuses style attributes, not the CSSOM.
  const widths = (root) => {
    for (const el of root.querySelectorAll("[data-width]")) el.style.width = el.getAttribute("data-width") + "%";
  };

  let pending = false;
  const refresh = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      widths(document);
      markLast();
      highlight(document);
      if (stick && document.getElementById("messages")) scroller().scrollTop = scroller().scrollHeight;
    });
  };
  document.addEventListener("htmx:afterSettle", refresh);
  document.addEventListener("htmx:oobAfterSwap", refresh);
  document.addEventListener("htmx:sseMessage", refresh);

  const autosize = (area) => {
    area.style.height = "auto";
    area.style.height = Math.min(area.scrollHeight + 2, window.innerHeight * 0.4) + "px";
  };
  document.addEventListener("input", (e) => {
    if (e.target.matches("textarea[data-enter-submits]")) autosize(e.target);
  });

  // Enter sends, Shift+Enter adds a line (and so does Enter while an input method composes); Esc stops a running turn.
  document.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.target.matches("textarea[data-enter-submits]")) {
      e.preventDefault();
      const form = e.target.form;
      if (form && !form.querySelector("#stop-button") && e.target.value.trim() !== "") form.requestSubmit();
    } else if (e.key === "Escape") {
      const stop = document.getElementById("stop-button");
      if (stop) {
        e.preventDefault();
        // A Stop button a live fragment has just swapped in gets its htmx click handler only when the swap settles (a
        // timer, late on a busy machine): a click before that would do nothing. Processing it now binds the handler;
        // htmx skips an element it has already processed, so the settle step does not bind it twice.
        htmx.process(stop);
        stop.click();
      }
    }
  });

  // A sent prompt clears the box (the message itself arrives through the live stream).
  document.addEventListener("prompt-sent", () => {
    const box = document.getElementById("prompt");
    if (!box) return;
    box.value = "";
    autosize(box);
    box.focus();
    stick = true;
  });

  // Copy buttons: a code block's code, or an answer's text.
  const copy = async (text, button) => {
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(text);
      } else {
        const area = Object.assign(document.createElement("textarea"), { value: text });
        area.style.position = "fixed";
        area.style.opacity = "0";
        document.body.append(area);
        area.select();
        document.execCommand("copy");
        area.remove();
      }
      const label = button.textContent;
      button.textContent = "Copied";
      button.setAttribute("aria-live", "polite");
      setTimeout(() => { button.textContent = label; }, 1500);
    } catch {
      button.textContent = "Copy failed";
    }
  };
  document.addEventListener("click", (e) => {
    const code = e.target.closest(".code-block .copy");
    if (code) {
      const pre = code.closest(".code-block").querySelector("pre code");
      if (pre) copy(pre.innerText, code);
      return;
    }
    const message = e.target.closest(".copy-message");
    if (message) {
      const target = document.querySelector(message.getAttribute("data-copy-target"));
      if (target) copy(target.innerText, message);
    }
  });

  document.addEventListener("DOMContentLoaded", () => {
    if (window.htmx && htmx.createEventSource) {
      const create = htmx.createEventSource;
      htmx.createEventSource = (url) => create(resumeFrom(url));
    }
    if (window.hljs) window.hljs.configure({ ignoreUnescapedHTML: true });

    // Mark the current page in the navigation for screen readers and styling.
    for (const link of document.querySelectorAll(".topbar nav a")) {
      const href = link.getAttribute("href");
      if (href === location.pathname || (href !== "/" && location.pathname.startsWith(href))) {
        link.setAttribute("aria-current", "page");
      }
    }

    widths(document);
    markLast();
    highlight(document);
    if (document.getElementById("messages")) scroller().scrollTop = scroller().scrollHeight;
    const box = document.getElementById("prompt");
    if (box) box.focus();
  });

  // A login or refresh that moved on replaces the part the user was working in: focus goes to the field that needs
  // fixing, or to the next step, but only when it was in that part (a live update never pulls focus from elsewhere).
  const refocus = (swapped) => {
    // An outerHTML swap reports the element it replaced: look the new one up by id.
    const target = swapped && ["oauth-flow-body", "auth-refresh"].includes(swapped.id) && document.getElementById(swapped.id);
    if (!target) return;
    const active = document.activeElement;
    if (active && active !== document.body && document.contains(active) && !target.contains(active)) return;
    const next = target.querySelector("[aria-invalid=true], [data-autofocus]");
    if (next) next.focus();
  };
  document.addEventListener("htmx:afterSettle", (e) => refocus(e.detail.target));
  document.addEventListener("htmx:oobAfterSwap", (e) => refocus(e.detail.target));

  // After a successful add, return focus to the first field for the next entry.
  document.addEventListener("htmx:afterSwap", (event) => {
    const form = event.detail.target;
    if (form && form.id === "auth-form" && form.querySelector(".notice")) {
      form.querySelector("input[name=name]")?.focus();
    }
  });
})();
