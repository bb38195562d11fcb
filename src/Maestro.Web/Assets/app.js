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
    // A part replaced whole (a list, the conversation) brings its children along as they are.
    if (fragment.id && fragment.id === e.detail.target.id) return;
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

  // A live re-render of a form marked data-keep-edits (the session bar, after a change made in any tab) leaves it alone
  // while the user has changed a field there and not applied it: what they typed is not thrown away under them, and
  // applying it saves their choice. A form with nothing changed follows the live state as before.
  const changed = (field) => {
    if (field.tagName === "SELECT") {
      const initial = [...field.options].findIndex((o) => o.defaultSelected);
      return field.selectedIndex !== (initial < 0 ? 0 : initial);
    }
    if (field.type === "checkbox" || field.type === "radio") return field.checked !== field.defaultChecked;
    if (field.tagName === "TEXTAREA" || (field.tagName === "INPUT" && !["submit", "button", "reset", "hidden"].includes(field.type))) {
      return field.value !== field.defaultValue;
    }
    return false;
  };
  document.addEventListener("htmx:oobBeforeSwap", (e) => {
    const form = e.detail.target;
    if (form && form.tagName === "FORM" && form.hasAttribute("data-keep-edits") && [...form.elements].some(changed)) {
      e.detail.shouldSwap = false;
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

  // A key that clicks a button a live swap has just brought in (Stop, an approval's decision): htmx binds swapped-in
  // elements only when the swap settles (a timer, late on a busy machine), and a click before that would do nothing
  // (Stop) or send the form as a plain page request (a decision). Processing the button's form (or the button) first
  // binds it now; htmx skips what it has already processed, so the settle step does not bind it twice.
  const clickBound = (button) => {
    if (window.htmx) htmx.process(button.form || button);
    button.click();
  };

  // A form sent while the page is still loading: htmx binds the page only at DOMContentLoaded, which waits for every
  // deferred script, and until then the browser would send the form itself (the composer as a GET that puts the prompt
  // in the address bar and starts nothing). Binding the form here lets htmx take this very submit: a listener added to
  // the form during the capture phase still sees the event. htmx skips a form it has already bound.
  document.addEventListener("submit", (e) => {
    if (window.htmx && e.target.matches("form[hx-post], form[hx-put], form[hx-patch], form[hx-delete], form[hx-get]")) htmx.process(e.target);
  }, true);

  // Enter sends, Shift+Enter adds a line (and so does Enter while an input method composes); Esc stops a running turn.
  document.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.target.matches("textarea[data-enter-submits]")) {
      e.preventDefault();
      const form = e.target.form;
      const files = form && form.querySelector("#attach");
      if (form && !form.querySelector("#stop-button") && (e.target.value.trim() !== "" || (files && files.files.length))) form.requestSubmit();
    } else if (e.key === "Escape") {
      const stop = document.getElementById("stop-button");
      if (stop) {
        e.preventDefault();
        clickBound(stop);
      }
    }
  });

  // Attachments: the picker (📎) or files dropped on the composer, listed above the box with a remove button each.
  const attachInput = () => document.getElementById("attach");
  const listAttachments = () => {
    const input = attachInput();
    const list = document.getElementById("attach-list");
    if (!input || !list) return;
    list.replaceChildren(...[...input.files].map((file, i) => {
      const item = document.createElement("li");
      const size = file.size < 1024 ? `${file.size} B` : file.size < 1048576 ? `${Math.round(file.size / 1024)} KB` : `${(file.size / 1048576).toFixed(1)} MB`;
      item.textContent = `📎 ${file.name} (${size}) `;
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "ghost small";
      remove.textContent = "×";
      remove.setAttribute("aria-label", `Remove ${file.name}`);
      remove.addEventListener("click", () => {
        const kept = new DataTransfer();
        [...input.files].forEach((f, j) => { if (j !== i) kept.items.add(f); });
        input.files = kept.files;
        listAttachments();
      });
      item.append(remove);
      return item;
    }));
  };
  const addFiles = (files) => {
    const input = attachInput();
    if (!input || !files || !files.length) return;
    const all = new DataTransfer();
    for (const f of [...input.files, ...files]) all.items.add(f);
    input.files = all.files;
    listAttachments();
  };
  document.addEventListener("change", (e) => { if (e.target.id === "attach") listAttachments(); });
  document.addEventListener("dragover", (e) => {
    const composer = e.target.closest && e.target.closest("#composer");
    if (!composer || !e.dataTransfer || ![...e.dataTransfer.types].includes("Files")) return;
    e.preventDefault();
    composer.classList.add("dropping");
  });
  document.addEventListener("dragleave", (e) => {
    const composer = e.target.closest && e.target.closest("#composer");
    if (composer && !composer.contains(e.relatedTarget)) composer.classList.remove("dropping");
  });
  document.addEventListener("drop", (e) => {
    const composer = e.target.closest && e.target.closest("#composer");
    if (!composer || !e.dataTransfer || !e.dataTransfer.files.length) return;
    e.preventDefault();
    composer.classList.remove("dropping");
    addFiles(e.dataTransfer.files);
  });

  // A sent prompt clears the box and its attachments (the message itself arrives through the live stream).
  document.addEventListener("prompt-sent", () => {
    const input = attachInput();
    if (input) { input.value = ""; listAttachments(); }
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

  // --- Approvals ------------------------------------------------------------------------------------------------------
  // The nav badge counts the tool calls waiting in every session. The tab title carries the count ("(2) Maestro"), and
  // a user who opted in gets a browser notification when it grows. A page without a live stream of its own opens the
  // inbox stream for the badge (chat and dashboard streams carry it: one connection per tab).
  const notifyKey = "maestro.notify-approvals";
  const canNotify = () => "Notification" in window && Notification.permission === "granted" && localStorage.getItem(notifyKey) === "1";
  let waiting = null;
  const followBadge = () => {
    const badge = document.getElementById("inbox-count");
    if (!badge) return;
    const count = Number(badge.getAttribute("data-count")) || 0;
    const base = document.title.replace(/^\(\d+\) /, "");
    document.title = count > 0 ? `(${count}) ${base}` : base;
    if (waiting !== null && count > waiting && canNotify() && !(document.visibilityState === "visible" && document.querySelector("[data-inbox]"))) {
      const n = new Notification("Maestro: approval needed", {
        body: count === 1 ? "A tool call waits for your approval." : `${count} tool calls wait for your approval.`,
        tag: "maestro-approvals",
      });
      n.addEventListener("click", () => { window.focus(); location.href = "/approvals"; });
    }
    waiting = count;
  };

  const offerNotifications = () => {
    const button = document.getElementById("notify-optin");
    if (!button || !("Notification" in window) || Notification.permission === "denied") return;
    if (canNotify()) return;
    button.hidden = false;
    button.addEventListener("click", async () => {
      // Asked only when the user presses the button: never on page load.
      const answer = Notification.permission === "granted" ? "granted" : await Notification.requestPermission();
      if (answer === "granted") localStorage.setItem(notifyKey, "1");
      button.hidden = true;
    });
  };

  const connectInbox = () => {
    if (!document.getElementById("inbox-count") || document.querySelector("[sse-connect]") || !window.htmx) return;
    const live = document.createElement("div");
    live.hidden = true;
    live.setAttribute("hx-ext", "sse");
    live.setAttribute("sse-connect", "/ui/live/approvals");
    const swap = document.createElement("div");
    swap.setAttribute("sse-swap", "html");
    swap.setAttribute("hx-swap", "none");
    live.append(swap);
    document.body.append(live);
    htmx.process(live);
  };

  // A waiting approval in the chat is scrolled into view above the sticky composer, once.
  const revealApprovals = () => {
    const forms = document.querySelectorAll("#messages form.approval:not([data-revealed])");
    if (!forms.length) return;
    for (const form of forms) form.setAttribute("data-revealed", "");
    const first = forms[0];
    const composer = document.getElementById("composer");
    const limit = composer ? composer.getBoundingClientRect().top : window.innerHeight;
    const box = first.getBoundingClientRect();
    if (box.bottom > limit - 8) scroller().scrollTop += box.bottom - limit + 24;
    else if (box.top < 0) first.scrollIntoView({ block: "start" });
  };

  // Enter in a denial's reason denies (a form's default button would approve).
  document.addEventListener("keydown", (e) => {
    if (e.key !== "Enter" || e.isComposing || !e.target.matches("form.approval input[name=reason]")) return;
    e.preventDefault();
    const deny = e.target.form.querySelector("button[value=deny]");
    if (deny) clickBound(deny);
  });

  // The inbox: j/k move between approvals, a approves once, s approves for the session, d goes to the reason (Enter denies).
  const inboxItems = () => [...document.querySelectorAll("[data-inbox-item]")];
  let selected = null;
  const select = (item) => {
    for (const el of document.querySelectorAll("[data-inbox-item][aria-current]")) el.removeAttribute("aria-current");
    selected = item ? item.id : null;
    if (!item) return;
    item.setAttribute("aria-current", "true");
    item.focus({ preventScroll: true });
    item.scrollIntoView({ block: "nearest" });
  };
  const current = () => (selected && document.getElementById(selected)) || inboxItems()[0] || null;
  document.addEventListener("keydown", (e) => {
    if (!document.querySelector("[data-inbox]") || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.target.matches("input, textarea, select, [contenteditable]")) return;
    const items = inboxItems();
    if (!items.length) return;
    const item = current();
    const at = items.indexOf(item);
    const press = (value) => {
      const button = item && item.querySelector(`form.approval button[value=${value}]`);
      if (button) { e.preventDefault(); clickBound(button); }
    };
    switch (e.key) {
      case "j": e.preventDefault(); select(items[Math.min(at + 1, items.length - 1)]); break;
      case "k": e.preventDefault(); select(items[Math.max(at - 1, 0)]); break;
      case "a": press("approve"); break;
      case "s": press("approve_session"); break;
      case "d": {
        const reason = item && item.querySelector("form.approval input[name=reason]");
        if (reason) { e.preventDefault(); select(item); reason.focus(); }
        break;
      }
    }
  });

  // The inbox list is replaced whenever an approval is asked or decided anywhere: a reason being typed survives it
  // (hx-preserve), and so do the selection and the focus.
  let kept = null;
  document.addEventListener("htmx:oobBeforeSwap", (e) => {
    if (!e.detail.target || e.detail.target.id !== "inbox-list") return;
    const active = document.activeElement;
    kept = { focus: active && e.detail.target.contains(active) && active.id ? active.id : null };
  });
  document.addEventListener("htmx:oobAfterSwap", (e) => {
    if (!kept || !e.detail.target || e.detail.target.id !== "inbox-list") return;
    const items = inboxItems();
    if (selected && !document.getElementById(selected) && items.length) selected = items[0].id;
    const item = selected && document.getElementById(selected);
    if (item) item.setAttribute("aria-current", "true");
    const focus = kept.focus && document.getElementById(kept.focus);
    if (focus && focus !== document.activeElement) focus.focus();
    kept = null;
  });

  document.addEventListener("htmx:oobAfterSwap", followBadge);
  document.addEventListener("htmx:afterSettle", revealApprovals);
  document.addEventListener("htmx:oobAfterSwap", revealApprovals);
  document.addEventListener("DOMContentLoaded", () => {
    followBadge();
    offerNotifications();
    connectInbox();
    revealApprovals();
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
