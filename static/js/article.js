/* Article page: figure lightbox (mouse, touch, keyboard) and a print button.
   Without JavaScript every figure is a plain link to its full-size image. */
(function () {
  "use strict";
  var box = document.querySelector("[data-lightbox]");
  var printLink = document.querySelector(".print-link");
  if (printLink) {
    printLink.hidden = false;
    printLink.addEventListener("click", function (event) {
      event.preventDefault();
      window.print();
    });
  }
  // The gallery repeats the figures beside the steps: folded on phones, open on wider screens.
  var gallerySection = document.querySelector("[data-gallery-section]");
  if (gallerySection && window.matchMedia("(min-width: 48rem)").matches) gallerySection.open = true;
  if (!box) return;
  var links = Array.prototype.slice.call(document.querySelectorAll("[data-gallery] .figure-link"));
  if (!links.length) return;
  var image = box.querySelector("img");
  var caption = box.querySelector(".lightbox-caption");
  var closeButton = box.querySelector(".lightbox-close");
  var current = 0;
  var opener = null;
  var touchStartX = null;

  function show(index) {
    current = (index + links.length) % links.length;
    var link = links[current];
    var thumb = link.querySelector("img");
    image.src = link.getAttribute("href");
    image.alt = thumb ? thumb.alt : "";
    caption.textContent = link.getAttribute("data-caption") + " (" + (current + 1) + "/" + links.length + ")";
  }

  function open(index, trigger) {
    opener = trigger || null;
    show(index);
    box.hidden = false;
    document.body.style.overflow = "hidden";
    closeButton.focus();
  }

  function close() {
    box.hidden = true;
    document.body.style.overflow = "";
    if (opener) opener.focus();
  }

  function indexOfFigure(number) {
    for (var i = 0; i < links.length; i++) {
      if (links[i].getAttribute("data-figure") === number) return i;
    }
    return 0;
  }

  // Figures beside steps and in the gallery both open the viewer.
  document.querySelectorAll(".figure-link").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      open(indexOfFigure(link.getAttribute("data-figure")), link);
    });
  });
  closeButton.addEventListener("click", close);
  box.querySelector(".lightbox-prev").addEventListener("click", function () { show(current - 1); });
  box.querySelector(".lightbox-next").addEventListener("click", function () { show(current + 1); });
  box.addEventListener("click", function (event) {
    if (event.target === box) close();
  });
  document.addEventListener("keydown", function (event) {
    if (box.hidden) return;
    if (event.key === "Escape") { event.preventDefault(); close(); }
    else if (event.key === "ArrowRight") { event.preventDefault(); show(current + 1); }
    else if (event.key === "ArrowLeft") { event.preventDefault(); show(current - 1); }
    else if (event.key === "Tab") {
      // Keep focus inside the dialog while it is open.
      var focusable = box.querySelectorAll("button");
      var first = focusable[0];
      var last = focusable[focusable.length - 1];
      if (event.shiftKey && document.activeElement === first) { event.preventDefault(); last.focus(); }
      else if (!event.shiftKey && document.activeElement === last) { event.preventDefault(); first.focus(); }
    }
  });
  box.addEventListener("touchstart", function (event) {
    touchStartX = event.changedTouches[0].clientX;
  }, { passive: true });
  box.addEventListener("touchend", function (event) {
    if (touchStartX === null) return;
    var delta = event.changedTouches[0].clientX - touchStartX;
    touchStartX = null;
    if (Math.abs(delta) > 40) show(current + (delta < 0 ? 1 : -1));
  }, { passive: true });
})();
