// EMS behaviour that htmx attributes cannot express. Loaded from 'self' under a
// strict CSP: no inline scripts, no eval, no hx-on.
(function () {
  "use strict";

  const TOAST_MS = 6000;

  function region() {
    return document.getElementById("messages");
  }

  function dismiss(toast) {
    toast.classList.add("is-leaving");
    setTimeout(() => toast.remove(), 200);
  }

  // Errors stay until closed; everything else fades after a few seconds.
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
    if (!toast.classList.contains("toast-error")) {
      setTimeout(() => dismiss(toast), TOAST_MS);
    }
  }

  function showToast(text, level) {
    const toast = document.createElement("div");
    toast.className = "toast toast-" + (level || "info");
    toast.textContent = text;
    region().append(toast);
    enhance(toast);
  }

  document.addEventListener("DOMContentLoaded", () => {
    region().querySelectorAll(".toast").forEach(enhance);
  });

  // Django messages on htmx responses arrive as HX-Trigger: {"messages": {"items": [...]}}.
  document.body.addEventListener("messages", (event) => {
    for (const item of event.detail.items || []) showToast(item.text, item.level);
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

  document.body.addEventListener("htmx:responseError", (event) => {
    const xhr = event.detail.xhr;
    if (xhr.getResponseHeader("HX-Trigger")) return;
    showToast(region().dataset.failed.replace("{status}", xhr.status), "error");
  });

  document.body.addEventListener("htmx:sendError", () => {
    showToast(region().dataset.offline, "error");
  });

  // A swap that replaces the focused control (Register, a form's Cancel or Save) would
  // drop focus to the page's start. Move it into what came instead: its [autofocus]
  // control if any, else its status line, else its first control.
  // Noted when the request is made: hx-disabled-elt then takes focus off the button.
  let focusedSwap = null;
  document.body.addEventListener("htmx:configRequest", (event) => {
    const target = event.detail.target;
    focusedSwap = target && target.id && target.contains(document.activeElement) ? target.id : null;
  });
  document.body.addEventListener("htmx:afterSettle", () => {
    const swapped = focusedSwap && document.getElementById(focusedSwap);
    focusedSwap = null;
    if (!swapped || swapped.contains(document.activeElement)) return;
    const next = swapped.querySelector("[autofocus], [tabindex='-1'], a[href], button, input, select");
    if (next) next.focus();
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
