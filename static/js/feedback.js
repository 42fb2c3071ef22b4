// Feedback form: show the reasons only after "No", and the figure list only for
// "My screen looks different". Without JavaScript everything stays visible and the
// server asks for a reason when "No" comes without one.
(function () {
  "use strict";
  var form = document.querySelector("[data-feedback-reasons]");
  if (!form) { return; }
  var figure = form.querySelector(".feedback-figure");
  function checked(name) {
    var input = document.querySelector("input[name='" + name + "']:checked");
    return input ? input.value : "";
  }
  function update() {
    form.hidden = checked("helpful") === "yes";
    if (figure) { figure.hidden = checked("reason") !== "screen-differs"; }
  }
  document.querySelectorAll("input[name='helpful'], input[name='reason']").forEach(function (input) {
    input.addEventListener("change", update);
  });
  update();
}());
