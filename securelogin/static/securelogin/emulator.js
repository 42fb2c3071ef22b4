/* Device emulators: IB Key phone app (iOS, Android) and the DSC+ card.
   The response is always computed by the server (POST with CSRF); this script
   only drives the screens. Without it, the pages still work with plain forms. */
(function () {
  "use strict";
  var device = document.getElementById("sl-device");
  if (!device) { return; }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function post(url, fields) {
    var body = new URLSearchParams();
    Object.keys(fields).forEach(function (key) { body.append(key, fields[key]); });
    return fetch(url, {
      method: "POST",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
      body: body
    }).then(function (res) {
      return res.json().catch(function () { return { ok: false, error: res.statusText }; });
    });
  }

  if (device.dataset.kind === "dsc") { card(device); } else { phone(device); }

  /* ---------------- phone (IB Key) ---------------- */
  function phone(root) {
    var kind = root.dataset.kind;
    var screens = root.querySelectorAll(".sl-screen");
    var error = root.querySelector("#sl-error");
    var challengeInput = root.querySelector("#sl-challenge");
    var pinInput = root.querySelector("#sl-pin");
    var pendingChallenge = "";

    function show(name) {
      screens.forEach(function (s) { s.hidden = s.dataset.screen !== name; });
      root.dataset.screen = name;
      var target = root.querySelector('.sl-screen[data-screen="' + name + '"]');
      var focusable = target && target.querySelector("input:not([type=hidden]), button:not([disabled])");
      if (focusable) { focusable.focus(); }
    }

    root.addEventListener("click", function (event) {
      var go = event.target.closest("[data-go]");
      if (go && root.contains(go)) {
        event.preventDefault();
        if (go.dataset.go === "challenge" && error) { error.textContent = ""; }
        show(go.dataset.go);
      }
    });

    function digitsOnly(input, max) {
      if (!input) { return; }
      input.addEventListener("input", function () {
        var clean = input.value.replace(/[^0-9]/g, "").slice(0, max);
        if (clean !== input.value) { input.value = clean; }
      });
    }
    digitsOnly(challengeInput, 6);
    digitsOnly(pinInput, 4);

    var passcodeInput = root.querySelector("#sl-passcode");
    var passcodeError = root.querySelector("#sl-passcode-error");

    function generate(confirmed, extra) {
      var fields = { challenge: pendingChallenge };
      if (pinInput) { fields.pin = pinInput.value; }
      if (confirmed) { fields.confirmed = confirmed; }
      Object.keys(extra || {}).forEach(function (key) { fields[key] = extra[key]; });
      return post(root.dataset.respondUrl, fields).then(function (data) {
        if (!data.ok) {
          if (data.screen === "passcode" && passcodeError) {
            passcodeError.textContent = data.error || "";
            passcodeInput.value = "";
            show("passcode");
            return;
          }
          if (error) { error.textContent = data.error || ""; }
          show("challenge");
          return;
        }
        if (kind === "android") {
          root.querySelector("#sl-response-android").textContent = data.response;
          root.querySelector("#sl-android-response").hidden = false;
        } else {
          root.querySelector("#sl-response").textContent = data.response;
          show("response");
        }
      });
    }

    var form = root.querySelector("#sl-challenge-form");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (error) { error.textContent = ""; }
      pendingChallenge = challengeInput.value;
      if (kind === "ios") {
        root.querySelectorAll(".sl-pending-challenge").forEach(function (input) {
          input.value = pendingChallenge;
        });
        if (!/^[0-9]{6}$/.test(pendingChallenge)) { generate("1"); return; }
        showPasscodeOr(root.dataset.biometric === "passcode" ? "passcode" : "biometric");
      } else {
        generate("");
      }
    });

    function showPasscodeOr(name) {
      if (name === "passcode" && passcodeInput) {
        passcodeInput.value = "";
        if (passcodeError) { passcodeError.textContent = ""; }
      }
      show(name);
    }

    var confirmForm = root.querySelector("#sl-confirm-form");
    if (confirmForm) {
      confirmForm.addEventListener("submit", function (event) {
        event.preventDefault();
        pendingChallenge = pendingChallenge || root.querySelector("#sl-confirm-challenge").value;
        generate("1");
      });
    }
    /* Face ID / Touch ID failed or is not wanted: the phone's passcode instead (KB2260 step 5). */
    var usePasscode = root.querySelector("#sl-use-passcode-form");
    if (usePasscode) {
      usePasscode.addEventListener("submit", function (event) {
        event.preventDefault();
        showPasscodeOr("passcode");
      });
    }
    var passcodeForm = root.querySelector("#sl-passcode-form");
    if (passcodeForm) {
      passcodeForm.addEventListener("submit", function (event) {
        event.preventDefault();
        pendingChallenge = pendingChallenge || passcodeForm.querySelector(".sl-pending-challenge").value;
        generate("passcode", { passcode: passcodeInput.value });
      });
    }
    digitsOnly(passcodeInput, 6);
    var home = root.querySelector("#sl-home");
    if (home) {
      home.addEventListener("click", function () {
        if (root.dataset.screen === "biometric") { confirmForm.requestSubmit(); }
      });
    }
  }

  /* ---------------- DSC+ card ---------------- */
  function card(root) {
    var lcd = root.querySelector("#sl-lcd");
    var keys = root.querySelectorAll(".sl-keypad button");
    var state = "off";   // off, pin, challenge, busy, response, blocked
    var typed = "";
    var pin = "";
    var offTimer = null;

    function enable(on) { keys.forEach(function (k) { k.disabled = !on; }); }
    function render() {
      if (state === "pin") { lcd.textContent = "PIN> " + "*".repeat(typed.length); }
      else if (state === "challenge") { lcd.textContent = "CHALLNG> " + typed; }
    }
    function autoOff() {
      clearTimeout(offTimer);
      offTimer = setTimeout(function () { state = "off"; typed = ""; pin = ""; lcd.textContent = ""; enable(false); }, 120000);
    }
    function switchOn() {
      if (state === "blocked") { return; }
      state = "pin"; typed = ""; pin = "";
      enable(true); render(); autoOff();
      root.querySelector('[data-key="1"]').focus();
    }
    function ok() {
      if (state === "pin") {
        if (typed.length !== 4) { return; }
        var tryPin = typed;
        state = "busy";
        post(root.dataset.pinUrl, { pin: tryPin }).then(function (data) {
          if (data.ok) { pin = tryPin; state = "challenge"; typed = ""; render(); return; }
          if (data.blocked) { state = "blocked"; lcd.textContent = root.dataset.textBlocked; enable(false); return; }
          state = "pin"; typed = "";
          lcd.textContent = root.dataset.textFail + " " + (data.retries_left !== undefined ? data.retries_left : "");
          setTimeout(function () { if (state === "pin" && !typed) { render(); } }, 1500);
        });
      } else if (state === "challenge") {
        if (typed.length !== 6) { return; }
        state = "busy";
        post(root.dataset.respondUrl, { pin: pin, challenge: typed }).then(function (data) {
          if (data.ok) { state = "response"; lcd.textContent = data.response; return; }
          if (data.blocked) { state = "blocked"; lcd.textContent = root.dataset.textBlocked; enable(false); return; }
          state = "challenge"; typed = ""; lcd.textContent = data.error || "";
        });
      } else if (state === "response") {
        state = "challenge"; typed = ""; render();
      }
    }
    function press(key) {
      if (key === "press") { switchOn(); return; }
      if (state === "off" || state === "busy" || state === "blocked") { return; }
      autoOff();
      if (key === "ok") { ok(); return; }
      if (state === "response") { state = "challenge"; typed = ""; }
      if (key === "back") { typed = typed.slice(0, -1); render(); return; }
      var max = state === "pin" ? 4 : 6;
      if (typed.length < max) { typed += key; }
      render();
    }

    root.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-key]");
      if (button && !button.disabled) { press(button.dataset.key); }
    });
    document.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey) { return; }
      var tag = (event.target.tagName || "").toLowerCase();
      if (tag === "input" || tag === "textarea") { return; }
      var key = null;
      if (/^[0-9]$/.test(event.key)) { key = event.key; }
      else if (event.key === "Enter") { key = state === "off" ? "press" : "ok"; }
      else if (event.key === "Backspace") { key = "back"; }
      else if (event.key === "p" || event.key === "P") { key = "press"; }
      if (key === null) { return; }
      if (key === "press" || state !== "off") {
        event.preventDefault();
        press(key);
      }
    });
  }
})();
