// Lobang combobox: the ARIA 1.2 combobox pattern for the destination field.
// htmx fetches the listbox (/destinations/suggest) and swaps it in place of
// the element named by the input's aria-controls; this script only moves the
// active option, picks one and opens or closes the list. Inputs opt in with
// data-combobox; the value of a pick goes into the form field named by
// data-combobox-value (default "destination"). No inline handlers: the
// page's CSP forbids them.
(function () {
  "use strict";

  function listbox(input) {
    return document.getElementById(input.getAttribute("aria-controls"));
  }

  function options(input) {
    var list = listbox(input);
    return list ? Array.prototype.slice.call(list.querySelectorAll('[role="option"]')) : [];
  }

  function valueField(input) {
    var name = input.getAttribute("data-combobox-value") || "destination";
    return input.form ? input.form.elements.namedItem(name) : null;
  }

  function status(input, text) {
    var el = input.parentElement.querySelector('[role="status"]');
    if (el) el.textContent = text;
  }

  function setActive(input, option) {
    options(input).forEach(function (o) {
      o.setAttribute("aria-selected", o === option ? "true" : "false");
    });
    if (option) {
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function open(input) {
    var list = listbox(input);
    var n = options(input).length;
    if (!list || n === 0) return close(input);
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    status(input, n + (n === 1 ? " suggestion" : " suggestions") + ". Use the up and down arrows to choose.");
  }

  function close(input) {
    var list = listbox(input);
    if (list) list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    setActive(input, null);
  }

  function isOpen(input) {
    return input.getAttribute("aria-expanded") === "true";
  }

  function pick(input, option) {
    input.value = option.getAttribute("data-name");
    var field = valueField(input);
    if (field) field.value = option.getAttribute("data-value");
    input.setAttribute("data-dismissed", "");
    close(input);
    status(input, option.getAttribute("data-name") + " chosen.");
  }

  function move(input, step) {
    var opts = options(input);
    if (opts.length === 0) return;
    if (!isOpen(input)) open(input);
    var current = opts.indexOf(document.getElementById(input.getAttribute("aria-activedescendant")));
    var next = current < 0 ? (step > 0 ? 0 : opts.length - 1) : (current + step + opts.length) % opts.length;
    setActive(input, opts[next]);
  }

  function comboboxOf(el) {
    return el && el.matches && el.matches("input[data-combobox]") ? el : null;
  }

  // The input whose listbox contains el, if any.
  function ownerOfOption(el) {
    var list = el.closest && el.closest('[role="listbox"]');
    return list ? document.querySelector('input[data-combobox][aria-controls="' + list.id + '"]') : null;
  }

  document.addEventListener("input", function (e) {
    var input = comboboxOf(e.target);
    if (!input) return;
    // What is typed now is no longer the place that was picked.
    var field = valueField(input);
    if (field) field.value = "";
    input.removeAttribute("data-dismissed");
    setActive(input, null);
  });

  document.addEventListener("keydown", function (e) {
    var input = comboboxOf(e.target);
    if (!input || e.altKey || e.ctrlKey || e.metaKey) return;
    switch (e.key) {
      case "ArrowDown":
      case "ArrowUp":
        e.preventDefault();
        move(input, e.key === "ArrowDown" ? 1 : -1);
        break;
      case "Enter":
        var active = document.getElementById(input.getAttribute("aria-activedescendant"));
        if (isOpen(input) && active) {
          e.preventDefault(); // pick, don't submit
          pick(input, active);
        }
        break;
      case "Escape":
        if (isOpen(input)) {
          e.preventDefault();
          input.setAttribute("data-dismissed", "");
          close(input);
        }
        break;
    }
  });

  // Keep focus in the input while the mouse is on the list, so a click picks
  // instead of blurring (which closes the list) first.
  document.addEventListener("mousedown", function (e) {
    if (ownerOfOption(e.target)) e.preventDefault();
  });

  document.addEventListener("click", function (e) {
    var input = ownerOfOption(e.target);
    var option = e.target.closest && e.target.closest('[role="option"]');
    if (input && option) {
      pick(input, option);
      input.focus();
    }
  });

  document.addEventListener("focusout", function (e) {
    var input = comboboxOf(e.target);
    if (input) close(input);
  });

  // A new listbox arrived (htmx fires after:swap on the input that asked):
  // show it while the customer is still in the field and has not picked or
  // dismissed since typing (a late answer must not reopen the list).
  document.addEventListener("htmx:after:swap", function (e) {
    var input = comboboxOf(e.target);
    if (!input) return;
    if (document.activeElement === input && !input.hasAttribute("data-dismissed")) {
      open(input);
    } else {
      close(input);
    }
  });
})();
