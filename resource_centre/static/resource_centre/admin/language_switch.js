/* The one language switch of a change form (resource_centre/admin_languages.py,
   templates/admin/includes/language_switch.html).

   Every translated field's input carries its language (data-language, set by
   resource_centre/content_admin.py). The switch shows the fields of the chosen language
   together, in the form and in its inlines, and hides the other languages' fields; fields
   that are not translated always stay, and so does any field with an error. Under each
   translated field a marker says which languages it is already written in; beside each
   language the switch counts its fields written so far. The choice is posted to the
   editor's profile, so that the next form opens in it.

   Without this script the switch stays hidden and every language's fields stay shown. */
"use strict";

(function () {
  const HIDDEN = "rc-other-language";

  function start() {
    const switchForm = document.getElementById("rc-language-switch");
    const form = switchForm && switchForm.parentElement.querySelector("form:not(#rc-language-switch)");
    if (!form) {
      return;
    }
    const radios = Array.from(switchForm.querySelectorAll("input[type=radio]"));
    const names = new Map(
      radios.map((radio) => [radio.value, radio.parentElement.querySelector(".rc-language-switch__name").textContent])
    );
    const texts = switchForm.dataset;

    function chosen() {
      const radio = radios.find((candidate) => candidate.checked) || radios[0];
      return radio.value;
    }

    /* Each translated field's inputs by language, keyed by the field's name without its
       language (title_fr -> title; responses-0-title_fr -> responses-0-title). The empty
       row Django copies for "Add another" is left out until it is copied. */
    function fieldGroups() {
      const groups = new Map();
      for (const input of form.querySelectorAll("[data-language][name]")) {
        if (input.closest(".empty-form")) {
          continue;
        }
        const suffix = "_" + input.dataset.language.replace("-", "_");
        const key = input.name.endsWith(suffix) ? input.name.slice(0, -suffix.length) : input.name;
        if (!groups.has(key)) {
          groups.set(key, []);
        }
        groups.get(key).push(input);
      }
      return groups;
    }

    /* The part of the page one input's field takes: its row, or its box where a row holds
       several fields. */
    function place(input) {
      return input.closest(".fieldBox") || input.closest(".form-row");
    }

    function isWritten(input) {
      let text = input.value || "";
      if (input.tagName === "TEXTAREA") {
        // Rich text: what a reader would read, not the editor's empty paragraph.
        text = text.replace(/<[^>]*>/g, "").replace(/&nbsp;/g, " ");
      }
      return text.trim() !== "";
    }

    function marker(container) {
      let element = container.querySelector(":scope > .rc-field-languages");
      if (!element) {
        element = document.createElement("p");
        element.className = "rc-field-languages";
        container.appendChild(element);
      }
      return element;
    }

    function showMarker(element, written) {
      element.replaceChildren();
      if (!written.length) {
        element.textContent = texts.writtenInNone;
        element.classList.add("rc-field-languages--none");
        return;
      }
      element.classList.remove("rc-field-languages--none");
      element.append(texts.writtenIn);
      for (const code of written) {
        const badge = document.createElement("span");
        badge.className = "rc-lang";
        badge.lang = code;
        badge.title = names.get(code) || code;
        badge.textContent = code.toUpperCase();
        element.append(" ", badge);
      }
    }

    function update() {
      const shown = chosen();
      const groups = fieldGroups();
      const filled = new Map(radios.map((radio) => [radio.value, 0]));
      for (const inputs of groups.values()) {
        const written = inputs.filter(isWritten).map((input) => input.dataset.language);
        for (const code of written) {
          filled.set(code, (filled.get(code) || 0) + 1);
        }
        // In the order of the switch: the editor's own languages first.
        const ordered = radios.map((radio) => radio.value).filter((code) => written.includes(code));
        for (const input of inputs) {
          const container = place(input);
          if (!container) {
            continue;
          }
          const hide = input.dataset.language !== shown && !container.classList.contains("errors");
          container.classList.toggle(HIDDEN, hide);
          showMarker(marker(container), ordered);
        }
      }
      for (const radio of radios) {
        const count = switchForm.querySelector(`[data-filled-for="${radio.value}"]`);
        count.textContent = texts.filled
          .replace("%(filled)s", filled.get(radio.value))
          .replace("%(total)s", groups.size);
        count.title = texts.filledTitle;
      }
      form.dataset.shownLanguage = shown;
    }

    function remember() {
      fetch(switchForm.action, {
        method: "POST",
        body: new FormData(switchForm),
        credentials: "same-origin",
        headers: { "X-Requested-With": "XMLHttpRequest" },
      }).catch(() => {
        // Not remembered (offline, logged out): the form itself works on.
      });
    }

    let pending = false;
    function updateSoon() {
      // After the rich-text editors have written their text back to their textareas.
      if (!pending) {
        pending = true;
        window.setTimeout(() => {
          pending = false;
          update();
        }, 0);
      }
    }

    switchForm.addEventListener("change", () => {
      update();
      remember();
    });
    switchForm.addEventListener("submit", (event) => event.preventDefault());
    form.addEventListener("input", updateSoon);
    form.addEventListener("change", updateSoon);
    form.addEventListener("keyup", updateSoon);
    document.addEventListener("formset:added", updateSoon);
    document.addEventListener("formset:removed", updateSoon);

    switchForm.hidden = false;
    update();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
