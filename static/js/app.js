// EMS behaviour that htmx attributes cannot express. Loaded from 'self' under a
// strict CSP: no inline scripts, no eval, no hx-on.
(function () {
  "use strict";

  // htmx's settings, here rather than in a <meta name="htmx-config"> (a name HTML
  // doesn't register): this runs after htmx loads and before it starts, on
  // DOMContentLoaded. No indicator <style> injection and no eval, so the strict CSP
  // holds. No history snapshots: Back/Forward fetch the full page, so forms always
  // match the results and no personal page is kept in localStorage. A 409 (full,
  // closed) or 422 still swaps in what the server sent.
  Object.assign(htmx.config, {
    includeIndicatorStyles: false,
    allowEval: false,
    allowScriptTags: false,
    historyCacheSize: 0,
    responseHandling: [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "409", swap: true, error: false },
      { code: "422", swap: true, error: false },
      { code: "[45]..", swap: false, error: true },
    ],
  });

  // A toast stays at least this long, longer for long texts (about 15 characters a
  // second), and never goes while the pointer or focus is on it (WCAG 2.2.1).
  const TOAST_MS = 8000;
  const TOAST_MS_PER_CHAR = 70;
  // At most this many at once: a new one sends the oldest away.
  const TOASTS_SHOWN = 2;

  function region() {
    return document.getElementById("messages");
  }

  function dismiss(toast) {
    if (toast.classList.contains("is-leaving")) return;
    toast.classList.add("is-leaving");
    setTimeout(() => toast.remove(), 200);
  }

  // Screen readers hear each message once, from #announcer, never the × button.
  function announce(text) {
    const line = document.createElement("p");
    line.textContent = text;
    document.getElementById("announcer").append(line);
    setTimeout(() => line.remove(), 30000);
  }

  function autoDismiss(toast) {
    const wait = Math.max(TOAST_MS, toast.textContent.length * TOAST_MS_PER_CHAR);
    let timer = setTimeout(() => dismiss(toast), wait);
    const hold = () => clearTimeout(timer);
    const resume = () => {
      if (toast.matches(":hover") || toast.contains(document.activeElement)) return;
      clearTimeout(timer);
      timer = setTimeout(() => dismiss(toast), wait / 2);
    };
    toast.addEventListener("mouseenter", hold);
    toast.addEventListener("focusin", hold);
    toast.addEventListener("mouseleave", resume);
    toast.addEventListener("focusout", resume);
  }

  // Errors stay until closed; everything else goes by itself.
  function enhance(toast) {
    if (toast.dataset.enhanced) return;
    toast.dataset.enhanced = "1";
    const text = document.createElement("span");
    text.className = "toast-text";
    text.append(...toast.childNodes);
    const close = document.createElement("button");
    close.type = "button";
    close.className = "toast-close";
    close.setAttribute("aria-label", region().dataset.dismiss);
    close.textContent = "×";
    close.addEventListener("click", () => dismiss(toast));
    toast.append(text, close);
    if (!toast.classList.contains("toast-error")) autoDismiss(toast);
    announce(text.textContent);
    const shown = [...region().querySelectorAll(".toast:not(.is-leaving)")];
    shown.slice(0, -TOASTS_SHOWN).forEach(dismiss);
  }

  // `topic`: what the toast is about, the part of the page its request replaced. A new
  // toast about the same thing (Register, then Cancel) replaces the old one.
  function showToast(text, level, topic) {
    const toast = document.createElement("div");
    toast.className = "toast toast-" + (level || "info");
    toast.textContent = text;
    if (topic) {
      region().querySelectorAll(".toast").forEach((old) => {
        if (old.dataset.topic === topic) old.remove();
      });
      toast.dataset.topic = topic;
    }
    region().append(toast);
    enhance(toast);
  }

  // Messages rendered with the page are announced once it has loaded; a live region
  // is only read out when it changes.
  document.addEventListener("DOMContentLoaded", () => {
    setTimeout(() => region().querySelectorAll(".toast").forEach(enhance), 300);
  });

  // Django messages on htmx responses arrive as HX-Trigger: {"messages": {"items": [...]}},
  // fired on the element that made the request.
  document.body.addEventListener("messages", (event) => {
    const source = event.target.closest && event.target.closest("[hx-target]");
    const topic = source ? source.getAttribute("hx-target") : "";
    for (const item of event.detail.items || []) showToast(item.text, item.level, topic);
  });

  // The browser's time zone, kept in the tz cookie so the server can show event times
  // on the viewer's clock too (accounts/viewer.py). Until it has, pages carry hidden
  // [data-viewer-time] spans, filled in here.
  const ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;
  // Zone names (America/Argentina/Buenos_Aires) are valid cookie values as they are.
  if (ZONE && !document.cookie.split("; ").includes("tz=" + ZONE)) {
    document.cookie = "tz=" + ZONE + "; path=/; max-age=31536000; samesite=lax";
  }

  function clockIn(zone) {
    return new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
      weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
      hourCycle: "h23", timeZoneName: "short", timeZone: zone,
    });
  }

  function showViewerTimes(root) {
    if (!ZONE) return;
    root.querySelectorAll("[data-viewer-time][hidden]").forEach((span) => {
      const starts = new Date(span.dataset.starts);
      const mine = clockIn(ZONE);
      // Another zone on the same clock (Paris for Berlin) adds nothing.
      if (mine.format(starts) === clockIn(span.dataset.zone).format(starts)) return;
      const ends = span.dataset.ends && new Date(span.dataset.ends);
      const text = ends ? mine.formatRange(starts, ends) : mine.format(starts);
      const city = ZONE.split("/").pop().replaceAll("_", " ");
      span.textContent = span.dataset.label + " " + text + " (" + city + ")";
      span.hidden = false;
    });
  }

  document.addEventListener("DOMContentLoaded", () => showViewerTimes(document));
  document.body.addEventListener("htmx:load", (event) => showViewerTimes(event.detail.elt));

  // GET forms send only the filters in use, so pushed and shared URLs stay short.
  document.body.addEventListener("htmx:configRequest", (event) => {
    if (event.detail.verb !== "get") return;
    const data = event.detail.formData;
    for (const [name, value] of [...data.entries()]) {
      if (value === "") data.delete(name);
    }
  });

  // "Filters (n)" counts the folded filters in use as they change, as the server does
  // for the page it sends (EventFilter.in_use).
  document.addEventListener("change", (event) => {
    const folded = event.target.closest && event.target.closest(".more-filters");
    if (!folded) return;
    const fields = [...folded.querySelectorAll("[data-counted] select, [data-counted] input")];
    const used = fields.filter((field) => (field.type === "checkbox" ? field.checked : field.value !== "")).length;
    folded.querySelector("[data-in-use]").textContent = used ? ` (${used})` : "";
  });

  document.body.addEventListener("htmx:responseError", (event) => {
    const xhr = event.detail.xhr;
    if (xhr.getResponseHeader("HX-Trigger")) return;
    showToast(region().dataset.failed.replace("{status}", xhr.status), "error");
  });

  document.body.addEventListener("htmx:sendError", () => {
    showToast(region().dataset.offline, "error");
  });

  // A swap that replaces the focused control (Register, Check in, a form's Cancel or
  // Save) would drop focus to the page's start. Move it into what came instead: its
  // [autofocus] control if any, else its status line or heading, else its first control.
  // Noted when the request is made: hx-disabled-elt then takes focus off the button.
  const CONTROLS = "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled]), summary";
  let focusedSwap = null;
  document.body.addEventListener("htmx:configRequest", (event) => {
    const target = event.detail.target;
    focusedSwap = target && target.id && target.contains(document.activeElement) ? target.id : null;
  });
  document.body.addEventListener("htmx:afterSettle", () => {
    const swapped = focusedSwap && document.getElementById(focusedSwap);
    focusedSwap = null;
    if (!swapped || swapped.contains(document.activeElement)) return;
    const next = swapped.querySelector("[autofocus]") || swapped.querySelector("[tabindex='-1']")
      || [...swapped.querySelectorAll(CONTROLS)].find((control) => control.getClientRects().length);
    if (next) next.focus();
  });

  // On a phone, the event page's action bar (inside #registration-panel) shows while
  // less than SEEN of the panel itself is on screen, so the action is always at hand.
  const PHONE = window.matchMedia("(max-width: 600px)");
  const SEEN = 0.6;
  const panelWatch = "IntersectionObserver" in window && new IntersectionObserver((entries) => {
    for (const entry of entries) {
      const bar = entry.target.querySelector("[data-action-bar]");
      if (bar) bar.hidden = entry.intersectionRatio >= SEEN || !PHONE.matches;
    }
  }, { threshold: [0, SEEN] });

  function watchPanel() {
    const panel = document.getElementById("registration-panel");
    if (!panelWatch) return;
    panelWatch.disconnect();
    if (panel) panelWatch.observe(panel);
  }

  document.addEventListener("DOMContentLoaded", watchPanel);
  document.body.addEventListener("htmx:load", watchPanel);
  PHONE.addEventListener("change", watchPanel);

  // Share: the system's share sheet where there is one (phones), else copy the link.
  const canShare = Boolean(navigator.share || (navigator.clipboard && window.isSecureContext));
  function enhanceShare(root) {
    root.querySelectorAll("[data-share]").forEach((button) => { button.hidden = !canShare; });
  }
  document.addEventListener("DOMContentLoaded", () => enhanceShare(document));
  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("[data-share]");
    if (!button) return;
    const url = new URL(button.dataset.url, location.href).href;
    if (navigator.share) {
      navigator.share({ title: document.title, url }).catch(() => {});
      return;
    }
    navigator.clipboard.writeText(url).then(
      () => showToast(button.dataset.copied, "success", "share"),
      () => showToast(button.dataset.notCopied, "error", "share"),
    );
  });

  // The guest form shows a name field per guest chosen. Hidden fields are disabled,
  // so a name typed and then hidden is not sent.
  function showGuestNames(select) {
    const form = select.form;
    const count = Number(select.value) || 0;
    form.querySelectorAll("[data-guest]").forEach((field) => {
      const shown = Number(field.dataset.guest) <= count;
      field.hidden = !shown;
      field.querySelectorAll("input").forEach((input) => { input.disabled = !shown; });
    });
    const names = form.querySelector(".guest-names");
    if (names) names.hidden = count === 0;
  }

  // A question asked only after an earlier answer shows (and is sent) only while
  // that answer is chosen: a radio or checkbox named by data-shown-if.
  function showConditionalQuestions(form) {
    form.querySelectorAll("[data-shown-if]").forEach((question) => {
      const picked = [...form.querySelectorAll(`[name="${question.dataset.shownIf}"]:checked`)];
      const shown = picked.some((input) => input.value === question.dataset.shownIfAnswer && !input.disabled);
      question.hidden = !shown;
      question.querySelectorAll("input, select, textarea").forEach((input) => { input.disabled = !shown; });
    });
  }

  function enhanceGuestForms(root) {
    root.querySelectorAll("select[data-guests]").forEach(showGuestNames);
    root.querySelectorAll("form").forEach((form) => {
      if (form.querySelector("[data-shown-if]")) showConditionalQuestions(form);
    });
  }

  document.addEventListener("DOMContentLoaded", () => enhanceGuestForms(document));
  document.body.addEventListener("htmx:load", (event) => enhanceGuestForms(event.detail.elt));
  document.addEventListener("change", (event) => {
    if (event.target.matches && event.target.matches("select[data-guests]")) {
      showGuestNames(event.target);
    }
    const form = event.target.form;
    if (form && form.querySelector("[data-shown-if]")) showConditionalQuestions(form);
  });

  // A header checkbox that ticks every row's checkbox of the same name; shown only
  // here, as without JavaScript it could do nothing.
  function enhanceSelectAll(root) {
    root.querySelectorAll("input[data-select-all]").forEach((all) => {
      all.hidden = false;
    });
  }

  document.addEventListener("DOMContentLoaded", () => enhanceSelectAll(document));
  document.body.addEventListener("htmx:load", (event) => enhanceSelectAll(event.detail.elt));
  document.addEventListener("change", (event) => {
    const all = event.target;
    if (!all.matches || !all.matches("input[data-select-all]")) return;
    const table = all.closest("table");
    table.querySelectorAll(`input[type=checkbox][name="${all.dataset.selectAll}"]`).forEach((box) => {
      box.checked = all.checked;
    });
  });

  // Esc in an inline edit form is its Cancel button; elsewhere it closes the toasts.
  // (htmx trigger filters like keyup[key=='Escape'] need eval, which CSP forbids.)
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const form = event.target.closest && event.target.closest("form[data-inline-edit]");
    if (form) {
      event.preventDefault();
      // Ask for the display directly: the Cancel button may not be wired by htmx yet
      // if Esc comes within the few milliseconds after the form was swapped in.
      const cancel = form.querySelector("[data-cancel]");
      htmx.ajax("GET", cancel.getAttribute("hx-get"), {
        target: cancel.getAttribute("hx-target"),
        swap: "outerHTML",
      });
      return;
    }
    region().querySelectorAll(".toast").forEach(dismiss);
  });
})();
