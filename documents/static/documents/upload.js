/* Send documents: previews, an instant check per photo, remove buttons, a progress bar.
   Without this script the form still works as a plain multipart form. */
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form || !window.FormData || !window.XMLHttpRequest) { return; }
  var texts = JSON.parse(document.getElementById("upload-texts").textContent);
  var list = document.getElementById("photo-list");
  var counter = document.getElementById("photo-count");
  var statusLine = document.getElementById("upload-status");
  var errorBox = document.getElementById("upload-errors");
  var progressBox = document.getElementById("upload-progress");
  var progressBar = document.getElementById("upload-progress-bar");
  var progressText = document.getElementById("upload-progress-text");
  var submitButton = document.getElementById("upload-submit");
  var cancelButton = document.getElementById("upload-cancel");
  var currentUpload = null;
  var inputs = [document.getElementById("camera-input"), document.getElementById("file-input")];
  var noteRow = document.getElementById("note-row");
  var anywayRow = document.getElementById("anyway-row");
  var maxFiles = parseInt(form.dataset.maxFiles, 10);
  var maxBytes = parseInt(form.dataset.maxBytes, 10);
  var checkUrl = form.dataset.checkUrl;
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var items = [];
  var nextId = 1;
  var sending = false;
  // "Take again" swaps one photo in place, so the pages keep their order.
  var replaceInput = document.createElement("input");
  var replacingId = null;
  replaceInput.type = "file";
  replaceInput.accept = "image/*";
  replaceInput.setAttribute("capture", "environment");  // "Take again": a phone opens its camera
  replaceInput.id = "replace-input";
  replaceInput.hidden = true;
  replaceInput.tabIndex = -1;
  replaceInput.setAttribute("aria-hidden", "true");
  form.appendChild(replaceInput);

  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (all, key) { return values[key]; });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function showErrors(messages) {
    errorBox.textContent = "";
    if (!messages.length) { errorBox.hidden = true; return; }
    var ul = el("ul", "errorlist");
    messages.forEach(function (message) { ul.appendChild(el("li", "", message)); });
    errorBox.appendChild(ul);
    errorBox.hidden = false;
    errorBox.focus();
  }

  function updateNote() {
    var other = form.querySelector("input[name=document_type][value=other]");
    if (noteRow && other) { noteRow.hidden = !other.checked && !noteRow.querySelector(".errorlist"); }
  }

  // The photo with its problem area (a glare spot) outlined: one SVG, so the mark sits exactly on the photo.
  function markedPreview(item, index) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 " + item.width + " " + item.height);
    svg.setAttribute("class", "problem-area-preview");
    svg.setAttribute("role", "img");
    var said = item.boxCode === "glare" ? texts.marked : texts.markedDocument;
    svg.setAttribute("aria-label", fmt(texts.photo, {number: index + 1}) + ". " + said);
    var image = document.createElementNS(ns, "image");
    image.setAttribute("href", item.url);
    image.setAttribute("width", item.width);
    image.setAttribute("height", item.height);
    image.setAttribute("preserveAspectRatio", "none");
    svg.appendChild(image);
    var rect = document.createElementNS(ns, "rect");
    rect.setAttribute("x", item.box[0] * item.width);
    rect.setAttribute("y", item.box[1] * item.height);
    rect.setAttribute("width", (item.box[2] - item.box[0]) * item.width);
    rect.setAttribute("height", (item.box[3] - item.box[1]) * item.height);
    rect.setAttribute("class", "problem-mark");
    svg.appendChild(rect);
    return svg;
  }

  function render() {
    list.textContent = "";
    items.forEach(function (item, index) {
      var li = el("li", "photo-item state-" + item.state);
      li.dataset.name = item.file.name;
      var figure = el("div", "photo-preview");
      if (item.url && item.box) {
        figure.appendChild(markedPreview(item, index));
      } else if (item.url) {
        var img = document.createElement("img");
        img.alt = fmt(texts.photo, {number: index + 1});
        img.src = item.url;
        img.addEventListener("error", function () { figure.textContent = texts.noPreview; });
        figure.appendChild(img);
      } else {
        figure.textContent = texts.noPreview;
      }
      li.appendChild(figure);
      var body = el("div", "photo-body");
      body.appendChild(el("p", "photo-name", fmt(texts.photo, {number: index + 1}) + " · " + item.file.name));
      var state = el("p", "photo-state");
      if (item.state === "checking") { state.textContent = texts.checking; }
      if (item.state === "ok") { state.textContent = texts.ok; }
      if (item.state === "unchecked") { state.textContent = texts.checkFailed; }
      if (item.state === "anyway") { state.textContent = texts.anywayChosen; }
      if (item.state === "refused" || item.state === "warning") {
        state.appendChild(el("strong", "", item.state === "refused" ? texts.refused : texts.warning));
        state.appendChild(document.createTextNode(" " + item.message + " "));
        if (item.advice) { state.appendChild(el("span", "advice", item.advice)); }
      }
      body.appendChild(state);
      if (item.state === "refused" && item.tries >= 2) {
        // Twice refused for its quality: the client may send it anyway, with a note for staff.
        var anyway = el("button", "secondary send-anyway", texts.anyway);
        anyway.type = "button";
        anyway.setAttribute("aria-label", fmt(texts.anywayLabel, {number: index + 1}));
        anyway.addEventListener("click", function () {
          item.state = "anyway";
          render();
          anywayRow.hidden = false;
          anywayRow.querySelector("textarea, input").focus();
        });
        body.appendChild(anyway);
      }
      if (item.state === "refused" || item.state === "warning" || item.state === "anyway") {
        var again = el("button", "replace-photo", texts.replace);
        again.type = "button";
        again.setAttribute("aria-label", fmt(texts.replaceLabel, {number: index + 1}));
        again.addEventListener("click", function () { replacingId = item.id; replaceInput.click(); });
        body.appendChild(again);
      }
      var remove = el("button", "secondary remove-photo", texts.remove);
      remove.type = "button";
      remove.setAttribute("aria-label", fmt(texts.removeLabel, {number: index + 1}));
      remove.addEventListener("click", function () { removeItem(item.id, index); });
      body.appendChild(remove);
      li.appendChild(body);
      list.appendChild(li);
    });
    counter.hidden = items.length === 0;
    counter.textContent = fmt(texts.count, {count: items.length, max: maxFiles});
  }

  function removeItem(id, index) {
    items = items.filter(function (item) {
      if (item.id === id) {
        if (item.url) { URL.revokeObjectURL(item.url); }
        if (item.xhr) { item.xhr.abort(); }
        return false;
      }
      return true;
    });
    render();
    var buttons = list.querySelectorAll(".remove-photo");
    var target = buttons[Math.min(index, buttons.length - 1)] || inputs[1];
    target.focus();
    statusLine.textContent = "";
  }

  function check(item) {
    if (item.file.size === 0) { return refuse(item, texts.empty); }
    if (item.file.size > maxBytes) { return refuse(item, texts.tooLarge); }
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrf);
    data.append("photos", item.file, item.file.name);
    var size = form.querySelector("input[name=page_format]:checked");
    if (size) { data.append("page_format", size.value); }
    var xhr = new XMLHttpRequest();
    item.xhr = xhr;
    xhr.open("POST", checkUrl);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.setRequestHeader("X-CSRFToken", csrf);
    xhr.addEventListener("load", function () {
      item.xhr = null;
      var answer = null;
      try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = null; }
      if (answer && answer.ok) {
        if (answer.warnings && answer.warnings.length) {
          item.state = "warning";
          item.message = answer.warnings.map(function (w) { return w.message; }).join(" ");
          item.advice = answer.warnings.map(function (w) { return w.advice; }).join(" ");
          var marked = answer.warnings.filter(function (w) { return w.box; })[0];
          item.box = marked ? marked.box : null;
          item.boxCode = marked ? marked.code : "";
          item.width = answer.width;
          item.height = answer.height;
        } else {
          item.state = "ok";
        }
      } else if (answer && answer.error && typeof answer.error === "object") {
        return refuse(item, answer.error);
      } else {
        item.state = "unchecked";
      }
      render();
      announce(item);
    });
    xhr.addEventListener("error", function () { item.xhr = null; item.state = "unchecked"; render(); });
    xhr.send(data);
  }

  function refuse(item, error) {
    if (texts.overridable.indexOf(error.code) >= 0) { item.tries = (item.tries || 0) + 1; }
    item.state = "refused";
    item.message = error.message;
    item.advice = error.advice;
    item.box = error.box || null;  // a document too small in the photo: it is marked
    item.boxCode = error.code;
    if (error.box) { item.width = error.width; item.height = error.height; }
    render();
    announce(item);
  }

  function announce(item) {
    var number = items.indexOf(item) + 1;
    if (!number) { return; }
    var label = fmt(texts.photo, {number: number}) + ": ";
    if (item.state === "ok") { statusLine.textContent = label + texts.ok; }
    if (item.state === "refused") { statusLine.textContent = label + texts.refused + " " + item.message + " " + item.advice; }
    if (item.state === "warning") { statusLine.textContent = label + texts.warning + " " + item.message; }
  }

  function replaceItem(id, file) {
    var index = -1;
    items.forEach(function (item, position) { if (item.id === id) { index = position; } });
    if (index < 0) { return; }
    var old = items[index];
    if (old.url) { URL.revokeObjectURL(old.url); }
    if (old.xhr) { old.xhr.abort(); }
    var item = {id: nextId++, file: file, state: "checking", message: "", advice: "", url: null, tries: old.tries || 0};
    try { item.url = URL.createObjectURL(file); } catch (e) { item.url = null; }
    items[index] = item;
    render();
    statusLine.textContent = "";
    var buttons = list.querySelectorAll(".remove-photo");
    if (buttons[index]) { buttons[index].focus(); }
    check(item);
  }

  replaceInput.addEventListener("change", function () {
    var file = replaceInput.files && replaceInput.files[0];
    replaceInput.value = "";
    if (file && replacingId !== null) { replaceItem(replacingId, file); }
    replacingId = null;
  });

  function addFiles(input) {
    var files = Array.prototype.slice.call(input.files || []);
    input.value = "";
    var refusedExtra = false;
    files.forEach(function (file) {
      if (items.length >= maxFiles) { refusedExtra = true; return; }
      var item = {id: nextId++, file: file, state: "checking", message: "", advice: "", url: null};
      try { item.url = URL.createObjectURL(file); } catch (e) { item.url = null; }
      items.push(item);
      check(item);
    });
    render();
    statusLine.textContent = refusedExtra ? texts.tooMany : "";
  }

  if (cancelButton) {
    cancelButton.addEventListener("click", function () { if (currentUpload) { currentUpload.abort(); } });
  }

  inputs.forEach(function (input) {
    if (input) { input.addEventListener("change", function () { addFiles(input); }); }
  });
  form.querySelectorAll("input[name=document_type]").forEach(function (radio) {
    radio.addEventListener("change", updateNote);
  });
  updateNote();
  // The dpi a photo needs depends on the document's size: check every photo again for the new one.
  form.querySelectorAll("input[name=page_format]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      items.forEach(function (item) {
        if (item.xhr) { item.xhr.abort(); }
        if (item.state !== "anyway") { item.state = "checking"; item.box = null; check(item); }
      });
      render();
    });
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (sending) { return; }
    if (!items.length) { return showErrors([texts.none]); }
    if (items.some(function (item) { return item.state === "checking"; })) { return showErrors([texts.stillChecking]); }
    if (items.some(function (item) { return item.state === "refused"; })) { return showErrors([texts.fixRefused]); }
    var sendingAnyway = items.some(function (item) { return item.state === "anyway"; });
    if (sendingAnyway && !form.querySelector("[name=anyway_note]").value.trim()) { return showErrors([texts.anywayNote]); }
    showErrors([]);
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrf);
    var type = form.querySelector("input[name=document_type]:checked");
    if (type) { data.append("document_type", type.value); }
    var pageFormat = form.querySelector("input[name=page_format]:checked");
    if (pageFormat) { data.append("page_format", pageFormat.value); }
    data.append("note", form.querySelector("[name=note]").value);
    items.forEach(function (item, position) { if (item.state === "anyway") { data.append("anyway", String(position)); } });
    data.append("anyway_note", form.querySelector("[name=anyway_note]").value);
    var answering = form.querySelector("input[name=request]");
    if (answering && answering.value) { data.append("request", answering.value); }
    items.forEach(function (item) { data.append("photos", item.file, item.file.name); });
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.setRequestHeader("X-CSRFToken", csrf);
    sending = true;
    submitButton.disabled = true;
    progressBox.hidden = false;
    progressBar.value = 0;
    statusLine.textContent = texts.sending;
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) { return; }
      var percent = Math.round(e.loaded / e.total * 100);
      progressBar.value = percent;
      progressBar.textContent = percent + " %";
      progressText.textContent = percent + " %";
      if (percent >= 100) { statusLine.textContent = texts.processing; }
    });
    // Once every byte is sent the server has the photos: Cancel could no longer stop them,
    // so it is switched off rather than claiming "nothing was sent".
    xhr.upload.addEventListener("load", function () { if (cancelButton) { cancelButton.disabled = true; } });
    if (cancelButton) { cancelButton.disabled = false; }
    function done() {
      sending = false; currentUpload = null; submitButton.disabled = false; progressBox.hidden = true;
      if (cancelButton) { cancelButton.disabled = false; }
    }
    xhr.addEventListener("load", function () {
      var answer = null;
      try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = null; }
      if (xhr.status === 201 && answer && answer.ok) {
        statusLine.textContent = answer.reference;
        window.location.assign(answer.url);
        return;
      }
      done();
      statusLine.textContent = "";
      if (!answer) { return showErrors([texts.serverError]); }
      var messages = [];
      Object.keys(answer.errors || {}).forEach(function (key) { messages = messages.concat(answer.errors[key]); });
      if (typeof answer.error === "string" && !messages.length) { messages.push(answer.error); }
      (answer.file_errors || []).forEach(function (error) {
        var item = items[error.index];
        if (item) { item.state = "refused"; item.message = error.message; item.advice = error.advice; }
        messages.push(fmt(texts.photo, {number: error.index + 1}) + ": " + error.message + " " + error.advice);
      });
      render();
      showErrors(messages.length ? messages : [texts.serverError]);
    });
    xhr.addEventListener("error", function () { done(); showErrors([texts.network]); });
    xhr.addEventListener("abort", function () { done(); showErrors([texts.cancelled]); });
    currentUpload = xhr;
    xhr.send(data);
  });
})();
