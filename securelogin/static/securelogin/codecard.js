// The Print button of the Online Security Code Card (shown only when JavaScript runs).
(function () {
  "use strict";
  var button = document.getElementById("print-card");
  if (!button) { return; }
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
}());
