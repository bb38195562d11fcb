// The model picker: a model field (data-model-picker="<list id>") becomes a combobox over the listbox the server renders
// beside it (#<list id>-picker: id, name, context window, price, capabilities). Typing filters (every word must match),
// ↑/↓ move, Enter picks, Esc closes; any id can still be typed. Without this script the datalist serves.
(() => {
  "use strict";

  const listFor = (input) => document.getElementById(input.dataset.modelPicker + "-picker");
  const visible = (list) => [...list.querySelectorAll("li[role=option]")].filter((li) => !li.hidden);

  const close = (input) => {
    const list = listFor(input);
    if (list) list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  };

  const setActive = (input, list, item) => {
    for (const li of list.querySelectorAll("li[aria-selected=true]")) li.setAttribute("aria-selected", "false");
    if (!item) {
      input.removeAttribute("aria-activedescendant");
      return;
    }
    item.setAttribute("aria-selected", "true");
    input.setAttribute("aria-activedescendant", item.id);
    item.scrollIntoView({ block: "nearest" });
  };

  const open = (input) => {
    const list = listFor(input);
    if (!list) return null;
    // The listbox replaces the browser's datalist once the script runs.
    input.removeAttribute("list");
    const words = input.value.toLowerCase().split(/\s+/).filter((w) => w.length > 0);
    let shown = 0;
    for (const li of list.querySelectorAll("li[role=option]")) {
      const text = li.dataset.search || "";
      li.hidden = !words.every((w) => text.includes(w));
      if (!li.hidden) shown++;
    }
    list.hidden = shown === 0;
    input.setAttribute("aria-expanded", shown > 0 ? "true" : "false");
    setActive(input, list, null);
    return list;
  };

  const pick = (input, item) => {
    input.value = item.dataset.value;
    close(input);
    input.dispatchEvent(new Event("change", { bubbles: true }));
  };

  document.addEventListener("focusin", (e) => {
    const input = e.target.closest && e.target.closest("input[data-model-picker]");
    if (input) open(input);
  });
  document.addEventListener("input", (e) => {
    const input = e.target.closest && e.target.closest("input[data-model-picker]");
    if (input) open(input);
  });
  document.addEventListener("focusout", (e) => {
    const input = e.target.closest && e.target.closest("input[data-model-picker]");
    if (input) setTimeout(() => { if (document.activeElement !== input) close(input); }, 150);
  });

  document.addEventListener("keydown", (e) => {
    const input = e.target.closest && e.target.closest("input[data-model-picker]");
    if (!input) return;
    let list = listFor(input);
    if (!list) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (list.hidden) list = open(input);
      const items = visible(list);
      if (items.length === 0) return;
      const current = items.findIndex((li) => li.getAttribute("aria-selected") === "true");
      const next = e.key === "ArrowDown"
        ? (current + 1) % items.length
        : (current <= 0 ? items.length - 1 : current - 1);
      setActive(input, list, items[next]);
      e.preventDefault();
    } else if (e.key === "Enter" && !list.hidden) {
      const active = list.querySelector("li[aria-selected=true]");
      if (active && !active.hidden) {
        pick(input, active);
        e.preventDefault();
      }
    } else if (e.key === "Escape" && !list.hidden) {
      close(input);
      e.preventDefault();
    } else if (e.key === "Tab") {
      close(input);
    }
  });

  // mousedown, not click: it comes before the field's focusout closes the list.
  document.addEventListener("mousedown", (e) => {
    const item = e.target.closest && e.target.closest(".model-picker-list li[role=option]");
    if (!item) return;
    const list = item.closest(".model-picker-list");
    const input = document.querySelector(`input[data-model-picker="${list.id.replace(/-picker$/, "")}"]`);
    if (input) {
      e.preventDefault();
      pick(input, item);
    }
  });
})();
