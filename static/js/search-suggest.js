/* Header search box: suggests the top articles as you type (a combobox with a listbox).
   Without JavaScript the box stays the plain search form. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-suggest-url]");
  if (!form || !window.fetch) return;
  var input = form.querySelector("input[type=search]");
  var url = form.getAttribute("data-suggest-url");
  var minChars = parseInt(form.getAttribute("data-suggest-min") || "2", 10);
  var list = document.createElement("ul");
  var status = document.createElement("span");
  var timer = null;
  var request = 0;
  var active = -1;
  var items = [];

  list.id = input.id + "-suggestions";
  list.className = "suggest-list";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", form.getAttribute("data-suggest-label"));
  list.hidden = true;
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  form.classList.add("has-suggestions");
  form.appendChild(list);
  form.appendChild(status);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("autocomplete", "off");

  function close() {
    list.hidden = true;
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function highlight(index) {
    var options = list.querySelectorAll("[role=option]");
    active = index;
    for (var i = 0; i < options.length; i++) {
      options[i].setAttribute("aria-selected", i === index ? "true" : "false");
    }
    if (index >= 0 && options[index]) {
      input.setAttribute("aria-activedescendant", options[index].id);
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function render(results, query) {
    items = results;
    list.setAttribute("data-query", query);  // what the shown suggestions are for
    list.textContent = "";
    results.forEach(function (item, index) {
      var option = document.createElement("li");
      var kb = document.createElement("span");
      option.id = list.id + "-" + index;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      kb.className = "kb-number";
      kb.textContent = item.kb + " ";
      option.appendChild(kb);
      option.appendChild(document.createTextNode(item.title));
      option.addEventListener("mousedown", function (event) {
        event.preventDefault();  // keep the focus in the box until the page changes
        window.location.assign(item.url);
      });
      list.appendChild(option);
    });
    if (results.length) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      status.textContent = form.getAttribute("data-suggest-found").replace("{count}", results.length);
    } else {
      close();
      status.textContent = form.getAttribute("data-suggest-none");
    }
    active = -1;
  }

  function lookUp() {
    var query = input.value.trim();
    if (query.length < minChars) {
      close();
      return;
    }
    var mine = ++request;
    fetch(url + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) { if (mine === request) render(data.results || [], query); })
      .catch(function () { if (mine === request) close(); });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(lookUp, 150);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (list.hidden) {
        if (items.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
        return;
      }
      event.preventDefault();
      var next = active + (event.key === "ArrowDown" ? 1 : -1);  // -1: back in the box, nothing chosen
      if (next >= items.length) next = -1;
      if (next < -1) next = items.length - 1;
      highlight(next);
    } else if (event.key === "Enter" && !list.hidden && active >= 0 && items[active]) {
      event.preventDefault();
      window.location.assign(items[active].url);
    } else if (event.key === "Escape" && !list.hidden) {
      event.preventDefault();
      close();
    }
  });
  input.addEventListener("blur", function () { window.setTimeout(close, 150); });
})();
