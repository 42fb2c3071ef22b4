/* Hand-off to the phone, desktop page: asks the server every few seconds what has arrived and
   shows the photos and the phone's state. Without this script a reload shows the same. */
(function () {
  "use strict";
  var root = document.getElementById("handoff");
  if (!root || !window.fetch) { return; }
  var url = root.dataset.statusUrl;
  var stateLine = document.getElementById("handoff-state");
  var list = document.getElementById("handoff-photos");
  var none = document.getElementById("handoff-none");
  var linkBox = document.getElementById("handoff-link-box");
  var shown = list.children.length;
  var state = root.dataset.state;
  var PERIOD = 3000;

  function photoItem(photo) {
    var li = document.createElement("li");
    var img = document.createElement("img");
    img.src = photo.thumbnail_url;
    img.alt = photo.alt;
    img.width = 160;
    li.appendChild(img);
    photo.warnings.forEach(function (text) {
      var p = document.createElement("p");
      p.className = "warning";
      p.textContent = text;
      li.appendChild(p);
    });
    return li;
  }

  function update(answer) {
    if (answer.state === "finished" && answer.submission_url) {
      window.location.assign(answer.submission_url);
      return false;
    }
    if (answer.state !== state) {
      state = answer.state;
      root.dataset.state = state;
      stateLine.className = "handoff-state state-" + state;
      stateLine.textContent = answer.state_text;
      if (state !== "waiting" && linkBox) { linkBox.hidden = true; }
    }
    answer.photos.slice(shown).forEach(function (photo) { list.appendChild(photoItem(photo)); });
    shown = Math.max(shown, answer.photos.length);
    none.hidden = shown > 0;
    return state === "waiting" || state === "connected";
  }

  function poll() {
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin", cache: "no-store"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) {
        var again = answer ? update(answer) : true;
        if (again) { window.setTimeout(poll, PERIOD); }
      })
      .catch(function () { window.setTimeout(poll, PERIOD * 2); });
  }

  if (state === "waiting" || state === "connected") { window.setTimeout(poll, PERIOD); }
})();
