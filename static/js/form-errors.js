/* After a refused form, move the focus to the first input the error box is about,
   so a keyboard or screen-reader user lands where the fix is typed. */
(function () {
  "use strict";
  var box = document.getElementById("problem");
  if (!box) { return; }
  var field = document.querySelector('[aria-invalid="true"]');
  if (field && typeof field.focus === "function") {
    field.focus();
    if (typeof field.select === "function" && field.type !== "password") { field.select(); }
  }
}());
