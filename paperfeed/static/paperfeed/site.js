/* Small touches that need JavaScript, none essential: an avatar image that
   cannot load (offline, blocked CDN) gives way to its letter placeholder. */
(function () {
  "use strict";
  function fallback(img) {
    var letter = document.createElement("span");
    letter.className = img.className;
    letter.setAttribute("aria-hidden", "true");
    letter.textContent = (img.getAttribute("data-initial") || "?").slice(0, 1);
    img.replaceWith(letter);
  }
  document.addEventListener("error", function (event) {
    var target = event.target;
    if (target && target.tagName === "IMG" && target.classList.contains("avatar")) fallback(target);
  }, true);
  var images = document.querySelectorAll("img.avatar");
  for (var i = 0; i < images.length; i++) {
    if (images[i].complete && images[i].naturalWidth === 0) fallback(images[i]);
  }
})();
