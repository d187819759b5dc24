/* Accessible names for the admin's widgets that come without one
   (templates/admin/base_site.html, every admin page):

   - the rich-text editors (django-prose-editor): the editable area is named by its field's
     label and takes the field's language and direction;
   - the topic, company and other pickers (Select2, Django's autocomplete and
     resource_centre/pickers.js): the box, the text shown in it and its search field are
     named by the field's label (in a table of inline rows, its column's heading); the "remove all"
     cross, a mouse-only shortcut for what Backspace does, is hidden from assistive
     technology (it is also the only element of Select2's list that is not a list item);
   - the inputs of tabular inlines (a statement's signatories), which Django labels only by
     their column heading: each is named by that heading.

   These widgets are built by scripts, so they are named as they appear. */
"use strict";

(function () {
  let counter = 0;

  function idOf(element) {
    if (!element.id) {
      counter += 1;
      element.id = `rc-name-${counter}`;
    }
    return element.id;
  }

  function labelOf(control) {
    if (!control || !control.id) {
      return null;
    }
    return document.querySelector(`label[for="${CSS.escape(control.id)}"]`);
  }

  // In a table of inline rows, a control's column heading (Django labels it by no more).
  function headingOf(control) {
    const cell = control && control.closest("td");
    const table = cell && cell.closest("table");
    const headings = table && table.tHead ? table.tHead.rows[0].cells : [];
    const heading = cell ? headings[cell.cellIndex] : null;
    return heading && heading.textContent.trim() ? heading : null;
  }

  function setOnce(element, name, value) {
    if (element && element.getAttribute(name) !== value) {
      element.setAttribute(name, value);
    }
  }

  function nameRichTextEditors() {
    for (const editor of document.querySelectorAll(".prose-editor")) {
      const textarea = editor.querySelector("textarea");
      const editable = editor.querySelector("[contenteditable]");
      const label = labelOf(textarea);
      if (!editable || !label) {
        continue;
      }
      setOnce(editable, "aria-labelledby", idOf(label));
      if (textarea.lang) {
        setOnce(editable, "lang", textarea.lang);
      }
      if (textarea.dir) {
        setOnce(editable, "dir", textarea.dir);
      }
    }
  }

  function namePickers() {
    for (const container of document.querySelectorAll(".select2-container")) {
      // Select2 puts its box right after the <select> it replaces.
      const select = container.previousElementSibling;
      const label =
        select && select.tagName === "SELECT" ? labelOf(select) || headingOf(select) : null;
      if (!label) {
        continue;
      }
      const labelId = idOf(label);
      const shown = container.querySelector(".select2-selection--single .select2-selection__rendered");
      const box = container.querySelector(".select2-selection");
      if (shown) {
        setOnce(shown, "aria-labelledby", labelId);
        setOnce(box, "aria-labelledby", `${labelId} ${idOf(shown)}`);
      } else if (box) {
        setOnce(box, "aria-labelledby", labelId);
      }
      for (const search of container.querySelectorAll(".select2-search__field")) {
        setOnce(search, "aria-labelledby", labelId);
      }
      for (const clear of container.querySelectorAll(".select2-selection__clear")) {
        setOnce(clear, "aria-hidden", "true");
      }
    }
    // The search field of an open single-choice picker, in its dropdown at the end of the
    // page: its results list is named after the <select>.
    for (const search of document.querySelectorAll(".select2-dropdown .select2-search__field")) {
      const results = (search.getAttribute("aria-controls") || "").match(/^select2-(.+)-results$/);
      const label = results ? labelOf(document.getElementById(results[1])) : null;
      if (label) {
        setOnce(search, "aria-labelledby", idOf(label));
      }
    }
  }

  function nameTabularInputs() {
    for (const table of document.querySelectorAll(".tabular table")) {
      const headings = table.tHead ? table.tHead.rows[0].cells : [];
      for (const cell of table.querySelectorAll("tbody td")) {
        const heading = headings[cell.cellIndex];
        if (!heading || !heading.textContent.trim()) {
          continue;
        }
        for (const control of cell.querySelectorAll("input:not([type=hidden]), select, textarea")) {
          if (!control.labels || control.labels.length === 0) {
            setOnce(control, "aria-labelledby", idOf(heading));
          }
        }
      }
    }
  }

  function nameAll() {
    nameRichTextEditors();
    namePickers();
    nameTabularInputs();
  }

  let pending = false;
  function nameSoon() {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(() => {
        pending = false;
        nameAll();
      });
    }
  }

  nameAll();
  new MutationObserver(nameSoon).observe(document.body, { childList: true, subtree: true });
})();
